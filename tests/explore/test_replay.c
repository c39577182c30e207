// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Replay: a violation's schedule string, replayed, reproduces its oracle
 * and its trace byte for byte; a short schedule is completed with the
 * lowest runnable task; impossible, malformed and over-long schedules are
 * refused with -EINVAL and a message saying where.
 */
#include <errno.h>
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
#include "../common/count_lines.h"

static const struct pmm_program *prog_named(const char *name)
{
	const struct selfcheck *c = selfcheck_find(name);

	assert_non_null(c);
	return c->prog;
}

/* One traced replay of @sched; asserts it ran. */
static void replay(const struct pmm_program *prog, const char *sched,
		   struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	int err;

	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = sched;
	err = pmm_explore(prog, &o, r);
	if (err)
		fail_msg("replay \"%s\": %d: %s", sched, err, r->message);
	assert_int_equal(r->executions, 1);
	assert_non_null(r->trace);
}

/* A replay that must fail with -EINVAL, its message holding @want_msg. */
static void replay_einval(const struct pmm_program *prog, const char *sched,
			  uint32_t bound, const char *want_msg)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = sched;
	o.step_bound = bound;
	assert_int_equal(pmm_explore(prog, &o, &r), -EINVAL);
	if (!strstr(r.message, want_msg))
		fail_msg("replay \"%s\": message \"%s\" lacks \"%s\"", sched,
			 r.message, want_msg);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

static const char trace_header[] =
	"  step  task            cpu  operation      access   object"
	"                 before -> after                          where\n";

/* Explores @name to its first violation, replays, compares the traces. */
static void check_replays(const char *name, bool stop)
{
	const struct pmm_program *prog = prog_named(name);
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result x, r1, r2;

	o.stop_on_violation = stop;
	assert_int_equal(pmm_explore(prog, &o, &x), 0);
	assert_true(x.violations > 0);
	assert_non_null(x.schedule);
	assert_non_null(x.trace);

	replay(prog, x.schedule, &r1);
	assert_int_equal(r1.violations, 1);
	assert_string_equal(r1.oracle, x.oracle);
	assert_string_equal(r1.message, x.message);
	assert_string_equal(r1.schedule, x.schedule);
	assert_int_equal(r1.violation_execution, 1);
	assert_string_equal(r1.trace, x.trace);

	replay(prog, x.schedule, &r2);
	assert_string_equal(r2.trace, r1.trace);
	assert_string_equal(r2.oracle, r1.oracle);

	assert_int_equal(strncmp(x.trace, trace_header, strlen(trace_header)), 0);
	pmm_explore_result_release(&x);
	pmm_explore_result_release(&r1);
	pmm_explore_result_release(&r2);
}

static void test_replay_lost_update(void **state)
{
	(void)state;
	check_replays("lost-update", true);
	check_replays("lost-update", false);
}

static void test_replay_abba(void **state)
{
	(void)state;
	check_replays("abba-deadlock", true);
	check_replays("abba-deadlock", false);
}

/*
 * lost-update "0.1.0.1": header, 4 steps, the violation, the end line.
 * Step n is on the line "     n  Tt  inc<t> ..." with read, read, write,
 * write.
 */
static void test_trace_contents(void **state)
{
	static const char *const steps[] = {
		"     0  T0  inc0         cpu0                 read     counter ",
		"     1  T1  inc1         cpu1                 read     counter ",
		"     2  T0  inc0         cpu0                 write    counter ",
		"     3  T1  inc1         cpu1                 write    counter ",
	};
	struct pmm_explore_result r;
	const char *line;
	unsigned int i;

	(void)state;
	replay(prog_named("lost-update"), "0.1.0.1", &r);
	assert_int_equal(count_lines(r.trace, NULL), 7);
	line = r.trace + strlen(trace_header);
	for (i = 0; i < 4; i++) {
		assert_int_equal(strncmp(line, steps[i], strlen(steps[i])), 0);
		assert_non_null(strstr(line, " inc_racy\n"));
		line = strchr(line, '\n') + 1;
	}
	assert_string_equal(line,
		"    !!  violation final-state: counter is 1 after two "
		"increments (in the final state)\n"
		"   end  violation after 4 steps\n");
	pmm_explore_result_release(&r);
}

/*
 * Every interleaving of 2x(2,2) as a target: DFS finds it, its schedule
 * string is the interleaving, and the replay retraces it.
 */
static void test_replay_every_interleaving(void **state)
{
	static const uint8_t all[6][4] = {
		{ 0, 0, 1, 1 }, { 0, 1, 0, 1 }, { 0, 1, 1, 0 },
		{ 1, 0, 0, 1 }, { 1, 0, 1, 0 }, { 1, 1, 0, 0 },
	};
	static const unsigned int steps[] = { 2, 2 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
		struct pmm_explore_result x, r;
		struct indep_prog p;
		char *want = pmm_schedule_format(all[i], 4);

		indep_init(&p, 2, steps);
		indep_set_target(&p, all[i], 4);
		assert_int_equal(pmm_explore(&p.prog, &o, &x), 0);
		assert_int_equal(x.violation_execution, i + 1);
		assert_string_equal(x.schedule, want);
		assert_int_equal(count_lines(x.trace, NULL), 7);
		assert_int_equal(count_lines(x.trace, "violation target"), 1);
		/* Objects are named in the trace. */
		assert_int_equal(count_lines(x.trace, " w0 "), 2);
		replay(&p.prog, want, &r);
		assert_string_equal(r.trace, x.trace);
		assert_string_equal(r.oracle, "target");
		pmm_explore_result_release(&x);
		pmm_explore_result_release(&r);
		indep_release(&p);
		free(want);
	}
}

