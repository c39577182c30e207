// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The private side of stage 2: memslots with a guest_memfd
 * (KVM_SET_USER_MEMORY_REGION2), the fault's choice by attribute, the
 * mmu_invalidate_seq retry on the guest_memfd path (against a hole
 * punch) and on the shared path (against an attribute change), and the
 * hardware's ownership of a TD's frame from map to unmap. Each protocol
 * test fails without its step (said at each).
 */
#include "protmm/guest_memfd.h"

/* Internals: stage-2 entries, ownership. */
#include "arch/cc.h"
#include "stage2_test.h"

static struct pmm_file *G;

/* A VM of @type over a 2-page guest_memfd at GPA, HVA the VMM's memory. */
static void gmem_vm_up(const char *arch, enum pmm_vm_type type,
		       unsigned long gflags)
{
	vm_up(arch, 0);
	W.vm = pmm_vm_create_type(W.vmm, type, 0);
	check(W.vm != NULL);
	check(pmm_gmem_create(W.vm, 2 * PG, gflags, &G) == 0);
	check(pmm_vm_set_memslot_gmem(W.vm, GPA, HVA, 2 * PG, G, 0) == 0);
	check(pmm_store(W.vmm, HVA, "vmm", 3) == 0);
}

/* KVM_SET_USER_MEMORY_REGION2's checks and kvm_gmem_bind()'s. */
static void memslot2_setup(void *arg)
{
	struct pmm_vm *other;
	struct pmm_file *g2;

	(void)arg;
	gmem_vm_up("generic", PMM_VM_SW_PROTECTED, 0);
	check(pmm_gmem_create(W.vm, 4 * PG, 0, &g2) == 0);
	check(pmm_vm_set_memslot_gmem(W.vm, 0x80000000ul, 0x300000, PG, g2, 1) == -EINVAL);
	check(pmm_vm_set_memslot_gmem(W.vm, 0x80000000ul, 0x300000, PG, g2,
				      -PG) == -EINVAL);
	/* Past the file's size. */
	check(pmm_vm_set_memslot_gmem(W.vm, 0x80000000ul, 0x300000, 2 * PG, g2,
				      3 * PG) == -EINVAL);
	/* Not a guest_memfd. */
	check(pmm_vm_set_memslot_gmem(W.vm, 0x80000000ul, 0x300000, PG,
				      pmm_file_create(PG), 0) == -EINVAL);
	/* Another VM's file. */
	other = pmm_vm_create_type(W.vmm, PMM_VM_SW_PROTECTED, 0);
	check(other != NULL);
	check(pmm_vm_set_memslot_gmem(other, 0x80000000ul, 0x300000, PG, g2, 0) == -EINVAL);
	/* Bound to one slot at a time. */
	check(pmm_vm_set_memslot_gmem(W.vm, 0x80000000ul, 0x300000, 2 * PG, g2, 0) == 0);
	check(pmm_vm_set_memslot_gmem(W.vm, 0x90000000ul, 0x400000, PG, g2, PG) == -EINVAL);
	check(pmm_vm_set_memslot_gmem(W.vm, 0x90000000ul, 0x400000, PG, g2, 2 * PG) == 0);
	/* Closed. */
	check(pmm_gmem_close(g2) == 0);
	check(pmm_vm_set_memslot_gmem(W.vm, 0xa0000000ul, 0x500000, PG, g2, 3 * PG) == -EBADF);
}

static void test_memslot2_rules(void **state)
{
	(void)state;
	assert_int_equal(run_clean(memslot2_setup, NULL), 1);
}

/*
 * A private gfn is guest_memfd's memory, a shared one the VMM's: the
 * guest's private store never reaches the VMM's page, and its shared
 * store does.
 */
static void private_shared_setup(void *arg)
{
	char buf[4] = { 0 };

	(void)arg;
	gmem_vm_up("generic", PMM_VM_SW_PROTECTED, 0);
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == 0);
	check(pmm_guest_load(W.vm, GPA, buf, 3) == 0);
	check(!memcmp(buf, "\0\0\0", 3));
	check(pmm_guest_store(W.vm, GPA, "prv", 3) == 0);
	check(s2_entry(GPA) & KVM_PTE_PRIVATE);
	check(pmm_gmem_page_present(G, 0));
	check(pmm_load(W.vmm, HVA, buf, 3) == 0);
	check(!memcmp(buf, "vmm", 3));
	check(pmm_guest_load(W.vm, GPA, buf, 3) == 0);
	check(!memcmp(buf, "prv", 3));
	/* Back to shared: the private entry goes, the VMM's page is seen. */
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG, 0) == 0);
	check(!kvm_pte_valid(s2_entry(GPA)));
	check(pmm_guest_load(W.vm, GPA, buf, 3) == 0);
	check(!memcmp(buf, "vmm", 3));
	check(!(s2_entry(GPA) & KVM_PTE_PRIVATE));
	check(kvm_stage2_coherent(W.vm));
}

