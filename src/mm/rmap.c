// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "mm/memory.h"
#include "mm/mmu_notifier.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/tlb.h"
#include "sched/knob.h"

DEFINE_KNOB(fork_pinned_cow, "fork.pinned_cow",
	    "fork() copies an exclusive anonymous page that may be DMA-pinned "
	    "at once (copy, since Linux 5.9/5.19); share is the older "
	    "behaviour, under which the parent's next write moves it off the "
	    "page the device still writes (the COW-vs-pin bug of cow.c)",
	    "copy", "share");

static void large_mapcount_add(struct folio *folio, int d)
{
	if (folio_test_large(folio))
		atomic_add(d, &folio->_large_mapcount);
}

/* folio_add_new_anon_rmap(..., RMAP_EXCLUSIVE): no one else can see it yet. */
void folio_add_new_anon_rmap(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long address)
{
	unsigned long i, n = folio_nr_pages(folio);

	folio->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	folio->index = linear_page_index(vma, address);
	for (i = 0; i < n; i++) {
		struct page *p = folio_page(folio, i);

		p->_mapcount.counter = i ? -1 : 0;
		p->flags |= 1UL << PG_anon_exclusive;
	}
	if (folio_test_large(folio))
		folio->_large_mapcount.counter = 0;
	__folio_set_swapbacked(folio);
}

void folio_add_anon_rmap_pte(struct folio *folio, struct page *page,
			     struct vm_area_struct *vma, unsigned long address)
{
	(void)vma;
	(void)address;
	atomic_inc(&page->_mapcount);
	large_mapcount_add(folio, 1);
}

void folio_add_file_rmap_pte(struct folio *folio, struct page *page,
			     struct vm_area_struct *vma)
{
	(void)vma;
	atomic_inc(&page->_mapcount);
	large_mapcount_add(folio, 1);
}

void folio_dup_file_rmap_pte(struct folio *folio, struct page *page)
{
	folio_add_file_rmap_pte(folio, page, NULL);
}

void folio_remove_rmap_pte(struct folio *folio, struct page *page,
			   struct vm_area_struct *vma)
{
	(void)vma;
	if (atomic_add_return(-1, &page->_mapcount) < -1)
		pmm_violation("bug-on", "mapcount underflow on frame %#lx",
			      page_to_pfn(page));
	large_mapcount_add(folio, -1);
}

/* folio_needs_cow_for_dma(): only mms that ever pinned need to look. */
static bool folio_needs_cow_for_dma(struct vm_area_struct *vma,
				    struct folio *folio)
{
	if (!test_bit(MMF_HAS_PINNED, &vma->vm_mm->flags))
		return false;
	return folio_maybe_dma_pinned(folio);
}

int folio_try_dup_anon_rmap_pte(struct folio *folio, struct page *page,
				struct vm_area_struct *src_vma)
{
	if (PageAnonExclusive(page)) {
		if (knob(&fork_pinned_cow) == 0 &&
		    folio_needs_cow_for_dma(src_vma, folio))
			return -EBUSY;
		ClearPageAnonExclusive(page);
	}
	folio_add_anon_rmap_pte(folio, page, NULL, 0);
	return 0;
}

/*
 * PMD mappings of a large anonymous folio: _entire_mapcount counts them,
 * _large_mapcount counts each as one, and PageAnonExclusive is the head
 * page's alone while PMD-mapped (__folio_add_anon_rmap() RMAP_LEVEL_PMD).
 */
void folio_add_new_anon_rmap_pmd(struct folio *folio, struct vm_area_struct *vma,
				 unsigned long haddr)
{
	folio->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	folio->index = linear_page_index(vma, haddr);
	folio->_entire_mapcount.counter = 0;
	folio->_large_mapcount.counter = 0;
	folio->flags |= 1UL << PG_anon_exclusive;
	__folio_set_swapbacked(folio);
}

void folio_remove_rmap_pmd(struct folio *folio, struct vm_area_struct *vma)
{
	(void)vma;
	if (atomic_add_return(-1, &folio->_entire_mapcount) < -1)
		pmm_violation("bug-on", "entire mapcount underflow on frame %#lx",
			      folio_pfn(folio));
	atomic_add(-1, &folio->_large_mapcount);
}

/* folio_try_dup_anon_rmap_pmd(): fork's rule for a PMD-mapped folio. */
int folio_try_dup_anon_rmap_pmd(struct folio *folio,
				struct vm_area_struct *src_vma)
{
	struct page *head = (struct page *)folio;

