// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Page faults, zapping and fork's copy (mm/memory.c).
 *
 * Huge PMD leaves are mm/huge_memory.c's. Simplifications: no
 * userfaultfd, no NUMA hinting, no fault-around; swap entries are the
 * swap layer's.
 */
#include <errno.h>
#include <string.h>

#include "mem/phys.h"
#include "mm/arch.h"
#include "mm/huge_memory.h"
#include "mm/memory.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/mmu_notifier.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/tlb.h"
#include "sched/knob.h"

DEFINE_KNOB(zap_flush, "mm.zap_flush",
	    "zapping PTEs frees their pages only after the TLB flush "
	    "(before_free, the mmu_gather); after_free puts each page as its "
	    "PTE is cleared and flushes at the end",
	    "before_free", "after_free");

unsigned long zero_pfn;

struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr,
			    pte_t pte)
{
	(void)vma;
	(void)addr;
	if (pte_special(pte))
		return NULL;
	return pte_page(pte);
}

static pte_t mk_pte(struct page *page, pgprot_t prot)
{
	return pfn_pte(page_to_pfn(page), prot);
}

/*
 * The page copy each task is making, for the oracles: a COW fault's (the
 * mm copying away, cow_mm), or fork's (the parent, the child and the
 * address, fork_note).
 */
static struct mm_struct *cow_mm[PMM_MAX_TASKS];
static struct fork_note {
	struct mm_struct *src, *dst;
	unsigned long addr;
} fork_note[PMM_MAX_TASKS];

void cow_notes_reset(void)
{
	memset(cow_mm, 0, sizeof(cow_mm));
	memset(fork_note, 0, sizeof(fork_note));
}

static struct fork_note *task_fork_note(void)
{
	int id = pmm_task_id();

	return id >= 0 && id < PMM_MAX_TASKS && fork_note[id].src ?
	       &fork_note[id] : NULL;
}

static void set_fork_note(struct mm_struct *src, struct mm_struct *dst,
			  unsigned long addr)
{
	int id = pmm_task_id();

	if (id >= 0 && id < PMM_MAX_TASKS)
		fork_note[id] = (struct fork_note){ src, dst, addr };
}

/* The oracles' note of a COW copy under way (mm->cow_leaving). */
static void cow_leaving(struct mm_struct *mm, unsigned long addr,
			unsigned long pfn)
{
	int id = pmm_task_id();

	if (id < 0 || id >= PMM_MAX_TASKS)
		return;
	mm->cow_leaving[id].addr = addr;
	mm->cow_leaving[id].tags = false;
	__atomic_store_n(&mm->cow_leaving[id].pfn, pfn, __ATOMIC_RELEASE);
	cow_mm[id] = pfn ? mm : NULL;
}

/*
 * copy_user_highpage(): the kernel reads one frame and writes another,
 * then the architecture copies what else the page carries (arm64: tags);
 * @leaving_mm: the mm whose COW fault copies its page at @addr away.
 * A page-cache page read must hold its file's bytes (the data oracle
 * checks them; the folio's mapping is read in the step that reads the
 * bytes, so a truncation cannot slip between).
 */
static void copy_user_highpage(struct page *to, struct page *from,
			       struct mm_struct *leaving_mm, unsigned long addr)
{
	unsigned char buf[PAGE_SIZE];
	struct folio *src = page_folio(from);
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = pmm_task_cpu(),
				 .pfn = page_to_pfn(from), .len = PAGE_SIZE,
				 .buf = buf };
	const struct pmm_loc *loc = PMM_HERE;

	sched_point_at(frame_obj(a.pfn), PMM_ACC_READ, loc);
	if (!folio_test_anon(src) && !is_zero_pfn(a.pfn)) {
		a.check_obj = src->mapping;
		a.check_off = src->index << PAGE_SHIFT;
	}
	__phys_access(&a, loc);
	/*
	 * A COW copy leaves the frame here, after the read: what the frame
	 * got until then, the secure-storage-access exception's export
	 * within this very access included, is in the copy.
	 */
	if (leaving_mm)
		cow_leaving(leaving_mm, addr, a.pfn);
	/* fork's copy: the child's bytes are the parent's as of this read. */
	if (task_fork_note())
		mm_notify_forked_page(task_fork_note()->src, task_fork_note()->dst,
				      task_fork_note()->addr, false);
	a.check_obj = NULL;
	a.pfn = page_to_pfn(to);
	a.write = true;
	phys_access(&a);
	arch_copy_highpage(to, from);
}

