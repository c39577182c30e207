// SPDX-License-Identifier: LGPL-2.1-or-later
/* The GPU and its buffer objects as machine operations (protmm/ttm.h). */
#include <errno.h>

#include "drivers/ttm/ttm.h"
#include "machine/machine.h"
#include "mem/phys.h"
#include "mm/vvar.h"
#include "sched/mutex.h"
#include "protmm/ttm.h"
#include "sched/knob.h"

DEFINE_KNOB(ttm_reserve, "ttm.reserve",
	    "a multi-BO reservation takes its BOs with an acquire context and "
	    "backs off on -EDEADLK (ww, today's ttm_eu_reserve_buffers() and "
	    "drm_exec), or as plain mutexes, dma_resv_lock(resv, NULL) (mutex)",
	    "ww", "mutex");

#define MACHINE_MAX_BOS 16

struct pmm_bo {
	struct ttm_buffer_object bo;
};

/* This execution's device, made with its first BO. */
static struct ttm_machine {
	struct ttm_device bdev;
	struct pmm_bo *bos[MACHINE_MAX_BOS];
	unsigned int nr_bos;
} *tm;

/*
 * This execution's vvar pages, made by the first vvar call. The kernel
 * makes them at boot; made lazily, they are made under vvar_lock, so a
 * second task waits for them rather than using a half-made set.
 */
static struct vvar_pages *vvar;
static struct mutex vvar_lock;

void ttm_machine_reset(void)
{
	tm = NULL;
	vvar = NULL;
	mutex_init(&vvar_lock);
}

/* After every process exited: the BOs' memory goes, before the leak check. */
void ttm_machine_finish(void)
{
	unsigned int i;

	if (vvar)
		vvar_pages_free(vvar);
	vvar = NULL;
	if (!tm)
		return;
	for (i = 0; i < tm->nr_bos; i++)
		ttm_bo_release(&tm->bos[i]->bo);
	if (tm->bdev.gpu.pool)
		dma_page_pool_destroy(tm->bdev.gpu.pool);
	tm = NULL;
}

static int ttm_machine_get(void)
{
	int err;

	if (tm)
		return 0;
	tm = pmm_alloc(sizeof(*tm));
	if (!tm)
		return -ENOMEM;
	err = ttm_device_init(&tm->bdev);
	if (err)
		tm = NULL;
	return err;
}

struct pmm_bo *pmm_bo_create(unsigned long size, int placement,
			     unsigned int flags, int *err)
{
	struct pmm_bo *b;
	int e = ttm_machine_get();

	if (!e && (flags & ~PMM_BO_DIRTY))
		e = -EINVAL;
	if (!e && tm->nr_bos == MACHINE_MAX_BOS)
		e = -ENOSPC;
	b = e ? NULL : pmm_alloc(sizeof(*b));
	if (!e && !b)
		e = -ENOMEM;
	if (!e) {
		tm->bos[tm->nr_bos++] = b;
		e = ttm_bo_init(&tm->bdev, &b->bo, size, placement,
				flags & PMM_BO_DIRTY);
	}
	if (err)
		*err = e;
	return e ? NULL : b;
}

int pmm_bo_mmap(struct pmm_process *p, unsigned long addr, unsigned long len,
		unsigned int prot, struct pmm_bo *bo)
{
	if (process_gone(p))
		return -ESRCH;
	return ttm_bo_mmap(p->mm, &bo->bo, addr, len, prot);
}

int pmm_bo_move(struct pmm_bo *b, int placement)
{
	struct ttm_move_job job;
	int err;

	ttm_bo_reserve(&b->bo, NULL);
	err = ttm_bo_validate(&b->bo, placement, &job);
	ttm_bo_unreserve(&b->bo);
	/* The engine copies while the BO is unreserved, as a GPU would. */
	ttm_move_job_run(&job);
	return err;
}

/*
 * ttm_eu_reserve_buffers()/drm_exec's loop: on -EDEADLK everything held
 * is dropped, the contended BO is taken with the slow path, then the rest.
 */
