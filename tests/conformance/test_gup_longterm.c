// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/mm/gup_longterm.c, test_cases[], run
 * "with tmpfile" / "with local tmpfile" on a filesystem that needs dirty
 * tracking (ext4, xfs, btrfs: fs_supports_writable_longterm_pinning() is
 * false), which is what every file of the model is (a disk-backed page
 * cache with ->page_mkwrite):
 *
 *   test_shared_rw_pin        R/W longterm GUP pin in MAP_SHARED file
 *   test_shared_rw_fast_pin   mapping, GUP and GUP-fast: must FAIL
 *   test_shared_ro_pin        R/O longterm GUP pin in MAP_SHARED file
 *   test_shared_ro_fast_pin   mapping, GUP and GUP-fast: must work
 *   test_private_rw_pin       R/W longterm GUP pin in MAP_PRIVATE file
 *   test_private_rw_fast_pin  mapping, GUP and GUP-fast: must work
 *   test_private_ro_pin       R/O longterm GUP pin in MAP_PRIVATE file
 *   test_private_ro_fast_pin  mapping, GUP and GUP-fast: must work
 *   test_shared_iouring       io_uring fixed buffer (FOLL_WRITE|FOLL_PIN|
 *                             FOLL_LONGTERM) with MAP_SHARED: must FAIL
 *   test_private_iouring      ... with MAP_PRIVATE: must work
 *
 * do_test(): ftruncate() + fallocate() one page, mmap() it read-write,
 * memset() it to 0, for the R/O tests mprotect(PROT_READ), then
 * PIN_LONGTERM_TEST_START (pmm_pin(PMM_GUP_LONGTERM...)): "Should have
 * failed" when it works and should not, "Should have worked" the other
 * way round; PIN_LONGTERM_TEST_STOP. Beyond the selftest (its TODO asks
 * for data checks), a pin that works is checked: the page is
 * maybe-pinned, and the device and the mapping see each other's writes.
 *
 * The three must-FAIL cases (a writable longterm pin of a dirty-tracked
 * shared file mapping) once pinned in the model: README.md tells the bug
 * and its fix.
 *
 * run_with_memfd: the same ten cases on a memfd (shmem), where
 * fs_supports_writable_longterm_pinning() is true, so every case must
 * work.
 *
 * run_with_memfd_hugetlb: the same on a memfd_create(MFD_HUGETLB) file
 * of one huge page (hugetlbfs: fs_supports_writable_longterm_pinning()
 * is true, so every case must work). Ported: the R/W and io_uring cases,
 * with 2 MiB pages shared and private, with 1 GiB pages shared. Not: the
 * R/O ones (their mprotect(PROT_READ) of a hugetlb mapping is not
 * supported by the model), and 1 GiB private ones (the private copy of a
 * 1 GiB page-cache folio makes the data-corruption oracle record each of
 * its 262144 pages, about 1.2 GB per execution). The memset() covers the
 * first 2 MiB of a 1 GiB page, which faults it in as a whole.
 */
#include "conformance.h"

enum test_type {
	TEST_TYPE_RO,
	TEST_TYPE_RO_FAST,
	TEST_TYPE_RW,
	TEST_TYPE_RW_FAST,
	TEST_TYPE_IOURING,
};

struct longterm_case {
	const char *name;
	enum test_type type;
	bool shared;
	/* run_with_memfd: shmem, where writable longterm pins are allowed. */
	bool memfd;
	/* run_with_memfd_hugetlb: the huge page size, or 0. */
	unsigned long hugetlb;
};

#define HMEM	0x40000000ul
static unsigned long MEMA = MEM;