/* do_anonymous_page(): the zero page for a read, a fresh folio for a write. */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct folio *folio;
	pte_t entry;

	if (vma->vm_flags & VM_SHARED)
		return VM_FAULT_SIGBUS;
	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		entry = pte_mkspecial(pfn_pte(zero_pfn, vma->vm_page_prot));
		spin_lock(vmf->ptl);
		if (pte_none(ptep_get(vmf->pte)))
			set_pte_at(vma->vm_mm, vmf->address, vmf->pte, entry);
		spin_unlock(vmf->ptl);
		return 0;
	}
	folio = folio_alloc(__GFP_ZERO, 0);
	if (!folio)
		return VM_FAULT_OOM;
	__folio_set_uptodate(folio);
	entry = mk_pte((struct page *)folio, vma->vm_page_prot);
	entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	spin_lock(vmf->ptl);
	if (!pte_none(ptep_get(vmf->pte))) {
		spin_unlock(vmf->ptl);
		folio_put(folio);
		return 0;
	}
	folio_add_new_anon_rmap(folio, vma, vmf->address);
	set_pte_at(vma->vm_mm, vmf->address, vmf->pte, entry);
	spin_unlock(vmf->ptl);
	return 0;
}

/* set_pte_range() for one page: the folio's reference moves to the PTE. */
static void set_pte_one(struct vm_fault *vmf, struct folio *folio,
			struct page *page, bool anon)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t entry = mk_pte(page, vma->vm_page_prot);

	if (vmf->flags & FAULT_FLAG_WRITE)
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	if (anon)
		folio_add_new_anon_rmap(folio, vma, vmf->address);
	else
		folio_add_file_rmap_pte(folio, page, vma);
	set_pte_at(vma->vm_mm, vmf->address, vmf->pte, entry);
	if (anon)
		mm_notify_private_copy(vma->vm_mm, vmf->address, page_to_pfn(page));
}

vm_fault_t finish_fault(struct vm_fault *vmf)
{
	bool cow = (vmf->flags & FAULT_FLAG_WRITE) &&
		   !(vmf->vma->vm_flags & VM_SHARED);
	struct page *page = cow ? (struct page *)vmf->cow_folio : vmf->page;

	spin_lock(vmf->ptl);
	if (!pte_none(ptep_get(vmf->pte))) {
		spin_unlock(vmf->ptl);
		return VM_FAULT_NOPAGE;
	}
	set_pte_one(vmf, page_folio(page), page, cow);
	spin_unlock(vmf->ptl);
	return 0;
}

/* __do_fault(): ->fault hands back a locked page with a reference. */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	vm_fault_t ret = vmf->vma->vm_ops->fault(vmf);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	if (!(ret & VM_FAULT_LOCKED))
		folio_lock(page_folio(vmf->page));
	return ret;
}

/* The reference ->fault gave is dropped when no PTE took it over. */
static void release_fault_page(struct vm_fault *vmf, vm_fault_t ret)
{
	struct folio *folio = page_folio(vmf->page);

	folio_unlock(folio);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		folio_put(folio);
}

static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	vm_fault_t ret = __do_fault(vmf);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	ret |= finish_fault(vmf);
	release_fault_page(vmf, ret);
	return ret & ~VM_FAULT_LOCKED;
}

/* do_cow_fault(): a private copy of the file page, mapped anonymous. */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	struct folio *cow = folio_alloc(0, 0);
	vm_fault_t ret;

	if (!cow)
		return VM_FAULT_OOM;
	vmf->cow_folio = cow;
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) {
		folio_put(cow);
		return ret;
	}
	copy_user_highpage((struct page *)cow, vmf->page, NULL, 0);
	__folio_set_uptodate(cow);
	ret |= finish_fault(vmf);
	folio_unlock(page_folio(vmf->page));
	folio_put(page_folio(vmf->page));
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		folio_put(cow);
	return ret & ~VM_FAULT_LOCKED;
}

