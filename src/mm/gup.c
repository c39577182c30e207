// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "mem/phys.h"
#include "mm/arch.h"
#include "mm/gup.h"
#include "mm/huge_memory.h"
#include "mm/hugetlb.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "sched/irq.h"
#include "sched/knob.h"

void (*gup_fast_speculative_hook)(struct folio *folio, unsigned int flags,
				  int delta);

static inline void gup_fast_speculative(struct folio *folio, unsigned int flags,
					int delta)
{
	if (gup_fast_speculative_hook)
		gup_fast_speculative_hook(folio, flags, delta);
}

DEFINE_KNOB(gup_fast_recheck, "gup.fast_recheck",
	    "GUP-fast re-reads the PTE after grabbing the folio and backs off "
	    "if it changed (on: the generic walker of mm/gup.c, x86's too since "
	    "e585513b76f7 switched it over for v4.13). off: x86's own walker "
	    "(\"x86: lockless get_user_pages_fast\", 2008, to v4.12) took the "
	    "page on the first read alone, right only because pages and page "
	    "tables were freed after a flush IPI that its disabled interrupts "
	    "held up (tlb.flush = ipi). With a flush that does not wait "
	    "(tlb.flush = broadcast) the folio may be freed and reused "
	    "meanwhile and is pinned for the wrong owner: no kernel shipped that",
	    "on", "off");

