// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/mm/gup_test.c and the in-kernel side,
 * mm/gup_test.c (__gup_test_ioctl(), verify_dma_pinned(),
 * put_back_pages(), dump_pages_test()), as run_vmtests.sh runs them:
 *
 *   run_gup_matrix(): for test_cmd in -u -U -a -b -L (GUP_FAST_BENCHMARK,
 *   GUP_BASIC_TEST, PIN_FAST_BENCHMARK, PIN_BASIC_TEST,
 *   PIN_LONGTERM_BENCHMARK), write in -w -W, share in -S "", num in
 *   "-n 1" "-n 512" "-n 123" "-n -1", huge in -T (MADV_NOHUGEPAGE) and
 *   -t (MADV_HUGEPAGE: a PMD-mapped THP; -H, hugetlb, is not ported
 *   here); and "gup_test -u", "gup_test -a" and
 *   "gup_test -ct -F 0x1 0 19 0x1000" (DUMP_USER_PAGES_TEST, with -p for
 *   pin_user_pages).
 *
 * The selftest maps /dev/zero (MAP_PRIVATE: anonymous memory; -S:
 * MAP_SHARED, which shmem_zero_setup() makes shmem: here a MAP_SHARED
 * anonymous mapping, shmem too), writes every page from user space, and
 * has the ioctl get or pin the range nr pages per call, check that every
 * pinned page is folio_maybe_dma_pinned() (verify_dma_pinned()) and put
 * them back. Here the range is NR pages (see gup_matrix() for -n), and
 * the checks are exact: a FOLL_GET adds 1 to the refcount, a FOLL_PIN
 * GUP_PIN_COUNTING_BIAS (1024) on a small folio, maybe_pinned says which,
 * and putting them back restores every count.
 *
 * Beyond the matrix, behaviours of mm/gup.c these tests rely on: deltas
 * of mixed and repeated pins; write pins on read-only mappings and pins
 * of unmapped or PROT_NONE ranges fail (and put back what they took);
 * the zeropage is never pinned; a pin outlives munmap() of its range;
 * an unreleased pin is a leak.
 *
 * Every case is one thread doing one ioctl: one execution; "-j 2" (two
 * threads doing the ioctl at once) is explored.
 */
#include "conformance.h"

#define NR 8
#define GUP_PIN_COUNTING_BIAS 1024

enum gup_cmd {
	GUP_FAST_BENCHMARK,	/* -u */
	GUP_BASIC_TEST,		/* -U */
	PIN_FAST_BENCHMARK,	/* -a */
	PIN_BASIC_TEST,		/* -b */
	PIN_LONGTERM_BENCHMARK,	/* -L */
	DUMP_USER_PAGES_TEST,	/* -c */
};

static const char *const cmd_names[] = {
	"GUP_FAST_BENCHMARK", "GUP_BASIC_TEST", "PIN_FAST_BENCHMARK",
	"PIN_BASIC_TEST", "PIN_LONGTERM_BENCHMARK", "DUMP_USER_PAGES_TEST",
};

struct gup_case {
	enum gup_cmd cmd;
	bool write;		/* -w (FOLL_WRITE), else -W */
	bool shared;		/* -S */
	unsigned int nr;	/* -n: pages per call */
	bool use_pin;		/* -p, DUMP_USER_PAGES_TEST only */
	/* dump_pages_test(): .which_pages[], 1-based, 0 is none. */
	unsigned int which_pages[3];
	bool thp;		/* -t (MADV_HUGEPAGE), else -T */
	char name[96];
};

static bool cmd_pins(const struct gup_case *c)
{
	return c->cmd == DUMP_USER_PAGES_TEST ? c->use_pin :
	       c->cmd >= PIN_FAST_BENCHMARK;
}

