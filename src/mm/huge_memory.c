// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "mem/phys.h"
#include "mm/huge_memory.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/mmu_notifier.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "mm/tlb.h"
#include "sched/knob.h"

DEFINE_KNOB(thp_enabled, "thp.enabled",
	    "/sys/kernel/mm/transparent_hugepage/enabled: always gives 2 MiB "
	    "folios to every anonymous private mapping that covers an aligned "
	    "2 MiB (the Kconfig default, TRANSPARENT_HUGEPAGE_ALWAYS); madvise "
	    "only to VMAs with MADV_HUGEPAGE; never to none",
	    "always", "madvise", "never");
DEFINE_KNOB(thp_zero_page, "thp.use_zero_page",
	    "/sys/kernel/mm/transparent_hugepage/use_zero_page: a read fault "
	    "on a THP-eligible range maps the huge zero page (on, the "
	    "default), or falls back to the small zero page (off)",
	    "on", "off");

static struct folio *huge_zero_folio;

void thp_machine_reset(void)
{
	huge_zero_folio = NULL;
}

void thp_machine_finish(void)
{
	if (huge_zero_folio)
		folio_put(huge_zero_folio);
	huge_zero_folio = NULL;
}

/* Set once per machine, before any PMD can map it: no yield point. */
bool is_huge_zero_pfn(unsigned long pfn)
{
	struct folio *zero = __atomic_load_n(&huge_zero_folio, __ATOMIC_ACQUIRE);

	return zero && pfn >= folio_pfn(zero) &&
	       pfn < folio_pfn(zero) + HPAGE_PMD_NR;
}

/*
 * get_huge_zero_folio(): allocated on first use, kept for the machine's
 * life (the kernel's shrinker frees it when unused: not modelled).
 */
static struct folio *get_huge_zero_folio(void)
{
	struct folio *zero = __atomic_load_n(&huge_zero_folio, __ATOMIC_ACQUIRE);
	struct folio *old = NULL;

	if (zero)
		return zero;
	zero = folio_alloc(__GFP_ZERO, HPAGE_PMD_ORDER);
	if (!zero)
		return NULL;
	__folio_set_reserved(zero);
	if (!__atomic_compare_exchange_n(&huge_zero_folio, &old, zero, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		folio_put(zero);
		return old;
	}
	return zero;
}

/* thp_vma_allowable_order() + thp_vma_suitable_order(), PMD order only. */
bool thp_vma_allowable(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long haddr = addr & HPAGE_PMD_MASK;
	int mode = knob(&thp_enabled);

	if (!vma_is_anonymous(vma) ||
	    (vma->vm_flags & (VM_SHARED | VM_NOHUGEPAGE | VM_PFNMAP |
			      VM_MIXEDMAP | VM_IO | VM_ARCH_1 | VM_ARCH_2)))
		return false;
	if (mode == 2 || (mode == 1 && !(vma->vm_flags & VM_HUGEPAGE)))
		return false;
	return haddr >= vma->vm_start && haddr + HPAGE_PMD_SIZE <= vma->vm_end;
}

static pmd_t pmd_maybe_mkwrite(pmd_t pmd, struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_WRITE) ? pmd_mkwrite(pmd) : pmd;
}

/* set_huge_zero_folio() path of do_huge_pmd_anonymous_page(). */
static vm_fault_t do_huge_zero_page(struct vm_fault *vmf, pmd_t *pmdp,
				    unsigned long haddr, unsigned long pte_pfn)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct folio *zero = get_huge_zero_folio();
	spinlock_t *ptl = pmd_lockptr(mm, pmdp);
	bool set = false;

	if (!zero) {
		pgtable_free(mm, pte_pfn);
		return VM_FAULT_FALLBACK;
	}
	spin_lock(ptl);
	if (pmd_none(pmdp_get(pmdp))) {
		pgtable_trans_huge_deposit(mm, haddr, pte_pfn);
		set_pmd_at(mm, haddr, pmdp,
			   pmd_mkspecial(pmd_wrprotect(pfn_pmd_leaf(
				   folio_pfn(zero), vma->vm_page_prot))));
		set = true;
	}
	spin_unlock(ptl);
	if (!set)
		pgtable_free(mm, pte_pfn);
	return 0;
}

