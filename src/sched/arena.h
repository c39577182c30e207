/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-execution memory. Executions are stateless: each starts from nothing,
 * so everything it allocates comes from an arena that is reset, not freed,
 * when the next one starts. Chunks are kept across resets, so after the
 * first execution no allocation reaches malloc.
 */
#ifndef PMM_SCHED_ARENA_H
#define PMM_SCHED_ARENA_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	struct arena_chunk *cur;
	/*
	 * Most bytes one execution may hold; NULL from arena_alloc() past it.
	 * Exact for one thread; a shared arena counts whole chunks.
	 */
	size_t limit;
	size_t used;
	/* Allocations from several threads (the native backend) lock. */
	bool shared;
	pthread_mutex_t lock;
};

void arena_init(struct arena *a, size_t limit);
void arena_destroy(struct arena *a);
/* Zeroed, 16-byte aligned; NULL past the limit or when malloc fails. */
void *arena_alloc(struct arena *a, size_t size);
/* The same, not zeroed: for buffers whose bytes are tracked otherwise. */
void *arena_alloc_raw(struct arena *a, size_t size);
void arena_reset(struct arena *a);
/* Offset of @p from the arena's first byte in allocation order, if inside. */
bool arena_offset(const struct arena *a, const void *p, size_t *off);
/* The same over every chunk mapped so far, not only this execution's. */
bool arena_offset_any(const struct arena *a, const void *p, size_t *off);
/* The inverse, over every chunk mapped so far: NULL past them. */
void *arena_at(const struct arena *a, size_t off);

#endif /* PMM_SCHED_ARENA_H */
