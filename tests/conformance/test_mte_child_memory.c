// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/arm64/mte/check_child_memory.c to the
 * arm64-mte machine (synchronous tag checks):
 *
 *   check_child_memory_mapping(USE_MMAP / USE_MPROTECT, MTE_SYNC_ERR,
 *   MAP_PRIVATE / MAP_SHARED) -> check_child_tag_inheritance(): the
 *   parent tags anonymous memory (with a 16-byte untagged granule either
 *   side) and forks; the child's memset() through the tagged pointer
 *   (copy on write when private; shared anonymous memory is shmem, the
 *   same page) must not fault, the child reads the parent's tag from every
 *   granule (LDG), and its stores just below and just above the buffer
 *   fault.
 *   check_child_file_mapping(USE_MMAP, MTE_SYNC_ERR, MAP_PRIVATE /
 *   MAP_SHARED): the same on a tmpfs file (create_temp_file() makes it in
 *   /dev/shm) written to the mapping's size, the tags inserted after
 *   mmap().
 *
 * Beyond the selftest (which checks only tags), the ports check data:
 * the child first reads what the parent wrote before fork(), and after the
 * child's copy-on-write the parent still reads its own bytes and tags (in
 * a shared mapping, the child's bytes and the same tags). The
 * parent-writes-first order (the parent's store copies the page, the
 * child keeps the original) is checked the same way, and an explored
 * variant runs parent and child at once after fork().
 */
#include "mte_conformance.h"

#define UNDERFLOW	MT_GRANULE
#define OVERFLOW	MT_GRANULE

/* check_child_memory.c's sizes[]. */
static const unsigned long sizes[] = {
	1, 537, 989, 1269, MT_GRANULE - 1, MT_GRANULE, PAGE - 1, PAGE, PAGE + 1,
};
#define NR_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static struct pmm_process *P;
static unsigned long next_map;

/* create_temp_file(), once per size (the selftest's run). */
static struct pmm_file *tmp[NR_SIZES];

/*
 * mte_allocate_memory_tag_range(size, type, MAP_PRIVATE, UNDERFLOW,
 * OVERFLOW): the buffer tagged @tag, one tag-0 granule either side.
 */
static unsigned long alloc_tagged(unsigned long size, enum mem_type type,
				  unsigned int tag)
{
	return mte_alloc(P, &next_map, size, type, UNDERFLOW, OVERFLOW, (int)tag);
}

/* LDG of every granule of [ptr, ptr + size): all @tag? */
static bool tags_are(struct pmm_process *p, unsigned long ptr,
		     unsigned long size, unsigned int tag)
{
	unsigned char t;

	return mte_tag_mismatch(p, pmm_tag_addr(ptr, 0), size, tag, &t) < 0;
}

/*
 * check_child_tag_inheritance(), with the child's part run in place (the
 * selftest's parent only waits for it): memset, LDG, underflow, overflow.
 */
static void child_part(struct pmm_process *child, unsigned long ptr,
		       unsigned long size, unsigned int tag)
{
	unsigned char got = 0;
	int ret;

	ret = conf_expect(child, ptr, size, 'P', &got);
	CHECK(!ret, "size %lu: child reads %#x before COW (%d)", size, got, ret);
	/* "Do copy on write", then the stores either side of the buffer. */
	mte_check_memory(child, "child's", ptr, size);
	CHECK(tags_are(child, ptr, size, tag), "FAIL: child mte tag mismatch (size %lu)",
	      size);
	ret = conf_expect(child, ptr, size, '1', &got);
	CHECK(!ret, "size %lu: child reads %#x after its memset (%d)", size, got, ret);
}

struct child_case {
	enum mem_type type;
	unsigned int mapping;
	/* check_child_file_mapping(): a tmpfs file, else anonymous memory. */
	bool file;
	/* The parent writes after fork(), before the child: it copies first. */
	bool parent_first;
};

