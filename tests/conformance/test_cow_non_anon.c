// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/mm/cow.c, non_anon_test_cases[]: pages
 * in private mappings that are not anonymous, shared by COW without any
 * fork(): the shared zeropage and page-cache pages.
 *
 *   test_cow           Basic COW: modifying the private mapping must not
 *                      show through the other mapping (smem)
 *   test_ro_pin        R/O longterm GUP pin: once the private mapping is
 *                      modified, the pin must show the modification
 *   test_ro_fast_pin   the same with GUP-fast
 *
 * each run_with_zeropage() (a private anonymous page never written, and a
 * second, read-only one) and run_with_tmpfile() (a one-page file, mapped
 * MAP_PRIVATE read-write and MAP_SHARED read-only) and run_with_memfd()
 * (the same on a memfd: shmem), and run_with_huge_zeropage() (two
 * 2 MiB-aligned THP-sized areas mapping the huge zero page), and
 * run_with_memfd_hugetlb() (a memfd_create(MFD_HUGETLB) file of one huge
 * page of 2 MiB, mapped as for the tmpfile; 1 GiB: see below).
 *
 * Each selftest is one sequential process: one task, one execution. The
 * "explored" variants race a second thread reading the other mapping (or
 * the pin) against the modification and explore every interleaving.
 */
#include "conformance.h"
#include "sched/completion.h"

struct backing {
	const char *name;
	bool file;
	bool memfd;
	bool huge;
	unsigned long hugetlb;	/* run_with_memfd_hugetlb()'s size, or 0 */
};

static const struct backing zeropage_backing = { "zeropage", false, false, false, 0 };
static const struct backing tmpfile_backing = { "tmpfile", true, false, false, 0 };
static const struct backing memfd_backing = { "memfd", true, true, false, 0 };
static const struct backing huge_zeropage_backing = { "huge zeropage", false, false, true, 0 };
static const struct backing hugetlb_2m_backing = {
	"memfd hugetlb (2048 kB)", true, true, false, PMM_HUGE_2M };

/*
 * The selftest's mem, smem and size: one page, or for the huge zeropage
 * one 2 MiB-aligned THP size each, or one huge page each for hugetlb; a
 * pin covers NPIN pages from mem (all of it, but at most pmm_pin()'s 64
 * pages).
 */
#define HMEM	0x40000000ul
#define HSMEM	0x40400000ul
#define HSIZE	(2ul << 20)
static unsigned long MEMA = MEM, SMEMA = SMEM, SIZE = PAGE, NPIN = 1;

static void use_backing(const struct backing *b)
{
	MEMA = b->huge || b->hugetlb ? HMEM : MEM;
	SMEMA = b->huge || b->hugetlb ? HSMEM : SMEM;
	SIZE = b->hugetlb ? b->hugetlb : b->huge ? HSIZE : PAGE;
	NPIN = SIZE / PAGE < 64 ? SIZE / PAGE : 64;
}

static struct pmm_process *P;
static struct pmm_file *F;

/*
 * run_with_memfd_hugetlb(): memfd_create("test", MFD_HUGETLB | the size),
 * fallocate() one huge page (a pool of two: the file's page, and the
 * private mapping's reserved one for its COW), mem a MAP_PRIVATE
 * read-write mapping, smem a MAP_SHARED read-only one.
 */
static int setup_memfd_hugetlb(const struct backing *b)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned int flags = PMM_MFD_HUGETLB;
	struct pmm_hugetlbfs_file *hf;
	int ret;

	o.ram_bytes = 16ul << 20;
	flags |= (unsigned int)__builtin_ctzl(b->hugetlb) << PMM_MFD_HUGE_SHIFT;
	ret = pmm_machine_init(&o);
	P = ret ? NULL : pmm_process_create();
	if (!P || pmm_hugetlb_set_pool(SIZE, 2) != 2)
		return -ENOMEM;
	ret = pmm_memfd_create_hugetlb(SIZE, flags, &hf);
	ret = ret ? ret : pmm_hugetlbfs_fallocate(hf, 0, 0, SIZE);
	ret = ret ? ret : pmm_mmap_hugetlb(P, MEMA, SIZE,
					   PMM_PROT_READ | PMM_PROT_WRITE,
					   PMM_MAP_PRIVATE, SIZE, hf, 0);
	return ret ? ret : pmm_mmap_hugetlb(P, SMEMA, SIZE, PMM_PROT_READ,
					    PMM_MAP_SHARED, SIZE, hf, 0);
}

/*
 * run_with_zeropage(): mem read-write, smem read-only, both private
 * anonymous, both read so that both map the shared zeropage.
 * run_with_tmpfile(): a file of one page of zeroes (fallocate()), mem a
 * MAP_PRIVATE read-write mapping of it, smem a MAP_SHARED read-only one,
 * both read so that both map the page-cache page.
 */