/* gup_must_unshare(): a read-only pin needs an exclusive anonymous page. */
static bool gup_must_unshare(struct vm_area_struct *vma, unsigned int flags,
			     struct page *page)
{
	if ((flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN)
		return false;
	if (!folio_test_anon(page_folio(page))) {
		if (!(flags & FOLL_LONGTERM))
			return false;
		if (!vma)
			return true;
		return is_cow_mapping(vma->vm_flags);
	}
	return !PageAnonExclusive(page);
}

/*
 * can_follow_write_common(): a forced write (FOLL_FORCE) to a page its
 * PTE or PMD does not allow writing reaches only an exclusive anonymous
 * page of a private mapping that may be written but is not now: one that
 * the COW break (FAULT_FLAG_UNSHARE/WRITE) made for it. The soft-dirty
 * and uffd-wp conditions are not modelled.
 */
static bool can_follow_write_common(struct page *page,
				    struct vm_area_struct *vma,
				    unsigned int flags)
{
	if (!(flags & FOLL_FORCE))
		return false;
	if (vma->vm_flags & (VM_SHARED | VM_MAYSHARE))
		return false;
	if (!(vma->vm_flags & VM_MAYWRITE) || (vma->vm_flags & VM_WRITE))
		return false;
	return page && folio_test_anon(page_folio(page)) && PageAnonExclusive(page);
}

/* can_follow_write_pte() */
static bool can_follow_write_pte(pte_t pte, struct page *page,
				 struct vm_area_struct *vma, unsigned int flags)
{
	return pte_write(pte) || can_follow_write_common(page, vma, flags);
}

/* is_zero_folio(): the small zero page or the huge one. */
static bool is_zero_folio(struct folio *folio)
{
	return is_zero_pfn(folio_pfn(folio)) || is_huge_zero_pfn(folio_pfn(folio));
}

/* @addr's PMD when it is a present leaf (a THP in a non-hugetlb VMA). */
static pmd_t *pmd_leaf_at(struct mm_struct *mm, unsigned long addr)
{
	unsigned long sz;
	pmd_t *pmdp = (pmd_t *)pgtable_leaf_offset(mm, addr, &sz);

	if (pmdp && sz == PMD_SIZE &&
	    pmd_leaf(__pmd(__atomic_load_n(&pmdp->pmd, __ATOMIC_ACQUIRE))))
		return pmdp;
	return NULL;
}

/* can_follow_write_pmd(): the huge zero page is not anonymous. */
static bool can_follow_write_pmd(pmd_t pmd, struct page *head,
				 struct vm_area_struct *vma, unsigned int flags)
{
	return pmd_write(pmd) || can_follow_write_common(head, vma, flags);
}

/*
 * large_folio_pin_setexc() of the exclusive-pin RFC: no pin yet, then the
 * pin and the bias at once. (The RFC's cmpxchg stores the bare pin count,
 * losing the bias, on a large folio; modelled as meant.)
 */
static bool large_folio_pin_setexc(struct folio *folio)
{
	int old;

	do {
		old = atomic_read(&folio->_pincount);
		if (old > 0)
			return false;
	} while (atomic_cmpxchg(&folio->_pincount, old,
				1 + (int)GUP_PIN_EXCLUSIVE_BIAS) != old);
	return true;
}

/* page_ref_setexc(): no pin yet (refcount under the bias), then both. */
static bool folio_ref_setexc(struct folio *folio, int refs)
{
	int old;

	do {
		old = atomic_read(&folio->_refcount);
		if ((unsigned int)old >= GUP_PIN_COUNTING_BIAS)
			return false;
	} while (atomic_cmpxchg(&folio->_refcount, old,
				old + refs + (int)GUP_PIN_EXCLUSIVE_BIAS) != old);
	return true;
}

/*
 * try_grab_page_excl(): the exclusive pin, only where no pin of any kind
 * is; the caller holds the PTL, so the folio has a reference already.
 */
static int try_grab_folio_excl(struct folio *folio)
{
	if (folio_test_large(folio)) {
		folio_ref_add(folio, 1);
		if (large_folio_pin_setexc(folio))
			return 0;
		folio_put(folio);
		return -EBUSY;
	}
	return folio_ref_setexc(folio, (int)GUP_PIN_COUNTING_BIAS) ? 0 : -EBUSY;
}

int folio_try_exclusive_pin(struct folio *folio)
{
	if (!folio_test_large(folio))
		return folio_ref_setexc(folio, (int)GUP_PIN_COUNTING_BIAS) ? 0 : -EBUSY;
	if (!large_folio_pin_setexc(folio))
		return -EBUSY;
	folio_ref_add(folio, 1);
	return 0;
}

void folio_exclusive_unpin(struct folio *folio)
{
	gup_put_folio(folio, 1, FOLL_PIN | FOLL_EXCLUSIVE);
}

bool (*gup_longterm_refused)(struct vm_area_struct *vma);

/* try_grab_folio() for the slow path, with the zero page never pinned. */
static int grab(struct folio *folio, unsigned int flags)
{
	if ((flags & FOLL_PIN) && is_zero_folio(folio))
		return 0;
	if (flags & FOLL_EXCLUSIVE)
		return try_grab_folio_excl(folio);
	return try_grab_folio(folio, 1, flags);
}

static void ungrab(struct folio *folio, unsigned int flags)
{
	if ((flags & FOLL_PIN) && is_zero_folio(folio))
		return;
	gup_put_folio(folio, 1, flags);
}

static struct page *follow_huge_pmd(struct vm_area_struct *vma,
				    unsigned long address, pmd_t *pmdp,
				    unsigned int flags, long *err);

/*
 * hugetlb_follow_page_mask(): the leaf under its lock; a write needs a
 * writable leaf, a read-only pin an exclusive anonymous folio. A large
 * folio's pin is one reference and one _pincount.
 */
static struct page *hugetlb_follow_page(struct vm_area_struct *vma,
					unsigned long address,
					unsigned int flags, long *err)
{
	unsigned long sz = huge_page_size(hstate_vma(vma));
	pte_t *ptep = huge_pte_offset(vma->vm_mm, address, sz);
	struct page *page = NULL;
	spinlock_t *ptl;
	pte_t pte;

	*err = 0;
	if (!ptep)
		return NULL;
	ptl = huge_pte_lockptr(vma->vm_mm, address, sz);
	spin_lock(ptl);
	pte = huge_ptep_get(ptep);
	if (!pte_present(pte) || ((flags & FOLL_WRITE) && !pte_write(pte)))
		goto out;
	page = huge_leaf_page(pte, address, sz);
	if (!pte_write(pte) && gup_must_unshare(vma, flags, page)) {
		*err = -EMLINK;
		page = NULL;
		goto out;
	}
	*err = grab(page_folio(page), flags);
	if (*err)
		page = NULL;
out:
	spin_unlock(ptl);
	return page;
}

/*
 * follow_page_pte(): under the PTL. Returns the page, NULL when a fault
 * is needed, or an ERR value: -EMLINK (unshare first), -EFAULT, -EEXIST.
 */
static struct page *follow_page_pte(struct vm_area_struct *vma,
				    unsigned long address, unsigned int flags,
				    long *err)
{
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map(vma->vm_mm, address, &ptl);
	struct page *page = NULL;
	struct folio *folio;
	pte_t pte;

	*err = 0;
	/* hugetlb_follow_page_mask() first: a PMD leaf below is a THP. */
	if (is_vm_hugetlb_page(vma))
		return hugetlb_follow_page(vma, address, flags, err);
	if (!ptep) {
		pmd_t *pmdp = pmd_leaf_at(vma->vm_mm, address);

		return pmdp ? follow_huge_pmd(vma, address, pmdp, flags, err) : NULL;
	}
	spin_lock(ptl);
	pte = ptep_get(ptep);
	if (!pte_present(pte))
		goto out;
	page = vm_normal_page(vma, address, pte);
	if ((flags & FOLL_WRITE) && !can_follow_write_pte(pte, page, vma, flags)) {
		page = NULL;
		goto out;
	}
	if (!page && is_zero_pfn(pte_pfn(pte)))
		page = pfn_to_page(zero_pfn);
	if (!page) {
		*err = -EEXIST;
		goto out;
	}
	folio = page_folio(page);
	if (!pte_write(pte) && gup_must_unshare(vma, flags, page)) {
		*err = -EMLINK;
		page = NULL;
		goto out;
	}
	*err = grab(folio, flags);
	if (!*err && (flags & FOLL_PIN)) {
		*err = arch_make_folio_accessible(folio);
		if (*err)
			ungrab(folio, flags);
	}
	if (*err)
		page = NULL;
out:
	spin_unlock(ptl);
	return page;
}

/*
 * follow_huge_pmd(): under the PMD lock. The unshare test looks at the
 * head page, which alone carries PageAnonExclusive while PMD-mapped; the
 * page returned is the subpage at @address.
 */
static struct page *follow_huge_pmd(struct vm_area_struct *vma,
				    unsigned long address, pmd_t *pmdp,
				    unsigned int flags, long *err)
{
	spinlock_t *ptl = pmd_lockptr(vma->vm_mm, pmdp);
	struct page *head, *page = NULL;
	struct folio *folio;
	pmd_t pmd;

	spin_lock(ptl);
	pmd = pmdp_get(pmdp);
	if (!pmd_leaf(pmd))
		goto out;	/* split meanwhile: fault, then follow the PTE */
	head = pmd_page(pmd);
	if ((flags & FOLL_WRITE) && !can_follow_write_pmd(pmd, head, vma, flags))
		goto out;
	if (!pmd_write(pmd) && gup_must_unshare(vma, flags, head)) {
		*err = -EMLINK;
		goto out;
	}
	folio = page_folio(head);
	*err = grab(folio, flags);
	if (!*err && (flags & FOLL_PIN)) {
		*err = arch_make_folio_accessible(folio);
		if (*err)
			ungrab(folio, flags);
	}
	if (!*err)
		page = head + ((address & ~HPAGE_PMD_MASK) >> PAGE_SHIFT);
out:
	spin_unlock(ptl);
	return page;
}

/*
 * writable_file_mapping_allowed(): a longterm pin must not write a file
 * page behind the back of dirty tracking (the filesystem would write back
 * and clean it while the device still writes).
 */
static bool writable_file_mapping_allowed(struct vm_area_struct *vma,
					  unsigned int flags)
{
	if ((flags & (FOLL_PIN | FOLL_LONGTERM)) != (FOLL_PIN | FOLL_LONGTERM))
		return true;
	/* vma_needs_dirty_tracking(): shared, writable, ->page_mkwrite. */
	return !((vma->vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE) &&
		 vma->vm_ops && vma->vm_ops->page_mkwrite);
}

/* check_vma_flags(): what GUP refuses outright. */
static int check_vma_flags(struct vm_area_struct *vma, unsigned int flags)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		return -EFAULT;
	if ((flags & FOLL_LONGTERM) && gup_longterm_refused &&
	    gup_longterm_refused(vma))
		return -EFAULT;
	if (flags & FOLL_WRITE) {
		if (!vma_is_anonymous(vma) &&
		    !writable_file_mapping_allowed(vma, flags))
			return -EFAULT;
		if (!(vma->vm_flags & VM_WRITE) &&
		    (!(flags & FOLL_FORCE) || !is_cow_mapping(vma->vm_flags)))
			return -EFAULT;
	} else if (!(vma->vm_flags & VM_READ)) {
		if (!(flags & FOLL_FORCE) || !(vma->vm_flags & VM_MAYREAD))
			return -EFAULT;
	}
	return 0;
}