/*
 * do_huge_pmd_anonymous_page(): the huge zero page for a read (when
 * allowed), else a zeroed 2 MiB folio; VM_FAULT_FALLBACK when none can be
 * had. The PTE table a later split needs is allocated and deposited now.
 */
static vm_fault_t do_huge_pmd_anonymous_page(struct vm_fault *vmf, pmd_t *pmdp)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = vmf->address & HPAGE_PMD_MASK, pte_pfn;
	spinlock_t *ptl = pmd_lockptr(mm, pmdp);
	struct folio *folio;
	pmd_t entry;

	if (pgtable_alloc(mm, &pte_pfn))
		return VM_FAULT_OOM;
	if (!(vmf->flags & FAULT_FLAG_WRITE) && knob(&thp_zero_page) == 0)
		return do_huge_zero_page(vmf, pmdp, haddr, pte_pfn);
	folio = folio_alloc(__GFP_ZERO, HPAGE_PMD_ORDER);
	if (!folio) {
		pgtable_free(mm, pte_pfn);
		return VM_FAULT_FALLBACK;
	}
	__folio_set_uptodate(folio);
	entry = pfn_pmd_leaf(folio_pfn(folio), vma->vm_page_prot);
	entry = pmd_maybe_mkwrite(pmd_mkdirty(pmd_mkyoung(entry)), vma);
	spin_lock(ptl);
	if (!pmd_none(pmdp_get(pmdp))) {
		spin_unlock(ptl);
		folio_put(folio);
		pgtable_free(mm, pte_pfn);
		return 0;
	}
	folio_add_new_anon_rmap_pmd(folio, vma, haddr);
	pgtable_trans_huge_deposit(mm, haddr, pte_pfn);
	set_pmd_at(mm, haddr, pmdp, entry);
	spin_unlock(ptl);
	return 0;
}

/* huge_pmd_set_accessed(): young (and dirty for a write), if unchanged. */
static vm_fault_t huge_pmd_set_accessed(struct vm_fault *vmf, pmd_t *pmdp,
					pmd_t orig)
{
	spinlock_t *ptl = pmd_lockptr(vmf->vma->vm_mm, pmdp);
	pmd_t entry = pmd_mkyoung(orig);

	if (vmf->flags & FAULT_FLAG_WRITE)
		entry = pmd_mkdirty(entry);
	spin_lock(ptl);
	if (pmd_same(pmdp_get(pmdp), orig))
		pmdp_set_access_flags(vmf->vma, vmf->address, pmdp, entry);
	spin_unlock(ptl);
	return 0;
}

/*
 * do_huge_pmd_wp_page(): a write (or unshare) to a read-only PMD leaf.
 * The folio is reused when its head is PageAnonExclusive, or when the PMD
 * holds its only reference; otherwise (and always for the huge zero page)
 * the PMD is split and the fault falls back to the PTE, which copies one
 * small page.
 */
