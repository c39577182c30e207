// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/arm64/mte/check_tags_inclusion.c to
 * the arm64-mte machine.
 *
 * The selftest sets the GCR_EL1 include mask through prctl() and checks
 * that IRG (mte_insert_random_tag()) never generates an excluded tag. The
 * model has no IRG and no GCR_EL1: a program chooses its tags itself, so
 * the exclusion half does not apply. What each case then checks of the
 * tag it got, verify_mte_pointer_validity(), does:
 *
 *   check_single_included_tags,  every tag value 0..15 in turn: STG of
 *   check_all_included_tags      the tag over BUFFER_SIZE bytes, memset()
 *                                through the tagged pointer must not
 *                                fault, and for a non-zero tag a store
 *                                just past the buffer (tag 0) must fault
 *   check_none_included_tags     tag 0 (all excluded: IRG gives 0): the
 *                                untagged pointer's memset() must not fault
 *   check_multiple_included_tags the same for every tag at or above each
 *                                lower bound; extended here to the whole
 *                                pointer-tag x memory-tag matrix: an access
 *                                faults exactly when the two differ
 */
#include "mte_conformance.h"

#define MT_TAG_COUNT	16u
#define BUFFER_SIZE	(5 * MT_GRANULE)

static struct pmm_process *P;

/*
 * mte_allocate_memory(BUFFER_SIZE + MT_GRANULE_SIZE, USE_MMAP, 0, false):
 * a private PROT_MTE page, its tags 0.
 */
static void setup_buffer(pmm_task_fn fn)
{
	int err;

	P = conf_mte_machine(0);
	if (!P)
		return;
	err = mte_mmap(P, MEM, PAGE, USE_MMAP);
	if (err) {
		pmm_violation("setup", "mapping the buffer: %d", err);
		return;
	}
	conf_task("selftest", 0, fn, NULL);
}

/* verify_mte_pointer_validity(), MTE_SYNC_ERR, after mte_insert_tags(). */
static void verify_pointer_validity(unsigned int tag)
{
	unsigned long ptr = pmm_tag_addr(MEM, tag);
	int err;

	CHECK(!pmm_store_tags(P, MEM, BUFFER_SIZE, tag), "STG of tag %u failed", tag);
	err = conf_fill(P, ptr, BUFFER_SIZE, '1');
	CHECK(!err, "tag %u: memset() of the tagged buffer: %d", tag, err);
	if (!tag)
		return;
	/* "Check the validity outside the range" */
	err = pmm_store(P, ptr + BUFFER_SIZE, "2", 1);
	CHECK(err == -EFAULT, "tag %u: store past the buffer: %d, not a fault",
	      tag, err);
	/* mte_clear_tags() before the next round. */
	CHECK(!pmm_store_tags(P, MEM, BUFFER_SIZE, 0), "clearing tags failed");
}

/* check_single_included_tags() / check_all_included_tags(). */
static void t_every_tag(void *arg)
{
	(void)arg;
	for (unsigned int tag = 0; tag < MT_TAG_COUNT; tag++)
		verify_pointer_validity(tag);
}

/* check_none_included_tags(): IRG gives tag 0; the memset must not fault. */
static void t_none_included(void *arg)
{
	(void)arg;
	verify_pointer_validity(0);
	CHECK(pmm_mem_tag(P, MEM) == 0, "buffer tag is %d, not 0", pmm_mem_tag(P, MEM));
}

/*
 * check_multiple_included_tags(), as a matrix: the buffer's first granule
 * tagged m, read and written through pointers tagged p, for every m and
 * p: faults exactly when p != m, and LDG reads m whatever the pointer.
 */
static void t_matrix(void *arg)
{
	(void)arg;
	for (unsigned int m = 0; m < MT_TAG_COUNT; m++) {
		CHECK(!pmm_store_tags(P, MEM, MT_GRANULE, m), "STG of %u failed", m);
		for (unsigned int p = 0; p < MT_TAG_COUNT; p++) {
			unsigned long ptr = pmm_tag_addr(MEM, p);
			unsigned char t = 0xff, b;
			int ws = pmm_store(P, ptr, "x", 1), rl = pmm_load(P, ptr, &b, 1);
			int want = p == m ? 0 : -EFAULT;

			CHECK(ws == want && rl == want,
			      "memory tag %u, pointer tag %u: store %d load %d, want %d",
			      m, p, ws, rl, want);
			CHECK(!pmm_load_tags(P, ptr, MT_GRANULE, &t) && t == m,
			      "LDG through pointer tag %u read %u, not %u", p, t, m);
		}
	}
}

static void setup_every_tag(void *arg) { (void)arg; setup_buffer(t_every_tag); }
static void setup_none(void *arg) { (void)arg; setup_buffer(t_none_included); }
static void setup_matrix(void *arg) { (void)arg; setup_buffer(t_matrix); }

/* "Check an included tag value with sync mode" */
MTE_TEST(test_single_included_tags, "single_included_tags", setup_every_tag, NULL)
/* "Check different included tags value with sync mode" */
MTE_TEST(test_multiple_included_tags, "multiple_included_tags", setup_matrix,
	 NULL)
/* "Check none included tags value with sync mode" */
MTE_TEST(test_none_included_tags, "none_included_tags", setup_none, NULL)
/* "Check all included tags value with sync mode" */
MTE_TEST(test_all_included_tags, "all_included_tags", setup_every_tag, NULL)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_included_tags),
		cmocka_unit_test(test_multiple_included_tags),
		cmocka_unit_test(test_none_included_tags),
		cmocka_unit_test(test_all_included_tags),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
