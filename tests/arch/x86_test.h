/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the x86-sme/x86-sev tests (tests/arch, tests/drivers): a
 * machine, and programs explored once or exhaustively whose verdict and
 * check()s the test inspects.
 */
#ifndef PMM_TESTS_ARCH_X86_TEST_H
#define PMM_TESTS_ARCH_X86_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/protmm.h"
#include "protmm/x86.h"

#include "../common/check.h"
#include "arch/x86/x86.h"
#include "machine/machine.h"
#include "mem/memcrypt.h"
#include "mem/phys.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"

#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)
#define UA	0x100000ul

/* The machine of the next program (setup() reads it). */
static const char *x86_arch = "x86-sev";

static inline void x86_machine(void)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	o.dev_bytes = 64ul << 10;
	o.arch = x86_arch;
	if (pmm_machine_init(&o))
		check(!"pmm_machine_init");
}

static inline int knobs_default(void **state)
{
	(void)state;
	pmm_knob_reset();
	x86_arch = "x86-sev";
	return 0;
}

static inline void x86_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

struct verdict {
	uint64_t executions, violations;
	char oracle[32];
	char message[512];
};

static inline struct verdict x86_explore(void (*setup)(void *))
{
	struct pmm_program prog = { "x86", "", setup, x86_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	struct verdict v = { 0 };

	failures = 0;
	o.trace = getenv("X86_TRACE") != NULL;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	v.executions = r.executions;
	v.violations = r.violations;
	if (r.violations) {
		snprintf(v.oracle, sizeof(v.oracle), "%s", r.oracle);
		snprintf(v.message, sizeof(v.message), "%s", r.message);
	}
	pmm_explore_result_release(&r);
	if (failures)
		fail_msg("%u failed checks, first %s", failures, failure);
	return v;
}

static inline void x86_clean(void (*setup)(void *))
{
	struct verdict v = x86_explore(setup);

	if (v.violations)
		fail_msg("%s: %s", v.oracle, v.message);
}

static inline void x86_expect(void (*setup)(void *), const char *oracle)
{
	struct verdict v = x86_explore(setup);

	if (!v.violations)
		fail_msg("expected %s, none in %llu executions", oracle,
			 (unsigned long long)v.executions);
	if (strcmp(v.oracle, oracle))
		fail_msg("expected %s, got %s: %s", oracle, v.oracle, v.message);
}

/* A kernel access through the direct map, from @cpu. */
static inline void kernel_rw(int cpu, unsigned long pfn, unsigned int off,
			     void *buf, unsigned int len, bool write)
{
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = cpu, .write = write,
				 .pfn = pfn, .offset = off, .len = len, .buf = buf };

	check(!phys_access(&a));
}

/* What DRAM holds at line @line of @pfn, without an access (no oracle). */
static inline void dram_line(unsigned long pfn, unsigned int line, unsigned char *buf)
{
	unsigned int key = frame_line_key(pfn, line);

	frame_peek(pfn, line * FRAME_LINE, buf, FRAME_LINE);
	if (key && frame_line_valid(pfn, line))
		check(!memcrypt_xts(key, (uint64_t)pfn << PAGE_SHIFT, line * FRAME_LINE,
				    buf, buf, FRAME_LINE, true));
}

#endif /* PMM_TESTS_ARCH_X86_TEST_H */
