// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Confidential-computing hardware (src/arch/cc.c, x86/snp.c, x86/tdx.c,
 * arm64/pkvm.c) and the fatal-host-access oracle (src/check/cc.c): which
 * host accesses to a guest-owned frame each machine makes fatal, what the
 * others get, and that giving the frame back ends it. VM types per
 * machine.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/kvm.h"
#include "protmm/protmm.h"

#include "../common/check.h"

/* Internals: the ownership table and the arch hooks KVM calls. */
#include "arch/cc.h"
#include "virt/kvm.h"

#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)
#define HVA	0x100000ul
#define PG	4096ul

static struct pmm_process *vmm;
static struct pmm_vm *vm;
static unsigned long pfn;
/* What the case under test saw, for the test body. */
static int store_err, load_err;
static char loaded[8];

static void machine_up(const char *arch, enum pmm_vm_type type)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	struct pmm_page_state st;

	o.ram_bytes = 1ul << 20;
	o.arch = arch;
	check(pmm_machine_init(&o) == 0);
	vmm = pmm_process_create();
	check(pmm_mmap(vmm, HVA, PG, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_store(vmm, HVA, "host", 5) == 0);
	check(pmm_page_state(vmm, HVA, &st) == 0);
	pfn = st.pfn;
	vm = pmm_vm_create_type(vmm, type, 0);
	check(vm != NULL);
}

static void down(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static void explore_one(void (*setup)(void *), struct pmm_explore_result *r)
{
	struct pmm_program prog = { "cc", "", setup, down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	failures = 0;
	store_err = load_err = 1;
	memset(loaded, 0, sizeof(loaded));
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, r), 0);
	if (failures)
		fail_msg("%u failed checks, first %s", failures, failure);
	assert_int_equal(r->executions, 1);
}

static void expect_fatal(void (*setup)(void *), const char *part)
{
	struct pmm_explore_result r;

	explore_one(setup, &r);
	if (r.violations != 1)
		fail_msg("no violation");
	assert_string_equal(r.oracle, "fatal-host-access");
	assert_non_null(strstr(r.message, part));
	pmm_explore_result_release(&r);
}

static void expect_clean(void (*setup)(void *))
{
	struct pmm_explore_result r;

	explore_one(setup, &r);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	pmm_explore_result_release(&r);
}

/* SNP: prepare assigns the frame in the RMP; a host read gets ciphertext. */
static void snp_read_setup(void *arg)
{
	(void)arg;
	machine_up("x86-snp", PMM_VM_SNP);
	check(kvm_arch_gmem_prepare(vm, 0, pfn, 0) == 0);
	check(cc_frame_owner(pfn) == vm->id);
	/* Prepared again (another fault): nothing changes. */
	check(kvm_arch_gmem_prepare(vm, 0, pfn, 0) == 0);
	load_err = pmm_load(vmm, HVA, loaded, 5);
}

static void test_snp_host_read_is_ciphertext(void **state)
{
	(void)state;
	expect_clean(snp_read_setup);
	assert_int_equal(load_err, 0);
	assert_memory_not_equal(loaded, "host", 5);
}

/* SNP: a host write is an RMP violation. */
static void snp_write_setup(void *arg)
{
	(void)arg;
	machine_up("x86-snp", PMM_VM_SNP);
	check(kvm_arch_gmem_prepare(vm, 0, pfn, 0) == 0);
	store_err = pmm_store(vmm, HVA, "x", 1);
}

static void test_snp_host_write_is_fatal(void **state)
{
	(void)state;
	expect_fatal(snp_write_setup, "an RMP violation");
	assert_int_equal(store_err, -EFAULT);
}

/* SNP: back to the host when guest_memfd frees it; writes are fine again. */
static void snp_invalidate_setup(void *arg)
{
	(void)arg;
	machine_up("x86-snp", PMM_VM_SNP);
	check(kvm_arch_gmem_prepare(vm, 0, pfn, 0) == 0);
	kvm_arch_gmem_invalidate(pfn, pfn + 1);
	check(cc_frame_owner(pfn) == 0);
	store_err = pmm_store(vmm, HVA, "x", 1);
	load_err = pmm_load(vmm, HVA, loaded, 5);
}

static void test_snp_invalidate_gives_back(void **state)
{
	(void)state;
	expect_clean(snp_invalidate_setup);
	assert_int_equal(store_err, 0);
	assert_int_equal(load_err, 0);
	assert_memory_equal(loaded, "xost", 5);
}

