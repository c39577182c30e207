// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched/arena.h"

#define CHUNK_MIN (256 * 1024)

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
	size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
	struct arena_chunk *c = malloc(sizeof(*c) + size);

	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	c->base = base;
	return c;
}

/* The chunk after @c that can take @need bytes, reusing kept chunks. */
static struct arena_chunk *chunk_next(struct arena *a, size_t need)
{
	struct arena_chunk *c = a->cur;

	while (c && c->next) {
		c = c->next;
		c->used = 0;
		if (c->size >= need)
			return c;
	}
	/* Kept chunks too small for @need: append a fresh one at the end. */
	struct arena_chunk *n = chunk_new(need, c ? c->base + c->size : 0);

	if (!n)
		return NULL;
	if (c)
		c->next = n;
	else
		a->head = n;
	return n;
}

static void *alloc_locked(struct arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (size == 0 || a->used + size > a->limit)
		return NULL;
	if (!a->cur || a->cur->size - a->cur->used < size) {
		struct arena_chunk *c = chunk_next(a, size);

		if (!c)
			return NULL;
		a->cur = c;
	}
	void *p = a->cur->data + a->cur->used;

	a->cur->used += size;
	a->used += size;
	memset(p, 0, size);
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p;

	if (!a->shared)
		return alloc_locked(a, size);
	pthread_mutex_lock(&a->lock);
	p = alloc_locked(a, size);
	pthread_mutex_unlock(&a->lock);
	return p;
}

void arena_reset(struct arena *a)
{
	a->cur = a->head;
	if (a->cur)
		a->cur->used = 0;
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
