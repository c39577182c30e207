/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the ports of the arm64 MTE selftests
 * (tools/testing/selftests/arm64/mte/, the test_mte_*.c here): the
 * arm64-mte machine, mte_common_util.c's allocation of tagged ranges, the
 * tag and fault checks the selftests repeat, and the programs' runners.
 */
#ifndef PMM_TESTS_MTE_CONFORMANCE_H
#define PMM_TESTS_MTE_CONFORMANCE_H

#include "conformance.h"

#define MT_GRANULE	PMM_MTE_GRANULE
#define MT_ALIGN_UP(x)	(((x) + MT_GRANULE - 1) & ~(unsigned long)(MT_GRANULE - 1))
#define PAGE_UP(x)	(((x) + PAGE - 1) & ~(PAGE - 1))
#define RW		(PMM_PROT_READ | PMM_PROT_WRITE)

/* How the selftest gets PROT_MTE: from mmap(), or added by mprotect(). */
enum mem_type { USE_MMAP, USE_MPROTECT };

/*
 * The arm64-mte machine with the defaults and @swap_bytes of swap (0:
 * none), and one process: NULL after a "setup" violation.
 */
static inline struct pmm_process *conf_mte_machine(unsigned long swap_bytes)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	struct pmm_process *p = NULL;
	int err;

	o.arch = "arm64-mte";
	o.swap_bytes = swap_bytes;
	err = pmm_machine_init(&o);
	if (!err) {
		p = pmm_process_create();
		err = p ? 0 : -ENOMEM;
	}
	if (err)
		pmm_violation("setup", "arm64-mte machine (swap %lu): %d",
			      swap_bytes, err);
	return p;
}

static inline void conf_mte_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/*
 * __mte_allocate_memory_range()'s mmap() of [addr, addr + len): of @f
 * from offset 0, or anonymous when @f is NULL (MAP_SHARED anonymous
 * memory is shmem), @mapping PMM_MAP_PRIVATE or PMM_MAP_SHARED, PROT_MTE
 * from mmap() or added by mprotect() as @type says.
 */
static inline int mte_mmap_map(struct pmm_process *p, unsigned long addr,
			       unsigned long len, enum mem_type type,
			       unsigned int mapping, struct pmm_file *f)
{
	unsigned int prot = type == USE_MMAP ? RW | PMM_PROT_MTE : RW;
	int err = pmm_mmap(p, addr, len, prot, mapping, f, 0);

	if (!err && type == USE_MPROTECT)
		err = pmm_mprotect(p, addr, len, RW | PMM_PROT_MTE);
	return err;
}

/* A private anonymous mapping of [addr, addr + len), PROT_MTE by @type. */
static inline int mte_mmap(struct pmm_process *p, unsigned long addr,
			   unsigned long len, enum mem_type type)
{
	return mte_mmap_map(p, addr, len, type, PMM_MAP_PRIVATE, NULL);
}

/* Where mte_file_fill() keeps the buffer it write()s from. */
#define MTE_SCRATCH	FAR

/*
 * create_temp_file(): mkstemp() in /dev/shm, then unlink(): a tmpfs file,
 * so shmem. setup() only (pmm_shmem_file_create()); NULL after a "setup"
 * violation.
 */
static inline struct pmm_file *mte_temp_file(void)
{
	struct pmm_file *f = pmm_shmem_file_create(2 * PAGE);

	if (!f)
		pmm_violation("setup", "create_temp_file(): no shmem file");
	return f;
}

/*
 * mte_allocate_file_memory()'s "Initialize the file for mappable size":
 * write() of @len bytes at offset 0, from an untagged buffer (the
 * selftest's is an uninitialised stack array).
 */
static inline int mte_file_fill(struct pmm_process *p, struct pmm_file *f,
				unsigned long len)
{
	int err = pmm_mmap(p, MTE_SCRATCH, PAGE_UP(len), RW, PMM_MAP_PRIVATE,
			   NULL, 0);

	if (!err)
		err = conf_fill(p, MTE_SCRATCH, len, 0xa5);
	if (!err && pmm_file_write(p, f, 0, MTE_SCRATCH, len) != (ssize_t)len)
		err = -EIO;
	if (!err)
		err = pmm_munmap(p, MTE_SCRATCH, PAGE_UP(len));
	return err;
}

/*
 * __mte_allocate_memory_range(): a mapping of before + size + after bytes
 * at *@next (the selftest's mmap(NULL, ...), which then moves on), as
 * mte_mmap_map() makes it; for a file (mte_allocate_file_memory*()), the
 * file is first written to that length. With @tag >= 0, STG of @tag over
 * MT_ALIGN_UP(size) bytes from map + before (mte_insert_tags()). Returns
 * the pointer, tagged, or 0 after a "selftest" violation.
 */
static inline unsigned long mte_alloc_map(struct pmm_process *p,
					  unsigned long *next, unsigned long size,
					  enum mem_type type, unsigned int mapping,
					  struct pmm_file *f, unsigned long before,
					  unsigned long after, int tag)
{
	unsigned long len = PAGE_UP(before + size + after), map = *next;
	int err = f ? mte_file_fill(p, f, before + size + after) : 0;

	*next += len + PAGE;
	if (!err)
		err = mte_mmap_map(p, map, len, type, mapping, f);
	if (err) {
		pmm_violation(SELFTEST, "FAIL: mmap allocation of %lu bytes (%s%s): %d",
			      size, f ? "file, " : "",
			      mapping == PMM_MAP_SHARED ? "shared" : "private", err);
		return 0;
	}
	if (tag < 0)
		return map + before;
	err = pmm_store_tags(p, map + before, MT_ALIGN_UP(size), (unsigned int)tag);
	if (err) {
		pmm_violation(SELFTEST, "FAIL: STG over %#lx: %d", map + before, err);
		return 0;
	}
	return pmm_tag_addr(map + before, (unsigned int)tag);
}

