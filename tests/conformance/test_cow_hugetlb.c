// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Port of tools/testing/selftests/mm/cow.c's anon_test_cases[] on its
 * hugetlb backings (run_with_hugetlb(), every detected size: here 2 MiB
 * and 1 GiB), the other half of test_cow_anon.c's base-page port.
 *
 * run_with_hugetlb(): mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB),
 * then memset(mem, 1, size) to populate. The selftest fills and compares
 * the whole huge page; here the first (up to) 2 MiB of it, the data
 * oracle checking every load in between: a 1 GiB fill would keep 1 GiB of
 * frame contents per execution. The vmsplice() and io_uring buffers are
 * one page of it (a GUP reference or pin of the huge folio).
 *
 * The vmsplice() cases are expected failures on hugetlb in cow.c
 * ("harder to fix and nobody really cares": hugetlb_wp() reuses a folio
 * mapped once whatever its reference count, and vmsplice() takes
 * FOLL_GET references). The model reproduces the leak: those cases
 * expect the selftest's own verdict to fire, as KSFT_XFAIL.
 *
 * Not ported: the mprotect() cases (test_cow_in_parent_mprotect,
 * test_vmsplice_in_child_mprotect, test_iouring_ro,
 * test_ro_pin_on_ro_exclusive, test_ro_fast_pin_on_ro_exclusive): the
 * model does not support mprotect() of a hugetlb mapping.
 */
#include "conformance.h"

struct hcase {
	const char *name;
	unsigned long size;	/* PMM_HUGE_2M or PMM_HUGE_1G */
	bool before_fork;
	bool fast;
	bool previously_shared;
	char full[128];
};

#define HMEM	0x40000000ul

static struct pmm_process *P;

static unsigned long span(const struct hcase *c)
{
	return c->size < PMM_HUGE_2M ? c->size : PMM_HUGE_2M;
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* run_with_hugetlb(): a machine with room for two pages of the size. */
static bool huge_page(const struct hcase *c)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = c->size == PMM_HUGE_1G ? 2 * PMM_HUGE_1G + (8ul << 20) :
					       16ul << 20;
	if (pmm_machine_init(&o)) {
		pmm_violation("setup", "pmm_machine_init failed");
		return false;
	}
	P = pmm_process_create();
	if (!P || pmm_hugetlb_set_pool(c->size, 2) != 2 ||
	    pmm_mmap_hugetlb(P, HMEM, c->size, PMM_PROT_READ | PMM_PROT_WRITE,
			     PMM_MAP_PRIVATE, c->size, NULL, 0) ||
	    conf_fill(P, HMEM, span(c), 1)) {
		pmm_violation("setup", "populating the huge page failed");
		return false;
	}
	return true;
}

/* do_test_cow_in_parent() with child_memcmp_fn(). */
static void t_cow_in_parent(void *arg)
{
	const struct hcase *c = arg;
	struct pmm_process *child = pmm_fork(P);
	unsigned char got = 0;
	int ret;

	CHECK(child, "fork() failed");
	CHECK(!conf_fill(P, HMEM, span(c), 0xff), "parent's memset() failed");
	ret = conf_expect(child, HMEM, span(c), 1, &got);
	CHECK(!ret, "Leak from parent into child (%d, read %#x)", ret, got);
	pmm_exit(child);
}

/* do_test_cow_in_parent() with child_vmsplice_memcmp_fn(). */
static void t_vmsplice_in_child(void *arg)
{
	const struct hcase *c = arg;
	struct pmm_process *child = pmm_fork(P);
	struct pmm_pin *pipe = NULL;
	unsigned char got = 0;
	int ret;

	CHECK(child, "fork() failed");
	ret = pmm_pin(child, HMEM, 1, PMM_GUP_GET | PMM_GUP_FAST, &pipe);
	CHECK(!ret, "vmsplice() failed: %d", ret);
	CHECK(!pmm_munmap(child, HMEM, c->size), "munmap() failed");
	CHECK(!conf_fill(P, HMEM, PAGE, 0xff), "parent's memset() failed");
	ret = conf_expect_pin(pipe, 0, PAGE, 1, &got);
	CHECK(!ret, "Leak from parent into child (%d, pipe read %#x)", ret, got);
	pmm_unpin(pipe);
	pmm_exit(child);
}

