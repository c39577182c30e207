// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Exhaustive search: exact execution counts for independent writers (every
 * interleaving exactly once, in lexicographic order), the step bound,
 * max_executions and max_seconds, stop_on_violation, the detection of a
 * nondeterministic program, and the validation of the options.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "explore/selfcheck.h"
#include "progs.h"
#include "sched/atomic.h"

static struct pmm_explore_opts opts_all(void)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.stop_on_violation = false;
	o.trace = false;
	return o;
}

struct count_case {
	unsigned int nr;
	unsigned int steps[INDEP_MAX_TASKS];
	uint64_t want;		/* (sum n_i)! / prod(n_i!), by hand */
};

static const struct count_case count_cases[] = {
	{ 1, { 5 }, 1 },			/* 5!/5! */
	{ 1, { 0 }, 1 },			/* no step at all */
	{ 2, { 0, 0 }, 1 },
	{ 2, { 0, 3 }, 1 },			/* 3!/(0!3!) */
	{ 2, { 1, 1 }, 2 },			/* 2!/(1!1!) */
	{ 2, { 1, 4 }, 5 },			/* 5!/(1!4!) = 120/24 */
	{ 2, { 2, 2 }, 6 },			/* 4!/(2!2!) = 24/4 */
	{ 2, { 3, 3 }, 20 },			/* 6!/(3!3!) = 720/36 */
	{ 2, { 2, 5 }, 21 },			/* 7!/(2!5!) = 5040/240 */
	{ 2, { 4, 4 }, 70 },			/* 8!/(4!4!) = 40320/576 */
	{ 3, { 1, 1, 1 }, 6 },			/* 3! */
	{ 3, { 1, 2, 3 }, 60 },			/* 6!/(1!2!3!) = 720/12 */
	{ 3, { 2, 2, 2 }, 90 },			/* 6!/(2!)^3 = 720/8 */
	{ 3, { 3, 3, 3 }, 1680 },		/* 9!/(3!)^3 = 362880/216 */
	{ 3, { 4, 4, 4 }, 34650 },		/* 12!/(4!)^3 = 479001600/13824 */
	{ 4, { 1, 1, 1, 1 }, 24 },		/* 4! */
	{ 4, { 2, 1, 1, 0 }, 12 },		/* 4!/2! */
	{ 4, { 2, 2, 2, 2 }, 2520 },		/* 8!/(2!)^4 = 40320/16 */
	{ 5, { 1, 1, 1, 1, 1 }, 120 },		/* 5! */
	{ 6, { 1, 1, 1, 1, 1, 1 }, 720 },	/* 6! */
	{ 8, { 1, 1, 1, 1, 1, 1, 1, 1 }, 40320 },	/* 8! */
	{ 8, { 3, 0, 0, 0, 0, 0, 0, 2 }, 10 },	/* 5!/(3!2!) */
};

static void run_count_case(const struct count_case *c)
{
	struct pmm_explore_opts o = opts_all();
	struct pmm_explore_result r;
	struct indep_prog p;

	indep_init(&p, c->nr, c->steps);
	assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
	assert_int_equal(r.executions, c->want);
	assert_true(r.complete);
	assert_int_equal(r.violations, 0);
	assert_int_equal(r.deadlocks, 0);
	assert_int_equal(r.truncated, 0);
	assert_int_equal(r.steps, c->want * indep_total_steps(&p));
	assert_null(r.schedule);
	assert_null(r.trace);
	/* finish() saw every execution, each a distinct interleaving. */
	assert_int_equal(p.bad, 0);
	assert_int_equal(p.nr_seen, c->want);
	assert_int_equal(indep_distinct(&p), c->want);
	/* Lowest task first, deepest decision moved first: sorted order. */
	assert_true(indep_increasing(&p));
	pmm_explore_result_release(&r);
	indep_release(&p);
}

static void test_counts(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(count_cases) / sizeof(count_cases[0]); i++) {
		print_message("case %u: %u tasks, %llu executions\n", i,
			      count_cases[i].nr,
			      (unsigned long long)count_cases[i].want);
		run_count_case(&count_cases[i]);
	}
}

/*
 * Interleavings of @nr tasks of @steps steps each with at most @bound
 * preemptions (a switch away from a task that still had steps), counted
 * by brute-force recursion: what the bounded search must visit.
 */
