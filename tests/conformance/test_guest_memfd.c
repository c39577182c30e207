// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tools/testing/selftests/kvm/guest_memfd_test.c (torvalds/linux
 * 01f492e1817e), ported: each selftest case is a program whose one task
 * does what the selftest does, on a guest_memfd of 4 pages of a VM,
 * under each set of flags the selftest runs it with (0, MMAP, MMAP |
 * INIT_SHARED), as __test_guest_memfd() does. README.md says which
 * cases are ported and why the others are not.
 */
#include "conformance.h"

#include "protmm/guest_memfd.h"
#include "protmm/kvm.h"

/* Internals: the inode numbers (fstat()'s st_ino). */
#include "machine/machine.h"

#define MMAP	PMM_GUEST_MEMFD_FLAG_MMAP
#define SHARED	PMM_GUEST_MEMFD_FLAG_INIT_SHARED
#define KEEP	PMM_FALLOC_FL_KEEP_SIZE
#define PUNCH	(PMM_FALLOC_FL_KEEP_SIZE | PMM_FALLOC_FL_PUNCH_HOLE)
#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)
#define TOTAL	(4 * PAGE)

static struct pmm_process *P;
static struct pmm_vm *V;
static struct pmm_file *G;
static unsigned long gflags;

/*
 * vm_create_barebones() and the gmem_test() macro's guest_memfd, then
 * the case (@arg) as the selftest's one process.
 */