/* The ioctl's get_user_pages_fast() / pin_user_pages() / ... flags. */
static unsigned int cmd_flags(const struct gup_case *c)
{
	unsigned int f = c->write ? PMM_GUP_WRITE : 0;

	switch (c->cmd) {
	case GUP_FAST_BENCHMARK:
		return f | PMM_GUP_GET | PMM_GUP_FAST;
	case GUP_BASIC_TEST:
		return f | PMM_GUP_GET;
	case PIN_FAST_BENCHMARK:
		return f | PMM_GUP_FAST;
	case PIN_BASIC_TEST:
		return f;
	case PIN_LONGTERM_BENCHMARK:
		return f | PMM_GUP_LONGTERM;
	case DUMP_USER_PAGES_TEST:
		return f | (c->use_pin ? 0 : PMM_GUP_GET);
	}
	return f;
}

static struct pmm_process *P;
static struct pmm_file *F;

/*
 * -t: the range is a 2 MiB-aligned THP (MADV_HUGEPAGE), of which the
 * ioctl takes the first NR pages; -T: MADV_NOHUGEPAGE, small pages. MEMA
 * is where the range starts.
 */
#define THP_MEM	0x40000000ul
#define THP_PAGES 512ul
static bool THP;
static unsigned long MEMA = MEM;

static void use_thp(bool thp)
{
	THP = thp;
	MEMA = thp ? THP_MEM : MEM;
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/*
 * main(): mmap() the range from /dev/zero (-S: MAP_SHARED, shmem),
 * madvise() it as -t/-T ask, and "fault them in here, from user space":
 * p[0] = 0 on every page. A shared (-S) range gets no THP with -t: the
 * kernel's shmem_enabled is "never" by default, and the model has no
 * shmem THPs.
 */
static bool map_range(bool shared, unsigned long pages)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned long i;
	int ret;

	o.ram_bytes = 16ul << 20;
	if (THP && (ret = pmm_machine_init(&o)))
		pmm_violation("setup", "pmm_machine_init: %d", ret);
	if (!THP && !conf_machine())
		return false;
	P = pmm_process_create();
	if (!P)
		return false;
	if (THP)
		pages = THP_PAGES;
	ret = pmm_mmap(P, MEMA, pages * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       shared ? PMM_MAP_SHARED : PMM_MAP_PRIVATE, NULL, 0);
	ret = ret || pmm_madvise(P, MEMA, pages * PAGE, THP ? PMM_MADV_HUGEPAGE :
				 PMM_MADV_NOHUGEPAGE);
	for (i = 0; i < pages && !ret; i++) {
		unsigned char b = (unsigned char)(0x10 + i);

		/* p[0] = 0, and a byte telling the pages apart. */
		ret = pmm_store(P, MEMA + i * PAGE, "", 1) ||
		      pmm_store(P, MEMA + i * PAGE + 1, &b, 1);
	}
	if (!ret && THP && !shared && pmm_thp_state(P, MEMA) != PMM_THP_PMD)
		ret = 1;
	if (ret)
		pmm_violation("setup", "mapping or faulting in the range failed");
	return !ret;
}

/* Every page of the range has the state @base plus @delta references. */
static void check_range(const struct pmm_page_state *base, int delta,
			bool pinned, const char *when)
{
	unsigned int i;

	for (i = 0; i < NR; i++) {
		struct pmm_page_state st;

		if (!conf_state(P, MEMA + i * PAGE, &st))
			return;
		CHECK(st.pfn == base[i].pfn && st.mapcount == base[i].mapcount,
		      "%s: page %u changed: pfn %#lx -> %#lx, mapcount %d -> %d",
		      when, i, base[i].pfn, st.pfn, base[i].mapcount, st.mapcount);
		CHECK(st.refcount == base[i].refcount + delta,
		      "%s: page %u refcount %d, expected %d + %d", when, i,
		      st.refcount, base[i].refcount, delta);
		CHECK(st.maybe_pinned == pinned,
		      "%s: pages[%u] is %sdma-pinned", when, i,
		      st.maybe_pinned ? "" : "NOT ");
	}
}

/*
 * __gup_test_ioctl(): nr pages per call over the range, then
 * verify_dma_pinned() (and dump_pages_test()), then put_back_pages().
 */
