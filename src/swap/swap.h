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

struct swap_info_struct {
	spinlock_t lock;
	unsigned int type;
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

/* swapon(): a device of @bdev's whole size; registers swap_mm_ops. */
int swapon(struct block_device *bdev);
/* swapoff() at teardown: a slot still in use is a "leak". */
void swap_teardown(void);

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

/* mm/page_io.c */
int swap_writepage(struct folio *folio);
int swap_read_folio(struct folio *folio);

/* mm/memory.c */
vm_fault_t do_swap_page(struct vm_fault *vmf);

/* mm/shmem.c's swap side (swap/shmem.c) */
int shmem_writeout(struct folio *folio);
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
