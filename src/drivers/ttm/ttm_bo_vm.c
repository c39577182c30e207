// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * User mappings of BOs (ttm_bo_vm.c: ttm_bo_mmap_obj(), ttm_bo_vm_reserve(),
 * ttm_bo_vm_fault_reserved(), ttm_bo_vm_fault()), and the designs of
 * seed 000 for the protection a fault inserts with (knob ttm.fault_prot).
 */
#include <errno.h>

#include "drivers/ttm/ttm.h"
#include "mm/arch.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "protmm/sched.h"

DEFINE_KNOB(ttm_fault_prot, "ttm.fault_prot",
	    "the protection a TTM fault inserts a BO's frames with: per_page "
	    "(today: ttm_io_prot() of vma->vm_page_prot per fault); fake_vma "
	    "(2013-2020: recomputed from a stack copy of the VMA's flags, "
	    "losing write-notify); write_once (the thread's proposal: "
	    "WRITE_ONCE(vma->vm_page_prot) under the reservation when it "
	    "changes); vma_fixed (decided once at mmap)",
	    "per_page", "fake_vma", "write_once", "vma_fixed");

/* Prefaulted pages per fault (TTM_BO_VM_NUM_PREFAULT). */
#define TTM_BO_VM_NUM_PREFAULT 16

static const struct vm_operations_struct ttm_bo_vm_ops = {
	.name = "ttm",
	.fault = ttm_bo_vm_fault,
};

/* vmwgfx's (vmw_vm_ops) for a BO with dirty tracking: write notification. */
static const struct vm_operations_struct vmw_vm_ops = {
	.name = "vmwgfx",
	.fault = ttm_bo_vm_fault,
	.page_mkwrite = vmw_bo_vm_mkwrite,
	.pfn_mkwrite = vmw_bo_vm_mkwrite,
};

/*
 * The VMA's own protection without what the placement decides: caching
 * bits cleared (and, on a machine with memory encryption, the encryption
 * bit as vm_get_page_prot() gives it), for write_once to recompute from.
 */
static pgprot_t prot_base(const struct vm_area_struct *vma)
{
	uint64_t enc = arch_ops->sme_me_mask;

	return __pgprot((pgprot_val(vma->vm_page_prot) & ~(_PAGE_CACHE_MASK | enc)) |
			(pgprot_val(vm_get_page_prot(vma->vm_flags)) & enc));
}

/* The placement's protection, as the fault computes it. */
static pgprot_t placement_prot(struct ttm_buffer_object *bo, pgprot_t prot)
{
	prot = ttm_io_prot(bo, bo->resource, prot);
	/* Iomem should not be marked encrypted. */
	if (bo->resource->bus.is_iomem)
		prot = pgprot_decrypted(prot);
	return prot;
}

/*
 * ttm_bo_mmap_obj() through a DRM file: a shared VM_PFNMAP mapping of the
 * BO (no COW: -EINVAL), within the BO (drm_vma_offset_lookup: -EINVAL).
 * Under vma_fixed the protection is decided here, once, from the BO's
 * placement now.
 */
int ttm_bo_mmap(struct mm_struct *mm, struct ttm_buffer_object *bo,
		unsigned long addr, unsigned long len, unsigned int prot)
{
	struct mmap_source src = {
		.mapping = &bo->mapping,
		.vm_ops = bo->dirty ? &vmw_vm_ops : &ttm_bo_vm_ops,
		.private_data = bo,
		.extra_flags = VM_PFNMAP | VM_IO | VM_DONTEXPAND,
		.may_write = true,
	};
	struct vm_area_struct *vma;
	int err;

	if (!len || len > bo->num_pages << PAGE_SHIFT)
		return -EINVAL;
	err = do_mmap(mm, addr, len, prot, MAP_SHARED, &src);
	if (err || knob(&ttm_fault_prot) != TTM_FAULT_PROT_VMA_FIXED)
		return err;
	mmap_write_lock(mm);
	vma = find_vma(mm, addr);
	if (ttm_bo_reserve(bo, NULL) == 0) {
		ttm_bo_wait_moving(bo);
		vma->vm_page_prot = placement_prot(bo, prot_base(vma));
		ttm_bo_unreserve(bo);
	}
	mmap_write_unlock(mm);
	return 0;
}

