/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TTM buffer objects (drivers/gpu/drm/ttm/, v6.x) on the GPU of
 * drivers/gpu.h, with vmwgfx's write-notify dirty tracking
 * (vmwgfx_page_dirty.c).
 *
 * A buffer object (BO) lives in one placement at a time: SYSTEM (cached
 * RAM pages of its ttm_tt, not bound for the device), TT (the same pages,
 * bound in the GTT) or VRAM (a contiguous range of the BAR). User space
 * maps it through a DRM-like file: a shared VM_PFNMAP VMA whose ->fault
 * inserts each frame with the protection of the BO's current placement.
 * A move kills every user PTE first (unmap_mapping_range()), then the DMA
 * engine copies; the copy is pipelined: the BO's resource switches at
 * once and a fence says when the bytes are there, which a fault waits
 * for.
 *
 * Lock table:
 *   bo->resv (ww_mutex)   bo->resource, bo->ttm, bo->moving, the dirty
 *                         bitmap; taken by faults (no acquire context),
 *                         moves, evictions and execbuf-like multi-BO
 *                         reservations (with one, backing off on -EDEADLK)
 *   mmap_lock (read)      held by a fault around the reservation
 *   i_mmap_rwsem, PTLs    unmap_mapping_range() and mkclean
 *   gpu->lock             VRAM allocator and GTT
 * Order: mmap_lock -> bo->resv -> i_mmap_rwsem -> PTL.
 *
 * Simplified: the fault never drops mmap_lock to wait (no VM_FAULT_RETRY
 * from ttm_bo_vm_reserve()/ttm_bo_vm_fault_idle(): the interruptible
 * blocking wait of a fault that may not retry); no LRU and no eviction
 * on memory pressure (evict is an explicit operation); no multihop
 * bounce: the engine reaches system pages through a temporary GTT
 * binding; one GPU, one memory pool (ttm_pool without per-order caches).
 */
#ifndef PMM_DRIVERS_TTM_TTM_H
#define PMM_DRIVERS_TTM_TTM_H

#include <stdbool.h>

#include "drivers/gpu.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "sched/completion.h"
#include "sched/knob.h"
#include "sched/ww_mutex.h"

enum { TTM_PL_SYSTEM, TTM_PL_TT, TTM_PL_VRAM, TTM_NUM_MEM_TYPES };

enum ttm_caching { ttm_cached, ttm_write_combined, ttm_uncached };

/* ttm.fault_prot values (knob(&ttm_fault_prot)). */
enum {
	TTM_FAULT_PROT_PER_PAGE,
	TTM_FAULT_PROT_FAKE_VMA,
	TTM_FAULT_PROT_WRITE_ONCE,
	TTM_FAULT_PROT_VMA_FIXED,
};

/* The reservation class of every BO (dma-resv.c's reservation_ww_class). */
extern struct ww_class reservation_ww_class;

struct ttm_device {
	struct gpu_device gpu;
	/* ttm_device_funcs->move() runs, and pages the engine copied. */
	unsigned long moves;
	int next_id;
};

/* ttm_resource: where the bytes are. */
struct ttm_resource {
	int mem_type;
	unsigned long start;		/* VRAM: first frame */
	unsigned long num_pages;
	struct {
		bool is_iomem;
		enum ttm_caching caching;
	} bus;
};

/* ttm_tt: the system pages backing SYSTEM and TT. */
#define TTM_TT_FLAG_DECRYPTED	(1u << 4)

struct ttm_tt {
	struct ttm_device *bdev;
	unsigned long num_pages;
	struct page **pages;
	/* Each page's DMA address for the GPU (ttm_pool's dma_addr). */
	dma_addr_t *dma_address;
	enum ttm_caching caching;
	unsigned int page_flags;
	bool populated;
	bool bound;
	unsigned long gtt_slot;
};

/* A dma_fence of kernel usage: a pipelined move's copy. */
struct dma_fence {
	struct completion done;
};

/* vmw_bo_dirty (VMW_BO_DIRTY_MKWRITE): pages written since the last scan. */
struct vmw_bo_dirty {
	unsigned long start, end;	/* the dirty range, in pages */
	unsigned long *bitmap;
	/* The device's own copy the dirty pages go to (a resource's). */
	unsigned long dev_copy;
	unsigned long scans;
};

