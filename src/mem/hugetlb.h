/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hugetlb pools (mm/hugetlb.c): one hstate per huge page size, 2 MiB
 * (order 9) and 1 GiB (order 18), each a pool of folios taken from the
 * buddy allocator when the pool grows (set_max_huge_pages(), the
 * nr_hugepages file) and given back when it shrinks. A free pool folio
 * has refcount 0 and stays a hugetlb folio; folio_put() of the last
 * reference brings it back to its pool (free_huge_folio()).
 *
 * Counters, per hstate, under hugetlb_lock:
 *   nr_huge_pages     folios in the pool, free or in use
 *   free_huge_pages   folios on the free list
 *   resv_huge_pages   free folios promised to mappings (reservations);
 *                     never above free_huge_pages
 *
 * Not supported: overcommit (nr_overcommit_hugepages, surplus pages:
 * a reservation or allocation the free pool cannot cover fails), hugetlb
 * cgroups, subpools (hugetlbfs size= and min_size=), vmemmap
 * optimisation, NUMA nodes (one pool per size), gigantic folios from CMA
 * (a 1 GiB folio comes from the buddy allocator, whose MAX_PAGE_ORDER the
 * model sets to 18 for this).
 */
#ifndef PMM_MEM_HUGETLB_H
#define PMM_MEM_HUGETLB_H

#include "mem/page.h"

#define HUGE_MAX_HSTATE		2
#define HPAGE_PMD_ORDER		9
#define HPAGE_PUD_ORDER		18
#define HPAGE_PMD_SIZE		(PAGE_SIZE << HPAGE_PMD_ORDER)
#define HPAGE_PUD_SIZE		(PAGE_SIZE << HPAGE_PUD_ORDER)

struct hstate {
	unsigned int order;
	/* The 1 GiB hstate demotes into the 2 MiB one (demote_size). */
	unsigned int demote_order;
	struct list_head free_list;
	unsigned long nr_huge_pages;
	unsigned long free_huge_pages;
	unsigned long resv_huge_pages;
};

/* A hugetlb folio's flags, in folio->private as the kernel's HPG_* bits. */
#define HPG_restore_reserve	0x1UL	/* took a reservation; give it back if freed unused */

static inline unsigned long huge_page_size(const struct hstate *h)
{
	return PAGE_SIZE << h->order;
}

static inline unsigned long pages_per_huge_page(const struct hstate *h)
{
	return 1UL << h->order;
}

/* Sets up this execution's empty pools (hugetlb_init()). */
int hugetlb_pool_init(void);
/* size_to_hstate(): NULL for a size with no pool. */
struct hstate *size_to_hstate(unsigned long size);
/* The hstate a hugetlb folio belongs to (folio_hstate()). */
struct hstate *folio_hstate(struct folio *folio);

/*
 * set_max_huge_pages(): grows the pool to @count folios from the buddy
 * allocator, or shrinks it by freeing free, unreserved folios. Returns the
 * pool's size after (it may fall short of @count: no memory, or folios in
 * use or reserved).
 */
unsigned long set_max_huge_pages(struct hstate *h, unsigned long count);

/*
 * hugetlb_acct_memory(): @delta > 0 reserves that many free folios
 * (-ENOMEM when the free pool cannot cover them: no surplus pages),
 * @delta < 0 gives reservations back.
 */
int hugetlb_acct_memory(struct hstate *h, long delta);

/*
 * dequeue_hugetlb_folio(): a free folio with refcount 1, consuming a
 * reservation when @use_reserve, else only from the unreserved free
 * folios; NULL when there is none.
 */
struct folio *dequeue_hugetlb_folio(struct hstate *h, bool use_reserve);

/*
 * free_huge_folio(): the last reference went (from __folio_put()): back
 * on the free list, and a reservation it took is restored.
 */
void free_huge_folio(struct folio *folio);

/*
 * demote_pool_huge_page() (the sysfs demote file): up to @nr free,
 * unreserved folios of @src split into folios of @src->demote_order in
 * that hstate's pool. Returns how many were demoted, or -EBUSY when no
 * free unreserved folio was found, -EINVAL when @src cannot demote.
 */
long demote_pool_huge_page(struct hstate *src, unsigned long nr);

/*
 * A hugetlb folio split into order-0 folios for guest_memfd: option (b) of
 * seed 004 (David Hildenbrand, 20 June 2024) and what the 1 GiB guest_memfd
 * HugeTLB series does (a folio has lost its hugetlb status by the time it
 * is mapped to userspace, so core mm counts pins and mappings per 4 KiB).
 * Each piece is an ordinary order-0 folio with PG_hugetlb_split set and
 * ->private pointing at this record, which remembers the origin. A piece
 * whose last reference goes is not freed to the buddy allocator: it waits
 * for its siblings, and when the last piece goes the folio is reassembled
 * and given back to its pool (hugetlb_split_piece_freed()): only then, so
 * a pin on one piece holds the whole folio out of the pool.
 *
 * Simplified: the kernel's series rebuilds the vmemmap optimisation and
 * can merge the pieces back while guest_memfd still holds them; here
 * reassembly happens only on the way back to the pool.
 */
struct hugetlb_split {
	struct hstate *h;
	struct folio *head;		/* the first frame */
	unsigned long hpg_flags;	/* the folio's HPG_* bits, for the free */
	atomic_long_t nr_live;		/* pieces not yet freed */
};

/*
 * Splits the hugetlb folio @folio into order-0 folios. @expected is every
 * reference the caller accounts for: one per page for its owner (a page
 * cache holds as many on a large folio; each piece keeps one), and the
 * caller's own, which stay on the first piece. The refcount is frozen at @expected first, as
 * __folio_split() does: -EAGAIN when it is not (a pin, a mapping, a GUP
 * reference elsewhere), -EINVAL for a folio that is not hugetlb or a
 * count below the pages. Returns the record in *@out.
 */
int hugetlb_split_folio(struct folio *folio, int expected,
			struct hugetlb_split **out);
/* The record of the folio @page was split from, or NULL. */
struct hugetlb_split *hugetlb_split_origin(struct page *page);
/* From __folio_put(): the last reference to a piece went. */
void hugetlb_split_piece_freed(struct folio *piece);

#endif /* PMM_MEM_HUGETLB_H */
