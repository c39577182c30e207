// SPDX-License-Identifier: LGPL-2.1-or-later
#include "check/owners.h"
#include "fs/fs.h"
#include "mem/phys.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/swapops.h"

/*
 * Whether @pte maps frame @pfn of @folio: present and pointing at it, or
 * a swap entry whose swap-cache folio it is (reclaim unmapped it but could
 * not free it: a swap-in maps it again).
 */
static bool pte_maps(pte_t pte, const struct folio *folio, unsigned long pfn)
{
	unsigned long flags = __atomic_load_n(&folio->flags, __ATOMIC_RELAXED);

	if (pte_present(pte))
		return pte_pfn(pte) == pfn;
	return is_swap_pte(pte) && (flags & (1UL << PG_swapcache)) &&
	       pte_to_swp_entry(pte).val == folio->private;
}

/*
 * The PTE as rmap sees it: a walker takes the PTE lock, so a PTE that
 * its lock holder has cleared only for the time of its update (mprotect's
 * ptep_modify_prot_start(), try_to_unmap_one() before the swap entry)
 * still maps its page.
 */
static pte_t pte_peek(struct mm_struct *mm, pte_t *ptep)
{
	pte_t pte = __pte(__atomic_load_n(&ptep->pte, __ATOMIC_RELAXED));
	unsigned int i;

	if (!pte_none(pte))
		return pte;
	for (i = 0; i < PMM_MAX_TASKS; i++)
		if (__atomic_load_n(&mm->pte_transit[i].ptep, __ATOMIC_ACQUIRE) == ptep)
			return mm->pte_transit[i].old;
	return pte;
}

/*
 * Whether a COW fault is copying @mm's page at @addr away from @pfn, past
 * the point where what the frame gets (@tags: its tags) would still be
 * copied.
 */
bool cow_leaving(const struct mm_struct *mm, unsigned long addr,
		 unsigned long pfn, bool tags)
{
	unsigned int i;

	for (i = 0; i < PMM_MAX_TASKS; i++)
		if (__atomic_load_n(&mm->cow_leaving[i].pfn, __ATOMIC_ACQUIRE) == pfn &&
		    mm->cow_leaving[i].addr == addr &&
		    (!tags || __atomic_load_n(&mm->cow_leaving[i].tags, __ATOMIC_ACQUIRE)))
			return true;
	return false;
}

/* rmap_walk_anon()'s look, without its lock: every PTE mapping @pfn. */
static unsigned int anon_owners(struct folio *folio, unsigned long pfn,
				bool tags, struct lkey *keys)
{
	unsigned long idx = folio->index + (pfn - folio_pfn(folio));
	struct anon_vma *av = (struct anon_vma *)((unsigned long)folio->mapping &
						  ~PAGE_MAPPING_ANON);
	struct vm_area_struct *vma;
	unsigned int n = 0;

	list_for_each_entry(vma, &av->vmas, anon_list) {
		unsigned long addr, sz;
		pte_t *ptep;

		if (idx < vma->vm_pgoff || n == FRAME_MAX_OWNERS)
			continue;
		addr = vma->vm_start + ((idx - vma->vm_pgoff) << PAGE_SHIFT);
		if (addr >= vma->vm_end)
			continue;
		/* A PMD-mapped THP or hugetlb leaf maps every page of its folio. */
		ptep = pgtable_leaf_offset(vma->vm_mm, addr, &sz);
		if (ptep && pte_maps(leaf_subpage_pte(pte_peek(vma->vm_mm, ptep),
						      addr, sz), folio, pfn) &&
		    !cow_leaving(vma->vm_mm, addr, pfn, tags))
			keys[n++] = (struct lkey){ vma->vm_mm, addr, true };
	}
	return n;
}

unsigned int frame_owners(unsigned long pfn, bool tags, struct lkey *keys)
{
	struct folio *folio = pfn_folio(pfn);

	if (is_zero_pfn(pfn) || !folio->mapping)
		return 0;
	if (folio_test_anon(folio))
		return anon_owners(folio, pfn, tags, keys);
	keys[0] = (struct lkey){ folio->mapping,
				 (folio->index + (pfn - folio_pfn(folio))) << PAGE_SHIFT,
				 false };
	return 1;
}