static long fault_error(vm_fault_t ret)
{
	if (ret & VM_FAULT_OOM)
		return -ENOMEM;
	return -EFAULT;
}

/* faultin_page(): write fault for FOLL_WRITE, unshare fault for -EMLINK. */
static long faultin_page(struct vm_area_struct *vma, unsigned long address,
			 unsigned int flags, bool unshare)
{
	unsigned int fault_flags = FAULT_FLAG_REMOTE;
	vm_fault_t ret;

	if (flags & FOLL_WRITE)
		fault_flags |= FAULT_FLAG_WRITE;
	if (unshare)
		fault_flags |= FAULT_FLAG_UNSHARE;
	ret = handle_mm_fault(vma, address, fault_flags);
	return (ret & VM_FAULT_ERROR) ? fault_error(ret) : 0;
}

#define GUP_MAX_RETRIES 64

/* __get_user_pages(): mmap_lock held for reading. */
static long __get_user_pages(struct mm_struct *mm, unsigned long start,
			     unsigned long nr_pages, unsigned int flags,
			     struct page **pages)
{
	unsigned long i;
	long err = 0;

	if (flags & FOLL_PIN)
		set_bit(MMF_HAS_PINNED, &mm->flags);
	for (i = 0; i < nr_pages; i++) {
		unsigned long addr = start + i * PAGE_SIZE;
		struct vm_area_struct *vma = find_vma(mm, addr);
		struct page *page = NULL;
		int tries;

		if (!vma || addr < vma->vm_start) {
			err = -EFAULT;
			break;
		}
		err = check_vma_flags(vma, flags);
		for (tries = 0; !err && tries < GUP_MAX_RETRIES; tries++) {
			page = follow_page_pte(vma, addr, flags, &err);
			if (page || (err && err != -EMLINK))
				break;
			err = faultin_page(vma, addr, flags, err == -EMLINK);
		}
		if (!err && !page) {
			pmm_violation("bug-on", "GUP at %#lx made no progress after %d faults",
				      addr, GUP_MAX_RETRIES);
			err = -EFAULT;
		}
		if (err)
			break;
		pages[i] = page;
	}
	return i ? (long)i : err;
}

