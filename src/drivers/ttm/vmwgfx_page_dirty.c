// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vmwgfx's dirty tracking of BO mappings by write notification
 * (vmwgfx_page_dirty.c, VMW_BO_DIRTY_MKWRITE): a BO's user PTEs start
 * read-only; the first write to a page faults into vmw_bo_vm_mkwrite(),
 * which records the page dirty and lets the PTE become writable. A scan
 * write-protects the dirty range again (wp_shared_mapping_range()), and
 * the dirty pages are copied to the device's copy of the object (the
 * resource the BO backs: vmw_bo_dirty_transfer_to_res()).
 *
 * Simplified: the MKWRITE method only (no PAGETABLE method switching on
 * the dirty fraction); the device's copy is a VRAM range of the BO's size.
 */
#include <errno.h>

#include "drivers/ttm/ttm.h"
#include "mm/memory.h"
#include "protmm/sched.h"

#define BITS_PER_LONG_ (8 * sizeof(unsigned long))

/* vmw_bo_dirty_add(), with the device copy the dirty pages go to. */
int vmw_bo_dirty_add(struct ttm_buffer_object *bo)
{
	struct vmw_bo_dirty *d = pmm_alloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->bitmap = pmm_alloc(((bo->num_pages + BITS_PER_LONG_ - 1) /
			       BITS_PER_LONG_) * sizeof(unsigned long));
	if (!d->bitmap)
		return -ENOMEM;
	if (gpu_vram_alloc(&bo->bdev->gpu, bo->num_pages, &d->dev_copy))
		return -ENOSPC;
	d->start = bo->num_pages;
	d->end = 0;
	bo->dirty = d;
	return 0;
}

bool vmw_bo_dirty_test(const struct ttm_buffer_object *bo, unsigned long page)
{
	return bo->dirty && (bo->dirty->bitmap[page / BITS_PER_LONG_] >>
			     (page % BITS_PER_LONG_) & 1);
}

/* vmw_bo_vm_mkwrite(): under the reservation, the page is dirty. */
vm_fault_t vmw_bo_vm_mkwrite(struct vm_fault *vmf)
{
	struct ttm_buffer_object *bo = vmf->vma->vm_private_data;
	unsigned long page = vmf->pgoff - vmf->vma->vm_pgoff;
	struct vmw_bo_dirty *d = bo->dirty;
	vm_fault_t ret = 0;

	ttm_bo_reserve(bo, NULL);
	if (page >= bo->num_pages) {
		ret = VM_FAULT_SIGBUS;
	} else if (d && !vmw_bo_dirty_test(bo, page)) {
		d->bitmap[page / BITS_PER_LONG_] |= 1UL << (page % BITS_PER_LONG_);
		d->start = page < d->start ? page : d->start;
		d->end = page + 1 > d->end ? page + 1 : d->end;
	}
	ttm_bo_unreserve(bo);
	return ret;
}

/*
 * vmw_bo_dirty_scan_mkwrite() then vmw_bo_dirty_transfer_to_res(): the
 * write-protect comes first, so a write after it faults and waits for
 * the reservation; a write before it is one the bitmap already has.
 * Reserved. Returns the pages copied.
 */
int vmw_bo_dirty_sync(struct ttm_buffer_object *bo)
{
	struct vmw_bo_dirty *d = bo->dirty;
	struct gpu_device *gpu = &bo->bdev->gpu;
	unsigned long i;
	dma_addr_t src;
	int n = 0, err;

	if (!d)
		return -EINVAL;
	ttm_bo_wait_moving(bo);
	if (d->end <= d->start)
		return 0;
	wp_shared_mapping_range(&bo->mapping, d->start, d->end - d->start);
	d->scans++;
	if (!bo->resource->bus.is_iomem && ttm_tt_populate(bo->ttm))
		return -ENOMEM;
	for (i = d->start; i < d->end; i++) {
		if (!vmw_bo_dirty_test(bo, i))
			continue;
		src = bo->resource->bus.is_iomem ?
		      gpu_vram_dma(gpu, bo->resource->start + i) :
		      bo->ttm->dma_address[i];
		err = gpu_dma_copy(gpu, gpu_vram_dma(gpu, d->dev_copy + i), src,
				   &bo->mapping, i << PAGE_SHIFT);
		if (err)
			return err;
		d->bitmap[i / BITS_PER_LONG_] &= ~(1UL << (i % BITS_PER_LONG_));
		n++;
	}
	d->start = bo->num_pages;
	d->end = 0;
	return n;
}
