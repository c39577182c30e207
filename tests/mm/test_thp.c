// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Anonymous THP (mm/huge_memory.c), one task at a time: the PMD fault and
 * its knobs, the huge zero page, COW of a PMD-mapped THP (reuse when
 * exclusive, split and copy one page when shared), fork of a maybe-pinned
 * THP, split_folio()'s reference freeze, partial munmap and mprotect
 * splitting the PMD, and GUP (slow and fast) of a PMD leaf.
 */
#include "mm_test.h"

#include "protmm/knob.h"

#define H	0x40000000ul		/* 2 MiB aligned */
#define HUGE	(2ul << 20)

static struct pmm_process *P, *C;

static void state(struct pmm_process *p, unsigned long addr,
		  struct pmm_page_state *st)
{
	memset(st, 0, sizeof(*st));
	check(pmm_page_state(p, addr, st) == 0);
}

static void thp_up(void)
{
	machine_up(16ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, H, 2 * HUGE, RW, PMM_MAP_PRIVATE, NULL, 0);
}

/* do_huge_pmd_anonymous_page(): a write maps a whole 2 MiB folio. */
static void fault_body(void *arg)
{
	struct pmm_page_state s0, s1;
	char c = 0;

	(void)arg;
	check(pmm_store(P, H + 5, "t", 1) == 0);
	check(pmm_thp_state(P, H) == PMM_THP_PMD);
	state(P, H, &s0);
	state(P, H + 4096, &s1);
	check(s0.writable && s0.anon_exclusive && s0.refcount == 1 &&
	      s0.mapcount == 1 && s1.pfn == s0.pfn + 1);
	check(pmm_load(P, H + HUGE - 1, &c, 1) == 0 && c == 0);
	check(pmm_load(P, H + 5, &c, 1) == 0 && c == 't');
}

static void fault_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_task_create("fault", 0, fault_body, NULL);
}

static void test_thp_fault(void **st)
{
	(void)st;
	assert_int_equal(run_clean(fault_setup), 1);
}

/* thp.enabled and madvise(): who gets a THP. */
static void knob_body(void *arg)
{
	const char *mode = arg;

	check(pmm_madvise(P, H, HUGE, 4 /* MADV_DONTNEED */) == -EOPNOTSUPP);
	check(pmm_madvise(P, H, 4096, PMM_MADV_HUGEPAGE) == -EOPNOTSUPP);
	if (!strcmp(mode, "madvise")) {
		check(pmm_store(P, H, "a", 1) == 0);
		check(pmm_thp_state(P, H) == PMM_THP_NONE);
		check(pmm_madvise(P, H, 2 * HUGE, PMM_MADV_HUGEPAGE) == 0);
		check(pmm_store(P, H + HUGE, "b", 1) == 0);
		check(pmm_thp_state(P, H + HUGE) == PMM_THP_PMD);
	} else if (!strcmp(mode, "always")) {
		check(pmm_madvise(P, H, 2 * HUGE, PMM_MADV_NOHUGEPAGE) == 0);
		check(pmm_store(P, H, "a", 1) == 0);
		check(pmm_thp_state(P, H) == PMM_THP_NONE);
	} else {
		check(pmm_madvise(P, H, 2 * HUGE, PMM_MADV_HUGEPAGE) == 0);
		check(pmm_store(P, H, "a", 1) == 0);
		check(pmm_thp_state(P, H) == PMM_THP_NONE);
	}
}

static const char *knob_mode;

static void knob_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_task_create("knob", 0, knob_body, (void *)knob_mode);
}

static void test_thp_knobs(void **st)
{
	static const char *const modes[] = { "always", "madvise", "never" };
	unsigned int i;

	(void)st;
	for (i = 0; i < 3; i++) {
		assert_int_equal(pmm_knob_set("thp.enabled", modes[i]), 0);
		knob_mode = modes[i];
		assert_int_equal(run_clean(knob_setup), 1);
	}
	pmm_knob_reset();
}

/*
 * The huge zero page on a read; a write splits it into the small zero
 * page's PTEs and copies one page (do_huge_pmd_wp_page()'s fallback).
 */