long get_user_pages(struct mm_struct *mm, unsigned long start,
		    unsigned long nr_pages, unsigned int gup_flags,
		    struct page **pages)
{
	if (gup_flags & (FOLL_PIN | FOLL_EXCLUSIVE))
		return -EINVAL;
	return __get_user_pages(mm, start, nr_pages, gup_flags | FOLL_GET, pages);
}

/*
 * is_valid_gup_args() of the exclusive-pin RFC: FOLL_EXCLUSIVE only with
 * FOLL_PIN and FOLL_LONGTERM.
 */
static bool valid_exclusive(unsigned int gup_flags)
{
	return !(gup_flags & FOLL_EXCLUSIVE) || (gup_flags & FOLL_LONGTERM);
}

long pin_user_pages(struct mm_struct *mm, unsigned long start,
		    unsigned long nr_pages, unsigned int gup_flags,
		    struct page **pages)
{
	if ((gup_flags & FOLL_GET) || !valid_exclusive(gup_flags))
		return -EINVAL;
	return __get_user_pages(mm, start, nr_pages, gup_flags | FOLL_PIN, pages);
}

/*
 * gup_fast_folio_allowed(): GUP-fast cannot see the VMA, so a longterm
 * write pin of a file folio goes to the slow path, which can refuse it;
 * shmem (shmem_mapping(): here a swap-backed folio that is not
 * anonymous) is the one file system allowed.
 */
