// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/arm64/mte/check_mmap_options.c to the
 * arm64-mte machine (synchronous tag checks, tag checks on, loads and
 * stores checked):
 *
 *   check_anonymous_memory_mapping  PROT_MTE anonymous memory,
 *                                   by mmap() and by mprotect(): stores in
 *                                   the tagged buffer work, the granules
 *                                   either side fault; also with an
 *                                   address tag in bits 63:60, which TBI
 *                                   ignores ("with address tag [63:60]")
 *   check_file_memory_mapping       the same on a tmpfs file (the
 *                                   selftest's create_temp_file() makes
 *                                   it in /dev/shm: shmem, which may be
 *                                   tagged), private and shared, by mmap()
 *                                   and by mprotect(), with and without
 *                                   the address tag
 *   check_clear_prot_mte_flag       mprotect() without PROT_MTE on a
 *                                   PROT_MTE mapping succeeds and leaves
 *                                   tag checking on: arm64's VM_ARCH_CLEAR
 *                                   is VM_ARM64_BTI, so do_mprotect_pkey()
 *                                   keeps VM_MTE ("mprotect not ignoring
 *                                   clear PROT_MTE property"); on
 *                                   private anonymous memory, then on a
 *                                   private tmpfs file mapping
 *
 * The anonymous cases run on MAP_PRIVATE and on MAP_SHARED memory (shared
 * anonymous memory is shmem in the kernel and in the model).
 *
 * check_clear_prot_mte_flag found a model bug (README.md, "Model bugs
 * found by the port"): the model's mprotect() recomputed VM_MTE, so the
 * mapping lost tag checking. Fixed; the clear PROT_MTE cases guard it.
 *
 * Beyond the selftest: mprotect(PROT_MTE) of memory already populated
 * keeps its data and gives it tag 0 (mte_sync_tags() clears the tags of a
 * page mapped tagged for the first time); and on a disk-backed file,
 * which is not RAM-based, the kernel refuses PROT_MTE (VM_MTE_ALLOWED is
 * set only for anonymous and shmem mappings): mmap() and mprotect() with
 * PROT_MTE fail with -EINVAL, private and shared.
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
/* create_temp_file(), once per size (the selftest's run). */
static struct pmm_file *tmp[NR_SIZES];
static unsigned long next_map;

static bool mte_setup(void)
{
	P = conf_mte_machine(0);
	F = P ? pmm_file_create(4 * PAGE) : NULL;
	for (unsigned int i = 0; F && i < NR_SIZES; i++)
		tmp[i] = mte_temp_file();
	next_map = MEM;
	return P && F && tmp[NR_SIZES - 1];
}

struct mmap_case {
	enum mem_type type;
	unsigned int mapping;
	/* ATAG_CHECK_ON: mte_insert_atag() puts a tag in bits 63:60. */
	bool atag;
	/* CHECK_FILE_MEM: a tmpfs file, else anonymous memory. */
	bool file;
};

/*
 * check_anonymous_memory_mapping(), check_file_memory_mapping(): for
 * each size, the buffer between a 16-byte granule either side is tagged
 * ("Only mte enabled memory will allow tag insertion"), filled, and the
 * granules either side fault.
 */
static void t_mapping(void *arg)
{
	const struct mmap_case *c = arg;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		unsigned long size = sizes[i];
		unsigned long ptr = mte_alloc_map(P, &next_map, size, c->type,
						  c->mapping, c->file ? tmp[i] : NULL,
						  UNDERFLOW, OVERFLOW, (int)(1 + i % 15));

		if (!ptr)
			return;
		mte_check_memory(P, c->file ? "the file's" : "the",
				 c->atag ? ptr | 0xaUL << 60 : ptr, size);
		mte_free(P, ptr, size, UNDERFLOW, OVERFLOW, true);
	}
}

/*
 * Beyond the selftest, on a disk-backed file: PROT_MTE is refused
 * (arch_validate_flags() without VM_MTE_ALLOWED), by mmap() and by
 * mprotect(), and the mapping made without it still works, untagged.
 */
static void t_disk_file(void *arg)
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
 * One half of a run of check_clear_prot_mte_flag(): mprotect(PROT_READ |
 * PROT_WRITE) of the tagged range succeeds, and tag checks stay on.
 */
static void clear_prot_mte(const struct mmap_case *c, unsigned int i,
			   struct pmm_file *f)
{
	unsigned long size = sizes[i], len = UNDERFLOW + size + OVERFLOW;
	unsigned long ptr = mte_alloc_map(P, &next_map, size, c->type,
					  PMM_MAP_PRIVATE, f, UNDERFLOW, OVERFLOW,
					  (int)(1 + i % 15));
	int err;

	if (!ptr)
		return;
	/* "Try to clear PROT_MTE property and verify it by tag checking" */
	err = pmm_mprotect(P, pmm_tag_addr(ptr, 0) - UNDERFLOW, PAGE_UP(len), RW);
	CHECK(!err, "FAIL: mprotect not ignoring clear PROT_MTE property (%s, %d)",
	      f ? "file" : "anonymous", err);
	mte_check_memory(P, f ? "the file's" : "the",
			 c->atag ? ptr | 0xaUL << 60 : ptr, size);
	mte_free(P, ptr, size, UNDERFLOW, OVERFLOW, false);
}

/* check_clear_prot_mte_flag(): each run, anonymous memory then a file. */
static void t_clear_prot_mte(void *arg)
{
	const struct mmap_case *c = arg;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		clear_prot_mte(c, i, NULL);
		clear_prot_mte(c, i, tmp[i]);
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

static void setup_mapping(void *arg) { setup_one(t_mapping, arg); }
static void setup_disk_file(void *arg) { setup_one(t_disk_file, arg); }
static void setup_populated(void *arg) { setup_one(t_mprotect_populated, arg); }
static void setup_clear(void *arg) { setup_one(t_clear_prot_mte, arg); }

/*
 * A selftest case, SYNC error mode, tag check on, TAG_OP_ALL: "Check
 * @what with @mapping mapping, sync error mode, @type memory and tag
 * check on (with[out] address tag [63:60])".
 */
#define MMAP_TEST(fn, setup, type, mapping, atag, file)			\
static const struct mmap_case fn##_case = { type, mapping, atag, file };	\
MTE_TEST(fn, #fn, setup, &fn##_case)

/* "Check anonymous memory with ..." */
MMAP_TEST(test_anon_mmap, setup_mapping, USE_MMAP, PMM_MAP_PRIVATE, false, false)
MMAP_TEST(test_anon_mprotect, setup_mapping, USE_MPROTECT, PMM_MAP_PRIVATE, false, false)
MMAP_TEST(test_anon_shared_mmap, setup_mapping, USE_MMAP, PMM_MAP_SHARED, false, false)
MMAP_TEST(test_anon_shared_mprotect, setup_mapping, USE_MPROTECT, PMM_MAP_SHARED, false, false)
MMAP_TEST(test_anon_mmap_atag, setup_mapping, USE_MMAP, PMM_MAP_PRIVATE, true, false)
MMAP_TEST(test_anon_mprotect_atag, setup_mapping, USE_MPROTECT, PMM_MAP_PRIVATE, true, false)
MMAP_TEST(test_anon_shared_mmap_atag, setup_mapping, USE_MMAP, PMM_MAP_SHARED, true, false)
MMAP_TEST(test_anon_shared_mprotect_atag, setup_mapping, USE_MPROTECT, PMM_MAP_SHARED, true, false)
/* "Check file memory with ..." */
MMAP_TEST(test_file_mmap, setup_mapping, USE_MMAP, PMM_MAP_PRIVATE, false, true)
MMAP_TEST(test_file_mprotect, setup_mapping, USE_MPROTECT, PMM_MAP_PRIVATE, false, true)
MMAP_TEST(test_file_shared_mmap, setup_mapping, USE_MMAP, PMM_MAP_SHARED, false, true)
MMAP_TEST(test_file_shared_mprotect, setup_mapping, USE_MPROTECT, PMM_MAP_SHARED, false, true)
MMAP_TEST(test_file_mmap_atag, setup_mapping, USE_MMAP, PMM_MAP_PRIVATE, true, true)
MMAP_TEST(test_file_mprotect_atag, setup_mapping, USE_MPROTECT, PMM_MAP_PRIVATE, true, true)
MMAP_TEST(test_file_shared_mmap_atag, setup_mapping, USE_MMAP, PMM_MAP_SHARED, true, true)
MMAP_TEST(test_file_shared_mprotect_atag, setup_mapping, USE_MPROTECT, PMM_MAP_SHARED, true, true)
/* "Check clear PROT_MTE flags with private mapping, ..." */
MMAP_TEST(test_clear_prot_mte_mmap, setup_clear, USE_MMAP, PMM_MAP_PRIVATE, false, false)
MMAP_TEST(test_clear_prot_mte_mprotect, setup_clear, USE_MPROTECT, PMM_MAP_PRIVATE, false, false)
MMAP_TEST(test_clear_prot_mte_mmap_atag, setup_clear, USE_MMAP, PMM_MAP_PRIVATE, true, false)
MMAP_TEST(test_clear_prot_mte_mprotect_atag, setup_clear, USE_MPROTECT, PMM_MAP_PRIVATE, true, false)

/* Beyond the selftest: a disk-backed file refuses PROT_MTE. */
MTE_TEST(test_disk_file_private_refused, "disk_file_private", setup_disk_file,
	 PMM_MAP_PRIVATE)
MTE_TEST(test_disk_file_shared_refused, "disk_file_shared", setup_disk_file,
	 PMM_MAP_SHARED)
MTE_TEST(test_mprotect_adds_mte_to_populated_page, "mprotect_populated",
	 setup_populated, NULL)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anon_mmap),
		cmocka_unit_test(test_anon_mprotect),
		cmocka_unit_test(test_anon_shared_mmap),
		cmocka_unit_test(test_anon_shared_mprotect),
		cmocka_unit_test(test_anon_mmap_atag),
		cmocka_unit_test(test_anon_mprotect_atag),
		cmocka_unit_test(test_anon_shared_mmap_atag),
		cmocka_unit_test(test_anon_shared_mprotect_atag),
		cmocka_unit_test(test_file_mmap),
		cmocka_unit_test(test_file_mprotect),
		cmocka_unit_test(test_file_shared_mmap),
		cmocka_unit_test(test_file_shared_mprotect),
		cmocka_unit_test(test_file_mmap_atag),
		cmocka_unit_test(test_file_mprotect_atag),
		cmocka_unit_test(test_file_shared_mmap_atag),
		cmocka_unit_test(test_file_shared_mprotect_atag),
		cmocka_unit_test(test_clear_prot_mte_mmap),
		cmocka_unit_test(test_clear_prot_mte_mprotect),
		cmocka_unit_test(test_clear_prot_mte_mmap_atag),
		cmocka_unit_test(test_clear_prot_mte_mprotect_atag),
		cmocka_unit_test(test_disk_file_private_refused),
		cmocka_unit_test(test_disk_file_shared_refused),
		cmocka_unit_test(test_mprotect_adds_mte_to_populated_page),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