/* do_test_vmsplice_in_parent(). */
static void t_vmsplice_in_parent(void *arg)
{
	const struct hcase *c = arg;
	struct pmm_process *child;
	struct pmm_pin *pipe = NULL;
	unsigned char got = 0;
	int ret;

	if (c->before_fork)
		CHECK(!pmm_pin(P, HMEM, 1, PMM_GUP_GET | PMM_GUP_FAST, &pipe),
		      "vmsplice() failed");
	child = pmm_fork(P);
	CHECK(child, "fork() failed");
	if (!c->before_fork)
		CHECK(!pmm_pin(P, HMEM, 1, PMM_GUP_GET | PMM_GUP_FAST, &pipe),
		      "vmsplice() failed");
	CHECK(!pmm_munmap(P, HMEM, c->size), "munmap() failed");
	CHECK(!conf_fill(child, HMEM, PAGE, 0xff), "child's memset() failed");
	pmm_exit(child);
	ret = conf_expect_pin(pipe, 0, PAGE, 1, &got);
	CHECK(!ret, "Leak from child into parent (%d, pipe read %#x)", ret, got);
	pmm_unpin(pipe);
}

#define IOURING_PIN (PMM_GUP_WRITE | PMM_GUP_LONGTERM | PMM_GUP_FAST)

/* do_test_iouring(mem, size, true). */
static void t_iouring_fork(void *arg)
{
	const struct hcase *c = arg;
	struct pmm_page_state st, cst;
	struct pmm_process *child;
	struct pmm_pin *pin = NULL;
	unsigned char got = 0;
	int ret;

	ret = pmm_pin(P, HMEM, 1, IOURING_PIN, &pin);
	CHECK(!ret, "io_uring_register_buffers() failed: %d", ret);
	child = pmm_fork(P);
	CHECK(child, "fork() failed");
	CHECK(!conf_fill(P, HMEM, span(c), 0xff), "memset() failed");
	ret = conf_expect_pin(pin, 0, PAGE, 0xff, &got);
	CHECK(!ret, "Longterm R/W pin is not reliable (%d, read %#x)", ret, got);
	/* Beyond the selftest: fork() copied the pinned folio for the child. */
	if (conf_state(P, HMEM, &st) && conf_state(child, HMEM, &cst))
		CHECK(st.maybe_pinned && cst.pfn != st.pfn && !cst.maybe_pinned,
		      "the pinned huge page is shared with the child");
	ret = conf_expect(child, HMEM, span(c), 1, &got);
	CHECK(!ret, "Leak from parent into child (%d, read %#x)", ret, got);
	pmm_exit(child);
	pmm_unpin(pin);
}

/* do_test_ro_pin(), RO_PIN_TEST_SHARED and _PREVIOUSLY_SHARED. */
static void t_ro_pin(void *arg)
{
	const struct hcase *c = arg;
	struct pmm_process *child = pmm_fork(P);
	struct pmm_page_state st, cst;
	struct pmm_pin *pin = NULL;
	unsigned char got = 0;
	int ret;

	CHECK(child, "fork() failed");
	if (c->previously_shared) {
		pmm_exit(child);
		child = NULL;
	}
	ret = pmm_pin(P, HMEM, 1, PMM_GUP_LONGTERM | (c->fast ? PMM_GUP_FAST : 0),
		      &pin);
	CHECK(!ret, "PIN_LONGTERM_TEST_START failed: %d", ret);
	if (conf_state(P, HMEM, &st)) {
		CHECK(st.maybe_pinned && st.anon_exclusive,
		      "R/O pinned huge page is not exclusive");
		if (child && conf_state(child, HMEM, &cst))
			CHECK(cst.pfn != st.pfn, "R/O pin did not unshare the page");
	}
	CHECK(!conf_fill(P, HMEM, span(c), 0xff), "memset() failed");
	ret = conf_expect_pin(pin, 0, PAGE, 0xff, &got);
	CHECK(!ret, "Longterm R/O pin is not reliable (%d, read %#x)", ret, got);
	pmm_unpin(pin);
	if (child) {
		ret = conf_expect(child, HMEM, span(c), 1, &got);
		CHECK(!ret, "Leak from parent into child (%d, read %#x)", ret, got);
		pmm_exit(child);
	}
}

