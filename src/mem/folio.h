/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Folio references, pins, mapcounts and the folio lock, with the kernel's
 * rules (include/linux/page_ref.h, mm.h, pagemap.h; mm/gup.c).
 *
 *   _refcount   every holder counts 1: page cache, each PTE mapping, swap
 *               cache, a get_user_pages reference. 0 is free, or frozen by
 *               folio_ref_freeze(); folio_try_get() fails on both.
 *   pins        FOLL_PIN adds GUP_PIN_COUNTING_BIAS to a small folio's
 *               refcount; a large folio gets 1 on the refcount and 1 on
 *               _pincount. folio_maybe_dma_pinned() may be a false
 *               positive on small folios with 1024 plain references.
 *   _mapcount   per page, starting at -1; a large folio also counts all
 *               its mappings in _large_mapcount, a PMD mapping as one,
 *               and its PMD mappings alone in _entire_mapcount.
 *
 * Context table:
 *   folio_lock, folio_wait_writeback     may sleep
 *   everything else                      any context
 */
#ifndef PMM_MEM_FOLIO_H
#define PMM_MEM_FOLIO_H

#include "mem/page.h"
#include "sched/bitops.h"
#include "sched/wait.h"

#define GUP_PIN_COUNTING_BIAS	(1U << 10)

/* gfp flags the model honours. */
#define __GFP_ZERO	0x1u

/*
 * The speculative lookup of a cache slot (the page cache's, the swap
 * cache's; filemap_get_entry()): a referenced folio that was in @slot
 * after the reference was taken, or NULL when the slot is empty.
 */
struct folio *folio_slot_get(struct folio **slot);

/* alloc_pages()/folio_alloc(): refcount 1, or NULL when memory is out. */
struct folio *folio_alloc(unsigned int gfp, unsigned int order);
/* __folio_put(): the last reference went; back to the buddy allocator. */
void __folio_put(struct folio *folio);

static inline int folio_ref_count(struct folio *folio)
{
	return atomic_read(&folio->_refcount);
}

void folio_get_at(struct folio *folio, const struct pmm_loc *loc);
bool folio_try_get_at(struct folio *folio, const struct pmm_loc *loc);
bool folio_ref_try_add_at(struct folio *folio, int count,
			  const struct pmm_loc *loc);
void folio_ref_add_at(struct folio *folio, int nr, const struct pmm_loc *loc);
void folio_put_refs_at(struct folio *folio, int refs, const struct pmm_loc *loc);
bool folio_ref_freeze_at(struct folio *folio, int count,
			 const struct pmm_loc *loc);
void folio_ref_unfreeze_at(struct folio *folio, int count,
			   const struct pmm_loc *loc);

#define folio_get(f)			folio_get_at((f), PMM_HERE)
#define folio_try_get(f)		folio_try_get_at((f), PMM_HERE)
#define folio_ref_try_add(f, n)		folio_ref_try_add_at((f), (n), PMM_HERE)
#define folio_ref_add(f, n)		folio_ref_add_at((f), (n), PMM_HERE)
#define folio_put(f)			folio_put_refs_at((f), 1, PMM_HERE)
#define folio_put_refs(f, n)		folio_put_refs_at((f), (n), PMM_HERE)
#define folio_ref_freeze(f, n)		folio_ref_freeze_at((f), (n), PMM_HERE)
#define folio_ref_unfreeze(f, n)	folio_ref_unfreeze_at((f), (n), PMM_HERE)

/* GUP's FOLL_* flags (include/linux/mm_types.h). */
#define FOLL_WRITE	0x01u
#define FOLL_GET	0x04u
#define FOLL_FORCE	0x10u
#define FOLL_LONGTERM	0x100u
#define FOLL_PIN	0x40000u
#define FOLL_FAST_ONLY	0x80000u
/*
 * The exclusive pin of "mm/gup: Introduce exclusive GUP pinning" (Elliot
 * Berman, RFC, 18 June 2024; seed 004), never merged: a longterm pin that
 * no other pin may coexist with (mm/gup.c here). Its bias goes on the
 * refcount of a small folio, on _pincount of a large one. Plain
 * references (FOLL_GET, vmsplice, some O_DIRECT) do not see it.
 */
