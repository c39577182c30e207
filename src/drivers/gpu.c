// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "drivers/gpu.h"
#include "mem/memtype.h"
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

int gpu_gtt_bind(struct gpu_device *gpu, struct page *const *pages,
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
				gpu->gtt[*slot + j] = page_to_pfn(pages[j]) + 1;
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

unsigned long gpu_gtt_pfn(struct gpu_device *gpu, unsigned long slot)
{
	unsigned long v;

	spin_lock(&gpu->lock);
	v = slot < GPU_GTT_ENTRIES && gpu->gtt[slot] ? gpu->gtt[slot] - 1 : 0;
	spin_unlock(&gpu->lock);
	return v;
}

int gpu_dma_rw(struct gpu_device *gpu, unsigned long pfn, unsigned int offset,
	       void *buf, unsigned int len, bool write)
{
	struct phys_access a = {
		.who = ACCESS_DMA, .cpu = -1, .write = write, .pfn = pfn,
		.offset = offset, .len = len, .buf = buf,
	};

	(void)gpu;
	return phys_access(&a);
}

int gpu_dma_copy(struct gpu_device *gpu, unsigned long dst, unsigned long src,
		 const void *obj, unsigned long off)
{
	unsigned char buf[PAGE_SIZE];
	struct phys_access rd = {
		.who = ACCESS_DMA, .cpu = -1, .pfn = src, .len = PAGE_SIZE,
		.buf = buf, .check_obj = obj, .check_off = off,
	};
	struct phys_access wr = rd;
	int err;

	err = phys_access(&rd);
	if (err)
		return err;
	wr.write = true;
	wr.pfn = dst;
	wr.check_obj = NULL;
	err = phys_access(&wr);
	if (!err)
		__atomic_fetch_add(&gpu->copied, 1, __ATOMIC_RELAXED);
	return err;
}
