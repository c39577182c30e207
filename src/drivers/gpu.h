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

#include "mem/page.h"
#include "sched/spinlock.h"

#define GPU_GTT_ENTRIES	32768

struct gpu_device {
	spinlock_t lock;
	unsigned long vram_start;	/* first frame of the BAR */
	unsigned long vram_pages;
	unsigned char *vram_used;	/* a byte per VRAM frame */
	unsigned long *gtt;	/* GPU_GTT_ENTRIES: bound frame + 1, or 0 */
	/* Statistics: pages the engine copied. */
	unsigned long copied;
};

/* The machine's device memory becomes the GPU's VRAM; -ENODEV without. */
int gpu_init(struct gpu_device *gpu);
/* A contiguous VRAM range (ttm_range_man's drm_mm): its first frame. */
int gpu_vram_alloc(struct gpu_device *gpu, unsigned long nr, unsigned long *pfn);
void gpu_vram_free(struct gpu_device *gpu, unsigned long pfn, unsigned long nr);
/* GTT slots [slot, slot + nr) map @pages for the device; -ENOSPC when full. */
int gpu_gtt_bind(struct gpu_device *gpu, struct page *const *pages,
		 unsigned long nr, unsigned long *slot);
void gpu_gtt_unbind(struct gpu_device *gpu, unsigned long slot, unsigned long nr);
/* The frame GTT slot @slot maps, or 0. */
unsigned long gpu_gtt_pfn(struct gpu_device *gpu, unsigned long slot);

/*
 * The DMA engine copies one page from @src to @dst. @obj/@off name the
 * logical bytes (a buffer object and its byte offset): the read of @src
 * must find them, the write to @dst carries them. 0, or the access's errno.
 */
int gpu_dma_copy(struct gpu_device *gpu, unsigned long dst, unsigned long src,
		 const void *obj, unsigned long off);
/* The device reads or writes @len bytes of frame @pfn at @offset. */
int gpu_dma_rw(struct gpu_device *gpu, unsigned long pfn, unsigned int offset,
	       void *buf, unsigned int len, bool write);

#endif /* PMM_DRIVERS_GPU_H */
