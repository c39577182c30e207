/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the KVM tests: one VMM process with guest memory at HVA, a
 * VM whose memslot maps GPA there, and programs explored under DFS.
 */
#ifndef PMM_TESTS_VIRT_TEST_H
#define PMM_TESTS_VIRT_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/kvm.h"
#include "protmm/protmm.h"

#include "../common/check.h"

#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)
#define HVA	0x100000ul
#define GPA	0x40000000ul
#define PG	4096ul

struct world {
	struct pmm_process *vmm, *child;
	struct pmm_vm *vm;
	int scenario;
};

static struct world W;


/* A machine, the VMM with two pages at HVA, and the VM over them. */
static inline void vm_up(const char *arch, unsigned int vm_flags)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	o.arch = arch;
	memset(&W, 0, sizeof(W));
	if (pmm_machine_init(&o)) {
		check(!"pmm_machine_init");
		return;
	}
	W.vmm = pmm_process_create();
	check(pmm_mmap(W.vmm, HVA, 2 * PG, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	W.vm = pmm_vm_create(W.vmm, vm_flags);
	check(W.vm != NULL);
	check(pmm_vm_set_memslot(W.vm, GPA, HVA, 2 * PG) == 0);
}

static inline void vm_down(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/*
 * Explores every trace of @setup (DPOR) with @fin at the end of each
 * execution.
 */
static inline void explore(void (*setup)(void *), void (*fin)(void *),
			   struct pmm_explore_result *r)
{
	struct pmm_program prog = { "kvm", "", setup, fin ? fin : vm_down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	failures = 0;
	o.strategy = PMM_STRATEGY_DPOR;
	o.stop_on_violation = false;
	o.trace = getenv("KVM_TRACE") != NULL;
	assert_int_equal(pmm_explore(&prog, &o, r), 0);
	if (o.trace && r->violations)
		fprintf(stderr, "%s\n", r->trace);
}

/* Explores and wants no oracle and no check() to fail, all explored. */
static inline uint64_t run_clean(void (*setup)(void *), void (*fin)(void *))
{
	struct pmm_explore_result r;

	explore(setup, fin, &r);
	return check_clean(&r);
}

/*
 * For programs too big to explore exhaustively here: @n executions of
 * PCT, none of which may break an oracle or a check().
 */
static inline void run_pct(void (*setup)(void *), void (*fin)(void *),
			   uint64_t n)
{
	struct pmm_program prog = { "kvm", "", setup, fin ? fin : vm_down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	failures = 0;
	o.strategy = PMM_STRATEGY_PCT;
	o.max_executions = n;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	if (failures)
		fail_msg("%u failed checks, first %s", failures, failure);
	assert_int_equal(r.executions, n);
	pmm_explore_result_release(&r);
}

#endif /* PMM_TESTS_VIRT_TEST_H */
