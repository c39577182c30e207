/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the memory manager asks of the swap layer (src/swap/), which sits
 * above it: the swap layer registers these when the machine has a swap
 * device. Without one, swap_mm_ops is NULL and no PTE ever holds a swap
 * entry.
 */
#ifndef PMM_MM_SWAP_H
#define PMM_MM_SWAP_H

#include "mm/mm.h"
#include "mm/swapops.h"

struct swap_mm_ops {
	/* do_swap_page(): a fault on a swap PTE; PTL not held. */
	vm_fault_t (*do_swap_page)(struct vm_fault *vmf);
	/* swap_duplicate(): one more PTE holds @entry (fork, unmap). */
	int (*swap_duplicate)(swp_entry_t entry);
	/* free_swap_and_cache(): a PTE holding @entry was zapped. */
	void (*free_swap_and_cache)(swp_entry_t entry);
	/*
	 * folio_free_swap(): a locked swap-cache folio no PTE's entry holds
	 * leaves the swap cache (wp_can_reuse_anon_folio()).
	 */
	bool (*folio_free_swap)(struct folio *folio);
};

extern const struct swap_mm_ops *swap_mm_ops;

/* folio->swap: the entry of a folio in the swap cache (folio->private). */
static inline swp_entry_t folio_swap_entry(struct folio *folio)
{
	return (swp_entry_t){ folio->private };
}

#endif /* PMM_MM_SWAP_H */
