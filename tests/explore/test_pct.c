// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PCT (probabilistic concurrency testing): the same seed gives the same
 * executions; depth 1 never preempts, so each execution runs the tasks
 * one after the other in a priority order; and a bug of depth 2 — one
 * task must be preempted at one exact point of a long run — is found
 * within a few hundred executions, where a random walk needs far more.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/protmm.h"
#include "sched/atomic.h"

#define LONG 40

/*
 * T0 publishes a flag then, much later, the data it stands for; T1 reads
 * the flag and checks the data. The violation needs T0 preempted exactly
 * between its two writes while T1 runs.
 */
struct pub {
	int flag, data, pad[LONG];
};

static struct pub *the_pub;

static void writer(void *arg)
{
	struct pub *p = arg;
	int i;

	WRITE_ONCE(p->flag, 1);
	WRITE_ONCE(p->data, 1);
	for (i = 0; i < LONG; i++)
		WRITE_ONCE(p->pad[i], i);
}

static void reader(void *arg)
{
	struct pub *p = arg;
	int i;

	for (i = 0; i < LONG; i++)
		(void)READ_ONCE(p->pad[i]);
	if (READ_ONCE(p->flag) && !READ_ONCE(p->data))
		pmm_violation("final-state", "flag set before data");
}

static void pub_setup(void *arg)
{
	(void)arg;
	the_pub = pmm_alloc(sizeof(*the_pub));
	pmm_task_create("writer", 0, writer, the_pub);
	pmm_task_create("reader", 1, reader, the_pub);
}

static const struct pmm_program pub_prog = { "pub", "", pub_setup, NULL, NULL };

static struct pmm_explore_result run(enum pmm_strategy s, uint64_t seed,
				     unsigned int depth, uint64_t max)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	o.strategy = s;
	o.seed = seed;
	o.pct_depth = depth;
	o.max_executions = max;
	o.trace = false;
	assert_int_equal(pmm_explore(&pub_prog, &o, &r), 0);
	return r;
}

static void test_same_seed_same_run(void **state)
{
	uint64_t seed;

	(void)state;
	for (seed = 1; seed <= 8; seed++) {
		struct pmm_explore_result a = run(PMM_STRATEGY_PCT, seed, 2, 5000);
		struct pmm_explore_result b = run(PMM_STRATEGY_PCT, seed, 2, 5000);

		assert_int_equal(a.violations, b.violations);
		assert_int_equal(a.violation_execution, b.violation_execution);
		assert_int_equal(a.executions, b.executions);
		if (a.schedule || b.schedule)
			assert_string_equal(a.schedule, b.schedule);
		pmm_explore_result_release(&a);
		pmm_explore_result_release(&b);
	}
}

/* Depth 1: no change point, so a task runs to its end once it starts. */
static void test_depth_one_never_preempts(void **state)
{
	struct pmm_explore_result r = run(PMM_STRATEGY_PCT, 7, 1, 2000);

	(void)state;
	assert_int_equal(r.violations, 0);
	assert_int_equal(r.executions, 2000);
	pmm_explore_result_release(&r);
}

/*
 * Depth 2: the one change point must fall right after the writer's first
 * step with the writer first in priority: 1/2 * 1/(about 2 * LONG) per
 * execution, so within 2000 executions all but surely.
 */
static void test_depth_two_bug_found(void **state)
{
	uint64_t seed;

	(void)state;
	for (seed = 1; seed <= 5; seed++) {
		struct pmm_explore_result r = run(PMM_STRATEGY_PCT, seed, 2, 2000);

		assert_int_equal(r.violations, 1);
		assert_string_equal(r.oracle, "final-state");
		assert_true(r.violation_execution <= 2000);
		pmm_explore_result_release(&r);
	}
}

/* The random walk must stall the writer for ~LONG steps: far rarer. */
static void test_random_walk_misses_it(void **state)
{
	struct pmm_explore_result r = run(PMM_STRATEGY_RANDOM, 1, 0, 2000);

	(void)state;
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

static void test_bad_depth(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	o.strategy = PMM_STRATEGY_PCT;
	o.max_executions = 10;
	o.pct_depth = 0;
	assert_int_equal(pmm_explore(&pub_prog, &o, &r), -EINVAL);
	o.pct_depth = 17;
	assert_int_equal(pmm_explore(&pub_prog, &o, &r), -EINVAL);
	assert_string_equal(pmm_strategy_name(PMM_STRATEGY_PCT), "pct");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_run),
		cmocka_unit_test(test_depth_one_never_preempts),
		cmocka_unit_test(test_depth_two_bug_found),
		cmocka_unit_test(test_random_walk_misses_it),
		cmocka_unit_test(test_bad_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
