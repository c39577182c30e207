/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Walking, populating and updating page tables (mm/memory.c, pgtable.h). */
#ifndef PMM_MM_PGALLOC_H
#define PMM_MM_PGALLOC_H

#include "mm/mm.h"

/* A new, empty table: a zeroed frame marked as a page table. */
int pgtable_alloc(struct mm_struct *mm, unsigned long *pfn);
void pgtable_free(struct mm_struct *mm, unsigned long pfn);

/*
 * pte_offset_map_lock() without populating: the PTE for @addr and its
 * table's lock, or NULL when an upper level is empty. @ptl may be NULL to
 * walk without locking (GUP-fast, the hardware walker).
 */
pte_t *pte_offset_map(struct mm_struct *mm, unsigned long addr,
		      spinlock_t **ptl);
/*
 * The hardware's (and GUP-fast's) walk: the entry that maps @addr, a PUD
 * or PMD leaf (_PAGE_PSE) or the PTE slot, with the size it maps in
 * @size; NULL when an upper level is empty. No lock, no yield point.
 */
pte_t *pgtable_leaf_offset(struct mm_struct *mm, unsigned long addr,
			   unsigned long *size);
/* The same, with the frame of the table holding the entry in @table. */
pte_t *pgtable_leaf_offset_map(struct mm_struct *mm, unsigned long addr,
			       unsigned long *size, unsigned long *table);
/*
 * The table at @level (0 = PGD) that holds @addr's entry, or 0 when a
 * level above is empty or a huge leaf; @alloc populates empty levels
 * (0 then also on -ENOMEM). With pgtable_level_entry(), the one walk of
 * the PMD helpers below and of hugetlb's huge_pte_offset()/_alloc().
 */
unsigned long pgtable_level_table(struct mm_struct *mm, unsigned long addr,
				  int level, bool alloc);
pte_t *pgtable_level_entry(unsigned long t, unsigned long addr, int level);
/* __pte_alloc() and friends: populate missing levels. NULL on -ENOMEM. */
pte_t *pte_alloc_map(struct mm_struct *mm, unsigned long addr,
		     spinlock_t **ptl);

pte_t ptep_get_at(pte_t *ptep, const struct pmm_loc *loc);
void set_pte_at_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		   pte_t pte, const struct pmm_loc *loc);
pte_t ptep_get_and_clear_at(struct mm_struct *mm, unsigned long addr,
			    pte_t *ptep, const struct pmm_loc *loc);
pte_t ptep_clear_flush_at(struct vm_area_struct *vma, unsigned long addr,
			  pte_t *ptep, const struct pmm_loc *loc);
void ptep_set_wrprotect_at(struct mm_struct *mm, unsigned long addr,
			   pte_t *ptep, const struct pmm_loc *loc);
/*
 * ptep_modify_prot_start()/_commit() (the generic ones): the PTE is
 * cleared, so that the hardware cannot update it, then set to its new
 * value; the page stays mapped throughout (mm->pte_transit).
 */
/* Notes (@ptep NULL: ends) the current task's PTE in transit under its lock. */
void pte_transit(struct mm_struct *mm, pte_t *ptep, pte_t old);
pte_t ptep_modify_prot_start_at(struct vm_area_struct *vma, unsigned long addr,
				pte_t *ptep, const struct pmm_loc *loc);
void ptep_modify_prot_commit_at(struct vm_area_struct *vma, unsigned long addr,
				pte_t *ptep, pte_t pte, const struct pmm_loc *loc);
/* ptep_set_access_flags(): only ever adds permissions or A/D bits. */
void ptep_set_access_flags_at(struct vm_area_struct *vma, unsigned long addr,
			      pte_t *ptep, pte_t entry,
			      const struct pmm_loc *loc);

#define ptep_get(p)			ptep_get_at((p), PMM_HERE)
#define set_pte_at(mm, a, p, v)		set_pte_at_at((mm), (a), (p), (v), PMM_HERE)
#define ptep_get_and_clear(mm, a, p)	ptep_get_and_clear_at((mm), (a), (p), PMM_HERE)
#define ptep_clear_flush(v, a, p)	ptep_clear_flush_at((v), (a), (p), PMM_HERE)
#define ptep_set_wrprotect(mm, a, p)	ptep_set_wrprotect_at((mm), (a), (p), PMM_HERE)
#define ptep_modify_prot_start(v, a, p)	ptep_modify_prot_start_at((v), (a), (p), PMM_HERE)
#define ptep_modify_prot_commit(v, a, p, e) \
	ptep_modify_prot_commit_at((v), (a), (p), (e), PMM_HERE)
