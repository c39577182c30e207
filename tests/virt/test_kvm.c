// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * KVM without tags (the generic machine): memslots, the guest and the VMM
 * sharing memory, stage 2 following the VMM through its mmu notifier, and
 * user_mem_abort() against invalidations under exhaustive exploration.
 */
/* Internals: the stage-2 coherence check. */
#include "stage2_test.h"

/* KVM_SET_USER_MEMORY_REGION's rules, and accesses outside the slots. */
static void memslot_setup(void *arg)
{
	unsigned long gpa;
	char c = 'x';
	int i;

	(void)arg;
	vm_up("generic", 0);
	check(pmm_vm_create(W.vmm, PMM_VM_MTE) == NULL);
	check(pmm_vm_create(W.vmm, 0x80) == NULL);
	check(pmm_vm_set_memslot(W.vm, GPA + 1, 0x300000, PG) == -EINVAL);
	check(pmm_vm_set_memslot(W.vm, 0x80000000ul, 0x300001, PG) == -EINVAL);
	check(pmm_vm_set_memslot(W.vm, 0x80000000ul, 0x300000, PG + 1) == -EINVAL);
	check(pmm_vm_set_memslot(W.vm, 0x80000000ul, 0x300000, 0) == -ENOTSUP);
	check(pmm_vm_set_memslot(W.vm, 1ul << 56, 0x300000, PG) == -EINVAL);
	/* Overlapping guest frames, whatever the host address. */
	check(pmm_vm_set_memslot(W.vm, GPA + PG, 0x300000, 2 * PG) == -EEXIST);
	check(pmm_vm_set_memslot(W.vm, GPA - PG, 0x300000, 2 * PG) == -EEXIST);
	/* Adjacent is fine; nothing need be mapped there yet. */
	check(pmm_vm_set_memslot(W.vm, GPA + 2 * PG, 0x300000, PG) == 0);
	check(pmm_guest_store(W.vm, GPA + 2 * PG, &c, 1) == -EFAULT);
	check(pmm_mmap(W.vmm, 0x300000, PG, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_guest_store(W.vm, GPA + 2 * PG, &c, 1) == 0);
	/* No slot: an MMIO exit, which is not modelled. */
	check(pmm_guest_load(W.vm, GPA + 3 * PG, &c, 1) == -EFAULT);
	check(pmm_guest_load(W.vm, 0, &c, 1) == -EFAULT);
	/* Bits above the tag are no IPA. */
	check(pmm_guest_load(W.vm, GPA | (1ul << 60), &c, 1) == -EFAULT);
	/* KVM_USER_MEM_SLOTS in this model: 16 (two made already). */
	for (i = 0, gpa = 0x1000000; i < 14; i++, gpa += PG)
		check(pmm_vm_set_memslot(W.vm, gpa, 0x400000 + gpa, PG) == 0);
	check(pmm_vm_set_memslot(W.vm, gpa, 0x400000 + gpa, PG) == -EINVAL);
}

static void test_memslot_rules(void **state)
{
	(void)state;
	assert_int_equal(run_clean(memslot_setup, NULL), 1);
}

/* The guest's memory is the VMM's: each sees what the other stored. */
static void same_memory_setup(void *arg)
{
	char buf[8] = { 0 };

	(void)arg;
	vm_up("generic", 0);
	check(pmm_guest_store(W.vm, GPA + 8, "hello", 5) == 0);
	check(pmm_load(W.vmm, HVA + 8, buf, 5) == 0);
	check(!memcmp(buf, "hello", 5));
	check(pmm_store(W.vmm, HVA + PG + 4, "vmm", 3) == 0);
	check(pmm_guest_load(W.vm, GPA + PG + 4, buf, 3) == 0);
	check(!memcmp(buf, "vmm", 3));
	/* Across the page boundary, and with a pointer tag (unchecked). */
	check(pmm_guest_store(W.vm, pmm_tag_addr(GPA + PG - 2, 5), "abcd", 4) == 0);
	check(pmm_load(W.vmm, HVA + PG - 2, buf, 4) == 0);
	check(!memcmp(buf, "abcd", 4));
	check(kvm_stage2_coherent(W.vm));
}

static void test_same_memory(void **state)
{
	(void)state;
	assert_int_equal(run_clean(same_memory_setup, NULL), 1);
}

/*
 * munmap empties stage 2; a new mapping there is new memory, which the
 * guest reaches by faulting again. (The VMM writes it first: the data
 * oracle does not yet forget an unmapped range's content.)
 */
static void munmap_setup(void *arg)
{
	char c = 0;

	(void)arg;
	vm_up("generic", 0);
	check(pmm_guest_store(W.vm, GPA, "g", 1) == 0);
	check(pmm_munmap(W.vmm, HVA, PG) == 0);
	check(kvm_stage2_coherent(W.vm));
	check(pmm_guest_load(W.vm, GPA, &c, 1) == -EFAULT);
	check(pmm_mmap(W.vmm, HVA, PG, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_store(W.vmm, HVA, "n", 1) == 0);
	check(pmm_guest_load(W.vm, GPA, &c, 1) == 0);
	check(c == 'n');
}

static void test_munmap_invalidates(void **state)
{
	(void)state;
	assert_int_equal(run_clean(munmap_setup, finish_coherent), 1);
}

/* mprotect takes stage 2 along: read-only, then none, then back. */
static void mprotect_setup(void *arg)
{
	char c = 0;

	(void)arg;
	vm_up("generic", 0);
	check(pmm_guest_store(W.vm, GPA, "a", 1) == 0);
	check(pmm_mprotect(W.vmm, HVA, PG, PMM_PROT_READ) == 0);
	check(kvm_stage2_coherent(W.vm));
	check(pmm_guest_load(W.vm, GPA, &c, 1) == 0);
	check(c == 'a');
	check(pmm_guest_store(W.vm, GPA, "b", 1) == -EFAULT);
	check(pmm_mprotect(W.vmm, HVA, PG, PMM_PROT_NONE) == 0);
	check(pmm_guest_load(W.vm, GPA, &c, 1) == -EFAULT);
	check(pmm_mprotect(W.vmm, HVA, PG, RW) == 0);
	check(pmm_guest_store(W.vm, GPA, "c", 1) == 0);
	check(pmm_load(W.vmm, HVA, &c, 1) == 0);
	check(c == 'c');
}

static void test_mprotect_invalidates(void **state)
{
	(void)state;
	assert_int_equal(run_clean(mprotect_setup, finish_coherent), 1);
}

/*
 * fork write-protects the VMM's PTEs and so stage 2: the guest's next
 * store faults, breaks COW in the VMM, and the child keeps the old byte.
 */
static void fork_setup(void *arg)
{
	char c = 0;

	(void)arg;
	vm_up("generic", 0);
	check(pmm_guest_store(W.vm, GPA, "p", 1) == 0);
	W.child = pmm_fork(W.vmm);
	check(W.child != NULL);
	check(pmm_guest_store(W.vm, GPA, "q", 1) == 0);
	check(pmm_load(W.child, HVA, &c, 1) == 0);
	check(c == 'p');
	check(pmm_load(W.vmm, HVA, &c, 1) == 0);
	check(c == 'q');
	check(kvm_stage2_coherent(W.vm));
}

static void test_fork_cow(void **state)
{
	(void)state;
	assert_int_equal(run_clean(fork_setup, finish_coherent), 1);
}

/*
 * A read fault on a page the VMM never touched maps the zero page; the
 * VMM's first store replaces it (COW, with the notifier), and the guest
 * faults again onto the VMM's page.
 */
static void zero_page_setup(void *arg)
{
	char c = 1;

	(void)arg;
	vm_up("generic", 0);
	check(pmm_guest_load(W.vm, GPA, &c, 1) == 0);
	check(c == 0);
	check(pmm_store(W.vmm, HVA, "z", 1) == 0);
	check(pmm_guest_load(W.vm, GPA, &c, 1) == 0);
	check(c == 'z');
	check(pmm_guest_store(W.vm, GPA, "y", 1) == 0);
	check(pmm_load(W.vmm, HVA, &c, 1) == 0);
	check(c == 'y');
}

static void test_zero_page(void **state)
{
	(void)state;
	assert_int_equal(run_clean(zero_page_setup, finish_coherent), 1);
}

/* The VMM exits: the notifier's release empties stage 2 for good. */
static void exit_setup(void *arg)
{
	char c;

	(void)arg;
	vm_up("generic", 0);
	check(pmm_guest_store(W.vm, GPA, "e", 1) == 0);
	pmm_exit(W.vmm);
	check(kvm_stage2_coherent(W.vm));
	check(pmm_guest_load(W.vm, GPA, &c, 1) == -EFAULT);
}

static void test_vmm_exit(void **state)
{
	(void)state;
	assert_int_equal(run_clean(exit_setup, NULL), 1);
}

/*
 * The race mmu_invalidate_seq exists for. The vCPU faults on GPA:
 * user_mem_abort() reads the seq, GUP takes a reference on the VMM's
 * page; meanwhile the VMM munmaps it, the notifier finding nothing to
 * clear yet. GUP's reference is the page's last; KVM must not map it.
 * Under mmu_lock, mmu_invalidate_retry() sees the seq moved (or the
 * invalidation still in progress) and the vCPU faults again, into no
 * VMA: -EFAULT. In every interleaving the guest's store either lands
 * before the munmap or fails, and no stage-2 entry outlives the page
 * (finish_coherent() looks at every entry at the end).
 */
static void vcpu(void *arg)
{
	int err;

	(void)arg;
	err = pmm_guest_store(W.vm, GPA, "g", 1);
	check(err == 0 || err == -EFAULT);
}

static void vmm_munmap(void *arg)
{
	(void)arg;
	pmm_munmap(W.vmm, HVA, PG);
}

static void race_setup(void *arg)
{
	(void)arg;
	vm_up("generic", 0);
	/* The VMM's page tables exist: the race is about the page. */
	check(pmm_store(W.vmm, HVA + PG, "t", 1) == 0);
	pmm_task_create("vcpu", 0, vcpu, NULL);
	pmm_task_create("munmap", 1, vmm_munmap, NULL);
}

/* Without the retry the stale entry is found: stage 2 outlives the page. */
static void test_fault_vs_munmap(void **state)
{
	(void)state;
	expect_retry_closes_race(race_setup, "no longer maps");
}

/*
 * A vCPU's write fault while the VMM forks: fork write-protects the VMM's
 * PTE and so stage 2 (the notifier), the guest's store breaks COW. The
 * data oracle checks every load: the VMM sees the guest's byte, the child
 * sees it only if the store came before the fork.
 */
static void vcpu_writer(void *arg)
{
	(void)arg;
	check(pmm_guest_store(W.vm, GPA + 1, "w", 1) == 0);
}

static void vmm_fork(void *arg)
{
	(void)arg;
	W.child = pmm_fork(W.vmm);
	check(W.child != NULL);
}

static void fork_race_setup(void *arg)
{
	char c;

	(void)arg;
	vm_up("generic", 0);
	check(pmm_store(W.vmm, HVA, "v", 1) == 0);
	/* Stage 2 maps the page read-only: the store is a permission fault. */
	check(pmm_guest_load(W.vm, GPA, &c, 1) == 0);
	pmm_task_create("writer", 0, vcpu_writer, NULL);
	pmm_task_create("fork", 1, vmm_fork, NULL);
}

static void fork_race_finish(void *arg)
{
	char buf[2];

	check(pmm_load(W.vmm, HVA, buf, 2) == 0);
	check(buf[0] == 'v' && buf[1] == 'w');
	if (W.child)
		check(pmm_load(W.child, HVA, buf, 2) == 0);
	finish_coherent(arg);
}

static void test_faults_vs_fork(void **state)
{
	(void)state;
	/* fork's page-table copy makes DFS too long for a unit test. */
	run_pct(fork_race_setup, fork_race_finish, 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memslot_rules),
		cmocka_unit_test(test_same_memory),
		cmocka_unit_test(test_munmap_invalidates),
		cmocka_unit_test(test_mprotect_invalidates),
		cmocka_unit_test(test_fork_cow),
		cmocka_unit_test(test_zero_page),
		cmocka_unit_test(test_vmm_exit),
		cmocka_unit_test(test_fault_vs_munmap),
		cmocka_unit_test(test_faults_vs_fork),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