static vm_fault_t do_huge_pmd_wp_page(struct vm_fault *vmf, pmd_t *pmdp,
				      pmd_t orig)
{
	struct vm_area_struct *vma = vmf->vma;
	spinlock_t *ptl = pmd_lockptr(vma->vm_mm, pmdp);
	bool unshare = vmf->flags & FAULT_FLAG_UNSHARE;
	struct folio *folio;
	struct page *head;
	pmd_t entry;

	if (is_huge_zero_pmd(orig))
		goto fallback;
	spin_lock(ptl);
	if (!pmd_same(pmdp_get(pmdp), orig)) {
		spin_unlock(ptl);
		return 0;
	}
	head = pmd_page(orig);
	folio = page_folio(head);
	if (!folio_trylock(folio)) {
		folio_get(folio);
		spin_unlock(ptl);
		folio_lock(folio);
		spin_lock(ptl);
		if (!pmd_same(pmdp_get(pmdp), orig)) {
			spin_unlock(ptl);
			folio_unlock(folio);
			folio_put(folio);
			return 0;
		}
		folio_put(folio);
	}
	if (PageAnonExclusive(head)) {
		folio_unlock(folio);
		goto reuse;
	}
	if (folio_ref_count(folio) > 1 + (int)(folio_test_swapcache(folio) *
					       folio_nr_pages(folio))) {
		folio_unlock(folio);
		spin_unlock(ptl);
		goto fallback;
	}
	if (folio_ref_count(folio) == 1)
		SetPageAnonExclusive(head);
	folio_unlock(folio);
	if (!PageAnonExclusive(head)) {
		spin_unlock(ptl);
		goto fallback;
	}
reuse:
	if (unshare) {
		spin_unlock(ptl);
		return 0;
	}
	entry = pmd_maybe_mkwrite(pmd_mkdirty(pmd_mkyoung(orig)), vma);
	pmdp_set_access_flags(vma, vmf->address, pmdp, entry);
	spin_unlock(ptl);
	return 0;
fallback:
	__split_huge_pmd(vma, pmdp, vmf->address);
	return VM_FAULT_FALLBACK;
}

/* A raw look at a PMD, as a lockless walker's upper-level read. */
static pmd_t pmd_peek(pmd_t *pmdp)
{
	return __pmd(__atomic_load_n(&pmdp->pmd, __ATOMIC_ACQUIRE));
}

vm_fault_t huge_pmd_fault(struct vm_fault *vmf, pmd_t *pmdp)
{
	unsigned int wp = FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE;
	pmd_t orig = pmd_peek(pmdp);

	if (pmd_none(orig)) {
		if (!thp_vma_allowable(vmf->vma, vmf->address))
			return VM_FAULT_FALLBACK;
		return do_huge_pmd_anonymous_page(vmf, pmdp);
	}
	if (!pmd_leaf(orig))
		return VM_FAULT_FALLBACK;
	orig = pmdp_get(pmdp);
	if (!pmd_leaf(orig))
		return 0;
	if ((vmf->flags & wp) && !pmd_write(orig))
		return do_huge_pmd_wp_page(vmf, pmdp, orig);
	return huge_pmd_set_accessed(vmf, pmdp, orig);
}

/*
 * __split_huge_pmd_locked(): the leaf is cleared and flushed (the kernel
 * invalidates it in place; a lockless walker here sees it none and takes
 * the slow path), the deposited table gets the 512 PTEs, and the table
 * replaces the leaf. A folio's PMD mapping becomes 512 PTE mappings, each
 * with its reference, exclusive as the head was. The huge zero page
 * becomes 512 PTEs of the small zero page.
 */
static void __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmdp,
				    unsigned long haddr)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t old = pmdp_huge_clear_flush(vma, haddr, pmdp);
	unsigned long pte_pfn = pgtable_trans_huge_withdraw(mm, haddr), i;
	struct folio *folio = NULL;
	bool excl = false;

	if (!is_huge_zero_pmd(old)) {
		folio = page_folio(pmd_page(old));
		excl = PageAnonExclusive((struct page *)folio);
		folio_ref_add(folio, HPAGE_PMD_NR - 1);
		atomic_add(HPAGE_PMD_NR - 1, &folio->_large_mapcount);
		atomic_add(-1, &folio->_entire_mapcount);
	}
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		unsigned long addr = haddr + i * PAGE_SIZE;
		pte_t pte = folio ? pmd_subpage_pte(old, addr) :
			    pte_mkspecial(pte_wrprotect(pfn_pte(zero_pfn,
						pte_pgprot(pmd_subpage_pte(old, addr)))));

		if (folio) {
			struct page *page = folio_page(folio, i);

			page->_mapcount.counter++;
			if (excl)
				page->flags |= 1UL << PG_anon_exclusive;
		}
		/* The table is not visible yet: no yield point per entry. */
		__atomic_store_n(&pte_table_entry(pte_pfn, addr)->pte,
				 pte_val(pte), __ATOMIC_RELAXED);
	}
	pmd_populate(mm, pmdp, pte_pfn);
}

