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
#include "conformance.h"

#define MT_GRANULE	PMM_MTE_GRANULE
#define MT_ALIGN_UP(x)	(((x) + MT_GRANULE - 1) & ~(unsigned long)(MT_GRANULE - 1))
#define PAGE_UP(x)	(((x) + PAGE - 1) & ~(PAGE - 1))
#define UNDERFLOW	MT_GRANULE
#define OVERFLOW	MT_GRANULE
#define RW		(PMM_PROT_READ | PMM_PROT_WRITE)

enum mem_type { USE_MMAP, USE_MPROTECT };

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
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	int err;

	o.arch = "arm64-mte";
	err = pmm_machine_init(&o);
	if (err) {
		pmm_violation("setup", "pmm_machine_init(arm64-mte): %d", err);
		return false;
	}
	P = pmm_process_create();
	F = pmm_file_create(4 * PAGE);
	next_map = MEM;
	return P && F;
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* A private anonymous mapping of @len, PROT_MTE by mmap() or mprotect(). */
static unsigned long map_mte(unsigned long len, enum mem_type type)
{
	unsigned long map = next_map;
	int err;

	next_map += PAGE_UP(len) + PAGE;
	err = pmm_mmap(P, map, PAGE_UP(len), type == USE_MMAP ? RW | PMM_PROT_MTE : RW,
		       PMM_MAP_PRIVATE, NULL, 0);
	if (!err && type == USE_MPROTECT)
		err = pmm_mprotect(P, map, PAGE_UP(len), RW | PMM_PROT_MTE);
	if (err)
		pmm_violation(SELFTEST, "FAIL: mmap allocation of %lu: %d", len, err);
	return err ? 0 : map;
}

/*
 * check_mte_memory(), TAG_CHECK_ON, TAG_OP_ALL: the buffer takes stores,
 * the granule below and the one after it fault.
 */
static void check_mte_memory(unsigned long ptr, unsigned long size)
{
	int err = conf_fill(P, ptr, size, '1');

	CHECK(!err, "size %lu: memset() of the buffer: %d", size, err);
	err = conf_fill(P, ptr - UNDERFLOW, UNDERFLOW, '2');
	CHECK(err == -EFAULT, "size %lu: underflow store: %d, not a fault", size, err);
	err = conf_fill(P, ptr + size, OVERFLOW, '3');
	CHECK(err == -EFAULT, "size %lu: overflow store: %d, not a fault", size, err);
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
		unsigned long size = sizes[i], len = UNDERFLOW + size + OVERFLOW;
		unsigned long map = map_mte(len, c->type), ptr;
		unsigned int tag = 1 + i % 15;

		if (!map)
			return;
		/* "Only mte enabled memory will allow tag insertion" */
		CHECK(!pmm_store_tags(P, map + UNDERFLOW, MT_ALIGN_UP(size), tag),
		      "FAIL: Insert tags on anonymous mmap memory");
		ptr = pmm_tag_addr(map + UNDERFLOW, tag);
		if (c->atag)
			ptr |= 0xaUL << 60;
		check_mte_memory(ptr, size);
		CHECK(!pmm_store_tags(P, map + UNDERFLOW, MT_ALIGN_UP(size), 0),
		      "mte_clear_tags()");
		CHECK(!pmm_munmap(P, map, PAGE_UP(len)), "munmap() failed");
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
		unsigned long map = map_mte(len, type), ptr;
		unsigned int tag = 1 + i % 15;
		int err;

		if (!map)
			return;
		CHECK(!pmm_store_tags(P, map + UNDERFLOW, MT_ALIGN_UP(size), tag),
		      "STG failed");
		ptr = pmm_tag_addr(map + UNDERFLOW, tag);
		/* "Try to clear PROT_MTE property and verify it by tag checking" */
		err = pmm_mprotect(P, map, PAGE_UP(len), RW);
		CHECK(!err, "FAIL: mprotect not ignoring clear PROT_MTE property (%d)",
		      err);
		check_mte_memory(ptr, size);
		CHECK(!pmm_munmap(P, map, PAGE_UP(len)), "munmap() failed");
	}
}

/*
 * Beyond the selftest: mprotect(PROT_MTE) of populated memory keeps the
 * data and maps it with tag 0; tag 0 pointers work, others fault.
 */