static void t_gup_ioctl(void *arg)
{
	const struct gup_case *c = arg;
	struct pmm_page_state base[NR];
	struct pmm_pin *pins[NR];
	unsigned int i, calls = 0, done = 0;
	bool pin = cmd_pins(c);

	for (i = 0; i < NR; i++)
		if (!conf_state(P, MEMA + i * PAGE, &base[i]))
			return;
	while (done < NR) {
		unsigned int n = NR - done < c->nr ? NR - done : c->nr;
		int ret = pmm_pin(P, MEMA + done * PAGE, n, cmd_flags(c), &pins[calls]);

		CHECK(!ret, "%s: call %u (%u pages at page %u) failed: %d",
		      cmd_names[c->cmd], calls, n, done, ret);
		calls++;
		done += n;
	}
	/*
	 * verify_dma_pinned(), exactly: every page got one reference; the
	 * pages of a THP share the folio's count, and a pin of a large folio
	 * adds 1 to it (and 1 to _pincount), not GUP_PIN_COUNTING_BIAS.
	 */
	if (THP && !c->shared)
		check_range(base, NR, pin, "after GUP");
	else
		check_range(base, pin ? GUP_PIN_COUNTING_BIAS : 1, pin, "after GUP");
	if (c->cmd == DUMP_USER_PAGES_TEST) {
		/* dump_pages_test(): out-of-range indices are zeroed. */
		for (i = 0; i < 3; i++) {
			unsigned int idx = c->which_pages[i], call, off;
			struct pmm_page_state st;
			unsigned char b[2];

			if (!idx || idx > NR)
				continue;
			idx--;
			/* dump_page(pages[idx]): the page at addr + idx pages. */
			call = idx / c->nr;
			off = idx % c->nr;
			CHECK(!pmm_pin_dma(pins[call], off * PAGE, b, 2, false) &&
			      b[0] == 0 && b[1] == 0x10 + idx,
			      "pages[%u] is not the page at %#lx", idx,
			      MEMA + idx * PAGE);
			if (conf_state(P, MEMA + idx * PAGE, &st))
				CHECK(st.mapcount == 1,
				      "pages[%u]: mapcount %d", idx, st.mapcount);
		}
	}
	/* put_back_pages(): put_page() or unpin_user_pages(). */
	for (i = 0; i < calls; i++)
		pmm_unpin(pins[i]);
	check_range(base, 0, false, "after put_back_pages()");
}

static void setup_gup(void *arg)
{
	const struct gup_case *c = arg;

	if (map_range(c->shared, NR))
		conf_task("gup_thread", 0, t_gup_ioctl, (void *)c);
}

static void run_gup(struct gup_case *c)
{
	struct pmm_program prog;

	snprintf(c->name, sizeof(c->name), "gup_test %s%s%s%s -n %u (%s)",
		 cmd_names[c->cmd], c->write ? " -w" : " -W",
		 c->shared ? " -S" : "", c->thp ? " -t" : " -T", c->nr,
		 c->use_pin ? "pin" : "");
	prog = (struct pmm_program)PROG(c->name, setup_gup, finish, c);
	use_thp(c->thp);
	conf_expect_pass(&prog);
	use_thp(false);
}

/*
 * run_gup_matrix() for one test_cmd: -w/-W, -S/"", and -n 1, -n 512 (a
 * chunk dividing the range: 4), -n 123 (one that does not: 3), -n -1
 * (the whole range in one call).
 */
static void gup_matrix(enum gup_cmd cmd)
{
	static const unsigned int nums[] = { 1, 4, 3, NR };
	unsigned int w, s, n, t;

	for (t = 0; t < 2; t++) {
		for (w = 0; w < 2; w++) {
			for (s = 0; s < 2; s++) {
				for (n = 0; n < 4; n++) {
					struct gup_case c = {
						.cmd = cmd, .write = w, .shared = s,
						.nr = nums[n], .thp = t,
					};

					run_gup(&c);
				}
			}
		}
	}
}

static void test_gup_fast_benchmark(void **state)
{
	(void)state;
	gup_matrix(GUP_FAST_BENCHMARK);
}

