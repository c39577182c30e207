// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "mem/folio.h"
#include "mem/hugetlb.h"
#include "mem/phys.h"

struct hugetlb_pools {
	/* hugetlb_lock: every counter and free list of every hstate. */
	spinlock_t lock;
	struct hstate hstates[HUGE_MAX_HSTATE];
};

static struct hugetlb_pools *pools;

int hugetlb_pool_init(void)
{
	static const unsigned int orders[HUGE_MAX_HSTATE] = {
		HPAGE_PMD_ORDER, HPAGE_PUD_ORDER,
	};
	unsigned int i;

	pools = pmm_alloc(sizeof(*pools));
	if (!pools)
		return -ENOMEM;
	spin_lock_init(&pools->lock);
	pmm_obj_name(&pools->lock, "hugetlb_lock");
	for (i = 0; i < HUGE_MAX_HSTATE; i++) {
		struct hstate *h = &pools->hstates[i];

		h->order = orders[i];
		h->demote_order = i ? HPAGE_PMD_ORDER : 0;
		INIT_LIST_HEAD(&h->free_list);
	}
	return 0;
}

struct hstate *size_to_hstate(unsigned long size)
{
	unsigned int i;

	for (i = 0; pools && i < HUGE_MAX_HSTATE; i++)
		if (huge_page_size(&pools->hstates[i]) == size)
			return &pools->hstates[i];
	return NULL;
}

struct hstate *folio_hstate(struct folio *folio)
{
	return size_to_hstate(folio_size(folio));
}

/*
 * init_new_hugetlb_folio() + __prep_compound_gigantic_folio(): @head
 * becomes the head of a free hugetlb folio of @order (refcount 0), its
 * tails pointing at it; used for fresh folios and for demoted pieces.
 */
static void prep_hugetlb_folio(struct folio *folio, unsigned int order)
{
	unsigned long i;

	folio->flags &= (~0UL << MEM_TYPE_SHIFT);
	folio->flags |= (1UL << PG_head) | (1UL << PG_hugetlb);
	/* A demoted piece's head was a tail: lru overlays compound_head. */
	INIT_LIST_HEAD(&folio->lru);
	folio->mapping = NULL;
	folio->index = 0;
	folio->private = 0;
	folio->_mapcount.counter = -1;
	for (i = 1; i < (1UL << order); i++) {
		struct page *p = folio_page(folio, i);

		p->flags &= (~0UL << MEM_TYPE_SHIFT);
		p->compound_head = (unsigned long)folio | 1;
		p->_mapcount.counter = -1;
		p->_refcount.counter = 0;
		p->private = 0;
	}
	folio->_folio_order = (unsigned char)order;
	folio->_large_mapcount.counter = -1;
	/* A demoted piece's first tail held a tail's fields: no PMD map yet. */
	folio->_entire_mapcount.counter = -1;
	folio->_pincount.counter = 0;
	folio->_refcount.counter = 0;
}

/* enqueue_hugetlb_folio(): hugetlb_lock held. */
static void enqueue_folio(struct hstate *h, struct folio *folio)
{
	list_add(&folio->lru, &h->free_list);
	h->free_huge_pages++;
}

/* alloc_fresh_hugetlb_folio() + prep_and_add_allocated_folios(). */
static bool alloc_pool_huge_folio(struct hstate *h)
{
	struct folio *folio = folio_alloc(0, h->order);

	if (!folio)
		return false;
	prep_hugetlb_folio(folio, h->order);
	spin_lock(&pools->lock);
	enqueue_folio(h, folio);
	h->nr_huge_pages++;
	spin_unlock(&pools->lock);
	return true;
}

/*
 * update_and_free_hugetlb_folio(): a folio leaving the pool goes back to
 * the buddy allocator as an ordinary compound page with one reference.
 */
static void free_to_buddy(struct folio *folio)
{
	folio->flags &= ~(1UL << PG_hugetlb);
	folio->private = 0;
	folio->_refcount.counter = 1;
	folio_put(folio);
}

/* remove_pool_hugetlb_folio(): a free, unreserved folio, hugetlb_lock held. */
static struct folio *remove_free_folio(struct hstate *h)
{
	struct folio *folio;