static uint64_t count_bounded(unsigned int nr, unsigned int *left, int last,
			      unsigned int used, unsigned int bound)
{
	uint64_t n = 0;
	unsigned int t, rest = 0;

	for (t = 0; t < nr; t++)
		rest += left[t];
	if (!rest)
		return 1;
	for (t = 0; t < nr; t++) {
		unsigned int cost = last >= 0 && (unsigned int)last != t &&
				    left[last] ? 1 : 0;

		if (!left[t] || used + cost > bound)
			continue;
		left[t]--;
		n += count_bounded(nr, left, (int)t, used + cost, bound);
		left[t]++;
	}
	return n;
}

/*
 * Preemption bounding: the bounded DFS visits exactly the interleavings
 * with at most that many preemptions, each once, and says it is complete.
 */
static void test_preemption_bound(void **state)
{
	static const unsigned int shapes[][2] = { { 2, 3 }, { 2, 6 }, { 3, 3 } };
	unsigned int i, bound;

	(void)state;
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		for (bound = 0; bound <= 3; bound++) {
			unsigned int left[3] = { shapes[i][1], shapes[i][1],
						 shapes[i][1] };
			unsigned int steps[3] = { shapes[i][1], shapes[i][1],
						  shapes[i][1] };
			uint64_t want = count_bounded(shapes[i][0], left, -1, 0, bound);
			struct pmm_explore_opts o = opts_all();
			struct pmm_explore_result r;
			struct indep_prog p;

			o.preemptions = bound;
			indep_init(&p, shapes[i][0], steps);
			assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
			print_message("%ux%u bound %u: %llu executions\n",
				      shapes[i][0], shapes[i][1], bound,
				      (unsigned long long)r.executions);
			assert_int_equal(r.executions, want);
			assert_true(r.complete);
			assert_int_equal(indep_distinct(&p), want);
			pmm_explore_result_release(&r);
			indep_release(&p);
		}
	}
}

/*
 * 2x(2,2) in DFS order: 0011 0101 0110 1001 1010 1100. The target 1001 is
 * the 4th execution and its schedule string is "1.0x2.1".
 */
static void test_target_schedule(void **state)
{
	static const unsigned int steps[] = { 2, 2 };
	static const uint8_t target[] = { 1, 0, 0, 1 };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	struct indep_prog p;

	(void)state;
	indep_init(&p, 2, steps);
	indep_set_target(&p, target, 4);
	o.trace = false;
	assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
	assert_int_equal(r.executions, 4);
	assert_int_equal(r.violations, 1);
	assert_int_equal(r.violation_execution, 4);
	assert_false(r.complete);
	assert_string_equal(r.oracle, "target");
	assert_string_equal(r.message, "the target interleaving ran");
	assert_string_equal(r.schedule, "1.0x2.1");
	pmm_explore_result_release(&r);
	indep_release(&p);

	/* Without stopping: all 6, one violating, still the 4th. */
	indep_init(&p, 2, steps);
	indep_set_target(&p, target, 4);
	o.stop_on_violation = false;
	assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
	assert_int_equal(r.executions, 6);
	assert_int_equal(r.violations, 1);
	assert_int_equal(r.violation_execution, 4);
	assert_true(r.complete);
	assert_string_equal(r.schedule, "1.0x2.1");
	pmm_explore_result_release(&r);
	indep_release(&p);
}

struct bound_case {
	unsigned int nr;
	unsigned int steps[2];
	uint32_t bound;
	/* By hand: distinct prefixes of length min(bound, total). */
	uint64_t executions, truncated, steps_run;
};

static const struct bound_case bound_cases[] = {
	/* One path of 5 steps, cut after 3. */
	{ 1, { 5 }, 3, 1, 1, 3 },
	{ 1, { 5 }, 1, 1, 1, 1 },
	/* A bound equal to the length cuts nothing. */
	{ 1, { 5 }, 5, 1, 0, 5 },
	/* 2x(2,2), bound 1: prefixes 0, 1. */
	{ 2, { 2, 2 }, 1, 2, 2, 2 },
	/* Bound 2: prefixes 00 01 10 11, all cut. */
	{ 2, { 2, 2 }, 2, 4, 4, 8 },
	/* Bound 3: 001 010 011 100 101 110 (000, 111 impossible). */
	{ 2, { 2, 2 }, 3, 6, 6, 18 },
	/* Bound 4 = length: the 6 interleavings, none cut. */
	{ 2, { 2, 2 }, 4, 6, 0, 24 },
	{ 2, { 2, 2 }, 1000, 6, 0, 24 },
	/* 2x(1,3), bound 3: 011 101 110 111, all cut (4 steps needed). */
	{ 2, { 1, 3 }, 3, 4, 4, 12 },
};