static void test_private_and_shared(void **state)
{
	(void)state;
	assert_int_equal(run_clean(private_shared_setup, NULL), 1);
}

/*
 * A vCPU's private fault against a hole punch of its page: the fault got
 * the folio from kvm_gmem_get_pfn(), the punch removes and frees it
 * (invalidating stage 2 first, which finds nothing yet). Under mmu_lock
 * the fault sees the seq moved, or the invalidation in progress, and
 * retries, into a fresh page. Without the retry (kvm.mmu_retry = off)
 * stage 2 keeps the punched frame: stale-tlb.
 */
static void vcpu_private_store(void *arg)
{
	(void)arg;
	check(pmm_guest_store(W.vm, GPA, "g", 1) == 0);
}

static void punch(void *arg)
{
	(void)arg;
	check(pmm_punch_hole(G, 0, PG) == 0);
}

static void punch_race_setup(void *arg)
{
	(void)arg;
	gmem_vm_up("generic", PMM_VM_SW_PROTECTED, 0);
	check(pmm_vm_set_memory_attributes(W.vm, GPA, 2 * PG,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == 0);
	pmm_task_create("vcpu", 0, vcpu_private_store, NULL);
	pmm_task_create("punch", 1, punch, NULL);
}

static void test_private_fault_vs_punch(void **state)
{
	(void)state;
	expect_retry_closes_race(punch_race_setup, "guest_memfd no longer has");
}

/*
 * A vCPU's shared fault against the gfn's conversion to private: the
 * fault read the attribute (shared) and GUP found the VMM's page; the
 * attribute change invalidates (nothing mapped yet) and stores. Under
 * mmu_lock the fault retries, and faults again as private. Without the
 * retry, stage 2 maps a private gfn to the VMM's memory: stale-tlb.
 */
static void vcpu_shared_load(void *arg)
{
	char c;

	(void)arg;
	check(pmm_guest_load(W.vm, GPA, &c, 1) == 0);
}

static void to_private(void *arg)
{
	(void)arg;
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == 0);
}

static void convert_race_setup(void *arg)
{
	(void)arg;
	gmem_vm_up("generic", PMM_VM_SW_PROTECTED, 0);
	pmm_task_create("vcpu", 0, vcpu_shared_load, NULL);
	pmm_task_create("convert", 1, to_private, NULL);
}

static void test_shared_fault_vs_conversion(void **state)
{
	(void)state;
	expect_retry_closes_race(convert_race_setup, "private gfn");
}

/*
 * TDX: stage 2's map of a private gfn gives the frame to the TD, the
 * unmap (here, the hole punch's invalidation) takes it back before
 * guest_memfd frees it. Without the give-back the frame, free and
 * reused by the host, would be the TD's: a host write to it is fatal.
 */
static void tdx_setup(void *arg)
{
	unsigned long pfn;

	(void)arg;
	gmem_vm_up("x86-tdx", PMM_VM_TDX, 0);
	check(pmm_vm_set_memory_attributes(W.vm, GPA, 2 * PG,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == 0);
	check(pmm_guest_store(W.vm, GPA, "td", 2) == 0);
	pfn = kvm_pte_pfn(s2_entry(GPA));
	check(cc_frame_owner(pfn) == W.vm->id);
	check(pmm_punch_hole(G, 0, PG) == 0);
	check(!kvm_pte_valid(s2_entry(GPA)));
	check(cc_frame_owner(pfn) == 0);
	/* The VMM's own memory meanwhile, and a new page: fine. */
	check(pmm_store(W.vmm, HVA + PG, "host", 4) == 0);
	check(pmm_guest_store(W.vm, GPA, "td", 2) == 0);
}

static void test_tdx_ownership_follows_stage2(void **state)
{
	(void)state;
	assert_int_equal(run_clean(tdx_setup, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memslot2_rules),
		cmocka_unit_test(test_private_and_shared),
		cmocka_unit_test(test_private_fault_vs_punch),
		cmocka_unit_test(test_shared_fault_vs_conversion),
		cmocka_unit_test(test_tdx_ownership_follows_stage2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
