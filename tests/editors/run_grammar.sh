#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run_grammar.sh SRCROOT PROTMM: the TextMate grammar
# (editors/textmate/pmm.tmLanguage.json) over every scenario of the tree
# (all of scenarios/, and each .pmm elsewhere that 'protmm check' accepts):
# no token invalid or unscoped (tokenize_all.js); then the assertion files
# of tests/editors/grammar/, which pin the scopes of keywords, statements,
# options, strings, escapes, comments and numbers (vscode-tmgrammar-test).
# Exit 77 (skipped) only when tests/editors/node_modules is absent: run
# 'npm ci' in tests/editors first (.ci/run does).
set -euo pipefail
src=$(realpath "$1")
protmm=$2
here=$src/tests/editors
grammar=$src/editors/textmate/pmm.tmLanguage.json

if [ ! -d "$here/node_modules/vscode-tmgrammar-test" ]; then
	echo "SKIP: $here/node_modules is absent: run 'npm ci' in tests/editors"
	exit 77
fi
command -v node >/dev/null || { echo "node is not installed" >&2; exit 1; }

files=()
while IFS= read -r f; do files+=("$f"); done < <(find "$src/scenarios" -name '*.pmm' | sort)
while IFS= read -r f; do
	"$protmm" check "$f" >/dev/null 2>&1 && files+=("$f")
done < <(find "$src/tests" "$src/fuzz" -name '*.pmm' -not -path '*/node_modules/*' \
	-not -path "$here/grammar/*" | sort)
[ "${#files[@]}" -gt 100 ] || { echo "only ${#files[@]} scenarios found" >&2; exit 1; }

node "$here/tokenize_all.js" "$grammar" "${files[@]}"
"$here/node_modules/.bin/vscode-tmgrammar-test" --grammar "$grammar" \
	"$here/grammar/*.pmm"
