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
 * Simplified: no large folios to split, no swap-in readahead, no
 * SWP_SYNCHRONOUS_IO bypass; an inode stays on shmem_swaplist once it is
 * there (the kernel prunes one with nothing swapped under the mutex;
 * shmem_unuse() here skips it), and no stop_eviction count: shmem inodes
 * live until the machine's teardown, after every swapoff.
 */
#include <errno.h>

#include "fs/shmem.h"
#include "mm/arch.h"
#include "sched/mutex.h"
#include "swap/swap.h"

/*
 * shmem_swaplist: the inodes that have had a page written to swap,
 * newest first, for shmem_unuse(); shmem_swaplist_mutex guards it and
 * orders a writeout's entry against swapoff's walk.
 */
static struct inode *shmem_swaplist;
static struct mutex shmem_swaplist_mutex;

/* The list_add() of shmem_writepage(), under shmem_swaplist_mutex. */
static void shmem_swaplist_add(struct inode *inode)
{
	struct shmem_inode_info *info = inode->i_shmem;

	if (info->on_swaplist)
		return;
	info->swaplist_next = shmem_swaplist;
	info->on_swaplist = true;
	WRITE_ONCE(shmem_swaplist, inode);
}

/*
 * shmem_writeout(): a locked, unmapped shmem folio, PG_dirty cleared for
 * I/O, moves to the swap cache and its slot takes the swap entry, then
 * it is written. Without a slot it is redirtied and stays. Unlocks.
 */
int shmem_writeout(struct folio *folio)
{
	struct inode *inode = mapping_inode(folio->mapping);
	swp_entry_t entry;

	if (folio_mapped(folio))
		pmm_violation("bug-on", "shmem_writeout of mapped frame %#lx",
			      folio_pfn(folio));
	if (folio_alloc_swap(folio, &entry))
		goto redirty;
	/*
	 * On the list before the folio leaves the page cache (whose lock
	 * no longer keeps the inode then), and the mutex held until the
	 * slot holds the entry, so shmem_unuse() cannot miss it.
	 */
	mutex_lock(&shmem_swaplist_mutex);
	shmem_swaplist_add(inode);
	if (add_to_swap_cache(folio, entry)) {
		mutex_unlock(&shmem_swaplist_mutex);
		put_swap_folio(folio, entry);
		goto redirty;
	}
	swap_duplicate(entry);
	shmem_delete_from_page_cache(folio, entry);
	mutex_unlock(&shmem_swaplist_mutex);
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
	/*
	 * The entry was read without a hold on the device: swapoff may
	 * have swapped it in and taken the device down since.
	 */
	struct swap_info_struct *si = get_swap_device(entry);
	struct folio *folio = NULL;
	int err;

	if (!si)
		return shmem_confirm_swap(inode, index, entry) ? -EINVAL : -EEXIST;
	err = lock_swap_folio(inode, index, entry, &folio);
	if (err)
		goto out;
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
	goto out;
failed:
	folio_unlock(folio);
	folio_put(folio);
out:
	put_swap_device(si);
	return err;
}

/*
 * shmem_unuse_inode() with shmem_find_swap_entries() and
 * shmem_unuse_swap_entries(): every slot of @inode holding an entry of
 * device @type is swapped back in. A slot that changed meanwhile
 * (-EEXIST: a fault took it, a punch freed it) is skipped, as the kernel
 * skips every error but -ENOMEM; try_to_unuse()'s next pass looks again.
 */
static int shmem_unuse_inode(struct inode *inode, unsigned int type)
{
	struct shmem_inode_info *info = inode->i_shmem;
	unsigned long index;

	for (index = 0; index < inode->i_max_pages; index++) {
		unsigned long radix = READ_ONCE(info->swap[index]);
		struct folio *folio;
		int err;

		if (!radix || swp_type(radix_to_swp(radix)) != type)
			continue;
		err = shmem_swapin_folio(inode, index, radix_to_swp(radix), &folio);
		if (!err) {
			folio_unlock(folio);
			folio_put(folio);
		}
		if (err == -ENOMEM)
			return err;
	}
	return 0;
}

/*
 * shmem_unuse(): the inodes on shmem_swaplist, each searched with the
 * mutex dropped (the kernel's stop_eviction keeps it meanwhile; here
 * nothing evicts an inode before teardown), until the first -ENOMEM.
 */
int shmem_unuse(unsigned int type)
{
	struct inode *inode;
	int err = 0;

	mutex_lock(&shmem_swaplist_mutex);
	for (inode = shmem_swaplist; inode && !err;
	     inode = inode->i_shmem->swaplist_next) {
		if (!READ_ONCE(inode->i_shmem->swapped))
			continue;
		mutex_unlock(&shmem_swaplist_mutex);
		err = shmem_unuse_inode(inode, type);
		mutex_lock(&shmem_swaplist_mutex);
	}
	mutex_unlock(&shmem_swaplist_mutex);
	return err;
}

static const struct shmem_swap_ops swap_shmem_ops = {
	.swapin_folio = shmem_swapin_folio,
	.free_swap = free_swap_and_cache,
};

void shmem_swap_register(void)
{
	shmem_swaplist = NULL;
	mutex_init(&shmem_swaplist_mutex);
	pmm_obj_name(&shmem_swaplist_mutex, "shmem_swaplist_mutex");
	shmem_swap_ops = &swap_shmem_ops;
}
