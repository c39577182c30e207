#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The viewer's browser test (check_viewer.js), skipped (exit 77) only when
# what it needs is absent: node, Chromium (apt-get install chromium), or
# tests/viewer/node_modules (npm ci in tests/viewer; .ci/run does both).
# usage: run_viewer.sh PROTMM SCENARIO ARTIFACTS
here=$(dirname "$0")
chromium=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1; then
	echo "SKIP: node is not installed (apt-get install nodejs npm)"
	exit 77
fi
if [ ! -x "$chromium" ]; then
	echo "SKIP: no Chromium at $chromium (apt-get install chromium)"
	exit 77
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
	echo "SKIP: $here/node_modules has no playwright-core (cd $here && npm ci)"
	exit 77
fi
exec node "$here/check_viewer.js" "$@"
