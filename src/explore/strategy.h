/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strategies: each answers the scheduler's "which task next?" and, between
 * executions, says whether there is another to run.
 */
#ifndef PMM_EXPLORE_STRATEGY_H
#define PMM_EXPLORE_STRATEGY_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/sched.h"

/* Exhaustive depth-first search over the decisions of the executions. */
struct dfs_node {
	uint64_t enabled;
	uint64_t tried;		/* choices taken here so far */
	uint8_t choice;
	uint8_t prev;		/* the task that ran the step before */
	uint32_t preempted;	/* preemptions before this decision */
};

struct dfs {
	struct dfs_node *stack;
	uint32_t cap;
	uint32_t depth;		/* decisions known from earlier executions */
	uint32_t pos;		/* next decision of this execution */
	bool nondeterministic;
	unsigned int bound;	/* most preemptions an execution may have */
	/* This execution so far: the last task run, preemptions made. */
	int last;
	uint32_t preempted;
};

int dfs_init(struct dfs *d, uint32_t cap, unsigned int preemptions);
void dfs_destroy(struct dfs *d);
int dfs_choose(void *priv, uint64_t step, uint64_t enabled);
/* Sets up the next unexplored execution; false when all are done. */
bool dfs_next(struct dfs *d);

struct random_walk {
	uint64_t s[4];
};

void random_init(struct random_walk *r, uint64_t seed);
int random_choose(void *priv, uint64_t step, uint64_t enabled);

#define PCT_MAX_DEPTH 16

struct pct {
	struct random_walk rnd;
	unsigned int depth;
	/* Priorities by task id: initial ones are >= depth, lowered ones < depth. */
	unsigned int prio[PMM_MAX_TASKS];
	uint64_t change[PCT_MAX_DEPTH];
	/* The longest execution seen so far: where change points may fall. */
	uint64_t max_steps;
	int last;
};

void pct_init(struct pct *p, uint64_t seed, unsigned int depth);
/* New priorities and change points for the next execution. */
void pct_next(struct pct *p, uint64_t steps_of_last);
int pct_choose(void *priv, uint64_t step, uint64_t enabled);
uint64_t random_u64(struct random_walk *r);

struct replay {
	const uint8_t *steps;
	size_t n;
	/* Why the schedule could not be followed, when choose() gave up. */
	char err[PMM_MSG_MAX];
};

int replay_choose(void *priv, uint64_t step, uint64_t enabled);

#endif /* PMM_EXPLORE_STRATEGY_H */
