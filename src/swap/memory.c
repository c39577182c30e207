// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * do_swap_page() (mm/memory.c): a fault on a PTE holding a swap entry. It
 * lives with the swap layer, which mm/ reaches through swap_mm_ops.
 *
 * Simplified: no readahead, no KSM copy, no large folios, no memcg (so
 * mem_cgroup_swap_full() is vm_swap_full()), no mlock; folio_lock() does
 * not drop mmap_lock (no VM_FAULT_RETRY); the device has no
 * SWP_STABLE_WRITES; a write fault that cannot map the page writable
 * returns, and the retried access takes do_wp_page(), which the kernel
 * calls at once.
 */
#include <errno.h>

#include "mm/arch.h"
#include "mm/memory.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "sched/knob.h"
#include "swap/swap.h"

DEFINE_KNOB(swap_restore_order_knob, "swap.restore_order",
	    "where do_swap_page() and unuse_pte() restore a page's saved "
	    "metadata (MTE tags): restore_first calls arch_swap_restore() "
	    "before swap_free() (6.5, and 6.4.3 in stable: 'mm: call "
	    "arch_swap_restore() from do_swap_page()'); free_first frees the "
	    "entry, and for a sole user's write fault the swap cache with the "
	    "slot and its tags, before set_pte_at() restores from the old swap "
	    "PTE (5.18, 'mm: streamline COW logic in do_swap_page()', to "
	    "6.4.2: the tags are lost, the bug the fix names); map_first maps "
	    "and then frees (5.10 to 5.17); auto is the era of mte.sync "
	    "(restore_first under mte_lock, free_first under bit, deferred and "
	    "page_lock)",
	    "auto", "restore_first", "free_first", "map_first");

enum swap_restore_order swap_restore_order(void)
{
	switch (knob(&swap_restore_order_knob)) {
	case 1:
		return SWAP_RESTORE_FIRST;
	case 2:
		return SWAP_FREE_FIRST;
	case 3:
		return SWAP_MAP_FIRST;
	}
	return arch_ops->swap_restore_era ?
	       (enum swap_restore_order)arch_ops->swap_restore_era() :
	       SWAP_RESTORE_FIRST;
}

/*
 * The folio for @entry with a reference, read in through the swap cache.
 * None: out of memory, unless someone else faulted the PTE in meanwhile
 * (the entry may then be free already): checked under the PTL, which a
 * fault mapping the page holds from swap_free() to set_pte_at().
 */
static struct folio *swapin_folio(struct vm_fault *vmf, swp_entry_t entry,
				  vm_fault_t *ret)
{
	int err = 0;
	struct folio *folio = read_swap_cache_async(entry, &err);

	if (folio)
		return folio;
	spin_lock(vmf->ptl);
	/*
	 * The kernel says VM_FAULT_OOM here even when the entry was freed
	 * and reused under the same value (pte_same() again); its
	 * pagefault_out_of_memory() then retries the fault: so does this.
	 */
	if (pte_same(ptep_get(vmf->pte), vmf->orig_pte) && err == -ENOMEM)
		*ret = VM_FAULT_OOM;
	spin_unlock(vmf->ptl);
	return NULL;
}

/* The racing fault's swapcache_clear(), or the entry gone. */
static bool cache_flag_clear(const struct task *t, const void *arg)
{
	const unsigned char *map = arg;

	(void)t;
	return !(*map & SWAP_HAS_CACHE);
}

/*
 * do_swap_page()'s "skip swapcache" branch: a new folio, read straight
 * from the slot, never in the swap cache. SWAP_HAS_CACHE, claimed by
 * swapcache_prepare(), keeps a parallel swap-in of the same entry out
 * until swapcache_clear(): otherwise it could finish first, free the
 * entry, and a swap-out could reuse it, which pte_same() cannot see.
 * The loser waits for the clear (the kernel sleeps a tick on
 * swapcache_wq; waiting for the change is the same outcomes without
 * spinning) and the fault is retried. NULL with *ret 0: retry.
 */
static struct folio *swapin_direct(struct vm_fault *vmf,
				   struct swap_info_struct *si,
				   swp_entry_t entry, vm_fault_t *ret,
				   bool *need_clear_cache)
{
	struct folio *folio = folio_alloc(0, 0);

	if (!folio) {
		*ret = VM_FAULT_OOM;
		return NULL;
	}
	__folio_set_locked(folio);
	__folio_set_swapbacked(folio);
	if (swapcache_prepare(entry)) {
		spin_until(&si->swap_map[swp_offset(entry)], cache_flag_clear,
			   &si->swap_map[swp_offset(entry)]);
		/* Nor retry while a fault that freed the entry still maps it. */
		spin_lock(vmf->ptl);
		spin_unlock(vmf->ptl);
		__folio_clear_locked(folio);
		folio_put(folio);
		return NULL;
	}
	*need_clear_cache = true;
	/* folio->swap, for swap_read_folio() only; it unlocks the folio. */
	folio->private = entry.val;
	swap_read_folio(folio);
	folio->private = 0;
	return folio;
}

/* vm_swap_full(): more than half the slots in use. */
static bool vm_swap_full(struct swap_info_struct *si)
{
	return READ_ONCE(si->inuse_pages) * 2 > si->pages;
}

