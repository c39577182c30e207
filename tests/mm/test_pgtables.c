// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Page tables freed by munmap (free_pgtables()) and the protocol GUP-fast
 * relies on: its walk runs with interrupts off, and a table is freed only
 * after a flush IPI those hold up (mm.pgtable_free = after_flush with
 * tlb.flush = ipi) or after an RCU grace period (rcu). A flush that waits
 * for no CPU, with tables freed right after it, lets the walker read a
 * freed table.
 */
#include "mm_test.h"

#include "machine/machine.h"
#include "mm/pgalloc.h"

#define A 0x100000ul
#define A2 (A + 0x1000ul)
#define FAR 0x40000000ul	/* another PMD table's span */

static struct pmm_process *P;

/* A VMA left in the table's span keeps it; the last one gone frees it. */
static void free_body(void *arg)
{
	struct mm_struct *mm = P->mm;
	unsigned long ptes = mm->nr_ptes;

	(void)arg;
	check(pmm_munmap(P, A, 4096) == 0);
	check(pte_offset_map(mm, A2, NULL) != NULL);
	check(mm->nr_ptes == ptes);
	check(pmm_munmap(P, A2, 4096) == 0);
	check(pte_offset_map(mm, A2, NULL) == NULL);
	/* The PTE table and the PMD table under it; FAR keeps the PUD's. */
	check(mm->nr_ptes == ptes - 2);
	check(pte_offset_map(mm, FAR, NULL) != NULL);
	check(pmm_store(P, FAR, "f", 1) == 0);
	/* A new mapping where the tables were gets new ones. */
	check(pmm_mmap(P, A, 4096, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_store(P, A, "n", 1) == 0);
	check(mm->nr_ptes == ptes);
}

static void free_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, A, 8192, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_mmap(P, FAR, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "a", 1);
	pmm_store(P, A2, "b", 1);
	pmm_store(P, FAR, "c", 1);
	pmm_task_create("free", 0, free_body, NULL);
}

static void test_munmap_frees_tables(void **state)
{
	(void)state;
	assert_int_equal(run_clean(free_setup), 1);
}

/* GUP-fast walks P's tables while munmap frees them. */
static void pinner(void *arg)
{
	struct pmm_pin *pin;

	(void)arg;
	if (!pmm_pin(P, A, 1, PMM_GUP_FAST | PMM_GUP_GET, &pin))
		pmm_unpin(pin);
}

static void unmapper(void *arg)
{
	(void)arg;
	pmm_munmap(P, A, 4096);
}

/* exit_mmap() frees the tables the same way. */
static void exiter(void *arg)
{
	(void)arg;
	pmm_exit(P);
}

static bool race_exit;

static void race_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, A, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "a", 1);
	pmm_task_create("pin", 0, pinner, NULL);
	if (race_exit)
		pmm_task_create("exit", 1, exiter, NULL);
	else
		pmm_task_create("munmap", 1, unmapper, NULL);
}

/*
 * Exhaustively, under the two knobs: the violations found. DPOR, which
 * sees the race because pgtable_free() and GUP-fast's check name the
 * table's flags.
 */
static uint64_t race(const char *pgtable_free, const char *flush,
		     struct pmm_explore_result *r)
{
	struct pmm_program prog = { "pgtables", "", race_setup, machine_down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.strategy = PMM_STRATEGY_DPOR;
	assert_int_equal(pmm_knob_set("mm.pgtable_free", pgtable_free), 0);
	assert_int_equal(pmm_knob_set("tlb.flush", flush), 0);
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, r), 0);
	pmm_knob_reset();
	assert_true(r->complete);
	return r->violations;
}

static void test_rcu_table_free(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	/* arm64 and x86 today; the grace period waits whatever the flush. */
	assert_int_equal(race("rcu", "broadcast", &r), 0);
	pmm_explore_result_release(&r);
	assert_int_equal(race("rcu", "ipi", &r), 0);
	pmm_explore_result_release(&r);
}

static void test_ipi_holds_off_table_free(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	/* x86 on bare metal until tables went through RCU there too. */
	assert_int_equal(race("after_flush", "ipi", &r), 0);
	pmm_explore_result_release(&r);
}

static void test_table_freed_under_walker(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_not_equal(race("after_flush", "broadcast", &r), 0);
	assert_string_equal(r.oracle, "use-after-free");
	assert_non_null(strstr(r.message, "GUP-fast read the PTE"));
	pmm_explore_result_release(&r);
}

static void test_exit_table_free(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	race_exit = true;
	assert_int_equal(race("rcu", "broadcast", &r), 0);
	pmm_explore_result_release(&r);
	assert_int_equal(race("after_flush", "ipi", &r), 0);
	pmm_explore_result_release(&r);
	assert_int_not_equal(race("after_flush", "broadcast", &r), 0);
	assert_string_equal(r.oracle, "use-after-free");
	pmm_explore_result_release(&r);
	race_exit = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_munmap_frees_tables),
		cmocka_unit_test(test_rcu_table_free),
		cmocka_unit_test(test_ipi_holds_off_table_free),
		cmocka_unit_test(test_table_freed_under_walker),
		cmocka_unit_test(test_exit_table_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
