// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/arm64/mte/check_buffer_fill.c to the
 * arm64-mte machine, synchronous tag-check mode (the only mode the model
 * has: SCTLR_EL1.TCF0 = sync, a mismatch is -EFAULT at the access):
 *
 *   check_buffer_by_byte            tagged byte stores fill the buffer,
 *                                   no fault (PROT_MTE by mmap and by
 *                                   mprotect)
 *   check_buffer_underflow_by_byte  storing downwards from the end faults
 *                                   exactly at the first byte below the
 *                                   buffer (underflow 16 and a page)
 *   check_buffer_overflow_by_byte   storing upwards faults exactly at the
 *                                   first granule past MT_ALIGN_UP(size)
 *   check_buffer_by_block           memcpy() between tagged and untagged
 *                                   buffers, no fault, data intact
 *   check_memory_initial_tags       a fresh PROT_MTE mapping reads tag 0
 *                                   everywhere: anonymous memory, then a
 *                                   tmpfs file (create_temp_file() makes
 *                                   it in /dev/shm) written to the size,
 *                                   private and shared (shared anonymous
 *                                   memory is shmem)
 *
 * The selftest's tag comes from IRG (mte_insert_random_tag() with tag 0
 * excluded); the model has no IRG, so each size takes a fixed non-zero
 * tag, a different one per size. mte_initialize_current_context()'s
 * check that the fault lies in the expected range becomes: the store that
 * returned -EFAULT is the one at the expected index.
 *
 * Each case is one task doing what the selftest's process does: one
 * execution under the explorer.
 */
#include "mte_conformance.h"

/* check_buffer_fill.c's sizes[]: 1, 555, 1033, 15, 16, page - 1, page, page + 1. */
static const unsigned long sizes[] = {
	1, 555, 1033, MT_GRANULE - 1, MT_GRANULE, PAGE - 1, PAGE, PAGE + 1,
};
#define NR_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static struct pmm_process *P;
static unsigned long next_map;

/* ptr[j] = c: 0, -EFAULT for a tag-check fault; anything else fails. */
static int store_byte(unsigned long ptr, long j, char c)
{
	int err = pmm_store(P, ptr + (unsigned long)j, &c, 1);

	CHECK(!err || err == -EFAULT, "store at %#lx: %d", ptr + (unsigned long)j,
	      err);
	return err;
}

/* The first byte of [ptr, ptr + len) that does not read @c, or -1. */
static long first_not(unsigned long ptr, unsigned long len, char c)
{
	unsigned char got = 0;
	int ret = conf_expect(P, ptr, len, (unsigned char)c, &got);

	CHECK(ret >= 0, "load of %#lx: %d", ptr, ret);
	if (!ret)
		return -1;
	/* conf_expect() does not say where: find it a byte at a time. */
	for (unsigned long i = 0; i < len; i++) {
		char b;

		if (pmm_load(P, ptr + i, &b, 1) || b != c)
			return (long)i;
	}
	return (long)len;
}

static unsigned int size_tag(unsigned int i)
{
	return 1 + i % 15;
}

/* check_buffer_by_byte(): tagged byte stores fill the buffer, no fault. */
static void t_by_byte(void *arg)
{
	enum mem_type type = (enum mem_type)(uintptr_t)arg;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		unsigned long ptr = mte_alloc(P, &next_map, sizes[i], type, 0, 0,
					      (int)size_tag(i));
		long bad;

		if (!ptr)
			return;
		for (unsigned long j = 0; j < sizes[i]; j++)
			CHECK(!store_byte(ptr, (long)j, '1'),
			      "size %lu: tag-check fault at index %lu", sizes[i], j);
		bad = first_not(ptr, sizes[i], '1');
		CHECK(bad < 0, "size %lu: buffer not filled at index %ld", sizes[i],
		      bad);
		mte_free(P, ptr, sizes[i], 0, 0, true);
	}
}

/*
 * check_buffer_underflow_by_byte(), MTE_SYNC_ERR: stores from the end
 * downwards fault precisely at index -1, and that byte stays unwritten.
 */
static void t_underflow(void *arg)
{
	unsigned long range = (unsigned long)(uintptr_t)arg;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		unsigned long ptr = mte_alloc(P, &next_map, sizes[i], USE_MMAP,
					      range, 0, (int)size_tag(i));
		long j, last = 0, bad;
		bool fault = false;
		char und;

		if (!ptr)
			return;
		for (j = (long)sizes[i] - 1; j >= -(long)range && !fault; j--) {
			last = j;
			fault = store_byte(ptr, j, '1') == -EFAULT;
		}
		bad = first_not(ptr, sizes[i], '1');
		CHECK(bad < 0, "size %lu: buffer is not filled at index %ld",
		      sizes[i], bad);
		CHECK(fault && last == -1,
		      "size %lu: precise fault expected at index -1, got %s at %ld",
		      sizes[i], fault ? "one" : "none", last);
		CHECK(!pmm_load(P, pmm_tag_addr(ptr, 0) - 1, &und, 1) && und != '1',
		      "size %lu: underflow area was filled", sizes[i]);
		mte_free(P, ptr, sizes[i], range, 0, true);
	}
}

