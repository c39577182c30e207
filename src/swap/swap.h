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

struct block_device;

/* swapon(): a device of @nr_pages slots at block @start of @bdev. */
int swapon(struct block_device *bdev, unsigned long start,
	   unsigned long nr_pages);
/* swapoff() of the machine's device at teardown: every slot must be free. */
void swap_teardown(void);

/*
 * __swap_count(): how many PTEs (and the swap cache, counted once) hold
 * @entry; 0 when its slot is free.
 */
int __swap_count(swp_entry_t entry);

#endif /* PMM_SWAP_SWAP_H */
