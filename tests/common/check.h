/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check(): a condition tested inside a program the explorer runs (a task,
 * setup() or finish()), where a cmocka assertion would longjmp out of a
 * coroutine. The first failure is remembered; the test reports it after
 * pmm_explore() returns (check_report()).
 */
#ifndef PMM_TESTS_COMMON_CHECK_H
#define PMM_TESTS_COMMON_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* What one exploration found: its counts and the first violation. */
struct verdict {
	uint64_t executions, violations;
	bool complete;
	char oracle[32];
	char message[512];
};

/*
 * pmm_explore() of @setup (then @finish) with @o, tracing when the
 * environment variable @trace_env is set; fails the test when a check()
 * failed, and releases the result.
 */
static inline struct verdict explore_verdict(const char *name,
					     void (*setup)(void *),
					     void (*finish)(void *),
					     struct pmm_explore_opts *o,
					     const char *trace_env)
{
	struct pmm_program prog = { name, "", setup, finish, NULL };
	struct pmm_explore_result r;
	struct verdict v = { 0 };

	failures = 0;
	o->trace = getenv(trace_env) != NULL;
	assert_int_equal(pmm_explore(&prog, o, &r), 0);
	if (o->trace && r.violations)
		fprintf(stderr, "%s\n", r.trace);
	v.executions = r.executions;
	v.violations = r.violations;
	v.complete = r.complete;
	if (r.violations) {
		snprintf(v.oracle, sizeof(v.oracle), "%s", r.oracle);
		snprintf(v.message, sizeof(v.message), "%s", r.message);
	}
	pmm_explore_result_release(&r);
	if (failures)
		fail_msg("%u failed checks, first %s", failures, failure);
	return v;
}

/* No oracle fired (and, if @complete, the search was exhaustive). */
static inline uint64_t verdict_clean(const struct verdict *v, bool complete)
{
	if (v->violations)
		fail_msg("%s: %s", v->oracle, v->message);
	if (complete)
		assert_true(v->complete);
	return v->executions;
}

/* The first violation found was @oracle's. */
static inline void verdict_expect(const struct verdict *v, const char *oracle)
{
	if (!v->violations)
		fail_msg("expected %s, none in %llu executions", oracle,
			 (unsigned long long)v->executions);
	if (strcmp(v->oracle, oracle))
		fail_msg("expected %s, got %s: %s", oracle, v->oracle, v->message);
}

/* A machine of @arch with 1 MiB of RAM and @dev_bytes of device memory. */
static inline void test_machine(const char *arch, unsigned long dev_bytes)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	o.dev_bytes = dev_bytes;
	o.arch = arch;
	if (pmm_machine_init(&o))
		check(!"pmm_machine_init");
}

#endif /* PMM_TESTS_COMMON_CHECK_H */
