/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Access to another process's memory (mm/memory.c access_remote_vm()). */
#ifndef PMM_MM_REMOTE_H
#define PMM_MM_REMOTE_H

#include <stddef.h>

#include "mm/mm.h"

/*
 * __access_remote_vm(): @len bytes at @addr of @mm to or from @buf, a
 * page at a time through a FOLL_GET reference, under mmap_lock; the
 * caller holds an mm_users reference. @gup_flags: FOLL_WRITE for a
 * write, FOLL_FORCE as ptrace and /proc/PID/mem pass it. Returns the
 * bytes moved; it stops at the first page GUP refuses. Not supported:
 * VM_IO/VM_PFNMAP mappings (vm_ops->access), stack expansion.
 */
long access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf,
		      size_t len, unsigned int gup_flags);

#endif /* PMM_MM_REMOTE_H */
