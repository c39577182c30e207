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