static struct pmm_process *P;
static struct pmm_file *F;

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static void t_do_test(void *arg)
{
	const struct longterm_case *c = arg;
	bool fast = c->type == TEST_TYPE_RO_FAST || c->type == TEST_TYPE_RW_FAST;
	bool rw = c->type == TEST_TYPE_RW || c->type == TEST_TYPE_RW_FAST ||
		  c->type == TEST_TYPE_IOURING;
	/*
	 * R/O pinning or pinning in a private mapping is always expected to
	 * work; R/W pins of shared mappings where the file system supports
	 * them (shmem: fs_supports_writable_longterm_pinning()).
	 */
	bool should_work = !c->shared || !rw || c->memfd || c->hugetlb;
	unsigned int flags = PMM_GUP_LONGTERM;
	struct pmm_page_state st;
	struct pmm_pin *pin = NULL;
	unsigned char got = 0;
	int ret;

	/* io_uring_register_buffers(): io_pin_pages(), pin_user_pages_fast(). */
	if (c->type == TEST_TYPE_IOURING)
		fast = true;
	flags |= (fast ? PMM_GUP_FAST : 0) | (rw ? PMM_GUP_WRITE : 0);
	/* Fault in the page such that GUP-fast can pin it directly. */
	CHECK(!conf_fill(P, MEMA, c->hugetlb ? PMM_HUGE_2M : PAGE, 0),
	      "memset() failed");
	if (!rw)
		CHECK(!pmm_mprotect(P, MEMA, PAGE, PMM_PROT_READ), "mprotect() failed");
	ret = pmm_pin(P, MEMA, 1, flags, &pin);
	if (ret == -EFAULT) {
		CHECK(!should_work, "Should have worked (PIN_LONGTERM_TEST_START: "
		      "-EFAULT)");
		return;
	}
	CHECK(!ret, "PIN_LONGTERM_TEST_START failed (%d)", ret);
	if (!should_work)
		pmm_unpin(pin);
	CHECK(should_work, "Should have failed (a writable longterm pin of a "
	      "MAP_SHARED mapping of a dirty-tracked file)");

	/* Beyond the selftest: the pin is a pin, and it is coherent. */
	if (!conf_state(P, MEMA, &st))
		return;
	CHECK(st.maybe_pinned, "the pinned page is not maybe-pinned");
	if (!c->shared)
		CHECK(st.anon_exclusive, "a longterm pin of a private mapping did "
		      "not pin the process's own anonymous copy");
	ret = conf_expect_pin(pin, 0, PAGE, 0, &got);
	CHECK(!ret, "the pin does not read the memset() (%d, %#x)", ret, got);
	if (rw) {
		unsigned char buf[64];

		memset(buf, 0x77, sizeof(buf));
		CHECK(!pmm_pin_dma(pin, 128, buf, sizeof(buf), true),
		      "DMA write through the pin failed");
		ret = conf_expect(P, MEMA + 128, sizeof(buf), 0x77, &got);
		CHECK(!ret, "the mapping does not see the DMA (%d, %#x)", ret, got);
		CHECK(!conf_fill(P, MEMA + 512, 64, 0x33), "store failed");
		ret = conf_expect_pin(pin, 512, 64, 0x33, &got);
		CHECK(!ret, "the pin does not see the store (%d, %#x)", ret, got);
	}
	pmm_unpin(pin);
}

/*
 * run_with_memfd_hugetlb(): memfd_create("test", MFD_HUGETLB | the size);
 * do_test()'s ftruncate() + fallocate() (here fallocate() alone, which
 * sizes the file too: the model's hugetlbfs ftruncate() only shrinks);
 * mmap(PROT_READ | PROT_WRITE). A pool of two: the file's page, and a
 * private mapping's reserved one for its COW.
 */
