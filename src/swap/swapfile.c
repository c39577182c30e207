// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The swap device and its slot map (mm/swapfile.c).
 *
 * Simplified: one device (type 0), slots of one page, a linear scan for a
 * free slot under si->lock (no clusters, no per-CPU slot caches), no swap
 * count continuations (a slot holds at most SWAP_MAP_MAX references), no
 * discard, no KSM copy in unuse_pte(), no
 * readahead, no hwpoison or poisoned entries (a read that fails leaves
 * the PTE alone and swapoff fails with -EIO), and si->users is a count
 * under si->lock, not a percpu_ref.
 */
#include <errno.h>

#include "fs/blkdev.h"
#include "fs/shmem.h"
#include "mm/arch.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "swap/swap.h"

struct swap_info_struct *swap_info;
const struct swap_mm_ops *swap_mm_ops;

static const struct swap_mm_ops swap_ops = {
	.do_swap_page = do_swap_page,
	.swap_duplicate = swap_duplicate,
	.free_swap_and_cache = free_swap_and_cache,
	.folio_free_swap = folio_free_swap,
};

/* swapon(): every slot free; the swap cache empty. */
int swapon(struct block_device *bdev, unsigned long flags)
{
	struct swap_info_struct *si = pmm_alloc(sizeof(*si));

	si->type = 0;
	si->flags = SWP_USED | SWP_WRITEOK | (flags & SWP_SYNCHRONOUS_IO);
	si->users_live = true;
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
	if (!(READ_ONCE(si->flags) & SWP_USED)) {
		pmm_violation("bug-on", "swap entry %#lx of a device swapped off",
			      entry.val);
		return NULL;
	}
	return si;
}

/* get_swap_device(): percpu_ref_tryget_live(&si->users). */
struct swap_info_struct *get_swap_device(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info;
	bool live;

	if (!si || swp_type(entry) != si->type || swp_offset(entry) >= si->pages) {
		pmm_violation("bug-on", "bad swap entry %#lx", entry.val);
		return NULL;
	}
	spin_lock(&si->lock);
	live = si->users_live;
	si->users += live;
	spin_unlock(&si->lock);
	return live ? si : NULL;
}

/* put_swap_device(): the last one out lets swapoff go on (si->comp). */
void put_swap_device(struct swap_info_struct *si)
{
	spin_lock(&si->lock);
	si->users--;
	spin_unlock(&si->lock);
}

