// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Raw frames in user mappings (mm/memory.c: vmf_insert_pfn_prot(),
 * __vm_insert_mixed(), insert_pfn(); v6.x). A driver's ->fault hands a
 * frame and the protection it wants for that very page (caching,
 * encryption), so one VMA can map frames of different memory types, as
 * vvar_fault() and TTM's fault do.
 *
 * Left out: pfn_modify_allowed() (x86's L1TF check of PROT_NONE entries
 * above the L1TF limit: no such frames here), and the PAT cache mode that
 * track_pfn_insert()/pfnmap_setup_cachemode_pfn() takes from the frame's
 * reserved memory type (x86 PAT is not modelled: the caching bits are
 * those the driver gives). Architectures with pte_special only: a pfn is
 * always inserted as a special PTE, never through insert_page().
 */
#include "mm/memory.h"
#include "mm/pgalloc.h"
#include "mm/tlb.h"

/*
 * pfn_valid() as these checks mean it: the frame has a struct page the
 * core mm may refcount. Device memory behind a BAR has none in the kernel
 * (without ZONE_DEVICE); the model gives every frame a descriptor, so the
 * question is whether the frame is RAM.
 */
static bool pfn_has_memmap(unsigned long pfn)
{
	return pfn_valid(pfn) && page_mem_type(pfn_to_page(pfn)) == MEM_RAM;
}

static bool insert_bug(const struct vm_area_struct *vma, unsigned long pfn,
		       bool cond, const char *what)
{
	if (cond)
		pmm_violation("bug-on", "vmf_insert_pfn_prot of frame %#lx at "
			      "[%#lx, %#lx): %s", pfn, vma->vm_start, vma->vm_end,
			      what);
	return cond;
}

/* insert_pfn(): an entry already present wins; the frame gets no reference. */
static vm_fault_t insert_pfn(struct vm_area_struct *vma, unsigned long addr,
			     unsigned long pfn, pgprot_t prot)
{
	spinlock_t *ptl;
	pte_t *ptep;

	ptep = pte_alloc_map(vma->vm_mm, addr & PAGE_MASK, &ptl);
	if (!ptep)
		return VM_FAULT_OOM;
	spin_lock(ptl);
	if (pte_none(ptep_get(ptep)))
		set_pte_at(vma->vm_mm, addr & PAGE_MASK, ptep,
			   pte_mkspecial(pfn_pte(pfn, prot)));
	spin_unlock(ptl);
	return VM_FAULT_NOPAGE;
}

/* vmf_insert_pfn_prot() */
vm_fault_t vmf_insert_pfn_prot(struct vm_area_struct *vma, unsigned long addr,
			       unsigned long pfn, pgprot_t prot)
{
	unsigned long f = vma->vm_flags;

	if (insert_bug(vma, pfn, !(f & (VM_PFNMAP | VM_MIXEDMAP)),
		       "neither VM_PFNMAP nor VM_MIXEDMAP") ||
	    insert_bug(vma, pfn, (f & (VM_PFNMAP | VM_MIXEDMAP)) ==
				 (VM_PFNMAP | VM_MIXEDMAP),
		       "both VM_PFNMAP and VM_MIXEDMAP") ||
	    insert_bug(vma, pfn, (f & VM_PFNMAP) && is_cow_mapping(f),
		       "a private writable VM_PFNMAP (COW) mapping") ||
	    insert_bug(vma, pfn, (f & VM_MIXEDMAP) && pfn_has_memmap(pfn),
		       "a frame with a struct page in VM_MIXEDMAP "
		       "(vmf_insert_mixed() is for those)"))
		return VM_FAULT_SIGBUS;
	if (addr < vma->vm_start || addr >= vma->vm_end || !pfn_valid(pfn))
		return VM_FAULT_SIGBUS;
	return insert_pfn(vma, addr, pfn, prot);
}

vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long pfn)
{
	return vmf_insert_pfn_prot(vma, addr, pfn, vma->vm_page_prot);
}

/* vm_mixed_ok(): the abort conditions of vm_normal_page(), mirrored. */
static bool vm_mixed_ok(const struct vm_area_struct *vma, unsigned long pfn)
{
	return (vma->vm_flags & VM_MIXEDMAP) || is_zero_pfn(pfn);
}

/* __vm_insert_mixed() without mkwrite (vmf_insert_mixed_prot(), v5.8 on). */
vm_fault_t vmf_insert_mixed_prot(struct vm_area_struct *vma, unsigned long addr,
				 unsigned long pfn, pgprot_t prot)
{
	if (insert_bug(vma, pfn, !vm_mixed_ok(vma, pfn),
		       "vmf_insert_mixed in a VMA without VM_MIXEDMAP"))
		return VM_FAULT_SIGBUS;
	if (addr < vma->vm_start || addr >= vma->vm_end || !pfn_valid(pfn))
		return VM_FAULT_SIGBUS;
	return insert_pfn(vma, addr, pfn, prot);
}

vm_fault_t vmf_insert_mixed(struct vm_area_struct *vma, unsigned long addr,
			    unsigned long pfn)
{
	return vmf_insert_mixed_prot(vma, addr, pfn, vma->vm_page_prot);
}

struct wp_walk {
	struct vm_area_struct *vma;
	unsigned long total;
};

/* wp_pte(): write-protects one PTE; its dirty bit stays (mapping_dirty_helpers.c). */
static void wp_pte(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		   spinlock_t *ptl, void *arg)
{
	struct wp_walk *w = arg;
	pte_t pte;

	spin_lock(ptl);
	pte = ptep_get(ptep);
	if (pte_present(pte) && pte_write(pte)) {
		pte = ptep_modify_prot_start(w->vma, addr, ptep);
		ptep_modify_prot_commit(w->vma, addr, ptep, pte_wrprotect(pte));
		w->total++;
	}
	spin_unlock(ptl);
	(void)mm;
}

/*
 * wp_shared_mapping_range(): every PTE mapping pages [first_index,
 * first_index + nr) of @mapping becomes read-only, then the TLBs are
 * flushed, so the next write to any of them faults (->pfn_mkwrite).
 * Returns how many were writable. No mmu notifier (no secondary MMU maps
 * these).
 */
unsigned long wp_shared_mapping_range(struct address_space *mapping,
				      unsigned long first_index,
				      unsigned long nr)
{
	struct vm_area_struct *vma;
	struct wp_walk w = { NULL, 0 };
	unsigned long last = first_index + nr;

	down_read(&mapping->i_mmap_rwsem);
	list_for_each_entry(vma, &mapping->i_mmap, file_list) {
		unsigned long vpages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
		unsigned long lo = first_index > vma->vm_pgoff ? first_index : vma->vm_pgoff;
		unsigned long hi = last < vma->vm_pgoff + vpages ?
				   last : vma->vm_pgoff + vpages;
		unsigned long start, end;

		if (lo >= hi || !(vma->vm_flags & VM_SHARED))
			continue;
		start = vma->vm_start + ((lo - vma->vm_pgoff) << PAGE_SHIFT);
		end = start + ((hi - lo) << PAGE_SHIFT);
		w.vma = vma;
		walk_pte_range(vma->vm_mm, start, end, wp_pte, &w);
		flush_tlb_range(vma, start, end);
	}
	up_read(&mapping->i_mmap_rwsem);
	return w.total;
}
