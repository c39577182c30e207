// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "drivers/gpu.h"
#include "mem/memtype.h"
#include "mm/arch.h"
#include "mem/phys.h"
#include "protmm/sched.h"

int gpu_init(struct gpu_device *gpu)
{
	struct devmem_region *bar;

	memset(gpu, 0, sizeof(*gpu));
	if (!phys || !phys->dev_pages)
		return -ENODEV;
	/* The BAR: all the machine's device memory, ioremap_wc()'d. */
	if (devmem_region_create("vram", phys->dev_pages, _PAGE_CACHE_MODE_WC, &bar))
		return -ENODEV;
	gpu->dev.name = "gpu";
	gpu->dev.dma_mask = DMA_BIT_MASK(64);
	gpu->vram_bus = bar->bus_addr;
	spin_lock_init(&gpu->lock);
	pmm_obj_name(&gpu->lock, "gpu->lock");
	gpu->vram_start = bar->pfn;
	gpu->vram_pages = bar->nr_pages;
	gpu->vram_used = pmm_alloc(gpu->vram_pages);
	gpu->gtt = pmm_alloc(GPU_GTT_ENTRIES * sizeof(*gpu->gtt));
	return gpu->vram_used && gpu->gtt ? 0 : -ENOMEM;
}

/* First fit, as drm_mm's default search does. */
int gpu_vram_alloc(struct gpu_device *gpu, unsigned long nr, unsigned long *pfn)
{
	unsigned long i, run = 0;
	int ret = -ENOSPC;

	spin_lock(&gpu->lock);
	for (i = 0; i < gpu->vram_pages && ret; i++) {
		run = gpu->vram_used[i] ? 0 : run + 1;
		if (run == nr) {
			memset(gpu->vram_used + i + 1 - nr, 1, nr);
			*pfn = gpu->vram_start + i + 1 - nr;
			ret = 0;
		}
	}
	spin_unlock(&gpu->lock);
	return ret;
}

void gpu_vram_free(struct gpu_device *gpu, unsigned long pfn, unsigned long nr)
{
	spin_lock(&gpu->lock);
	if (pfn < gpu->vram_start || pfn + nr > gpu->vram_start + gpu->vram_pages)
		pmm_violation("bug-on", "VRAM free of [%#lx, +%lu) outside the BAR",
			      pfn, nr);
	else
		memset(gpu->vram_used + (pfn - gpu->vram_start), 0, nr);
	spin_unlock(&gpu->lock);
}

int gpu_gtt_bind(struct gpu_device *gpu, const dma_addr_t *addrs,
		 unsigned long nr, unsigned long *slot)
{
	unsigned long i, j, run = 0;
	int ret = -ENOSPC;

	spin_lock(&gpu->lock);
	for (i = 0; i < GPU_GTT_ENTRIES && ret; i++) {
		run = gpu->gtt[i] ? 0 : run + 1;
		if (run == nr) {
			*slot = i + 1 - nr;
			for (j = 0; j < nr; j++)
				gpu->gtt[*slot + j] = addrs[j] + 1;
			ret = 0;
		}
	}
	spin_unlock(&gpu->lock);
	return ret;
}

void gpu_gtt_unbind(struct gpu_device *gpu, unsigned long slot, unsigned long nr)
{
	unsigned long i;

	spin_lock(&gpu->lock);
	for (i = slot; i < slot + nr && i < GPU_GTT_ENTRIES; i++)
		gpu->gtt[i] = 0;
	spin_unlock(&gpu->lock);
}

dma_addr_t gpu_gtt_addr(struct gpu_device *gpu, unsigned long slot)
{
	dma_addr_t v;

	spin_lock(&gpu->lock);
	v = slot < GPU_GTT_ENTRIES && gpu->gtt[slot] ? gpu->gtt[slot] - 1 :
	    DMA_MAPPING_ERROR;
	spin_unlock(&gpu->lock);
	return v;
}

dma_addr_t gpu_vram_dma(struct gpu_device *gpu, unsigned long pfn)
{
	return gpu->vram_bus + ((dma_addr_t)(pfn - gpu->vram_start) << PAGE_SHIFT);
}

/* The frame a DMA address of this device reaches: VRAM, or RAM. */
static unsigned long dma_pfn(struct gpu_device *gpu, dma_addr_t addr)
{
	uint64_t pa = __sme_clr(addr);

	if (pa >= gpu->vram_bus && pa < gpu->vram_bus + (gpu->vram_pages << PAGE_SHIFT))
		return gpu->vram_start + (unsigned long)((pa - gpu->vram_bus) >> PAGE_SHIFT);
	return (unsigned long)(dma_to_phys(&gpu->dev, addr) >> PAGE_SHIFT);
}

/* One page-bounded access at a DMA address: its C-bit is the device's key. */
static int gpu_access(struct gpu_device *gpu, dma_addr_t addr, void *buf,
		      unsigned int len, bool write, const void *obj,
		      unsigned long off)
{
	struct phys_access a = {
		.who = ACCESS_DMA, .cpu = -1, .write = write,
		.pfn = dma_pfn(gpu, addr), .offset = (unsigned int)(addr & ~PAGE_MASK),
		.len = len, .buf = buf, .attrs = addr & arch_ops->sme_me_mask,
		.bus_addr = true, .check_obj = obj, .check_off = off,
	};

	return phys_access(&a);
}

int gpu_dma_rw(struct gpu_device *gpu, dma_addr_t addr, void *buf,
	       unsigned int len, bool write)
{
	return gpu_access(gpu, addr, buf, len, write, NULL, 0);
}

int gpu_dma_copy(struct gpu_device *gpu, dma_addr_t dst, dma_addr_t src,
		 const void *obj, unsigned long off)
{
	unsigned char buf[PAGE_SIZE];
	int err;

	err = gpu_access(gpu, src, buf, PAGE_SIZE, false, obj, off);
	if (!err)
		err = gpu_access(gpu, dst, buf, PAGE_SIZE, true, NULL, 0);
	if (!err)
		__atomic_fetch_add(&gpu->copied, 1, __ATOMIC_RELAXED);
	return err;
}