void __split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmdp,
		      unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = address & HPAGE_PMD_MASK;
	spinlock_t *ptl = pmd_lockptr(mm, pmdp);
	struct mmu_notifier_range range;

	mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, mm, haddr,
				haddr + HPAGE_PMD_SIZE);
	mmu_notifier_invalidate_range_start(&range);
	spin_lock(ptl);
	if (pmd_leaf(pmdp_get(pmdp)))
		__split_huge_pmd_locked(vma, pmdp, haddr);
	spin_unlock(ptl);
	mmu_notifier_invalidate_range_end(&range);
}

static void split_leaves(struct vm_area_struct *vma, unsigned long start,
			 unsigned long end, bool partial_only)
{
	unsigned long haddr;

	for (haddr = start & HPAGE_PMD_MASK; haddr < end; haddr += HPAGE_PMD_SIZE) {
		pmd_t *pmdp = pmd_offset_map(vma->vm_mm, haddr);

		if (!pmdp || !pmd_leaf(pmd_peek(pmdp)))
			continue;
		if (partial_only && haddr >= start && haddr + HPAGE_PMD_SIZE <= end)
			continue;
		__split_huge_pmd(vma, pmdp, haddr);
	}
}

/* split_huge_pmd() at the edges of a range (vma_adjust_trans_huge()). */
void split_huge_pmd_range(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end)
{
	split_leaves(vma, start, end, true);
}

void split_huge_pmd_all(struct vm_area_struct *vma, unsigned long start,
			unsigned long end)
{
	split_leaves(vma, start, end, false);
}

/*
 * zap_huge_pmd(): the leaf goes with its deposited table; the folio's
 * reference is dropped after the TLB flush.
 */
static void zap_huge_pmd(struct vm_area_struct *vma, pmd_t *pmdp,
			 unsigned long haddr)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *ptl = pmd_lockptr(mm, pmdp);
	struct folio *folio = NULL;
	unsigned long pte_pfn, i;
	pmd_t old;

	spin_lock(ptl);
	if (!pmd_leaf(pmdp_get(pmdp))) {
		spin_unlock(ptl);
		return;
	}
	old = pmdp_huge_get_and_clear(mm, haddr, pmdp);
	pte_pfn = pgtable_trans_huge_withdraw(mm, haddr);
	if (!is_huge_zero_pmd(old)) {
		folio = page_folio(pmd_page(old));
		for (i = 0; i < HPAGE_PMD_NR; i++)
			mm_notify_zapped(mm, haddr + i * PAGE_SIZE,
					 folio_page(folio, i));
		folio_remove_rmap_pmd(folio, vma);
	}
	spin_unlock(ptl);
	flush_tlb_range(vma, haddr, haddr + HPAGE_PMD_SIZE);
	pgtable_free(mm, pte_pfn);
	if (folio)
		folio_put(folio);
}

void zap_huge_pmd_range(struct vm_area_struct *vma, unsigned long start,
			unsigned long end)
{
	unsigned long haddr;

	for (haddr = start & HPAGE_PMD_MASK; haddr < end; haddr += HPAGE_PMD_SIZE) {
		pmd_t *pmdp = pmd_offset_map(vma->vm_mm, haddr);

		if (!pmdp || !pmd_leaf(pmd_peek(pmdp)))
			continue;
		if (haddr >= start && haddr + HPAGE_PMD_SIZE <= end)
			zap_huge_pmd(vma, pmdp, haddr);
		else
			__split_huge_pmd(vma, pmdp, haddr);
	}
}

static void notify_forked_range(struct mm_struct *src, struct mm_struct *dst,
				unsigned long haddr)
{
	unsigned long i;

	for (i = 0; i < HPAGE_PMD_NR; i++) {
		mm_notify_forked_page(src, dst, haddr + i * PAGE_SIZE, false);
		mm_notify_forked_page(src, dst, haddr + i * PAGE_SIZE, true);
	}
}

