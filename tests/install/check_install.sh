#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check_install.sh BUILD_DIR PROGRAM.c: installs BUILD_DIR with
# 'meson install --destdir' into a staging directory, then compiles
# PROGRAM.c with nothing but what 'pkg-config protmm' says there
# (PKG_CONFIG_PATH and PKG_CONFIG_SYSROOT_DIR point at the stage) and runs
# it against the staged shared library. Exit status: the program's, or 1
# when installing or building fails.
set -euo pipefail

build=$(realpath "$1")
prog=$(realpath "$2")
cc=${CC:-cc}
stage=$(mktemp -d "${TMPDIR:-/tmp}/protmm-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

meson install -C "$build" --destdir "$stage" --no-rebuild >"$stage.log" 2>&1 || {
	cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"

pc=$(find "$stage" -name protmm.pc -print -quit)
[ -n "$pc" ] || { echo "check_install: no protmm.pc installed" >&2; exit 1; }
for h in protmm.h sched.h atomic.h lock.h wait.h rcu.h observer.h explore.h; do
	[ -n "$(find "$stage" -path "*/include/protmm/$h" -print -quit)" ] ||
		{ echo "check_install: protmm/$h not installed" >&2; exit 1; }
done

# The command, its manual pages (protmm-scenario(5) generated from
# protmm(1)), the documents and the editor files, where their users look.
for f in bin/protmm share/man/man1/protmm.1 share/man/man5/protmm-scenario.5 \
	 share/doc/protmm/tutorial.md share/doc/protmm/reference.md \
	 share/doc/protmm/sharding.md share/doc/protmm/slurm/shard.sbatch \
	 share/vim/vimfiles/syntax/pmm.vim share/vim/vimfiles/ftdetect/pmm.vim \
	 share/vim/vimfiles/ftplugin/pmm.vim \
	 share/protmm/editors/textmate/pmm.tmLanguage.json \
	 share/protmm/editors/vim/syntax/pmm.vim; do
	[ -n "$(find "$stage" -path "*/$f" -print -quit)" ] ||
		{ echo "check_install: $f not installed" >&2; exit 1; }
done
for n in 000 001 002 003 004; do
	[ -n "$(find "$stage" -path "*/share/doc/protmm/seeds/$n-*.md" -print -quit)" ] ||
		{ echo "check_install: doc/seeds/$n-*.md not installed" >&2; exit 1; }
done
man5=$(find "$stage" -name protmm-scenario.5 -print -quit)
grep -q '^\.TH PROTMM-SCENARIO 5 ' "$man5" && grep -q '^\.SS Statements' "$man5" ||
	{ echo "check_install: protmm-scenario.5 lacks its header or statements" >&2; exit 1; }
# Vim finds the installed files: a scenario gets filetype and syntax pmm.
if command -v vim >/dev/null; then
	vimfiles=$(dirname "$(dirname "$(find "$stage" -path '*/vim/vimfiles/syntax/pmm.vim' -print -quit)")")
	pmm=$(find "$(dirname "$0")/../../scenarios" -name '*.pmm' -print -quit)
	vim -Nu NONE -i NONE -es --cmd "set rtp^=$vimfiles" -c 'filetype on' \
		-c 'syntax on' -c "edit $pmm" \
		-c "if &filetype !=# 'pmm' || get(b:, 'current_syntax', '') !=# 'pmm' | cquit | endif" \
		-c 'qa!' </dev/null ||
		{ echo "check_install: vim does not take $pmm as pmm from $vimfiles" >&2; exit 1; }
fi
"$(find "$stage" -path '*/bin/protmm' -print -quit)" --version >/dev/null ||
	{ echo "check_install: the installed protmm does not run" >&2; exit 1; }

# The shared library exports the public API (pmm_*) and nothing else.
so=$(find "$stage" -name 'libprotmm.so.*' -type f -print -quit)
[ -n "$so" ] || { echo "check_install: no libprotmm.so installed" >&2; exit 1; }
syms=$(nm -D --defined-only "$so" | awk '{print $3}')
leaked=$(grep -v '^pmm_' <<<"$syms" || true)
[ -z "$leaked" ] || { echo "check_install: exported beyond pmm_*: $leaked" >&2; exit 1; }
for sym in pmm_explore pmm_atomic_cmpxchg_at pmm_spin_lock_at pmm_mutex_lock_at \
	   pmm_down_write_at pmm_wake_up_at pmm_synchronize_rcu_at pmm_yield_at; do
	grep -qx "$sym" <<<"$syms" ||
		{ echo "check_install: $sym not exported" >&2; exit 1; }
done

export PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR=$stage
cflags=$(pkg-config --cflags protmm)
libs=$(pkg-config --libs protmm)
# Everything the compiler is told must point into the stage.
for f in $cflags $libs; do
	case $f in
	-I*|-L*) case ${f:2} in "$stage"/*) ;; *)
		echo "check_install: pkg-config gives $f outside the stage" >&2
		exit 1;; esac;;
	esac
done
echo "pkg-config: $cflags $libs"
exe=$stage/$(basename "$prog" .c)
"$cc" -std=c17 -Wall -Wextra -Werror "$prog" $cflags $libs -o "$exe"
libdir=$(pkg-config --libs-only-L protmm | sed 's/^ *-L//; s/ *$//')
LD_LIBRARY_PATH=$libdir "$exe"