static void t_mprotect_populated(void *arg)
{
	unsigned char got = 0, t = 0xff;
	int ret;

	(void)arg;
	CHECK(!pmm_mmap(P, MEM, PAGE, RW, PMM_MAP_PRIVATE, NULL, 0), "mmap failed");
	CHECK(!conf_fill(P, MEM, PAGE, 'd'), "memset failed");
	CHECK(!pmm_mprotect(P, MEM, PAGE, RW | PMM_PROT_MTE), "mprotect(PROT_MTE) failed");
	ret = conf_expect(P, MEM, PAGE, 'd', &got);
	CHECK(!ret, "data after mprotect(PROT_MTE): %#x (%d)", got, ret);
	for (unsigned long g = 0; g < PAGE; g += MT_GRANULE)
		CHECK(!pmm_load_tags(P, MEM + g, MT_GRANULE, &t) && t == 0,
		      "granule +%lu has tag %u after mprotect(PROT_MTE)", g, t);
	CHECK(pmm_store(P, pmm_tag_addr(MEM, 4), "x", 1) == -EFAULT,
	      "a tag 4 store to tag 0 memory did not fault");
	CHECK(!pmm_store_tags(P, MEM, MT_GRANULE, 4), "STG failed");
	CHECK(!pmm_store(P, pmm_tag_addr(MEM, 4), "x", 1), "tag 4 store faulted");
	CHECK(pmm_mem_tag(P, MEM) == 4, "memory tag is %d, not 4", pmm_mem_tag(P, MEM));
}

static pmm_task_fn task_fn;

static void setup_task(void *arg)
{
	if (mte_setup())
		conf_task("selftest", 0, task_fn, arg);
}

static void run(const char *name, pmm_task_fn fn, const void *arg)
{
	const struct pmm_program prog = PROG(name, setup_task, finish, arg);

	task_fn = fn;
	conf_expect_pass(&prog);
}

static const struct anon_case anon_mmap = { USE_MMAP, false };
static const struct anon_case anon_mprotect = { USE_MPROTECT, false };
static const struct anon_case anon_mmap_atag = { USE_MMAP, true };
static const struct anon_case anon_mprotect_atag = { USE_MPROTECT, true };

/* "Check anonymous memory with private mapping, sync error mode, mmap memory and tag check on" */
static void test_anon_mmap(void **state)
{
	(void)state;
	run("anon_mmap", t_anon, &anon_mmap);
}

/* "... mmap/mprotect memory and tag check on" */
static void test_anon_mprotect(void **state)
{
	(void)state;
	run("anon_mprotect", t_anon, &anon_mprotect);
}

/* "... mmap memory and tag check on (with address tag [63:60])" */
static void test_anon_mmap_atag(void **state)
{
	(void)state;
	run("anon_mmap_atag", t_anon, &anon_mmap_atag);
}

/* "... mmap/mprotect memory and tag check on (with address tag [63:60])" */
static void test_anon_mprotect_atag(void **state)
{
	(void)state;
	run("anon_mprotect_atag", t_anon, &anon_mprotect_atag);
}

/* "Check file memory with private mapping ..." on a disk-backed file. */
static void test_file_private_refused(void **state)
{
	(void)state;
	run("file_private", t_file, (void *)(uintptr_t)PMM_MAP_PRIVATE);
}

/* "Check file memory with shared mapping ..." on a disk-backed file. */
static void test_file_shared_refused(void **state)
{
	(void)state;
	run("file_shared", t_file, (void *)(uintptr_t)PMM_MAP_SHARED);
}

static void test_mprotect_adds_mte_to_populated_page(void **state)
{
	(void)state;
	run("mprotect_populated", t_mprotect_populated, NULL);
}

/* "Check clear PROT_MTE flags with private mapping, sync error mode and mmap memory" */
static void test_clear_prot_mte_mmap(void **state)
{
	(void)state;
	run("clear_prot_mte_mmap", t_clear_prot_mte, (void *)(uintptr_t)USE_MMAP);
}

/* "... and mmap/mprotect memory" */
static void test_clear_prot_mte_mprotect(void **state)
{
	(void)state;
	run("clear_prot_mte_mprotect", t_clear_prot_mte,
	    (void *)(uintptr_t)USE_MPROTECT);
}

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
