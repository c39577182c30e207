/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The program the sharding and checkpoint tests search: @nr tasks each
 * make a read-then-set increment of one counter and then read it again, so
 * most interleavings lose an update (a "data-corruption" violation in
 * finish()) and the tree is (3 nr)! / 6^nr executions. An observer keeps
 * every execution's schedule string, to compare searches by what they ran.
 */
#ifndef PMM_TESTS_EXPLORE_SHARD_PROG_H
#define PMM_TESTS_EXPLORE_SHARD_PROG_H

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protmm/atomic.h"
#include "protmm/explore.h"
#include "protmm/observer.h"

static pmm_atomic_t *sp_counter;
static unsigned int sp_nr = 3;

static inline void sp_task(void *arg)
{
	(void)arg;
	pmm_atomic_set(sp_counter, pmm_atomic_read(sp_counter) + 1);
	(void)pmm_atomic_read(sp_counter);
}

static inline void sp_setup(void *arg)
{
	static const char *const names[] = { "a", "b", "c", "d", "e" };
	unsigned int i;

	(void)arg;
	sp_counter = pmm_alloc(sizeof(*sp_counter));
	for (i = 0; i < sp_nr; i++)
		pmm_task_create(names[i], (int)i, sp_task, NULL);
}

static inline void sp_finish(void *arg)
{
	(void)arg;
	if (pmm_atomic_read(sp_counter) != (int)sp_nr)
		pmm_violation("data-corruption", "lost an update: %d",
			      pmm_atomic_read(sp_counter));
}

static const struct pmm_program sp_prog = {
	.name = "lost-update", .setup = sp_setup, .finish = sp_finish,
};

/* The schedules seen, and when to raise the interrupt flag. */
struct sp_seen {
	char **sched;
	size_t n, cap;
	uint64_t stop_after;
	volatile sig_atomic_t *flag;
};

static inline void sp_end(void *arg, const struct pmm_execution *e)
{
	struct sp_seen *s = arg;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->sched = realloc(s->sched, s->cap * sizeof(*s->sched));
	}
	s->sched[s->n++] = strdup(e->schedule);
	if (s->flag && s->stop_after && s->n == s->stop_after)
		*s->flag = 1;
}

static inline int sp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void sp_sort(struct sp_seen *s)
{
	qsort(s->sched, s->n, sizeof(*s->sched), sp_cmp);
}

static inline void sp_free(struct sp_seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->sched[i]);
	free(s->sched);
	memset(s, 0, sizeof(*s));
}

#endif /* PMM_TESTS_EXPLORE_SHARD_PROG_H */