static void setup_memfd_hugetlb(const struct longterm_case *c)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned int flags = PMM_MFD_HUGETLB;
	struct pmm_hugetlbfs_file *hf;
	int ret;

	o.ram_bytes = c->hugetlb == PMM_HUGE_1G ? 2 * PMM_HUGE_1G + (8ul << 20) :
						  16ul << 20;
	flags |= (unsigned int)__builtin_ctzl(c->hugetlb) << PMM_MFD_HUGE_SHIFT;
	ret = pmm_machine_init(&o);
	P = ret ? NULL : pmm_process_create();
	if (!P || pmm_hugetlb_set_pool(c->hugetlb, 2) != 2)
		ret = -ENOMEM;
	ret = ret ? ret : pmm_memfd_create_hugetlb(c->hugetlb, flags, &hf);
	ret = ret ? ret : pmm_hugetlbfs_fallocate(hf, 0, 0, c->hugetlb);
	ret = ret ? ret : pmm_mmap_hugetlb(P, MEMA, c->hugetlb,
					   PMM_PROT_READ | PMM_PROT_WRITE,
					   c->shared ? PMM_MAP_SHARED :
						       PMM_MAP_PRIVATE,
					   c->hugetlb, hf, 0);
	if (ret) {
		pmm_violation("setup", "the memfd or its mapping failed (%d)", ret);
		return;
	}
	conf_task("selftest", 0, t_do_test, (void *)c);
}

static void setup_do_test(void *arg)
{
	const struct longterm_case *c = arg;

	if (c->hugetlb) {
		setup_memfd_hugetlb(c);
		return;
	}
	if (!conf_machine())
		return;
	P = pmm_process_create();
	F = NULL;
	if (!c->memfd)
		F = pmm_file_create(PAGE);
	/* memfd_create("test", 0); ftruncate(); fallocate(fd, 0, 0, size). */
	else if (pmm_memfd_create(PAGE, 0, &F) || pmm_fallocate(F, 0, 0, PAGE))
		F = NULL;
	/* ftruncate() + fallocate(); mmap(PROT_READ | PROT_WRITE). */
	if (!P || !F || pmm_truncate(F, PAGE) ||
	    pmm_mmap(P, MEMA, PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		     c->shared ? PMM_MAP_SHARED : PMM_MAP_PRIVATE, F, 0)) {
		pmm_violation("setup", "the file or its mapping failed");
		return;
	}
	conf_task("selftest", 0, t_do_test, arg);
}

static void run_backing(const char *name, enum test_type type, bool shared,
			bool memfd)
{
	struct longterm_case c = { name, type, shared, memfd, 0 };
	struct pmm_program prog = PROG(name, setup_do_test, finish, &c);

	MEMA = MEM;
	conf_expect_pass(&prog);
}

static void run_hugetlb(const char *name, enum test_type type, bool shared,
			unsigned long size)
{
	struct longterm_case c = { name, type, shared, false, size };
	struct pmm_program prog = PROG(name, setup_do_test, finish, &c);

	MEMA = HMEM;
	conf_expect_pass(&prog);
}

/* run_with_memfd_hugetlb: every case must work, as on shmem. */
#define HUGETLB_CASE(fn, desc, type, shared, size, kb)			\
static void fn(void **state)						\
{									\
	(void)state;							\
	run_hugetlb(desc " ... with memfd hugetlb (" kb " kB)", type,	\
		    shared, size);					\
}

HUGETLB_CASE(test_hugetlb_2m_shared_rw_pin,
	     "R/W longterm GUP pin in MAP_SHARED file mapping", TEST_TYPE_RW,
	     true, PMM_HUGE_2M, "2048")
HUGETLB_CASE(test_hugetlb_2m_shared_rw_fast_pin,
	     "R/W longterm GUP-fast pin in MAP_SHARED file mapping",
	     TEST_TYPE_RW_FAST, true, PMM_HUGE_2M, "2048")
HUGETLB_CASE(test_hugetlb_2m_private_rw_pin,
	     "R/W longterm GUP pin in MAP_PRIVATE file mapping", TEST_TYPE_RW,
	     false, PMM_HUGE_2M, "2048")
HUGETLB_CASE(test_hugetlb_2m_private_rw_fast_pin,
	     "R/W longterm GUP-fast pin in MAP_PRIVATE file mapping",
	     TEST_TYPE_RW_FAST, false, PMM_HUGE_2M, "2048")
HUGETLB_CASE(test_hugetlb_2m_shared_iouring,
	     "io_uring fixed buffer with MAP_SHARED file mapping",
	     TEST_TYPE_IOURING, true, PMM_HUGE_2M, "2048")