static void test_gup_basic_test(void **state)
{
	(void)state;
	gup_matrix(GUP_BASIC_TEST);
}

static void test_pin_fast_benchmark(void **state)
{
	(void)state;
	gup_matrix(PIN_FAST_BENCHMARK);
}

static void test_pin_basic_test(void **state)
{
	(void)state;
	gup_matrix(PIN_BASIC_TEST);
}

static void test_pin_longterm_benchmark(void **state)
{
	(void)state;
	gup_matrix(PIN_LONGTERM_BENCHMARK);
}

/* "gup_test -ct -F 0x1 0 19 0x1000", and with -p; 19 -> 5 of NR = 8. */
static void test_dump_user_pages(void **state)
{
	unsigned int p;

	(void)state;
	for (p = 0; p < 2; p++) {
		struct gup_case c = { .cmd = DUMP_USER_PAGES_TEST, .write = true,
				      .nr = 1, .use_pin = p,
				      .which_pages = { 0 + 1, 5 + 1, 0x1000 + 1 } };

		run_gup(&c);
		c.nr = 3;
		run_gup(&c);
		/* As run_vmtests.sh has it: -ct, on a THP. */
		c.thp = true;
		run_gup(&c);
		c.nr = 1;
		run_gup(&c);
	}
}

/*
 * Beyond the selftest: -L -w -S on a MAP_SHARED mapping of a file that
 * needs dirty tracking (a disk-backed file, where the selftest's
 * /dev/zero is shmem) is refused by the kernel: check_vma_flags() ->
 * writable_file_mapping_allowed() says -EFAULT; the ioctl then pins no
 * page and reports gup.size 0 ("Truncated").
 */
static void t_longterm_write_shared(void *arg)
{
	struct pmm_page_state base[NR];
	struct pmm_pin *pin = NULL;
	unsigned int i;
	int ret;

	(void)arg;
	for (i = 0; i < NR; i++)
		if (!conf_state(P, MEM + i * PAGE, &base[i]))
			return;
	ret = pmm_pin(P, MEM, NR, PMM_GUP_WRITE | PMM_GUP_LONGTERM, &pin);
	if (!ret)
		pmm_unpin(pin);
	CHECK(ret == -EFAULT, "PIN_LONGTERM_BENCHMARK -w -S pinned a dirty-tracked "
	      "shared file mapping: %d, expected -EFAULT", ret);
	check_range(base, 0, false, "after the refused pin");
}

static void setup_longterm_write_shared(void *arg)
{
	unsigned long i;
	int ret;

	if (!conf_machine())
		return;
	P = pmm_process_create();
	F = pmm_file_create(NR * PAGE);
	ret = !P || !F || pmm_truncate(F, NR * PAGE) ||
	      pmm_mmap(P, MEM, NR * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, F, 0);
	for (i = 0; i < NR && !ret; i++)
		ret = pmm_store(P, MEM + i * PAGE, "", 1);
	if (ret) {
		pmm_violation("setup", "mapping or faulting in the file failed");
		return;
	}
	conf_task("gup_thread", 0, t_longterm_write_shared, arg);
}

static void test_pin_longterm_write_shared_file(void **state)
{
	struct pmm_program prog = PROG("gup_test -L -w -S (disk-backed file)",
				       setup_longterm_write_shared, finish, NULL);

	(void)state;
	conf_expect_pass(&prog);
}

/*
 * Exact deltas (the counting mm/gup.c and include/linux/mm.h document):
 * each FOLL_GET adds 1, each FOLL_PIN of a small folio 1024; maybe_pinned
 * is refcount >= 1024; every put takes exactly its own share back.
 */
struct delta_step {
	unsigned int flags;
	int refs;
};

