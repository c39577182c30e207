// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Random walk: one seed is one sequence of executions; different seeds
 * give different ones; every runnable task is picked about equally often;
 * it finds the lost update; max_executions, max_seconds and the step
 * bound are honoured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "explore/selfcheck.h"
#include "progs.h"

static const uint64_t seeds[] = {
	0, 1, 2, 3, 42, 0xdeadbeef, 0x8000000000000000ull, UINT64_MAX,
};

#define NR_SEEDS (sizeof(seeds) / sizeof(seeds[0]))

static struct pmm_explore_opts random_opts(uint64_t seed, uint64_t max)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.strategy = PMM_STRATEGY_RANDOM;
	o.seed = seed;
	o.max_executions = max;
	o.stop_on_violation = false;
	o.trace = false;
	return o;
}

/* Runs @n random executions of @p (already initialised) from @seed. */
static void walk(struct indep_prog *p, uint64_t seed, uint64_t n)
{
	struct pmm_explore_opts o = random_opts(seed, n);
	struct pmm_explore_result r;

	assert_int_equal(pmm_explore(&p->prog, &o, &r), 0);
	assert_int_equal(r.executions, n);
	assert_false(r.complete);
	assert_int_equal(r.violations, 0);
	assert_int_equal(p->bad, 0);
	assert_int_equal(p->nr_seen, n);
	assert_int_equal(r.steps, n * indep_total_steps(p));
	pmm_explore_result_release(&r);
}

/* 3x(2,2,2), 200 executions per seed: same seed, same sequence. */
static void test_same_seed_same_sequence(void **state)
{
	static const unsigned int steps[] = { 2, 2, 2 };
	struct indep_prog a[NR_SEEDS], b;
	unsigned int i, j;

	(void)state;
	for (i = 0; i < NR_SEEDS; i++) {
		indep_init(&a[i], 3, steps);
		walk(&a[i], seeds[i], 200);
		indep_init(&b, 3, steps);
		walk(&b, seeds[i], 200);
		assert_memory_equal(a[i].seen, b.seen, 200 * sizeof(*b.seen));
		indep_release(&b);
	}
	/* Different seeds: different sequences (90 interleavings each time). */
	for (i = 0; i < NR_SEEDS; i++)
		for (j = i + 1; j < NR_SEEDS; j++)
			assert_memory_not_equal(a[i].seen, a[j].seen,
						200 * sizeof(*a[i].seen));
	for (i = 0; i < NR_SEEDS; i++)
		indep_release(&a[i]);
}

/* A shorter run is a prefix of a longer one from the same seed. */
static void test_prefix(void **state)
{
	static const unsigned int steps[] = { 3, 3 };
	struct indep_prog shrt, lng;

	(void)state;
	indep_init(&shrt, 2, steps);
	walk(&shrt, 7, 13);
	indep_init(&lng, 2, steps);
	walk(&lng, 7, 100);
	assert_memory_equal(shrt.seen, lng.seen, 13 * sizeof(*shrt.seen));
	indep_release(&shrt);
	indep_release(&lng);
}

struct first {
	uint64_t execution;
	char schedule[64];
	char oracle[32];
};

static void first_violation(uint64_t seed, struct first *f)
{
	const struct selfcheck *c = selfcheck_find("lost-update");
	struct pmm_explore_opts o = random_opts(seed, 1000);
	struct pmm_explore_result r;

	o.stop_on_violation = true;
	assert_int_equal(pmm_explore(c->prog, &o, &r), 0);
	assert_int_equal(r.violations, 1);
	assert_int_equal(r.executions, r.violation_execution);
	assert_true(r.violation_execution >= 1 && r.violation_execution <= 1000);
	assert_non_null(r.schedule);
	f->execution = r.violation_execution;
	snprintf(f->schedule, sizeof(f->schedule), "%s", r.schedule);
	snprintf(f->oracle, sizeof(f->oracle), "%s", r.oracle);
	pmm_explore_result_release(&r);
}

/*
 * Random finds the lost update: after T0's load, the next step is T1's
 * load (lost) or T0's store (not) with probability 1/2 each, and the same
 * after T1's load: half of the walks lose an update.
 */
