// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PCT: each execution draws a random priority order of the tasks and
 * depth - 1 change points among the steps; the highest-priority runnable
 * task always runs, and at the j-th change point the task that ran last
 * drops to priority j, below every initial one. One seed gives one
 * sequence of executions.
 */
#include "explore/strategy.h"

static uint64_t below(struct pct *p, uint64_t n)
{
	return n ? random_u64(&p->rnd) % n : 0;
}

void pct_init(struct pct *p, uint64_t seed, unsigned int depth)
{
	random_init(&p->rnd, seed);
	p->depth = depth < 1 ? 1 : depth > PCT_MAX_DEPTH ? PCT_MAX_DEPTH : depth;
	p->max_steps = 64;
	pct_next(p, 0);
}

void pct_next(struct pct *p, uint64_t steps_of_last)
{
	unsigned int i, j;

	if (steps_of_last > p->max_steps)
		p->max_steps = steps_of_last;
	/* A random permutation of depth .. depth + PMM_MAX_TASKS - 1. */
	for (i = 0; i < PMM_MAX_TASKS; i++)
		p->prio[i] = p->depth + i;
	for (i = PMM_MAX_TASKS - 1; i > 0; i--) {
		unsigned int t;

		j = (unsigned int)below(p, i + 1);
		t = p->prio[i];
		p->prio[i] = p->prio[j];
		p->prio[j] = t;
	}
	for (i = 0; i + 1 < p->depth; i++)
		p->change[i] = 1 + below(p, p->max_steps);
	p->last = -1;
}

int pct_choose(void *priv, uint64_t step, uint64_t enabled)
{
	struct pct *p = priv;
	unsigned int i, best = 0, best_prio = 0;
	uint64_t m;

	for (i = 0; i + 1 < p->depth && p->last >= 0; i++)
		if (p->change[i] == step)
			p->prio[p->last] = p->depth - 1 - i;
	for (m = enabled; m; m &= m - 1) {
		unsigned int id = (unsigned int)__builtin_ctzll(m);

		if (p->prio[id] >= best_prio) {
			best_prio = p->prio[id];
			best = id;
		}
	}
	p->last = (int)best;
	return (int)best;
}