/* mte_alloc_map() of private anonymous memory. */
static inline unsigned long mte_alloc(struct pmm_process *p, unsigned long *next,
				      unsigned long size, enum mem_type type,
				      unsigned long before, unsigned long after,
				      int tag)
{
	return mte_alloc_map(p, next, size, type, PMM_MAP_PRIVATE, NULL, before,
			     after, tag);
}

/* __mte_free_memory_range(): mte_clear_tags() when tagged, then munmap(). */
static inline void mte_free(struct pmm_process *p, unsigned long ptr,
			    unsigned long size, unsigned long before,
			    unsigned long after, bool tags)
{
	unsigned long addr = pmm_tag_addr(ptr, 0);

	if (tags)
		CHECK(!pmm_store_tags(p, addr, MT_ALIGN_UP(size), 0),
		      "mte_clear_tags() failed");
	CHECK(!pmm_munmap(p, addr - before, PAGE_UP(before + size + after)),
	      "munmap() failed");
}

/*
 * LDG of every granule of [addr, addr + len): the offset of the first
 * that fails or does not read @tag, with what it read in *@got (0xff when
 * LDG failed), or -1 when all read @tag.
 */
static inline long mte_tag_mismatch(struct pmm_process *p, unsigned long addr,
				    unsigned long len, unsigned int tag,
				    unsigned char *got)
{
	for (unsigned long g = 0; g < len; g += MT_GRANULE) {
		*got = 0xff;
		if (pmm_load_tags(p, addr + g, MT_GRANULE, got) || *got != tag)
			return (long)g;
	}
	return -1;
}

/*
 * check_mte_memory(), TAG_CHECK_ON, TAG_OP_ALL, as @who: memset() of the
 * buffer works, a store to the granule below it and one to the granule
 * after it fault.
 */
static inline void mte_check_memory(struct pmm_process *p, const char *who,
				    unsigned long ptr, unsigned long size)
{
	int err = conf_fill(p, ptr, size, '1');

	CHECK(!err, "size %lu: %s memset() of the buffer: %d", size, who, err);
	err = conf_fill(p, ptr - MT_GRANULE, MT_GRANULE, '2');
	CHECK(err == -EFAULT, "size %lu: %s underflow store: %d, not a fault",
	      size, who, err);
	err = conf_fill(p, ptr + size, MT_GRANULE, '3');
	CHECK(err == -EFAULT, "size %lu: %s overflow store: %d, not a fault",
	      size, who, err);
}

/* An untagged private page at @addr, every byte @byte. */
static inline void mte_untagged_page(struct pmm_process *p, unsigned long addr,
				     unsigned char byte)
{
	CHECK(!pmm_mmap(p, addr, PAGE, RW, PMM_MAP_PRIVATE, NULL, 0), "mmap failed");
	CHECK(!conf_fill(p, addr, PAGE, byte), "memset failed");
}

/*
 * mprotect(PROT_MTE) of the populated page at @addr: the data still reads
 * @byte, and every granule tag 0 (mte_sync_tags() clears the tags of a
 * page mapped tagged for the first time).
 */
static inline void mte_tag_populated(struct pmm_process *p, unsigned long addr,
				     unsigned char byte)
{
	unsigned char got = 0, t;
	long g;
	int ret;

	CHECK(!pmm_mprotect(p, addr, PAGE, RW | PMM_PROT_MTE),
	      "mprotect(PROT_MTE) failed");
	ret = conf_expect(p, addr, PAGE, byte, &got);
	CHECK(!ret, "data after mprotect(PROT_MTE): %#x (%d)", got, ret);
	g = mte_tag_mismatch(p, addr, PAGE, 0, &t);
	CHECK(g < 0, "granule +%ld has tag %u after mprotect(PROT_MTE)", g, t);
}

/* Program @name, setup() @setup(@arg): passes in every interleaving. */
static inline uint64_t mte_run(const char *name, void (*setup)(void *),
			       const void *arg)
{
	const struct pmm_program prog = PROG(name, setup, conf_mte_finish, arg);

	return conf_expect_pass(&prog);
}

/*
 * Program @name of two racing tasks passes in every interleaving with at
 * most @preemptions preemptions (the full search of a COW fault or a
 * swap-in is millions of executions), and there is more than one.
 */
static inline void mte_run_bounded(const char *name, void (*setup)(void *),
				   unsigned int preemptions)
{
	const struct pmm_program prog = PROG(name, setup, conf_mte_finish, NULL);
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	o.stop_on_violation = false;
	o.trace = false;
	o.preemptions = preemptions;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	if (r.violations || !r.complete || getenv("CONF_VERBOSE"))
		conf_report(prog.name, &r);
	assert_true(r.complete);
	assert_int_equal(r.violations, 0);
	assert_int_equal(r.truncated, 0);
	assert_true(r.executions > 1);
	pmm_explore_result_release(&r);
}

/* A cmocka test: mte_run(@name, @setup, @arg). */
#define MTE_TEST(fn, name, setup, arg)					\
static void fn(void **state)						\
{									\
	(void)state;							\
	mte_run(name, setup, (const void *)(uintptr_t)(arg));		\
}

#endif /* PMM_TESTS_MTE_CONFORMANCE_H */
