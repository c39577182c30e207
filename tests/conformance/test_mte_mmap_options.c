// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/arm64/mte/check_mmap_options.c to the
 * arm64-mte machine (synchronous tag checks, tag checks on, loads and
 * stores checked):
 *
 *   check_anonymous_memory_mapping  PROT_MTE private anonymous memory,
 *                                   by mmap() and by mprotect(): stores in
 *                                   the tagged buffer work, the granules
 *                                   either side fault; also with an
 *                                   address tag in bits 63:60, which TBI
 *                                   ignores ("with address tag [63:60]")
 *   check_file_memory_mapping       the selftest maps a tmpfs file; the
 *                                   model's files are disk-backed, where
 *                                   the kernel refuses PROT_MTE
 *                                   (VM_MTE_ALLOWED is set only for
 *                                   anonymous, shmem and RAM-based file
 *                                   mappings): mmap() and mprotect() with
 *                                   PROT_MTE fail with -EINVAL, private
 *                                   and shared
 *   check_clear_prot_mte_flag       mprotect() without PROT_MTE on a
 *                                   PROT_MTE mapping succeeds and leaves
 *                                   tag checking on: arm64's VM_ARCH_CLEAR
 *                                   is VM_ARM64_BTI, so do_mprotect_pkey()
 *                                   keeps VM_MTE ("mprotect not ignoring
 *                                   clear PROT_MTE property")
 *
 * check_clear_prot_mte_flag found a model bug (README.md, "Model bugs
 * found by the port"): the model's mprotect() recomputed VM_MTE, so the
 * mapping lost tag checking. Fixed; the two cases guard it.
 *
 * Beyond the selftest: mprotect(PROT_MTE) of memory already populated
 * keeps its data and gives it tag 0 (mte_sync_tags() clears the tags of a
 * page mapped tagged for the first time).
 */
#include "mte_conformance.h"

#define UNDERFLOW	MT_GRANULE
#define OVERFLOW	MT_GRANULE

/* check_mmap_options.c's sizes[]. */
static const unsigned long sizes[] = {
	1, 537, 989, 1269, MT_GRANULE - 1, MT_GRANULE, PAGE - 1, PAGE, PAGE + 1,
};
#define NR_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static struct pmm_process *P;
static struct pmm_file *F;
static unsigned long next_map;

static bool mte_setup(void)
{
	P = conf_mte_machine(0);
	F = P ? pmm_file_create(4 * PAGE) : NULL;
	next_map = MEM;
	return P && F;
}

struct anon_case {
	enum mem_type type;
	/* ATAG_CHECK_ON: mte_insert_atag() puts a tag in bits 63:60. */
	bool atag;
};

/* check_anonymous_memory_mapping(). */
static void t_anon(void *arg)
{
	const struct anon_case *c = arg;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		unsigned long size = sizes[i];
		/* "Only mte enabled memory will allow tag insertion" */
		unsigned long ptr = mte_alloc(P, &next_map, size, c->type, UNDERFLOW,
					      OVERFLOW, (int)(1 + i % 15));

		if (!ptr)
			return;
		mte_check_memory(P, "the", c->atag ? ptr | 0xaUL << 60 : ptr, size);
		mte_free(P, ptr, size, UNDERFLOW, OVERFLOW, true);
	}
}

/*
 * check_file_memory_mapping() on a disk-backed file: PROT_MTE is refused
 * (arch_validate_flags() without VM_MTE_ALLOWED), by mmap() and by
 * mprotect(), and the mapping made without it still works, untagged.
 */
static void t_file(void *arg)
{
	unsigned int flags = (unsigned int)(uintptr_t)arg;
	unsigned long len = 2 * PAGE;
	unsigned char t = 0xff;
	int err;

	CHECK(!pmm_truncate(F, len), "ftruncate() failed");
	err = pmm_mmap(P, MEM, len, RW | PMM_PROT_MTE, flags, F, 0);
	CHECK(err == -EINVAL, "mmap(PROT_MTE) of a disk file: %d, not -EINVAL", err);
	err = pmm_mmap(P, MEM, len, RW, flags, F, 0);
	CHECK(!err, "mmap() of the file without PROT_MTE: %d", err);
	err = pmm_mprotect(P, MEM, len, RW | PMM_PROT_MTE);
	CHECK(err == -EINVAL, "mprotect(PROT_MTE) of a disk file: %d, not -EINVAL",
	      err);
	/* Untagged memory: STG is ignored, LDG reads 0, nothing is checked. */
	CHECK(!pmm_store_tags(P, MEM, MT_GRANULE, 7), "STG on untagged memory failed");
	CHECK(!pmm_load_tags(P, MEM, MT_GRANULE, &t) && t == 0,
	      "LDG on untagged memory read %u", t);
	CHECK(!pmm_store(P, pmm_tag_addr(MEM, 9), "f", 1),
	      "a tagged pointer into untagged memory faulted");
	CHECK(!pmm_munmap(P, MEM, len), "munmap() failed");
}

/*
 * check_clear_prot_mte_flag(), the anonymous half: mprotect(PROT_READ |
 * PROT_WRITE) of the tagged range succeeds, and tag checks stay on.
 */
static void t_clear_prot_mte(void *arg)
{
	enum mem_type type = (enum mem_type)(uintptr_t)arg;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		unsigned long size = sizes[i], len = UNDERFLOW + size + OVERFLOW;
		unsigned long ptr = mte_alloc(P, &next_map, size, type, UNDERFLOW,
					      OVERFLOW, (int)(1 + i % 15));
		int err;

		if (!ptr)
			return;
		/* "Try to clear PROT_MTE property and verify it by tag checking" */
		err = pmm_mprotect(P, pmm_tag_addr(ptr, 0) - UNDERFLOW, PAGE_UP(len), RW);
		CHECK(!err, "FAIL: mprotect not ignoring clear PROT_MTE property (%d)",
		      err);
		mte_check_memory(P, "the", ptr, size);
		mte_free(P, ptr, size, UNDERFLOW, OVERFLOW, false);
	}
}