	if (h->free_huge_pages <= h->resv_huge_pages ||
	    list_empty(&h->free_list))
		return NULL;
	folio = list_first_entry(&h->free_list, struct folio, lru);
	list_del(&folio->lru);
	h->free_huge_pages--;
	h->nr_huge_pages--;
	return folio;
}

unsigned long set_max_huge_pages(struct hstate *h, unsigned long count)
{
	struct folio *folio;
	unsigned long nr;

	for (;;) {
		spin_lock(&pools->lock);
		nr = h->nr_huge_pages;
		spin_unlock(&pools->lock);
		if (nr >= count || !alloc_pool_huge_folio(h))
			break;
	}
	for (;;) {
		spin_lock(&pools->lock);
		folio = h->nr_huge_pages > count ? remove_free_folio(h) : NULL;
		nr = h->nr_huge_pages;
		spin_unlock(&pools->lock);
		if (!folio)
			break;
		free_to_buddy(folio);
	}
	return nr;
}

int hugetlb_acct_memory(struct hstate *h, long delta)
{
	int err = 0;

	spin_lock(&pools->lock);
	if (delta > 0 &&
	    h->free_huge_pages - h->resv_huge_pages < (unsigned long)delta)
		err = -ENOMEM;
	else if (delta < 0 && h->resv_huge_pages < (unsigned long)-delta)
		pmm_violation("bug-on", "hugetlb: giving back %ld reservations, "
			      "%lu held", -delta, h->resv_huge_pages);
	else
		h->resv_huge_pages += (unsigned long)delta;
	spin_unlock(&pools->lock);
	return err;
}

struct folio *dequeue_hugetlb_folio(struct hstate *h, bool use_reserve)
{
	struct folio *folio = NULL;

	spin_lock(&pools->lock);
	if ((use_reserve || h->free_huge_pages > h->resv_huge_pages) &&
	    !list_empty(&h->free_list)) {
		folio = list_first_entry(&h->free_list, struct folio, lru);
		list_del(&folio->lru);
		h->free_huge_pages--;
		if (use_reserve) {
			h->resv_huge_pages--;
			folio->private |= HPG_restore_reserve;
		}
		__atomic_store_n(&folio->_refcount.counter, 1, __ATOMIC_RELEASE);
	}
	spin_unlock(&pools->lock);
	return folio;
}

void free_huge_folio(struct folio *folio)
{
	struct hstate *h = folio_hstate(folio);
	bool restore = folio->private & HPG_restore_reserve;
	unsigned long i;

	if (folio->_pincount.counter || folio->_large_mapcount.counter != -1)
		pmm_violation("bug-on", "free_huge_folio: frame %#lx still %s",
			      folio_pfn(folio), folio->_pincount.counter ?
			      "pinned" : "mapped");
	/*
	 * Back in the pool, the folio may go to another process: a TLB
	 * entry still reaching it is as stale as for a freed page. The
	 * frames keep their bytes (a pool folio is not poisoned).
	 */
	phys_notify_freed(folio);
	folio->mapping = NULL;
	folio->index = 0;
	folio->private = 0;
	folio->flags &= (~0UL << MEM_TYPE_SHIFT) | (1UL << PG_head) |
			(1UL << PG_hugetlb);
	for (i = 0; i < pages_per_huge_page(h); i++)
		folio_page(folio, i)->flags &= ~(1UL << PG_anon_exclusive);
	spin_lock(&pools->lock);
	if (restore)
		h->resv_huge_pages++;
	enqueue_folio(h, folio);
	spin_unlock(&pools->lock);
}

long demote_pool_huge_page(struct hstate *src, unsigned long nr)
{
	struct hstate *dst = src->demote_order ?
			     size_to_hstate(PAGE_SIZE << src->demote_order) : NULL;
	unsigned long step, i;
	long done = 0;

	if (!dst)
		return -EINVAL;
	step = pages_per_huge_page(dst);
	while ((unsigned long)done < nr) {
		struct folio *folio;

		spin_lock(&pools->lock);
		folio = remove_free_folio(src);
		spin_unlock(&pools->lock);
		if (!folio)
			break;
		/* demote_free_hugetlb_folios(): re-prep each piece as a folio. */
		for (i = 0; i < pages_per_huge_page(src); i += step)
			prep_hugetlb_folio((struct folio *)folio_page(folio, i),
					   dst->order);
		spin_lock(&pools->lock);
		for (i = 0; i < pages_per_huge_page(src); i += step) {
			enqueue_folio(dst, (struct folio *)folio_page(folio, i));
			dst->nr_huge_pages++;
		}
		spin_unlock(&pools->lock);
		done++;
	}
	return done ? done : -EBUSY;
}

