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
	test_machine(x86_arch, 64ul << 10);
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

static inline struct verdict x86_explore(void (*setup)(void *))
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	return explore_verdict("x86", setup, x86_finish, &o, "X86_TRACE");
}

static inline void x86_clean(void (*setup)(void *))
{
	struct verdict v = x86_explore(setup);

	verdict_clean(&v, false);
}

static inline void x86_expect(void (*setup)(void *), const char *oracle)
{
	struct verdict v = x86_explore(setup);

	verdict_expect(&v, oracle);
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
