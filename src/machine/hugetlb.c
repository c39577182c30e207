// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "machine/machine.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "protmm/hugetlb.h"
#include "protmm/shmem.h"

struct pmm_hugetlbfs_file {
	struct hugetlbfs_inode *inode;
};

long pmm_hugetlb_set_pool(unsigned long size, unsigned long nr)
{
	struct hstate *h = size_to_hstate(size);

	return h ? (long)set_max_huge_pages(h, nr) : -EINVAL;
}

/* The sysfs counters, read without hugetlb_lock: a final condition's look. */
int pmm_hugetlb_pool(unsigned long size, struct pmm_hugetlb_pool *st)
{
	struct hstate *h = size_to_hstate(size);

	if (!h)
		return -EINVAL;
	st->nr = h->nr_huge_pages;
	st->free = h->free_huge_pages;
	st->resv = h->resv_huge_pages;
	return 0;
}

long pmm_hugetlb_demote(unsigned long size, unsigned long nr)
{
	struct hstate *h = size_to_hstate(size);

	return h ? demote_pool_huge_page(h, nr) : -EINVAL;
}

struct pmm_hugetlbfs_file *pmm_hugetlbfs_create(unsigned long size,
						unsigned long bytes)
{
	struct pmm_hugetlbfs_file *f;
	struct hugetlbfs_inode *inode;

	inode = hugetlbfs_create(size_to_hstate(size), bytes, bytes);
	if (!inode)
		return NULL;
	f = pmm_alloc(sizeof(*f));
	if (f)
		f->inode = inode;
	return f;
}

/*
 * memfd_create() with MFD_HUGETLB: hugetlb_file_setup() of the size the
 * flags name (the default hstate when none). The seals are F_SEAL_SEAL
 * for good, since the model keeps no seals on hugetlbfs inodes: so
 * MFD_ALLOW_SEALING is refused rather than ignored.
 */
int pmm_memfd_create_hugetlb(unsigned long max_bytes, unsigned int flags,
			     struct pmm_hugetlbfs_file **filep)
{
	unsigned int shift = flags >> PMM_MFD_HUGE_SHIFT;
	struct pmm_hugetlbfs_file *f;
	struct hugetlbfs_inode *inode;
	struct hstate *h;

	if ((flags & ~(0x3fu << PMM_MFD_HUGE_SHIFT)) != PMM_MFD_HUGETLB)
		return -EINVAL;
	h = size_to_hstate(shift ? 1ul << shift : PMM_HUGE_2M);
	if (!h || !max_bytes)
		return -EINVAL;
	inode = hugetlbfs_create(h, 0, max_bytes);
	if (!inode)
		return -EINVAL;
	f = pmm_alloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->inode = inode;
	*filep = f;
	return 0;
}

int pmm_hugetlbfs_fallocate(struct pmm_hugetlbfs_file *f, unsigned int mode,
			    unsigned long off, unsigned long len)
{
	/* vfs_fallocate(): a hole punch must keep the size. */
	if (mode == (PMM_FALLOC_FL_PUNCH_HOLE | PMM_FALLOC_FL_KEEP_SIZE))
		return hugetlbfs_punch_hole(f->inode, off, len);
	if (mode & ~PMM_FALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	return hugetlbfs_fallocate(f->inode, mode & PMM_FALLOC_FL_KEEP_SIZE,
				   off, len);
}

int pmm_mmap_hugetlb(struct pmm_process *p, unsigned long addr,
		     unsigned long len, unsigned int prot, unsigned int flags,
		     unsigned long size, struct pmm_hugetlbfs_file *f,
		     unsigned long off)
{
	struct hstate *h = size_to_hstate(size);

	if (process_gone(p))
		return -ESRCH;
	if (!h || off & ~PAGE_MASK)
		return -EINVAL;
	return hugetlb_mmap(p->mm, addr, len, prot, flags, h,
			    f ? f->inode : NULL, off >> PAGE_SHIFT);
}

int pmm_hugetlbfs_truncate(struct pmm_hugetlbfs_file *f, unsigned long bytes)
{
	return hugetlbfs_truncate(f->inode, bytes);
}

int pmm_hugetlbfs_punch_hole(struct pmm_hugetlbfs_file *f, unsigned long off,
			     unsigned long len)
{
	return hugetlbfs_punch_hole(f->inode, off, len);
}
