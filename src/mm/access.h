/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A CPU touching user memory: the TLB, on a miss the hardware walk (which
 * sets the accessed and dirty bits), on a fault the page-fault handler.
 * User accesses and the kernel's copy_{to,from}_user take this path.
 */
#ifndef PMM_MM_ACCESS_H
#define PMM_MM_ACCESS_H

#include <stddef.h>

#include "mem/phys.h"
#include "mm/mm.h"
#include "protmm/machine.h"

/*
 * Reads or writes @len bytes at @addr of @mm on @cpu. Returns 0, -EFAULT
 * (SIGSEGV), -EIO (SIGBUS), -ENOMEM (out of memory), or an architecture
 * watcher's error (a tag-check fault, for instance).
 */
int access_user_at(struct mm_struct *mm, int cpu, unsigned long addr,
		   void *buf, size_t len, bool write, enum phys_accessor who,
		   const struct pmm_loc *loc);
#define access_user(mm, cpu, addr, buf, len, write, who) \
	access_user_at((mm), (cpu), (addr), (buf), (len), (write), (who), PMM_HERE)

/*
 * STG (@write) or LDG over [addr, addr + len), granule aligned: a tag per
 * 16-byte granule in @tags, through the architecture's user_tags(). The
 * address's own tag is ignored. -ENOTSUP on machines without tags.
 */
int access_user_tags_at(struct mm_struct *mm, int cpu, unsigned long addr,
			unsigned char *tags, size_t len, bool write,
			const struct pmm_loc *loc);
#define access_user_tags(mm, cpu, addr, tags, len, write) \
	access_user_tags_at((mm), (cpu), (addr), (tags), (len), (write), PMM_HERE)

#endif /* PMM_MM_ACCESS_H */
