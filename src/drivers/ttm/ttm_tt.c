// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The system pages of a BO (ttm_tt.c) and where they come from
 * (ttm_pool.c: ttm_pool_alloc()/ttm_pool_free(), order 0 only). With
 * use_dma_alloc in an SEV guest (ttm_tt_init_fields(): TT memory
 * decryption), pages come from the DMA API's pool of decrypted coherent
 * pages and the tt is TTM_TT_FLAG_DECRYPTED, so the device can read them
 * and user mappings are made decrypted (ttm_io_prot()); otherwise they
 * are plain pages with phys_to_dma() addresses (the C-bit under SME).
 * Simplified: no per-caching page lists, no streaming (SWIOTLB) path.
 */
#include <errno.h>

#include "drivers/ttm/ttm.h"
#include "mem/folio.h"
#include "protmm/sched.h"

unsigned long ttm_pool_allocated, ttm_pool_freed;

/* ttm_tt_create() + ttm_tt_init(): no pages yet. */
struct ttm_tt *ttm_tt_create(struct ttm_buffer_object *bo)
{
	struct ttm_tt *ttm = pmm_alloc(sizeof(*ttm));

	if (!ttm)
		return NULL;
	ttm->bdev = bo->bdev;
	ttm->num_pages = bo->num_pages;
	ttm->caching = bo->tt_caching;
	if (cc_guest_mem_encrypt())
		ttm->page_flags |= TTM_TT_FLAG_DECRYPTED;
	ttm->pages = pmm_alloc(bo->num_pages * sizeof(*ttm->pages));
	ttm->dma_address = pmm_alloc(bo->num_pages * sizeof(*ttm->dma_address));
	return ttm->pages && ttm->dma_address ? ttm : NULL;
}

/* ttm_pool_alloc() of one page: from the decrypted pool, or the buddy. */
static int pool_alloc_page(struct ttm_tt *ttm, unsigned long i)
{
	struct gpu_device *gpu = &ttm->bdev->gpu;
	unsigned long pfn;
	struct folio *folio;

	if (ttm->page_flags & TTM_TT_FLAG_DECRYPTED) {
		if (!gpu->pool)
			gpu->pool = dma_page_pool_create(&gpu->dev);
		if (!gpu->pool ||
		    dma_page_pool_alloc(gpu->pool, &pfn, &ttm->dma_address[i]))
			return -ENOMEM;
		ttm->pages[i] = pfn_to_page(pfn);
		return 0;
	}
	folio = folio_alloc(__GFP_ZERO, 0);
	if (!folio)
		return -ENOMEM;
	ttm->pages[i] = folio_page(folio, 0);
	ttm->dma_address[i] = phys_to_dma(&gpu->dev,
					  (uint64_t)folio_pfn(folio) << PAGE_SHIFT);
	return 0;
}

static void pool_free_page(struct ttm_tt *ttm, unsigned long i)
{
	if (ttm->page_flags & TTM_TT_FLAG_DECRYPTED)
		dma_page_pool_free(ttm->bdev->gpu.pool, page_to_pfn(ttm->pages[i]),
				   ttm->dma_address[i]);
	else
		folio_put(page_folio(ttm->pages[i]));
	ttm->pages[i] = NULL;
}

/* ttm_tt_populate(): every page, zeroed. */
int ttm_tt_populate(struct ttm_tt *ttm)
{
	unsigned long i;

	if (ttm->populated)
		return 0;
	for (i = 0; i < ttm->num_pages; i++) {
		if (pool_alloc_page(ttm, i)) {
			while (i--)
				pool_free_page(ttm, i);
			return -ENOMEM;
		}
		ttm_pool_allocated++;
	}
	ttm->populated = true;
	return 0;
}

/* ttm_tt_unpopulate(): the pages go back (ttm_pool_free()). */
void ttm_tt_unpopulate(struct ttm_tt *ttm)
{
	unsigned long i;

	if (!ttm->populated)
		return;
	for (i = 0; i < ttm->num_pages; i++) {
		pool_free_page(ttm, i);
		ttm_pool_freed++;
	}
	ttm->populated = false;
}

/* ttm_tt_bind() (the driver's ttm_backend bind): the pages in the GTT. */
int ttm_tt_bind(struct ttm_device *bdev, struct ttm_tt *ttm)
{
	int err;

	if (ttm->bound)
		return 0;
	if (ttm->num_pages > GPU_GTT_ENTRIES)
		return -ENOSPC;
	err = ttm_tt_populate(ttm);
	if (err)
		return err;
	err = gpu_gtt_bind(&bdev->gpu, ttm->dma_address, ttm->num_pages,
			   &ttm->gtt_slot);
	if (!err)
		ttm->bound = true;
	return err;
}

void ttm_tt_unbind(struct ttm_device *bdev, struct ttm_tt *ttm)
{
	if (!ttm->bound)
		return;
	gpu_gtt_unbind(&bdev->gpu, ttm->gtt_slot, ttm->num_pages);
	ttm->bound = false;
}

/* ttm_tt_destroy(): unbound and unpopulated first. */
void ttm_tt_destroy(struct ttm_tt *ttm)
{
	if (ttm->bound)
		pmm_violation("bug-on", "ttm_tt_destroy of a tt still bound in the GTT");
	ttm_tt_unpopulate(ttm);
}