HUGETLB_CASE(test_hugetlb_2m_private_iouring,
	     "io_uring fixed buffer with MAP_PRIVATE file mapping",
	     TEST_TYPE_IOURING, false, PMM_HUGE_2M, "2048")
HUGETLB_CASE(test_hugetlb_1g_shared_rw_pin,
	     "R/W longterm GUP pin in MAP_SHARED file mapping", TEST_TYPE_RW,
	     true, PMM_HUGE_1G, "1048576")
HUGETLB_CASE(test_hugetlb_1g_shared_rw_fast_pin,
	     "R/W longterm GUP-fast pin in MAP_SHARED file mapping",
	     TEST_TYPE_RW_FAST, true, PMM_HUGE_1G, "1048576")
HUGETLB_CASE(test_hugetlb_1g_shared_iouring,
	     "io_uring fixed buffer with MAP_SHARED file mapping",
	     TEST_TYPE_IOURING, true, PMM_HUGE_1G, "1048576")

static void run(const char *name, enum test_type type, bool shared)
{
	run_backing(name, type, shared, false);
}

/* run_with_memfd: every case must work, the R/W shared ones included. */
#define MEMFD_CASE(fn, desc, type, shared)				\
static void fn(void **state)						\
{									\
	(void)state;							\
	run_backing(desc " ... with memfd", type, shared, true);	\
}

MEMFD_CASE(test_memfd_shared_rw_pin,
	   "R/W longterm GUP pin in MAP_SHARED file mapping", TEST_TYPE_RW, true)
MEMFD_CASE(test_memfd_shared_rw_fast_pin,
	   "R/W longterm GUP-fast pin in MAP_SHARED file mapping",
	   TEST_TYPE_RW_FAST, true)
MEMFD_CASE(test_memfd_shared_ro_pin,
	   "R/O longterm GUP pin in MAP_SHARED file mapping", TEST_TYPE_RO, true)
MEMFD_CASE(test_memfd_shared_ro_fast_pin,
	   "R/O longterm GUP-fast pin in MAP_SHARED file mapping",
	   TEST_TYPE_RO_FAST, true)
MEMFD_CASE(test_memfd_private_rw_pin,
	   "R/W longterm GUP pin in MAP_PRIVATE file mapping", TEST_TYPE_RW, false)
MEMFD_CASE(test_memfd_private_rw_fast_pin,
	   "R/W longterm GUP-fast pin in MAP_PRIVATE file mapping",
	   TEST_TYPE_RW_FAST, false)
MEMFD_CASE(test_memfd_private_ro_pin,
	   "R/O longterm GUP pin in MAP_PRIVATE file mapping", TEST_TYPE_RO, false)
MEMFD_CASE(test_memfd_private_ro_fast_pin,
	   "R/O longterm GUP-fast pin in MAP_PRIVATE file mapping",
	   TEST_TYPE_RO_FAST, false)
MEMFD_CASE(test_memfd_shared_iouring,
	   "io_uring fixed buffer with MAP_SHARED file mapping",
	   TEST_TYPE_IOURING, true)
MEMFD_CASE(test_memfd_private_iouring,
	   "io_uring fixed buffer with MAP_PRIVATE file mapping",
	   TEST_TYPE_IOURING, false)

/* Must fail: writable_file_mapping_allowed(), gup_fast_folio_allowed(). */
static void test_shared_rw_pin(void **state)
{
	(void)state;
	run("R/W longterm GUP pin in MAP_SHARED file mapping ... with tmpfile",
	    TEST_TYPE_RW, true);
}

static void test_shared_rw_fast_pin(void **state)
{
	(void)state;
	run("R/W longterm GUP-fast pin in MAP_SHARED file mapping ... with tmpfile",
	    TEST_TYPE_RW_FAST, true);
}

static void test_shared_iouring(void **state)
{
	(void)state;
	run("io_uring fixed buffer with MAP_SHARED file mapping ... with tmpfile",
	    TEST_TYPE_IOURING, true);
}

