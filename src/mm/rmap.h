/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reverse mapping (mm/rmap.c): from a folio to the PTEs that map it. */
#ifndef PMM_MM_RMAP_H
#define PMM_MM_RMAP_H

#include "mm/mm.h"

/* A fresh anonymous folio, exclusively mapped at @address. */
void folio_add_new_anon_rmap(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long address);
void folio_add_anon_rmap_pte(struct folio *folio, struct page *page,
			     struct vm_area_struct *vma, unsigned long address);
void folio_add_file_rmap_pte(struct folio *folio, struct page *page,
			     struct vm_area_struct *vma);
void folio_remove_rmap_pte(struct folio *folio, struct page *page,
			   struct vm_area_struct *vma);
/*
 * folio_try_dup_anon_rmap_pte(): fork shares an anonymous page with the
 * child, unless it is exclusive and may be pinned: then -EBUSY, and fork
 * copies it at once instead.
 */
int folio_try_dup_anon_rmap_pte(struct folio *folio, struct page *page,
				struct vm_area_struct *src_vma);
void folio_dup_file_rmap_pte(struct folio *folio, struct page *page);

/* The same for a PMD mapping of a whole large anonymous folio. */
void folio_add_new_anon_rmap_pmd(struct folio *folio, struct vm_area_struct *vma,
				 unsigned long haddr);
void folio_remove_rmap_pmd(struct folio *folio, struct vm_area_struct *vma);
int folio_try_dup_anon_rmap_pmd(struct folio *folio,
				struct vm_area_struct *src_vma);

/* Calls fn() for each VMA and address at which @folio may be mapped. */
struct rmap_walk_control {
	bool (*rmap_one)(struct folio *folio, struct vm_area_struct *vma,
			 unsigned long address, void *arg);
	void *arg;
};
void rmap_walk(struct folio *folio, const struct rmap_walk_control *rwc);

/*
 * try_to_unmap(): unmaps a locked file folio from every page table
 * (anonymous folios need swap entries: the swap layer unmaps those).
 */
void try_to_unmap(struct folio *folio);

/*
 * unmap_mapping_range(): zaps the PTEs of pages [pgstart, pgstart + nr)
 * of a file; private COW copies in those ranges too only if @even_cows
 * (truncate: yes, the pages are gone; hole punching: no).
 */
void unmap_mapping_range(struct address_space *mapping, unsigned long pgstart,
			 unsigned long nr_pages, bool even_cows);

/*
 * folio_mkclean(): write-protect and clean every PTE mapping a file folio,
 * flushing each; returns whether any was dirty (or writable).
 */
bool folio_mkclean(struct folio *folio);

void anon_vma_link(struct anon_vma *av, struct vm_area_struct *vma);
void anon_vma_unlink(struct vm_area_struct *vma);
struct anon_vma *anon_vma_alloc(void);

#endif /* PMM_MM_RMAP_H */