/*
 * copy_huge_pmd(): the child shares the leaf, both write-protected, with
 * a deposited table of its own; a folio that is exclusive and may be
 * pinned is not shared: the parent's PMD is split and its pages are
 * copied one by one by the PTE copy (-EAGAIN).
 */
static int copy_huge_pmd(struct vm_area_struct *dst_vma,
			 struct vm_area_struct *src_vma, pmd_t *src_pmdp,
			 unsigned long haddr)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	pmd_t *dst_pmdp = pmd_alloc_map(dst_mm, haddr);
	unsigned long pte_pfn;
	struct folio *folio;
	pmd_t pmd;

	if (!dst_pmdp || pgtable_alloc(dst_mm, &pte_pfn))
		return -ENOMEM;
	spin_lock(pmd_lockptr(dst_mm, dst_pmdp));
	spin_lock(pmd_lockptr(src_mm, src_pmdp));
	pmd = pmdp_get(src_pmdp);
	if (!pmd_leaf(pmd))
		goto out_free;
	if (!is_huge_zero_pmd(pmd)) {
		folio = page_folio(pmd_page(pmd));
		folio_get(folio);
		if (folio_try_dup_anon_rmap_pmd(folio, src_vma)) {
			folio_put(folio);
			spin_unlock(pmd_lockptr(src_mm, src_pmdp));
			spin_unlock(pmd_lockptr(dst_mm, dst_pmdp));
			pgtable_free(dst_mm, pte_pfn);
			__split_huge_pmd(src_vma, src_pmdp, haddr);
			return -EAGAIN;
		}
		pmdp_set_wrprotect(src_mm, haddr, src_pmdp);
		pmd = pmd_wrprotect(pmd);
	}
	pgtable_trans_huge_deposit(dst_mm, haddr, pte_pfn);
	set_pmd_at(dst_mm, haddr, dst_pmdp, pmd_mkold(pmd));
	notify_forked_range(src_mm, dst_mm, haddr);
	spin_unlock(pmd_lockptr(src_mm, src_pmdp));
	spin_unlock(pmd_lockptr(dst_mm, dst_pmdp));
	return 0;
out_free:
	spin_unlock(pmd_lockptr(src_mm, src_pmdp));
	spin_unlock(pmd_lockptr(dst_mm, dst_pmdp));
	pgtable_free(dst_mm, pte_pfn);
	return 0;
}

int copy_huge_pmd_range(struct vm_area_struct *dst_vma,
			struct vm_area_struct *src_vma)
{
	unsigned long haddr;
	int err;

	for (haddr = src_vma->vm_start & HPAGE_PMD_MASK; haddr < src_vma->vm_end;
	     haddr += HPAGE_PMD_SIZE) {
		pmd_t *pmdp = pmd_offset_map(src_vma->vm_mm, haddr);

		if (!pmdp || !pmd_leaf(pmd_peek(pmdp)))
			continue;
		err = copy_huge_pmd(dst_vma, src_vma, pmdp, haddr);
		if (err && err != -EAGAIN)
			return err;
	}
	return 0;
}

/* can_split_folio(): every reference is a mapping's or the caller's. */
bool can_split_folio(struct folio *folio, int caller_pins, int *pextra_pins)
{
	int extra_pins = folio_test_swapcache(folio) ?
			 (int)folio_nr_pages(folio) : 0;

	if (pextra_pins)
		*pextra_pins = extra_pins;
	return folio_mapcount(folio) ==
	       folio_ref_count(folio) - extra_pins - caller_pins;
}

static bool split_pmd_one(struct folio *folio, struct vm_area_struct *vma,
			  unsigned long address, void *arg)
{
	pmd_t *pmdp = pmd_offset_map(vma->vm_mm, address);
	pmd_t pmd;

	(void)arg;
	if (!pmdp)
		return true;
	pmd = pmd_peek(pmdp);
	if (pmd_leaf(pmd) && page_folio(pmd_page(pmd)) == folio)
		__split_huge_pmd(vma, pmdp, address);
	return true;
}

