/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hugetlb mappings (mm/hugetlb.c, fs/hugetlbfs/inode.c): hugetlbfs files
 * and MAP_HUGETLB, whose pages are pool folios (mem/hugetlb.h) mapped by
 * one leaf entry, a PMD (2 MiB) or a PUD (1 GiB), reached only through
 * the helpers below (huge_pte_offset(), huge_ptep_get(), ...).
 *
 * Reservations (struct resv_map, one state per huge page index):
 *   shared mappings   the inode's map: mmap reserves each index that has
 *                     neither a reservation nor a page; a fault consumes
 *                     the reservation when it adds the page to the cache
 *   private mappings  the owner's VMA has its own map, all reserved at
 *                     mmap; a fork child is not the owner and has none
 *                     (hugetlb_dup_vma_private()), so its COW faults take
 *                     unreserved free folios
 * A fault that finds no page, no reservation and no unreserved free folio
 * gets SIGBUS.
 *
 * Lock table:
 *   hugetlbfs inode's fault_mutex   faults and truncation of one file
 *                                   (the kernel hashes per file index)
 *   PMD leaves                      the PMD table page's ptl
 *   PUD leaves                      mm->page_table_lock
 *
 * Not supported: MAP_NORESERVE, hugetlb mprotect, mremap and madvise,
 * userfaultfd, PMD sharing between processes, the owner's COW stealing
 * the page from its children when the pool is empty (unmap_ref_private():
 * here the owner gets SIGBUS), hwpoison, migration.
 */
#ifndef PMM_MM_HUGETLB_H
#define PMM_MM_HUGETLB_H

#include "mem/hugetlb.h"
#include "mm/mm.h"
#include "sched/mutex.h"

#define VM_HUGETLB	0x00400000UL

static inline bool is_vm_hugetlb_page(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_HUGETLB;
}

enum resv_state {
	RESV_NONE,
	RESV_RESERVED,	/* a free folio is promised to this index */
	RESV_CONSUMED,	/* the reservation was used by a fault */
};

struct resv_map {
	unsigned long nr;	/* huge page indexes covered */
	unsigned char *state;	/* enum resv_state, per index */
};

/* A hugetlbfs inode: its page cache indexed by huge page, its reservations. */
struct hugetlbfs_inode {
	struct address_space mapping;
	struct hstate *h;
	struct mutex fault_mutex;
	unsigned long size;		/* i_size, bytes */
	unsigned long max_idx;		/* capacity, huge pages */
	struct folio **cache;
	struct resv_map resv;
	/* MAP_HUGETLB's internal file: gone with its last mapping. */
	bool anonymous;
	int nr_vmas;
	struct list_head list;
};

/* The machine's start: no hugetlbfs inode yet. */
int hugetlbfs_init(void);
/*
 * A hugetlbfs file of @size bytes (a multiple of @h's page size) whose
 * page cache can hold @max_bytes.
 */
struct hugetlbfs_inode *hugetlbfs_create(struct hstate *h, unsigned long size,
					 unsigned long max_bytes);
/*
 * hugetlbfs_file_mmap() + hugetlb_reserve_pages() (file @inode, or NULL
 * for MAP_HUGETLB, which makes an anonymous one of @len): @addr, @len
 * and @pgoff aligned to the page size; -EINVAL if not, -ENOMEM when the
 * reservation cannot be made, do_mmap()'s errors.
 */
int hugetlb_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 unsigned int prot, unsigned int flags, struct hstate *h,
		 struct hugetlbfs_inode *inode, unsigned long pgoff);
/* hugetlbfs_setattr()'s truncate (hugetlb_vmtruncate()): shrinking only. */
int hugetlbfs_truncate(struct hugetlbfs_inode *inode, unsigned long size);
/* hugetlbfs_punch_hole(): whole huge pages inside [off, off + len). */
int hugetlbfs_punch_hole(struct hugetlbfs_inode *inode, unsigned long off,
			 unsigned long len);
/* hugetlbfs_fallocate(), allocating: mode 0 or FALLOC_FL_KEEP_SIZE. */
int hugetlbfs_fallocate(struct hugetlbfs_inode *inode, bool keep_size,
			unsigned long off, unsigned long len);
/* Machine teardown: every inode evicted (hugetlbfs_evict_inode()). */
void hugetlbfs_release_all(void);

/* huge_pte_offset(): the leaf slot for @addr of size @sz, or NULL. */
pte_t *huge_pte_offset(struct mm_struct *mm, unsigned long addr,
		       unsigned long sz);
/* huge_pte_lockptr(): the lock of @addr's leaf (its table populated). */
spinlock_t *huge_pte_lockptr(struct mm_struct *mm, unsigned long addr,
			     unsigned long sz);
/* huge_ptep_get(): one yield point, like ptep_get(). */
pte_t huge_ptep_get_at(pte_t *ptep, const struct pmm_loc *loc);
#define huge_ptep_get(p)	huge_ptep_get_at((p), PMM_HERE)

/* The page of a leaf's folio that maps @addr. */
static inline struct page *huge_leaf_page(pte_t pte, unsigned long addr,
					  unsigned long sz)
{
	return pfn_to_page(pte_pfn(pte) + ((addr & (sz - 1)) >> PAGE_SHIFT));
}

static inline struct hstate *hstate_vma(const struct vm_area_struct *vma)
{
	return ((const struct hugetlbfs_inode *)vma->vm_file->host)->h;
}

/* hugetlb_fault(): handle_mm_fault() for a hugetlb VMA. */
vm_fault_t hugetlb_fault(struct vm_area_struct *vma, unsigned long address,
			 unsigned int flags);
/* unmap_hugepage_range(): munmap, exit, and truncation's unmapping. */
void unmap_hugepage_range(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end);
/* copy_hugetlb_page_range(): fork. -ENOMEM when a pinned page's copy fails. */
int copy_hugetlb_page_range(struct vm_area_struct *dst,
			    struct vm_area_struct *src);
/* hugetlb_dup_vma_private(): a fork child's copy is no reservation owner. */
void hugetlb_dup_vma_private(struct vm_area_struct *vma);

#endif /* PMM_MM_HUGETLB_H */
