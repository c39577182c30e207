// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "mem/phys.h"
#include "mm/arch.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/tlb.h"
#include "sched/knob.h"
#include "sched/rcu.h"

DEFINE_KNOB(pgtable_free_knob, "mm.pgtable_free",
	    "how munmap frees the page tables it empties (free_pgtables()): rcu "
	    "(MMU_GATHER_RCU_TABLE_FREE: tlb_remove_table() frees them after an "
	    "RCU grace period, which GUP-fast's IRQ-off walk holds up; arm64, "
	    "and x86 since \"x86/mm: make MMU_GATHER_RCU_TABLE_FREE "
	    "unconditional\"; before it x86 did so only under PARAVIRT, or with "
	    "CONFIG_PT_RECLAIM), after_flush (tlb_remove_page(): freed with the "
	    "pages right after the TLB flush, x86 on bare metal before that "
	    "commit; safe only because that flush "
	    "is an IPI which GUP-fast's disabled interrupts hold up: with "
	    "tlb.flush = broadcast a walker reads a freed table)",
	    "rcu", "after_flush");

/* pagetable_alloc() + pagetable_pte_ctor(): the PTL lives in the ptdesc. */
int pgtable_alloc(struct mm_struct *mm, unsigned long *pfn)
{
	struct folio *folio = folio_alloc(__GFP_ZERO, 0);
	struct page *page;

	if (!folio)
		return -ENOMEM;
	page = (struct page *)folio;
	page->flags |= 1UL << PG_table;
	spin_lock_init(&page->ptl);
	*pfn = folio_pfn(folio);
	frame_make_table(*pfn);
	/* mm_inc_nr_ptes(): an atomic_long_t in the kernel. */
	__atomic_fetch_add(&mm->nr_ptes, 1, __ATOMIC_RELAXED);
	return 0;
}

/* pagetable_dtor() + pagetable_free(), of a table no walker has seen. */
static void pgtable_free_unseen(struct mm_struct *mm, unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);

	page->flags &= ~(1UL << PG_table);
	__atomic_fetch_sub(&mm->nr_ptes, 1, __ATOMIC_RELAXED);
	folio_put((struct folio *)page);
}

/*
 * pagetable_dtor() + pagetable_free(): the step that unmarks the table is
 * a yield point writing its flags, which a lockless walker's check that
 * the table is still one (GUP-fast) reads.
 */
void pgtable_free(struct mm_struct *mm, unsigned long pfn)
{
	sched_point(&pfn_to_page(pfn)->flags, PMM_ACC_WRITE);
	pgtable_free_unseen(mm, pfn);
}

static uint64_t *entry(unsigned long table_pfn, unsigned long addr, int level)
{
	return frame_word(table_pfn, pgtable_index(addr, level));
}

/* The next level's table, or 0; upper levels only go none -> table. */
static unsigned long next_table(unsigned long table_pfn, unsigned long addr,
				int level)
{
	uint64_t e = __atomic_load_n(entry(table_pfn, addr, level),
				     __ATOMIC_ACQUIRE);

	/* A leaf maps memory, not a table (pmd_leaf(), pud_leaf()). */
	if (!(e & _PAGE_PRESENT) || (level > 0 && (e & _PAGE_PSE)))
		return 0;
	return (unsigned long)((e & PTE_PFN_MASK) >> PAGE_SHIFT);
}

/* pmd_leaf(), pud_leaf(): bit 7 of a present (or PROT_NONE) upper entry. */
static bool upper_leaf(uint64_t e)
{
	return (e & _PAGE_PSE) && (e & (_PAGE_PRESENT | _PAGE_PROTNONE));
}

pte_t *pgtable_leaf_offset_map(struct mm_struct *mm, unsigned long addr,
			       unsigned long *size, unsigned long *table)
{
	unsigned long t = mm->pgd_pfn;
	int level;

	for (level = 0; t && level < PGTABLE_LEVELS - 1; level++) {
		uint64_t *e = entry(t, addr, level);

		if (level > 0 && upper_leaf(__atomic_load_n(e, __ATOMIC_ACQUIRE))) {
			*size = PAGE_SIZE << (9 * (PGTABLE_LEVELS - 1 - level));
			*table = t;
			return (pte_t *)e;
		}
		t = next_table(t, addr, level);
	}
	if (!t)
		return NULL;
	*size = PAGE_SIZE;
	*table = t;
	return (pte_t *)entry(t, addr, PGTABLE_LEVELS - 1);
}