/* do_page_mkwrite(): the filesystem learns the page is being dirtied. */
static vm_fault_t do_page_mkwrite(struct vm_fault *vmf, struct folio *folio)
{
	vm_fault_t ret;

	if (!vmf->vma->vm_ops->page_mkwrite)
		return 0;
	ret = vmf->vma->vm_ops->page_mkwrite(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		return ret;
	if (!(ret & VM_FAULT_LOCKED))
		folio_lock(folio);
	return ret | VM_FAULT_LOCKED;
}

static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	struct folio *folio;
	vm_fault_t ret = __do_fault(vmf), tmp;

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	folio = page_folio(vmf->page);
	if (vmf->vma->vm_ops->page_mkwrite) {
		folio_unlock(folio);
		tmp = do_page_mkwrite(vmf, folio);
		if (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
			folio_put(folio);
			return tmp;
		}
	}
	ret |= finish_fault(vmf);
	if (!(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)))
		folio_mark_dirty(folio);	/* fault_dirty_shared_page() */
	release_fault_page(vmf, ret);
	return ret & ~VM_FAULT_LOCKED;
}

static vm_fault_t do_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	if (!vma->vm_ops->fault)
		return VM_FAULT_SIGBUS;
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	if (!(vma->vm_flags & VM_SHARED))
		return do_cow_fault(vmf);
	return do_shared_fault(vmf);
}

/* wp_page_reuse(): the PTE becomes writable in place; PTL held, dropped. */
static void wp_page_reuse(struct vm_fault *vmf)
{
	pte_t entry = pte_mkyoung(vmf->orig_pte);

	entry = maybe_mkwrite(pte_mkdirty(entry), vmf->vma);
	ptep_set_access_flags(vmf->vma, vmf->address, vmf->pte, entry);
	spin_unlock(vmf->ptl);
}

/*
 * wp_can_reuse_anon_folio(): a small anonymous folio can be reused when
 * this PTE holds its only reference, checked again under the folio lock
 * after freeing the swap cache's (folio_free_swap() succeeds when no
 * other PTE still holds the swap entry), so a folio swapped back in is
 * reused rather than copied.
 *
 * Simplified: no KSM, no LRU caches to drain (lru_add_drain()), no anon_vma
 * to move the folio to (folio_move_anon_rmap()).
 */
static bool wp_can_reuse_anon_folio(struct folio *folio)
{
	if (folio_ref_count(folio) > 3)
		return false;
	if (folio_ref_count(folio) > 1 + folio_test_swapcache(folio))
		return false;
	if (!folio_trylock(folio))
		return false;
	if (folio_test_swapcache(folio) && swap_mm_ops)
		swap_mm_ops->folio_free_swap(folio);
	if (folio_ref_count(folio) != 1) {
		folio_unlock(folio);
		return false;
	}
	folio_unlock(folio);
	return true;
}

void copy_tags_point(void)
{
	struct fork_note *f = task_fork_note();
	int id = pmm_task_id();

	if (f)
		mm_notify_forked_page(f->src, f->dst, f->addr, true);
	else if (id >= 0 && id < PMM_MAX_TASKS && cow_mm[id])
		__atomic_store_n(&cow_mm[id]->cow_leaving[id].tags, true,
				 __ATOMIC_RELEASE);
}

/*
 * wp_page_copy(): copy outside the PTL, then under it, if the PTE is
 * unchanged: clear and flush it, map the copy, drop the old mapping. The
 * caller's reference on @old (if any) is dropped here.
 */
