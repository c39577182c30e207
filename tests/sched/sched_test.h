/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the synchronisation-primitive tests: run a program
 * under the explore backend (every interleaving, or one pinned schedule)
 * or natively, and check what came out.
 *
 * Nothing a program runs (setup, tasks, finish) may use cmocka's
 * assertions: a failing one would longjmp out of pmm_explore() or fire on
 * another thread. Programs report through pmm_violation() and through
 * static records; the test body asserts on those afterwards.
 */
#ifndef PMM_TESTS_SCHED_TEST_H
#define PMM_TESTS_SCHED_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/explore.h"
#include "protmm/sched.h"

/* Says what the explorer found, for when an assertion is about to fail. */
static inline void explore_report(const char *what,
				  const struct pmm_explore_result *r)
{
	print_message("%s: %llu executions, %llu violations, %llu deadlocks, "
		      "%llu truncated, complete %d\n", what,
		      (unsigned long long)r->executions,
		      (unsigned long long)r->violations,
		      (unsigned long long)r->deadlocks,
		      (unsigned long long)r->truncated, r->complete);
	if (r->violations)
		print_message("  first: %s: %s\n  schedule %s\n%s", r->oracle,
			      r->message, r->schedule ? r->schedule : "-",
			      r->trace ? r->trace : "");
}

/*
 * Every interleaving of @prog, violations counted rather than stopped at.
 * The exploration must finish: no execution cut short at the step bound.
 */
static inline void explore_all_by(const struct pmm_program *prog,
				  enum pmm_strategy strategy,
				  struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	int err;

	o.strategy = strategy;
	o.stop_on_violation = false;
	o.max_seconds = 60;
	/*
	 * A trace is made by running the first violating execution once
	 * more, which would run setup() and finish() once more than
	 * r->executions says and skew the records programs keep.
	 */
	o.trace = false;
	err = pmm_explore(prog, &o, r);
	if (err || !r->complete || r->truncated)
		explore_report(prog->name, r);
	assert_int_equal(err, 0);
	assert_true(r->complete);
	assert_int_equal(r->truncated, 0);
}

static inline void explore_all(const struct pmm_program *prog,
			       struct pmm_explore_result *r)
{
	explore_all_by(prog, PMM_STRATEGY_DFS, r);
}

/* Explores @prog and checks the three counts, then releases the result. */
static inline void explore_expect(const struct pmm_program *prog,
				  uint64_t executions, uint64_t violations,
				  uint64_t deadlocks)
{
	struct pmm_explore_result r;

	explore_all(prog, &r);
	if (r.executions != executions || r.violations != violations ||
	    r.deadlocks != deadlocks)
		explore_report(prog->name, &r);
	assert_int_equal(r.executions, executions);
	assert_int_equal(r.violations, violations);
	assert_int_equal(r.deadlocks, deadlocks);
	pmm_explore_result_release(&r);
}

/* As explore_expect(), and the first violation was @oracle. */
static inline void explore_expect_oracle(const struct pmm_program *prog,
					 uint64_t executions,
					 uint64_t violations,
					 uint64_t deadlocks,
					 const char *oracle,
					 const char *msg_part)
{
	struct pmm_explore_result r;

	explore_all(prog, &r);
	if (r.executions != executions || r.violations != violations ||
	    r.deadlocks != deadlocks || strcmp(r.oracle, oracle) ||
	    (msg_part && !strstr(r.message, msg_part)))
		explore_report(prog->name, &r);
	assert_int_equal(r.executions, executions);
	assert_int_equal(r.violations, violations);
	assert_int_equal(r.deadlocks, deadlocks);
	assert_string_equal(r.oracle, oracle);
	if (msg_part)
		assert_non_null(strstr(r.message, msg_part));
	pmm_explore_result_release(&r);
}

/* Exactly the one execution @schedule names (then lowest task first). */
static inline void replay(const struct pmm_program *prog, const char *schedule,
			  struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	int err;

	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = schedule;
	/* As above: with a trace, the execution would run twice. */
	o.trace = false;
	err = pmm_explore(prog, &o, r);
	if (err)
		print_message("replay %s: %s\n", schedule, r->message);
	assert_int_equal(err, 0);
	assert_int_equal(r->executions, 1);
}

/* Replays @schedule and checks it ends in @oracle with @msg_part said. */
static inline void replay_expect(const struct pmm_program *prog,
				 const char *schedule, const char *oracle,
				 const char *msg_part)
{
	struct pmm_explore_result r;

	replay(prog, schedule, &r);
	if (!oracle) {
		if (r.violations)
			explore_report(prog->name, &r);
		assert_int_equal(r.violations, 0);
		pmm_explore_result_release(&r);
		return;
	}
	if (r.violations != 1 || strcmp(r.oracle, oracle) ||
	    (msg_part && !strstr(r.message, msg_part)))
		explore_report(prog->name, &r);
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, oracle);
	if (msg_part)
		assert_non_null(strstr(r.message, msg_part));
	pmm_explore_result_release(&r);
}

/* Runs @prog natively @iterations times, counting every violation. */
static inline void native_run(const struct pmm_program *prog,
			      uint64_t iterations,
			      struct pmm_native_result *r)
{
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	int err;

	o.iterations = iterations;
	o.stop_on_violation = false;
	err = pmm_native_run(prog, &o, r);
	assert_int_equal(err, 0);
	assert_int_equal(r->iterations, iterations);
}

/* Runs @prog natively and expects no violation in any iteration. */
static inline void native_expect_clean(const struct pmm_program *prog,
				       uint64_t iterations)
{
	struct pmm_native_result r;

	native_run(prog, iterations, &r);
	if (r.violations)
		print_message("%s natively: %llu violations, first %s: %s\n",
			      prog->name, (unsigned long long)r.violations,
			      r.oracle, r.message);
	assert_int_equal(r.violations, 0);
}

/* Runs @prog natively and expects @oracle in every iteration. */
static inline void native_expect_oracle(const struct pmm_program *prog,
					uint64_t iterations,
					const char *oracle,
					const char *msg_part)
{
	struct pmm_native_result r;

	native_run(prog, iterations, &r);
	if (r.violations != iterations || strcmp(r.oracle, oracle) ||
	    (msg_part && !strstr(r.message, msg_part)))
		print_message("%s natively: %llu violations, first %s: %s\n",
			      prog->name, (unsigned long long)r.violations,
			      r.oracle, r.message);
	assert_int_equal(r.violations, iterations);
	assert_string_equal(r.oracle, oracle);
	if (msg_part)
		assert_non_null(strstr(r.message, msg_part));
}

/* A program from a setup and a finish, for the tables in each test. */
#define PROGRAM(n, s, f) {						\
	.name = (n),							\
	.description = (n),						\
	.setup = (s),							\
	.finish = (f),							\
}

#define PROGRAM_ARG(n, s, f, a) {					\
	.name = (n),							\
	.description = (n),						\
	.setup = (s),							\
	.finish = (f),							\
	.arg = (void *)(a),						\
}

/* Creates a task and reports a failure as a violation of setup. */
static inline void task_new(const char *name, int cpu, pmm_task_fn fn,
			    void *arg)
{
	int id = pmm_task_create(name, cpu, fn, arg);

	if (id < 0)
		pmm_violation("setup", "pmm_task_create(%s): %d", name, id);
}

#endif /* PMM_TESTS_SCHED_TEST_H */
