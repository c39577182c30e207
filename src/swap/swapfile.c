// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The swap device and its slot map (mm/swapfile.c).
 *
 * Simplified: one device (type 0), slots of one page, a linear scan for a
 * free slot under si->lock (no clusters, no per-CPU slot caches), no swap
 * count continuations (a slot holds at most SWAP_MAP_MAX references), no
 * discard, no swapoff while running.
 */
#include <errno.h>

#include "fs/blkdev.h"
#include "fs/shmem.h"
#include "mm/arch.h"
#include "swap/swap.h"

struct swap_info_struct *swap_info;
const struct swap_mm_ops *swap_mm_ops;

static const struct swap_mm_ops swap_ops = {
	.do_swap_page = do_swap_page,
	.swap_duplicate = swap_duplicate,
	.free_swap_and_cache = free_swap_and_cache,
};

/* swapon(): every slot free; the swap cache empty. */
int swapon(struct block_device *bdev)
{
	struct swap_info_struct *si = pmm_alloc(sizeof(*si));

	si->type = 0;
	si->bdev = bdev;
	si->pages = bdev->nr_blocks;
	si->swap_map = pmm_alloc(si->pages);
	si->cache = pmm_alloc(si->pages * sizeof(*si->cache));
	spin_lock_init(&si->lock);
	spin_lock_init(&si->cache_lock);
	pmm_obj_name(&si->lock, "swap_info->lock");
	pmm_obj_name(&si->cache_lock, "swap cache lock");
	swap_info = si;
	swap_mm_ops = &swap_ops;
	shmem_swap_register();
	return 0;
}

static struct swap_info_struct *swp_info(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info;

	if (!si || swp_type(entry) != si->type || swp_offset(entry) >= si->pages) {
		pmm_violation("bug-on", "bad swap entry %#lx", entry.val);
		return NULL;
	}
	return si;
}

int __swap_count(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_info(entry);

	if (!si)
		return 0;
	return READ_ONCE(si->swap_map[swp_offset(entry)]) & ~SWAP_HAS_CACHE;
}

/*
 * swap_range_free(): the slot is free again; its metadata goes with it
 * (arch_swap_invalidate_page(), zswap_invalidate()). si->lock held.
 */
static void swap_range_free(struct swap_info_struct *si, unsigned long offset)
{
	si->inuse_pages--;
	arch_swap_invalidate_page(si->type, offset);
}

/*
 * folio_alloc_swap(): a free slot for a locked folio, marked as held by
 * the swap cache (SWAP_HAS_CACHE); -ENOMEM when the device is full.
 */
int folio_alloc_swap(struct folio *folio, swp_entry_t *entry)
{
	struct swap_info_struct *si = swap_info;
	unsigned long off;
	int err = -ENOMEM;

	if (!si || folio_test_large(folio))
		return -ENOMEM;
	spin_lock(&si->lock);
	for (off = 0; off < si->pages; off++) {
		if (READ_ONCE(si->swap_map[off]))
			continue;
		WRITE_ONCE(si->swap_map[off], SWAP_HAS_CACHE);
		si->inuse_pages++;
		*entry = swp_entry(si->type, off);
		err = 0;
		break;
	}
	spin_unlock(&si->lock);
	return err;
}

/* __swap_duplicate(): one more PTE holds the entry. */
int swap_duplicate(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_info(entry);
	unsigned char *map;
	int err = 0;

	if (!si)
		return -EINVAL;
	map = &si->swap_map[swp_offset(entry)];
	spin_lock(&si->lock);
	if (!READ_ONCE(*map)) {
		pmm_violation("bug-on", "swap_duplicate of free swap entry %#lx",
			      entry.val);
		err = -ENOENT;
	} else if ((READ_ONCE(*map) & ~SWAP_HAS_CACHE) >= SWAP_MAP_MAX) {
		err = -ENOMEM;	/* add_swap_count_continuation() */
	} else {
		WRITE_ONCE(*map, *map + 1);
	}
	spin_unlock(&si->lock);
	return err;
}

