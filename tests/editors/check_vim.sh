#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check_vim.sh SRCROOT: the Vim files of editors/vim load without an error,
# a .pmm file gets filetype pmm, and words of grammar/tokens.pmm get their
# syntax groups (a statement, a declaration, an option, a knob, an oracle,
# a string, an escape, a number, a comment). Exit 77 (skipped) when vim is
# not installed (the README's apt line installs it).
set -euo pipefail
src=$(realpath "$1")
command -v vim >/dev/null || { echo "SKIP: vim is not installed"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# LINE COL GROUP: the syntax group at that place of tokens.pmm.
checks=(
	"3 1 pmmDecl" "10 1 pmmDecl" "10 9 pmmMachine" "12 8 pmmKnob"
	"12 26 pmmComment" "18 8 pmmNumber" "20 9 pmmStrategy" "20 13 pmmOption"
	"27 5 pmmStatement" "29 11 pmmStatement" "29 17 pmmOption"
	"29 26 pmmNumber" "35 11 pmmStatement" "35 19 pmmString"
	"35 25 pmmEscape" "6 1 pmmDescription" "41 24 pmmStatement"
	"41 35 pmmOption" "41 47 pmmStatement" "51 24 pmmStatement"
	"54 13 pmmStatus" "54 20 pmmFunction" "61 18 pmmOracle"
)
script="let v:errmsg = ''"
for c in "${checks[@]}"; do
	set -- $c
	script+=$'\n'"let g = synIDattr(synID($1, $2, 1), 'name') | if g !=# '$3' | call writefile(['line $1 col $2: ' . g . ', not $3'], '$out', 'a') | endif"
done

vim -Nu NONE -i NONE -es \
	--cmd "set rtp^=$src/editors/vim" \
	-c 'filetype plugin on' -c 'syntax on' \
	-c "edit $src/tests/editors/grammar/tokens.pmm" \
	-c "if &filetype !=# 'pmm' || get(b:, 'current_syntax', '') !=# 'pmm' | call writefile(['filetype ' . &filetype . ', syntax ' . get(b:, 'current_syntax', 'none')], '$out', 'a') | endif" \
	-c "if &commentstring !=# '# %s' | call writefile(['commentstring ' . &commentstring], '$out', 'a') | endif" \
	-c "$script" \
	-c "if v:errmsg !=# '' | call writefile(['error: ' . v:errmsg], '$out', 'a') | endif" \
	-c 'qa!' </dev/null || echo "vim exited with $?" >>"$out"

# Every scenario of scenarios/ loads its syntax without an error.
vim -Nu NONE -i NONE -es --cmd "set rtp^=$src/editors/vim" \
	-c 'filetype on' -c 'syntax on' -c "let v:errmsg = ''" \
	-c 'bufdo syntax sync fromstart | redraw' \
	-c "if v:errmsg !=# '' | call writefile(['scenarios: ' . v:errmsg], '$out', 'a') | endif" \
	-c 'qa!' $(find "$src/scenarios" -name '*.pmm' | sort) </dev/null ||
	echo "vim exited with $? over scenarios/" >>"$out"

if [ -s "$out" ]; then
	cat "$out"
	exit 1
fi
echo "vim: filetype, syntax and ${#checks[@]} syntax groups as expected"
