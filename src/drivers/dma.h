/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The DMA API over memory encryption (kernel/dma/direct.c, mapping.c,
 * swiotlb.c, and TTM's pool of coherent pages, drivers/gpu/drm/ttm/
 * ttm_pool.c): what seed 003 argues about.
 *
 *  - force_dma_unencrypted(): under SEV always (the device is the
 *    hypervisor's); under SME for a device whose mask cannot carry the
 *    C-bit.
 *  - Coherent buffers (dma_alloc_coherent()): for such a device the pages
 *    are decrypted in the direct map on allocation (set_memory_decrypted,
 *    slow: TLB and cache flushes, a hypercall) and encrypted again on
 *    free; their DMA address has no C-bit.
 *  - A pool of coherent pages (dma_page_pool_*): freed pages stay in it,
 *    decrypted, for the next allocation; only shrinking the pool gives
 *    them back (seed 003 patch 4; TTM's ttm_pool with use_dma_alloc).
 *    Knob dma.decrypted_pool.
 *  - Streaming mappings (dma_map_page()): the page's own DMA address, or
 *    under SEV (swiotlb forced) and for devices that cannot reach the
 *    address, a SWIOTLB bounce slot in decrypted memory, copied from the
 *    page at map time and the sync/unmap points the direction says.
 *  - dma_mmap_coherent(): a user mapping of a coherent buffer with
 *    dma_pgprot(), which clears the C-bit where the buffer is decrypted.
 *
 * Buffers are in the model's frames: @pfn is the first frame (the kernel
 * returns a virtual address in the direct map; the model indexes the
 * direct map by frame).
 */
#ifndef PMM_DRIVERS_DMA_H
#define PMM_DRIVERS_DMA_H

#include <stdbool.h>
#include <stddef.h>

#include "drivers/dma_dev.h"
#include "mm/cc_platform.h"
#include "mm/mm.h"

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

/* force_dma_unencrypted() (arch/x86/mm/mem_encrypt.c). */
bool force_dma_unencrypted(const struct device *dev);
/* phys_to_dma(): the C-bit unless the device must use decrypted memory. */
dma_addr_t phys_to_dma(const struct device *dev, uint64_t paddr);
/* phys_to_dma_unencrypted(). */
dma_addr_t phys_to_dma_unencrypted(const struct device *dev, uint64_t paddr);
uint64_t dma_to_phys(const struct device *dev, dma_addr_t addr);

/*
 * dma_alloc_coherent(): 2^order frames, zeroed, reachable by @dev at
 * *@handle; the first frame in *@pfn. -ENOMEM.
 */
int dma_alloc_coherent(struct device *dev, size_t size, unsigned long *pfn,
		       dma_addr_t *handle);
void dma_free_coherent(struct device *dev, size_t size, unsigned long pfn,
		       dma_addr_t handle);

/* dma_pgprot() (kernel/dma/mapping.c): decrypted where the buffer is. */
pgprot_t dma_pgprot(struct device *dev, pgprot_t prot, unsigned long attrs);
#define DMA_ATTR_WRITE_COMBINE	(1UL << 2)

/*
 * dma_mmap_coherent() -> dma_direct_mmap(): maps the buffer's frames at
 * [vma->vm_start, vm_end) of a VM_PFNMAP|VM_IO VMA, with vm_page_prot
 * set by dma_pgprot() (remap_pfn_range()). Called, as f_op->mmap is,
 * with mmap_lock held for writing. -ENXIO past the buffer.
 */
int dma_mmap_coherent(struct device *dev, struct vm_area_struct *vma,
		      unsigned long pfn, dma_addr_t handle, size_t size);

/* Streaming DMA (kernel/dma/direct.h). DMA_MAPPING_ERROR on failure. */
dma_addr_t dma_map_page(struct device *dev, struct page *page,
			unsigned int offset, size_t size,
			enum dma_data_direction dir);
void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir);
void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir);
void dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				size_t size, enum dma_data_direction dir);

/* The pool of coherent pages (ttm_pool with use_dma_alloc), order 0. */
struct dma_page_pool;
struct dma_page_pool *dma_page_pool_create(struct device *dev);
int dma_page_pool_alloc(struct dma_page_pool *pool, unsigned long *pfn,
			dma_addr_t *handle);
void dma_page_pool_free(struct dma_page_pool *pool, unsigned long pfn,
			dma_addr_t handle);
/* ttm_pool_shrink(): frees up to @nr pooled pages; returns how many. */
unsigned long dma_page_pool_shrink(struct dma_page_pool *pool, unsigned long nr);
/* ttm_pool_fini(): every pooled page freed. */
void dma_page_pool_destroy(struct dma_page_pool *pool);
/* How many pages the pool holds now. */
unsigned long dma_page_pool_count(struct dma_page_pool *pool);

/* SWIOTLB (swiotlb.c). */
bool is_swiotlb_force_bounce(const struct device *dev);
/* swiotlb_map(): a bounce slot for [paddr, +size), or DMA_MAPPING_ERROR. */
dma_addr_t swiotlb_map(struct device *dev, uint64_t paddr, size_t size,
		       enum dma_data_direction dir);
/* Whether @addr is a bounce slot's (is_swiotlb_buffer()). */
bool is_swiotlb_buffer(struct device *dev, dma_addr_t addr);
void swiotlb_tbl_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
			      enum dma_data_direction dir);
void swiotlb_sync_single_for_cpu(struct device *dev, dma_addr_t addr,
				 size_t size, enum dma_data_direction dir);
void swiotlb_sync_single_for_device(struct device *dev, dma_addr_t addr,
				    size_t size, enum dma_data_direction dir);
/* Slots in use (tests: every mapping released). */
unsigned int swiotlb_used(void);

/*
 * This execution's DMA state: dma_reset() (machine init) forgets the
 * last execution's; dma_teardown() (machine teardown) frees the SWIOTLB
 * pool and every page pool.
 */
void dma_reset(void);
void dma_teardown(void);
void swiotlb_reset(void);
void swiotlb_teardown(void);

#endif /* PMM_DRIVERS_DMA_H */