static bool gup_fast_folio_allowed(struct folio *folio, unsigned int flags)
{
	unsigned int reject = FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE;

	/* shmem and hugetlb mappings do not need dirty tracking. */
	return (flags & reject) != reject || folio_test_anon(folio) ||
	       folio_test_swapbacked(folio) || folio_test_hugetlb(folio);
}

/*
 * The PTE table GUP-fast read from was freed under it: the IRQ-off (or
 * RCU) protocol between GUP-fast and free_pgtables() failed. Checked in
 * the step of the read. Simplified: a table freed and at once reused as
 * a page table again goes unseen.
 */
static bool gup_fast_table_freed(unsigned long table_pfn, unsigned long addr)
{
	struct page *table = pfn_to_page(table_pfn);

	sched_audit(&table->flags, false, "a page-table page's flags");
	if (!pfn_is_free(page_to_pfn(table)) &&
	    (table->flags & (1UL << PG_table)))
		return false;
	pmm_violation("use-after-free", "GUP-fast read the PTE for %#lx in page-table "
		      "frame %#lx after it was freed", addr, page_to_pfn(table));
	return true;
}

static pte_t gup_fast_ptep_get(pte_t *ptep, unsigned long table,
			       unsigned long addr, bool *freed)
{
	pte_t pte;

	/* The read's step also checks the table is one (pgtable_free()). */
	sched_also(&pfn_to_page(table)->flags, PMM_ACC_READ);
	pte = ptep_get(ptep);
	*freed = gup_fast_table_freed(table, addr);
	return pte;
}

/*
 * try_grab_folio_fast() with the oracles told that what it takes is
 * speculative until the caller's recheck (check/gmem_conv.h): from before
 * the first reference, so that no part of the grab goes unexplained.
 */
static struct folio *gup_fast_grab(struct page *page, unsigned int flags)
{
	struct folio *folio = page_folio(page), *got;

	gup_fast_speculative(folio, flags, 1);
	got = try_grab_folio_fast(page, 1, flags);
	if (got != folio)
		gup_fast_speculative(folio, flags, -1);
	if (got && got != folio)
		gup_fast_speculative(got, flags, 1);
	return got;
}

/*
 * gup_fast_pmd_leaf()/gup_fast_pud_leaf() for one page of a huge leaf, a
 * THP's PMD or a hugetlb PMD or PUD: grab the folio through the subpage
 * (a pin: one reference and one _pincount), then re-read the leaf: split,
 * zapped or changed meanwhile, the folio may be split or freed, and the
 * reference must go. The huge zero page (pmd_special) is left to the
 * slow path.
 */
