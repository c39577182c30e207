// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "mem/buddy.h"
#include "mem/folio.h"
#include "mem/hugetlb.h"
#include "mem/phys.h"
#include "sched/rcu.h"

/* The CPU whose per-CPU lists serve this task; setup() runs on CPU 0. */
static int alloc_cpu(void)
{
	return pmm_task_id() < 0 ? 0 : pmm_task_cpu();
}

/* prep_compound_page(): tails point at the head; page[1] holds the rest. */
static void prep_compound(struct folio *folio, unsigned int order)
{
	unsigned long i;

	folio->flags |= 1UL << PG_head;
	for (i = 1; i < (1UL << order); i++) {
		struct page *p = folio_page(folio, i);

		p->compound_head = (unsigned long)folio | 1;
	}
	folio->_folio_order = (unsigned char)order;
	folio->_large_mapcount.counter = -1;
	folio->_pincount.counter = 0;
	folio->_entire_mapcount.counter = -1;
}

/* post_alloc_hook()/prep_new_page(): a fresh folio with one reference. */
static const void *pcp_next_refcount(const void *pcp)
{
	struct page *page = pcp_peek(pcp);

	return page ? &((struct folio *)page)->_refcount : NULL;
}

/*
 * The step that hands out the frames is the yield point at nr_allocated,
 * which every allocation and free updates (so they, and what they do to
 * the per-CPU lists, are ordered); it also names the frame's count, which
 * goes from 0 to 1: a racing folio_try_get() on the freed folio fails
 * before it and succeeds after.
 */
static struct page *alloc_frames(unsigned int order)
{
	int cpu = alloc_cpu();
	struct per_cpu_pages *pcp = pcp_prepare(&phys->zone, order, cpu);
	struct page *page;

	if (pcp) {
		sched_also_fn(pcp_next_refcount, pcp, PMM_ACC_WRITE);
		sched_point(&phys->nr_allocated, PMM_ACC_RMW);
		return alloc_pages_cpu(&phys->zone, order, cpu);
	}
	page = alloc_pages_cpu(&phys->zone, order, cpu);
	if (!page)
		return NULL;
	sched_also(&((struct folio *)page)->_refcount, PMM_ACC_WRITE);
	sched_point(&phys->nr_allocated, PMM_ACC_RMW);
	return page;
}

struct folio *folio_alloc(unsigned int gfp, unsigned int order)
{
	struct page *page;
	struct folio *folio;
	unsigned long i;

	if (order > MAX_PAGE_ORDER)
		return NULL;
	page = alloc_frames(order);
	if (!page)
		return NULL;
	folio = (struct folio *)page;
	for (i = 0; i < (1UL << order); i++) {
		struct page *p = page + i;

		p->flags &= ~((1UL << MEM_TYPE_SHIFT) - 1);
		p->mapping = NULL;
		p->index = 0;
		p->private = 0;
		p->compound_head = 0;
		p->_mapcount.counter = -1;
		if (gfp & __GFP_ZERO)
			frame_clear(page_to_pfn(p));
	}
	if (order)
		prep_compound(folio, order);
	__atomic_fetch_add(&phys->nr_allocated.counter, 1L << order,
			   __ATOMIC_RELAXED);
	__atomic_store_n(&folio->_refcount.counter, 1, __ATOMIC_RELEASE);
	return folio;
}

static const char *bad_state(struct folio *folio)
{
	unsigned long n = folio_nr_pages(folio), i;

	if (folio->flags & (1UL << PG_locked))
		return "locked";
	if (folio->flags & (1UL << PG_writeback))
		return "under writeback";
	if (folio->flags & (1UL << PG_swapcache))
		return "still in the swap cache";
	/* free_pages_prepare() clears an anonymous folio's anon_vma pointer. */
	if (folio->mapping && !folio_test_anon(folio))
		return "still in a page cache";
	for (i = 0; i < n; i++)
		if (folio_page(folio, i)->_mapcount.counter != -1)
			return "still mapped";
	if (folio_test_large(folio) && folio->_pincount.counter)
		return "still pinned";
	if (folio_test_large(folio) && folio->_entire_mapcount.counter != -1)
		return "still PMD-mapped";
	return NULL;
}

/*
 * __folio_put() -> free_unref_folios() -> free_pages_prepare(): a page
 * freed in a bad state is reported ("BUG: Bad page state"); the frame is
 * poisoned and goes back to the buddy allocator.
 */