static void setup(void *arg)
{
	if (!conf_machine())
		return;
	P = pmm_process_create();
	V = P ? pmm_vm_create(P, 0) : NULL;
	G = NULL;
	if (!V || pmm_gmem_create(V, TOTAL, gflags, &G)) {
		pmm_violation("setup", "vm_create_guest_memfd(%#lx)", gflags);
		return;
	}
	conf_task("selftest", 0, (pmm_task_fn)arg, NULL);
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* test_guest_memfd_flags(): every bit alone, valid iff supported. */
static void t_flags(void *arg)
{
	unsigned long valid = pmm_gmem_supported_flags(V), bit;
	struct pmm_file *f;

	(void)arg;
	CHECK(valid == (MMAP | SHARED), "KVM_CAP_GUEST_MEMFD_FLAGS is %#lx", valid);
	for (bit = 1; bit; bit <<= 1) {
		int err = pmm_gmem_create(V, PAGE, bit, &f);

		if (bit & valid)
			CHECK(!err, "guest_memfd() with flag '%#lx' should succeed", bit);
		else
			CHECK(err == -EINVAL,
			      "guest_memfd() with flag '%#lx' should fail with EINVAL", bit);
		if (!err)
			pmm_gmem_close(f);
	}
}

/* test_create_guest_memfd_multiple() */
static void t_multiple(void *arg)
{
	struct pmm_file *f1 = NULL, *f2 = NULL;

	(void)arg;
	CHECK(!pmm_gmem_create(V, PAGE, 0, &f1), "memfd creation should succeed");
	CHECK(f1 && pmm_file_size(f1) == PAGE, "memfd st_size should match requested size");
	CHECK(!pmm_gmem_create(V, 2 * PAGE, 0, &f2), "memfd creation should succeed");
	CHECK(f2 && pmm_file_size(f2) == 2 * PAGE,
	      "second memfd st_size should match requested size");
	CHECK(f1 && pmm_file_size(f1) == PAGE,
	      "first memfd st_size should still match requested size");
	CHECK(f1 && f2 && f1->inode->i_ino != f2->inode->i_ino,
	      "different memfd should have different inode numbers");
	if (f2)
		pmm_gmem_close(f2);
	if (f1)
		pmm_gmem_close(f1);
}

/* test_create_guest_memfd_invalid_sizes() */
static void t_invalid_sizes(void *arg)
{
	struct pmm_file *f;
	unsigned long size;

	(void)arg;
	for (size = 1; size < PAGE; size++)
		CHECK(pmm_gmem_create(V, size, gflags, &f) == -EINVAL,
		      "guest_memfd() with non-page-aligned page size '%#lx' should "
		      "fail with EINVAL", size);
}

/* test_file_read_write(): read, write, pread, pwrite all fail. */
static void t_file_read_write(void *arg)
{
	(void)arg;
	CHECK(pmm_mmap(P, MEM, PAGE, RW, PMM_MAP_PRIVATE, NULL, 0) == 0, "buffer");
	CHECK(pmm_file_read(P, G, 0, MEM, 64) < 0, "read on a guest_mem fd should fail");
	CHECK(pmm_file_write(P, G, 0, MEM, 64) < 0, "write on a guest_mem fd should fail");
	CHECK(pmm_file_read(P, G, PAGE, MEM, 64) < 0, "pread on a guest_mem fd should fail");
	CHECK(pmm_file_write(P, G, PAGE, MEM, 64) < 0, "pwrite on a guest_mem fd should fail");
}

/* test_mmap_supported() */
static void t_mmap_supported(void *arg)
{
	unsigned char got = 0;

	(void)arg;
	CHECK(pmm_mmap(P, MEM, TOTAL, RW, PMM_MAP_SHARED, G, 0) == 0, "kvm_mmap");
	CHECK(conf_fill(P, MEM, TOTAL, 0xaa) == 0, "memset");
	CHECK(conf_expect(P, MEM, TOTAL, 0xaa, &got) == 0, "reads %#x", got);
	CHECK(pmm_fallocate(G, PUNCH, 0, PAGE) == 0,
	      "fallocate the first page should succeed.");
	CHECK(conf_expect(P, MEM, PAGE, 0x00, &got) == 0, "punched: %#x", got);
	CHECK(conf_expect(P, MEM + PAGE, TOTAL - PAGE, 0xaa, &got) == 0, "kept: %#x", got);
	CHECK(conf_fill(P, MEM, PAGE, 0xaa) == 0, "memset");
	CHECK(conf_expect(P, MEM, TOTAL, 0xaa, &got) == 0, "refilled: %#x", got);
	CHECK(pmm_munmap(P, MEM, TOTAL) == 0, "kvm_munmap");
}

/*
 * test_fault_sigbus(): memset of the whole mapping faults (SIGBUS: -EIO)
 * at the first page it may not reach, a read there too, and what it
 * wrote before stays.
 */
static void fault_sigbus(unsigned long accessible, unsigned long map_size)
{
	unsigned char got = 0;

	CHECK(pmm_mmap(P, MEM, map_size, RW, PMM_MAP_SHARED, G, 0) == 0, "kvm_mmap");
	CHECK(conf_fill(P, MEM, map_size, 0xaa) == -EIO, "TEST_EXPECT_SIGBUS(memset)");
	CHECK(conf_expect(P, MEM + accessible, 1, 0, &got) == -EIO,
	      "TEST_EXPECT_SIGBUS(READ_ONCE(mem[accessible_size]))");
	CHECK(conf_expect(P, MEM, accessible, 0xaa, &got) == 0, "reads %#x", got);
	CHECK(pmm_munmap(P, MEM, map_size) == 0, "kvm_munmap");
}

/* test_fault_overflow() */
static void t_fault_overflow(void *arg)
{
	(void)arg;
	fault_sigbus(TOTAL, TOTAL * 4);
}

/* test_fault_private() */
static void t_fault_private(void *arg)
{
	(void)arg;
	fault_sigbus(0, TOTAL);
}

/* test_mmap_cow() */
static void t_mmap_cow(void *arg)
{
	(void)arg;
	CHECK(pmm_mmap(P, MEM, TOTAL, RW, PMM_MAP_PRIVATE, G, 0) < 0,
	      "Copy-on-write not allowed by guest_memfd.");
}

/* test_mmap_not_supported() */
static void t_mmap_not_supported(void *arg)
{
	(void)arg;
	CHECK(pmm_mmap(P, MEM, PAGE, RW, PMM_MAP_SHARED, G, 0) < 0, "MAP_FAILED");
	CHECK(pmm_mmap(P, MEM, TOTAL, RW, PMM_MAP_SHARED, G, 0) < 0, "MAP_FAILED");
}

/* test_file_size(): st_size (st_blksize: no fstat() in the model). */
static void t_file_size(void *arg)
{
	(void)arg;
	CHECK(pmm_file_size(G) == TOTAL, "st_size %lu", pmm_file_size(G));
}

/* test_fallocate() */
static void t_fallocate(void *arg)
{
	(void)arg;
	CHECK(!pmm_fallocate(G, KEEP, 0, TOTAL),
	      "fallocate with aligned offset and size should succeed");
	CHECK(pmm_fallocate(G, PUNCH, PAGE - 1, PAGE),
	      "fallocate with unaligned offset should fail");
	CHECK(pmm_fallocate(G, KEEP, TOTAL, PAGE),
	      "fallocate beginning at total_size should fail");
	CHECK(pmm_fallocate(G, KEEP, TOTAL + PAGE, PAGE),
	      "fallocate beginning after total_size should fail");
	CHECK(!pmm_fallocate(G, PUNCH, TOTAL, PAGE),
	      "fallocate(PUNCH_HOLE) at total_size should succeed");
	CHECK(!pmm_fallocate(G, PUNCH, TOTAL + PAGE, PAGE),
	      "fallocate(PUNCH_HOLE) after total_size should succeed");
	CHECK(pmm_fallocate(G, PUNCH, PAGE, PAGE - 1),
	      "fallocate with unaligned size should fail");
	CHECK(!pmm_fallocate(G, PUNCH, PAGE, PAGE),
	      "fallocate(PUNCH_HOLE) with aligned offset and size should succeed");
	CHECK(!pmm_fallocate(G, KEEP, PAGE, PAGE),
	      "fallocate to restore punched hole should succeed");
}

/* test_invalid_punch_hole() */
static void t_invalid_punch_hole(void *arg)
{
	static const unsigned long cases[][2] = {
		{ 0, 1 }, { 0, PAGE - 1 }, { 0, PAGE + 1 },
		{ 1, 1 }, { 1, PAGE - 1 }, { 1, PAGE }, { 1, PAGE + 1 },
		{ PAGE, 1 }, { PAGE, PAGE - 1 }, { PAGE, PAGE + 1 },
	};
	unsigned int i;

	(void)arg;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(pmm_fallocate(G, PUNCH, cases[i][0], cases[i][1]) == -EINVAL,
		      "PUNCH_HOLE with !PAGE_SIZE offset (%lx) and/or length (%lx) "
		      "should fail", cases[i][0], cases[i][1]);
}

/*
 * test_guest_memfd_guest(): a memslot on the guest_memfd (MMAP |
 * INIT_SHARED, a page), the host fills it through its mapping, the guest
 * reads that and writes 0xff over it, and the host sees the guest's.
 */
#define GUEST_GPA	(4ul << 30)

static void t_guest(void *arg)
{
	unsigned char buf[PAGE], got = 0;

	(void)arg;
	CHECK(pmm_vm_set_memslot_gmem(V, GUEST_GPA, FAR, PAGE, G, 0) == 0,
	      "vm_set_user_memory_region2");
	CHECK(pmm_mmap(P, MEM, PAGE, RW, PMM_MAP_SHARED, G, 0) == 0, "kvm_mmap");
	CHECK(conf_fill(P, MEM, PAGE, 0xaa) == 0, "memset");
	CHECK(pmm_munmap(P, MEM, PAGE) == 0, "kvm_munmap");
	CHECK(pmm_guest_load(V, GUEST_GPA, buf, PAGE) == 0, "vcpu_run");
	CHECK(conf_all(buf, PAGE, 0xaa), "Guest expected 0xaa");
	memset(buf, 0xff, sizeof(buf));
	CHECK(pmm_guest_store(V, GUEST_GPA, buf, PAGE) == 0, "vcpu_run");
	CHECK(pmm_mmap(P, MEM, PAGE, RW, PMM_MAP_SHARED, G, 0) == 0, "kvm_mmap");
	CHECK(conf_expect(P, MEM, PAGE, 0xff, &got) == 0, "host reads %#x", got);
}

/* One case under one set of flags: one task, one execution. */
static void run_case(const char *name, pmm_task_fn fn, unsigned long flags)
{
	struct pmm_program prog = PROG(name, setup, finish, fn);
	struct pmm_explore_result r;

	gflags = flags;
	conf_explore(&prog, &r);
	if (r.violations)
		conf_report(name, &r);
	assert_int_equal(r.violations, 0);
	assert_int_equal(r.executions, 1);
	pmm_explore_result_release(&r);
}

/* __test_guest_memfd()'s flag sets. */
static const unsigned long flag_sets[] = { 0, MMAP, MMAP | SHARED };
#define NR_SETS (sizeof(flag_sets) / sizeof(flag_sets[0]))

static void test_guest_memfd_flags(void **state)
{
	(void)state;
	run_case("test_guest_memfd_flags", t_flags, 0);
}

static void test_create_multiple(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_SETS; i++)
		run_case("test_create_guest_memfd_multiple", t_multiple, flag_sets[i]);
}

