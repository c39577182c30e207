/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the conformance tests: ports of the Linux kernel's mm
 * selftests (tools/testing/selftests/mm/cow.c, gup_test.c, gup_longterm.c
 * and the in-kernel side mm/gup_test.c) to the model. README.md in this
 * directory lists every kernel test case and where it went.
 *
 * A ported case is a program: setup() builds the machine and the memory
 * the selftest starts from, its task(s) do what the selftest's processes
 * do, and the selftest's own assertion ("No leak from parent into child",
 * "Longterm R/O pin is reliable", ...) becomes a "selftest" violation.
 * pmm_pin(PMM_GUP_LONGTERM) stands in for PIN_LONGTERM_TEST_START,
 * pmm_pin_dma(read) for PIN_LONGTERM_TEST_READ and for whatever reads
 * the pinned pages (a vmsplice()d pipe, an io_uring fixed buffer), and
 * pmm_unpin() for PIN_LONGTERM_TEST_STOP.
 *
 * Nothing a program runs may use cmocka's assertions (see
 * tests/sched/sched_test.h): programs report through pmm_violation() and
 * the test body asserts on the exploration's result.
 */
#ifndef PMM_TESTS_CONFORMANCE_H
#define PMM_TESTS_CONFORMANCE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/protmm.h"

#define PAGE 4096ul

/* Where the selftests' mmap(NULL, ...) happens to land, here fixed. */
#define MEM	0x100000ul
#define SMEM	0x200000ul
#define FAR	0x400000ul

/* The oracle a ported selftest assertion reports through. */
#define SELFTEST "selftest"

/* The selftest's ksft_test_result_fail(): ends the execution from a task. */
#define CHECK(cond, ...) do {						\
	if (!(cond))							\
		pmm_violation(SELFTEST, __VA_ARGS__);			\
} while (0)

/* A machine with the defaults: 4 MiB of RAM, 4 CPUs, a 16 MiB disk. */
static inline bool conf_machine(void)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	int err = pmm_machine_init(&o);

	if (err)
		pmm_violation("setup", "pmm_machine_init: %d", err);
	return !err;
}

static inline void conf_task(const char *name, int cpu, pmm_task_fn fn,
			     void *arg)
{
	int id = pmm_task_create(name, cpu, fn, arg);

	if (id < 0)
		pmm_violation("setup", "pmm_task_create(%s): %d", name, id);
}

/* memset(mem, byte, len) in @p, page by page. */
static inline int conf_fill(struct pmm_process *p, unsigned long addr,
			    unsigned long len, unsigned char byte)
{
	unsigned char buf[PAGE];
	int err = 0;

	memset(buf, byte, sizeof(buf));
	while (len && !err) {
		unsigned long n = len < PAGE ? len : PAGE;

		err = pmm_store(p, addr, buf, n);
		addr += n;
		len -= n;
	}
	return err;
}

/* Is every byte of @buf equal to @byte? */
static inline bool conf_all(const unsigned char *buf, size_t len,
			    unsigned char byte)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != byte)
			return false;
	return true;
}

/*
 * memcmp(mem, expected) in @p, a page at a time: 0 when every byte reads
 * @byte, the load's error, or 1 with the first differing byte in *@got.
 */
static inline int conf_expect(struct pmm_process *p, unsigned long addr,
			      unsigned long len, unsigned char byte,
			      unsigned char *got)
{
	unsigned char buf[PAGE];

	while (len) {
		unsigned long n = len < PAGE ? len : PAGE, i;
		int err = pmm_load(p, addr, buf, n);

		if (err)
			return err;
		for (i = 0; i < n; i++) {
			if (buf[i] != byte) {
				*got = buf[i];
				return 1;
			}
		}
		addr += n;
		len -= n;
	}
	return 0;
}

/* As conf_expect(), through the pin: PIN_LONGTERM_TEST_READ, a pipe read. */
static inline int conf_expect_pin(struct pmm_pin *pin, unsigned long off,
				  unsigned long len, unsigned char byte,
				  unsigned char *got)
{
	unsigned char buf[PAGE];

	while (len) {
		unsigned long n = len < PAGE ? len : PAGE, i;
		int err = pmm_pin_dma(pin, off, buf, n, false);

		if (err)
			return err;
		for (i = 0; i < n; i++) {
			if (buf[i] != byte) {
				*got = buf[i];
				return 1;
			}
		}
		off += n;
		len -= n;
	}
	return 0;
}