static void zero_body(void *arg)
{
	struct pmm_page_state z, w, n;
	char c = 1;

	(void)arg;
	check(pmm_load(P, H, &c, 1) == 0 && c == 0);
	check(pmm_thp_state(P, H) == PMM_THP_PMD);
	state(P, H, &z);
	check(!z.writable && z.mapcount == 0);
	check(pmm_store(P, H + 4096, "w", 1) == 0);
	state(P, H + 4096, &w);
	state(P, H + 8192, &n);
	check(w.writable && w.pfn != z.pfn + 1 && w.refcount == 1);
	check(!n.writable && n.pfn != z.pfn + 2 &&
	      pmm_thp_state(P, H + 8192) == PMM_THP_NONE);
	check(pmm_load(P, H + 8192, &c, 1) == 0 && c == 0);
	check(pmm_load(P, H + 4096, &c, 1) == 0 && c == 'w');
	/* fork shares the huge zero page's PMD (copy_huge_pmd()). */
	check(pmm_load(P, H + HUGE, &c, 1) == 0 && c == 0);
	C = pmm_fork(P);
	check(C && pmm_thp_state(C, H + HUGE) == PMM_THP_PMD);
	state(C, H + HUGE, &n);
	check(n.pfn == z.pfn && !n.writable);
	check(pmm_store(C, H + HUGE, "c", 1) == 0);
	check(pmm_thp_state(P, H + HUGE) == PMM_THP_PMD);
	check(pmm_load(P, H + HUGE, &c, 1) == 0 && c == 0);
	pmm_exit(C);
}

static void zero_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_task_create("zero", 0, zero_body, NULL);
}

/* use_zero_page off: a read fault maps a writable THP of its own. */
static void nozero_body(void *arg)
{
	struct pmm_page_state s;
	char c = 1;

	(void)arg;
	check(pmm_load(P, H, &c, 1) == 0 && c == 0);
	state(P, H, &s);
	check(pmm_thp_state(P, H) == PMM_THP_PMD && s.writable && s.refcount == 1);
}

static void nozero_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_task_create("nozero", 0, nozero_body, NULL);
}

static void test_huge_zero_page(void **st)
{
	(void)st;
	assert_int_equal(run_clean(zero_setup), 1);
	assert_int_equal(pmm_knob_set("thp.use_zero_page", "off"), 0);
	assert_int_equal(run_clean(nozero_setup), 1);
	pmm_knob_reset();
}

/* After fork the THP is shared read-only; alone again, it is reused. */
static void reuse_body(void *arg)
{
	struct pmm_page_state p0, c0, p1;

	(void)arg;
	state(P, H, &p0);
	state(C, H, &c0);
	check(p0.pfn == c0.pfn && !p0.writable && !c0.writable &&
	      !p0.anon_exclusive && p0.refcount == 2 && p0.mapcount == 2);
	pmm_exit(C);
	check(pmm_store(P, H + 3, "r", 1) == 0);
	state(P, H, &p1);
	check(pmm_thp_state(P, H) == PMM_THP_PMD && p1.pfn == p0.pfn &&
	      p1.writable && p1.anon_exclusive && p1.refcount == 1);
}

static void reuse_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_store(P, H, "a", 1);
	C = pmm_fork(P);
	pmm_task_create("reuse", 0, reuse_body, NULL);
}

static void test_thp_cow_reuse(void **st)
{
	(void)st;
	assert_int_equal(run_clean(reuse_setup), 1);
}

/*
 * COW of a shared THP: the writer's PMD is split, one page copied; the
 * rest stays shared, PTE-mapped in the writer, PMD-mapped in the other.
 */
static void cow_body(void *arg)
{
	struct pmm_page_state p0, c0, c1, p1;
	char c;

	(void)arg;
	state(P, H, &p0);
	check(pmm_store(C, H, "c", 1) == 0);
	state(C, H, &c0);
	state(C, H + 4096, &c1);
	check(c0.pfn != p0.pfn && c0.writable && c0.refcount == 1);
	check(c1.pfn == p0.pfn + 1 && !c1.writable);
	check(pmm_thp_state(C, H) == PMM_THP_NONE &&
	      pmm_thp_state(C, H + 4096) == PMM_THP_PTE &&
	      pmm_thp_state(P, H) == PMM_THP_PMD);
	state(P, H, &p1);
	check(p1.refcount == 1 + 511 && p1.mapcount == 1 + 511);
	check(pmm_load(P, H, &c, 1) == 0 && c == 'a');
	check(pmm_load(C, H, &c, 1) == 0 && c == 'c');
	check(pmm_store(P, H + 4096, "p", 1) == 0);
	check(pmm_load(C, H + 4096, &c, 1) == 0 && c == 0);
	/* Still PTE-mapped by both processes: this split is not modelled. */
	check(pmm_split_thp(P, H + 8192) == -EOPNOTSUPP);
}

static void cow_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_store(P, H, "a", 1);
	C = pmm_fork(P);
	pmm_task_create("cow", 0, cow_body, NULL);
}