pte_t *pgtable_leaf_offset(struct mm_struct *mm, unsigned long addr,
			   unsigned long *size)
{
	unsigned long table;

	return pgtable_leaf_offset_map(mm, addr, size, &table);
}

pte_t *pte_offset_map(struct mm_struct *mm, unsigned long addr,
		      spinlock_t **ptl)
{
	unsigned long t = mm->pgd_pfn;
	int level;

	for (level = 0; level < PGTABLE_LEVELS - 1 && t; level++)
		t = next_table(t, addr, level);
	if (!t)
		return NULL;
	if (ptl)
		*ptl = &pfn_to_page(t)->ptl;
	return (pte_t *)entry(t, addr, PGTABLE_LEVELS - 1);
}

/* __pte_alloc(): allocate outside the lock, install under it if still none. */
static int populate(struct mm_struct *mm, unsigned long t, unsigned long addr,
		    int level)
{
	uint64_t *e = entry(t, addr, level);
	unsigned long new;
	bool used = false;

	if (pgtable_alloc(mm, &new))
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (!(__atomic_load_n(e, __ATOMIC_RELAXED) & _PAGE_PRESENT)) {
		__atomic_store_n(e, ((uint64_t)new << PAGE_SHIFT) | _PAGE_PRESENT |
				 _PAGE_RW | _PAGE_USER, __ATOMIC_RELEASE);
		used = true;
	}
	spin_unlock(&mm->page_table_lock);
	if (!used)
		pgtable_free_unseen(mm, new);
	return 0;
}

pte_t *pte_alloc_map(struct mm_struct *mm, unsigned long addr,
		     spinlock_t **ptl)
{
	unsigned long t = mm->pgd_pfn;
	int level;

	for (level = 0; level < PGTABLE_LEVELS - 1; level++) {
		/* A huge leaf is there: the caller must handle or split it. */
		if (__atomic_load_n(entry(t, addr, level), __ATOMIC_ACQUIRE) &
		    _PAGE_PSE)
			return NULL;
		if (!next_table(t, addr, level) && populate(mm, t, addr, level))
			return NULL;
		t = next_table(t, addr, level);
	}
	if (ptl)
		*ptl = &pfn_to_page(t)->ptl;
	return (pte_t *)entry(t, addr, PGTABLE_LEVELS - 1);
}

pte_t ptep_get_at(pte_t *ptep, const struct pmm_loc *loc)
{
	sched_point_at(ptep, PMM_ACC_READ, loc);
	return __pte(__atomic_load_n(&ptep->pte, __ATOMIC_RELAXED));
}

/* set_pte_at(): the one place a PTE becomes present; the arch hook first. */
void set_pte_at_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		   pte_t pte, const struct pmm_loc *loc)
{
	if (arch_ops->set_pte_hook && pte_present(pte))
		arch_ops->set_pte_hook(mm, addr, ptep, pte);
	sched_point_at(ptep, PMM_ACC_WRITE, loc);
	__atomic_store_n(&ptep->pte, pte_val(pte), __ATOMIC_RELEASE);
}

pte_t ptep_get_and_clear_at(struct mm_struct *mm, unsigned long addr,
			    pte_t *ptep, const struct pmm_loc *loc)
{
	(void)mm;
	(void)addr;
	sched_point_at(ptep, PMM_ACC_RMW, loc);
	return __pte(__atomic_exchange_n(&ptep->pte, 0, __ATOMIC_SEQ_CST));
}

/* The oracles' note of a PTE in transit under its lock (mm->pte_transit). */
void pte_transit(struct mm_struct *mm, pte_t *ptep, pte_t old)
{
	int id = pmm_task_id();

	if (id < 0 || id >= PMM_MAX_TASKS)
		return;
	mm->pte_transit[id].old = old;
	__atomic_store_n(&mm->pte_transit[id].ptep, ptep, __ATOMIC_RELEASE);
}

pte_t ptep_modify_prot_start_at(struct vm_area_struct *vma, unsigned long addr,
				pte_t *ptep, const struct pmm_loc *loc)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t old = ptep_get_and_clear_at(mm, addr, ptep, loc);

	pte_transit(mm, ptep, old);
	return old;
}

void ptep_modify_prot_commit_at(struct vm_area_struct *vma, unsigned long addr,
				pte_t *ptep, pte_t pte, const struct pmm_loc *loc)
{
	set_pte_at_at(vma->vm_mm, addr, ptep, pte, loc);
	pte_transit(vma->vm_mm, NULL, __pte(0));
}

