// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The system pages of a BO (ttm_tt.c) and where they come from
 * (ttm_pool.c: ttm_pool_alloc()/ttm_pool_free(), order 0 only, no
 * per-caching page lists: a page is handed back to the buddy allocator).
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
	ttm->num_pages = bo->num_pages;
	ttm->caching = bo->tt_caching;
	ttm->pages = pmm_alloc(bo->num_pages * sizeof(*ttm->pages));
	return ttm->pages ? ttm : NULL;
}

/* ttm_tt_populate(): every page, zeroed (ttm_pool_alloc() with __GFP_ZERO). */
int ttm_tt_populate(struct ttm_tt *ttm)
{
	unsigned long i;

	if (ttm->populated)
		return 0;
	for (i = 0; i < ttm->num_pages; i++) {
		struct folio *folio = folio_alloc(__GFP_ZERO, 0);

		if (!folio) {
			while (i--) {
				folio_put(page_folio(ttm->pages[i]));
				ttm->pages[i] = NULL;
			}
			return -ENOMEM;
		}
		ttm->pages[i] = folio_page(folio, 0);
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
		folio_put(page_folio(ttm->pages[i]));
		ttm->pages[i] = NULL;
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
	err = gpu_gtt_bind(&bdev->gpu, ttm->pages, ttm->num_pages, &ttm->gtt_slot);
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