void __folio_put(struct folio *folio)
{
	unsigned int order = folio_order(folio);
	unsigned long i, n = 1UL << order;
	const char *bad;

	/* free_huge_folio(): a hugetlb folio goes back to its pool. */
	if (folio_test_hugetlb(folio)) {
		free_huge_folio(folio);
		return;
	}
	/* A piece of a split hugetlb folio waits for its siblings. */
	if (__atomic_load_n(&folio->flags, __ATOMIC_RELAXED) &
	    (1UL << PG_hugetlb_split)) {
		hugetlb_split_piece_freed(folio);
		return;
	}
	bad = bad_state(folio);
	if (bad)
		pmm_violation("bug-on", "Bad page state: freeing frame %#lx %s",
			      folio_pfn(folio), bad);
	if (page_mem_type((struct page *)folio) != MEM_RAM) {
		pmm_violation("bug-on", "freeing device frame %#lx",
			      folio_pfn(folio));
		return;
	}
	phys_notify_freed(folio);
	for (i = 0; i < n; i++) {
		struct page *p = folio_page(folio, i);

		p->flags &= (~0UL << MEM_TYPE_SHIFT);
		p->compound_head = 0;
		p->mapping = NULL;
		frame_poison(page_to_pfn(p));
	}
	atomic_long_add_at(-(long)n, &phys->nr_allocated, PMM_HERE);
	free_pages_cpu(&phys->zone, (struct page *)folio, order, alloc_cpu());
}

/* A count taken below zero is an underflow; anything else a bug-on. */
static void bad_ref(const char *what, struct folio *folio, int old, int new,
		    const struct pmm_loc *loc)
{
	pmm_violation(new < 0 ? "refcount-underflow" : "bug-on",
		      "%s on frame %#lx with refcount %d at %s:%d (%s)", what,
		      folio_pfn(folio), old, loc->file, loc->line, loc->func);
}

/* folio_get(): VM_BUG_ON_FOLIO(folio_ref_zero_or_close_to_overflow()). */
void folio_get_at(struct folio *folio, const struct pmm_loc *loc)
{
	int old = atomic_fetch_add_at(1, &folio->_refcount, loc);

	if (old <= 0)
		pmm_violation(PageBuddy((struct page *)folio) ?
			      "use-after-free" : "bug-on",
			      "folio_get on frame %#lx with refcount %d at %s:%d",
			      folio_pfn(folio), old, loc->file, loc->line);
}

/* folio_try_get(): fails on a free or frozen (zero) count. */
bool folio_try_get_at(struct folio *folio, const struct pmm_loc *loc)
{
	return atomic_add_unless_at(&folio->_refcount, 1, 0, loc);
}

bool folio_ref_try_add_at(struct folio *folio, int count,
			  const struct pmm_loc *loc)
{
	return atomic_add_unless_at(&folio->_refcount, count, 0, loc);
}

void folio_ref_add_at(struct folio *folio, int nr, const struct pmm_loc *loc)
{
	int old = atomic_fetch_add_at(nr, &folio->_refcount, loc);

	if (old <= 0)
		bad_ref("folio_ref_add", folio, old, old + nr, loc);
}

/* folio_put_refs(): the reference that takes the count to 0 frees. */
void folio_put_refs_at(struct folio *folio, int refs, const struct pmm_loc *loc)
{
	int new = atomic_add_return_at(-refs, &folio->_refcount, loc);

	if (new < 0) {
		bad_ref("folio_put", folio, new + refs, new, loc);
		return;
	}
	if (new == 0)
		__folio_put(folio);
}

/* folio_ref_freeze(): only from exactly @count, which it leaves 0. */
bool folio_ref_freeze_at(struct folio *folio, int count,
			 const struct pmm_loc *loc)
{
	return atomic_cmpxchg_at(&folio->_refcount, count, 0, loc) == count;
}

/* folio_ref_unfreeze(): VM_BUG_ON_FOLIO(folio_ref_count(folio) != 0). */
void folio_ref_unfreeze_at(struct folio *folio, int count,
			   const struct pmm_loc *loc)
{
	int old = atomic_xchg_at(&folio->_refcount, count, loc);

	if (old != 0)
		bad_ref("folio_ref_unfreeze of a folio not frozen", folio, old,
			count, loc);
}

/*
 * try_grab_folio() (mm/gup.c): FOLL_GET takes plain references; FOLL_PIN
 * takes GUP_PIN_COUNTING_BIAS per pin on a small folio, one reference and
 * one _pincount on a large one. The caller holds a reference or the PTL,
 * so the folio cannot be freed under it.
 */
int try_grab_folio_at(struct folio *folio, int refs, unsigned int flags,
		      const struct pmm_loc *loc)
{
	if (!(flags & (FOLL_GET | FOLL_PIN)))
		return -EINVAL;
	if (flags & FOLL_GET) {
		folio_ref_add_at(folio, refs, loc);
		return 0;
	}
	if (folio_test_large(folio)) {
		folio_ref_add_at(folio, refs, loc);
		atomic_add_at(refs, &folio->_pincount, loc);
	} else {
		folio_ref_add_at(folio, refs * (int)GUP_PIN_COUNTING_BIAS, loc);
	}
	/* The exclusive-pin RFC: an ordinary pin backs off an exclusive one. */
	if (folio_maybe_exclusive_pinned(folio)) {
		gup_put_folio_at(folio, refs, FOLL_PIN, loc);
		return -EBUSY;
	}
	return 0;
}

/*
 * try_grab_folio_fast(): GUP-fast holds neither a reference nor the PTL,
 * so the folio may be freed, frozen or split under it: try the reference,
 * then check the page still belongs to that folio.
 */
