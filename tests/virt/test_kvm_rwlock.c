// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kvm->mmu_lock as an rwlock: stage-2 faults take it for read and update
 * entries by compare-and-exchange, invalidations take it for write; the
 * per-gfn memory attributes and their invalidation; VM types per machine.
 * Each protocol step has a test that fails without it (said at each).
 */
/* Internals: stage-2 entries, attributes, the lock word. */
#include "stage2_test.h"

/* Every interleaving up to equivalence (DPOR): DFS is too long here. */
static uint64_t run_dpor(void (*setup)(void *), void (*fin)(void *),
			 const struct pmm_observer *obs)
{
	struct pmm_program prog = { "kvm", "", setup, fin ? fin : vm_down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	failures = 0;
	o.strategy = PMM_STRATEGY_DPOR;
	o.stop_on_violation = false;
	o.trace = false;
	o.observer = obs;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	if (getenv("KVM_TRACE"))
		fprintf(stderr, "%llu executions\n", (unsigned long long)r.executions);
	return check_clean(&r);
}

/*
 * Two vCPUs fault one gfn at once, under mmu_lock for read: T0 stores (a
 * write fault), T1 loads (a read fault, which maps read-only). Whatever
 * the order, once both are done the entry is still writable: a read
 * fault that finds the page mapped leaves the entry alone, and one that
 * read the entry before T0 mapped it loses its compare-and-exchange.
 * Fails without the exchange (a store of what the read fault computed
 * from its stale look: the entry becomes read-only after T0's store).
 */
static void vcpu_store(void *arg)
{
	(void)arg;
	check(pmm_guest_store(W.vm, GPA, "w", 1) == 0);
}

static void vcpu_load(void *arg)
{
	char c;

	(void)arg;
	check(pmm_guest_load(W.vm, GPA, &c, 1) == 0);
	check(c == 'v' || c == 'w');
}

static void two_faults_setup(void *arg)
{
	(void)arg;
	vm_up("generic", 0);
	check(pmm_store(W.vmm, HVA, "v", 1) == 0);
	pmm_task_create("store", 0, vcpu_store, NULL);
	pmm_task_create("load", 1, vcpu_load, NULL);
}

static void two_faults_finish(void *arg)
{
	kvm_pte_t pte = s2_entry(GPA);

	check(kvm_pte_valid(pte) && (pte & KVM_PTE_WRITABLE));
	check(kvm_stage2_coherent(W.vm));
	vm_down(arg);
}

static void test_parallel_faults_keep_writable(void **state)
{
	(void)state;
	assert_true(run_dpor(two_faults_setup, two_faults_finish, NULL) > 1);
}

/*
 * The faults hold mmu_lock together: in some interleaving both vCPUs are
 * past read_lock at once (the lock word counts two readers when the
 * second one's exchange runs). Under kvm.mmu_lock = spinlock never.
 */
static unsigned int both_inside;

static void count_readers_finish(void *arg)
{
	vm_down(arg);
}

static void vcpu_load_peek(void *arg)
{
	char c;

	(void)arg;
	check(pmm_guest_load(W.vm, GPA + PG, &c, 1) == 0);
}

static void readers_setup(void *arg)
{
	(void)arg;
	vm_up("generic", 0);
	check(pmm_store(W.vmm, HVA, "v", 1) == 0);
	check(pmm_store(W.vmm, HVA + PG, "v", 1) == 0);
	pmm_task_create("a", 0, vcpu_load, NULL);
	pmm_task_create("b", 1, vcpu_load_peek, NULL);
}

/* The explorer's observer: a step taken while two readers hold the lock. */
static void on_step(void *arg, const struct pmm_step *step)
{
	(void)arg;
	(void)step;
	if (W.vm && __atomic_load_n(&W.vm->mmu_lock.cnts, __ATOMIC_RELAXED) == 2)
		both_inside++;
}

static unsigned int readers_together(const char *lock_mode)
{
	struct pmm_observer obs = { 0 };

	obs.step = on_step;
	both_inside = 0;
	assert_int_equal(pmm_knob_set("kvm.mmu_lock", lock_mode), 0);
	run_dpor(readers_setup, count_readers_finish, &obs);
	pmm_knob_reset();
	return both_inside;
}

static void test_faults_share_the_lock(void **state)
{
	(void)state;
	assert_true(readers_together("rwlock") > 0);
	assert_int_equal(readers_together("spinlock"), 0);
}

/*
 * Memory attributes: the ioctl's checks, VM types without private
 * memory, and the map kept as ranges (compared with a byte per gfn
 * after a run of overlapping updates).
 */
static void attrs_rules_setup(void *arg)
{
	(void)arg;
	vm_up("generic", 0);
	/* A default VM has no private memory. */
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == -EINVAL);
	W.vm = pmm_vm_create_type(W.vmm, PMM_VM_SW_PROTECTED, 0);
	check(W.vm != NULL);
	check(pmm_vm_set_memory_attributes(W.vm, GPA + 1, PG, 0) == -EINVAL);
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG - 1, 0) == -EINVAL);
	check(pmm_vm_set_memory_attributes(W.vm, GPA, 0, 0) == -EINVAL);
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG, 1) == -EINVAL);
	check(pmm_vm_set_memory_attributes(W.vm, -PG, 2 * PG, 0) == -EINVAL);
	/* No memslot needed. */
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == 0);
	check(kvm_mem_is_private(W.vm, GPA >> 12));
	check(!kvm_mem_is_private(W.vm, (GPA >> 12) + 1));
	/* Types need their machine. */
	check(pmm_vm_create_type(W.vmm, PMM_VM_SNP, 0) == NULL);
	check(pmm_vm_create_type(W.vmm, PMM_VM_TDX, 0) == NULL);
	check(pmm_vm_create_type(W.vmm, PMM_VM_PKVM, 0) == NULL);
	check(pmm_vm_create_type(W.vmm, (enum pmm_vm_type)9, 0) == NULL);
}

