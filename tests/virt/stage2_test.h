/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the KVM tests that look at stage 2 itself (the model's
 * internals): an entry, the whole table's coherence at the end of an
 * execution, and the races that mmu_invalidate_seq's retry closes.
 */
#ifndef PMM_TESTS_STAGE2_TEST_H
#define PMM_TESTS_STAGE2_TEST_H

#include "virt_test.h"

#include "protmm/knob.h"

#include "virt/kvm.h"

/* The stage-2 entry of @gpa in W.vm, read with no yield (0: no slot). */
static inline kvm_pte_t s2_entry(unsigned long gpa)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(W.vm, gpa >> 12);

	return slot ? stage2_peek(stage2_ptep(slot, gpa >> 12)) : 0;
}

/* finish(): every stage-2 entry still right, then the machine down. */
static inline void finish_coherent(void *arg)
{
	if (W.vm)
		check(kvm_stage2_coherent(W.vm));
	vm_down(arg);
}

/*
 * @setup's tasks race a stage-2 fault against an invalidation: clean in
 * every interleaving (several of them), and under kvm.mmu_retry = off
 * (no mmu_invalidate_retry()) some interleaving leaves a stale entry,
 * stale-tlb with @msg_part in its message.
 */
static inline void expect_retry_closes_race(void (*setup)(void *),
					    const char *msg_part)
{
	struct pmm_explore_result r;
	uint64_t n = run_clean(setup, finish_coherent);

	if (getenv("KVM_TRACE"))
		fprintf(stderr, "%llu executions\n", (unsigned long long)n);
	assert_true(n > 1);
	assert_int_equal(pmm_knob_set("kvm.mmu_retry", "off"), 0);
	explore(setup, finish_coherent, &r);
	pmm_knob_reset();
	assert_true(r.complete);
	assert_true(r.violations > 0);
	assert_string_equal(r.oracle, "stale-tlb");
	assert_non_null(strstr(r.message, msg_part));
	pmm_explore_result_release(&r);
}

#endif /* PMM_TESTS_STAGE2_TEST_H */