struct folio *try_grab_folio_fast_at(struct page *page, int refs,
				     unsigned int flags,
				     const struct pmm_loc *loc)
{
	struct folio *folio = page_folio(page);

	if (!folio_ref_try_add_at(folio, refs, loc))
		return NULL;
	if (page_folio(page) != folio) {
		folio_put_refs_at(folio, refs, loc);
		return NULL;
	}
	if (!(flags & FOLL_PIN))
		return folio;
	if (folio_test_large(folio))
		atomic_add_at(refs, &folio->_pincount, loc);
	else
		folio_ref_add_at(folio, refs * ((int)GUP_PIN_COUNTING_BIAS - 1),
				 loc);
	if (folio_maybe_exclusive_pinned(folio)) {
		gup_put_folio_at(folio, refs, FOLL_PIN, loc);
		return NULL;
	}
	return folio;
}

/* gup_put_folio(): the reverse of try_grab_folio(). */
void gup_put_folio_at(struct folio *folio, int refs, unsigned int flags,
		      const struct pmm_loc *loc)
{
	if (flags & FOLL_PIN) {
		if (folio_test_large(folio)) {
			int pins = refs + ((flags & FOLL_EXCLUSIVE) ?
					   (int)GUP_PIN_EXCLUSIVE_BIAS : 0);

			if (atomic_add_return_at(-pins, &folio->_pincount, loc) < 0)
				pmm_violation("refcount-underflow",
					      "unpin of frame %#lx not pinned at %s:%d",
					      folio_pfn(folio), loc->file, loc->line);
		} else {
			refs *= (int)GUP_PIN_COUNTING_BIAS;
			if (flags & FOLL_EXCLUSIVE)
				refs += (int)GUP_PIN_EXCLUSIVE_BIAS;
		}
	}
	folio_put_refs_at(folio, refs, loc);
}

/* folio_maybe_dma_pinned() (include/linux/mm.h). */
bool folio_maybe_dma_pinned(struct folio *folio)
{
	if (folio_test_large(folio))
		return atomic_read(&folio->_pincount) > 0;
	return (unsigned int)folio_ref_count(folio) >= GUP_PIN_COUNTING_BIAS;
}

/* folio_mapcount(): _mapcount + 1, or the large folio's total. */
int folio_mapcount(struct folio *folio)
{
	if (!folio_test_large(folio))
		return atomic_read(&folio->_mapcount) + 1;
	return atomic_read(&folio->_large_mapcount) + 1;
}

/* folio_unlock(): VM_BUG_ON_FOLIO(!folio_test_locked()), clear and wake. */
void folio_unlock_at(struct folio *folio, const struct pmm_loc *loc)
{
	if (!(__atomic_load_n(&folio->flags, __ATOMIC_RELAXED) &
	      (1UL << PG_locked))) {
		pmm_violation("bug-on", "folio_unlock of unlocked frame %#lx at %s:%d",
			      folio_pfn(folio), loc->file, loc->line);
		return;
	}
	clear_and_wake_up_bit_at(PG_locked, &folio->flags, loc);
}

/* __folio_start_writeback(): VM_BUG_ON_FOLIO(!folio_test_locked()). */
void folio_start_writeback(struct folio *folio)
{
	if (!(__atomic_load_n(&folio->flags, __ATOMIC_RELAXED) &
	      (1UL << PG_locked)))
		pmm_violation("bug-on", "writeback started on unlocked frame %#lx",
			      folio_pfn(folio));
	if (test_and_set_bit(PG_writeback, &folio->flags))
		pmm_violation("bug-on", "frame %#lx already under writeback",
			      folio_pfn(folio));
}

/*
 * folio_end_writeback(): holds a reference across the wake-up, since the
 * folio may be freed as soon as PG_writeback is clear.
 */
void folio_end_writeback(struct folio *folio)
{
	folio_get(folio);
	if (!test_bit(PG_writeback, &folio->flags))
		pmm_violation("bug-on", "frame %#lx not under writeback",
			      folio_pfn(folio));
	clear_and_wake_up_bit(PG_writeback, &folio->flags);
	folio_put(folio);
}

struct slot_wait {
	struct folio **slot;
	struct folio *folio;
};

/* The slot moved on, or the folio is no longer frozen. */
static bool slot_changed(const struct task *t, const void *arg)
{
	const struct slot_wait *w = arg;

	(void)t;
	return *w->slot != w->folio || w->folio->_refcount.counter != 0;
}

/*
 * filemap_get_entry()'s lookup: under RCU, load the slot, take a reference
 * with folio_try_get() (which fails on a free or frozen folio: look again
 * once something changed), then reload the slot: a folio removed or
 * replaced meanwhile is put back and the lookup starts over.
 */
struct folio *folio_slot_get(struct folio **slot)
{
	struct folio *folio;

	rcu_read_lock();
	for (;;) {
		folio = READ_ONCE(*slot);
		if (!folio)
			break;
		if (!folio_try_get(folio)) {
			struct slot_wait w = { slot, folio };

			spin_until(slot, slot_changed, &w);
			continue;
		}
		if (folio == READ_ONCE(*slot))
			break;
		folio_put(folio);
	}
	rcu_read_unlock();
	return folio;
}
