/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Faults, zapping and copying page ranges (mm/memory.c). */
#ifndef PMM_MM_MEMORY_H
#define PMM_MM_MEMORY_H

#include "mm/mm.h"

/*
 * handle_mm_fault(): the caller holds mmap_lock for reading and has
 * checked that @vma allows the access. Returns 0, VM_FAULT_RETRY when the
 * PTE changed under it (the access is simply retried), or an error bit.
 */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags);

/* vm_normal_page(): the struct page behind a PTE, or NULL if special. */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr,
			    pte_t pte);

/*
 * A driver's ->fault maps a raw frame with a special PTE (mm/pfnmap.c):
 * vmf_insert_pfn_prot() in a VM_PFNMAP or VM_MIXEDMAP VMA,
 * vmf_insert_mixed_prot() in a VM_MIXEDMAP one (or the zero page). Each
 * returns VM_FAULT_NOPAGE (an entry already there is left as it is),
 * VM_FAULT_SIGBUS outside the VMA, VM_FAULT_OOM; the kernel's BUG_ONs
 * are bug-on violations (then VM_FAULT_SIGBUS).
 */
vm_fault_t vmf_insert_pfn_prot(struct vm_area_struct *vma, unsigned long addr,
			       unsigned long pfn, pgprot_t prot);
vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long pfn);
vm_fault_t vmf_insert_mixed_prot(struct vm_area_struct *vma, unsigned long addr,
				 unsigned long pfn, pgprot_t prot);
vm_fault_t vmf_insert_mixed(struct vm_area_struct *vma, unsigned long addr,
			    unsigned long pfn);
/* wp_shared_mapping_range(): write-protect a mapping's PTEs (mkclean). */
unsigned long wp_shared_mapping_range(struct address_space *mapping,
				      unsigned long first_index,
				      unsigned long nr);

/*
 * zap_page_range_single(): unmap [addr, addr + size) of one VMA; with
 * @skip_anon, anonymous pages (private COW copies of a file) stay, as
 * struct zap_details' even_cows = false asks.
 */
/*
 * The notes of a page copy under way, for the oracles (a COW fault's:
 * mm->cow_leaving; fork's: mm_notify_forked_page()). copy_tags_point()
 * is where the copy's tags became what they are: called by the
 * architecture's copy_highpage in the step that found the source
 * untagged, or that read its tags. cow_notes_reset() at each machine's
 * start.
 */
void copy_tags_point(void);
void cow_notes_reset(void);

void zap_page_range_single(struct vm_area_struct *vma, unsigned long addr,
			   unsigned long size, bool skip_anon);

/* copy_page_range(): fork's copy of one VMA's PTEs; -ENOMEM on failure. */
int copy_page_range(struct vm_area_struct *dst_vma,
		    struct vm_area_struct *src_vma);

/* maybe_mkwrite(): writable only where the VMA allows writes. */
static inline pte_t maybe_mkwrite(pte_t pte, struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_WRITE) ? pte_mkwrite(pte) : pte;
}

/* finish_fault(): maps vmf->page (from ->fault, or the COW copy). */
vm_fault_t finish_fault(struct vm_fault *vmf);

#endif /* PMM_MM_MEMORY_H */