static void (*task_fn)(void *);

static void setup(void *arg)
{
	if (huge_page(arg))
		conf_task("selftest", 0, task_fn, arg);
}

static struct pmm_program prog_of(void (*fn)(void *), struct hcase *c)
{
	task_fn = fn;
	snprintf(c->full, sizeof(c->full), "%s ... with hugetlb (%lu kB)",
		 c->name, c->size >> 10);
	return (struct pmm_program)PROG(c->full, setup, finish, c);
}

static const unsigned long sizes[] = { PMM_HUGE_2M, PMM_HUGE_1G };

static void pass(void (*fn)(void *), struct hcase c)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct pmm_program prog;

		c.size = sizes[i];
		prog = prog_of(fn, &c);
		conf_expect_pass(&prog);
	}
}

/* KSFT_XFAIL in cow.c: the selftest's verdict fires in every execution. */
static void xfail(void (*fn)(void *), struct hcase c, const char *verdict)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct pmm_program prog;

		c.size = sizes[i];
		prog = prog_of(fn, &c);
		conf_expect_bug(&prog, 0, "selftest", verdict);
	}
}

static void test_cow_in_parent(void **s)
{
	(void)s;
	pass(t_cow_in_parent, (struct hcase){ .name = "test_cow_in_parent" });
}

static void test_vmsplice_in_child(void **s)
{
	(void)s;
	xfail(t_vmsplice_in_child, (struct hcase){ .name = "test_vmsplice_in_child" },
	      "Leak from parent into child");
}

static void test_vmsplice_before_fork(void **s)
{
	(void)s;
	xfail(t_vmsplice_in_parent, (struct hcase){ .name = "test_vmsplice_before_fork",
						    .before_fork = true },
	      "Leak from child into parent");
}

static void test_vmsplice_after_fork(void **s)
{
	(void)s;
	xfail(t_vmsplice_in_parent, (struct hcase){ .name = "test_vmsplice_after_fork" },
	      "Leak from child into parent");
}

static void test_iouring_fork(void **s)
{
	(void)s;
	pass(t_iouring_fork, (struct hcase){ .name = "test_iouring_fork" });
}

static void test_ro_pin_on_shared(void **s)
{
	(void)s;
	pass(t_ro_pin, (struct hcase){ .name = "test_ro_pin_on_shared" });
	pass(t_ro_pin, (struct hcase){ .name = "test_ro_fast_pin_on_shared",
				       .fast = true });
}

static void test_ro_pin_on_ro_previously_shared(void **s)
{
	(void)s;
	pass(t_ro_pin, (struct hcase){ .name = "test_ro_pin_on_ro_previously_shared",
				       .previously_shared = true });
	pass(t_ro_pin, (struct hcase){ .name = "test_ro_fast_pin_on_ro_previously_shared",
				       .previously_shared = true, .fast = true });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cow_in_parent),
		cmocka_unit_test(test_vmsplice_in_child),
		cmocka_unit_test(test_vmsplice_before_fork),
		cmocka_unit_test(test_vmsplice_after_fork),
		cmocka_unit_test(test_iouring_fork),
		cmocka_unit_test(test_ro_pin_on_shared),
		cmocka_unit_test(test_ro_pin_on_ro_previously_shared),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
