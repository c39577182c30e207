/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the address-space tests: a program is a setup() that builds
 * the machine and a body run as one task (or several), explored.
 */
#ifndef PMM_TESTS_MM_TEST_H
#define PMM_TESTS_MM_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/protmm.h"

#include "../common/check.h"

#define RW (PMM_PROT_READ | PMM_PROT_WRITE)


static inline void machine_up(unsigned long ram)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = ram;
	if (pmm_machine_init(&o))
		fail_msg("pmm_machine_init");
}

static inline void machine_down(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/*
 * Explores @setup (which creates the tasks) and checks that no oracle
 * fired and no check() failed in any execution; returns the executions.
 */
static inline uint64_t run_clean(void (*setup)(void *))
{
	struct pmm_program prog = { "mm", "", setup, machine_down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	failures = 0;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	return check_clean(&r);
}

#endif /* PMM_TESTS_MM_TEST_H */