/* Must work. */
static void test_shared_ro_pin(void **state)
{
	(void)state;
	run("R/O longterm GUP pin in MAP_SHARED file mapping ... with tmpfile",
	    TEST_TYPE_RO, true);
}

static void test_shared_ro_fast_pin(void **state)
{
	(void)state;
	run("R/O longterm GUP-fast pin in MAP_SHARED file mapping ... with tmpfile",
	    TEST_TYPE_RO_FAST, true);
}

static void test_private_rw_pin(void **state)
{
	(void)state;
	run("R/W longterm GUP pin in MAP_PRIVATE file mapping ... with tmpfile",
	    TEST_TYPE_RW, false);
}

static void test_private_rw_fast_pin(void **state)
{
	(void)state;
	run("R/W longterm GUP-fast pin in MAP_PRIVATE file mapping ... with tmpfile",
	    TEST_TYPE_RW_FAST, false);
}

static void test_private_ro_pin(void **state)
{
	(void)state;
	run("R/O longterm GUP pin in MAP_PRIVATE file mapping ... with tmpfile",
	    TEST_TYPE_RO, false);
}

static void test_private_ro_fast_pin(void **state)
{
	(void)state;
	run("R/O longterm GUP-fast pin in MAP_PRIVATE file mapping ... with tmpfile",
	    TEST_TYPE_RO_FAST, false);
}

static void test_private_iouring(void **state)
{
	(void)state;
	run("io_uring fixed buffer with MAP_PRIVATE file mapping ... with tmpfile",
	    TEST_TYPE_IOURING, false);
}

/*
 * Beyond the selftest: what run_with_memfd_hugetlb() and do_test() rely
 * on when they skip ("memfd_create() failed", "need more free huge
 * pages"): memfd_create(MFD_HUGETLB) takes the size flags and refuses
 * what the model lacks; fallocate() fills from the free pool but not
 * from pages another mapping reserved (-ENOSPC), uses the file's own
 * reservation, and sizes the file.
 */
static void t_memfd_hugetlb_api(void *arg)
{
	struct pmm_hugetlbfs_file *a, *b;
	struct pmm_hugetlb_pool st;
	int ret;

	(void)arg;
	CHECK(pmm_memfd_create_hugetlb(PMM_HUGE_2M, 0, &a) == -EINVAL,
	      "memfd_create() without MFD_HUGETLB made a hugetlbfs file");
	CHECK(pmm_memfd_create_hugetlb(PMM_HUGE_2M, PMM_MFD_HUGETLB |
				       PMM_MFD_ALLOW_SEALING, &a) == -EINVAL,
	      "MFD_ALLOW_SEALING accepted, but seals are not supported");
	CHECK(pmm_memfd_create_hugetlb(PMM_HUGE_2M, PMM_MFD_HUGETLB |
				       (16u << PMM_MFD_HUGE_SHIFT), &a) == -EINVAL,
	      "a 64 KiB hugetlb size was accepted");
	ret = pmm_memfd_create_hugetlb(2 * PMM_HUGE_2M, PMM_MFD_HUGETLB, &a);
	CHECK(!ret, "memfd_create(MFD_HUGETLB): %d", ret);
	ret = ret ? ret : pmm_memfd_create_hugetlb(PMM_HUGE_2M, PMM_MFD_HUGETLB |
						   PMM_MFD_HUGE_2MB, &b);
	CHECK(!ret, "memfd_create(MFD_HUGETLB | MFD_HUGE_2MB): %d", ret);
	if (ret)
		return;
	/* A's shared mapping reserves its first page: the pool's one page. */
	ret = pmm_mmap_hugetlb(P, HMEM, PMM_HUGE_2M, PMM_PROT_READ | PMM_PROT_WRITE,
			       PMM_MAP_SHARED, PMM_HUGE_2M, a, 0);
	CHECK(!ret, "mmap() of the memfd: %d", ret);
	ret = pmm_hugetlbfs_fallocate(b, 0, 0, PMM_HUGE_2M);
	CHECK(ret == -ENOSPC, "fallocate() took a page reserved for another "
	      "file: %d", ret);
	ret = pmm_hugetlbfs_fallocate(a, 0, 0, PMM_HUGE_2M);
	CHECK(!ret, "fallocate() did not use the file's reservation: %d", ret);
	CHECK(!pmm_hugetlb_pool(PMM_HUGE_2M, &st) && st.free == 0 && st.resv == 0,
	      "pool after fallocate(): free %lu, resv %lu", st.free, st.resv);
	CHECK(pmm_hugetlbfs_fallocate(a, 0, 0, 3 * PMM_HUGE_2M) == -EFBIG,
	      "fallocate() past the file's capacity");
	/* The mapping faults the cached page in; the hole punch unmaps it. */
	CHECK(!conf_fill(P, HMEM, PAGE, 0x5a), "store to the memfd failed");
	CHECK(!pmm_hugetlbfs_fallocate(a, PMM_FALLOC_FL_PUNCH_HOLE |
				       PMM_FALLOC_FL_KEEP_SIZE, 0, PMM_HUGE_2M),
	      "fallocate(PUNCH_HOLE) failed");
	CHECK(!pmm_hugetlb_pool(PMM_HUGE_2M, &st) && st.free == 1,
	      "the punched page did not go back to the pool: free %lu", st.free);
}