struct ttm_buffer_object {
	struct ttm_device *bdev;
	struct ww_mutex resv;
	struct dma_fence *moving;
	struct ttm_resource *resource;
	struct ttm_tt *ttm;
	unsigned long num_pages;
	/* The BO's range of the device's address_space: its user mappings. */
	struct address_space mapping;
	struct vmw_bo_dirty *dirty;
	/* The caching the driver wants for its tt (ttm_tt_init()). */
	enum ttm_caching tt_caching;
	int id;
};

/* A pipelined move's copy, for the engine to run once queued. */
struct ttm_move_job {
	struct ttm_buffer_object *bo;
	struct ttm_resource *old, *new;
	struct ttm_tt *ttm;
	struct dma_fence *fence;
	bool to_vram;
	/* The GTT slots the engine reaches the tt through, and if just for the copy. */
	unsigned long slot;
	bool temp_bound;
};

/* ttm_device_init(): the GPU's VRAM is the machine's device memory. */
int ttm_device_init(struct ttm_device *bdev);

/* ttm_bo_init_reserved() + unreserve: a BO of @size bytes in @mem_type. */
int ttm_bo_init(struct ttm_device *bdev, struct ttm_buffer_object *bo,
		unsigned long size, int mem_type, bool dirty_tracking);
/* The BO's memory goes (its mappings must be gone). */
void ttm_bo_release(struct ttm_buffer_object *bo);

/* ttm_bo_reserve(): ww_mutex_lock of its resv with @ticket (may be NULL). */
int ttm_bo_reserve(struct ttm_buffer_object *bo, struct ww_acquire_ctx *ticket);
void ttm_bo_reserve_slowpath(struct ttm_buffer_object *bo,
			     struct ww_acquire_ctx *ticket);
void ttm_bo_unreserve(struct ttm_buffer_object *bo);

/*
 * ttm_bo_validate(): reserved, move the BO to @mem_type. A copy through
 * the DMA engine is queued in @job (job->bo set); run it with
 * ttm_move_job_run() after unreserving. 0, -ENOSPC, -ENOMEM.
 */
int ttm_bo_validate(struct ttm_buffer_object *bo, int mem_type,
		    struct ttm_move_job *job);
void ttm_move_job_run(struct ttm_move_job *job);
/* Waits for a pipelined move's copy (dma_resv_wait_timeout(KERNEL)). */
void ttm_bo_wait_moving(struct ttm_buffer_object *bo);
/* ttm_bo_unmap_virtual(): every user PTE of the BO goes. */
void ttm_bo_unmap_virtual(struct ttm_buffer_object *bo);

/* ttm_resource.c */
struct ttm_resource *ttm_resource_alloc(struct ttm_buffer_object *bo, int mem_type);
void ttm_resource_free(struct ttm_buffer_object *bo, struct ttm_resource *res);
/* ttm_io_prot(): caching (and, for a decrypted tt, encryption) of @res. */
pgprot_t ttm_io_prot(struct ttm_buffer_object *bo, struct ttm_resource *res,
		     pgprot_t tmp);
/* ttm_prot_from_caching() */
pgprot_t ttm_prot_from_caching(enum ttm_caching caching, pgprot_t tmp);

/* ttm_tt.c / ttm_pool.c */
struct ttm_tt *ttm_tt_create(struct ttm_buffer_object *bo);
int ttm_tt_populate(struct ttm_tt *ttm);
void ttm_tt_unpopulate(struct ttm_tt *ttm);
int ttm_tt_bind(struct ttm_device *bdev, struct ttm_tt *ttm);
void ttm_tt_unbind(struct ttm_device *bdev, struct ttm_tt *ttm);
void ttm_tt_destroy(struct ttm_tt *ttm);
/* Pages the pool handed out and took back (ttm_pool_alloc/free). */
extern unsigned long ttm_pool_allocated, ttm_pool_freed;

/* ttm_bo_vm.c: the DRM file's mmap of a BO. */
int ttm_bo_mmap(struct mm_struct *mm, struct ttm_buffer_object *bo,
		unsigned long addr, unsigned long len, unsigned int prot);
vm_fault_t ttm_bo_vm_fault(struct vm_fault *vmf);

/* vmwgfx_page_dirty.c */
int vmw_bo_dirty_add(struct ttm_buffer_object *bo);
vm_fault_t vmw_bo_vm_mkwrite(struct vm_fault *vmf);
/* Reserved: write-protect the dirty range, copy it to the device's copy. */
int vmw_bo_dirty_sync(struct ttm_buffer_object *bo);
bool vmw_bo_dirty_test(const struct ttm_buffer_object *bo, unsigned long page);

#endif /* PMM_DRIVERS_TTM_TTM_H */
