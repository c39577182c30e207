/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strategies: each answers the scheduler's "which task next?" and, between
 * executions, says whether there is another to run.
 */
#ifndef PMM_EXPLORE_STRATEGY_H
#define PMM_EXPLORE_STRATEGY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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

struct json;
struct json_error;

/*
 * What sharding (shard.c), checkpoints (checkpoint.c) and progress
 * estimates need of an exhaustive strategy, between two executions. DFS
 * provides them (dfs_search); a strategy without them cannot be sharded,
 * checkpointed or estimated.
 */
struct search_ops {
	/*
	 * Sets up the next execution, first dropping every untried choice
	 * at decision depth @prune or deeper (UINT32_MAX: none). *diverged
	 * is the depth of the first decision where the next execution
	 * differs from the last. False when the search is over.
	 */
	bool (*next)(void *priv, uint32_t prune, uint32_t *diverged);
	/* The fraction of the search done once the last execution ended. */
	double (*done_fraction)(const void *priv);
	/*
	 * The state between executions, as one JSON value; -EXDEV where it
	 * holds what a file cannot name.
	 */
	int (*save)(const void *priv, FILE *f);
	/* Restores a saved state; -EINVAL with @err set where it is wrong. */
	int (*load)(void *priv, const struct json *j, struct json_error *err);
};

extern const struct search_ops dfs_search;
extern const struct search_ops dpor_search;	/* priv: struct dpor */

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

/*
 * Sharding (shard.c): which executions of a search are this shard's. The
 * execution about to run is in subtree @subtree (prefixes of @depth
 * decisions, numbered in search order); it is this shard's when @own.
 */
struct shard_state {
	uint32_t index, count, depth;
	uint64_t subtree;
	bool own;
};

/* Fills @sh from @opt (count 0 is 1: every subtree is the one shard's). */
void shard_init(struct shard_state *sh, const struct pmm_shard *opt);
/*
 * After an execution: sets up the next one through @ops, skipping the
 * rest of a subtree that is not this shard's. False when the search is
 * over.
 */
bool shard_next(struct shard_state *sh, const struct search_ops *ops,
		void *priv);

#endif /* PMM_EXPLORE_STRATEGY_H */