static void test_thp_cow_shared(void **st)
{
	(void)st;
	assert_int_equal(run_clean(cow_setup), 1);
}

/*
 * fork of a pinned THP (copy_huge_pmd()): not shared; the parent's PMD is
 * split and the child gets copies, so the pin keeps the parent's pages.
 */
static void forkpin_body(void *arg)
{
	struct pmm_pin *pin = NULL;
	struct pmm_page_state p0, p1, c0;
	char c;

	(void)arg;
	check(pmm_pin(P, H, 1, PMM_GUP_WRITE, &pin) == 0);
	state(P, H, &p0);
	check(p0.maybe_pinned);
	C = pmm_fork(P);
	check(C != NULL);
	state(P, H, &p1);
	state(C, H, &c0);
	check(p1.pfn == p0.pfn && p1.writable && c0.pfn != p0.pfn);
	check(pmm_thp_state(P, H) == PMM_THP_PTE &&
	      pmm_thp_state(C, H) == PMM_THP_NONE);
	check(pmm_load(C, H, &c, 1) == 0 && c == 'a');
	pmm_unpin(pin);
}

static void forkpin_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_store(P, H, "a", 1);
	pmm_task_create("forkpin", 0, forkpin_body, NULL);
}

static void test_thp_fork_pinned(void **st)
{
	(void)st;
	assert_int_equal(run_clean(forkpin_setup), 1);
}

/* split_folio(): refused while pinned or referenced, then done. */
static void split_body(void *arg)
{
	struct pmm_pin *pin = NULL, *ref = NULL;
	struct pmm_page_state s0, s1;
	char c;

	(void)arg;
	state(P, H, &s0);
	check(pmm_pin(P, H + 8192, 1, 0, &pin) == 0);
	check(pmm_split_thp(P, H) == -EAGAIN);
	check(pmm_thp_state(P, H) == PMM_THP_PMD);
	pmm_unpin(pin);
	check(pmm_pin(P, H, 1, PMM_GUP_GET | PMM_GUP_FAST, &ref) == 0);
	check(pmm_split_thp(P, H) == -EAGAIN);
	pmm_unpin(ref);
	check(pmm_split_thp(P, H) == 0);
	check(pmm_thp_state(P, H) == PMM_THP_NONE &&
	      pmm_thp_state(P, H + HUGE - 4096) == PMM_THP_NONE);
	state(P, H + 4096, &s1);
	check(s1.pfn == s0.pfn + 1 && s1.refcount == 1 && s1.mapcount == 1 &&
	      s1.anon_exclusive && s1.writable);
	check(pmm_load(P, H, &c, 1) == 0 && c == 'a');
	check(pmm_split_thp(P, H) == -EINVAL);
}

static void split_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_store(P, H, "a", 1);
	pmm_task_create("split", 0, split_body, NULL);
}

static void test_split_folio_freeze(void **st)
{
	(void)st;
	assert_int_equal(run_clean(split_setup), 1);
}

/* munmap and mprotect of part of a THP split its PMD. */
static void partial_body(void *arg)
{
	struct pmm_page_state s;
	char c;

	(void)arg;
	check(pmm_munmap(P, H + 4096, 4096) == 0);
	check(pmm_thp_state(P, H) == PMM_THP_PTE);
	check(pmm_load(P, H + 4096, &c, 1) == -EFAULT);
	state(P, H, &s);
	check(s.refcount == 511 && s.mapcount == 511);
	check(pmm_load(P, H, &c, 1) == 0 && c == 'a');
	check(pmm_store(P, H + HUGE, "b", 1) == 0);
	check(pmm_mprotect(P, H + HUGE, 4096, PMM_PROT_READ) == 0);
	check(pmm_thp_state(P, H + HUGE) == PMM_THP_PTE);
	check(pmm_store(P, H + HUGE, "x", 1) == -EFAULT);
	check(pmm_store(P, H + HUGE + 4096, "y", 1) == 0);
	check(pmm_load(P, H + HUGE, &c, 1) == 0 && c == 'b');
	check(pmm_munmap(P, H, 2 * HUGE) == 0);
}

static void partial_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_store(P, H, "a", 1);
	pmm_task_create("partial", 0, partial_body, NULL);
}

static void test_thp_partial_unmap_mprotect(void **st)
{
	(void)st;
	assert_int_equal(run_clean(partial_setup), 1);
}

