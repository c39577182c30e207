/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Swap (mm/swapfile.c, mm/swap_state.c, mm/page_io.c, mm/vmscan.c): a swap
 * device of slots on the machine's block device, swap entries in PTEs,
 * the swap cache, reclaim and swap-in.
 *
 * Lock table:
 *   si->lock                 the slot map: allocation, swap counts
 *   swap cache lock          the swap cache's entries (xa_lock of the
 *                            swap address_space)
 *   folio lock               adding to and deleting from the swap cache,
 *                            writing out, reading in, do_swap_page()'s
 *                            mapping of the folio
 *   PG_writeback             the write to the device is in flight
 */
#ifndef PMM_SWAP_SWAP_H
#define PMM_SWAP_SWAP_H

#include "mm/swap.h"
#include "sched/spinlock.h"

struct block_device;

/* swap_map[]: PTEs holding the slot, and SWAP_HAS_CACHE (mm/swapfile.c). */
#define SWAP_HAS_CACHE	0x40
#define SWAP_MAP_MAX	0x3e

/* si->flags (include/linux/swap.h). */
#define SWP_USED		(1UL << 0)	/* swapon()..end of swapoff() */
#define SWP_WRITEOK		(1UL << 1)	/* slots may be allocated */
#define SWP_SYNCHRONOUS_IO	(1UL << 12)	/* zram-like: reads complete at once */

struct swap_info_struct {
	spinlock_t lock;
	unsigned int type;
	/* SWP_*: set at swapon(), changed under si->lock. */
	unsigned long flags;
	/*
	 * si->users, a percpu_ref in the kernel: get_swap_device() holders.
	 * users_live is cleared by swapoff's percpu_ref_kill(); here both
	 * live under si->lock, the same outcomes as the RCU-synchronised kill.
	 */
	int users;
	bool users_live;
	/*
	 * Bumped at every change of swap_map[]: a swapoff pass that finds
	 * it unchanged would find the same entries again (try_to_unuse()'s
	 * retry waits for it to move instead of spinning).
	 */
	unsigned long map_gen;
	struct block_device *bdev;
	unsigned long pages;
	unsigned long inuse_pages;
	unsigned char *swap_map;
	/* The swap cache (swapper_space): a folio per slot, or NULL. */
	struct folio **cache;
	spinlock_t cache_lock;
};

/* The machine's swap device, or NULL. */
extern struct swap_info_struct *swap_info;

/*
 * swapon(): a device of @bdev's whole size; registers swap_mm_ops.
 * @flags: 0, or SWP_SYNCHRONOUS_IO for a zram-like device.
 */
int swapon(struct block_device *bdev, unsigned long flags);
/* swapoff() at teardown: a slot still in use is a "leak". */
void swap_teardown(void);

/*
 * get_swap_device(): keeps swapoff from tearing the device down under
 * the caller; NULL once swapoff has killed si->users (or the entry is
 * bad). put_swap_device() gives it back.
 */
struct swap_info_struct *get_swap_device(swp_entry_t entry);
void put_swap_device(struct swap_info_struct *si);

/*
 * swapoff(): take every swapped page back into memory (try_to_unuse()),
 * then the device goes. @unuse_mms is the walk of the kernel's mmlist:
 * it calls unuse_mm() on every live mm and returns the first error;
 * *@mms_gen changes whenever an mm joins the list (fork).
 * Returns 0, -EINVAL (no device, or already off), or unuse's -ENOMEM
 * (the device is then back in use, as reinsert_swap_info() does).
 */
int swapoff(int (*unuse_mms)(unsigned int type), const unsigned int *mms_gen);
/* unuse_mm(): every PTE of @mm holding an entry of device @type restored. */
int unuse_mm(struct mm_struct *mm, unsigned int type);

/*
 * __swap_count(): how many PTEs hold @entry (the swap cache not counted);
 * 0 when the slot is free or holds only the cache.
 */
int __swap_count(swp_entry_t entry);

/* mm/swapfile.c */
int folio_alloc_swap(struct folio *folio, swp_entry_t *entry);
int swap_duplicate(swp_entry_t entry);
void swap_free(swp_entry_t entry);
void put_swap_folio(struct folio *folio, swp_entry_t entry);
void free_swap_and_cache(swp_entry_t entry);
bool folio_free_swap(struct folio *folio);

/* mm/swap_state.c */
int add_to_swap_cache(struct folio *folio, swp_entry_t entry);
void __delete_from_swap_cache(struct folio *folio, swp_entry_t entry);
void delete_from_swap_cache(struct folio *folio);
struct folio *swap_cache_get_folio(swp_entry_t entry);
struct folio *read_swap_cache_async(swp_entry_t entry, int *err);
/* swapcache_prepare(): claim SWAP_HAS_CACHE; -EEXIST if another has it. */
int swapcache_prepare(swp_entry_t entry);
/* swapcache_clear(): give back a SWAP_HAS_CACHE no folio stood for. */
void swapcache_clear(struct swap_info_struct *si, swp_entry_t entry);

/* mm/page_io.c */
int swap_writepage(struct folio *folio);
int swap_read_folio(struct folio *folio);

/* mm/memory.c */
vm_fault_t do_swap_page(struct vm_fault *vmf);

/* mm/shmem.c's swap side (swap/shmem.c) */
int shmem_writeout(struct folio *folio);
/*
 * shmem_unuse(): every shmem slot holding an entry of device @type gets
 * its page back (try_to_unuse()'s first step); 0 or -ENOMEM.
 */
int shmem_unuse(unsigned int type);
/* swapon() makes shmem's swap-out and swap-in available. */
void shmem_swap_register(void);

/*
 * mm/vmscan.c: reclaim one folio the caller holds a reference on (as
 * isolation from the LRU gives); true when it was freed.
 */
bool shrink_folio(struct folio *folio);
/*
 * Reclaim every folio mapped in [start, start + len) of @mm now (see
 * pmm_reclaim()); returns how many were freed.
 */
long reclaim_range(struct mm_struct *mm, unsigned long start,
		   unsigned long len);
/* The same for the cached pages [index, index + nr) of a file. */
long reclaim_mapping_range(struct address_space *mapping, unsigned long index,
			   unsigned long nr);

#endif /* PMM_SWAP_SWAP_H */