/* SNP: a frame another VM owns is not prepared for this one. */
static void snp_two_vms_setup(void *arg)
{
	struct pmm_vm *other;

	(void)arg;
	machine_up("x86-snp", PMM_VM_SNP);
	other = pmm_vm_create_type(vmm, PMM_VM_SNP, 0);
	check(other && other->id != vm->id);
	check(kvm_arch_gmem_prepare(vm, 0, pfn, 0) == 0);
	check(kvm_arch_gmem_prepare(other, 0, pfn, 0) == -EINVAL);
	check(cc_frame_owner(pfn) == vm->id);
}

static void test_snp_owner_is_one_vm(void **state)
{
	(void)state;
	expect_clean(snp_two_vms_setup);
}

/* TDX: any host access to a TD's frame is a machine check, a read too. */
static void tdx_read_setup(void *arg)
{
	(void)arg;
	machine_up("x86-tdx", PMM_VM_TDX);
	/* Nothing for prepare to do under TDX: stage 2 takes the frame. */
	check(kvm_arch_gmem_prepare(vm, 0, pfn, 0) == 0);
	check(cc_frame_owner(pfn) == 0);
	check(cc_make_private(pfn, 1, vm->id) == 0);
	load_err = pmm_load(vmm, HVA, loaded, 5);
}

static void test_tdx_host_read_is_fatal(void **state)
{
	(void)state;
	expect_fatal(tdx_read_setup, "a machine check");
	assert_int_equal(load_err, -EFAULT);
}

/* pKVM: a donated page is gone from the host's stage 2. */
static void pkvm_setup(void *arg)
{
	(void)arg;
	machine_up("arm64-mte", PMM_VM_PKVM);
	check(cc_make_private(pfn, 1, vm->id) == 0);
	/* Donated already: a second donation fails. */
	check(cc_make_private(pfn, 1, vm->id) == -EBUSY);
	load_err = pmm_load(vmm, HVA, loaded, 5);
}

static void test_pkvm_host_access_is_fatal(void **state)
{
	(void)state;
	expect_fatal(pkvm_setup, "host stage-2 fault");
	assert_int_equal(load_err, -EFAULT);
}

/* sw-protected: no hardware, nothing refused; machines without it: no table. */
static void sw_setup(void *arg)
{
	(void)arg;
	machine_up("generic", PMM_VM_SW_PROTECTED);
	check(kvm_arch_gmem_prepare(vm, 0, pfn, 0) == 0);
	check(cc_make_private(pfn, 1, vm->id) == -EINVAL);
	check(cc_frame_owner(pfn) == 0);
	store_err = pmm_store(vmm, HVA, "x", 1);
}

static void test_sw_protected_enforces_nothing(void **state)
{
	(void)state;
	expect_clean(sw_setup);
	assert_int_equal(store_err, 0);
}

/* Which machine runs which VM type. */
static void types_setup(void *arg)
{
	static const struct {
		const char *arch;
		unsigned int types;
	} m[] = {
		{ "generic", 1u << PMM_VM_SW_PROTECTED },
		{ "x86-sme", 1u << PMM_VM_SW_PROTECTED },
		{ "x86-sev", 0 },
		{ "s390-pv", 0 },
		{ "arm64-mte", 1u << PMM_VM_PKVM },
		{ "x86-snp", 1u << PMM_VM_SW_PROTECTED | 1u << PMM_VM_SNP },
		{ "x86-tdx", 1u << PMM_VM_SW_PROTECTED | 1u << PMM_VM_TDX },
	};
	unsigned int i, t;

	(void)arg;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
		struct pmm_process *p;

		o.ram_bytes = 1ul << 20;
		o.arch = m[i].arch;
		check(pmm_machine_init(&o) == 0);
		p = pmm_process_create();
		for (t = PMM_VM_DEFAULT; t <= PMM_VM_PKVM; t++)
			check((pmm_vm_create_type(p, (enum pmm_vm_type)t, 0) != NULL) ==
			      (t == PMM_VM_DEFAULT || (m[i].types >> t & 1)));
		if (i + 1 < sizeof(m) / sizeof(m[0]))
			pmm_machine_finish();
	}
	check(!strcmp(pmm_vm_type_name(PMM_VM_SW_PROTECTED), "sw-protected"));
	check(pmm_vm_type_name((enum pmm_vm_type)7) == NULL);
}

static void test_vm_types_per_machine(void **state)
{
	(void)state;
	expect_clean(types_setup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snp_host_read_is_ciphertext),
		cmocka_unit_test(test_snp_host_write_is_fatal),
		cmocka_unit_test(test_snp_invalidate_gives_back),
		cmocka_unit_test(test_snp_owner_is_one_vm),
		cmocka_unit_test(test_tdx_host_read_is_fatal),
		cmocka_unit_test(test_pkvm_host_access_is_fatal),
		cmocka_unit_test(test_sw_protected_enforces_nothing),
		cmocka_unit_test(test_vm_types_per_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