/*
 * swap_entry_put(): drops @usage (a PTE's 1, or SWAP_HAS_CACHE) and frees
 * the slot when nothing holds it. si->lock held. Returns what is left.
 */
static unsigned char swap_entry_put_locked(struct swap_info_struct *si,
					   unsigned long offset,
					   unsigned char usage)
{
	unsigned char *map = &si->swap_map[offset];
	unsigned char v = READ_ONCE(*map);

	if (usage == SWAP_HAS_CACHE ? !(v & SWAP_HAS_CACHE) :
				      !(v & ~SWAP_HAS_CACHE)) {
		pmm_violation("bug-on", "swap entry %#lx put once too often",
			      swp_entry(si->type, offset).val);
		return v;
	}
	v = (unsigned char)(v - usage);
	WRITE_ONCE(*map, v);
	if (!v)
		swap_range_free(si, offset);
	return v;
}

static unsigned char swap_entry_put(swp_entry_t entry, unsigned char usage)
{
	struct swap_info_struct *si = swp_info(entry);
	unsigned char left;

	if (!si)
		return 0;
	spin_lock(&si->lock);
	left = swap_entry_put_locked(si, swp_offset(entry), usage);
	spin_unlock(&si->lock);
	return left;
}

/* swap_free(): a PTE no longer holds the entry (it maps the page now). */
void swap_free(swp_entry_t entry)
{
	swap_entry_put(entry, 1);
}

/* put_swap_folio(): the swap cache lets go of the slot. */
void put_swap_folio(struct folio *folio, swp_entry_t entry)
{
	(void)folio;
	swap_entry_put(entry, SWAP_HAS_CACHE);
}

/*
 * folio_free_swap(): a locked folio in the swap cache leaves it when no
 * PTE holds its entry any more and it is not being written.
 */
bool folio_free_swap(struct folio *folio)
{
	swp_entry_t entry = folio_swap_entry(folio);

	if (!folio_test_locked(folio))
		pmm_violation("bug-on", "folio_free_swap of unlocked frame %#lx",
			      folio_pfn(folio));
	if (!folio_test_swapcache(folio) || folio_test_writeback(folio) ||
	    __swap_count(entry))
		return false;
	delete_from_swap_cache(folio);
	folio_mark_dirty(folio);	/* its only copy is in memory now */
	return true;
}

/*
 * free_swap_and_cache(): a zapped PTE held @entry; when it was the last,
 * the swap cache's folio (if any, and if it can be locked now and is not
 * mapped) goes too (__try_to_reclaim_swap()), which frees the slot.
 */
void free_swap_and_cache(swp_entry_t entry)
{
	struct folio *folio;

	if (swap_entry_put(entry, 1) != SWAP_HAS_CACHE)
		return;
	folio = swap_cache_get_folio(entry);
	if (!folio)
		return;
	if (folio_trylock(folio)) {
		if (!folio_mapped(folio))
			folio_free_swap(folio);
		folio_unlock(folio);
	}
	folio_put(folio);
}

/*
 * swapoff() at teardown, once every process has exited: the swap cache
 * lets go of its folios, and then every slot should be free.
 */
void swap_teardown(void)
{
	struct swap_info_struct *si = swap_info;
	unsigned long off;

	if (!si)
		return;
	for (off = 0; off < si->pages; off++) {
		struct folio *folio = swap_cache_get_folio(swp_entry(si->type, off));

		if (!folio)
			continue;
		folio_lock(folio);
		folio_free_swap(folio);
		folio_unlock(folio);
		folio_put(folio);
	}
	swap_info = NULL;
	swap_mm_ops = NULL;
	shmem_swap_ops = NULL;
	for (off = 0; off < si->pages; off++)
		if (si->swap_map[off])
			pmm_violation("leak", "swap slot %#lx still held (%#x)",
				      off, si->swap_map[off]);
	arch_swap_invalidate_area(si->type);
}