/* The state of the page at @addr, or a "selftest" violation. */
static inline bool conf_state(struct pmm_process *p, unsigned long addr,
			      struct pmm_page_state *st)
{
	int err = pmm_page_state(p, addr, st);

	if (err)
		pmm_violation(SELFTEST, "no page mapped at %#lx: %d", addr, err);
	return !err;
}

/* Says what the explorer found, for when an assertion is about to fail. */
static inline void conf_report(const char *what,
			       const struct pmm_explore_result *r)
{
	print_message("%s: %llu executions, %llu violations, %llu deadlocks, "
		      "%llu truncated, complete %d, %.2fs\n", what,
		      (unsigned long long)r->executions,
		      (unsigned long long)r->violations,
		      (unsigned long long)r->deadlocks,
		      (unsigned long long)r->truncated, r->complete, r->seconds);
	if (r->violations)
		print_message("  first: %s: %s\n  schedule %s\n", r->oracle,
			      r->message, r->schedule ? r->schedule : "-");
}

/*
 * Every trace of @prog (DPOR; one execution when it has one task),
 * violations counted rather than stopped at; the search must finish.
 */
static inline void conf_explore(const struct pmm_program *prog,
				struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	int err;

	o.strategy = PMM_STRATEGY_DPOR;
	o.stop_on_violation = false;
	o.max_seconds = 120;
	/* A trace would run setup() and finish() once more. */
	o.trace = false;
	err = pmm_explore(prog, &o, r);
	if (err || !r->complete || r->truncated || r->deadlocks)
		conf_report(prog->name, r);
	assert_int_equal(err, 0);
	assert_true(r->complete);
	assert_int_equal(r->truncated, 0);
	assert_int_equal(r->deadlocks, 0);
}

/*
 * The selftest passes in every interleaving: no violation of any oracle
 * (selftest, data-corruption, leak, bug-on...). Returns the executions.
 */
static inline uint64_t conf_expect_pass(const struct pmm_program *prog)
{
	struct pmm_explore_result r;
	uint64_t n;

	conf_explore(prog, &r);
	if (r.violations || getenv("CONF_VERBOSE"))
		conf_report(prog->name, &r);
	assert_int_equal(r.violations, 0);
	assert_true(r.executions >= 1);
	n = r.executions;
	pmm_explore_result_release(&r);
	return n;
}

/*
 * The old bug shows: @violations of the executions violate (0: every
 * one), the first through @oracle, its message holding @msg_part.
 */
static inline void conf_expect_bug(const struct pmm_program *prog,
				   uint64_t violations, const char *oracle,
				   const char *msg_part)
{
	struct pmm_explore_result r;

	conf_explore(prog, &r);
	if (getenv("CONF_VERBOSE") || !r.violations ||
	    strcmp(r.oracle, oracle) ||
	    (msg_part && !strstr(r.message, msg_part)) ||
	    (violations ? r.violations != violations :
			  r.violations != r.executions))
		conf_report(prog->name, &r);
	if (violations)
		assert_int_equal(r.violations, violations);
	else
		assert_int_equal(r.violations, r.executions);
	assert_true(r.violations > 0);
	assert_string_equal(r.oracle, oracle);
	if (msg_part)
		assert_non_null(strstr(r.message, msg_part));
	pmm_explore_result_release(&r);
}

/* A fixture teardown: knobs keep their value across executions. */
static inline int conf_knob_reset(void **state)
{
	(void)state;
	pmm_knob_reset();
	return 0;
}

static inline void conf_knob(const char *name, const char *value)
{
	assert_int_equal(pmm_knob_set(name, value), 0);
}

#define PROG(n, s, f, a) {						\
	.name = (n),							\
	.description = (n),						\
	.setup = (s),							\
	.finish = (f),							\
	.arg = (void *)(a),						\
}

#endif /* PMM_TESTS_CONFORMANCE_H */
