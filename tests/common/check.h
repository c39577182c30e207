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

#endif /* PMM_TESTS_COMMON_CHECK_H */