static vm_fault_t wp_page_copy(struct vm_fault *vmf, struct folio *old)
{
	struct vm_area_struct *vma = vmf->vma;
	bool unshare = vmf->flags & FAULT_FLAG_UNSHARE;
	struct folio *new = folio_alloc(old ? 0 : __GFP_ZERO, 0), *put;
	struct mmu_notifier_range range;
	pte_t entry;

	if (!new) {
		if (old)
			folio_put(old);
		return VM_FAULT_OOM;
	}
	if (old)
		copy_user_highpage((struct page *)new, vmf->page, vma->vm_mm,
				   vmf->address & PAGE_MASK);
	__folio_set_uptodate(new);
	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, vma->vm_mm,
				vmf->address, vmf->address + PAGE_SIZE);
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(vmf->ptl);
	put = new;
	if (pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		entry = mk_pte((struct page *)new, vma->vm_page_prot);
		entry = pte_mkyoung(entry);
		if (!unshare)
			entry = maybe_mkwrite(pte_mkdirty(entry), vma);
		ptep_clear_flush(vma, vmf->address, vmf->pte);
		folio_add_new_anon_rmap(new, vma, vmf->address);
		set_pte_at(vma->vm_mm, vmf->address, vmf->pte, entry);
		if (old && !folio_test_anon(old))
			mm_notify_private_copy(vma->vm_mm, vmf->address,
					       folio_pfn(new));
		if (old)
			folio_remove_rmap_pte(old, vmf->page, vma);
		put = old;
	}
	if (old)
		cow_leaving(vma->vm_mm, 0, 0);
	spin_unlock(vmf->ptl);
	mmu_notifier_invalidate_range_end(&range);
	if (put)
		folio_put(put);
	if (old)
		folio_put(old);
	return 0;
}

/* wp_page_shared(): ->page_mkwrite, then the PTE becomes writable. */
static vm_fault_t wp_page_shared(struct vm_fault *vmf, struct folio *folio)
{
	vm_fault_t ret = do_page_mkwrite(vmf, folio);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
		folio_put(folio);
		return ret;
	}
	if (!(ret & VM_FAULT_LOCKED))
		folio_lock(folio);
	spin_lock(vmf->ptl);
	if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		spin_unlock(vmf->ptl);
	} else {
		wp_page_reuse(vmf);
		folio_mark_dirty(folio);
	}
	folio_unlock(folio);
	folio_put(folio);
	return 0;
}

/*
 * wp_pfn_shared(): a write to a read-only special PTE of a shared mapping;
 * ->pfn_mkwrite hears of it first (write notification of a PFN map),
 * then finish_mkwrite_fault() makes it writable if it did not change.
 */
static vm_fault_t wp_pfn_shared(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	vm_fault_t ret;

	if (vma->vm_ops && vma->vm_ops->pfn_mkwrite) {
		spin_unlock(vmf->ptl);
		ret = vma->vm_ops->pfn_mkwrite(vmf);
		if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
			return ret;
		spin_lock(vmf->ptl);
		if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
			spin_unlock(vmf->ptl);
			return 0;
		}
	}
	wp_page_reuse(vmf);
	return 0;
}