static void test_step_bound(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bound_cases) / sizeof(bound_cases[0]); i++) {
		const struct bound_case *c = &bound_cases[i];
		struct pmm_explore_opts o = opts_all();
		struct pmm_explore_result r;
		struct indep_prog p;

		indep_init(&p, c->nr, c->steps);
		o.step_bound = c->bound;
		assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
		print_message("case %u: %llu executions, %llu cut, %llu steps\n",
			      i, (unsigned long long)r.executions,
			      (unsigned long long)r.truncated,
			      (unsigned long long)r.steps);
		assert_int_equal(r.executions, c->executions);
		assert_int_equal(r.truncated, c->truncated);
		assert_int_equal(r.steps, c->steps_run);
		assert_int_equal(r.violations, 0);
		assert_true(r.complete);
		/* finish() runs only for the executions that were not cut. */
		assert_int_equal(p.nr_seen, c->executions - c->truncated);
		assert_int_equal(p.bad, 0);
		pmm_explore_result_release(&r);
		indep_release(&p);
	}
}

/*
 * Executions of different lengths: T0 sets a flag (1 step); T1 reads it (1
 * step) and, if set, writes x three times (3 steps). T0 first: 0.1x4, 5
 * steps; T1 first: 1.0, 2 steps. Bound 3 cuts the first only.
 */
struct flagprog {
	int flag, x;
};

static struct flagprog *the_flag;
static unsigned int flag_finished;

static void flag_setter(void *arg)
{
	struct flagprog *f = arg;

	WRITE_ONCE(f->flag, 1);
}

static void flag_reader(void *arg)
{
	struct flagprog *f = arg;
	int i;

	if (!READ_ONCE(f->flag))
		return;
	for (i = 0; i < 3; i++)
		WRITE_ONCE(f->x, i);
}

static void flag_setup(void *arg)
{
	(void)arg;
	the_flag = pmm_alloc(sizeof(*the_flag));
	pmm_task_create("setter", 0, flag_setter, the_flag);
	pmm_task_create("reader", 1, flag_reader, the_flag);
}

static void flag_finish(void *arg)
{
	(void)arg;
	flag_finished++;
}

static const struct pmm_program flag_prog = {
	.name = "flag",
	.setup = flag_setup,
	.finish = flag_finish,
};

static void test_step_bound_mixed(void **state)
{
	struct pmm_explore_opts o = opts_all();
	struct pmm_explore_result r;

	(void)state;
	o.step_bound = 3;
	flag_finished = 0;
	assert_int_equal(pmm_explore(&flag_prog, &o, &r), 0);
	assert_int_equal(r.executions, 2);
	assert_int_equal(r.truncated, 1);
	assert_int_equal(r.steps, 3 + 2);
	assert_true(r.complete);
	assert_int_equal(flag_finished, 1);
	pmm_explore_result_release(&r);

	/* Unbounded: 5 + 2 steps, both finish. */
	o.step_bound = 100;
	flag_finished = 0;
	assert_int_equal(pmm_explore(&flag_prog, &o, &r), 0);
	assert_int_equal(r.executions, 2);
	assert_int_equal(r.truncated, 0);
	assert_int_equal(r.steps, 5 + 2);
	assert_int_equal(flag_finished, 2);
	pmm_explore_result_release(&r);
}

/*
 * Odd executions create 2 tasks, even ones 3. Execution 1 decides at step
 * 0 between tasks {0, 1}; execution 2 replays that decision and is
 * offered {0, 1, 2} at step 0: not deterministic.
 */
static unsigned int nondet_runs;
static int nondet_var[3];

static void nondet_task(void *arg)
{
	int *v = arg;

	WRITE_ONCE(*v, 1);
}

static void nondet_setup(void *arg)
{
	unsigned int i, nr = (nondet_runs++ & 1) ? 3 : 2;

	(void)arg;
	for (i = 0; i < nr; i++)
		pmm_task_create("nondet", (int)i, nondet_task, &nondet_var[i]);
}

static const struct pmm_program nondet_prog = {
	.name = "nondet",
	.setup = nondet_setup,
};

static void test_nondeterministic(void **state)
{
	struct pmm_explore_opts o = opts_all();
	struct pmm_explore_result r;

	(void)state;
	nondet_runs = 0;
	assert_int_equal(pmm_explore(&nondet_prog, &o, &r), -EPROTO);
	assert_int_equal(r.executions, 2);
	assert_non_null(strstr(r.message, "not deterministic"));
	assert_non_null(strstr(r.message, "execution 2"));
	assert_non_null(strstr(r.message, "at step 0"));
	assert_false(r.complete);
	pmm_explore_result_release(&r);

	/* And with stop_on_violation and tracing: the same. */
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	nondet_runs = 0;
	assert_int_equal(pmm_explore(&nondet_prog, &o, &r), -EPROTO);
	pmm_explore_result_release(&r);
}

