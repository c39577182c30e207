/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * get_user_pages and pin_user_pages (mm/gup.c).
 *
 *   get_user_pages*()   FOLL_GET references: the page stays allocated
 *   pin_user_pages*()   FOLL_PIN pins: for DMA; released with unpin_*
 *
 * The slow path runs under mmap_lock (read) and takes each page under its
 * PTL, faulting it in (or unsharing it, for a read-only pin of a shared
 * anonymous page) when it is not there as asked. The fast path takes no
 * lock: it reads the PTE, grabs the folio with folio_try_get() (which
 * fails on a frozen count) and then checks the PTE did not change.
 *
 * A PMD leaf (a THP, the huge zero page) is followed under the PMD lock
 * (follow_huge_pmd()) or, lockless, by gup_fast_pmd_leaf(), which grabs
 * the folio through the subpage and re-reads the PMD.
 *
 * FOLL_EXCLUSIVE (with FOLL_PIN | FOLL_LONGTERM): the exclusive pin of the
 * RFC seed 004 discusses: taken only where no pin is, and no ordinary pin
 * is taken beside it (-EBUSY); plain references still are.
 *
 * Simplifications: no FOLL_LONGTERM migration out of movable zones (there
 * are none), no PUD leaves, IRQ disabling in GUP-fast is not
 * modelled: page tables are freed only with their mm, by its last user
 * (mmput()), and GUP-fast runs on the mm of its caller, which is a user
 * (a thread of the process, or one holding pmm_process_get()).
 */
#ifndef PMM_MM_GUP_H
#define PMM_MM_GUP_H

#include "mm/mm.h"

/* Caller holds mmap_lock for reading. Returns pages taken or -errno. */
long get_user_pages(struct mm_struct *mm, unsigned long start,
		    unsigned long nr_pages, unsigned int gup_flags,
		    struct page **pages);
long pin_user_pages(struct mm_struct *mm, unsigned long start,
		    unsigned long nr_pages, unsigned int gup_flags,
		    struct page **pages);
/* Take mmap_lock themselves; try the lockless walk first. */
long get_user_pages_fast(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages);
long pin_user_pages_fast(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages);
/* The lockless walk alone: how many pages it got, from the first. */
long gup_fast(struct mm_struct *mm, unsigned long start,
	      unsigned long nr_pages, unsigned int gup_flags,
	      struct page **pages);

void unpin_user_page(struct page *page);
void unpin_user_pages(struct page **pages, unsigned long npages);
void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages,
				 bool make_dirty);
/*
 * The exclusive pin of a folio the caller holds a reference to, as
 * FOLL_EXCLUSIVE takes it: 0, or -EBUSY where some pin is. Given back
 * with folio_exclusive_unpin().
 */
int folio_try_exclusive_pin(struct folio *folio);
void folio_exclusive_unpin(struct folio *folio);
/*
 * Set by a layer above (virt/gmem_convert.c): whether a longterm pin of
 * @vma's pages is refused (-EFAULT), as FSDAX's are. NULL: none is.
 */
extern bool (*gup_longterm_refused)(struct vm_area_struct *vma);

/* Releases pins taken with FOLL_EXCLUSIVE (the exclusive-pin RFC). */
void unpin_exc_pages(struct page **pages, unsigned long npages);
void put_user_page_ref(struct page *page);

/*
 * For an oracle (check/gmem_conv.c): GUP-fast's speculative grab of a
 * folio begins (+1), or ends (-1) once its PTE recheck is done. NULL when
 * no oracle listens.
 */
extern void (*gup_fast_speculative_hook)(struct folio *folio,
					 unsigned int flags, int delta);

#endif /* PMM_MM_GUP_H */