static struct page *gup_fast_leaf(pte_t *ptep, unsigned long table, pte_t pte,
				  unsigned long addr, unsigned long sz,
				  unsigned int flags)
{
	struct folio *folio;
	struct page *page;
	bool freed;

	if (!pte_hw_present(pte) || !(pte_val(pte) & _PAGE_USER) ||
	    pte_special(pte) || ((flags & FOLL_WRITE) && !pte_write(pte)))
		return NULL;
	page = huge_leaf_page(pte, addr, sz);
	folio = gup_fast_grab(page, flags);
	if (!folio)
		return NULL;
	if (!pte_same(pte, gup_fast_ptep_get(ptep, table, addr, &freed)) || freed ||
	    !gup_fast_folio_allowed(folio, flags) ||
	    (!pte_write(pte) && gup_must_unshare(NULL, flags, page)) ||
	    ((flags & FOLL_PIN) && arch_make_folio_accessible(folio))) {
		/* The window closes once the reference is gone, not before. */
		gup_put_folio(folio, 1, flags);
		gup_fast_speculative(folio, flags, -1);
		return NULL;
	}
	gup_fast_speculative(folio, flags, -1);
	return page;
}

/*
 * gup_fast_pte_range() for one page: read the PTE without a lock, grab the
 * folio, then re-read the PTE: if it changed, the folio may already have
 * been unmapped and freed, and the reference must go.
 */
static struct page *gup_fast_one(struct mm_struct *mm, unsigned long addr,
				 unsigned int flags)
{
	unsigned long sz, table;
	pte_t *ptep = pgtable_leaf_offset_map(mm, addr, &sz, &table);
	struct folio *folio;
	struct page *page;
	bool freed;
	pte_t pte;

	if (!ptep)
		return NULL;
	pte = gup_fast_ptep_get(ptep, table, addr, &freed);
	if (freed)
		return NULL;
	/* gup_fast_pmd_leaf()/gup_fast_pud_leaf(): the page within the leaf. */
	if (sz != PAGE_SIZE)
		return gup_fast_leaf(ptep, table, pte, addr, sz, flags);
	/* pte_protnone() and pte_access_permitted(): PROT_NONE is not mapped. */
	if (!pte_hw_present(pte) || !(pte_val(pte) & _PAGE_USER) ||
	    pte_special(pte) || ((flags & FOLL_WRITE) && !pte_write(pte)))
		return NULL;
	page = pte_page(pte);
	if ((flags & FOLL_PIN) && is_zero_pfn(pte_pfn(pte)))
		return page;
	folio = gup_fast_grab(page, flags);
	if (!folio)
		return NULL;
	if ((knob(&gup_fast_recheck) == 0 &&
	     (!pte_same(pte, gup_fast_ptep_get(ptep, table, addr, &freed)) || freed)) ||
	    !gup_fast_folio_allowed(folio, flags) ||
	    (!pte_write(pte) && gup_must_unshare(NULL, flags, page)) ||
	    ((flags & FOLL_PIN) && arch_make_folio_accessible(folio))) {
		/* The window closes once the reference is gone, not before. */
		gup_put_folio(folio, 1, flags);
		gup_fast_speculative(folio, flags, -1);
		return NULL;
	}
	gup_fast_speculative(folio, flags, -1);
	return page;
}

/*
 * gup_fast_unpin_user_pages(): the back-off after a racing fork. Such a
 * fork may have made a pinned anonymous page shared (it is why GUP-fast
 * backs off), so unpin_user_page()'s exclusivity check does not apply.
 */
static void gup_fast_unpin_user_pages(struct page **pages, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		ungrab(page_folio(pages[i]), FOLL_PIN);
}

/*
 * gup_fast(): for pins, back off while fork is write-protecting this mm,
 * and give everything back if a fork ran meanwhile. The walk runs with
 * interrupts off: that holds off the page-table freeing of munmap, by
 * the flush IPI it waits for or by the RCU grace period (free_pgtables()).
 */
long gup_fast(struct mm_struct *mm, unsigned long start,
	      unsigned long nr_pages, unsigned int gup_flags,
	      struct page **pages)
{
	unsigned int seq = 0;
	unsigned long i;

