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

/*
 * Where do_swap_page() and unuse_pte() put the swapped tags back
 * (swap.restore_order; swap/memory.c): RESTORE_FIRST calls
 * arch_swap_restore() before swap_free() (6.5, and 6.4.3 in stable:
 * "mm: call arch_swap_restore() from do_swap_page()"); FREE_FIRST
 * frees the entry and maybe the swap cache before set_pte_at(), whose
 * mte_sync_tags() restores from the old swap PTE (5.18, "mm: streamline
 * COW logic in do_swap_page()", to 6.4.2); MAP_FIRST maps first and
 * frees after (5.10 to 5.17).
 */
enum swap_restore_order {
	SWAP_RESTORE_FIRST,
	SWAP_FREE_FIRST,
	SWAP_MAP_FIRST,
};

enum swap_restore_order swap_restore_order(void);

#endif /* PMM_MM_SWAP_H */
