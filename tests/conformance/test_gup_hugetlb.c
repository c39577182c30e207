// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The hugetlb third of run_vmtests.sh's run_gup_matrix() (the "-H -m N"
 * row: MAP_HUGETLB, hugetlb=on), on tools/testing/selftests/mm/gup_test.c
 * and mm/gup_test.c as test_gup.c ports them: for test_cmd in -u -U -a -b
 * -L, write in -w -W, share in -S "", num in "-n 1" "-n 512" "-n 123"
 * "-n -1".
 *
 * gup_test -H maps MAP_PRIVATE (or -S MAP_SHARED) | MAP_ANONYMOUS |
 * MAP_HUGETLB, writes p[0] of every page, and has the ioctl get or pin the
 * range nr pages at a time, verify_dma_pinned() and put them back. Here
 * the range is NR pages straddling the boundary of two 2 MiB folios (so
 * every call may cross from one folio into the next, as "-n 123" does in
 * the selftest); -n 512 and -n 123 become a chunk that divides the range
 * and one that does not, as in test_gup.c. The checks are exact: a GUP
 * reference or a pin of a page of a huge folio adds 1 to the folio's
 * refcount (a pin adds 1 to _pincount too: no GUP_PIN_COUNTING_BIAS on
 * large folios), so each folio gains one count per page taken from it,
 * and maybe_pinned says pinned exactly for pins. Unlike the file row of
 * test_gup.c, -L -w -S is not refused: hugetlb needs no dirty tracking.
 */
#include "conformance.h"

#define NR	16
#define HMEM	0x40000000ul
#define START	(HMEM + PMM_HUGE_2M - (NR / 2) * PAGE)

enum gup_cmd { GUP_FAST, GUP_BASIC, PIN_FAST, PIN_BASIC, PIN_LONGTERM };

static const char *const cmd_names[] = {
	"GUP_FAST_BENCHMARK", "GUP_BASIC_TEST", "PIN_FAST_BENCHMARK",
	"PIN_BASIC_TEST", "PIN_LONGTERM_BENCHMARK",
};

struct gup_case {
	enum gup_cmd cmd;
	bool write, shared;
	unsigned int nr;
	char name[96];
};

static struct pmm_process *P;

static unsigned int cmd_flags(const struct gup_case *c)
{
	static const unsigned int flags[] = {
		[GUP_FAST] = PMM_GUP_GET | PMM_GUP_FAST,
		[GUP_BASIC] = PMM_GUP_GET,
		[PIN_FAST] = PMM_GUP_FAST,
		[PIN_BASIC] = 0,
		[PIN_LONGTERM] = PMM_GUP_LONGTERM,
	};

	return flags[c->cmd] | (c->write ? PMM_GUP_WRITE : 0);
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* main() with -H: the mapping, and p[0] = 0 on every page of the range. */
static bool map_range(bool shared)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned long i;
	int ret;

	o.ram_bytes = 16ul << 20;
	if (pmm_machine_init(&o))
		return false;
	P = pmm_process_create();
	ret = !P || pmm_hugetlb_set_pool(PMM_HUGE_2M, 2) != 2 ||
	      pmm_mmap_hugetlb(P, HMEM, 2 * PMM_HUGE_2M,
			       PMM_PROT_READ | PMM_PROT_WRITE,
			       shared ? PMM_MAP_SHARED : PMM_MAP_PRIVATE,
			       PMM_HUGE_2M, NULL, 0);
	for (i = 0; i < NR && !ret; i++)
		ret = pmm_store(P, START + i * PAGE, "", 1);
	if (ret)
		pmm_violation("setup", "mapping or faulting in the range failed");
	return !ret;
}

/* Each page's folio has its base count plus @per_page for each page taken. */
static void check_range(const struct pmm_page_state *base, int per_page,
			bool pinned, const char *when)
{
	unsigned int i;

	for (i = 0; i < NR; i++) {
		struct pmm_page_state st;

		if (!conf_state(P, START + i * PAGE, &st))
			return;
		CHECK(st.pfn == base[i].pfn && st.mapcount == base[i].mapcount,
		      "%s: page %u changed", when, i);
		CHECK(st.refcount == base[i].refcount + per_page * (NR / 2),
		      "%s: page %u's folio refcount %d, expected %d + %d", when, i,
		      st.refcount, base[i].refcount, per_page * (NR / 2));
		CHECK(st.maybe_pinned == pinned, "%s: pages[%u] is %sdma-pinned",
		      when, i, st.maybe_pinned ? "" : "NOT ");
	}
}

static void t_gup_ioctl(void *arg)
{
	const struct gup_case *c = arg;
	struct pmm_page_state base[NR];
	struct pmm_pin *pins[NR];
	unsigned int i, calls = 0, done = 0;

	for (i = 0; i < NR; i++)
		if (!conf_state(P, START + i * PAGE, &base[i]))
			return;
	while (done < NR) {
		unsigned int n = NR - done < c->nr ? NR - done : c->nr;
		int ret = pmm_pin(P, START + done * PAGE, n, cmd_flags(c),
				  &pins[calls]);

		CHECK(!ret, "%s: call %u failed: %d", cmd_names[c->cmd], calls, ret);
		calls++;
		done += n;
	}
	check_range(base, 1, c->cmd >= PIN_FAST, "after GUP");
	for (i = 0; i < calls; i++)
		pmm_unpin(pins[i]);
	check_range(base, 0, false, "after put_back_pages()");
}

static void setup_gup(void *arg)
{
	const struct gup_case *c = arg;

	if (map_range(c->shared))
		conf_task("gup_thread", 0, t_gup_ioctl, arg);
}

static void gup_matrix(enum gup_cmd cmd)
{
	static const unsigned int nums[] = { 1, 4, 3, NR };
	unsigned int w, s, n;

	for (w = 0; w < 2; w++)
		for (s = 0; s < 2; s++)
			for (n = 0; n < 4; n++) {
				struct gup_case c = { .cmd = cmd, .write = w,
						      .shared = s, .nr = nums[n] };
				struct pmm_program prog;

				snprintf(c.name, sizeof(c.name), "gup_test -H %s%s%s -n %u",
					 cmd_names[cmd], w ? " -w" : " -W",
					 s ? " -S" : "", c.nr);
				prog = (struct pmm_program)PROG(c.name, setup_gup,
								finish, &c);
				conf_expect_pass(&prog);
			}
}

static void test_gup_fast_benchmark(void **s) { (void)s; gup_matrix(GUP_FAST); }
static void test_gup_basic_test(void **s) { (void)s; gup_matrix(GUP_BASIC); }
static void test_pin_fast_benchmark(void **s) { (void)s; gup_matrix(PIN_FAST); }
static void test_pin_basic_test(void **s) { (void)s; gup_matrix(PIN_BASIC); }
static void test_pin_longterm_benchmark(void **s) { (void)s; gup_matrix(PIN_LONGTERM); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gup_fast_benchmark),
		cmocka_unit_test(test_gup_basic_test),
		cmocka_unit_test(test_pin_fast_benchmark),
		cmocka_unit_test(test_pin_basic_test),
		cmocka_unit_test(test_pin_longterm_benchmark),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
