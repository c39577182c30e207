// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * shmem's swap side (mm/shmem.c shmem_writeout(), shmem_swapin_folio()):
 * here, above the page cache it works on, because it needs the swap
 * layer; fs/shmem.c reaches it through shmem_swap_ops.
 *
 * A swapped-out shmem page is held by its page-cache slot: one swap count
 * (swap_shmem_alloc(), today folio_dup_swap()) that the slot keeps until
 * swap-in or truncation frees it. While the folio is in the swap cache it
 * is no longer in the page cache (its mapping is NULL) and holds one
 * reference for the swap cache: folio_expected_ref_count() counts that
 * reference for every swap-cache folio, anonymous or not.
 *
 * Simplified: no shmem_swaplist (swapoff of shmem is not modelled), no
 * large folios to split, no swap-in readahead, no SWP_SYNCHRONOUS_IO bypass.
 */
#include <errno.h>

#include "fs/shmem.h"
#include "mm/arch.h"
#include "swap/swap.h"

/*
 * shmem_writeout(): a locked, unmapped shmem folio, PG_dirty cleared for
 * I/O, moves to the swap cache and its slot takes the swap entry, then
 * it is written. Without a slot it is redirtied and stays. Unlocks.
 */
int shmem_writeout(struct folio *folio)
{
	swp_entry_t entry;

	if (folio_mapped(folio))
		pmm_violation("bug-on", "shmem_writeout of mapped frame %#lx",
			      folio_pfn(folio));
	if (folio_alloc_swap(folio, &entry))
		goto redirty;
	if (add_to_swap_cache(folio, entry)) {
		put_swap_folio(folio, entry);
		goto redirty;
	}
	swap_duplicate(entry);
	shmem_delete_from_page_cache(folio, entry);
	return swap_writepage(folio);
redirty:
	folio_mark_dirty(folio);
	folio_unlock(folio);
	return -ENOMEM;
}

/* The swap-cache folio of @entry, locked and still the slot's. */
static int lock_swap_folio(struct inode *inode, unsigned long index,
			   swp_entry_t entry, struct folio **foliop)
{
	struct folio *folio = swap_cache_get_folio(entry);
	int err = 0;

	if (!folio) {
		folio = read_swap_cache_async(entry, &err);
		if (!folio)
			return err == -ENOENT ? -EEXIST : err;
	}
	folio_lock(folio);
	if (!folio_test_swapcache(folio) ||
	    folio_swap_entry(folio).val != entry.val ||
	    !shmem_confirm_swap(inode, index, entry)) {
		folio_unlock(folio);
		folio_put(folio);
		return -EEXIST;
	}
	*foliop = folio;
	return 0;
}

/*
 * shmem_swapin_folio(): the swap-cache folio (read in if needed) goes
 * back to the slot in place of its entry, leaves the swap cache, and is
 * dirty: its slot on swap is freed, so memory holds the only copy.
 */
static int shmem_swapin_folio(struct inode *inode, unsigned long index,
			      swp_entry_t entry, struct folio **foliop)
{
	struct folio *folio = NULL;
	int err = lock_swap_folio(inode, index, entry, &folio);

	if (err)
		return err;
	if (!folio_test_uptodate(folio)) {
		err = -EIO;
		goto failed;
	}
	folio_wait_writeback(folio);
	arch_swap_restore(entry, folio);
	err = shmem_add_to_page_cache(inode, folio, index, swp_to_radix(entry));
	if (err)
		goto failed;
	delete_from_swap_cache(folio);
	folio_mark_dirty(folio);
	swap_free(entry);
	*foliop = folio;
	return 0;
failed:
	folio_unlock(folio);
	folio_put(folio);
	return err;
}

static const struct shmem_swap_ops swap_shmem_ops = {
	.swapin_folio = shmem_swapin_folio,
	.free_swap = free_swap_and_cache,
};

void shmem_swap_register(void)
{
	shmem_swap_ops = &swap_shmem_ops;
}