static void setup_memfd_hugetlb_api(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 16ul << 20;
	P = pmm_machine_init(&o) ? NULL : pmm_process_create();
	if (!P || pmm_hugetlb_set_pool(PMM_HUGE_2M, 1) != 1) {
		pmm_violation("setup", "machine or pool failed");
		return;
	}
	conf_task("selftest", 0, t_memfd_hugetlb_api, arg);
}

static void test_memfd_hugetlb_api(void **state)
{
	struct pmm_program prog = PROG("memfd_create(MFD_HUGETLB) and fallocate()",
				       setup_memfd_hugetlb_api, finish, NULL);

	(void)state;
	conf_expect_pass(&prog);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_ro_pin),
		cmocka_unit_test(test_shared_ro_fast_pin),
		cmocka_unit_test(test_private_rw_pin),
		cmocka_unit_test(test_private_rw_fast_pin),
		cmocka_unit_test(test_private_ro_pin),
		cmocka_unit_test(test_private_ro_fast_pin),
		cmocka_unit_test(test_private_iouring),
		cmocka_unit_test(test_shared_rw_pin),
		cmocka_unit_test(test_shared_rw_fast_pin),
		cmocka_unit_test(test_shared_iouring),
		cmocka_unit_test(test_memfd_shared_rw_pin),
		cmocka_unit_test(test_memfd_shared_rw_fast_pin),
		cmocka_unit_test(test_memfd_shared_ro_pin),
		cmocka_unit_test(test_memfd_shared_ro_fast_pin),
		cmocka_unit_test(test_memfd_private_rw_pin),
		cmocka_unit_test(test_memfd_private_rw_fast_pin),
		cmocka_unit_test(test_memfd_private_ro_pin),
		cmocka_unit_test(test_memfd_private_ro_fast_pin),
		cmocka_unit_test(test_memfd_shared_iouring),
		cmocka_unit_test(test_memfd_private_iouring),
		cmocka_unit_test(test_hugetlb_2m_shared_rw_pin),
		cmocka_unit_test(test_hugetlb_2m_shared_rw_fast_pin),
		cmocka_unit_test(test_hugetlb_2m_private_rw_pin),
		cmocka_unit_test(test_hugetlb_2m_private_rw_fast_pin),
		cmocka_unit_test(test_hugetlb_2m_shared_iouring),
		cmocka_unit_test(test_hugetlb_2m_private_iouring),
		cmocka_unit_test(test_hugetlb_1g_shared_rw_pin),
		cmocka_unit_test(test_hugetlb_1g_shared_rw_fast_pin),
		cmocka_unit_test(test_hugetlb_1g_shared_iouring),
		cmocka_unit_test(test_memfd_hugetlb_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
