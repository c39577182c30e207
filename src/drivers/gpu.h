/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A GPU-like PCI device: VRAM behind a BAR (the machine's device memory,
 * never in the buddy allocator, mapped write-combined and never
 * encrypted), a DMA engine that copies pages between system memory and
 * VRAM, and a GTT (graphics translation table) that binds system pages
 * for the device. Every copy goes through phys_access() as a device
 * access, so the data oracle and the architecture see it.
 *
 * Lock: gpu->lock guards the VRAM allocator and the GTT.
 */
#ifndef PMM_DRIVERS_GPU_H
#define PMM_DRIVERS_GPU_H

#include <stdbool.h>

#include "drivers/dma.h"
#include "mem/page.h"
#include "sched/spinlock.h"

#define GPU_GTT_ENTRIES	32768

struct gpu_device {
	/* What the DMA API knows of it: 64-bit DMA, so SME's C-bit fits. */
	struct device dev;
	/* TTM's pool of coherent pages (use_dma_alloc), made on first use. */
	struct dma_page_pool *pool;
	uint64_t vram_bus;		/* the BAR's bus address */
	spinlock_t lock;
	unsigned long vram_start;	/* first frame of the BAR */
	unsigned long vram_pages;
	unsigned char *vram_used;	/* a byte per VRAM frame */
	dma_addr_t *gtt;	/* GPU_GTT_ENTRIES: bound DMA address + 1, or 0 */
	/* Statistics: pages the engine copied. */
	unsigned long copied;
};

/* The machine's device memory becomes the GPU's VRAM; -ENODEV without. */
int gpu_init(struct gpu_device *gpu);
/* A contiguous VRAM range (ttm_range_man's drm_mm): its first frame. */
int gpu_vram_alloc(struct gpu_device *gpu, unsigned long nr, unsigned long *pfn);
void gpu_vram_free(struct gpu_device *gpu, unsigned long pfn, unsigned long nr);
/* GTT slots [slot, slot + nr) map @addrs for the device; -ENOSPC when full. */
int gpu_gtt_bind(struct gpu_device *gpu, const dma_addr_t *addrs,
		 unsigned long nr, unsigned long *slot);
void gpu_gtt_unbind(struct gpu_device *gpu, unsigned long slot, unsigned long nr);
/* The DMA address GTT slot @slot maps, or DMA_MAPPING_ERROR. */
dma_addr_t gpu_gtt_addr(struct gpu_device *gpu, unsigned long slot);

/* The bus address the engine reaches VRAM frame @pfn at. */
dma_addr_t gpu_vram_dma(struct gpu_device *gpu, unsigned long pfn);

/*
 * The DMA engine copies one page from DMA address @src to @dst (a VRAM
 * bus address, or a system page's address from the DMA API: with the
 * C-bit under SME, a decrypted pool page's under SEV). @obj/@off name
 * the logical bytes (a buffer object and its byte offset): the read of
 * @src must find them. 0, or the access's errno.
 */
int gpu_dma_copy(struct gpu_device *gpu, dma_addr_t dst, dma_addr_t src,
		 const void *obj, unsigned long off);
/* The device reads or writes @len bytes at DMA address @addr (one page). */
int gpu_dma_rw(struct gpu_device *gpu, dma_addr_t addr, void *buf,
	       unsigned int len, bool write);

#endif /* PMM_DRIVERS_GPU_H */
