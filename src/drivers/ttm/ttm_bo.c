// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Buffer objects: creation, reservation, move and eviction (ttm_bo.c:
 * ttm_bo_validate(), ttm_bo_handle_move_mem(); ttm_bo_util.c:
 * ttm_bo_move_accel_cleanup(); ttm_device.c).
 */
#include <errno.h>
#include <string.h>

#include "drivers/ttm/ttm.h"
#include "mm/rmap.h"
#include "protmm/sched.h"

DEFINE_WW_CLASS(reservation_ww_class);

int ttm_device_init(struct ttm_device *bdev)
{
	memset(bdev, 0, sizeof(*bdev));
	return gpu_init(&bdev->gpu);
}

static void address_space_init(struct address_space *mapping, void *host)
{
	mapping->host = host;
	init_rwsem(&mapping->i_mmap_rwsem);
	INIT_LIST_HEAD(&mapping->i_mmap);
	atomic_set(&mapping->i_mmap_writable, 0);
}

int ttm_bo_init(struct ttm_device *bdev, struct ttm_buffer_object *bo,
		unsigned long size, int mem_type, bool dirty_tracking)
{
	if (!size || size & ~PAGE_MASK || mem_type < 0 ||
	    mem_type >= TTM_NUM_MEM_TYPES)
		return -EINVAL;
	memset(bo, 0, sizeof(*bo));
	bo->bdev = bdev;
	bo->num_pages = size >> PAGE_SHIFT;
	bo->id = bdev->next_id++;
	bo->tt_caching = ttm_cached;
	ww_mutex_init(&bo->resv, &reservation_ww_class);
	pmm_obj_namef(&bo->resv, "bo%d->resv", bo->id);
	address_space_init(&bo->mapping, bo);
	pmm_obj_namef(&bo->mapping.i_mmap_rwsem, "bo%d i_mmap_rwsem", bo->id);
	bo->resource = ttm_resource_alloc(bo, mem_type);
	if (!bo->resource)
		return -ENOSPC;
	if (mem_type != TTM_PL_VRAM) {
		bo->ttm = ttm_tt_create(bo);
		if (!bo->ttm)
			return -ENOMEM;
		if (mem_type == TTM_PL_TT && ttm_tt_bind(bdev, bo->ttm))
			return -ENOSPC;
	}
	return dirty_tracking ? vmw_bo_dirty_add(bo) : 0;
}

/* ttm_bo_release(): after the last user; waits for a move still copying. */
void ttm_bo_release(struct ttm_buffer_object *bo)
{
	ttm_bo_wait_moving(bo);
	if (bo->ttm) {
		ttm_tt_unbind(bo->bdev, bo->ttm);
		ttm_tt_destroy(bo->ttm);
		bo->ttm = NULL;
	}
	ttm_resource_free(bo, bo->resource);
	bo->resource = NULL;
	if (bo->dirty)
		gpu_vram_free(&bo->bdev->gpu, bo->dirty->dev_copy, bo->num_pages);
	bo->dirty = NULL;
}

int ttm_bo_reserve(struct ttm_buffer_object *bo, struct ww_acquire_ctx *ticket)
{
	return ww_mutex_lock(&bo->resv, ticket);
}

/* ttm_bo_reserve_slowpath(): the contended lock, after backing off. */
void ttm_bo_reserve_slowpath(struct ttm_buffer_object *bo,
			     struct ww_acquire_ctx *ticket)
{
	ww_mutex_lock_slow(&bo->resv, ticket);
}

void ttm_bo_unreserve(struct ttm_buffer_object *bo)
{
	ww_mutex_unlock(&bo->resv);
}

static void resv_assert_held(struct ttm_buffer_object *bo, const char *what)
{
	if (!ww_mutex_held(&bo->resv))
		pmm_violation("bug-on", "%s of bo%d without its reservation",
			      what, bo->id);
}

/*
 * dma_resv_wait_timeout(DMA_RESV_USAGE_KERNEL): the copy of a pipelined
 * move is done. Reserved (the next move cannot queue another meanwhile).
 */
void ttm_bo_wait_moving(struct ttm_buffer_object *bo)
{
	struct dma_fence *f = bo->moving;

	if (f && !completion_done(&f->done))
		wait_for_completion(&f->done);
}

/* ttm_bo_unmap_virtual(): the whole BO's range of the device mapping. */
void ttm_bo_unmap_virtual(struct ttm_buffer_object *bo)
{
	unmap_mapping_range(&bo->mapping, 0, bo->num_pages, true);
}