static void t_deltas(void *arg)
{
	static const struct delta_step steps[] = {
		{ PMM_GUP_GET, 1 },
		{ PMM_GUP_GET | PMM_GUP_FAST | PMM_GUP_WRITE, 1 },
		{ 0, GUP_PIN_COUNTING_BIAS },
		{ PMM_GUP_FAST | PMM_GUP_WRITE, GUP_PIN_COUNTING_BIAS },
		{ PMM_GUP_LONGTERM, GUP_PIN_COUNTING_BIAS },
		{ PMM_GUP_LONGTERM | PMM_GUP_FAST | PMM_GUP_WRITE, GUP_PIN_COUNTING_BIAS },
	};
	enum { N = sizeof(steps) / sizeof(steps[0]) };
	struct pmm_page_state base, st;
	struct pmm_pin *pins[N];
	int expect = 0, i;

	(void)arg;
	if (!conf_state(P, MEM, &base))
		return;
	CHECK(base.refcount == 1 && base.mapcount == 1 && !base.maybe_pinned &&
	      base.anon_exclusive, "a fresh anonymous page: refcount %d, "
	      "mapcount %d", base.refcount, base.mapcount);
	for (i = 0; i < N; i++) {
		int ret = pmm_pin(P, MEM, 1, steps[i].flags, &pins[i]);

		CHECK(!ret, "GUP %d (flags %#x) failed: %d", i, steps[i].flags, ret);
		expect += steps[i].refs;
		if (!conf_state(P, MEM, &st))
			return;
		CHECK(st.refcount == base.refcount + expect && st.pfn == base.pfn,
		      "after GUP %d (flags %#x): refcount %d, expected %d", i,
		      steps[i].flags, st.refcount, base.refcount + expect);
		CHECK(st.maybe_pinned == (expect >= GUP_PIN_COUNTING_BIAS),
		      "after GUP %d: maybe_pinned %d", i, st.maybe_pinned);
	}
	for (i = N - 1; i >= 0; i--) {
		pmm_unpin(pins[i]);
		expect -= steps[i].refs;
		if (!conf_state(P, MEM, &st))
			return;
		CHECK(st.refcount == base.refcount + expect,
		      "after put %d: refcount %d, expected %d", i, st.refcount,
		      base.refcount + expect);
		CHECK(st.maybe_pinned == (expect >= GUP_PIN_COUNTING_BIAS),
		      "after put %d: maybe_pinned %d", i, st.maybe_pinned);
	}
}

static void setup_deltas(void *arg)
{
	if (map_range(false, 1))
		conf_task("gup", 0, t_deltas, arg);
}

static void test_refcount_deltas(void **state)
{
	struct pmm_program prog = PROG("GET and PIN refcount deltas", setup_deltas,
				       finish, NULL);

	(void)state;
	conf_expect_pass(&prog);
}

/* All the ways of asking, for the refusals below. */
static const unsigned int all_flags[] = {
	PMM_GUP_GET, PMM_GUP_GET | PMM_GUP_FAST, 0, PMM_GUP_FAST,
	PMM_GUP_LONGTERM, PMM_GUP_LONGTERM | PMM_GUP_FAST,
};
#define NR_FLAGS (sizeof(all_flags) / sizeof(all_flags[0]))

/*
 * check_vma_flags(): FOLL_WRITE on a VMA without VM_WRITE (no FOLL_FORCE)
 * is -EFAULT, for GUP-fast too (the PTE is not writable, so it falls back
 * to the slow path, which refuses). Nothing stays taken.
 */
static void t_write_on_ro(void *arg)
{
	bool file = arg != NULL;
	struct pmm_page_state base[NR];
	unsigned int i;

	for (i = 0; i < NR; i++)
		if (!conf_state(P, MEM + i * PAGE, &base[i]))
			return;
	for (i = 0; i < NR_FLAGS; i++) {
		struct pmm_pin *pin = NULL;
		int ret = pmm_pin(P, MEM, NR, all_flags[i] | PMM_GUP_WRITE, &pin);

		CHECK(ret == -EFAULT, "%s: write GUP (flags %#x) of a PROT_READ "
		      "mapping: %d, expected -EFAULT", file ? "file" : "anon",
		      all_flags[i] | PMM_GUP_WRITE, ret);
		/* A read GUP of it is fine. */
		ret = pmm_pin(P, MEM, NR, all_flags[i], &pin);
		CHECK(!ret, "read GUP (flags %#x) of a PROT_READ mapping: %d",
		      all_flags[i], ret);
		pmm_unpin(pin);
	}
	check_range(base, 0, false, "after the refusals");
}