/*
 * check_buffer_overflow_by_byte(), MTE_SYNC_ERR: stores upwards fill the
 * last granule's slack and fault precisely at MT_ALIGN_UP(size); the
 * overflow area after it stays unwritten.
 */
static void t_overflow(void *arg)
{
	unsigned long range = (unsigned long)(uintptr_t)arg;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		unsigned long size = sizes[i], tagged = MT_ALIGN_UP(size);
		unsigned long ptr = mte_alloc(P, &next_map, size, USE_MMAP, 0,
					      range, (int)size_tag(i));
		unsigned long over = range - (tagged - size), j, last = 0;
		bool fault = false;
		long bad;

		if (!ptr)
			return;
		for (j = 0; j < size + range && !fault; j++) {
			last = j;
			fault = store_byte(ptr, (long)j, '1') == -EFAULT;
		}
		bad = first_not(ptr, size, '1');
		CHECK(bad < 0, "size %lu: buffer is not filled at index %ld", size, bad);
		CHECK(fault && last == tagged,
		      "size %lu: precise fault expected at %lu, got %s at %lu", size,
		      tagged, fault ? "one" : "none", last);
		for (j = 0; j < over; j++) {
			char c;

			CHECK(!pmm_load(P, pmm_tag_addr(ptr, 0) + tagged + j, &c, 1) &&
			      c != '1', "size %lu: overflow area filled at +%lu", size, j);
		}
		mte_free(P, ptr, size, 0, range, true);
	}
}

enum block_alloc { UNTAGGED_TAGGED, TAGGED_UNTAGGED, TAGGED_TAGGED };

/*
 * check_buffer_by_block_iterate(): memset() of src, memcpy() to dst,
 * for each pairing of untagged (pointer tag 0 on PROT_MTE memory of tag
 * 0) and tagged buffers: no fault, both read '1'.
 */
static void block_iterate(unsigned long size, unsigned int tag)
{
	for (int a = UNTAGGED_TAGGED; a <= TAGGED_TAGGED; a++) {
		bool src_tagged = a != UNTAGGED_TAGGED, dst_tagged = a != TAGGED_UNTAGGED;
		unsigned long src = mte_alloc(P, &next_map, size, USE_MMAP, 0, 0,
					      src_tagged ? (int)tag : -1);
		unsigned long dst = mte_alloc(P, &next_map, size, USE_MMAP, 0, 0,
					      dst_tagged ? (int)(tag % 15 + 1) : -1);
		static unsigned char buf[PAGE + 1];
		long bad;

		if (!src || !dst)
			return;
		CHECK(!conf_fill(P, src, size, '1'), "size %lu: memset(src) faulted",
		      size);
		CHECK(!pmm_load(P, src, buf, size) && !pmm_store(P, dst, buf, size),
		      "size %lu, alloc %d: memcpy() faulted", size, a);
		bad = first_not(dst, size, '1');
		CHECK(bad < 0, "size %lu, alloc %d: dst differs at %ld", size, a, bad);
		bad = first_not(src, size, '1');
		CHECK(bad < 0, "size %lu, alloc %d: src differs at %ld", size, a, bad);
		mte_free(P, src, size, 0, 0, src_tagged);
		mte_free(P, dst, size, 0, 0, dst_tagged);
	}
}

/* check_buffer_by_block(), MTE_SYNC_ERR. */
static void t_by_block(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < NR_SIZES; i++)
		block_iterate(sizes[i], size_tag(i));
}

/*
 * LDG of every granule of a fresh mapping reads 0 (mte_sync_tags() cleared
 * the page, or the zero page's tags are 0). Beyond the selftest: again
 * after a first store, and the memory is tag-checked (untagged memory
 * would read tag 0 too): a store with tag 5 faults.
 */
static void initial_tags_of(unsigned long ptr, unsigned long size, const char *what)
{
	for (int pass = 0; pass < 2; pass++) {
		unsigned char t;
		long g = mte_tag_mismatch(P, ptr, size, 0, &t);

		CHECK(g < 0, "FAIL: %s, size %lu pass %d: granule +%ld tag %#x", what,
		      size, pass, g, t);
		/* The second pass looks again after a write fault. */
		CHECK(!pmm_store(P, ptr, "x", 1), "%s: store to fresh page faulted",
		      what);
	}
	CHECK(pmm_store(P, pmm_tag_addr(ptr, 5), "y", 1) == -EFAULT,
	      "%s, size %lu: a tag 5 store to tag 0 memory did not fault", what, size);
}

