// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sched/arena.h"

/*
 * Chunks are 2 MiB-aligned mappings the kernel is asked to back with huge
 * pages: the model's working set is spread over them, and TLB misses on
 * the host were the larger part of a modelled fault's cost.
 */
#define CHUNK_MIN (2 * 1024 * 1024)
#define CHUNK_ALIGN CHUNK_MIN

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	/* Bytes in the chunks before this one, for arena_offset(). */
	size_t base;
	_Alignas(16) char data[];
};

void arena_init(struct arena *a, size_t limit)
{
	memset(a, 0, sizeof(*a));
	a->limit = limit;
	pthread_mutex_init(&a->lock, NULL);
}

void arena_destroy(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	pthread_mutex_destroy(&a->lock);
	a->head = a->cur = NULL;
}

static struct arena_chunk *chunk_new(size_t need, size_t base)
{
	size_t size = need > CHUNK_MIN - sizeof(struct arena_chunk) ?
		      need : CHUNK_MIN - sizeof(struct arena_chunk);
	size_t total = (sizeof(struct arena_chunk) + size + CHUNK_ALIGN - 1) &
		       ~(size_t)(CHUNK_ALIGN - 1);
	struct arena_chunk *c = aligned_alloc(CHUNK_ALIGN, total);

	if (!c)
		return NULL;
	madvise(c, total, MADV_HUGEPAGE);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	c->base = base;
	return c;
}

/*
 * The next chunk that can take @need bytes: kept chunks after the current
 * one (or from the head, after a reset) are reused; smaller ones are
 * skipped for this execution; past the last, a new one is appended.
 */
static struct arena_chunk *chunk_next(struct arena *a, size_t need)
{
	struct arena_chunk *c = a->cur ? a->cur->next : a->head;
	struct arena_chunk *last = a->cur, *n;

	for (; c; last = c, c = c->next) {
		c->used = 0;
		if (c->size >= need)
			return c;
	}
	n = chunk_new(need, last ? last->base + last->size : 0);
	if (!n)
		return NULL;
	if (last)
		last->next = n;
	else
		a->head = n;
	return n;
}

/* Moves the arena onto a chunk with room for @size, or fails. */
static bool advance(struct arena *a, size_t size)
{
	struct arena_chunk *c = chunk_next(a, size);

	if (!c)
		return false;
	__atomic_store_n(&a->cur, c, __ATOMIC_RELEASE);
	return true;
}

/* One thread: the limit counts exactly the bytes handed out. */
static void *alloc_exclusive(struct arena *a, size_t size)
{
	void *p;

	if (a->used + size > a->limit)
		return NULL;
	if ((!a->cur || a->cur->size - a->cur->used < size) && !advance(a, size))
		return NULL;
	p = a->cur->data + a->cur->used;
	a->cur->used += size;
	a->used += size;
	return p;
}

/*
 * Several threads (the native backend) bump the current chunk's offset
 * atomically and take the lock only to move to the next chunk; the limit
 * then counts whole chunks (at most CHUNK_MIN of slack).
 */
static void *alloc_shared(struct arena *a, size_t size)
{
	for (;;) {
		struct arena_chunk *c = __atomic_load_n(&a->cur, __ATOMIC_ACQUIRE);
		void *p = NULL;

		if (c) {
			size_t off = __atomic_fetch_add(&c->used, size, __ATOMIC_RELAXED);

			if (off + size <= c->size)
				return c->data + off;
		}
		pthread_mutex_lock(&a->lock);
		if (__atomic_load_n(&a->cur, __ATOMIC_ACQUIRE) != c) {
			pthread_mutex_unlock(&a->lock);
			continue;
		}
		if (c)
			c->used = c->size;
		if (a->used + (size > CHUNK_MIN ? size : CHUNK_MIN) <= a->limit &&
		    advance(a, size)) {
			a->used += a->cur->size;
			p = a->cur->data;
			a->cur->used = size;
		}
		pthread_mutex_unlock(&a->lock);
		return p;
	}
}

void *arena_alloc_raw(struct arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (size == 0)
		return NULL;
	return a->shared ? alloc_shared(a, size) : alloc_exclusive(a, size);
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = arena_alloc_raw(a, size);

	if (p)
		memset(p, 0, (size + 15) & ~(size_t)15);
	return p;
}

void arena_reset(struct arena *a)
{
	a->cur = NULL;
	a->used = 0;
}

bool arena_offset(const struct arena *a, const void *p, size_t *off)
{
	const struct arena_chunk *c;
	uintptr_t x = (uintptr_t)p;

	for (c = a->head; c; c = c->next) {
		uintptr_t lo = (uintptr_t)c->data;

		if (x >= lo && x < lo + c->size) {
			*off = c->base + (x - lo);
			return true;
		}
		if (c == a->cur)
			break;
	}
	return false;
}

void *arena_at(const struct arena *a, size_t off)
{
	const struct arena_chunk *c;

	for (c = a->head; c; c = c->next)
		if (off >= c->base && off < c->base + c->size)
			return (void *)(c->data + (off - c->base));
	return NULL;
}

bool arena_offset_any(const struct arena *a, const void *p, size_t *off)
{
	const struct arena_chunk *c;
	uintptr_t x = (uintptr_t)p;

	for (c = a->head; c; c = c->next) {
		uintptr_t lo = (uintptr_t)c->data;

		if (x >= lo && x < lo + c->size) {
			*off = c->base + (x - lo);
			return true;
		}
	}
	return false;
}
