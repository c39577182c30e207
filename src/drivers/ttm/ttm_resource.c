// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resources and their protection (ttm_resource.c, ttm_range_manager.c,
 * ttm_bo_util.c: ttm_io_prot(), ttm_prot_from_caching()).
 */
#include <errno.h>

#include "drivers/ttm/ttm.h"
#include "protmm/sched.h"

/* ttm_prot_from_caching(): cached mappings need no adjustment. */
pgprot_t ttm_prot_from_caching(enum ttm_caching caching, pgprot_t tmp)
{
	if (caching == ttm_cached)
		return tmp;
	if (caching == ttm_write_combined)
		return pgprot_writecombine(tmp);
	return pgprot_noncached(tmp);
}

/*
 * ttm_io_prot(): a placement using a tt takes the tt's caching (and is
 * decrypted if the tt is, TTM_TT_FLAG_DECRYPTED); one that does not takes
 * its bus caching. The fault also clears encryption for I/O memory.
 */
pgprot_t ttm_io_prot(struct ttm_buffer_object *bo, struct ttm_resource *res,
		     pgprot_t tmp)
{
	enum ttm_caching caching;

	if (!res->bus.is_iomem) {
		caching = bo->ttm ? bo->ttm->caching : bo->tt_caching;
		if (bo->ttm && (bo->ttm->page_flags & TTM_TT_FLAG_DECRYPTED))
			tmp = pgprot_decrypted(tmp);
	} else {
		caching = res->bus.caching;
	}
	return ttm_prot_from_caching(caching, tmp);
}

/*
 * ttm_resource_alloc(): VRAM is a contiguous range of the BAR
 * (ttm_range_man_alloc()); SYSTEM and TT take no space of their own, their
 * bytes are the tt's pages (the GTT binding is the tt's). -ENOSPC when
 * VRAM is full.
 */
struct ttm_resource *ttm_resource_alloc(struct ttm_buffer_object *bo, int mem_type)
{
	struct ttm_resource *res = pmm_alloc(sizeof(*res));

	if (!res)
		return NULL;
	res->mem_type = mem_type;
	res->num_pages = bo->num_pages;
	if (mem_type == TTM_PL_VRAM) {
		if (gpu_vram_alloc(&bo->bdev->gpu, bo->num_pages, &res->start))
			return NULL;
		res->bus.is_iomem = true;
		res->bus.caching = ttm_write_combined;
	} else {
		res->bus.caching = ttm_cached;
	}
	return res;
}

void ttm_resource_free(struct ttm_buffer_object *bo, struct ttm_resource *res)
{
	if (res && res->mem_type == TTM_PL_VRAM)
		gpu_vram_free(&bo->bdev->gpu, res->start, res->num_pages);
}