/* A swap_map[] write, under si->lock: swapoff's retry watches these. */
static void swap_map_set(struct swap_info_struct *si, unsigned char *map,
			 unsigned char v)
{
	WRITE_ONCE(*map, v);
	WRITE_ONCE(si->map_gen, si->map_gen + 1);
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
	/* swapoff's del_from_avail_list() took the device away. */
	for (off = 0; (si->flags & SWP_WRITEOK) && off < si->pages; off++) {
		if (READ_ONCE(si->swap_map[off]))
			continue;
		swap_map_set(si, &si->swap_map[off], SWAP_HAS_CACHE);
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
		swap_map_set(si, map, (unsigned char)(*map + 1));
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
	swap_map_set(si, map, v);
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

/* swapcache_prepare(): __swap_duplicate(entry, SWAP_HAS_CACHE). */
int swapcache_prepare(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_info(entry);
	unsigned char *map;
	int err = 0;

	if (!si)
		return -EINVAL;
	map = &si->swap_map[swp_offset(entry)];
	spin_lock(&si->lock);
	if (!READ_ONCE(*map))
		err = -ENOENT;		/* freed: the PTE will have changed */
	else if (READ_ONCE(*map) & SWAP_HAS_CACHE)
		err = -EEXIST;
	else
		swap_map_set(si, map, (unsigned char)(*map | SWAP_HAS_CACHE));
	spin_unlock(&si->lock);
	return err;
}

/* swapcache_clear(): the direct swap-in's SWAP_HAS_CACHE, given back. */
void swapcache_clear(struct swap_info_struct *si, swp_entry_t entry)
{
	spin_lock(&si->lock);
	swap_entry_put_locked(si, swp_offset(entry), SWAP_HAS_CACHE);
	spin_unlock(&si->lock);
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

	if (!si || !(si->flags & SWP_USED)) {
		swap_info = NULL;
		swap_mm_ops = NULL;
		return;
	}
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

/*
 * unuse_pte(): under the PTL, if the PTE still holds @entry, map @folio
 * (locked, uptodate, not under writeback) there instead: restore the
 * architecture's metadata first (it is keyed by the entry), take a
 * reference and an anonymous rmap (exclusive if the swap PTE was), map it
 * old and with the VMA's protection (read-only for a private writable
 * mapping: a write then goes through do_wp_page()), then release the
 * PTE's hold on the slot.
 */
static void unuse_pte(struct vm_area_struct *vma, unsigned long addr,
		      swp_entry_t entry, struct folio *folio)
{
	struct page *page = (struct page *)folio;
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map(vma->vm_mm, addr, &ptl), old;

	if (!ptep)
		return;
	spin_lock(ptl);
	old = ptep_get(ptep);
	/* pte_same_as_swp(): the swap PTE's own flags aside. */
	if (!is_swap_pte(old) || pte_to_swp_entry(old).val != entry.val)
		goto out;
	/*
	 * Since 6.5 ("mm: call arch_swap_restore() from unuse_pte()");
	 * before, set_pte_at() restored from the old swap PTE.
	 */
	if (swap_restore_order() == SWAP_RESTORE_FIRST)
		arch_swap_restore(entry, folio);
	folio_get(folio);
	if (!folio_test_anon(folio)) {
		folio_add_new_anon_rmap(folio, vma, addr);
		if (!pte_swp_exclusive(old))
			ClearPageAnonExclusive(page);
	} else {
		folio_add_anon_rmap_pte(folio, page, vma, addr);
		if (pte_swp_exclusive(old))
			SetPageAnonExclusive(page);
	}
	set_pte_at(vma->vm_mm, addr, ptep,
		   pte_mkold(pfn_pte(folio_pfn(folio), vma->vm_page_prot)));
	swap_free(entry);
out:
	spin_unlock(ptl);
}

/*
 * unuse_pte_range() for one address: a PTE holding an entry of device
 * @type gets its folio, from the swap cache or read in (which waits out a
 * direct swap-in's SWAP_HAS_CACHE), mapped back; the folio then leaves
 * the swap cache if no other PTE holds the entry.
 */
static int unuse_addr(struct vm_area_struct *vma, unsigned long addr,
		      unsigned int type)
{
	struct swap_info_struct *si = swap_info;
	struct folio *folio;
	swp_entry_t entry;
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map(vma->vm_mm, addr, &ptl), pte;
	int err = 0;

	if (!ptep)
		return 0;
	/*
	 * The kernel reads it locklessly and retries the whole walk when it
	 * missed one; here a pass that changed nothing waits for a change
	 * (try_to_unuse()), so it must not miss a PTE that try_to_unmap()
	 * has cleared on its way to a swap entry: read under the PTL.
	 */
	spin_lock(ptl);
	pte = ptep_get(ptep);
	spin_unlock(ptl);
	if (!is_swap_pte(pte) || swp_type(pte_to_swp_entry(pte)) != type)
		return 0;
	entry = pte_to_swp_entry(pte);
	folio = swap_cache_get_folio(entry);
	if (!folio)
		folio = read_swap_cache_async(entry, &err);
	if (!folio)
		return READ_ONCE(si->swap_map[swp_offset(entry)]) ? -ENOMEM : 0;
	folio_lock(folio);
	folio_wait_writeback(folio);
	if (!folio_test_uptodate(folio)) {
		/* The kernel maps a poisoned entry; not supported here. */
		folio_unlock(folio);
		folio_put(folio);
		return -EIO;
	}
	/* It may have left the cache (and the slot been freed) meanwhile. */
	if (folio_test_swapcache(folio) && folio->private == entry.val)
		unuse_pte(vma, addr, entry, folio);
	folio_free_swap(folio);
	folio_unlock(folio);
	folio_put(folio);
	return 0;
}

/* unuse_mm(): every VMA that can hold anonymous pages (vma->anon_vma). */
int unuse_mm(struct mm_struct *mm, unsigned int type)
{
	struct vm_area_struct *vma;
	unsigned long addr;
	int err = 0;

	mmap_read_lock(mm);
	list_for_each_entry(vma, &mm->mmap, vm_list) {
		if (!vma->anon_vma)
			continue;
		for (addr = vma->vm_start; addr < vma->vm_end && !err;
		     addr += PAGE_SIZE)
			err = unuse_addr(vma, addr, type);
		if (err)
			break;
	}
	mmap_read_unlock(mm);
	return err;
}

struct gen_wait {
	const unsigned long *gen;
	unsigned long seen;
	const unsigned int *mms_gen;
	unsigned int mms_seen;
};

static bool gen_moved(const struct task *t, const void *arg)
{
	const struct gen_wait *w = arg;

	(void)t;
	return *w->gen != w->seen || *w->mms_gen != w->mms_seen;
}

/*
 * try_to_unuse(): shmem's slots (shmem_unuse()), every mm's PTEs, then
 * what is left in the swap cache,
 * until no slot is in use. Entries can come back behind the walk (reclaim
 * unmapping a swap-cache folio again, an mm exiting at its own pace): the
 * kernel retries until they are gone. A pass during which no slot changed
 * and no mm was added would find the same again, so the retry waits for
 * one of those instead of spinning.
 */
static int try_to_unuse(struct swap_info_struct *si,
			int (*unuse_mms)(unsigned int type),
			const unsigned int *mms_gen)
{
	struct gen_wait w = { &si->map_gen, 0, mms_gen, 0 };
	unsigned long off;
	int err;

	while (READ_ONCE(si->inuse_pages)) {
		w.seen = READ_ONCE(si->map_gen);
		w.mms_seen = READ_ONCE(*mms_gen);
		err = shmem_unuse(si->type);
		if (!err)
			err = unuse_mms(si->type);
		if (err)
			return err;
		for (off = 0; off < si->pages && READ_ONCE(si->inuse_pages); off++) {
			struct folio *folio = swap_cache_get_folio(swp_entry(si->type, off));

			if (!folio)
				continue;
			folio_lock(folio);
			folio_wait_writeback(folio);
			folio_free_swap(folio);
			folio_unlock(folio);
			folio_put(folio);
		}
		if (READ_ONCE(si->inuse_pages) && !gen_moved(NULL, &w))
			spin_until(&si->map_gen, gen_moved, &w);
	}
	return 0;
}

static bool no_users(const struct task *t, const void *arg)
{
	const struct swap_info_struct *si = arg;

	(void)t;
	return !si->users;
}

/*
 * swapoff(): no more slots are handed out (del_from_avail_list()), every
 * swapped page comes back (try_to_unuse(); on failure the device is
 * reinserted), then si->users is killed and swapoff waits for every
 * get_swap_device() holder (percpu_ref_kill(), wait_for_completion()),
 * and the device goes with its metadata (arch_swap_invalidate_area()).
 */
int swapoff(int (*unuse_mms)(unsigned int type), const unsigned int *mms_gen)
{
	struct swap_info_struct *si = swap_info;
	int err;

	if (!si)
		return -EINVAL;
	spin_lock(&si->lock);
	err = si->flags & SWP_WRITEOK ? 0 : -EINVAL;
	si->flags &= ~SWP_WRITEOK;
	spin_unlock(&si->lock);
	if (err)
		return err;
	err = try_to_unuse(si, unuse_mms, mms_gen);
	spin_lock(&si->lock);
	if (err)
		si->flags |= SWP_WRITEOK;	/* reinsert_swap_info() */
	else
		si->users_live = false;
	spin_unlock(&si->lock);
	if (err)
		return err;
	spin_until(&si->users, no_users, si);
	arch_swap_invalidate_area(si->type);
	spin_lock(&si->lock);
	si->flags = 0;
	spin_unlock(&si->lock);
	return 0;
}