/* ptep_clear_flush(): clear, then flush, before the page can go. */
pte_t ptep_clear_flush_at(struct vm_area_struct *vma, unsigned long addr,
			  pte_t *ptep, const struct pmm_loc *loc)
{
	pte_t pte = ptep_get_and_clear_at(vma->vm_mm, addr, ptep, loc);

	if (pte_present(pte))
		flush_tlb_range_at(vma->vm_mm, addr, addr + PAGE_SIZE, loc);
	return pte;
}

void ptep_set_wrprotect_at(struct mm_struct *mm, unsigned long addr,
			   pte_t *ptep, const struct pmm_loc *loc)
{
	(void)mm;
	(void)addr;
	sched_point_at(ptep, PMM_ACC_RMW, loc);
	__atomic_fetch_and(&ptep->pte, ~_PAGE_RW, __ATOMIC_SEQ_CST);
}

void ptep_set_access_flags_at(struct vm_area_struct *vma, unsigned long addr,
			      pte_t *ptep, pte_t entry,
			      const struct pmm_loc *loc)
{
	(void)vma;
	(void)addr;
	sched_point_at(ptep, PMM_ACC_RMW, loc);
	__atomic_fetch_or(&ptep->pte, pte_val(entry), __ATOMIC_SEQ_CST);
}

void walk_pte_range(struct mm_struct *mm, unsigned long start,
		    unsigned long end,
		    void (*fn)(struct mm_struct *, unsigned long, pte_t *,
			       spinlock_t *, void *),
		    void *arg)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		spinlock_t *ptl;
		pte_t *pte = pte_offset_map(mm, addr, &ptl);

		if (!pte) {
			/* Skip to the next PTE table. */
			addr = (addr | ((PAGE_SIZE * PTRS_PER_TABLE) - 1)) -
			       PAGE_SIZE + 1;
			continue;
		}
		fn(mm, addr, pte, ptl, arg);
	}
}

static void free_level(struct mm_struct *mm, unsigned long t, int level)
{
	unsigned int i;

	if (level < PGTABLE_LEVELS - 1) {
		for (i = 0; i < PTRS_PER_TABLE; i++) {
			uint64_t e = *frame_word(t, i);

			/* A huge leaf maps data, not a table: zapped already. */
			if ((e & _PAGE_PRESENT) && !(e & _PAGE_PSE))
				free_level(mm, (unsigned long)(e >> PAGE_SHIFT),
					   level + 1);
		}
	}
	pgtable_free(mm, t);
}

void free_pgd_range(struct mm_struct *mm)
{
	free_level(mm, mm->pgd_pfn, 0);
	mm->pgd_pfn = 0;
}

unsigned long pgtable_level_table(struct mm_struct *mm, unsigned long addr,
				  int level, bool alloc)
{
	unsigned long t = mm->pgd_pfn;
	int l;

	for (l = 0; l < level && t; l++) {
		if (alloc && !next_table(t, addr, l) && populate(mm, t, addr, l))
			return 0;
		t = next_table(t, addr, l);
	}
	return t;
}

pte_t *pgtable_level_entry(unsigned long t, unsigned long addr, int level)
{
	return (pte_t *)entry(t, addr, level);
}

/* The PMD table holding @addr's PMD, or 0 when an upper level is empty. */
static unsigned long pmd_table(struct mm_struct *mm, unsigned long addr,
			       bool alloc)
{
	return pgtable_level_table(mm, addr, PGTABLE_LEVELS - 2, alloc);
}

pmd_t *pmd_offset_map(struct mm_struct *mm, unsigned long addr)
{
	unsigned long t = pmd_table(mm, addr, false);

	return t ? (pmd_t *)entry(t, addr, PGTABLE_LEVELS - 2) : NULL;
}

pmd_t *pmd_alloc_map(struct mm_struct *mm, unsigned long addr)
{
	unsigned long t = pmd_table(mm, addr, true);

	return t ? (pmd_t *)entry(t, addr, PGTABLE_LEVELS - 2) : NULL;
}

pmd_t pmdp_get_at(pmd_t *pmdp, const struct pmm_loc *loc)
{
	sched_point_at(pmdp, PMM_ACC_READ, loc);
	return __pmd(__atomic_load_n(&pmdp->pmd, __ATOMIC_ACQUIRE));
}