static void test_attributes_rules(void **state)
{
	(void)state;
	assert_int_equal(run_clean(attrs_rules_setup, NULL), 1);
}

#define NGFN 64

static void attrs_map_setup(void *arg)
{
	unsigned char ref[NGFN] = { 0 };
	unsigned int seed = 12345, i, g;

	(void)arg;
	vm_up("generic", 0);
	W.vm = pmm_vm_create_type(W.vmm, PMM_VM_SW_PROTECTED, 0);
	check(W.vm != NULL);
	for (i = 0; i < 300; i++) {
		unsigned int a, b, priv;

		seed = seed * 1103515245 + 12345;
		a = (seed >> 8) % NGFN;
		seed = seed * 1103515245 + 12345;
		b = a + 1 + (seed >> 8) % (NGFN - a);
		priv = (seed >> 20) & 1;
		check(pmm_vm_set_memory_attributes(W.vm, a * PG, (b - a) * PG,
				priv ? PMM_MEMORY_ATTRIBUTE_PRIVATE : 0) == 0);
		for (g = a; g < b; g++)
			ref[g] = (unsigned char)priv;
		for (g = 0; g < NGFN; g++)
			check(kvm_mem_is_private(W.vm, g) == ref[g]);
		/* Ranges are joined: never two equal neighbours. */
		for (g = 1; g < W.vm->nr_attr_ranges; g++)
			check(W.vm->attr_ranges[g - 1].end < W.vm->attr_ranges[g].start ||
			      W.vm->attr_ranges[g - 1].attrs != W.vm->attr_ranges[g].attrs);
	}
}

static void test_attributes_map(void **state)
{
	(void)state;
	assert_int_equal(run_clean(attrs_map_setup, NULL), 1);
}

/*
 * Setting attributes invalidates stage 2 for the range: a mapped shared
 * gfn made private is unmapped (and the seq moves, so a racing fault
 * retries). Fails without the invalidation: the entry stays.
 */
static void attrs_invalidate_setup(void *arg)
{
	unsigned long seq;
	char c;

	(void)arg;
	vm_up("generic", 0);
	W.vm = pmm_vm_create_type(W.vmm, PMM_VM_SW_PROTECTED, 0);
	check(W.vm && pmm_vm_set_memslot(W.vm, GPA, HVA, 2 * PG) == 0);
	check(pmm_guest_load(W.vm, GPA, &c, 1) == 0);
	check(pmm_guest_load(W.vm, GPA + PG, &c, 1) == 0);
	check(kvm_pte_valid(s2_entry(GPA)) && kvm_pte_valid(s2_entry(GPA + PG)));
	seq = W.vm->mmu_invalidate_seq;
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == 0);
	check(!kvm_pte_valid(s2_entry(GPA)));
	check(kvm_pte_valid(s2_entry(GPA + PG)));
	check(W.vm->mmu_invalidate_seq == seq + 1);
	check(W.vm->mmu_invalidate_in_progress == 0);
	/* Nothing changes: nothing invalidated. */
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == 0);
	check(W.vm->mmu_invalidate_seq == seq + 1);
}

static void test_attributes_invalidate(void **state)
{
	(void)state;
	assert_int_equal(run_clean(attrs_invalidate_setup, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parallel_faults_keep_writable),
		cmocka_unit_test(test_faults_share_the_lock),
		cmocka_unit_test(test_attributes_rules),
		cmocka_unit_test(test_attributes_map),
		cmocka_unit_test(test_attributes_invalidate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
