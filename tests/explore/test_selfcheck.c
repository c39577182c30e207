// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The built-in self-check programs: the table holds the eight programs
 * with the hand counts below, each passes selfcheck_run() with exactly
 * those counts, and selfcheck_run() notices a wrong expectation.
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

struct want {
	const char *name;
	const char *oracle;
	uint64_t executions, violations, deadlocks;
};

/* The hand counts, written out again here rather than read from the table. */
static const struct want wants[] = {
	/* C(4,2) = 6 orders of two (load, store); 4 load-load first. */
	{ "lost-update", "final-state", 6, 4, 0 },
	/* Each critical section whole: 2 orders. */
	{ "spinlock-increment", "", 2, 0, 0 },
	{ "mutex-increment", "", 2, 0, 0 },
	/* Per first locker: 2 completions and 1 deadlock. */
	{ "abba-deadlock", "deadlock", 6, 2, 2 },
	/* C(4,2) = 6, outcomes 01, 10, 11. */
	{ "store-buffering", "", 6, 0, 0 },
	{ "independent-2x3", "", 20, 0, 0 },		/* C(6,3) */
	{ "independent-2x10", "", 184756, 0, 0 },	/* C(20,10) */
	{ "independent-3x5", "", 756756, 0, 0 },	/* 15!/(5!)^3 */
};

#define NR_WANTS (sizeof(wants) / sizeof(wants[0]))

static void test_table(void **state)
{
	unsigned int i;

	(void)state;
	assert_int_equal(nr_selfchecks, NR_WANTS);
	for (i = 0; i < NR_WANTS; i++) {
		const struct selfcheck *c = &selfchecks[i];

		assert_string_equal(c->name, wants[i].name);
		assert_ptr_equal(selfcheck_find(wants[i].name), c);
		assert_non_null(c->prog);
		assert_non_null(c->prog->setup);
		assert_non_null(c->prog->description);
		assert_non_null(c->hand_count);
		assert_int_equal(c->expect_executions, wants[i].executions);
		assert_int_equal(c->expect_violations, wants[i].violations);
		if (*wants[i].oracle)
			assert_string_equal(c->expect_oracle, wants[i].oracle);
		else
			assert_null(c->expect_oracle);
	}
	assert_null(selfcheck_find("nosuch"));
	assert_null(selfcheck_find(""));
	assert_null(selfcheck_find("lost-update "));
}

static void run_one(const struct want *w)
{
	const struct selfcheck *c = selfcheck_find(w->name);
	struct selfcheck_verdict v;

	assert_non_null(c);
	assert_int_equal(selfcheck_run(c, &v), 0);
	if (!v.pass)
		fail_msg("%s: %s", w->name, v.why);
	assert_true(v.res.complete);
	assert_int_equal(v.res.truncated, 0);
	assert_int_equal(v.res.executions, w->executions);
	assert_int_equal(v.res.violations, w->violations);
	assert_int_equal(v.res.deadlocks, w->deadlocks);
	assert_string_equal(v.res.oracle, w->oracle);
	if (w->violations) {
		assert_non_null(v.res.schedule);
		assert_non_null(v.res.trace);
		assert_true(v.res.violation_execution >= 1);
		assert_true(v.res.violation_execution <= w->executions);
	} else {
		assert_null(v.res.schedule);
		assert_int_equal(v.res.violation_execution, 0);
	}
	/* What it saw across the executions is still there to check. */
	if (c->check_seen) {
		char why[PMM_MSG_MAX] = "";

		assert_true(c->check_seen(why, sizeof(why)));
	}
	pmm_explore_result_release(&v.res);
}

#define SELFCHECK_TEST(fn, i)			\
static void fn(void **state)			\
{						\
	(void)state;				\
	run_one(&wants[i]);			\
}

SELFCHECK_TEST(test_lost_update, 0)
SELFCHECK_TEST(test_spinlock_increment, 1)
SELFCHECK_TEST(test_mutex_increment, 2)
SELFCHECK_TEST(test_abba_deadlock, 3)
SELFCHECK_TEST(test_store_buffering, 4)
SELFCHECK_TEST(test_independent_2x3, 5)
SELFCHECK_TEST(test_independent_2x10, 6)
SELFCHECK_TEST(test_independent_3x5, 7)

/* Without the reset, store-buffering's record of outcomes is stale. */
static void test_store_buffering_outcomes(void **state)
{
	const struct selfcheck *c = selfcheck_find("store-buffering");
	char why[PMM_MSG_MAX] = "";

	(void)state;
	assert_non_null(c->reset);
	assert_non_null(c->check_seen);
	c->reset();
	assert_false(c->check_seen(why, sizeof(why)));
	assert_non_null(strstr(why, "0xe"));
}

/* A wrong hand count is reported, with both numbers. */
static void test_mismatch_detected(void **state)
{
	struct selfcheck c = *selfcheck_find("lost-update");
	struct selfcheck_verdict v;

	(void)state;
	c.expect_executions = 7;
	assert_int_equal(selfcheck_run(&c, &v), 0);
	assert_false(v.pass);
	assert_non_null(strstr(v.why, "6 executions with 4 violating"));
	assert_non_null(strstr(v.why, "expected 7 with 4"));
	pmm_explore_result_release(&v.res);

	c = *selfcheck_find("lost-update");
	c.expect_oracle = "deadlock";
	assert_int_equal(selfcheck_run(&c, &v), 0);
	assert_false(v.pass);
	assert_string_equal(v.why, "found final-state, expected deadlock");
	pmm_explore_result_release(&v.res);

	/* A violation where none was expected. */
	c = *selfcheck_find("lost-update");
	c.expect_oracle = NULL;
	c.expect_violations = 0;
	assert_int_equal(selfcheck_run(&c, &v), 0);
	assert_false(v.pass);
	pmm_explore_result_release(&v.res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lost_update),
		cmocka_unit_test(test_spinlock_increment),
		cmocka_unit_test(test_mutex_increment),
		cmocka_unit_test(test_abba_deadlock),
		cmocka_unit_test(test_store_buffering),
		cmocka_unit_test(test_independent_2x3),
		cmocka_unit_test(test_independent_2x10),
		cmocka_unit_test(test_independent_3x5),
		cmocka_unit_test(test_store_buffering_outcomes),
		cmocka_unit_test(test_mismatch_detected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