	/* Simplified: an exclusive pin is the slow path's alone. */
	if (gup_flags & FOLL_EXCLUSIVE)
		return 0;
	if (gup_flags & FOLL_PIN) {
		seq = READ_ONCE(mm->write_protect_seq);
		if (seq & 1)
			return 0;
	}
	local_irq_save();
	for (i = 0; i < nr_pages; i++) {
		pages[i] = gup_fast_one(mm, start + i * PAGE_SIZE, gup_flags);
		if (!pages[i])
			break;
	}
	local_irq_restore();
	if ((gup_flags & FOLL_PIN) && READ_ONCE(mm->write_protect_seq) != seq) {
		gup_fast_unpin_user_pages(pages, i);
		return 0;
	}
	return (long)i;
}

/* gup_fast_fallback(): the lockless walk, then the rest under mmap_lock. */
static long gup_fast_fallback(struct mm_struct *mm, unsigned long start,
			      unsigned long nr_pages, unsigned int flags,
			      struct page **pages)
{
	long nr, ret;

	if (flags & FOLL_PIN)
		set_bit(MMF_HAS_PINNED, &mm->flags);
	nr = gup_fast(mm, start, nr_pages, flags, pages);
	if ((unsigned long)nr == nr_pages || (flags & FOLL_FAST_ONLY))
		return nr;
	mmap_read_lock(mm);
	ret = __get_user_pages(mm, start + (unsigned long)nr * PAGE_SIZE,
			       nr_pages - (unsigned long)nr, flags, pages + nr);
	mmap_read_unlock(mm);
	if (ret < 0)
		return nr ? nr : ret;
	return nr + ret;
}

long get_user_pages_fast(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages)
{
	if (gup_flags & FOLL_PIN)
		return -EINVAL;
	return gup_fast_fallback(mm, start, nr_pages, gup_flags | FOLL_GET, pages);
}

long pin_user_pages_fast(struct mm_struct *mm, unsigned long start,
			 unsigned long nr_pages, unsigned int gup_flags,
			 struct page **pages)
{
	if ((gup_flags & FOLL_GET) || !valid_exclusive(gup_flags))
		return -EINVAL;
	return gup_fast_fallback(mm, start, nr_pages, gup_flags | FOLL_PIN, pages);
}

/* unpin_user_page(): DEBUG_VM wants pinned anonymous pages exclusive. */
void unpin_user_page(struct page *page)
{
	struct folio *folio = page_folio(page);

	/* sanity_check_pinned_pages(): of a THP, the head or the page. */
	if (folio_test_anon(folio) && !PageAnonExclusive(page) &&
	    (!folio_test_large(folio) || !PageAnonExclusive((struct page *)folio)))
		pmm_violation("bug-on", "unpinning frame %#lx that is not "
			      "PageAnonExclusive", page_to_pfn(page));
	ungrab(folio, FOLL_PIN);
}

void unpin_user_pages(struct page **pages, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (pages[i])
			unpin_user_page(pages[i]);
}

/* unpin_user_pages_dirty_lock(): DMA wrote them: dirty, under the lock. */
void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages,
				 bool make_dirty)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		struct folio *folio = page_folio(pages[i]);

		if (make_dirty && !is_zero_folio(folio) &&
		    !folio_test_dirty(folio)) {
			folio_lock(folio);
			folio_mark_dirty(folio);
			folio_unlock(folio);
		}
		unpin_user_page(pages[i]);
	}
}

/* unpin_exc_pages() of the exclusive-pin RFC. */
void unpin_exc_pages(struct page **pages, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (pages[i] && !is_zero_folio(page_folio(pages[i])))
			gup_put_folio(page_folio(pages[i]), 1,
				      FOLL_PIN | FOLL_EXCLUSIVE);
}

void put_user_page_ref(struct page *page)
{
	gup_put_folio(page_folio(page), 1, FOLL_GET);
}