	if (PageAnonExclusive(head)) {
		if (knob(&fork_pinned_cow) == 0 &&
		    folio_needs_cow_for_dma(src_vma, folio))
			return -EBUSY;
		ClearPageAnonExclusive(head);
	}
	atomic_inc(&folio->_entire_mapcount);
	atomic_inc(&folio->_large_mapcount);
	return 0;
}

struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *av = pmm_alloc(sizeof(*av));

	init_rwsem(&av->rwsem);
	INIT_LIST_HEAD(&av->vmas);
	pmm_obj_name(&av->rwsem, "anon_vma->rwsem");
	return av;
}

void anon_vma_link(struct anon_vma *av, struct vm_area_struct *vma)
{
	down_write(&av->rwsem);
	vma->anon_vma = av;
	list_add_tail(&vma->anon_list, &av->vmas);
	up_write(&av->rwsem);
}

void anon_vma_unlink(struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	if (!av)
		return;
	down_write(&av->rwsem);
	list_del(&vma->anon_list);
	up_write(&av->rwsem);
}

/* vma_address(): where @folio's first page would be mapped in @vma. */
static bool vma_address(struct folio *folio, struct vm_area_struct *vma,
			unsigned long *address)
{
	unsigned long pgoff = folio->index, addr;

	if (pgoff < vma->vm_pgoff)
		return false;
	addr = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
	if (addr >= vma->vm_end)
		return false;
	*address = addr;
	return true;
}

/* rmap_walk_anon() and rmap_walk_file(), under the rmap lock for reading. */
void rmap_walk(struct folio *folio, const struct rmap_walk_control *rwc)
{
	struct rw_semaphore *lock;
	struct list_head *head;
	struct vm_area_struct *vma;
	bool anon = folio_test_anon(folio);
	unsigned long address;

	if (anon) {
		struct anon_vma *av = (void *)((unsigned long)folio->mapping &
					       ~PAGE_MAPPING_ANON);

		lock = &av->rwsem;
		head = &av->vmas;
	} else {
		struct address_space *mapping = folio->mapping;

		if (!mapping)
			return;
		lock = &mapping->i_mmap_rwsem;
		head = &mapping->i_mmap;
	}
	down_read(lock);
	if (anon) {
		list_for_each_entry(vma, head, anon_list)
			if (vma_address(folio, vma, &address) &&
			    !rwc->rmap_one(folio, vma, address, rwc->arg))
				break;
	} else {
		list_for_each_entry(vma, head, file_list)
			if (vma_address(folio, vma, &address) &&
			    !rwc->rmap_one(folio, vma, address, rwc->arg))
				break;
	}
	up_read(lock);
}

/*
 * try_to_unmap_one() for a page of an anonymous folio in the swap cache:
 * the PTE becomes the folio's swap entry (marked exclusive if the page
 * was), which the slot now counts. A page that may be pinned cannot stop
 * being exclusive (folio_try_share_anon_rmap(), which the kernel asks
 * after swap_duplicate() and then undoes it): the PTE is put back and the
 * walk stops, the folio still mapped.
 */
static bool unmap_anon_pte(struct folio *folio, struct page *page,
			   struct vm_area_struct *vma, unsigned long addr,
			   pte_t *ptep)
{
	swp_entry_t entry = { folio_swap_entry(folio).val +
			      (unsigned long)(page - (struct page *)folio) };
	/*
	 * ptep_clear_flush(), with the note of the PTE in transit made in
	 * the clear's step: the flush yields, and a device write through a
	 * reference in between is still the mapper's.
	 */
	pte_t pte = ptep_get_and_clear(vma->vm_mm, addr, ptep), swp;
	bool exclusive;

	pte_transit(vma->vm_mm, ptep, pte);
	if (pte_present(pte))
		flush_tlb_page(vma, addr);
	exclusive = PageAnonExclusive(page);

	if (pte_dirty(pte))
		folio_mark_dirty(folio);
	if ((exclusive && folio_maybe_dma_pinned(folio)) || !swap_mm_ops ||
	    swap_mm_ops->swap_duplicate(entry)) {
		set_pte_at(vma->vm_mm, addr, ptep, pte);
		pte_transit(vma->vm_mm, NULL, __pte(0));
		return false;
	}
	if (exclusive)
		ClearPageAnonExclusive(page);
	swp = swp_entry_to_pte(entry);
	if (exclusive)
		swp = pte_swp_mkexclusive(swp);
	set_pte_at(vma->vm_mm, addr, ptep, swp);
	pte_transit(vma->vm_mm, NULL, __pte(0));
	return true;
}

/*
 * try_to_unmap_one(): under the PTL, clear and flush each PTE of the
 * folio (an anonymous one's becomes its swap entry), move the dirty bit
 * to the folio, drop the mapping and its reference. False stops the walk.
 */
