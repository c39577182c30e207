// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * do_swap_page() (mm/memory.c): a fault on a PTE holding a swap entry. It
 * lives with the swap layer, which mm/ reaches through swap_mm_ops.
 *
 * Simplified: no readahead, no SWP_SYNCHRONOUS_IO bypass of the swap
 * cache, no KSM copy, no large folios; folio_lock() does not drop
 * mmap_lock (no VM_FAULT_RETRY); a write fault that cannot reuse the page
 * maps it read-only and the retried access takes the COW path
 * (do_wp_page()), which is where the kernel goes next anyway.
 */
#include <errno.h>

#include "mm/arch.h"
#include "mm/memory.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "swap/swap.h"

/* The folio for @entry with a reference: the swap cache's, or read in. */
static struct folio *swapin_folio(swp_entry_t entry, vm_fault_t *ret)
{
	struct folio *folio = swap_cache_get_folio(entry);
	int err = 0;

	if (folio)
		return folio;
	folio = read_swap_cache_async(entry, &err);
	if (!folio)
		*ret = err == -ENOMEM ? VM_FAULT_OOM : 0;
	return folio;
}

/* should_try_to_free_swap(): a write fault by the folio's only user. */
static bool should_try_to_free_swap(struct folio *folio, unsigned int flags)
{
	return folio_test_swapcache(folio) && (flags & FAULT_FLAG_WRITE) &&
	       folio_ref_count(folio) == 2;
}

/*
 * Under the PTL, the PTE still holding @entry: restore what the
 * architecture saved, map the folio (writable only if exclusive), and
 * release the PTE's hold on the slot. The lookup's reference becomes the
 * mapping's.
 */
static void map_swapped_folio(struct vm_fault *vmf, struct folio *folio,
			      swp_entry_t entry)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = (struct page *)folio;
	/* The device has no SWP_STABLE_WRITES: writeback keeps it exclusive. */
	bool exclusive = pte_swp_exclusive(vmf->orig_pte);
	pte_t pte = pfn_pte(folio_pfn(folio), vma->vm_page_prot);

	arch_swap_restore(entry, folio);
	if (exclusive && (vma->vm_flags & VM_WRITE)) {
		pte = pte_mkwrite(pte);
		if (vmf->flags & FAULT_FLAG_WRITE)
			pte = pte_mkdirty(pte);
	}
	if (!folio_test_anon(folio)) {
		folio_add_new_anon_rmap(folio, vma, vmf->address);
		if (!exclusive)
			ClearPageAnonExclusive(page);
	} else {
		folio_add_anon_rmap_pte(folio, page, vma, vmf->address);
		if (exclusive)
			SetPageAnonExclusive(page);
	}
	set_pte_at(vma->vm_mm, vmf->address, vmf->pte, pte_mkyoung(pte));
	swap_free(entry);
}

vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	vm_fault_t ret = 0;
	struct folio *folio = swapin_folio(entry, &ret);

	if (!folio)
		return ret;
	folio_lock(folio);
	/* The slot was freed and the folio reused, or it left the cache. */
	if (!folio_test_swapcache(folio) || folio->private != entry.val)
		goto out_unlock;
	spin_lock(vmf->ptl);
	if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		spin_unlock(vmf->ptl);
		goto out_unlock;
	}
	if (!folio_test_uptodate(folio)) {
		spin_unlock(vmf->ptl);
		ret = VM_FAULT_SIGBUS;
		goto out_unlock;
	}
	map_swapped_folio(vmf, folio, entry);
	if (should_try_to_free_swap(folio, vmf->flags))
		folio_free_swap(folio);
	/*
	 * Unlocked under the PTL, as the kernel does: the reference is the
	 * mapping's now, and once the PTL goes a COW or a zap may drop it.
	 */
	folio_unlock(folio);
	spin_unlock(vmf->ptl);
	return 0;
out_unlock:
	folio_unlock(folio);
	folio_put(folio);
	return ret;
}
