/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test programs shared by the explorer tests: "indep", k tasks that each
 * write their own variable n_i times and log which task made each step, so
 * that finish() can record the interleaving every execution followed.
 *
 * Nothing here may use cmocka's assertions: they would longjmp out of
 * pmm_explore(). Callbacks report what they see through the records below
 * (and through pmm_violation()); the tests assert on them afterwards.
 */
#ifndef PMM_TESTS_EXPLORE_PROGS_H
#define PMM_TESTS_EXPLORE_PROGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protmm/explore.h"

/* Steps fit a uint64_t key at 3 bits each: task ids < 8, <= 21 steps. */
#define INDEP_MAX_TASKS 8
#define INDEP_MAX_STEPS 21

struct indep_exec;

struct indep_prog {
	struct pmm_program prog;
	unsigned int nr;
	unsigned int steps[INDEP_MAX_TASKS];
	/* Make finish() report "target" when the log equals this key. */
	bool has_target;
	uint64_t target;
	/* The execution running now (arena memory). */
	struct indep_exec *cur;
	/* One key per finished execution, in the order they ran. */
	uint64_t *seen;
	size_t nr_seen, cap_seen;
	/* Logs that were not a valid interleaving, or a full record. */
	unsigned int bad;
};

/* Fills @p for @nr tasks with @steps[i] steps each. */
void indep_init(struct indep_prog *p, unsigned int nr,
		const unsigned int *steps);
void indep_release(struct indep_prog *p);

/* Steps of one execution: the sum of steps[i]. */
unsigned int indep_total_steps(const struct indep_prog *p);

/* A sequence of task ids as a key: first step most significant. */
uint64_t indep_key(const uint8_t *ids, size_t n);
/* finish() reports "target" when the run's order of tasks is @ids. */
void indep_set_target(struct indep_prog *p, const uint8_t *ids, size_t n);

/* How many distinct keys p->seen holds (sorts a copy). */
size_t indep_distinct(const struct indep_prog *p);

/* Whether p->seen is strictly increasing (lexicographic order). */
bool indep_increasing(const struct indep_prog *p);

#endif /* PMM_TESTS_EXPLORE_PROGS_H */