/* check_memory_initial_tags(type, MTE_SYNC_ERR, mapping)'s argument. */
struct initial_case {
	enum mem_type type;
	unsigned int mapping;
};

/* create_temp_file(), once per size (the selftest's run). */
static struct pmm_file *tmp[NR_SIZES];

/* check_memory_initial_tags(): each run, anonymous memory then a file. */
static void t_initial_tags(void *arg)
{
	const struct initial_case *c = arg;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		unsigned long size = sizes[i];
		unsigned long ptr = mte_alloc_map(P, &next_map, size, c->type,
						  c->mapping, NULL, 0, 0, -1);

		if (!ptr)
			return;
		initial_tags_of(ptr, size, "anonymous mmap");
		mte_free(P, ptr, size, 0, 0, false);
		ptr = mte_alloc_map(P, &next_map, size, c->type, c->mapping, tmp[i],
				    0, 0, -1);
		if (!ptr)
			return;
		initial_tags_of(ptr, size, "file mmap");
		mte_free(P, ptr, size, 0, 0, false);
	}
}

static void setup_one(pmm_task_fn fn, void *arg)
{
	P = conf_mte_machine(0);
	next_map = MEM;
	if (P)
		conf_task("selftest", 0, fn, arg);
}

static void setup_by_byte(void *arg) { setup_one(t_by_byte, arg); }
static void setup_underflow(void *arg) { setup_one(t_underflow, arg); }
static void setup_overflow(void *arg) { setup_one(t_overflow, arg); }
static void setup_by_block(void *arg) { setup_one(t_by_block, arg); }

static void setup_initial_tags(void *arg)
{
	P = conf_mte_machine(0);
	next_map = MEM;
	for (unsigned int i = 0; P && i < NR_SIZES; i++)
		tmp[i] = mte_temp_file();
	if (P && tmp[NR_SIZES - 1])
		conf_task("selftest", 0, t_initial_tags, arg);
}

/* "Check buffer correctness by byte with sync err mode and mmap memory" */
MTE_TEST(test_buffer_by_byte_mmap, "by_byte_mmap", setup_by_byte, USE_MMAP)
/* "... by byte with sync err mode and mmap/mprotect memory" */
MTE_TEST(test_buffer_by_byte_mprotect, "by_byte_mprotect", setup_by_byte,
	 USE_MPROTECT)
/* "Check buffer write underflow by byte with sync mode and mmap memory", 16 */
MTE_TEST(test_buffer_underflow_granule, "underflow_16", setup_underflow,
	 MT_GRANULE)
/* The same with the underflow range a page. */
MTE_TEST(test_buffer_underflow_page, "underflow_page", setup_underflow, PAGE)
/* "Check buffer write overflow by byte with sync mode and mmap memory", 16 */
MTE_TEST(test_buffer_overflow_granule, "overflow_16", setup_overflow, MT_GRANULE)
/* "Check buffer write correctness by block with sync mode and mmap memory" */
MTE_TEST(test_buffer_by_block, "by_block", setup_by_block, 0)
/* "Check initial tags with private mapping, sync error mode and mmap memory" */
static const struct initial_case initial_mmap = { USE_MMAP, PMM_MAP_PRIVATE };
MTE_TEST(test_initial_tags_mmap, "initial_tags_mmap", setup_initial_tags,
	 &initial_mmap)
/* "... private mapping, sync error mode and mmap/mprotect memory" */
static const struct initial_case initial_mprotect = { USE_MPROTECT, PMM_MAP_PRIVATE };
MTE_TEST(test_initial_tags_mprotect, "initial_tags_mprotect",
	 setup_initial_tags, &initial_mprotect)
/* "Check initial tags with shared mapping, sync error mode and mmap memory" */
static const struct initial_case initial_shared_mmap = { USE_MMAP, PMM_MAP_SHARED };
MTE_TEST(test_initial_tags_shared_mmap, "initial_tags_shared_mmap",
	 setup_initial_tags, &initial_shared_mmap)
/* "... shared mapping, sync error mode and mmap/mprotect memory" */
static const struct initial_case initial_shared_mprotect = {
	USE_MPROTECT, PMM_MAP_SHARED
};
MTE_TEST(test_initial_tags_shared_mprotect, "initial_tags_shared_mprotect",
	 setup_initial_tags, &initial_shared_mprotect)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buffer_by_byte_mmap),
		cmocka_unit_test(test_buffer_by_byte_mprotect),
		cmocka_unit_test(test_buffer_underflow_granule),
		cmocka_unit_test(test_buffer_underflow_page),
		cmocka_unit_test(test_buffer_overflow_granule),
		cmocka_unit_test(test_buffer_by_block),
		cmocka_unit_test(test_initial_tags_mmap),
		cmocka_unit_test(test_initial_tags_mprotect),
		cmocka_unit_test(test_initial_tags_shared_mmap),
		cmocka_unit_test(test_initial_tags_shared_mprotect),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