static bool setup_backing(const struct backing *b)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned char tmp;
	int ret;

	if (b->hugetlb) {
		ret = setup_memfd_hugetlb(b);
		goto fault;
	}
	if (!b->huge && !conf_machine())
		return false;
	/* run_with_huge_zeropage(): room for 2 MiB folios and the copies. */
	o.ram_bytes = 16ul << 20;
	if (b->huge && (ret = pmm_machine_init(&o))) {
		pmm_violation("setup", "pmm_machine_init: %d", ret);
		return false;
	}
	P = pmm_process_create();
	if (!P)
		return false;
	if (b->file) {
		F = NULL;
		if (!b->memfd)
			F = pmm_file_create(SIZE);
		/* run_with_memfd(): memfd_create(), ftruncate(), fallocate(). */
		else if (pmm_memfd_create(SIZE, 0, &F) ||
			 pmm_fallocate(F, 0, 0, SIZE))
			F = NULL;
		ret = !F || pmm_truncate(F, SIZE) ||
		      pmm_mmap(P, MEMA, SIZE, PMM_PROT_READ | PMM_PROT_WRITE,
			       PMM_MAP_PRIVATE, F, 0) ||
		      pmm_mmap(P, SMEMA, SIZE, PMM_PROT_READ, PMM_MAP_SHARED, F, 0);
	} else {
		ret = pmm_mmap(P, MEMA, SIZE, PMM_PROT_READ | PMM_PROT_WRITE,
			       PMM_MAP_PRIVATE, NULL, 0) ||
		      pmm_mmap(P, SMEMA, SIZE, PMM_PROT_READ, PMM_MAP_PRIVATE,
			       NULL, 0);
		/* madvise(MADV_HUGEPAGE) on both, for the huge zeropage. */
		if (b->huge)
			ret = ret || pmm_madvise(P, MEMA, SIZE, PMM_MADV_HUGEPAGE) ||
			      pmm_madvise(P, SMEMA, SIZE, PMM_MADV_HUGEPAGE);
	}
fault:
	/* tmp = *mem + *smem; */
	ret = ret || pmm_load(P, MEMA, &tmp, 1) || pmm_load(P, SMEMA, &tmp, 1);
	if (ret)
		pmm_violation("setup", "mmap() or the first read failed");
	/* The selftest checks both map the huge zeropage (pagemap), or skips. */
	if (!ret && b->huge && (pmm_thp_state(P, MEMA) != PMM_THP_PMD ||
				pmm_thp_state(P, SMEMA) != PMM_THP_PMD)) {
		pmm_violation("setup", "Did not get a huge zeropage");
		ret = 1;
	}
	return !ret;
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* Both mappings map the same page now: the zeropage, or the file's. */
static void check_shared(void)
{
	struct pmm_page_state st, sst;

	if (conf_state(P, MEMA, &st) && conf_state(P, SMEMA, &sst))
		CHECK(st.pfn == sst.pfn && !st.writable,
		      "mem and smem do not share one R/O page");
}

/* test_cow(): back up smem, memset(mem, 0xff), smem must read the same. */
static void t_cow(void *arg)
{
	unsigned char got = 0;
	int ret;

	(void)arg;
	check_shared();
	CHECK(!conf_expect(P, SMEMA, SIZE, 0, &got), "smem does not read zeroes");
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "memset() failed");
	ret = conf_expect(P, SMEMA, SIZE, 0, &got);
	CHECK(!ret, "Other mapping modified (%d, read %#x)", ret, got);
	ret = conf_expect(P, MEMA, SIZE, 0xff, &got);
	CHECK(!ret, "mem does not read what was written (%d, read %#x)", ret, got);
}

/*
 * test_ro_pin() / test_ro_fast_pin(): do_test_ro_pin(mem, size,
 * RO_PIN_TEST, fast): a R/O longterm pin of mem (which must break COW
 * right away), memset(mem, 0xff), read back through the pin.
 */
static void t_ro_pin(void *arg)
{
	bool fast = arg != NULL;
	struct pmm_page_state st, sst;
	struct pmm_pin *pin = NULL;
	unsigned char got = 0;
	int ret;

	check_shared();
	ret = pmm_pin(P, MEMA, NPIN, PMM_GUP_LONGTERM | (fast ? PMM_GUP_FAST : 0), &pin);
	CHECK(!ret, "PIN_LONGTERM_TEST_START failed: %d", ret);
	/* Beyond the selftest: the pin broke COW into an exclusive anon page. */
	if (conf_state(P, MEMA, &st) && conf_state(P, SMEMA, &sst))
		CHECK(st.pfn != sst.pfn && st.anon_exclusive && st.maybe_pinned,
		      "R/O longterm pin did not break COW");
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "memset() failed");
	ret = conf_expect_pin(pin, 0, NPIN * PAGE, 0xff, &got);
	CHECK(!ret, "Longterm R/O pin is not reliable (%d, read %#x)", ret, got);
	ret = conf_expect(P, SMEMA, SIZE, 0, &got);
	CHECK(!ret, "Other mapping modified (%d, read %#x)", ret, got);
	pmm_unpin(pin);
}