#define ptep_set_access_flags(v, a, p, e) \
	ptep_set_access_flags_at((v), (a), (p), (e), PMM_HERE)

/* Calls fn(mm, addr, ptep, arg) for every PTE table slot in [start, end). */
void walk_pte_range(struct mm_struct *mm, unsigned long start,
		    unsigned long end,
		    void (*fn)(struct mm_struct *, unsigned long, pte_t *,
			       spinlock_t *, void *),
		    void *arg);

/*
 * PMD entries (huge leaves: mm/huge_memory.c, hugetlb). The PMD lock is
 * mm->page_table_lock (pmd_lockptr() without split PMD locks); it also
 * guards populating a PMD with a PTE table, so a PMD changes only under
 * it. pte_offset_map() returns NULL on a leaf, as the kernel's does, and
 * pte_alloc_map() too: a caller that may meet a leaf checks for it.
 */
pmd_t *pmd_offset_map(struct mm_struct *mm, unsigned long addr);
/* Populates the upper levels; NULL on -ENOMEM. */
pmd_t *pmd_alloc_map(struct mm_struct *mm, unsigned long addr);
static inline spinlock_t *pmd_lockptr(struct mm_struct *mm, pmd_t *pmdp)
{
	(void)pmdp;
	return &mm->page_table_lock;
}
pmd_t pmdp_get_at(pmd_t *pmdp, const struct pmm_loc *loc);
void set_pmd_at_at(struct mm_struct *mm, unsigned long addr, pmd_t *pmdp,
		   pmd_t pmd, const struct pmm_loc *loc);
pmd_t pmdp_huge_get_and_clear_at(struct mm_struct *mm, unsigned long addr,
				 pmd_t *pmdp, const struct pmm_loc *loc);
/* pmdp_huge_clear_flush(): clear, then flush the whole 2 MiB. */
pmd_t pmdp_huge_clear_flush_at(struct vm_area_struct *vma, unsigned long addr,
			       pmd_t *pmdp, const struct pmm_loc *loc);
void pmdp_set_wrprotect_at(struct mm_struct *mm, unsigned long addr,
			   pmd_t *pmdp, const struct pmm_loc *loc);
void pmdp_set_access_flags_at(struct vm_area_struct *vma, unsigned long addr,
			      pmd_t *pmdp, pmd_t entry,
			      const struct pmm_loc *loc);
void pmd_populate_at(struct mm_struct *mm, pmd_t *pmdp, unsigned long pte_pfn,
		     const struct pmm_loc *loc);
#define pmdp_get(p)			pmdp_get_at((p), PMM_HERE)
#define set_pmd_at(mm, a, p, v)		set_pmd_at_at((mm), (a), (p), (v), PMM_HERE)
#define pmdp_huge_get_and_clear(mm, a, p) \
	pmdp_huge_get_and_clear_at((mm), (a), (p), PMM_HERE)
#define pmdp_huge_clear_flush(v, a, p)	pmdp_huge_clear_flush_at((v), (a), (p), PMM_HERE)
#define pmdp_set_wrprotect(mm, a, p)	pmdp_set_wrprotect_at((mm), (a), (p), PMM_HERE)
#define pmdp_set_access_flags(v, a, p, e) \
	pmdp_set_access_flags_at((v), (a), (p), (e), PMM_HERE)
#define pmd_populate(mm, p, pfn)	pmd_populate_at((mm), (p), (pfn), PMM_HERE)

/*
 * pgtable_trans_huge_deposit()/_withdraw(): a leaf's PTE table, allocated
 * with it so that splitting it never fails; under the PMD lock.
 */
void pgtable_trans_huge_deposit(struct mm_struct *mm, unsigned long addr,
				unsigned long pte_pfn);
unsigned long pgtable_trans_huge_withdraw(struct mm_struct *mm,
					  unsigned long addr);
/*
 * What maps @addr, read with no yield point (an oracle's look): the PTE,
 * or for a huge leaf (PMD or PUD) the PTE its subpage would have; none if nothing.
 */
pte_t leaf_pte_peek(struct mm_struct *mm, unsigned long addr);
/* The PTE for @addr in the PTE table @pte_pfn. */
pte_t *pte_table_entry(unsigned long pte_pfn, unsigned long addr);

/*
 * free_pgtables() for munmap: detaches the tables under [start, end) that
 * no VMA needs any more (the VMAs are unlinked and the PTEs zapped), then
 * flushes and frees them as mm.pgtable_free says.
 */
void free_pgtables(struct mm_struct *mm, unsigned long start,
		   unsigned long end);

/* Frees every table of @mm (exit_mmap's free_pgtables()). */
void free_pgd_range(struct mm_struct *mm);

#endif /* PMM_MM_PGALLOC_H */