static bool unmap_one(struct folio *folio, struct vm_area_struct *vma,
		      unsigned long address, void *arg)
{
	unsigned long i, n = folio_nr_pages(folio);
	struct mmu_notifier_range range;
	bool stop = false;

	(void)arg;
	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, vma->vm_mm, address,
				address + n * PAGE_SIZE);
	mmu_notifier_invalidate_range_start(&range);
	for (i = 0; i < n; i++) {
		unsigned long addr = address + i * PAGE_SIZE;
		spinlock_t *ptl;
		pte_t *ptep, pte;

		if (addr >= vma->vm_end)
			break;
		ptep = pte_offset_map(vma->vm_mm, addr, &ptl);
		if (!ptep)
			continue;
		spin_lock(ptl);
		pte = ptep_get(ptep);
		if (!pte_present(pte) || pte_special(pte) ||
		    pte_pfn(pte) != folio_pfn(folio) + i) {
			spin_unlock(ptl);
			continue;
		}
		if (folio_test_anon(folio)) {
			if (!unmap_anon_pte(folio, folio_page(folio, i), vma, addr,
					    ptep)) {
				spin_unlock(ptl);
				stop = true;
				break;
			}
		} else {
			pte = ptep_clear_flush(vma, addr, ptep);
			if (pte_dirty(pte))
				folio_mark_dirty(folio);
		}
		folio_remove_rmap_pte(folio, folio_page(folio, i), vma);
		spin_unlock(ptl);
		folio_put(folio);
	}
	mmu_notifier_invalidate_range_end(&range);
	return !stop;
}

/* page_mkclean_one(): under the PTL, clean and write-protect, then flush. */
static bool mkclean_one(struct folio *folio, struct vm_area_struct *vma,
			unsigned long address, void *arg)
{
	bool *cleaned = arg;
	struct mmu_notifier_range range;
	spinlock_t *ptl;
	pte_t *ptep, pte;

	ptep = pte_offset_map(vma->vm_mm, address, &ptl);
	if (!ptep)
		return true;
	mmu_notifier_range_init(&range, MMU_NOTIFY_PROTECTION_PAGE, vma->vm_mm,
				address, address + PAGE_SIZE);
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(ptl);
	pte = ptep_get(ptep);
	if (pte_present(pte) && !pte_special(pte) &&
	    pte_pfn(pte) == folio_pfn(folio) && (pte_dirty(pte) || pte_write(pte))) {
		pte = ptep_clear_flush(vma, address, ptep);
		set_pte_at(vma->vm_mm, address, ptep,
			   pte_mkclean(pte_wrprotect(pte)));
		*cleaned = true;
	}
	spin_unlock(ptl);
	mmu_notifier_invalidate_range_end(&range);
	return true;
}

bool folio_mkclean(struct folio *folio)
{
	bool cleaned = false;
	struct rmap_walk_control rwc = { .rmap_one = mkclean_one, .arg = &cleaned };

	if (folio_test_anon(folio) || !folio->mapping)
		return false;
	rmap_walk(folio, &rwc);
	return cleaned;
}

void try_to_unmap(struct folio *folio)
{
	struct rmap_walk_control rwc = { .rmap_one = unmap_one };

	if (!folio_test_locked(folio))
		pmm_violation("bug-on", "try_to_unmap of unlocked frame %#lx",
			      folio_pfn(folio));
	if (folio_test_anon(folio) && !folio_test_swapcache(folio)) {
		pmm_violation("bug-on", "try_to_unmap of anonymous frame %#lx "
			      "outside the swap cache", folio_pfn(folio));
		return;
	}
	rmap_walk(folio, &rwc);
}

void unmap_mapping_range(struct address_space *mapping, unsigned long pgstart,
			 unsigned long nr_pages, bool even_cows)
{
	struct vm_area_struct *vma;
	unsigned long pgend = pgstart + nr_pages;

	down_read(&mapping->i_mmap_rwsem);
	list_for_each_entry(vma, &mapping->i_mmap, file_list) {
		unsigned long vpages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
		unsigned long lo = pgstart > vma->vm_pgoff ? pgstart : vma->vm_pgoff;
		unsigned long hi = pgend < vma->vm_pgoff + vpages ?
				   pgend : vma->vm_pgoff + vpages;

		if (lo >= hi)
			continue;
		zap_page_range_single(vma,
				      vma->vm_start + ((lo - vma->vm_pgoff) << PAGE_SHIFT),
				      (hi - lo) << PAGE_SHIFT, !even_cows);
	}
	up_read(&mapping->i_mmap_rwsem);
}
