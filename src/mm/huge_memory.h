/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Anonymous transparent huge pages (mm/huge_memory.c): 2 MiB folios
 * mapped by a PMD leaf, the huge zero page, splitting a PMD into PTEs and
 * a folio into small folios.
 *
 * Knobs: thp.enabled (always|madvise|never; the kernel's Kconfig default
 * TRANSPARENT_HUGEPAGE_ALWAYS), thp.use_zero_page (on, as the kernel's
 * transparent_hugepage_flags start).
 *
 * Not modelled, refused as not supported where asked for: mTHP sizes
 * (only PMD order), khugepaged, NUMA, the deferred split shrinker,
 * file and shmem THPs, swapping a THP out whole (reclaim splits it
 * first). THP is not used on VMAs
 * with architecture flags (MTE): they fall back to small pages.
 * Simplified: split_folio() keeps the PTEs mapped (no migration entries)
 * and freezes the count they and the caller hold.
 */
#ifndef PMM_MM_HUGE_MEMORY_H
#define PMM_MM_HUGE_MEMORY_H

#include "mm/mm.h"

#define MADV_HUGEPAGE	14
#define MADV_NOHUGEPAGE	15

/* The machine's huge zero folio: none at start, freed at its end. */
void thp_machine_reset(void);
void thp_machine_finish(void);
bool is_huge_zero_pfn(unsigned long pfn);
static inline bool is_huge_zero_pmd(pmd_t pmd)
{
	return pmd_leaf(pmd) && is_huge_zero_pfn(pmd_pfn(pmd));
}

/* thp_vma_allowable_order() for PMD order at @addr's 2 MiB range. */
bool thp_vma_allowable(struct vm_area_struct *vma, unsigned long addr);

/*
 * The PMD level of a fault (__handle_mm_fault()): a new huge page, a
 * write to a PMD leaf, or VM_FAULT_FALLBACK for the PTE level.
 */
vm_fault_t huge_pmd_fault(struct vm_fault *vmf, pmd_t *pmdp);

/* __split_huge_pmd(): the leaf at @address (if any) becomes 512 PTEs. */
void __split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmdp,
		      unsigned long address);
/* Splits every leaf of [start, end) that the range covers only in part. */
void split_huge_pmd_range(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end);
/* Splits every leaf of [start, end). */
void split_huge_pmd_all(struct vm_area_struct *vma, unsigned long start,
			unsigned long end);
/* zap_huge_pmd() for the leaves [start, end) covers whole; splits the rest. */
void zap_huge_pmd_range(struct vm_area_struct *vma, unsigned long start,
			unsigned long end);
/*
 * copy_huge_pmd() for each leaf of @src_vma: 0, -ENOMEM; a leaf that must
 * be copied page by page (maybe pinned) is split and left to the PTEs.
 */
int copy_huge_pmd_range(struct vm_area_struct *dst_vma,
			struct vm_area_struct *src_vma);

/*
 * split_folio(): @folio locked, with the caller's one reference. 0, or
 * -EAGAIN when references other than its mappings' and the caller's are
 * held (a pin, a GUP reference), -EBUSY when its anon_vma is gone,
 * -EINVAL for a small folio.
 */
int split_folio(struct folio *folio);
bool can_split_folio(struct folio *folio, int caller_pins, int *pextra_pins);

/* Reclaim's fallback for the THP at @addr: split it into small pages. */
void split_thp_for_reclaim(struct vm_area_struct *vma, unsigned long addr);

/* hugepage_madvise(): MADV_HUGEPAGE / MADV_NOHUGEPAGE on whole VMAs. */
int hugepage_madvise(struct mm_struct *mm, unsigned long start,
		     unsigned long len, int advice);

#endif /* PMM_MM_HUGE_MEMORY_H */