/*
 * Beyond the selftest: mprotect(PROT_MTE) of populated memory keeps the
 * data and maps it with tag 0; tag 0 pointers work, others fault.
 */
static void t_mprotect_populated(void *arg)
{
	(void)arg;
	mte_untagged_page(P, MEM, 'd');
	mte_tag_populated(P, MEM, 'd');
	CHECK(pmm_store(P, pmm_tag_addr(MEM, 4), "x", 1) == -EFAULT,
	      "a tag 4 store to tag 0 memory did not fault");
	CHECK(!pmm_store_tags(P, MEM, MT_GRANULE, 4), "STG failed");
	CHECK(!pmm_store(P, pmm_tag_addr(MEM, 4), "x", 1), "tag 4 store faulted");
	CHECK(pmm_mem_tag(P, MEM) == 4, "memory tag is %d, not 4", pmm_mem_tag(P, MEM));
}

static void setup_one(pmm_task_fn fn, void *arg)
{
	if (mte_setup())
		conf_task("selftest", 0, fn, arg);
}

static void setup_anon(void *arg) { setup_one(t_anon, arg); }
static void setup_file(void *arg) { setup_one(t_file, arg); }
static void setup_populated(void *arg) { setup_one(t_mprotect_populated, arg); }
static void setup_clear(void *arg) { setup_one(t_clear_prot_mte, arg); }

static const struct anon_case anon_mmap = { USE_MMAP, false };
static const struct anon_case anon_mprotect = { USE_MPROTECT, false };
static const struct anon_case anon_mmap_atag = { USE_MMAP, true };
static const struct anon_case anon_mprotect_atag = { USE_MPROTECT, true };

/* "Check anonymous memory with private mapping, sync error mode, mmap memory and tag check on" */
MTE_TEST(test_anon_mmap, "anon_mmap", setup_anon, &anon_mmap)
/* "... mmap/mprotect memory and tag check on" */
MTE_TEST(test_anon_mprotect, "anon_mprotect", setup_anon, &anon_mprotect)
/* "... mmap memory and tag check on (with address tag [63:60])" */
MTE_TEST(test_anon_mmap_atag, "anon_mmap_atag", setup_anon, &anon_mmap_atag)
/* "... mmap/mprotect memory and tag check on (with address tag [63:60])" */
MTE_TEST(test_anon_mprotect_atag, "anon_mprotect_atag", setup_anon,
	 &anon_mprotect_atag)
/* "Check file memory with private mapping ..." on a disk-backed file. */
MTE_TEST(test_file_private_refused, "file_private", setup_file, PMM_MAP_PRIVATE)
/* "Check file memory with shared mapping ..." on a disk-backed file. */
MTE_TEST(test_file_shared_refused, "file_shared", setup_file, PMM_MAP_SHARED)
MTE_TEST(test_mprotect_adds_mte_to_populated_page, "mprotect_populated",
	 setup_populated, NULL)
/* "Check clear PROT_MTE flags with private mapping, sync error mode and mmap memory" */
MTE_TEST(test_clear_prot_mte_mmap, "clear_prot_mte_mmap", setup_clear, USE_MMAP)
/* "... and mmap/mprotect memory" */
MTE_TEST(test_clear_prot_mte_mprotect, "clear_prot_mte_mprotect", setup_clear,
	 USE_MPROTECT)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anon_mmap),
		cmocka_unit_test(test_anon_mprotect),
		cmocka_unit_test(test_anon_mmap_atag),
		cmocka_unit_test(test_anon_mprotect_atag),
		cmocka_unit_test(test_file_private_refused),
		cmocka_unit_test(test_file_shared_refused),
		cmocka_unit_test(test_mprotect_adds_mte_to_populated_page),
		cmocka_unit_test(test_clear_prot_mte_mmap),
		cmocka_unit_test(test_clear_prot_mte_mprotect),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