void set_pmd_at_at(struct mm_struct *mm, unsigned long addr, pmd_t *pmdp,
		   pmd_t pmd, const struct pmm_loc *loc)
{
	(void)mm;
	(void)addr;
	sched_point_at(pmdp, PMM_ACC_WRITE, loc);
	__atomic_store_n(&pmdp->pmd, pmd_val(pmd), __ATOMIC_RELEASE);
}

pmd_t pmdp_huge_get_and_clear_at(struct mm_struct *mm, unsigned long addr,
				 pmd_t *pmdp, const struct pmm_loc *loc)
{
	(void)mm;
	(void)addr;
	sched_point_at(pmdp, PMM_ACC_RMW, loc);
	return __pmd(__atomic_exchange_n(&pmdp->pmd, 0, __ATOMIC_SEQ_CST));
}

pmd_t pmdp_huge_clear_flush_at(struct vm_area_struct *vma, unsigned long addr,
			       pmd_t *pmdp, const struct pmm_loc *loc)
{
	unsigned long haddr = addr & PMD_MASK;
	pmd_t pmd = pmdp_huge_get_and_clear_at(vma->vm_mm, haddr, pmdp, loc);

	if (pmd_present(pmd))
		flush_tlb_range_at(vma->vm_mm, haddr, haddr + PMD_SIZE, loc);
	return pmd;
}

void pmdp_set_wrprotect_at(struct mm_struct *mm, unsigned long addr,
			   pmd_t *pmdp, const struct pmm_loc *loc)
{
	(void)mm;
	(void)addr;
	sched_point_at(pmdp, PMM_ACC_RMW, loc);
	__atomic_fetch_and(&pmdp->pmd, ~_PAGE_RW, __ATOMIC_SEQ_CST);
}

void pmdp_set_access_flags_at(struct vm_area_struct *vma, unsigned long addr,
			      pmd_t *pmdp, pmd_t entry,
			      const struct pmm_loc *loc)
{
	(void)vma;
	(void)addr;
	sched_point_at(pmdp, PMM_ACC_RMW, loc);
	__atomic_fetch_or(&pmdp->pmd, pmd_val(entry), __ATOMIC_SEQ_CST);
}

/*
 * The deposited tables of a PMD table: a stack threaded through the
 * table pages' index field (the kernel's pmd_huge_pte list).
 */
static struct page *pmd_table_page(struct mm_struct *mm, unsigned long addr)
{
	return pfn_to_page(pmd_table(mm, addr, false));
}

void pgtable_trans_huge_deposit(struct mm_struct *mm, unsigned long addr,
				unsigned long pte_pfn)
{
	struct page *pt = pmd_table_page(mm, addr);

	pfn_to_page(pte_pfn)->index = pt->index;
	pt->index = pte_pfn + 1;
}

unsigned long pgtable_trans_huge_withdraw(struct mm_struct *mm,
					  unsigned long addr)
{
	struct page *pt = pmd_table_page(mm, addr);
	unsigned long pfn;

	if (!pt->index) {
		pmm_violation("bug-on", "no page table deposited for the PMD at %#lx",
			      addr);
		return 0;
	}
	pfn = pt->index - 1;
	pt->index = pfn_to_page(pfn)->index;
	pfn_to_page(pfn)->index = 0;
	return pfn;
}

/* pmd_populate(): @pmdp now points at the PTE table @pte_pfn. */
void pmd_populate_at(struct mm_struct *mm, pmd_t *pmdp, unsigned long pte_pfn,
		     const struct pmm_loc *loc)
{
	set_pmd_at_at(mm, 0, pmdp, __pmd(((uint64_t)pte_pfn << PAGE_SHIFT) |
					 _PAGE_PRESENT | _PAGE_RW | _PAGE_USER),
		      loc);
}

pte_t *pte_table_entry(unsigned long pte_pfn, unsigned long addr)
{
	return (pte_t *)entry(pte_pfn, addr, PGTABLE_LEVELS - 1);
}

pte_t leaf_pte_peek(struct mm_struct *mm, unsigned long addr)
{
	unsigned long sz;
	pte_t *ptep = pgtable_leaf_offset(mm, addr, &sz);

	if (!ptep)
		return __pte(0);
	return leaf_subpage_pte(__pte(__atomic_load_n(&ptep->pte, __ATOMIC_RELAXED)),
				addr, sz);
}

/* The tables free_pgtables() detached, freed together (the mmu_gather). */
#define TABLE_BATCH 32