/*
 * do_wp_page(): a write (or an unshare request from GUP) to a present
 * read-only PTE; called and returning with the PTL dropped.
 */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	bool unshare = vmf->flags & FAULT_FLAG_UNSHARE;
	struct folio *folio = NULL;

	vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
	if (vmf->page)
		folio = page_folio(vmf->page);
	if (vma->vm_flags & (VM_SHARED | VM_MAYSHARE)) {
		if (!unshare && !folio)
			return wp_pfn_shared(vmf);
		if (unshare) {
			/* Shared mappings are never unshared. */
			spin_unlock(vmf->ptl);
			return 0;
		}
		folio_get(folio);
		spin_unlock(vmf->ptl);
		return wp_page_shared(vmf, folio);
	}
	if (folio && folio_test_anon(folio) &&
	    (PageAnonExclusive(vmf->page) || wp_can_reuse_anon_folio(folio))) {
		if (!PageAnonExclusive(vmf->page))
			SetPageAnonExclusive(vmf->page);
		if (unshare) {
			spin_unlock(vmf->ptl);
			return 0;
		}
		wp_page_reuse(vmf);
		return 0;
	}
	if (folio && is_zero_pfn(folio_pfn(folio)))
		folio = NULL;
	if (folio)
		folio_get(folio);
	spin_unlock(vmf->ptl);
	return wp_page_copy(vmf, folio);
}

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags)
{
	struct vm_fault vmf = {
		.vma = vma,
		.address = address & PAGE_MASK,
		.pgoff = linear_page_index(vma, address & PAGE_MASK),
		.flags = flags,
	};
	pmd_t *pmdp;
	vm_fault_t ret;
	pte_t entry;

	/* hugetlb_fault() first: a PMD leaf below is a THP. */
	if (is_vm_hugetlb_page(vma))
		return hugetlb_fault(vma, address, flags);
	pmdp = pmd_alloc_map(vma->vm_mm, vmf.address);
	if (!pmdp)
		return VM_FAULT_OOM;
	ret = huge_pmd_fault(&vmf, pmdp);
	if (!(ret & VM_FAULT_FALLBACK))
		return ret;
	vmf.pte = pte_alloc_map(vma->vm_mm, vmf.address, &vmf.ptl);
	/* A huge leaf appeared meanwhile: the access retries on it. */
	if (!vmf.pte)
		return pmd_leaf(__pmd(__atomic_load_n(&pmdp->pmd, __ATOMIC_ACQUIRE))) ?
		       0 : VM_FAULT_OOM;
	vmf.orig_pte = ptep_get(vmf.pte);
	if (pte_none(vmf.orig_pte))
		return vma_is_anonymous(vma) ? do_anonymous_page(&vmf) :
					       do_fault(&vmf);
	if (!pte_present(vmf.orig_pte)) {
		if (!swap_mm_ops) {
			pmm_violation("bug-on", "swap PTE %#llx without a swap device",
				      (unsigned long long)pte_val(vmf.orig_pte));
			return VM_FAULT_SIGBUS;
		}
		return swap_mm_ops->do_swap_page(&vmf);
	}
	spin_lock(vmf.ptl);
	entry = ptep_get(vmf.pte);
	if (!pte_same(entry, vmf.orig_pte)) {
		spin_unlock(vmf.ptl);
		return 0;
	}
	if ((flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) && !pte_write(entry))
		return do_wp_page(&vmf);
	entry = pte_mkyoung(entry);
	if (flags & FAULT_FLAG_WRITE)
		entry = pte_mkdirty(entry);
	ptep_set_access_flags(vma, vmf.address, vmf.pte, entry);
	spin_unlock(vmf.ptl);
	return 0;
}

/*
 * The mmu_gather: folios whose PTEs were zapped are freed only after the
 * TLB flush (tlb_finish_mmu()), never before.
 */
#define GATHER_BATCH 64

struct mmu_gather {
	struct vm_area_struct *vma;
	bool skip_anon;
	unsigned long start, end;
	unsigned int nr;
	struct folio *folios[GATHER_BATCH];
};

static void tlb_flush_mmu(struct mmu_gather *tlb)
{
	unsigned int i;

	if (tlb->end > tlb->start)
		flush_tlb_range(tlb->vma, tlb->start, tlb->end);
	for (i = 0; i < tlb->nr; i++)
		folio_put(tlb->folios[i]);
	tlb->nr = 0;
	tlb->start = tlb->end = 0;
}

