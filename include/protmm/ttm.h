/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/ttm.h - a GPU with VRAM and TTM buffer objects (seeds 000, 003).
 *
 * The machine needs device memory (pmm_machine_opts.dev_bytes): it is the
 * GPU's VRAM. A buffer object (BO) lives in one placement at a time —
 * SYSTEM (RAM pages), TT (the same pages bound in the GPU's GTT) or VRAM —
 * and moves between them behind the back of whoever maps it: a move
 * unmaps every user PTE, and the next access faults the BO's frames in
 * again with the protection of its new placement (knob ttm.fault_prot).
 *
 * Every call returns 0 (or a count) or a negative errno; -ENODEV: the
 * machine has no device memory.
 */
#ifndef PROTMM_TTM_H
#define PROTMM_TTM_H

#include <stdbool.h>
#include <stddef.h>

#include "protmm/machine.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_bo;

#define PMM_BO_SYSTEM	0
#define PMM_BO_TT	1
#define PMM_BO_VRAM	2

/* vmwgfx-like dirty tracking of user writes by write notification. */
#define PMM_BO_DIRTY	0x1u

/* A BO of @size bytes (page multiple) in @placement; NULL on failure (*err). */
PMM_API struct pmm_bo *pmm_bo_create(unsigned long size, int placement,
				     unsigned int flags, int *err);
/* The DRM file's mmap of the BO in @p: shared (MAP_PRIVATE -EINVAL), len <= size. */
PMM_API int pmm_bo_mmap(struct pmm_process *p, unsigned long addr,
			unsigned long len, unsigned int prot, struct pmm_bo *bo);
/* Reserve, move to @placement (a pipelined DMA copy), unreserve. */
PMM_API int pmm_bo_move(struct pmm_bo *bo, int placement);
/*
 * An execbuf-like reservation of @a then @b, released at once. Knob
 * ttm.reserve: ww (an acquire context, backing off on -EDEADLK: the
 * back-offs are the result) or mutex (plain locks, which deadlock when
 * two tasks take them in opposite orders).
 */
PMM_API int pmm_bo_reserve_pair(struct pmm_bo *a, struct pmm_bo *b);
/* The device takes the pages written since last time: the number copied. */
PMM_API int pmm_bo_sync(struct pmm_bo *bo);
/* The device reads its copy (pmm_bo_sync()) of the BO at @off. */
PMM_API int pmm_bo_device_read(struct pmm_bo *bo, unsigned long off, void *buf,
			       size_t len);
/* The BO's placement, as a look without a lock (final conditions). */
PMM_API int pmm_bo_placement(const struct pmm_bo *bo);
/* Moves so far, and pages the DMA engine copied. */
PMM_API unsigned long pmm_ttm_moves(void);
PMM_API unsigned long pmm_ttm_pages_copied(void);

/*
 * A vvar-like special mapping (seed 000): two read-only pages at @addr of
 * @p, each inserted at fault time with its own protection: page 0 the
 * kernel's vvar data, page 1 a pvclock page shared with the hypervisor.
 */
PMM_API int pmm_vvar_map(struct pmm_process *p, unsigned long addr);
/* The kernel writes the vvar page, through its direct map. */
PMM_API int pmm_vvar_write(unsigned long off, const void *buf, size_t len);
/* The hypervisor writes the pvclock page (plain bytes, as a device would). */
PMM_API int pmm_pvclock_write(unsigned long off, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_TTM_H */