static void t_child_memory(void *arg)
{
	const struct child_case *c = arg;
	bool shared = c->mapping == PMM_MAP_SHARED;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		unsigned long size = sizes[i];
		unsigned int tag = 1 + i % 15;
		unsigned long ptr = mte_alloc_map(P, &next_map, size, c->type,
						  c->mapping, c->file ? tmp[i] : NULL,
						  UNDERFLOW, OVERFLOW, (int)tag);
		struct pmm_process *child;
		unsigned char got = 0;
		int ret;

		if (!ptr)
			return;
		CHECK(!conf_fill(P, ptr, size, 'P'), "parent's memset faulted");
		child = pmm_fork(P);
		CHECK(child, "FAIL: child process creation");
		if (!child)
			return;
		if (c->parent_first) {
			CHECK(!conf_fill(P, ptr, size, 'Q'), "parent's COW store faulted");
			CHECK(tags_are(P, ptr, size, tag), "parent's copy lost its tags");
			CHECK(!conf_fill(P, ptr, size, 'P'), "parent's store faulted");
		}
		child_part(child, ptr, size, tag);
		pmm_exit(child);
		ret = conf_expect(P, ptr, size, shared ? '1' : 'P', &got);
		CHECK(!ret, "size %lu: parent reads %#x after the child's %s (%d)",
		      size, got, shared ? "stores" : "COW", ret);
		CHECK(tags_are(P, ptr, size, tag), "size %lu: parent's tags changed",
		      size);
		mte_free(P, ptr, size, UNDERFLOW, OVERFLOW, true);
	}
}

/* The machine and the parent; the allocations start again at MEM. */
static bool mte_setup(void)
{
	P = conf_mte_machine(0);
	next_map = MEM;
	return P != NULL;
}

static void setup_child_memory(void *arg)
{
	if (!mte_setup())
		return;
	for (unsigned int i = 0; i < NR_SIZES; i++)
		tmp[i] = mte_temp_file();
	if (tmp[NR_SIZES - 1])
		conf_task("selftest", 0, t_child_memory, arg);
}

/*
 * Explored: after fork(), parent and child at once, on two CPUs. Each
 * writes its own bytes and retags its second granule; each must read
 * its own data and tags whatever the order of the two COW faults (up to
 * the preemption bound below).
 */
#define EXP_SIZE (2 * MT_GRANULE)
static struct pmm_process *C;
static unsigned long exp_ptr;

static void exp_side(struct pmm_process *p, unsigned char byte, unsigned int tag2)
{
	unsigned long g2 = pmm_tag_addr(exp_ptr, 0) + MT_GRANULE;
	unsigned char got = 0;
	int ret;

	CHECK(!conf_fill(p, exp_ptr, EXP_SIZE, byte), "store faulted");
	CHECK(!pmm_store_tags(p, g2, MT_GRANULE, tag2), "STG failed");
	ret = conf_expect(p, exp_ptr, MT_GRANULE, byte, &got);
	CHECK(!ret, "first granule reads %#x, not %#x (%d)", got, byte, ret);
	ret = conf_expect(p, pmm_tag_addr(g2, tag2), MT_GRANULE, byte, &got);
	CHECK(!ret, "retagged granule reads %#x, not %#x (%d)", got, byte, ret);
	CHECK(tags_are(p, exp_ptr, MT_GRANULE, 5), "first granule's tag changed");
	CHECK(tags_are(p, g2, MT_GRANULE, tag2), "second granule's tag is not %u",
	      tag2);
}

static void exp_parent(void *arg)
{
	(void)arg;
	exp_side(P, 'p', 9);
}

static void exp_child(void *arg)
{
	(void)arg;
	exp_side(C, 'c', 12);
}

static void setup_explored(void *arg)
{
	(void)arg;
	if (!mte_setup())
		return;
	exp_ptr = alloc_tagged(EXP_SIZE, USE_MMAP, 5);
	if (!exp_ptr || conf_fill(P, exp_ptr, EXP_SIZE, 'P')) {
		pmm_violation("setup", "populating the tagged buffer failed");
		return;
	}
	C = pmm_fork(P);
	if (!C) {
		pmm_violation("setup", "fork() failed");
		return;
	}
	conf_task("parent", 0, exp_parent, NULL);
	conf_task("child", 1, exp_child, NULL);
}

/*
 * Explored, shared: the parent has tagged and filled a shared anonymous
 * (shmem) buffer, and forks; the child's first access faults the page
 * in, already tagged, while the parent stores. Each writes its own
 * granule through the tagged pointer: no store faults, each reads its own
 * bytes, and the tags of both granules stay the parent's (a mapping of a
 * page already tagged must not initialise its tags again). The other's
 * granule may read old or new bytes: that race is the programs' own.
 */
