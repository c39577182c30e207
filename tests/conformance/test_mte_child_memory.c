// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/arm64/mte/check_child_memory.c to the
 * arm64-mte machine (synchronous tag checks, private anonymous memory):
 *
 *   check_child_memory_mapping(USE_MMAP / USE_MPROTECT, MTE_SYNC_ERR,
 *   MAP_PRIVATE) -> check_child_tag_inheritance(): the parent tags a
 *   buffer (with a 16-byte untagged granule either side) and forks; the
 *   child's memset() through the tagged pointer copies the page on write
 *   and must not fault, the child reads the parent's tag from every
 *   granule (LDG), and its stores just below and just above the buffer
 *   fault.
 *
 * Beyond the selftest (which checks only tags), the ports check data:
 * the child first reads what the parent wrote before fork(), and after the
 * child's copy-on-write the parent still reads its own bytes and tags. The
 * parent-writes-first order (the parent's store copies the page, the
 * child keeps the original) is checked the same way, and an explored
 * variant runs parent and child at once after fork().
 */
#include "conformance.h"

#define MT_GRANULE	PMM_MTE_GRANULE
#define MT_ALIGN_UP(x)	(((x) + MT_GRANULE - 1) & ~(unsigned long)(MT_GRANULE - 1))
#define PAGE_UP(x)	(((x) + PAGE - 1) & ~(PAGE - 1))
#define UNDERFLOW	MT_GRANULE
#define OVERFLOW	MT_GRANULE

enum mem_type { USE_MMAP, USE_MPROTECT };

/* check_child_memory.c's sizes[]. */
static const unsigned long sizes[] = {
	1, 537, 989, 1269, MT_GRANULE - 1, MT_GRANULE, PAGE - 1, PAGE, PAGE + 1,
};
#define NR_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static struct pmm_process *P;
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
	next_map = MEM;
	return P != NULL;
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/*
 * mte_allocate_memory_tag_range(size, type, MAP_PRIVATE, UNDERFLOW,
 * OVERFLOW): the buffer tagged @tag, one tag-0 granule either side.
 */
static unsigned long mte_alloc(unsigned long size, enum mem_type type,
			       unsigned int tag)
{
	unsigned long len = PAGE_UP(UNDERFLOW + size + OVERFLOW), map = next_map;
	unsigned int prot = PMM_PROT_READ | PMM_PROT_WRITE;
	int err;

	next_map += len + PAGE;
	err = pmm_mmap(P, map, len, type == USE_MMAP ? prot | PMM_PROT_MTE : prot,
		       PMM_MAP_PRIVATE, NULL, 0);
	if (!err && type == USE_MPROTECT)
		err = pmm_mprotect(P, map, len, prot | PMM_PROT_MTE);
	if (!err)
		err = pmm_store_tags(P, map + UNDERFLOW, MT_ALIGN_UP(size), tag);
	if (err) {
		pmm_violation(SELFTEST, "FAIL: allocation of %lu bytes: %d", size, err);
		return 0;
	}
	return pmm_tag_addr(map + UNDERFLOW, tag);
}

static void mte_free(unsigned long ptr, unsigned long size)
{
	unsigned long addr = pmm_tag_addr(ptr, 0);

	CHECK(!pmm_store_tags(P, addr, MT_ALIGN_UP(size), 0), "mte_clear_tags()");
	CHECK(!pmm_munmap(P, addr - UNDERFLOW, PAGE_UP(UNDERFLOW + size + OVERFLOW)),
	      "munmap() failed");
}

/* LDG of every granule of [ptr, ptr + size): all @tag? */
static bool tags_are(struct pmm_process *p, unsigned long ptr,
		     unsigned long size, unsigned int tag)
{
	for (unsigned long g = 0; g < size; g += MT_GRANULE) {
		unsigned char t = 0xff;

		if (pmm_load_tags(p, pmm_tag_addr(ptr, 0) + g, MT_GRANULE, &t) ||
		    t != tag)
			return false;
	}
	return true;
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
	/* "Do copy on write" */
	CHECK(!conf_fill(child, ptr, size, '1'), "size %lu: child's memset faulted",
	      size);
	CHECK(tags_are(child, ptr, size, tag), "FAIL: child mte tag mismatch (size %lu)",
	      size);
	CHECK(conf_fill(child, ptr - UNDERFLOW, UNDERFLOW, '2') == -EFAULT,
	      "size %lu: child's underflow store did not fault", size);
	CHECK(conf_fill(child, ptr + size, OVERFLOW, '3') == -EFAULT,
	      "size %lu: child's overflow store did not fault", size);
	ret = conf_expect(child, ptr, size, '1', &got);
	CHECK(!ret, "size %lu: child reads %#x after its memset (%d)", size, got, ret);
}

struct child_case {
	enum mem_type type;
	/* The parent writes after fork(), before the child: it copies first. */
	bool parent_first;
};

static void t_child_memory(void *arg)
{
	const struct child_case *c = arg;

	for (unsigned int i = 0; i < NR_SIZES; i++) {
		unsigned long size = sizes[i];
		unsigned int tag = 1 + i % 15;
		unsigned long ptr = mte_alloc(size, c->type, tag);
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
		ret = conf_expect(P, ptr, size, 'P', &got);
		CHECK(!ret, "size %lu: parent reads %#x after the child's COW (%d)",
		      size, got, ret);
		CHECK(tags_are(P, ptr, size, tag), "size %lu: parent's tags changed",
		      size);
		mte_free(ptr, size);
	}
}

static void setup_child_memory(void *arg)
{
	if (mte_setup())
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
	exp_ptr = mte_alloc(EXP_SIZE, USE_MMAP, 5);
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

static void run(const char *name, void (*setup)(void *), const void *arg)
{
	const struct pmm_program prog = PROG(name, setup, finish, arg);

	conf_expect_pass(&prog);
}

static const struct child_case mmap_child = { USE_MMAP, false };
static const struct child_case mprotect_child = { USE_MPROTECT, false };
static const struct child_case mmap_parent_first = { USE_MMAP, true };

/* "Check child anonymous memory with private mapping, precise mode and mmap memory" */
static void test_child_memory_mmap(void **state)
{
	(void)state;
	run("child_memory_mmap", setup_child_memory, &mmap_child);
}

/* "... private mapping, precise mode and mmap/mprotect memory" */
static void test_child_memory_mprotect(void **state)
{
	(void)state;
	run("child_memory_mprotect", setup_child_memory, &mprotect_child);
}

/* The same with the parent's write copying the page first. */
static void test_child_memory_parent_cow_first(void **state)
{
	(void)state;
	run("child_memory_parent_first", setup_child_memory, &mmap_parent_first);
}

/*
 * Every interleaving with at most two preemptions (the full search is
 * millions of executions: each COW fault is dozens of steps).
 */
static void test_child_memory_explored(void **state)
{
	const struct pmm_program prog = PROG("child_memory_explored", setup_explored,
					     finish, NULL);
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	o.stop_on_violation = false;
	o.trace = false;
	o.preemptions = 2;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	if (r.violations || !r.complete || getenv("CONF_VERBOSE"))
		conf_report(prog.name, &r);
	assert_true(r.complete);
	assert_int_equal(r.violations, 0);
	assert_int_equal(r.truncated, 0);
	/* Two tasks that race for the page: more than one interleaving. */
	assert_true(r.executions > 1);
	pmm_explore_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_memory_mmap),
		cmocka_unit_test(test_child_memory_mprotect),
		cmocka_unit_test(test_child_memory_parent_cow_first),
		cmocka_unit_test(test_child_memory_explored),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