/*
 * __split_folio_to_order() to order 0: each page becomes a folio of its
 * own with the anonymous mapping and its index, holding a reference per
 * PTE that maps it (the head also the caller's). Runs on the frozen folio
 * under the PTL of the PTEs that map it, with no yield point: no one can
 * take a reference or look at a page's folio meanwhile. Returns how many
 * pages no PTE maps: @unmapped gets them, for the caller to free.
 */
static unsigned long split_to_small(struct folio *folio, int head_refs,
				     struct page **unmapped)
{
	unsigned long i, n = folio_nr_pages(folio), nr = 0;
	unsigned long keep = folio->flags & ((1UL << PG_uptodate) |
					     (1UL << PG_dirty) |
					     (1UL << PG_swapbacked));
	void *mapping = folio->mapping;

	folio->_large_mapcount.counter = 0;
	folio->_entire_mapcount.counter = 0;
	folio->_pincount.counter = 0;
	folio->_folio_order = 0;
	__atomic_fetch_and(&folio->flags, ~(1UL << PG_head), __ATOMIC_RELEASE);
	for (i = 1; i < n; i++) {
		struct page *p = folio_page(folio, i);
		int refs = p->_mapcount.counter + 1;

		__atomic_store_n(&p->compound_head, 0, __ATOMIC_RELEASE);
		p->flags |= keep;
		p->mapping = mapping;
		p->index = folio->index + i;
		p->private = 0;
		if (refs)
			__atomic_store_n(&p->_refcount.counter, refs,
					 __ATOMIC_RELEASE);
		else
			unmapped[nr++] = p;
	}
	__atomic_store_n(&folio->_refcount.counter, head_refs, __ATOMIC_RELEASE);
	return nr;
}

struct split_map {
	struct vm_area_struct *vma;
	unsigned long addr;
	int nr_vmas;
};

/* Which VMAs have a PTE mapping a page of the folio (raw looks). */
static bool find_pte_mapping(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long address, void *arg)
{
	struct split_map *m = arg;
	unsigned long i;

	for (i = 0; i < folio_nr_pages(folio); i++) {
		unsigned long a = address + i * PAGE_SIZE;
		pte_t *ptep = a < vma->vm_end ? pte_offset_map(vma->vm_mm, a, NULL) :
			      NULL;
		uint64_t v = ptep ? __atomic_load_n(&ptep->pte, __ATOMIC_ACQUIRE) : 0;

		if (pte_present(__pte(v)) &&
		    pte_pfn(__pte(v)) - folio_pfn(folio) < folio_nr_pages(folio)) {
			if (!m->nr_vmas++) {
				m->vma = vma;
				m->addr = address;
			}
			break;
		}
	}
	return true;
}

/*
 * split_huge_page_to_list_to_order() to order 0, for an anonymous folio.
 * can_split_folio() first (-EAGAIN), then PMD mappings are split
 * (unmap_folio()), then the count is frozen at exactly the mappings' and
 * the caller's: a reference taken meanwhile (GUP-fast) fails the freeze.
 *
 * Simplified: the kernel replaces every PTE by a migration entry before
 * the freeze; here the PTEs stay, and the split runs under the lock of
 * the one PTE table that maps the folio. A folio PTE-mapped by more than
 * one VMA (after fork) is not supported (-EOPNOTSUPP).
 */