static void exp_shared_side(struct pmm_process *p, unsigned long off,
			    unsigned char byte)
{
	unsigned char got = 0;
	int ret;

	CHECK(!conf_fill(p, exp_ptr + off, MT_GRANULE, byte), "store faulted");
	ret = conf_expect(p, exp_ptr + off, MT_GRANULE, byte, &got);
	CHECK(!ret, "own granule reads %#x, not %#x (%d)", got, byte, ret);
	CHECK(tags_are(p, exp_ptr, EXP_SIZE, 5), "the shared page's tags changed");
}

static void exp_shared_parent(void *arg)
{
	(void)arg;
	exp_shared_side(P, 0, 'p');
}

static void exp_shared_child(void *arg)
{
	(void)arg;
	exp_shared_side(C, MT_GRANULE, 'c');
}

static void setup_shared_explored(void *arg)
{
	(void)arg;
	if (!mte_setup())
		return;
	exp_ptr = mte_alloc_map(P, &next_map, EXP_SIZE, USE_MMAP, PMM_MAP_SHARED,
				NULL, UNDERFLOW, OVERFLOW, 5);
	if (!exp_ptr || conf_fill(P, exp_ptr, EXP_SIZE, 'P')) {
		pmm_violation("setup", "populating the tagged buffer failed");
		return;
	}
	C = pmm_fork(P);
	if (!C) {
		pmm_violation("setup", "fork() failed");
		return;
	}
	conf_task("parent", 0, exp_shared_parent, NULL);
	conf_task("child", 1, exp_shared_child, NULL);
}

#define CHILD_TEST(fn, type, mapping, file, parent_first)			\
static const struct child_case fn##_case = { type, mapping, file, parent_first }; \
MTE_TEST(fn, #fn, setup_child_memory, &fn##_case)

/* "Check child anonymous memory with private mapping, precise mode and mmap memory" */
CHILD_TEST(test_child_memory_mmap, USE_MMAP, PMM_MAP_PRIVATE, false, false)
/* "... with shared mapping, precise mode and mmap memory" */
CHILD_TEST(test_child_memory_shared_mmap, USE_MMAP, PMM_MAP_SHARED, false, false)
/*
 * "... with private mapping, precise mode and mmap/mprotect memory", and
 * "Check child file memory with private mapping, precise mode and
 * mmap/mprotect memory", which runs check_child_memory_mapping() too.
 */
CHILD_TEST(test_child_memory_mprotect, USE_MPROTECT, PMM_MAP_PRIVATE, false, false)
/* "... with shared mapping, precise mode and mmap/mprotect memory", twice too. */
CHILD_TEST(test_child_memory_shared_mprotect, USE_MPROTECT, PMM_MAP_SHARED,
	   false, false)
/* "Check child file memory with private mapping, precise mode and mmap memory" */
CHILD_TEST(test_child_file_mmap, USE_MMAP, PMM_MAP_PRIVATE, true, false)
/* "... with shared mapping, precise mode and mmap memory" */
CHILD_TEST(test_child_file_shared_mmap, USE_MMAP, PMM_MAP_SHARED, true, false)
/* Beyond the selftest: the parent's write copies the page first. */
CHILD_TEST(test_child_memory_parent_cow_first, USE_MMAP, PMM_MAP_PRIVATE, false,
	   true)

/* Two tasks that race for the page: every 2-preemption interleaving. */
static void test_child_memory_explored(void **state)
{
	(void)state;
	mte_run_bounded("child_memory_explored", setup_explored, 2);
}

/* The shared page, parent and child at once: every 3-preemption interleaving. */
static void test_child_memory_shared_explored(void **state)
{
	(void)state;
	mte_run_bounded("child_memory_shared_explored", setup_shared_explored, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_memory_mmap),
		cmocka_unit_test(test_child_memory_shared_mmap),
		cmocka_unit_test(test_child_memory_mprotect),
		cmocka_unit_test(test_child_memory_shared_mprotect),
		cmocka_unit_test(test_child_file_mmap),
		cmocka_unit_test(test_child_file_shared_mmap),
		cmocka_unit_test(test_child_memory_parent_cow_first),
		cmocka_unit_test(test_child_memory_explored),
		cmocka_unit_test(test_child_memory_shared_explored),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
