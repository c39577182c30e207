// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * KVM with MTE (the arm64-mte machine): the VMM maps guest memory without
 * PROT_MTE, the guest maps all of it tagged. user_mem_abort() sanitises a
 * page's tags the first time the guest maps it; the guest's STG and LDG;
 * KVM_ARM_MTE_COPY_TAGS; and the copy racing with a fault's sanitising
 * under each mte.sync protocol.
 */
#include "virt_test.h"

/* Internals: page flags of the frame behind a VMM address. */
#include "arch/arm64/mte.h"
#include "mem/page.h"

#define GRANULES (PG / PMM_MTE_GRANULE)

static bool vmm_page_tagged(unsigned long hva)
{
	struct pmm_page_state st;

	if (pmm_page_state(W.vmm, hva, &st))
		return false;
	return pfn_to_page(st.pfn)->flags & (1UL << PG_mte_tagged);
}

static bool all_tags(const unsigned char *tags, size_t n, unsigned int tag)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tags[i] != tag)
			return false;
	return true;
}

/* KVM_CAP_ARM_MTE needs the machine, and memslots over mappings that allow tags. */
static void cap_setup(void *arg)
{
	struct pmm_file *f;
	struct pmm_vm *plain;
	unsigned char tags[GRANULES];
	char c = 0;

	(void)arg;
	vm_up("arm64-mte", PMM_VM_MTE);
	f = pmm_file_create(16 * PG);
	check(f != NULL);
	/* A shared file mapping has no VM_MTE_ALLOWED. */
	check(pmm_mmap(W.vmm, 0x300000, PG, RW, PMM_MAP_SHARED, f, 0) == 0);
	check(pmm_vm_set_memslot(W.vm, GPA + 2 * PG, 0x300000, PG) == -EINVAL);
	/* Made over a hole, then the file mapped: the fault refuses it. */
	check(pmm_vm_set_memslot(W.vm, GPA + 3 * PG, 0x310000, PG) == 0);
	check(pmm_mmap(W.vmm, 0x310000, PG, RW, PMM_MAP_SHARED, f, PG) == 0);
	check(pmm_guest_load(W.vm, GPA + 3 * PG, &c, 1) == -EFAULT);
	/* Without the cap, no guest tags and no copy. */
	plain = pmm_vm_create(W.vmm, 0);
	check(plain != NULL);
	check(pmm_vm_set_memslot(plain, GPA, HVA, PG) == 0);
	check(pmm_guest_store_tags(plain, GPA, 16, 1) == -ENOTSUP);
	check(pmm_vm_copy_tags(plain, GPA, PG, tags, false) == -EINVAL);
}

static void test_cap_and_memslots(void **state)
{
	(void)state;
	assert_int_equal(run_clean(cap_setup, NULL), 1);
}

/*
 * A page the VMM touched first (no PROT_MTE: PG_mte_tagged stays clear)
 * gets cleared tags and PG_mte_tagged when the guest first maps it.
 */
static void sanitise_setup(void *arg)
{
	unsigned char tags[GRANULES];

	(void)arg;
	vm_up("arm64-mte", PMM_VM_MTE);
	check(pmm_store(W.vmm, HVA, "v", 1) == 0);
	check(!vmm_page_tagged(HVA));
	memset(tags, 0xff, sizeof(tags));
	check(pmm_guest_load_tags(W.vm, GPA, PG, tags) == 0);
	check(all_tags(tags, GRANULES, 0));
	check(vmm_page_tagged(HVA));
}

static void test_sanitise_fresh_page(void **state)
{
	(void)state;
	assert_int_equal(run_clean(sanitise_setup, NULL), 1);
}

/* Guest STG then LDG, and tag-checked loads and stores. */
static void stg_setup(void *arg)
{
	unsigned char tags[2 * GRANULES];
	char c = 0;

	(void)arg;
	vm_up("arm64-mte", PMM_VM_MTE);
	check(pmm_guest_store_tags(W.vm, GPA, 2 * PG, 3) == 0);
	check(pmm_guest_load_tags(W.vm, GPA, 2 * PG, tags) == 0);
	check(all_tags(tags, 2 * GRANULES, 3));
	check(pmm_guest_store(W.vm, pmm_tag_addr(GPA + 32, 3), "t", 1) == 0);
	check(pmm_guest_load(W.vm, pmm_tag_addr(GPA + 32, 3), &c, 1) == 0);
	check(c == 't');
	check(pmm_guest_load(W.vm, pmm_tag_addr(GPA + 32, 5), &c, 1) == -EFAULT);
	check(pmm_guest_store_tags(W.vm, GPA + 8, 16, 3) == -EINVAL);
	check(pmm_guest_store_tags(W.vm, GPA, 16, 0x10) == -EINVAL);
	/* The VMM reads the guest's data through its untagged mapping. */
	check(pmm_load(W.vmm, HVA + 32, &c, 1) == 0);
	check(c == 't');
}

