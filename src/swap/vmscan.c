// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reclaim (mm/vmscan.c shrink_folio_list(), for one folio) and the forced
 * reclaim of a user range (mm/madvise.c MADV_PAGEOUT).
 *
 * Simplified: no LRU lists (the caller's reference stands for isolation
 * from the LRU), no referenced/active aging, no large folio splitting, no
 * memcg; a folio that cannot go now is simply kept.
 */
#include <errno.h>

#include "fs/fs.h"
#include "fs/shmem.h"
#include "mm/huge_memory.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "swap/swap.h"

/*
 * add_to_swap(): a slot for a locked anonymous folio, and the folio in the
 * swap cache under it, dirty: its only copy is in memory until written.
 */
static bool add_to_swap(struct folio *folio)
{
	swp_entry_t entry;

	if (folio_alloc_swap(folio, &entry))
		return false;
	if (add_to_swap_cache(folio, entry)) {
		put_swap_folio(folio, entry);
		return false;
	}
	folio_mark_dirty(folio);
	return true;
}

/*
 * pageout(): write a locked dirty folio; the writer unlocks it. True when
 * the write was started (it has completed when this returns: bios are
 * synchronous).
 */
static bool pageout(struct folio *folio)
{
	if (!folio_clear_dirty_for_io(folio)) {
		folio_unlock(folio);
		return false;
	}
	if (folio_test_swapcache(folio))
		return !swap_writepage(folio);
	if (shmem_mapping(folio->mapping))
		return !shmem_writeout(folio);
	return !filemap_writeout(folio);
}

/*
 * __remove_mapping(): freeze the references to exactly the isolation's
 * and the cache's, so no one can find the folio any more, then take it
 * out of the swap cache or the page cache. A GUP pin, a racing fault's
 * lookup or a reader's reference makes the freeze fail: the folio stays.
 */
static bool remove_mapping(struct folio *folio)
{
	swp_entry_t entry;

	if (!folio_ref_freeze(folio, 2))
		return false;
	if (folio_test_dirty(folio)) {
		folio_ref_unfreeze(folio, 2);
		return false;
	}
	if (folio_test_swapcache(folio)) {
		entry = folio_swap_entry(folio);
		__delete_from_swap_cache(folio, entry);
		put_swap_folio(folio, entry);
	} else {
		__filemap_remove_folio(folio);
	}
	return true;
}

/*
 * folio_evictable() (mm/internal.h), less mlock (not modelled): a folio of
 * an unevictable mapping (guest_memfd's, ramfs's) stays in memory.
 */
static bool folio_evictable(struct folio *folio)
{
	return !mapping_unevictable(READ_ONCE(folio->mapping));
}

/* shrink_folio_list() for one isolated folio (see swap.h). */
bool shrink_folio(struct folio *folio)
{
	bool anon = folio_test_anon(folio);

	if (!folio_trylock(folio))
		return false;
	if (folio_test_writeback(folio) || folio_test_reserved(folio) ||
	    (!anon && !folio->mapping))
		goto keep_locked;
	/* shrink_folio_list()'s activate_locked: back to the unevictable list. */
	if (!anon && !folio_evictable(folio))
		goto keep_locked;
	if (anon && !folio_test_swapcache(folio) && !add_to_swap(folio))
		goto keep_locked;
	if (folio_mapped(folio)) {
		try_to_unmap(folio);
		if (folio_mapped(folio))
			goto keep_locked;
	}
	if (folio_test_dirty(folio)) {
		if (!pageout(folio) || folio_test_writeback(folio))
			return false;
		if (!folio_trylock(folio))
			return false;
		if (folio_test_dirty(folio) || folio_test_writeback(folio) ||
		    (!folio_test_swapcache(folio) && !folio->mapping))
			goto keep_locked;
	}
	if (!remove_mapping(folio))
		goto keep_locked;
	__folio_clear_locked(folio);
	__folio_put(folio);
	return true;
keep_locked:
	folio_unlock(folio);
	return false;
}

/* The folio @addr maps, with a reference (isolated), or NULL. */
static struct folio *isolate_mapped_folio(struct vm_area_struct *vma,
					  unsigned long addr)
{
	struct folio *folio = NULL;
	struct page *page;
	spinlock_t *ptl;
	pte_t *ptep, pte;

	if (vma_is_anonymous(vma))
		split_thp_for_reclaim(vma, addr);
	ptep = pte_offset_map(vma->vm_mm, addr, &ptl);
	if (!ptep)
		return NULL;
	spin_lock(ptl);
	pte = ptep_get(ptep);
	page = pte_present(pte) ? vm_normal_page(vma, addr, pte) : NULL;
	if (page && !is_zero_pfn(page_to_pfn(page))) {
		folio = page_folio(page);
		folio_get(folio);
	}
	spin_unlock(ptl);
	return folio;
}

/*
 * Memory pressure on a user range: the folios mapped in [start, start +
 * len) are isolated (referenced) under mmap_lock for reading, as
 * madvise_cold_or_pageout_pte_range() collects them, and then reclaimed
 * with no mmap_lock held, as kswapd's shrink_folio_list() runs. Unlike
 * MADV_PAGEOUT, folios other processes map too are taken.
 */
long reclaim_range(struct mm_struct *mm, unsigned long start,
		   unsigned long len)
{
	unsigned long addr, n = 0, i;
	struct folio **list = pmm_alloc(((len + PAGE_SIZE - 1) >> PAGE_SHIFT) *
					sizeof(*list));
	struct vm_area_struct *vma;
	long freed = 0;

	if (!list)
		return -ENOMEM;
	mmap_read_lock(mm);
	for (addr = start; addr < start + len; addr += PAGE_SIZE) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr)
			continue;
		list[n] = isolate_mapped_folio(vma, addr);
		n += list[n] != NULL;
	}
	mmap_read_unlock(mm);
	for (i = 0; i < n; i++) {
		if (shrink_folio(list[i]))
			freed++;
		else
			folio_put(list[i]);
	}
	return freed;
}

/*
 * Reclaim the cached pages [index, index + nr) of a file now, mapped or
 * not (the page-cache side of memory pressure): each is isolated with a
 * reference and shrunk; returns how many were freed.
 */
long reclaim_mapping_range(struct address_space *mapping, unsigned long index,
			   unsigned long nr)
{
	struct folio *folio;
	long freed = 0;

	for (; nr; nr--, index++) {
		folio = filemap_get_entry(mapping, index);
		if (!folio)
			continue;
		if (shrink_folio(folio))
			freed++;
		else
			folio_put(folio);
	}
	return freed;
}
