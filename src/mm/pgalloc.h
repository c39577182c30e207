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
 * free_pgtables() for munmap: detaches the tables under [start, end) that
 * no VMA needs any more (the VMAs are unlinked and the PTEs zapped), then
 * flushes and frees them as mm.pgtable_free says.
 */
void free_pgtables(struct mm_struct *mm, unsigned long start,
		   unsigned long end);

/* Frees every table of @mm (exit_mmap's free_pgtables()). */
void free_pgd_range(struct mm_struct *mm);

#endif /* PMM_MM_PGALLOC_H */