/* What an order-0 piece keeps of its folio's flags. */
#define SPLIT_KEEP_FLAGS	((1UL << PG_uptodate) | (1UL << PG_dirty))

/*
 * __split_folio_to_order() for a hugetlb folio, to order 0, with its
 * refcount frozen: every page becomes a folio of its own, with the page
 * cache's index and its owner's reference.
 */
static void split_pages(struct folio *folio, struct hugetlb_split *s,
			int expected, unsigned long nr)
{
	unsigned long keep = folio->flags & SPLIT_KEEP_FLAGS;
	const int per_page = 1;
	unsigned long i;

	for (i = nr; i-- > 0;) {
		struct page *p = folio_page(folio, i);

		p->flags &= (~0UL << MEM_TYPE_SHIFT);
		p->flags |= keep | (1UL << PG_hugetlb_split);
		if (i) {
			INIT_LIST_HEAD(&p->lru);
			p->mapping = folio->mapping;
			p->index = folio->index + i;
		}
		p->private = (unsigned long)s;
		p->_mapcount.counter = -1;
		__atomic_store_n(&p->_refcount.counter,
				 i ? per_page : expected - (int)(nr - 1) * per_page,
				 __ATOMIC_RELEASE);
	}
}

int hugetlb_split_folio(struct folio *folio, int expected,
			struct hugetlb_split **out)
{
	unsigned long nr = folio_nr_pages(folio);
	struct hugetlb_split *s;

	if (!folio_test_hugetlb(folio) || expected < 1 ||
	    (unsigned long)expected < nr)
		return -EINVAL;
	s = pmm_alloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (!folio_ref_freeze(folio, expected))
		return -EAGAIN;
	if (folio->_pincount.counter || folio_mapcount(folio)) {
		pmm_violation("bug-on", "hugetlb split: frame %#lx %s with its "
			      "refcount frozen at %d", folio_pfn(folio),
			      folio->_pincount.counter ? "pinned" : "mapped",
			      expected);
		folio_ref_unfreeze(folio, expected);
		return -EAGAIN;
	}
	s->h = folio_hstate(folio);
	s->head = folio;
	s->hpg_flags = folio->private;
	atomic_long_set(&s->nr_live, (long)nr);
	split_pages(folio, s, expected, nr);
	*out = s;
	return 0;
}

struct hugetlb_split *hugetlb_split_origin(struct page *page)
{
	if (!(__atomic_load_n(&page->flags, __ATOMIC_RELAXED) &
	      (1UL << PG_hugetlb_split)))
		return NULL;
	return (struct hugetlb_split *)page->private;
}

/* free_pages_prepare()'s checks, for a piece that goes nowhere yet. */
static void check_piece(struct folio *piece)
{
	const char *bad = NULL;

	if (piece->flags & ((1UL << PG_locked) | (1UL << PG_writeback)))
		bad = "locked or under writeback";
	else if (piece->mapping && !folio_test_anon(piece))
		bad = "still in a page cache";
	else if (piece->_mapcount.counter != -1)
		bad = "still mapped";
	if (bad)
		pmm_violation("bug-on", "Bad page state: freeing split hugetlb "
			      "frame %#lx %s", folio_pfn(piece), bad);
}

/*
 * The reassembly: the frames become one free hugetlb folio again, with the
 * reservation it took, and go back on the free list (free_huge_folio()).
 */
static void reassemble(struct hugetlb_split *s)
{
	struct folio *folio = s->head;

	prep_hugetlb_folio(folio, s->h->order);
	folio->private = s->hpg_flags;
	free_huge_folio(folio);
}

void hugetlb_split_piece_freed(struct folio *piece)
{
	struct hugetlb_split *s = hugetlb_split_origin((struct page *)piece);

	check_piece(piece);
	piece->mapping = NULL;
	if (atomic_long_add_return_at(-1, &s->nr_live, PMM_HERE) == 0)
		reassemble(s);
}