/*
 * should_try_to_free_swap(): swap space is short, or a write fault wants
 * to map the folio writable and only the swap cache's reference stands
 * in the way of telling that it is the exclusive user.
 */
static bool should_try_to_free_swap(struct swap_info_struct *si,
				    struct folio *folio, unsigned int flags)
{
	if (!folio_test_swapcache(folio))
		return false;
	if (vm_swap_full(si))
		return true;
	return (flags & FAULT_FLAG_WRITE) && folio_ref_count(folio) == 2;
}

/*
 * Under the PTL, the PTE still holding @entry: restore what the
 * architecture saved (before swap_free(), since it is keyed by the
 * entry), release the PTE's hold on the slot, maybe free the swap cache,
 * then map the folio; in the older orders (swap.restore_order) the
 * restore is set_pte_at()'s, from the old swap PTE. Exclusive: a new
 * folio no swap cache exposed, or the swap PTE said so; writable (if the
 * VMA is) when exclusive or when ours is the only reference left. The
 * lookup's reference becomes the mapping's.
 * Simplified: map_first keeps today's exclusivity rules (5.10's
 * reuse_swap_page() is not modelled); only its order is 5.10's.
 */
static void map_swapped_folio(struct vm_fault *vmf, struct swap_info_struct *si,
			      struct folio *folio, bool direct, swp_entry_t entry)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = (struct page *)folio;
	bool exclusive = direct || pte_swp_exclusive(vmf->orig_pte);
	pte_t pte = pfn_pte(folio_pfn(folio), vma->vm_page_prot);
	enum swap_restore_order order = swap_restore_order();

	if (folio_test_anon(folio) && PageAnonExclusive(page))
		pmm_violation("bug-on", "swap PTE for PageAnonExclusive frame %#lx",
			      folio_pfn(folio));
	if (order == SWAP_RESTORE_FIRST)
		arch_swap_restore(entry, folio);
	if (order != SWAP_MAP_FIRST) {
		swap_free(entry);
		if (should_try_to_free_swap(si, folio, vmf->flags))
			folio_free_swap(folio);
	}
	if (exclusive || folio_ref_count(folio) == 1) {
		exclusive = true;
		if (vma->vm_flags & VM_WRITE) {
			pte = pte_mkwrite(pte);
			if (vmf->flags & FAULT_FLAG_WRITE)
				pte = pte_mkdirty(pte);
		}
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
	if (order == SWAP_MAP_FIRST) {
		swap_free(entry);
		if (should_try_to_free_swap(si, folio, vmf->flags))
			folio_free_swap(folio);
	}
}

/*
 * A swap PTE whose device swapoff is taking down: try_to_unuse() has
 * mapped every page back, so the retried access finds the PTE present;
 * a device gone while a PTE still holds its entry is a lost page.
 */
static vm_fault_t swap_device_gone(struct vm_fault *vmf, swp_entry_t entry)
{
	vm_fault_t ret = 0;

	spin_lock(vmf->ptl);
	if (pte_same(ptep_get(vmf->pte), vmf->orig_pte) &&
	    !(READ_ONCE(swap_info->flags) & SWP_WRITEOK)) {
		pmm_violation("bug-on", "swap entry %#lx left in a PTE by swapoff",
			      entry.val);
		ret = VM_FAULT_SIGBUS;
	}
	spin_unlock(vmf->ptl);
	return ret;
}

vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	struct swap_info_struct *si = get_swap_device(entry);
	bool need_clear_cache = false, direct = false;
	struct folio *folio;
	vm_fault_t ret = 0;

	if (!si)
		return swap_info ? swap_device_gone(vmf, entry) : VM_FAULT_SIGBUS;
	folio = swap_cache_get_folio(entry);
	if (!folio && (READ_ONCE(si->flags) & SWP_SYNCHRONOUS_IO) &&
	    __swap_count(entry) == 1) {
		folio = swapin_direct(vmf, si, entry, &ret, &need_clear_cache);
		direct = folio != NULL;
	} else if (!folio) {
		folio = swapin_folio(vmf, entry, &ret);
	}
	if (!folio)
		goto out;
	folio_lock(folio);
	/* The slot was freed and the folio reused, or it left the cache. */
	if (!direct && (!folio_test_swapcache(folio) || folio->private != entry.val))
		goto out_page;
	spin_lock(vmf->ptl);
	if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		spin_unlock(vmf->ptl);
		goto out_page;
	}
	if (!folio_test_uptodate(folio)) {
		spin_unlock(vmf->ptl);
		ret = VM_FAULT_SIGBUS;
		goto out_page;
	}
	map_swapped_folio(vmf, si, folio, direct, entry);
	/*
	 * Unlocked under the PTL, as the kernel does: the reference is the
	 * mapping's now, and once the PTL goes a COW or a zap may drop it.
	 */
	folio_unlock(folio);
	spin_unlock(vmf->ptl);
	goto out;
out_page:
	folio_unlock(folio);
	folio_put(folio);
out:
	/* After the PTL: the swap cache pin of a direct swap-in. */
	if (need_clear_cache)
		swapcache_clear(si, entry);
	put_swap_device(si);
	return ret;
}