static void test_create_invalid_sizes(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_SETS; i++)
		run_case("test_create_guest_memfd_invalid_sizes", t_invalid_sizes,
			 flag_sets[i]);
}

static void test_file_read_write(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_SETS; i++)
		run_case("test_file_read_write", t_file_read_write, flag_sets[i]);
}

/* The mmap cases as __test_guest_memfd() picks them by flags. */
static void test_mmap_cases(void **state)
{
	(void)state;
	run_case("test_mmap_not_supported", t_mmap_not_supported, 0);
	run_case("test_fault_private", t_fault_private, MMAP);
	run_case("test_mmap_cow", t_mmap_cow, MMAP);
	run_case("test_mmap_supported", t_mmap_supported, MMAP | SHARED);
	run_case("test_fault_overflow", t_fault_overflow, MMAP | SHARED);
	run_case("test_mmap_cow", t_mmap_cow, MMAP | SHARED);
}

static void test_file_size(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_SETS; i++)
		run_case("test_file_size", t_file_size, flag_sets[i]);
}

static void test_fallocate(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_SETS; i++)
		run_case("test_fallocate", t_fallocate, flag_sets[i]);
}

static void test_invalid_punch_hole(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_SETS; i++)
		run_case("test_invalid_punch_hole", t_invalid_punch_hole, flag_sets[i]);
}

static void test_guest_memfd_guest(void **state)
{
	(void)state;
	run_case("test_guest_memfd_guest", t_guest, MMAP | SHARED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_memfd_flags),
		cmocka_unit_test(test_create_multiple),
		cmocka_unit_test(test_create_invalid_sizes),
		cmocka_unit_test(test_file_read_write),
		cmocka_unit_test(test_mmap_cases),
		cmocka_unit_test(test_file_size),
		cmocka_unit_test(test_fallocate),
		cmocka_unit_test(test_invalid_punch_hole),
		cmocka_unit_test(test_guest_memfd_guest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