static void test_guest_stg_ldg(void **state)
{
	(void)state;
	assert_int_equal(run_clean(stg_setup, NULL), 1);
}

/* KVM_ARM_MTE_COPY_TAGS both ways, and its argument rules. */
static void copy_setup(void *arg)
{
	unsigned char in[GRANULES], out[2 * GRANULES];
	unsigned int i;

	(void)arg;
	vm_up("arm64-mte", PMM_VM_MTE);
	for (i = 0; i < GRANULES; i++)
		in[i] = (unsigned char)(i & 0xf);
	check(pmm_vm_copy_tags(W.vm, GPA, PG, in, true) == (long)PG);
	check(vmm_page_tagged(HVA));
	check(pmm_guest_load_tags(W.vm, GPA, PG, out) == 0);
	check(!memcmp(in, out, GRANULES));
	/* The second page: the VMM's, never tagged: zeros. */
	check(pmm_store(W.vmm, HVA + PG, "v", 1) == 0);
	memset(out, 0xff, sizeof(out));
	check(pmm_vm_copy_tags(W.vm, GPA, 2 * PG, out, false) == (long)(2 * PG));
	check(!memcmp(in, out, GRANULES));
	check(all_tags(out + GRANULES, GRANULES, 0));
	/* Page aligned only; stops at the end of the slot. */
	check(pmm_vm_copy_tags(W.vm, GPA + 16, PG, out, false) == -EINVAL);
	check(pmm_vm_copy_tags(W.vm, GPA, 16, out, false) == -EINVAL);
	check(pmm_vm_copy_tags(W.vm, GPA + PG, 2 * PG, out, false) == (long)PG);
	check(pmm_vm_copy_tags(W.vm, GPA + 2 * PG, PG, out, false) == -EFAULT);
}

static void test_copy_tags(void **state)
{
	(void)state;
	assert_int_equal(run_clean(copy_setup, NULL), 1);
}

/*
 * The VMM restores a migrated guest's tags (copy to guest) while a vCPU
 * first touches the page. Today both go through PG_mte_lock: whoever
 * wins, the copied tags stay. In 2021, KVM's test_bit of PG_mte_tagged
 * could run after the copy wrote the tags and before it set the bit:
 * the fault then cleared the tags the VMM had just restored.
 */
static void vmm_copy(void *arg)
{
	unsigned char tags[GRANULES];

	(void)arg;
	memset(tags, 7, sizeof(tags));
	check(pmm_vm_copy_tags(W.vm, GPA, PG, tags, true) == (long)PG);
}

static void vcpu_touch(void *arg)
{
	unsigned char tag = 0xff;

	(void)arg;
	/* The fault sanitises, or finds the copy's tags: 0 or 7, whole. */
	check(pmm_guest_load_tags(W.vm, GPA, 16, &tag) == 0);
	check(tag == 0 || tag == 7);
}

static void copy_race_setup(void *arg)
{
	(void)arg;
	vm_up("arm64-mte", PMM_VM_MTE);
	check(pmm_store(W.vmm, HVA, "v", 1) == 0);
	pmm_task_create("copy", 0, vmm_copy, NULL);
	pmm_task_create("vcpu", 1, vcpu_touch, NULL);
}

static void copy_race_finish(void *arg)
{
	unsigned char tags[GRANULES];

	check(pmm_vm_copy_tags(W.vm, GPA, PG, tags, false) == (long)PG);
	check(all_tags(tags, GRANULES, 7));
	vm_down(arg);
}

/* Exhaustive DFS is minutes here: PCT, as tests/mm/test_races.c does. */
static void explore_pct(uint64_t n, struct pmm_explore_result *r)
{
	struct pmm_program prog = { "kvm-copy", "", copy_race_setup,
				    copy_race_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	failures = 0;
	o.strategy = PMM_STRATEGY_PCT;
	o.max_executions = n;
	o.stop_on_violation = true;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, r), 0);
}

static void test_copy_vs_fault(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	explore_pct(3000, &r);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	if (failures)
		fail_msg("%u failed checks, first %s", failures, failure);
	assert_int_equal(r.executions, 3000);
	pmm_explore_result_release(&r);
}