/*
 * ttm_bo_vm_fault_idle(): a pipelined move's bytes must have landed
 * before the new frames are mapped (the ordinary wait, mmap_lock held).
 */
static void ttm_bo_vm_fault_idle(struct ttm_buffer_object *bo)
{
	ttm_bo_wait_moving(bo);
}

/*
 * write_once: vma->vm_page_prot follows the placement, written under the
 * reservation with mmap_lock held only for reading. Thomas Hellström's
 * argument: all writers are locked out, and it changes only when no PTE
 * of the VMA is valid (right after mmap, or after unmap_mapping_range()
 * under the same reservation).
 */
static pgprot_t write_once_prot(struct vm_area_struct *vma,
				struct ttm_buffer_object *bo)
{
	pgprot_t want = placement_prot(bo, prot_base(vma));

	sched_point(&vma->vm_page_prot, PMM_ACC_READ);
	if (pgprot_val(want) != pgprot_val(vma->vm_page_prot)) {
		sched_point(&vma->vm_page_prot, PMM_ACC_WRITE);
		__atomic_store_n(&vma->vm_page_prot.pgprot, pgprot_val(want),
				 __ATOMIC_RELAXED);
	}
	return vma->vm_page_prot;
}

/* The protection this fault inserts with, per ttm.fault_prot. */
static pgprot_t fault_prot(struct vm_area_struct *vma, struct ttm_buffer_object *bo)
{
	switch (knob(&ttm_fault_prot)) {
	case TTM_FAULT_PROT_FAKE_VMA:
		/* cvma = *vma; cvma.vm_page_prot = vm_get_page_prot(cvma.vm_flags) */
		return placement_prot(bo, vm_get_page_prot(vma->vm_flags));
	case TTM_FAULT_PROT_WRITE_ONCE:
		return write_once_prot(vma, bo);
	case TTM_FAULT_PROT_VMA_FIXED:
		return vma->vm_page_prot;
	default:
		return placement_prot(bo, vma->vm_page_prot);
	}
}

/* The frame of page @i of the BO where it is now. */
static unsigned long bo_pfn(struct ttm_buffer_object *bo, unsigned long i)
{
	if (bo->resource->bus.is_iomem)
		return bo->resource->start + i;
	return page_to_pfn(bo->ttm->pages[i]);
}

/* ttm_bo_vm_fault_reserved(): only the first page's errors count. */
static vm_fault_t ttm_bo_vm_fault_reserved(struct vm_fault *vmf,
					   unsigned long num_prefault)
{
	struct vm_area_struct *vma = vmf->vma;
	struct ttm_buffer_object *bo = vma->vm_private_data;
	unsigned long page_offset;
	unsigned long page_last = ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT);
	unsigned long address = vmf->address, i;
	vm_fault_t ret = VM_FAULT_NOPAGE;
	pgprot_t prot;

	ttm_bo_vm_fault_idle(bo);
	page_offset = ((address - vma->vm_start) >> PAGE_SHIFT);
	if (page_offset >= bo->num_pages)
		return VM_FAULT_SIGBUS;
	prot = fault_prot(vma, bo);
	if (!bo->resource->bus.is_iomem && ttm_tt_populate(bo->ttm))
		return VM_FAULT_OOM;
	for (i = 0; i < num_prefault; i++) {
		ret = vmf_insert_pfn_prot(vma, address, bo_pfn(bo, page_offset), prot);
		if (ret & VM_FAULT_ERROR)
			return i == 0 ? VM_FAULT_NOPAGE : ret & ~VM_FAULT_ERROR;
		address += PAGE_SIZE;
		if (++page_offset >= page_last || page_offset >= bo->num_pages)
			break;
	}
	return ret;
}

/*
 * ttm_bo_vm_fault(): ttm_bo_vm_reserve() (a blocking lock without a
 * context: the model's faults cannot drop mmap_lock and retry), the
 * fault, unreserve.
 */
vm_fault_t ttm_bo_vm_fault(struct vm_fault *vmf)
{
	struct ttm_buffer_object *bo = vmf->vma->vm_private_data;
	vm_fault_t ret;

	ttm_bo_reserve(bo, NULL);
	ret = ttm_bo_vm_fault_reserved(vmf, TTM_BO_VM_NUM_PREFAULT);
	ttm_bo_unreserve(bo);
	return ret;
}