int split_folio(struct folio *folio)
{
	struct rmap_walk_control rwc = { .rmap_one = split_pmd_one };
	struct page *unmapped[HPAGE_PMD_NR];
	struct split_map m = { NULL, 0, 0 };
	spinlock_t *ptl = NULL;
	unsigned long nr, i;
	int extra_pins, ret = 0;

	if (!folio_test_large(folio))
		return -EINVAL;
	if (!folio_test_locked(folio)) {
		pmm_violation("bug-on", "split_folio of unlocked frame %#lx",
			      folio_pfn(folio));
		return -EINVAL;
	}
	if (!folio_test_anon(folio) || folio_order(folio) != HPAGE_PMD_ORDER)
		return -EOPNOTSUPP;
	if (!((unsigned long)folio->mapping & ~PAGE_MAPPING_ANON))
		return -EBUSY;
	if (!can_split_folio(folio, 1, &extra_pins))
		return -EAGAIN;
	if (atomic_read(&folio->_entire_mapcount) >= 0)
		rmap_walk(folio, &rwc);
	rwc.rmap_one = find_pte_mapping;
	rwc.arg = &m;
	rmap_walk(folio, &rwc);
	if (m.nr_vmas > 1)
		return -EOPNOTSUPP;
	if (m.nr_vmas) {
		pte_offset_map(m.vma->vm_mm, m.addr, &ptl);
		spin_lock(ptl);
	}
	if (atomic_read(&folio->_entire_mapcount) >= 0 ||
	    !folio_ref_freeze(folio, 1 + extra_pins + folio_mapcount(folio))) {
		ret = -EAGAIN;
		nr = 0;
	} else {
		nr = split_to_small(folio, 1 + extra_pins +
				    folio->_mapcount.counter + 1, unmapped);
	}
	if (ptl)
		spin_unlock(ptl);
	for (i = 0; i < nr; i++)
		__folio_put((struct folio *)unmapped[i]);
	return ret;
}

/*
 * Reclaim meeting a THP: swap takes no large folio here, so, as
 * shrink_folio_list() does when add_to_swap() cannot take it whole, the
 * PMD is split, then the folio (if it can be locked and nothing else
 * holds it); on failure the pages stay as they are.
 */
void split_thp_for_reclaim(struct vm_area_struct *vma, unsigned long addr)
{
	pmd_t *pmdp = pmd_offset_map(vma->vm_mm, addr);
	struct folio *folio = NULL;
	spinlock_t *ptl;
	pte_t *ptep;
	pte_t pte;

	if (!pmdp)
		return;
	if (pmd_leaf(pmd_peek(pmdp)))
		__split_huge_pmd(vma, pmdp, addr);
	ptep = pte_offset_map(vma->vm_mm, addr, &ptl);
	if (!ptep)
		return;
	/* A raw look first: a small page costs reclaim no yield point here. */
	pte = __pte(__atomic_load_n(&ptep->pte, __ATOMIC_RELAXED));
	if (!pte_present(pte) || pte_special(pte) ||
	    !pfn_valid(pte_pfn(pte)) || !folio_test_large(page_folio(pte_page(pte))))
		return;
	spin_lock(ptl);
	pte = ptep_get(ptep);
	if (pte_present(pte) && !pte_special(pte)) {
		folio = page_folio(pte_page(pte));
		if (folio_test_large(folio) && folio_test_anon(folio))
			folio_get(folio);
		else
			folio = NULL;
	}
	spin_unlock(ptl);
	if (!folio)
		return;
	if (folio_trylock(folio)) {
		split_folio(folio);
		folio_unlock(folio);
	}
	folio_put(folio);
}

/* madvise(MADV_HUGEPAGE / MADV_NOHUGEPAGE): hugepage_madvise() per VMA. */
int hugepage_madvise(struct mm_struct *mm, unsigned long start,
		     unsigned long len, int advice)
{
	unsigned long end = start + len, next = start;
	struct vm_area_struct *vma;
	int err = 0;

	if (advice != MADV_HUGEPAGE && advice != MADV_NOHUGEPAGE)
		return -EOPNOTSUPP;
	if ((start | len) & ~PAGE_MASK || end < start)
		return -EINVAL;
	mmap_write_lock(mm);
	for (vma = find_vma(mm, start); vma && next < end;
	     vma = find_vma(mm, next)) {
		if (vma->vm_start > next || vma->vm_start < start ||
		    vma->vm_end > end) {
			err = vma->vm_start > next ? -ENOMEM : -EOPNOTSUPP;
			break;
		}
		next = vma->vm_end;
	}
	if (!err && next < end)
		err = -ENOMEM;
	for (vma = find_vma(mm, start); !err && vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		if (advice == MADV_HUGEPAGE)
			vma->vm_flags = (vma->vm_flags & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		else
			vma->vm_flags = (vma->vm_flags & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
	}
	mmap_write_unlock(mm);
	return err;
}