static void zap_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		    spinlock_t *ptl, void *arg)
{
	struct mmu_gather *tlb = arg;
	struct page *page;
	struct folio *folio;
	bool cow;
	pte_t pte;

	spin_lock(ptl);
	pte = ptep_get(ptep);
	page = pte_present(pte) ? vm_normal_page(tlb->vma, addr, pte) : NULL;
	/*
	 * should_zap_folio(), should_zap_cows(): COW copies, and swap entries
	 * (anonymous by nature), survive a hole punch.
	 */
	if (pte_none(pte) ||
	    (tlb->skip_anon && page && folio_test_anon(page_folio(page))) ||
	    (tlb->skip_anon && is_swap_pte(pte))) {
		spin_unlock(ptl);
		return;
	}
	/* A private COW copy of a file page goes: the file shows through again. */
	cow = tlb->vma->vm_file &&
	      (is_swap_pte(pte) || (page && folio_test_anon(page_folio(page))));
	if (is_swap_pte(pte)) {
		/*
		 * zap_nonpresent_ptes(): the slot loses this PTE's hold, under
		 * the PTL (the swap cache's folio is only trylocked).
		 */
		ptep_get_and_clear(mm, addr, ptep);
		if (cow)
			mm_notify_unmapped(mm, addr, addr + PAGE_SIZE);
		swap_mm_ops->free_swap_and_cache(pte_to_swp_entry(pte));
		spin_unlock(ptl);
		return;
	}
	pte = ptep_get_and_clear(mm, addr, ptep);
	if (cow)
		mm_notify_unmapped(mm, addr, addr + PAGE_SIZE);
	if (page)
		mm_notify_zapped(mm, addr, page);
	if (!tlb->end)
		tlb->start = addr;
	tlb->end = addr + PAGE_SIZE;
	if (page) {
		folio = page_folio(page);
		if (!folio_test_anon(folio) && pte_dirty(pte))
			folio_mark_dirty(folio);
		folio_remove_rmap_pte(folio, page, tlb->vma);
		if (knob(&zap_flush) == 0)
			tlb->folios[tlb->nr++] = folio;
	}
	spin_unlock(ptl);
	if (page && knob(&zap_flush) == 1)
		folio_put(page_folio(page));
	if (tlb->nr == GATHER_BATCH)
		tlb_flush_mmu(tlb);
}

void zap_page_range_single(struct vm_area_struct *vma, unsigned long addr,
			   unsigned long size, bool skip_anon)
{
	struct mmu_gather tlb = { .vma = vma, .skip_anon = skip_anon };
	struct mmu_notifier_range range;

	mmu_notifier_range_init(&range, MMU_NOTIFY_UNMAP, vma->vm_mm, addr,
				addr + size);
	mmu_notifier_invalidate_range_start(&range);
	if (is_vm_hugetlb_page(vma)) {
		unmap_hugepage_range(vma, addr, addr + size);
	} else {
		/* zap_pmd_range(): whole leaves go at once, partial ones are split. */
		if (!skip_anon)
			zap_huge_pmd_range(vma, addr, addr + size);
		walk_pte_range(vma->vm_mm, addr, addr + size, zap_one, &tlb);
	}
	tlb_flush_mmu(&tlb);
	mmu_notifier_invalidate_range_end(&range);
}

/* copy_present_page(): fork copies a maybe-pinned exclusive page at once. */
static int copy_present_page(struct vm_area_struct *src_vma,
			     struct vm_area_struct *dst_vma,
			     unsigned long addr, pte_t *dst_pte,
			     struct page *src_page)
{
	struct folio *new = folio_alloc(0, 0);
	pte_t pte;

	if (!new)
		return -ENOMEM;
	set_fork_note(src_vma->vm_mm, dst_vma->vm_mm, addr);
	copy_user_highpage((struct page *)new, src_page, NULL, 0);
	set_fork_note(NULL, NULL, 0);
	__folio_set_uptodate(new);
	folio_add_new_anon_rmap(new, dst_vma, addr);
	pte = maybe_mkwrite(pte_mkdirty(mk_pte((struct page *)new,
					       dst_vma->vm_page_prot)), dst_vma);
	set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
	return 0;
}

struct copy_ctx {
	struct vm_area_struct *dst, *src;
	int err;
	/* The last PTE's page was copied (the oracles were told then). */
	bool copied;
};

/* copy_present_pte(): share the page, write-protecting both sides for COW. */
static int copy_present_pte(struct copy_ctx *c, unsigned long addr,
			    pte_t *src_pte, pte_t *dst_pte, pte_t pte)
{
	struct page *page = vm_normal_page(c->src, addr, pte);
	struct folio *folio = page ? page_folio(page) : NULL;

	if (folio && folio_test_anon(folio)) {
		folio_get(folio);
		if (folio_try_dup_anon_rmap_pte(folio, page, c->src)) {
			folio_put(folio);
			c->copied = true;
			return copy_present_page(c->src, c->dst, addr, dst_pte, page);
		}
	} else if (folio && !is_zero_pfn(folio_pfn(folio))) {
		folio_get(folio);
		folio_dup_file_rmap_pte(folio, page);
	}
	if (is_cow_mapping(c->src->vm_flags) && pte_write(pte)) {
		ptep_set_wrprotect(c->src->vm_mm, addr, src_pte);
		pte = pte_wrprotect(pte);
	}
	if (c->src->vm_flags & VM_SHARED)
		pte = pte_mkclean(pte);
	set_pte_at(c->dst->vm_mm, addr, dst_pte, pte_mkold(pte));
	return 0;
}

