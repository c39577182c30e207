/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check(): a condition tested inside a program the explorer runs (a task,
 * setup() or finish()), where a cmocka assertion would longjmp out of a
 * coroutine. The first failure is remembered; the test reports it after
 * pmm_explore() returns (check_report()).
 */
#ifndef PMM_TESTS_COMMON_CHECK_H
#define PMM_TESTS_COMMON_CHECK_H

#include <stdio.h>

static unsigned int failures;
static char failure[256];

#define check(cond) do {						\
	if (!(cond) && !failures++)					\
		snprintf(failure, sizeof(failure), "%s:%d: %s",		\
			 __FILE__, __LINE__, #cond);			\
} while (0)

/*
 * After pmm_explore(): no oracle fired and no check() failed in any
 * execution, and the search was complete. Returns the executions and
 * releases @r. (The includer has included <cmocka.h> and protmm.h.)
 */
static inline uint64_t check_clean(struct pmm_explore_result *r)
{
	uint64_t n = r->executions;

	if (r->violations)
		fail_msg("%s: %s", r->oracle, r->message);
	if (failures)
		fail_msg("%u failed checks, first %s", failures, failure);
	assert_true(r->complete);
	pmm_explore_result_release(r);
	return n;
}

#endif /* PMM_TESTS_COMMON_CHECK_H */