static int reserve_ww(struct ttm_buffer_object *bos[2])
{
	struct ttm_buffer_object *contended = NULL;
	struct ww_acquire_ctx ctx;
	bool held[2];
	int backoffs = 0, i, j, err;

	ww_acquire_init(&ctx, &reservation_ww_class);
retry:
	held[0] = held[1] = false;
	if (contended) {
		ttm_bo_reserve_slowpath(contended, &ctx);
		held[contended == bos[1]] = true;
	}
	for (i = 0; i < 2; i++) {
		if (held[i])
			continue;
		err = ttm_bo_reserve(bos[i], &ctx);
		if (err == -EDEADLK) {
			for (j = 0; j < 2; j++)
				if (held[j])
					ttm_bo_unreserve(bos[j]);
			contended = bos[i];
			backoffs++;
			goto retry;
		}
		held[i] = true;
	}
	/* The validation and command submission would run here. */
	for (i = 1; i >= 0; i--)
		ttm_bo_unreserve(bos[i]);
	ww_acquire_fini(&ctx);
	return backoffs;
}

int pmm_bo_reserve_pair(struct pmm_bo *a, struct pmm_bo *b)
{
	struct ttm_buffer_object *bos[2] = { &a->bo, &b->bo };

	if (a == b)
		return -EINVAL;
	if (knob(&ttm_reserve) == 0)
		return reserve_ww(bos);
	ttm_bo_reserve(bos[0], NULL);
	ttm_bo_reserve(bos[1], NULL);
	ttm_bo_unreserve(bos[1]);
	ttm_bo_unreserve(bos[0]);
	return 0;
}

int pmm_bo_sync(struct pmm_bo *b)
{
	int ret;

	ttm_bo_reserve(&b->bo, NULL);
	ret = vmw_bo_dirty_sync(&b->bo);
	ttm_bo_unreserve(&b->bo);
	return ret;
}

int pmm_bo_device_read(struct pmm_bo *b, unsigned long off, void *buf, size_t len)
{
	struct ttm_buffer_object *bo = &b->bo;
	int err;

	if (!bo->dirty)
		return -EINVAL;
	if (off >= bo->num_pages << PAGE_SHIFT || !len ||
	    len > (bo->num_pages << PAGE_SHIFT) - off ||
	    (off & ~PAGE_MASK) + len > PAGE_SIZE)
		return -EINVAL;
	err = gpu_dma_rw(&bo->bdev->gpu,
			 gpu_vram_dma(&bo->bdev->gpu, bo->dirty->dev_copy + (off >> PAGE_SHIFT)) +
			 (off & ~PAGE_MASK), buf, (unsigned int)len, false);
	return err ? err : (int)len;
}

int pmm_bo_placement(const struct pmm_bo *b)
{
	const struct ttm_resource *res = __atomic_load_n(&b->bo.resource,
							 __ATOMIC_RELAXED);

	return res ? res->mem_type : -ENOENT;
}

unsigned long pmm_ttm_moves(void)
{
	return tm ? tm->bdev.moves : 0;
}

unsigned long pmm_ttm_pages_copied(void)
{
	return tm ? tm->bdev.gpu.copied : 0;
}

static int vvar_get(void)
{
	struct vvar_pages *v;
	int err = 0;

	mutex_lock(&vvar_lock);
	if (vvar)
		goto out;
	v = pmm_alloc(sizeof(*v));
	err = v ? vvar_pages_init(v) : -ENOMEM;
	if (!err)
		vvar = v;
out:
	mutex_unlock(&vvar_lock);
	return err ? -ENOMEM : 0;
}

int pmm_vvar_map(struct pmm_process *p, unsigned long addr)
{
	int err = vvar_get();

	if (err)
		return err;
	return process_gone(p) ? -ESRCH : vvar_map(p->mm, addr, vvar);
}

static int vvar_page_write(bool hv, unsigned long off, const void *buf,
			   size_t len)
{
	struct phys_access a = {
		.who = hv ? ACCESS_DMA : ACCESS_KERNEL, .cpu = machine_cpu(),
		.write = true, .offset = (unsigned int)off,
		.len = (unsigned int)len, .buf = (void *)buf,
	};
	int err = vvar_get();

	if (err)
		return err;
	if (off >= PAGE_SIZE || !len || len > PAGE_SIZE - off)
		return -EINVAL;
	a.pfn = hv ? vvar->pvclock_pfn : vvar->vvar_pfn;
	/* The hypervisor writes DRAM as it is, without the guest's key. */
	a.bus_addr = hv;
	err = phys_access(&a);
	return err ? err : (int)len;
}

int pmm_vvar_write(unsigned long off, const void *buf, size_t len)
{
	return vvar_page_write(false, off, buf, len);
}

int pmm_pvclock_write(unsigned long off, const void *buf, size_t len)
{
	return vvar_page_write(true, off, buf, len);
}