static void test_copy_vs_fault_2021(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(pmm_knob_set("mte.sync", "bit"), 0);
	explore_pct(3000, &r);
	pmm_knob_reset();
	if (getenv("KVM_TRACE"))
		fprintf(stderr, "%llu executions, %s: %s, %u failed checks (%s)\n",
			(unsigned long long)r.executions, r.oracle, r.message,
			failures, failure);
	assert_true(r.violations > 0);
	assert_string_equal(r.oracle, "stale-tags");
	pmm_explore_result_release(&r);
}

/*
 * KVM_ARM_MTE_COPY_TAGS holds its page by a plain reference (FOLL_GET),
 * so a fork racing it can leave the page the child's once the parent
 * COWs: the copier then stores its tags into the child's memory, and the
 * parent keeps the forker's. The tag oracle follows the frame for such a
 * reference; it used to record the copier's tags at the parent's address
 * and call the parent's tags stale.
 */
static unsigned int split_seen;

static void forker(void *arg)
{
	unsigned char tags[GRANULES];

	(void)arg;
	W.child = pmm_fork(W.vmm);
	check(W.child != NULL);
	memset(tags, 0xa, sizeof(tags));
	check(pmm_vm_copy_tags(W.vm, GPA, PG, tags, true) == (long)PG);
}

static void copier(void *arg)
{
	unsigned char tags[GRANULES];

	(void)arg;
	memset(tags, 0x2, sizeof(tags));
	check(pmm_vm_copy_tags(W.vm, GPA, PG, tags, true) == (long)PG);
}

static void copy_fork_setup(void *arg)
{
	(void)arg;
	vm_up("arm64-mte", PMM_VM_MTE);
	check(pmm_store(W.vmm, HVA, "v", 1) == 0);
	pmm_task_create("forker", 0, forker, NULL);
	pmm_task_create("copier", 1, copier, NULL);
}

/* The guest and the VMM read P's tags back: the oracles look at them. */
static void copy_fork_finish(void *arg)
{
	unsigned char tags[GRANULES], tag = 0xff;

	check(pmm_guest_load_tags(W.vm, GPA, 16, &tag) == 0);
	check(tag == 0xa || tag == 0x2);
	check(pmm_vm_copy_tags(W.vm, GPA, PG, tags, false) == (long)PG);
	check(tags[0] == tag);
	if (tag == 0xa && W.child && pmm_mem_tag(W.child, HVA) == 0x2)
		split_seen++;
	vm_down(arg);
}

static void test_copy_tags_ref_follows_frame(void **state)
{
	struct pmm_program prog = { "kvm-copy-fork", "", copy_fork_setup,
				    copy_fork_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	failures = 0;
	split_seen = 0;
	o.preemptions = 1;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	check_clean(&r);
	/* The outcome the rule is for was reached. */
	assert_true(split_seen > 0);
}

/*
 * Through the same reference, a loss is still a loss: tags a copy stored
 * that the frame no longer holds (put back behind the oracle's back, as a
 * model that lost them would) are stale to a copy reading them back, and
 * to the guest. The control, without the loss, is clean.
 */
static bool lose_tags;

static void copy_lost_setup(void *arg)
{
	unsigned char tags[GRANULES], zero[GRANULES] = { 0 };
	struct pmm_page_state st;

	(void)arg;
	vm_up("arm64-mte", PMM_VM_MTE);
	check(pmm_store(W.vmm, HVA, "v", 1) == 0);
	W.child = pmm_fork(W.vmm);
	memset(tags, 7, sizeof(tags));
	check(pmm_vm_copy_tags(W.vm, GPA, PG, tags, true) == (long)PG);
	check(pmm_page_state(W.vmm, HVA, &st) == 0);
	if (lose_tags)
		mte_write_tags(st.pfn, 0, PG, zero);
	check(pmm_vm_copy_tags(W.vm, GPA, PG, tags, false) == (long)PG);
}

static void test_copy_tags_loss_caught(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	lose_tags = false;
	assert_int_equal(run_clean(copy_lost_setup, NULL), 1);
	lose_tags = true;
	explore(copy_lost_setup, NULL, &r);
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, "stale-tags");
	assert_non_null(strstr(r.message, "found tag 0 in frame"));
	pmm_explore_result_release(&r);
	lose_tags = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_and_memslots),
		cmocka_unit_test(test_sanitise_fresh_page),
		cmocka_unit_test(test_guest_stg_ldg),
		cmocka_unit_test(test_copy_tags),
		cmocka_unit_test(test_copy_vs_fault),
		cmocka_unit_test(test_copy_vs_fault_2021),
		cmocka_unit_test(test_copy_tags_ref_follows_frame),
		cmocka_unit_test(test_copy_tags_loss_caught),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