/* SYSTEM <-> TT: the same pages, bound or unbound (ttm_bo_move_to_system()). */
static int move_tt(struct ttm_buffer_object *bo, struct ttm_resource *new)
{
	int err = 0;

	if (new->mem_type == TTM_PL_TT)
		err = ttm_tt_bind(bo->bdev, bo->ttm);
	else
		ttm_tt_unbind(bo->bdev, bo->ttm);
	if (err)
		return err;
	ttm_resource_free(bo, bo->resource);
	bo->resource = new;
	return 0;
}

/*
 * ttm_bo_move_accel_cleanup() of a pipelined copy: the new resource is the
 * BO's now; the old one (and, into VRAM, the old tt) goes to the job, as
 * to the kernel's ghost object, and is freed when the fence signals.
 */
static int move_accel(struct ttm_buffer_object *bo, struct ttm_resource *new,
		      struct ttm_move_job *job)
{
	struct dma_fence *fence = pmm_alloc(sizeof(*fence));
	int err;

	if (!fence)
		return -ENOMEM;
	init_completion(&fence->done);
	pmm_obj_namef(&fence->done, "bo%d move fence", bo->id);
	/* Either side that is system pages has them (an unpopulated tt reads as zeros). */
	if (!bo->ttm)
		bo->ttm = ttm_tt_create(bo);
	if (!bo->ttm)
		return -ENOMEM;
	err = ttm_tt_populate(bo->ttm);
	if (err)
		return err;
	*job = (struct ttm_move_job){
		.bo = bo, .old = bo->resource, .new = new, .ttm = bo->ttm,
		.fence = fence, .to_vram = new->mem_type == TTM_PL_VRAM,
	};
	if (new->mem_type == TTM_PL_TT || job->ttm->bound) {
		err = ttm_tt_bind(bo->bdev, job->ttm);
		job->slot = job->ttm->gtt_slot;
	} else {
		err = gpu_gtt_bind(&bo->bdev->gpu, job->ttm->dma_address,
				   bo->num_pages, &job->slot);
		job->temp_bound = !err;
	}
	if (err) {
		job->bo = NULL;
		return err;
	}
	if (job->to_vram)
		bo->ttm = NULL;
	bo->moving = fence;
	bo->resource = new;
	return 0;
}

/* ttm_bo_handle_move_mem(): every user PTE goes before the bytes move. */
int ttm_bo_validate(struct ttm_buffer_object *bo, int mem_type,
		    struct ttm_move_job *job)
{
	struct ttm_resource *new;
	int old;

	job->bo = NULL;
	resv_assert_held(bo, "ttm_bo_validate");
	if (mem_type < 0 || mem_type >= TTM_NUM_MEM_TYPES)
		return -EINVAL;
	ttm_bo_wait_moving(bo);
	old = bo->resource->mem_type;
	if (old == mem_type)
		return 0;
	new = ttm_resource_alloc(bo, mem_type);
	if (!new)
		return -ENOSPC;
	ttm_bo_unmap_virtual(bo);
	bo->bdev->moves++;
	if (old != TTM_PL_VRAM && mem_type != TTM_PL_VRAM)
		return move_tt(bo, new);
	return move_accel(bo, new, job);
}

/* Page @i of @res as the engine reaches it: VRAM's bus address, or the GTT's. */
static dma_addr_t engine_dma(struct ttm_move_job *job, struct ttm_resource *res,
			     unsigned long i)
{
	struct gpu_device *gpu = &job->bo->bdev->gpu;

	if (res->mem_type == TTM_PL_VRAM)
		return gpu_vram_dma(gpu, res->start + i);
	return gpu_gtt_addr(gpu, job->slot + i);
}

/*
 * The DMA engine runs the copy, then the fence signals and the old
 * memory goes (the ghost object's release).
 */
void ttm_move_job_run(struct ttm_move_job *job)
{
	struct ttm_buffer_object *bo = job->bo;
	struct ttm_device *bdev;
	unsigned long i;

	if (!bo)
		return;
	bdev = bo->bdev;
	for (i = 0; i < bo->num_pages; i++)
		gpu_dma_copy(&bdev->gpu, engine_dma(job, job->new, i),
			     engine_dma(job, job->old, i), &bo->mapping,
			     i << PAGE_SHIFT);
	if (job->temp_bound)
		gpu_gtt_unbind(&bdev->gpu, job->slot, bo->num_pages);
	complete_all(&job->fence->done);
	ttm_resource_free(bo, job->old);
	if (job->to_vram) {
		ttm_tt_unbind(bdev, job->ttm);
		ttm_tt_destroy(job->ttm);
	}
	job->bo = NULL;
}