struct non_anon_case {
	const char *name;
	const struct backing *b;
	pmm_task_fn fn;
	bool fast;
};

static void setup_case(void *arg)
{
	const struct non_anon_case *c = arg;

	if (setup_backing(c->b))
		conf_task("selftest", 0, c->fn, c->fast ? (void *)1 : NULL);
}

static void run(const char *name, const struct backing *b, pmm_task_fn fn,
		bool fast)
{
	struct non_anon_case c = { name, b, fn, fast };
	struct pmm_program prog = PROG(name, setup_case, finish, &c);

	use_backing(b);
	conf_expect_pass(&prog);
	use_backing(&zeropage_backing);
}

static void test_cow_huge_zeropage(void **state)
{
	(void)state;
	run("Basic COW ... with huge zeropage", &huge_zeropage_backing, t_cow, false);
}

static void test_ro_pin_huge_zeropage(void **state)
{
	(void)state;
	run("R/O longterm GUP pin ... with huge zeropage", &huge_zeropage_backing,
	    t_ro_pin, false);
}

static void test_ro_fast_pin_huge_zeropage(void **state)
{
	(void)state;
	run("R/O longterm GUP-fast pin ... with huge zeropage", &huge_zeropage_backing,
	    t_ro_pin, true);
}

static void test_cow_zeropage(void **state)
{
	(void)state;
	run("Basic COW ... with shared zeropage", &zeropage_backing, t_cow, false);
}

static void test_cow_tmpfile(void **state)
{
	(void)state;
	run("Basic COW ... with tmpfile", &tmpfile_backing, t_cow, false);
}

static void test_ro_pin_zeropage(void **state)
{
	(void)state;
	run("R/O longterm GUP pin ... with shared zeropage", &zeropage_backing, t_ro_pin,
	    false);
}

static void test_ro_pin_tmpfile(void **state)
{
	(void)state;
	run("R/O longterm GUP pin ... with tmpfile", &tmpfile_backing, t_ro_pin, false);
}

static void test_ro_fast_pin_zeropage(void **state)
{
	(void)state;
	run("R/O longterm GUP-fast pin ... with shared zeropage", &zeropage_backing,
	    t_ro_pin, true);
}

static void test_ro_fast_pin_tmpfile(void **state)
{
	(void)state;
	run("R/O longterm GUP-fast pin ... with tmpfile", &tmpfile_backing, t_ro_pin, true);
}

/*
 * run_with_memfd_hugetlb() with 2 MiB pages. Not with 1 GiB ones: the
 * private copy of a 1 GiB page-cache folio makes the data-corruption
 * oracle record each of its 262144 pages (about 1.2 GB per execution).
 */
static void test_cow_memfd_hugetlb(void **state)
{
	(void)state;
	run("Basic COW ... with memfd hugetlb (2048 kB)", &hugetlb_2m_backing,
	    t_cow, false);
}

static void test_ro_pin_memfd_hugetlb(void **state)
{
	(void)state;
	run("R/O longterm GUP pin ... with memfd hugetlb (2048 kB)",
	    &hugetlb_2m_backing, t_ro_pin, false);
}

static void test_ro_fast_pin_memfd_hugetlb(void **state)
{
	(void)state;
	run("R/O longterm GUP-fast pin ... with memfd hugetlb (2048 kB)",
	    &hugetlb_2m_backing, t_ro_pin, true);
}

static void test_cow_memfd(void **state)
{
	(void)state;
	run("Basic COW ... with memfd", &memfd_backing, t_cow, false);
}

static void test_ro_pin_memfd(void **state)
{
	(void)state;
	run("R/O longterm GUP pin ... with memfd", &memfd_backing, t_ro_pin, false);
}

static void test_ro_fast_pin_memfd(void **state)
{
	(void)state;
	run("R/O longterm GUP-fast pin ... with memfd", &memfd_backing, t_ro_pin, true);
}

/*
 * Explored: test_cow with a second thread reading smem while the first
 * modifies mem; test_ro_pin with the first thread taking the pin and
 * then modifying mem, the second reading smem, then (once the pin is
 * there) the pin and smem again: through the pin each byte reads 0 or
 * 0xff, and 0xff once the memset() is done (the reader waits for it on a
 * completion, then stops the pin); smem always reads 0.
 */
static struct pmm_pin *PIN;
static struct completion *PINNED, *DONE;

static void t_memset(void *arg)
{
	(void)arg;
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "memset() failed");
	complete(DONE);
}