static void test_same_seed_same_violation(void **state)
{
	struct first f[NR_SEEDS], g;
	unsigned int i, distinct = 0;

	(void)state;
	for (i = 0; i < NR_SEEDS; i++) {
		first_violation(seeds[i], &f[i]);
		first_violation(seeds[i], &g);
		assert_int_equal(f[i].execution, g.execution);
		assert_string_equal(f[i].schedule, g.schedule);
		assert_string_equal(f[i].oracle, "final-state");
		/* Both loads before both stores: 4 steps, loads first. */
		assert_true(!strcmp(f[i].schedule, "0.1.0.1") ||
			    !strcmp(f[i].schedule, "0.1x2.0") ||
			    !strcmp(f[i].schedule, "1.0.1.0") ||
			    !strcmp(f[i].schedule, "1.0x2.1"));
	}
	/* The seeds do not all give the same first violation. */
	for (i = 1; i < NR_SEEDS; i++)
		if (f[i].execution != f[0].execution ||
		    strcmp(f[i].schedule, f[0].schedule))
			distinct++;
	assert_true(distinct > 0);
}

/* 1000 walks of lost-update: about 500 lose an update (sd ~16). */
static void test_violation_rate(void **state)
{
	const struct selfcheck *c = selfcheck_find("lost-update");
	struct pmm_explore_opts o = random_opts(12345, 1000);
	struct pmm_explore_result r;
	struct pmm_explore_result rep;

	(void)state;
	o.trace = true;
	assert_int_equal(pmm_explore(c->prog, &o, &r), 0);
	assert_int_equal(r.executions, 1000);
	assert_in_range(r.violations, 400, 600);
	assert_string_equal(r.oracle, "final-state");
	assert_non_null(r.trace);

	/* Its first violation replays to the same trace. */
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = r.schedule;
	assert_int_equal(pmm_explore(c->prog, &o, &rep), 0);
	assert_string_equal(rep.oracle, "final-state");
	assert_string_equal(rep.trace, r.trace);
	pmm_explore_result_release(&rep);
	pmm_explore_result_release(&r);
}

/* The least likely interleaving of 2x(3,3) has probability 1/32. */
static void test_coverage(void **state)
{
	static const unsigned int steps[] = { 3, 3 };
	struct indep_prog p;

	(void)state;
	indep_init(&p, 2, steps);
	walk(&p, 99, 2000);
	assert_int_equal(indep_distinct(&p), 20);
	indep_release(&p);
}

/*
 * 4x(1,1,1,1): the first step picks each of the 4 tasks with probability
 * 1/4; in 8000 walks each about 2000 times (sd ~39).
 */
static void test_uniform_first_step(void **state)
{
	static const unsigned int steps[] = { 1, 1, 1, 1 };
	unsigned int count[4] = { 0 };
	struct indep_prog p;
	size_t i;

	(void)state;
	indep_init(&p, 4, steps);
	walk(&p, 2024, 8000);
	for (i = 0; i < p.nr_seen; i++)
		count[p.seen[i] >> 9]++;
	for (i = 0; i < 4; i++) {
		print_message("task %zu first: %u\n", i, count[i]);
		assert_in_range(count[i], 1750, 2250);
	}
	assert_int_equal(indep_distinct(&p), 24);
	indep_release(&p);
}

static void test_max_executions(void **state)
{
	static const unsigned int steps[] = { 3, 3 };
	static const uint64_t limits[] = { 1, 2, 37, 1000 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		struct indep_prog p;

		indep_init(&p, 2, steps);
		walk(&p, 5, limits[i]);
		indep_release(&p);
	}
}

/* No execution limit: the clock stops the walk. */
static void test_max_seconds(void **state)
{
	static const unsigned int steps[] = { 3, 3 };
	struct pmm_explore_opts o = random_opts(3, 0);
	struct pmm_explore_result r;
	struct indep_prog p;

	(void)state;
	indep_init(&p, 2, steps);
	o.max_seconds = 0.05;
	assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
	assert_true(r.executions > 0);
	assert_true(r.seconds >= 0.05 && r.seconds < 10);
	assert_false(r.complete);
	assert_int_equal(p.nr_seen, r.executions);
	pmm_explore_result_release(&r);
	indep_release(&p);
}

/* Bound 4 on 6-step executions: every walk is cut after 4 steps. */
static void test_step_bound(void **state)
{
	static const unsigned int steps[] = { 3, 3 };
	struct pmm_explore_opts o = random_opts(8, 50);
	struct pmm_explore_result r;
	struct indep_prog p;

	(void)state;
	indep_init(&p, 2, steps);
	o.step_bound = 4;
	assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
	assert_int_equal(r.executions, 50);
	assert_int_equal(r.truncated, 50);
	assert_int_equal(r.steps, 50 * 4);
	assert_int_equal(p.nr_seen, 0);
	pmm_explore_result_release(&r);
	indep_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_sequence),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_same_seed_same_violation),
		cmocka_unit_test(test_violation_rate),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_uniform_first_step),
		cmocka_unit_test(test_max_executions),
		cmocka_unit_test(test_max_seconds),
		cmocka_unit_test(test_step_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