/*
 * lost-update in DFS order: 0011 (ok), 0101 (lost): the first violation is
 * execution 2, schedule "0.1.0.1"; all 6 have 4 violating.
 */
static void test_stop_on_violation(void **state)
{
	const struct selfcheck *c = selfcheck_find("lost-update");
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	assert_non_null(c);
	o.trace = false;
	assert_int_equal(pmm_explore(c->prog, &o, &r), 0);
	assert_int_equal(r.executions, 2);
	assert_int_equal(r.violation_execution, r.executions);
	assert_int_equal(r.violations, 1);
	assert_int_equal(r.steps, 4 + 4);
	assert_false(r.complete);
	assert_string_equal(r.oracle, "final-state");
	assert_string_equal(r.message, "counter is 1 after two increments");
	assert_string_equal(r.schedule, "0.1.0.1");
	pmm_explore_result_release(&r);

	o.stop_on_violation = false;
	assert_int_equal(pmm_explore(c->prog, &o, &r), 0);
	assert_int_equal(r.executions, 6);
	assert_int_equal(r.violations, 4);
	assert_int_equal(r.violation_execution, 2);
	assert_true(r.complete);
	assert_string_equal(r.schedule, "0.1.0.1");
	pmm_explore_result_release(&r);
}

/* abba: 0x4.1x4, 0x3.1.0.1x3, then 0.1 deadlocks: execution 3. */
static void test_stop_on_deadlock(void **state)
{
	const struct selfcheck *c = selfcheck_find("abba-deadlock");
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	o.trace = false;
	assert_int_equal(pmm_explore(c->prog, &o, &r), 0);
	assert_int_equal(r.executions, 3);
	assert_int_equal(r.violation_execution, 3);
	assert_int_equal(r.violations, 1);
	assert_int_equal(r.deadlocks, 1);
	assert_string_equal(r.oracle, "deadlock");
	assert_string_equal(r.schedule, "0.1");
	pmm_explore_result_release(&r);
}

/* The first 7 of the 20 executions of 2x(3,3), exactly. */
static void test_max_executions(void **state)
{
	static const unsigned int steps[] = { 3, 3 };
	struct pmm_explore_opts o = opts_all();
	struct pmm_explore_result r;
	struct indep_prog full, p;
	uint64_t n;

	(void)state;
	indep_init(&full, 2, steps);
	assert_int_equal(pmm_explore(&full.prog, &o, &r), 0);
	assert_int_equal(full.nr_seen, 20);
	pmm_explore_result_release(&r);
	for (n = 1; n < 20; n += 6) {
		indep_init(&p, 2, steps);
		o.max_executions = n;
		assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
		assert_int_equal(r.executions, n);
		assert_false(r.complete);
		assert_int_equal(p.nr_seen, n);
		assert_memory_equal(p.seen, full.seen, n * sizeof(*p.seen));
		pmm_explore_result_release(&r);
		indep_release(&p);
	}
	/* A limit above the count does not matter. */
	indep_init(&p, 2, steps);
	o.max_executions = 1000;
	assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
	assert_int_equal(r.executions, 20);
	assert_true(r.complete);
	pmm_explore_result_release(&r);
	indep_release(&p);
	indep_release(&full);
}

/*
 * A limit equal to the count: all 20 interleavings were visited, so the
 * search is complete ("every interleaving up to the bound was visited").
 */
static void test_max_executions_exact_is_complete(void **state)
{
	static const unsigned int steps[] = { 3, 3 };
	struct pmm_explore_opts o = opts_all();
	struct pmm_explore_result r;
	struct indep_prog p;
	size_t distinct;

	(void)state;
	indep_init(&p, 2, steps);
	o.max_executions = 20;
	assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
	distinct = indep_distinct(&p);
	pmm_explore_result_release(&r);
	indep_release(&p);
	assert_int_equal(r.executions, 20);
	assert_int_equal(distinct, 20);
	assert_true(r.complete);
}

/*
 * Stopping at a violation in the last of the 6 executions of 2x(2,2)
 * (1100, last in DFS order): every interleaving was visited too.
 */