/* GUP of a PMD leaf: a pin counts in _pincount, one reference each. */
static void gup_body(void *arg)
{
	struct pmm_pin *slow = NULL, *fast = NULL;
	struct pmm_page_state s;

	(void)arg;
	check(pmm_pin(P, H + 8192, 4, PMM_GUP_WRITE, &slow) == 0);
	check(pmm_pin(P, H + 4096, 2, PMM_GUP_FAST, &fast) == 0);
	state(P, H, &s);
	check(s.maybe_pinned && s.refcount == 1 + 4 + 2 &&
	      pmm_thp_state(P, H) == PMM_THP_PMD);
	pmm_unpin(slow);
	pmm_unpin(fast);
	state(P, H, &s);
	check(!s.maybe_pinned && s.refcount == 1);
}

static void gup_setup(void *arg)
{
	(void)arg;
	thp_up();
	pmm_store(P, H, "a", 1);
	pmm_task_create("gup", 0, gup_body, NULL);
}

static void test_thp_gup(void **st)
{
	(void)st;
	assert_int_equal(run_clean(gup_setup), 1);
}

/*
 * GUP-fast on a PMD leaf against munmap, with another process faulting a
 * THP on munmap's CPU (which gets the freed 2 MiB): gup_fast_pmd_leaf()
 * grabs the folio through the PMD it read, then reads the PMD again and
 * backs off if it changed. Without that recheck the pin would hold the
 * other process's THP and the device's write would land in it.
 */
#define Q_H	0x80000000ul
static struct pmm_process *Q;

static void race_pinner(void *arg)
{
	struct pmm_pin *pin;

	(void)arg;
	if (pmm_pin(P, H, 1, PMM_GUP_FAST | PMM_GUP_WRITE, &pin))
		return;
	pmm_pin_dma(pin, 0, "D", 1, true);
	pmm_unpin(pin);
}

static void race_unmapper(void *arg)
{
	(void)arg;
	pmm_munmap(P, H, 2 * HUGE);
}

static void race_other(void *arg)
{
	(void)arg;
	pmm_store(Q, Q_H, "q", 1);
}

static void race_setup(void *arg)
{
	(void)arg;
	machine_up(8ul << 20);
	P = pmm_process_create();
	Q = pmm_process_create();
	pmm_mmap(P, H, 2 * HUGE, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_mmap(Q, Q_H, HUGE, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, H, "a", 1);
	pmm_task_create("pin", 0, race_pinner, NULL);
	pmm_task_create("munmap", 1, race_unmapper, NULL);
	pmm_task_create("other", 1, race_other, NULL);
}

/* Q reads its THP back at the end: it must still hold what Q wrote. */
static void race_finish(void *arg)
{
	char c;

	pmm_load(Q, Q_H, &c, 1);
	machine_down(arg);
}

static void test_gup_fast_pmd_recheck(void **st)
{
	struct pmm_program prog = { "thp-race", "", race_setup, race_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)st;
	o.trace = false;
	o.strategy = PMM_STRATEGY_PCT;
	o.max_executions = 3000;
	o.stop_on_violation = true;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	assert_int_equal(r.executions, 3000);
	pmm_explore_result_release(&r);
}

/* Reclaim meeting a PMD-mapped THP splits it and swaps the pages out. */
static void reclaim_body(void *arg)
{
	char c = 0;

	(void)arg;
	check(pmm_reclaim(P, H, HUGE) == (long)(HUGE / 4096));
	check(pmm_swapped(P, H) && pmm_swapped(P, H + HUGE - 4096));
	check(pmm_load(P, H + 1, &c, 1) == 0 && c == 'b');
	check(pmm_thp_state(P, H) == PMM_THP_NONE);
}

static void reclaim_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = 16ul << 20;
	o.swap_bytes = 4ul << 20;
	if (pmm_machine_init(&o))
		fail_msg("pmm_machine_init");
	P = pmm_process_create();
	pmm_mmap(P, H, HUGE, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, H, "ab", 2);
	pmm_task_create("reclaim", 0, reclaim_body, NULL);
}

static void test_thp_reclaim_splits(void **st)
{
	(void)st;
	assert_int_equal(run_clean(reclaim_setup), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thp_fault),
		cmocka_unit_test(test_thp_knobs),
		cmocka_unit_test(test_huge_zero_page),
		cmocka_unit_test(test_thp_cow_reuse),
		cmocka_unit_test(test_thp_cow_shared),
		cmocka_unit_test(test_thp_fork_pinned),
		cmocka_unit_test(test_split_folio_freeze),
		cmocka_unit_test(test_thp_partial_unmap_mprotect),
		cmocka_unit_test(test_thp_gup),
		cmocka_unit_test(test_gup_fast_pmd_recheck),
		cmocka_unit_test(test_thp_reclaim_splits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
