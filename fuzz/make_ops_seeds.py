#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the seed corpora of fuzz-ops-<machine>: small programs in the
input format fuzz_ops.c decodes (3 header bytes, then 7-byte operations:
owner << 6 | code, then 6 argument bytes), one per operation kind, each
after a mapping and a store so that it has something to act on.

Usage: fuzz/make_ops_seeds.py fuzz/corpus   (writes ops-generic/, ops-arm64-mte/)
"""
import os
import random
import sys

CODES = ["MMAP", "MUNMAP", "MPROTECT", "STORE", "LOAD", "STORE_TAGS", "LOAD_TAGS",
         "RECLAIM", "FORK", "EXIT", "PIN", "UNPIN", "DMA", "PAGE_STATE",
         "FILE_READ", "FILE_WRITE", "FILE_READ_DIRECT", "FILE_WRITE_DIRECT",
         "FSYNC", "TRUNCATE", "PUNCH", "SPLICE_TO_PIPE", "SPLICE_FROM_PIPE",
         "PIPE_READ", "GUEST_STORE", "GUEST_LOAD", "GUEST_STORE_TAGS",
         "GUEST_LOAD_TAGS", "COPY_TAGS"]
OP = {name: i for i, name in enumerate(CODES)}


def op(owner, name, *args):
    a = list(args) + [0] * (6 - len(args))
    return bytes([owner << 6 | OP[name]] + a[:6])


def program(mte, focus, rnd):
    # flags: 2M RAM, swap, a VM with MTE; two tasks.
    head = bytes([1 | 2 | (4 if mte else 0) | (1 << 3), rnd.randrange(256), rnd.randrange(256)])
    prot = 3 | (8 if mte else 0)
    body = op(0, "MMAP", 0, 0x80, 3, prot, 0, 0)          # region 0, 4 pages, rw
    body += op(0, "MMAP", 1, 0x80, 1, 3, 2 | 1, 0)         # region 1, file 0, shared
    body += op(0, "STORE", 0, 0x80, 3, 5, 0, 0)
    body += op(0, "FILE_WRITE", 0, 0x80, 0, 0x80, 0, 1)    # fill file 0 from region 0
    args = [rnd.randrange(256) for _ in range(6)]
    args[5] &= ~3                                          # the task's home process
    if focus in ("DMA", "UNPIN"):
        body += op(1, "PIN", 0, 0x80, 1 | 4, 0, 0, 0)      # write, fast; slot 0
        body += op(1, "DMA", 0, 1, 3, 4, 2, 0)
    body += op(1, focus, *args)
    body += op(2, "STORE", 0, 0x80, 1, 2, 0, 0)
    body += op(2, "MUNMAP", 0, 0x80, 0, 0, 0, 0)
    body += op(2, "LOAD", 8, 0x80, 0, 4, 0, 0)
    return head + body


def main():
    out = sys.argv[1]
    for machine, mte in (("generic", False), ("arm64-mte", True)):
        d = os.path.join(out, "ops-" + machine)
        os.makedirs(d, exist_ok=True)
        rnd = random.Random(machine)
        for name in CODES:
            with open(os.path.join(d, "seed-" + name.lower()), "wb") as f:
                f.write(program(mte, name, rnd))


if __name__ == "__main__":
    main()
