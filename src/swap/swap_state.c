// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The swap cache (mm/swap_state.c): a folio per swap slot while it is
 * being written out or read in, or while both a PTE and the slot hold its
 * content. It holds one reference on the folio, and SWAP_HAS_CACHE on the
 * slot. Lookups are lockless, like the page cache's.
 *
 * Simplified: no readahead (one folio per fault), no shadow entries
 * (workingset), no large folios.
 */
#include <errno.h>

#include "mm/swap.h"
#include "swap/swap.h"

static struct folio **cache_slot(swp_entry_t entry)
{
	return &swap_info->cache[swp_offset(entry)];
}

/* add_to_swap_cache(): a locked folio becomes the slot's; one reference. */
int add_to_swap_cache(struct folio *folio, swp_entry_t entry)
{
	struct folio **s = cache_slot(entry);
	int err = 0;

	if (!folio_test_locked(folio))
		pmm_violation("bug-on", "adding unlocked frame %#lx to the swap cache",
			      folio_pfn(folio));
	folio_ref_add(folio, 1);
	folio->private = entry.val;
	__folio_set_swapbacked(folio);
	spin_lock(&swap_info->cache_lock);
	if (READ_ONCE(*s)) {
		err = -EEXIST;
	} else {
		set_bit(PG_swapcache, &folio->flags);
		WRITE_ONCE(*s, folio);
		/*
		 * swapoff's scan may have passed this slot before the folio
		 * came: a change its retry must see (swap_map_set()'s rule).
		 */
		WRITE_ONCE(swap_info->map_gen, swap_info->map_gen + 1);
	}
	spin_unlock(&swap_info->cache_lock);
	if (err) {
		folio->private = 0;
		folio_put(folio);
	}
	return err;
}

/* __delete_from_swap_cache(): the slot's entry goes; the caller drops the ref. */
void __delete_from_swap_cache(struct folio *folio, swp_entry_t entry)
{
	spin_lock(&swap_info->cache_lock);
	WRITE_ONCE(*cache_slot(entry), NULL);
	clear_bit(PG_swapcache, &folio->flags);
	folio->private = 0;
	spin_unlock(&swap_info->cache_lock);
}

/* delete_from_swap_cache(): locked folio out; slot and reference released. */
void delete_from_swap_cache(struct folio *folio)
{
	swp_entry_t entry = folio_swap_entry(folio);

	__delete_from_swap_cache(folio, entry);
	put_swap_folio(folio, entry);
	folio_put(folio);
}

/* swap_cache_get_folio(): the speculative lookup of folio_slot_get(). */
struct folio *swap_cache_get_folio(swp_entry_t entry)
{
	return folio_slot_get(cache_slot(entry));
}

struct prepare_wait {
	unsigned char *map;
	struct folio **slot;
};

/* The racing reader added its folio, or gave SWAP_HAS_CACHE back. */
static bool cache_settled(const struct task *t, const void *arg)
{
	const struct prepare_wait *w = arg;

	(void)t;
	return *w->slot || !(*w->map & SWAP_HAS_CACHE);
}

/*
 * __read_swap_cache_async(): the folio in the swap cache, or a new one
 * read in. Whoever wins SWAP_HAS_CACHE allocates, adds (locked) and reads;
 * a loser waits for the winner's folio (the kernel sleeps a tick and
 * retries; waiting for the change is the same outcomes, without spinning).
 * Returns a referenced folio, or NULL with *err.
 */
struct folio *read_swap_cache_async(swp_entry_t entry, int *err)
{
	struct folio *folio;

	for (;;) {
		folio = swap_cache_get_folio(entry);
		if (folio)
			return folio;
		*err = swapcache_prepare(entry);
		if (*err == -EEXIST) {
			struct prepare_wait w = {
				&swap_info->swap_map[swp_offset(entry)],
				cache_slot(entry),
			};

			spin_until(w.map, cache_settled, &w);
			continue;
		}
		if (*err)
			return NULL;
		break;
	}
	folio = folio_alloc(0, 0);
	if (!folio) {
		put_swap_folio(NULL, entry);
		*err = -ENOMEM;
		return NULL;
	}
	__folio_set_locked(folio);
	/* SWAP_HAS_CACHE is already ours: add_to_swap_cache() does not take it. */
	*err = add_to_swap_cache(folio, entry);
	if (*err) {
		__folio_clear_locked(folio);
		folio_put(folio);
		put_swap_folio(NULL, entry);
		return NULL;
	}
	*err = swap_read_folio(folio);
	return folio;
}