struct table_gather {
	struct mm_struct *mm;
	unsigned long start, end;
	unsigned int nr;
	unsigned long pfn[TABLE_BATCH];
};

/*
 * tlb_finish_mmu() for tables: flush (the walkers' way back into a
 * detached table is a cached translation or an IRQ-off walk), then free
 * after the grace period (tlb_table_flush(): call_rcu(); the model waits
 * for it here instead of freeing in a callback) or at once.
 */
static void table_gather_flush(struct table_gather *g)
{
	unsigned int i;

	if (!g->nr)
		return;
	flush_tlb_range_at(g->mm, g->start, g->end, PMM_HERE);
	if (knob(&pgtable_free_knob) == 0)
		synchronize_rcu();
	for (i = 0; i < g->nr; i++)
		pgtable_free(g->mm, g->pfn[i]);
	g->nr = 0;
}

static void table_gather_add(struct table_gather *g, unsigned long pfn)
{
	if (g->nr == TABLE_BATCH)
		table_gather_flush(g);
	g->pfn[g->nr++] = pfn;
}

/* free_pte_range() and up: a detached table and every table under it. */
static void gather_subtree(struct table_gather *g, unsigned long t, int level)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_TABLE; i++) {
		uint64_t e = __atomic_load_n(frame_word(t, i), __ATOMIC_RELAXED);

		if (!e)
			continue;
		/* A PTE, or a huge leaf (THP, hugetlb): zap left it mapped. */
		if (level == PGTABLE_LEVELS - 1 || upper_leaf(e)) {
			pmm_violation("bug-on", "page table %#lx freed with entry %u = %#llx",
				      t, i, (unsigned long long)e);
			continue;
		}
		if (e & _PAGE_PRESENT)
			gather_subtree(g, (unsigned long)(e >> PAGE_SHIFT), level + 1);
	}
	table_gather_add(g, t);
}

/* The span one entry of a table at @level maps. */
static unsigned long entry_span(int level)
{
	return 1UL << (PAGE_SHIFT + 9 * (PGTABLE_LEVELS - 1 - level));
}

/* Whether a VMA still needs translations in [lo, lo + size). */
static bool span_in_use(struct mm_struct *mm, unsigned long lo,
			unsigned long size)
{
	struct vm_area_struct *vma = find_vma(mm, lo);

	return vma && vma->vm_start < lo + size;
}

/*
 * free_pgd_range()'s walk: in the table @t at @level, whose first entry
 * maps @base, detach (pmd_clear() and up) every table under [start, end)
 * no VMA needs any more; the kernel's floor and ceiling (the neighbouring
 * VMAs) amount to that.
 */
static void free_range(struct table_gather *g, unsigned long t, int level,
		       unsigned long base, unsigned long start,
		       unsigned long end)
{
	unsigned long span = entry_span(level);
	unsigned int i = pgtable_index(start, level);
	unsigned int last = pgtable_index(end - 1, level);

	for (; i <= last; i++) {
		unsigned long lo = base + i * span;
		uint64_t *e = entry(t, lo, level);
		uint64_t v = __atomic_load_n(e, __ATOMIC_RELAXED);
		unsigned long child = (unsigned long)(v >> PAGE_SHIFT);

		/*
		 * A huge leaf maps memory, not a table: one in use stays, one
		 * no VMA covers was left by a zap (gather_subtree() says so).
		 */
		if (!(v & _PAGE_PRESENT) || (level > 0 && upper_leaf(v))) {
			if (level > 0 && upper_leaf(v) && !span_in_use(g->mm, lo, span))
				pmm_violation("bug-on", "huge leaf %#llx at %#lx left by munmap",
					      (unsigned long long)v, lo);
			continue;
		}
		if (span_in_use(g->mm, lo, span)) {
			if (level + 1 < PGTABLE_LEVELS - 1)
				free_range(g, child, level + 1, lo,
					   start > lo ? start : lo,
					   end < lo + span ? end : lo + span);
			continue;
		}
		/* No PTL: mmap_lock held for writing keeps faults out. */
		sched_point(e, PMM_ACC_WRITE);
		__atomic_store_n(e, 0, __ATOMIC_RELEASE);
		gather_subtree(g, child, level + 1);
	}
}

void free_pgtables(struct mm_struct *mm, unsigned long start,
		   unsigned long end)
{
	struct table_gather g = { .mm = mm, .start = start, .end = end };

	if (start >= end)
		return;
	free_range(&g, mm->pgd_pfn, 0, 0, start, end);
	table_gather_flush(&g);
}