static void setup_write_on_ro(void *arg)
{
	if (!map_range(arg != NULL, NR))
		return;
	if (pmm_mprotect(P, MEM, NR * PAGE, PMM_PROT_READ)) {
		pmm_violation("setup", "mprotect() failed");
		return;
	}
	conf_task("gup", 0, t_write_on_ro, arg);
}

static void test_write_pin_on_readonly_mapping_fails(void **state)
{
	struct pmm_program anon = PROG("FOLL_WRITE on PROT_READ anon",
				       setup_write_on_ro, finish, NULL);
	struct pmm_program file = PROG("FOLL_WRITE on PROT_READ shared file",
				       setup_write_on_ro, finish, (void *)1);

	(void)state;
	conf_expect_pass(&anon);
	conf_expect_pass(&file);
}

/*
 * No VMA, or a VMA that allows no access: -EFAULT, and a range that runs
 * off its VMA pins nothing (pin_user_pages() returns the pages before the
 * hole; pmm_pin() puts them back and says -EFAULT): their counts are
 * back where they were.
 */
static void t_unmapped(void *arg)
{
	struct pmm_page_state base[NR];
	unsigned int i, w;

	(void)arg;
	for (i = 0; i < NR; i++)
		if (!conf_state(P, MEM + i * PAGE, &base[i]))
			return;
	for (i = 0; i < NR_FLAGS; i++) {
		for (w = 0; w < 2; w++) {
			unsigned int f = all_flags[i] | (w ? PMM_GUP_WRITE : 0);
			struct pmm_pin *pin = NULL;
			int ret;

			ret = pmm_pin(P, FAR, 1, f, &pin);
			CHECK(ret == -EFAULT, "GUP (flags %#x) of an unmapped page: %d",
			      f, ret);
			/* The last two pages of the range and the hole after it. */
			ret = pmm_pin(P, MEM + (NR - 2) * PAGE, 3, f, &pin);
			CHECK(ret == -EFAULT, "GUP (flags %#x) running off the VMA: %d",
			      f, ret);
			ret = pmm_pin(P, SMEM, 1, f, &pin);
			CHECK(ret == -EFAULT, "GUP (flags %#x) of a PROT_NONE page: %d",
			      f, ret);
		}
	}
	check_range(base, 0, false, "after the failed GUPs");
}

static void setup_unmapped(void *arg)
{
	if (!map_range(false, NR))
		return;
	if (pmm_mmap(P, SMEM, PAGE, PMM_PROT_NONE, PMM_MAP_PRIVATE, NULL, 0)) {
		pmm_violation("setup", "mmap(PROT_NONE) failed");
		return;
	}
	conf_task("gup", 0, t_unmapped, arg);
}

static void test_pin_unmapped_range_fails(void **state)
{
	struct pmm_program prog = PROG("GUP of unmapped and PROT_NONE ranges",
				       setup_unmapped, finish, NULL);

	(void)state;
	conf_expect_pass(&prog);
}

/*
 * try_grab_folio(): "Don't take a pin on the zero page - it's not going
 * anywhere"; a FOLL_GET does take its reference. A R/O GUP of a page
 * never written finds the zeropage (not longterm: no unsharing).
 */