static void t_pin_memset(void *arg)
{
	const struct non_anon_case *c = arg;
	int ret;

	ret = pmm_pin(P, MEMA, NPIN, PMM_GUP_LONGTERM | (c->fast ? PMM_GUP_FAST : 0),
		      &PIN);
	CHECK(!ret, "PIN_LONGTERM_TEST_START failed: %d", ret);
	complete(PINNED);
	t_memset(NULL);
}

static void t_read_smem(void *arg)
{
	unsigned char got = 0;
	int ret = conf_expect(P, SMEMA, SIZE, 0, &got);

	(void)arg;
	CHECK(!ret, "Other mapping modified (%d, read %#x)", ret, got);
}

static void t_read_pin(void *arg)
{
	unsigned char buf[PAGE], got = 0;
	unsigned int i;
	int ret;

	(void)arg;
	t_read_smem(NULL);
	wait_for_completion(PINNED);
	CHECK(!pmm_pin_dma(PIN, 0, buf, PAGE, false), "read through the pin failed");
	for (i = 0; i < PAGE; i++)
		CHECK(buf[i] == 0 || buf[i] == 0xff,
		      "Longterm R/O pin is not reliable (read %#x)", buf[i]);
	t_read_smem(NULL);
	wait_for_completion(DONE);
	ret = conf_expect_pin(PIN, 0, NPIN * PAGE, 0xff, &got);
	CHECK(!ret, "Longterm R/O pin is not reliable (%d, read %#x)", ret, got);
	pmm_unpin(PIN);
}

static void setup_explored(void *arg)
{
	struct non_anon_case *c = arg;

	if (!setup_backing(c->b))
		return;
	PINNED = pmm_alloc(sizeof(*PINNED));
	DONE = pmm_alloc(sizeof(*DONE));
	if (!PINNED || !DONE)
		return;
	init_completion(PINNED);
	init_completion(DONE);
	if (c->fn == t_read_pin)
		conf_task("pin+memset", 0, t_pin_memset, c);
	else
		conf_task("memset", 0, t_memset, NULL);
	conf_task("reader", 1, c->fn, NULL);
}

static void run_explored(const char *name, const struct backing *b,
			 pmm_task_fn fn, bool fast)
{
	struct non_anon_case c = { name, b, fn, fast };
	struct pmm_program prog = PROG(name, setup_explored, finish, &c);

	assert_true(conf_expect_pass(&prog) > 1);
}

static void test_cow_explored(void **state)
{
	(void)state;
	run_explored("Basic COW ... with shared zeropage, explored", &zeropage_backing,
		     t_read_smem, false);
	run_explored("Basic COW ... with tmpfile, explored", &tmpfile_backing,
		     t_read_smem, false);
	run_explored("Basic COW ... with memfd, explored", &memfd_backing,
		     t_read_smem, false);
}

static void test_ro_pin_explored(void **state)
{
	(void)state;
	run_explored("R/O longterm GUP pin ... with shared zeropage, explored",
		     &zeropage_backing, t_read_pin, false);
	run_explored("R/O longterm GUP-fast pin ... with shared zeropage, explored",
		     &zeropage_backing, t_read_pin, true);
	run_explored("R/O longterm GUP pin ... with tmpfile, explored",
		     &tmpfile_backing, t_read_pin, false);
	run_explored("R/O longterm GUP-fast pin ... with tmpfile, explored",
		     &tmpfile_backing, t_read_pin, true);
	run_explored("R/O longterm GUP pin ... with memfd, explored",
		     &memfd_backing, t_read_pin, false);
	run_explored("R/O longterm GUP-fast pin ... with memfd, explored",
		     &memfd_backing, t_read_pin, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cow_zeropage),
		cmocka_unit_test(test_cow_huge_zeropage),
		cmocka_unit_test(test_ro_pin_huge_zeropage),
		cmocka_unit_test(test_ro_fast_pin_huge_zeropage),
		cmocka_unit_test(test_cow_tmpfile),
		cmocka_unit_test(test_ro_pin_zeropage),
		cmocka_unit_test(test_ro_pin_tmpfile),
		cmocka_unit_test(test_ro_fast_pin_zeropage),
		cmocka_unit_test(test_ro_fast_pin_tmpfile),
		cmocka_unit_test(test_cow_memfd),
		cmocka_unit_test(test_ro_pin_memfd),
		cmocka_unit_test(test_ro_fast_pin_memfd),
		cmocka_unit_test(test_cow_memfd_hugetlb),
		cmocka_unit_test(test_ro_pin_memfd_hugetlb),
		cmocka_unit_test(test_ro_fast_pin_memfd_hugetlb),
		cmocka_unit_test(test_cow_explored),
		cmocka_unit_test(test_ro_pin_explored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