/* Schedules naming a task that cannot run at that step. */
static void test_replay_impossible(void **state)
{
	const struct pmm_program *lu = prog_named("lost-update");
	const struct pmm_program *abba = prog_named("abba-deadlock");

	(void)state;
	/* inc0 finishes after 2 steps: step 2 cannot be it. */
	replay_einval(lu, "0x3", 100000,
		      "schedule step 2 names task 0, which cannot run there");
	/* No task 5. */
	replay_einval(lu, "0.5", 100000,
		      "schedule step 1 names task 5, which cannot run there");
	replay_einval(lu, "63", 100000, "schedule step 0 names task 63");
	/* ab holds A and B: ba, waiting for B, is blocked at step 2. */
	replay_einval(abba, "0x2.1", 100000,
		      "schedule step 2 names task 1, which cannot run there");
}

/* A short schedule goes on with the lowest runnable task. */
static void check_completion(const struct pmm_program *prog, const char *shrt,
			     const char *full)
{
	struct pmm_explore_result a, b;

	replay(prog, shrt, &a);
	replay(prog, full, &b);
	assert_string_equal(a.trace, b.trace);
	assert_string_equal(a.oracle, b.oracle);
	assert_int_equal(a.violations, b.violations);
	assert_int_equal(a.steps, b.steps);
	if (b.violations)
		assert_string_equal(a.schedule, full);
	pmm_explore_result_release(&a);
	pmm_explore_result_release(&b);
}

static void test_replay_short(void **state)
{
	const struct pmm_program *lu = prog_named("lost-update");
	const struct pmm_program *abba = prog_named("abba-deadlock");
	struct pmm_explore_result r;

	(void)state;
	/* T1 loads, then T0 loads and stores, then T1 stores: lost. */
	check_completion(lu, "1", "1.0x2.1");
	check_completion(lu, "0.1", "0.1.0.1");
	check_completion(lu, "1.0.1", "1.0.1.0");
	/* Nothing given: T0 whole, then T1: no violation. */
	check_completion(lu, "", "0x2.1x2");
	check_completion(lu, "0", "0x2.1x2");
	check_completion(abba, "", "0x4.1x4");
	/* T1 takes B, then T0 (lowest) takes A: deadlock. */
	check_completion(abba, "1", "1.0");
	check_completion(abba, "0x3.1", "0x3.1.0.1x3");

	replay(lu, "", &r);
	assert_int_equal(r.violations, 0);
	assert_int_equal(r.steps, 4);
	assert_null(r.schedule);
	assert_non_null(strstr(r.trace, "   end  every task finished after 4 steps\n"));
	pmm_explore_result_release(&r);
}

static void test_replay_malformed(void **state)
{
	const struct pmm_program *lu = prog_named("lost-update");

	(void)state;
	replay_einval(lu, "0.x", 100000, "malformed schedule at column 3");
	replay_einval(lu, "64", 100000, "malformed schedule at column 1");
	replay_einval(lu, "0.1.", 100000, "malformed schedule at column 4");
	replay_einval(lu, "0 1", 100000, "malformed schedule at column 2");
	/* Longer than the step bound: said so, with the bound. */
	replay_einval(lu, "0x2.1x2", 3,
		      "schedule is longer than the step bound (3)");
}

/* The step bound applies to a replay too; a short schedule is cut. */
static void test_replay_bound(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = "0.1";
	o.step_bound = 2;
	assert_int_equal(pmm_explore(prog_named("lost-update"), &o, &r), 0);
	assert_int_equal(r.executions, 1);
	assert_int_equal(r.truncated, 1);
	assert_int_equal(r.violations, 0);
	assert_int_equal(r.steps, 2);
	assert_int_equal(count_lines(r.trace, NULL), 1 + 2 + 1);
	assert_non_null(strstr(r.trace, "   end  step bound reached after 2 steps\n"));
	pmm_explore_result_release(&r);
}

/* trace = false: the replay runs, counts, and keeps no trace. */
static void test_replay_untraced(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = "1.0x2.1";
	o.trace = false;
	assert_int_equal(pmm_explore(prog_named("lost-update"), &o, &r), 0);
	assert_int_equal(r.executions, 1);
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, "final-state");
	assert_string_equal(r.schedule, "1.0x2.1");
	assert_null(r.trace);
	pmm_explore_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_lost_update),
		cmocka_unit_test(test_replay_abba),
		cmocka_unit_test(test_trace_contents),
		cmocka_unit_test(test_replay_every_interleaving),
		cmocka_unit_test(test_replay_impossible),
		cmocka_unit_test(test_replay_short),
		cmocka_unit_test(test_replay_malformed),
		cmocka_unit_test(test_replay_bound),
		cmocka_unit_test(test_replay_untraced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
