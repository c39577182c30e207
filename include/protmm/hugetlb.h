/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/hugetlb.h - hugetlb pools, hugetlbfs files and MAP_HUGETLB.
 *
 * Two page sizes: PMM_HUGE_2M (a PMD leaf) and PMM_HUGE_1G (a PUD leaf;
 * the machine needs at least 1 GiB of RAM, aligned, to hold one). Pools
 * are empty at the machine's start and filled from the buddy allocator by
 * pmm_hugetlb_set_pool() (the nr_hugepages file). A mapping reserves its
 * pages at mmap time (-ENOMEM when the free pool cannot cover them); a
 * fault with no page and no reservation finds the pool empty and gets
 * SIGBUS (a load or store returns -EIO).
 *
 * Context table:
 *   pmm_hugetlb_set_pool, pmm_hugetlbfs_create     setup() or a task
 *   everything else                                setup() or a task
 *
 * Not supported: overcommit (surplus pages), MAP_NORESERVE, hugetlb
 * cgroups, subpools, vmemmap optimisation, NUMA nodes, mprotect of a
 * hugetlb mapping (-EOPNOTSUPP), MTE tags on hugetlb pages.
 */
#ifndef PROTMM_HUGETLB_H
#define PROTMM_HUGETLB_H

#include "protmm/common.h"
#include "protmm/machine.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PMM_HUGE_2M	(2ul << 20)
#define PMM_HUGE_1G	(1ul << 30)

struct pmm_hugetlb_pool {
	unsigned long nr;	/* nr_hugepages */
	unsigned long free;	/* free_hugepages */
	unsigned long resv;	/* resv_hugepages */
};

/* Resizes the pool of @size pages to @nr; returns its size after, or -EINVAL. */
PMM_API long pmm_hugetlb_set_pool(unsigned long size, unsigned long nr);
PMM_API int pmm_hugetlb_pool(unsigned long size, struct pmm_hugetlb_pool *st);
/*
 * Writes @nr to the 1 GiB pool's demote file: free, unreserved 1 GiB
 * folios become 2 MiB ones. Returns how many were demoted, -EBUSY when
 * none could be, -EINVAL for a size that does not demote.
 */
PMM_API long pmm_hugetlb_demote(unsigned long size, unsigned long nr);

struct pmm_hugetlbfs_file;
/* A hugetlbfs file of @bytes (a multiple of @size), which may grow no more. */
PMM_API struct pmm_hugetlbfs_file *pmm_hugetlbfs_create(unsigned long size,
							unsigned long bytes);
/*
 * mmap of a hugetlbfs file (@f, at byte @off) or, @f NULL, MAP_HUGETLB
 * anonymous memory of @size pages: @addr, @len and @off aligned to @size.
 */
PMM_API int pmm_mmap_hugetlb(struct pmm_process *p, unsigned long addr,
			     unsigned long len, unsigned int prot,
			     unsigned int flags, unsigned long size,
			     struct pmm_hugetlbfs_file *f, unsigned long off);
/* ftruncate() to a smaller size, aligned: -EINVAL otherwise. */
PMM_API int pmm_hugetlbfs_truncate(struct pmm_hugetlbfs_file *f,
				   unsigned long bytes);
/*
 * fallocate(), mode 0 or PMM_FALLOC_FL_KEEP_SIZE (protmm/shmem.h): the
 * huge pages of the range (rounded out) into the page cache, each taking
 * its reservation or a free unreserved page: -ENOSPC when the pool runs
 * out, -EFBIG past the file's capacity. Without KEEP_SIZE the size grows
 * to @off + @len. PUNCH_HOLE|KEEP_SIZE is pmm_hugetlbfs_punch_hole().
 * Other modes: -EOPNOTSUPP.
 */
PMM_API int pmm_hugetlbfs_fallocate(struct pmm_hugetlbfs_file *f,
				    unsigned int mode, unsigned long off,
				    unsigned long len);
/* fallocate(FALLOC_FL_PUNCH_HOLE): the whole huge pages in the range go. */
PMM_API int pmm_hugetlbfs_punch_hole(struct pmm_hugetlbfs_file *f,
				     unsigned long off, unsigned long len);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_HUGETLB_H */
