/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the swap layer's tests share: the teardown, a byte check through
 * a process's mapping, and the exhaustive exploration the races here are
 * run under (every interleaving with at most two preemptions: each is a
 * few hundred steps). SWAP_COUNTS=1 prints each exploration's executions,
 * SWAP_TRACE=1 the trace of a violation. The includer has included
 * <cmocka.h>, protmm.h and ../common/check.h.
 */
#ifndef PMM_TESTS_SWAP_SWAP_TEST_H
#define PMM_TESTS_SWAP_SWAP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void swap_test_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* @p reads @want at @addr (at most 16 bytes). */
static inline bool swap_test_reads(struct pmm_process *p, unsigned long addr,
				   const char *want)
{
	char buf[16] = "";
	size_t n = strlen(want);

	return !pmm_load(p, addr, buf, n) && !memcmp(buf, want, n);
}

/* Explores @setup; returns executions, with no violation or failed check. */
static inline uint64_t swap_test_explore_clean(const char *name,
					       void (*setup)(void *),
					       void (*fin)(void *))
{
	struct pmm_program prog = { name, "", setup, fin, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	uint64_t n;

	failures = 0;
	o.preemptions = 2;
	o.stop_on_violation = false;
	o.trace = getenv("SWAP_TRACE") != NULL;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	if (r.violations && r.trace && o.trace)
		fputs(r.trace, stderr);
	n = check_clean(&r);
	if (getenv("SWAP_COUNTS"))
		print_message("%s: %llu executions\n", name, (unsigned long long)n);
	return n;
}

#endif /* PMM_TESTS_SWAP_SWAP_TEST_H */