static void test_stop_at_last_is_complete(void **state)
{
	static const unsigned int steps[] = { 2, 2 };
	static const uint8_t last[] = { 1, 1, 0, 0 };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	struct indep_prog p;

	(void)state;
	indep_init(&p, 2, steps);
	indep_set_target(&p, last, 4);
	o.trace = false;
	assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
	pmm_explore_result_release(&r);
	indep_release(&p);
	assert_int_equal(r.executions, 6);
	assert_int_equal(r.violation_execution, 6);
	assert_true(r.complete);
}

/* 756756 executions take far longer than 20 ms: the clock stops it. */
static void test_max_seconds(void **state)
{
	const struct selfcheck *c = selfcheck_find("independent-3x5");
	struct pmm_explore_opts o = opts_all();
	struct pmm_explore_result r;

	(void)state;
	o.max_seconds = 0.02;
	assert_int_equal(pmm_explore(c->prog, &o, &r), 0);
	assert_true(r.executions > 0);
	assert_true(r.executions < 756756);
	assert_false(r.complete);
	assert_true(r.seconds >= 0.02);
	assert_true(r.seconds < 10);
	pmm_explore_result_release(&r);
}

static void nop_setup(void *arg)
{
	(void)arg;
}

static const struct pmm_program nop_prog = { .name = "nop", .setup = nop_setup };
static const struct pmm_program nosetup_prog = { .name = "nosetup" };

static void assert_invalid(const struct pmm_program *prog,
			   const struct pmm_explore_opts *o)
{
	struct pmm_explore_result r;

	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(pmm_explore(prog, o, &r), -EINVAL);
	assert_int_equal(r.executions, 0);
	assert_null(r.schedule);
	assert_null(r.trace);
	pmm_explore_result_release(&r);
}

static void test_invalid_opts(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	assert_invalid(NULL, &o);
	assert_invalid(&nosetup_prog, &o);
	assert_invalid(&nop_prog, NULL);
	o.step_bound = 0;
	assert_invalid(&nop_prog, &o);
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	o.stack_size = 8 * 1024;
	assert_invalid(&nop_prog, &o);
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	o.max_seconds = -1;
	assert_invalid(&nop_prog, &o);
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	o.strategy = (enum pmm_strategy)(PMM_STRATEGY_DPOR + 1);
	assert_invalid(&nop_prog, &o);
	/* Sampling strategies need an execution or time limit. */
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	o.strategy = PMM_STRATEGY_RANDOM;
	assert_invalid(&nop_prog, &o);
	o.strategy = PMM_STRATEGY_PCT;
	assert_invalid(&nop_prog, &o);
	/* DPOR has no preemption bound. */
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	o.strategy = PMM_STRATEGY_DPOR;
	o.preemptions = 2;
	assert_invalid(&nop_prog, &o);
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	o.memory_limit = 0;
	assert_invalid(&nop_prog, &o);
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = NULL;
	assert_invalid(&nop_prog, &o);

	/* The defaults on a program without tasks: one empty execution. */
	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	assert_int_equal(pmm_explore(&nop_prog, &o, &r), 0);
	assert_int_equal(r.executions, 1);
	assert_int_equal(r.steps, 0);
	assert_true(r.complete);
	pmm_explore_result_release(&r);
}

static void test_strategy_names(void **state)
{
	static const char *const names[] = { "dfs", "random", "replay", "pct",
					     "dpor" };
	enum pmm_strategy s;
	unsigned int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		assert_string_equal(pmm_strategy_name((enum pmm_strategy)i),
				    names[i]);
		assert_int_equal(pmm_strategy_parse(names[i], &s), 0);
		assert_int_equal(s, i);
	}
	assert_string_equal(pmm_strategy_name((enum pmm_strategy)5), "?");
	s = PMM_STRATEGY_RANDOM;
	assert_int_equal(pmm_strategy_parse("DFS", &s), -EINVAL);
	assert_int_equal(pmm_strategy_parse("", &s), -EINVAL);
	assert_int_equal(pmm_strategy_parse("dfsx", &s), -EINVAL);
	assert_int_equal(s, PMM_STRATEGY_RANDOM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_preemption_bound),
		cmocka_unit_test(test_target_schedule),
		cmocka_unit_test(test_step_bound),
		cmocka_unit_test(test_step_bound_mixed),
		cmocka_unit_test(test_nondeterministic),
		cmocka_unit_test(test_stop_on_violation),
		cmocka_unit_test(test_stop_on_deadlock),
		cmocka_unit_test(test_max_executions),
		cmocka_unit_test(test_max_executions_exact_is_complete),
		cmocka_unit_test(test_stop_at_last_is_complete),
		cmocka_unit_test(test_max_seconds),
		cmocka_unit_test(test_invalid_opts),
		cmocka_unit_test(test_strategy_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