static void t_zero_page(void *arg)
{
	struct pmm_page_state base, st;
	struct pmm_pin *pin = NULL;
	int ret;

	(void)arg;
	if (!conf_state(P, MEM, &base))
		return;
	ret = pmm_pin(P, MEM, 1, 0, &pin);
	CHECK(!ret, "R/O pin of the zeropage: %d", ret);
	if (!conf_state(P, MEM, &st))
		return;
	CHECK(st.pfn == base.pfn && st.refcount == base.refcount &&
	      !st.maybe_pinned, "the zeropage was pinned: refcount %d -> %d",
	      base.refcount, st.refcount);
	pmm_unpin(pin);
	ret = pmm_pin(P, MEM, 1, PMM_GUP_GET, &pin);
	CHECK(!ret, "R/O get of the zeropage: %d", ret);
	if (conf_state(P, MEM, &st))
		CHECK(st.refcount == base.refcount + 1,
		      "FOLL_GET of the zeropage: refcount %d -> %d", base.refcount,
		      st.refcount);
	pmm_unpin(pin);
	if (conf_state(P, MEM, &st))
		CHECK(st.refcount == base.refcount, "put of the zeropage: %d -> %d",
		      base.refcount, st.refcount);
}

static void setup_zero_page(void *arg)
{
	unsigned char b;

	if (!conf_machine())
		return;
	P = pmm_process_create();
	if (!P || pmm_mmap(P, MEM, PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
			   PMM_MAP_PRIVATE, NULL, 0) || pmm_load(P, MEM, &b, 1)) {
		pmm_violation("setup", "mapping the zeropage failed");
		return;
	}
	conf_task("gup", 0, t_zero_page, arg);
}

static void test_zero_page_not_pinned(void **state)
{
	struct pmm_program prog = PROG("the zeropage is never pinned",
				       setup_zero_page, finish, NULL);

	(void)state;
	conf_expect_pass(&prog);
}

/*
 * A pin holds its pages, not their mapping: after munmap() of the range
 * the device still reads and writes them (no use-after-free), and the
 * unpin frees them (no leak at teardown). Never unpinned, they are a
 * leak, reported by the leak oracle when the machine is torn down.
 */
struct munmap_case {
	unsigned int flags;
	bool unpin;
	bool file;
};

static void t_munmap(void *arg)
{
	const struct munmap_case *c = arg;
	unsigned char buf[PAGE], got = 0;
	struct pmm_pin *pin = NULL;
	int ret;

	ret = pmm_pin(P, MEM, NR, c->flags, &pin);
	CHECK(!ret, "GUP (flags %#x) failed: %d", c->flags, ret);
	CHECK(!pmm_munmap(P, MEM, NR * PAGE), "munmap() failed");
	CHECK(pmm_page_state(P, MEM, &(struct pmm_page_state){ 0 }) == -EFAULT,
	      "the range is still mapped");
	ret = conf_expect_pin(pin, 3 * PAGE, 1, 0, &got);
	CHECK(!ret, "read through the pin after munmap(): %d, %#x", ret, got);
	memset(buf, 0x5a, sizeof(buf));
	if (c->flags & PMM_GUP_WRITE)
		CHECK(!pmm_pin_dma(pin, 0, buf, PAGE, true),
		      "write through the pin after munmap() failed");
	if (c->unpin)
		pmm_unpin(pin);
}

static void setup_munmap(void *arg)
{
	const struct munmap_case *c = arg;

	if (map_range(c->file, NR))
		conf_task("gup", 0, t_munmap, arg);
}

static void test_pin_survives_munmap(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_FLAGS; i++) {
		struct munmap_case anon = { all_flags[i] | PMM_GUP_WRITE, true, false };
		struct munmap_case file = { all_flags[i], true, true };
		struct pmm_program p1 = PROG("GUP, munmap(), DMA, unpin", setup_munmap,
					     finish, &anon);
		struct pmm_program p2 = PROG("GUP of a shared file, munmap(), DMA, "
					     "unpin", setup_munmap, finish, &file);

		conf_expect_pass(&p1);
		conf_expect_pass(&p2);
	}
}