#define FOLL_EXCLUSIVE		0x2000u
#define GUP_PIN_EXCLUSIVE_BIAS	(1U << 30)

/* folio_maybe_exclusive_pinned() of the RFC; a read without a yield. */
static inline bool folio_maybe_exclusive_pinned(struct folio *folio)
{
	unsigned int count = (unsigned int)__atomic_load_n(
		folio_test_large(folio) ? &folio->_pincount.counter :
					  &folio->_refcount.counter,
		__ATOMIC_ACQUIRE);

	return count >= GUP_PIN_EXCLUSIVE_BIAS;
}

int try_grab_folio_at(struct folio *folio, int refs, unsigned int flags,
		      const struct pmm_loc *loc);
struct folio *try_grab_folio_fast_at(struct page *page, int refs,
				     unsigned int flags,
				     const struct pmm_loc *loc);
void gup_put_folio_at(struct folio *folio, int refs, unsigned int flags,
		      const struct pmm_loc *loc);
bool folio_maybe_dma_pinned(struct folio *folio);

#define try_grab_folio(f, r, fl)	try_grab_folio_at((f), (r), (fl), PMM_HERE)
#define try_grab_folio_fast(p, r, fl)	try_grab_folio_fast_at((p), (r), (fl), PMM_HERE)
#define gup_put_folio(f, r, fl)		gup_put_folio_at((f), (r), (fl), PMM_HERE)

/* Mapcounts: the number of PTEs that map the page / any page of the folio. */
int folio_mapcount(struct folio *folio);
static inline bool folio_mapped(struct folio *folio)
{
	return folio_mapcount(folio) > 0;
}

/*
 * folio_expected_ref_count(): the references a folio's owners hold — one
 * per page from the swap cache (anonymous or not: a shmem folio on its
 * way to swap is in the swap cache with no mapping: the fix whose tag is
 * "Fixes: 86ebd50224c0"), one per page from the page cache, one for
 * PG_private, one per mapping PTE. The caller adds its own.
 */
static inline int folio_expected_ref_count(struct folio *folio)
{
	int nr = folio_test_large(folio) ? 1 << folio->_folio_order : 1;
	int refs = test_bit(PG_swapcache, &folio->flags) ? nr : 0;

	if (!folio_test_anon(folio)) {
		refs += folio->mapping ? nr : 0;
		refs += test_bit(PG_private, &folio->flags);
	}
	return refs + folio_mapcount(folio);
}

/* The folio lock: PG_locked, with the bit wait queue behind it. */
static inline void folio_lock(struct folio *folio)
{
	wait_on_bit_lock(&folio->flags, PG_locked);
}

static inline bool folio_trylock(struct folio *folio)
{
	return !test_and_set_bit_lock(PG_locked, &folio->flags);
}

void folio_unlock_at(struct folio *folio, const struct pmm_loc *loc);
#define folio_unlock(f)			folio_unlock_at((f), PMM_HERE)

/* folio_wait_writeback(): sleeps while PG_writeback is set. */
static inline void folio_wait_writeback(struct folio *folio)
{
	while (folio_test_writeback(folio))
		wait_on_bit(&folio->flags, PG_writeback);
}

/*
 * folio_mark_dirty(): a page-cache folio's dirty bit is what writeback
 * looks for (the kernel also tags the mapping's xarray; this model's
 * writeback scans the folios). Returns true if it was clean.
 */
static inline bool folio_mark_dirty(struct folio *folio)
{
	return !test_and_set_bit(PG_dirty, &folio->flags);
}

/*
 * folio_mark_dirty_lock() (set_page_dirty_lock()): what a
 * get_user_pages() caller that wrote a page must do before put_page():
 * a clean page it wrote is otherwise freed by reclaim with the write lost.
 */
static inline void folio_mark_dirty_lock(struct folio *folio)
{
	folio_lock(folio);
	folio_mark_dirty(folio);
	folio_unlock(folio);
}

/* folio_start_writeback(): under the folio lock, on a folio not yet so. */
void folio_start_writeback(struct folio *folio);
/* folio_end_writeback(): clears PG_writeback and wakes its waiters. */
void folio_end_writeback(struct folio *folio);

#endif /* PMM_MEM_FOLIO_H */