/*
 * copy_nonpresent_pte() for a swap entry: the child's PTE holds it too,
 * and neither side is exclusive any more.
 */
static int copy_swap_pte(struct copy_ctx *c, unsigned long addr,
			 pte_t *src_pte, pte_t *dst_pte, pte_t pte)
{
	if (swap_mm_ops->swap_duplicate(pte_to_swp_entry(pte)))
		return -EIO;
	if (pte_swp_exclusive(pte)) {
		pte = __pte(pte_val(pte) & ~_PAGE_SWP_EXCLUSIVE);
		set_pte_at(c->src->vm_mm, addr, src_pte, pte);
	}
	set_pte_at(c->dst->vm_mm, addr, dst_pte, pte);
	return 0;
}

static void copy_one(struct mm_struct *src_mm, unsigned long addr,
		     pte_t *src_pte, spinlock_t *src_ptl, void *arg)
{
	struct copy_ctx *c = arg;
	spinlock_t *dst_ptl;
	pte_t *dst_pte, pte;

	if (c->err)
		return;
	dst_pte = pte_alloc_map(c->dst->vm_mm, addr, &dst_ptl);
	if (!dst_pte) {
		c->err = -ENOMEM;
		return;
	}
	spin_lock(dst_ptl);
	spin_lock(src_ptl);
	pte = ptep_get(src_pte);
	c->copied = false;
	if (pte_present(pte))
		c->err = copy_present_pte(c, addr, src_pte, dst_pte, pte);
	else if (!pte_none(pte))
		c->err = copy_swap_pte(c, addr, src_pte, dst_pte, pte);
	/* A shared page (or swap entry): the child's as of this PTE copy. */
	if (!c->err && !c->copied && !pte_none(pte)) {
		mm_notify_forked_page(src_mm, c->dst->vm_mm, addr, false);
		mm_notify_forked_page(src_mm, c->dst->vm_mm, addr, true);
	}
	spin_unlock(src_ptl);
	spin_unlock(dst_ptl);
}

/*
 * copy_page_range(): for a COW mapping, the source mm's write_protect_seq
 * is odd while its PTEs are write-protected, so a concurrent GUP-fast pin
 * backs off instead of pinning a page fork is about to share.
 */
int copy_page_range(struct vm_area_struct *dst_vma,
		    struct vm_area_struct *src_vma)
{
	struct copy_ctx c = { dst_vma, src_vma, 0, false };
	struct mm_struct *src_mm = src_vma->vm_mm;
	bool cow = is_cow_mapping(src_vma->vm_flags);
	struct mmu_notifier_range range;

	/* The kernel's copy_page_range() hands hugetlb over before its seqcount. */
	if (is_vm_hugetlb_page(src_vma))
		return copy_hugetlb_page_range(dst_vma, src_vma);
	mmu_notifier_range_init(&range, MMU_NOTIFY_PROTECTION_PAGE, src_mm,
				src_vma->vm_start, src_vma->vm_end);
	if (cow) {
		mmu_notifier_invalidate_range_start(&range);
		WRITE_ONCE(src_mm->write_protect_seq, src_mm->write_protect_seq + 1);
	}
	/* copy_pmd_range(): leaves first; the PTE walk skips what they map. */
	c.err = copy_huge_pmd_range(dst_vma, src_vma);
	if (!c.err)
		walk_pte_range(src_mm, src_vma->vm_start, src_vma->vm_end,
			       copy_one, &c);
	if (cow) {
		WRITE_ONCE(src_mm->write_protect_seq, src_mm->write_protect_seq + 1);
		mmu_notifier_invalidate_range_end(&range);
	}
	return c.err;
}