static void test_unreleased_pin_is_a_leak(void **state)
{
	struct munmap_case pin = { PMM_GUP_WRITE | PMM_GUP_LONGTERM, false, false };
	struct munmap_case get = { PMM_GUP_GET | PMM_GUP_FAST, false, false };
	struct munmap_case fpin = { PMM_GUP_FAST, false, true };
	struct pmm_program p1 = PROG("pin never unpinned", setup_munmap, finish, &pin);
	struct pmm_program p2 = PROG("get never put", setup_munmap, finish, &get);
	struct pmm_program p3 = PROG("file pin never unpinned", setup_munmap,
				     finish, &fpin);

	(void)state;
	conf_expect_bug(&p1, 1, "leak", "maybe pinned");
	conf_expect_bug(&p2, 1, "leak", "still allocated");
	conf_expect_bug(&p3, 1, "leak", "maybe pinned");
}

/*
 * gup_test -j 2: two threads do the ioctl on the same page at once (one
 * GUP-fast, one the slow path: -a with -L, and -u with -b); every
 * interleaving ends with every count restored after both put back.
 */
#define NR_J 1

static struct pmm_page_state J_BASE[NR_J];

static void t_gup_thread(void *arg)
{
	unsigned int flags = (unsigned int)(uintptr_t)arg;
	struct pmm_pin *pin = NULL;
	int ret = pmm_pin(P, MEM, NR_J, flags, &pin);

	CHECK(!ret, "GUP (flags %#x) failed: %d", flags, ret);
	pmm_unpin(pin);
}

static void setup_j2(void *arg)
{
	const unsigned int *flags = arg;
	unsigned int i;

	if (!map_range(false, NR_J))
		return;
	for (i = 0; i < NR_J; i++)
		if (pmm_page_state(P, MEM + i * PAGE, &J_BASE[i]))
			pmm_violation("setup", "no page at %#lx", MEM + i * PAGE);
	conf_task("gup_thread-0", 0, t_gup_thread, (void *)(uintptr_t)flags[0]);
	conf_task("gup_thread-1", 1, t_gup_thread, (void *)(uintptr_t)flags[1]);
}

static void finish_j2(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < NR_J; i++) {
		struct pmm_page_state st;

		if (pmm_page_state(P, MEM + i * PAGE, &st)) {
			pmm_violation(SELFTEST, "page %u is gone", i);
			return;
		}
		if (st.pfn != J_BASE[i].pfn || st.refcount != J_BASE[i].refcount ||
		    st.maybe_pinned) {
			pmm_violation(SELFTEST, "page %u: pfn %#lx refcount %d after "
				      "both threads put back, was %#lx, %d", i,
				      st.pfn, st.refcount, J_BASE[i].pfn,
				      J_BASE[i].refcount);
			return;
		}
	}
	pmm_machine_finish();
}

static void test_gup_two_threads_explored(void **state)
{
	static const unsigned int a_l[] = { PMM_GUP_FAST | PMM_GUP_WRITE,
					    PMM_GUP_LONGTERM | PMM_GUP_WRITE };
	static const unsigned int u_b[] = { PMM_GUP_GET | PMM_GUP_FAST, 0 };
	struct pmm_program p1 = PROG("gup_test -a and -L -w at once, explored",
				     setup_j2, finish_j2, a_l);
	struct pmm_program p2 = PROG("gup_test -u and -b -W at once, explored",
				     setup_j2, finish_j2, u_b);

	(void)state;
	assert_true(conf_expect_pass(&p1) > 1);
	assert_true(conf_expect_pass(&p2) > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gup_fast_benchmark),
		cmocka_unit_test(test_gup_basic_test),
		cmocka_unit_test(test_pin_fast_benchmark),
		cmocka_unit_test(test_pin_basic_test),
		cmocka_unit_test(test_pin_longterm_benchmark),
		cmocka_unit_test(test_dump_user_pages),
		cmocka_unit_test(test_refcount_deltas),
		cmocka_unit_test(test_write_pin_on_readonly_mapping_fails),
		cmocka_unit_test(test_pin_unmapped_range_fails),
		cmocka_unit_test(test_zero_page_not_pinned),
		cmocka_unit_test(test_pin_survives_munmap),
		cmocka_unit_test(test_unreleased_pin_is_a_leak),
		cmocka_unit_test(test_gup_two_threads_explored),
		cmocka_unit_test(test_pin_longterm_write_shared_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
