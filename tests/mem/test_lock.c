// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Folio state shared between tasks (src/mem/folio.h, folio.c): the folio
 * lock (PG_locked and its bit wait queue), PG_writeback and
 * folio_wait_writeback(), and the race that folio_ref_freeze() exists to
 * win: freezing a folio's count against a concurrent folio_try_get().
 *
 * Stepping (see ../sched/test_wait.c): folio_lock() is one
 * test_and_set_bit; when that fails, the task queues itself (no step),
 * tries once more (a step), and sleeps: running again after the wake-up is
 * one more step, which re-queues and tries again. folio_unlock() is two
 * steps, the clear and the wake-up. Atomic and bit operations are one step
 * each; a task waiting for a wake-up is not runnable.
 */
#include "mem_test.h"

struct shared {
	struct folio *f;
	atomic_t inside;
	/* Outcomes, written by the tasks without a yield point. */
	bool froze, got, frozen_now;
};

static struct shared *sh;

static void shared_setup(unsigned int refs)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	sh = NULL;
	if (pmm_machine_init(&o)) {
		pmm_violation("setup", "pmm_machine_init failed");
		return;
	}
	sh = pmm_alloc(sizeof(*sh));
	sh->f = folio_alloc(0, 0);
	if (!sh->f) {
		pmm_violation("setup", "no folio");
		return;
	}
	if (refs > 1)
		folio_ref_add(sh->f, (int)refs - 1);
	pmm_obj_name(&sh->inside, "inside");
}

/* Drops @refs references and tears the machine down (leak oracle). */
static void shared_finish(unsigned int refs)
{
	folio_put_refs(sh->f, (int)refs);
	pmm_machine_finish();
}

/*
 * Mutual exclusion: two tasks, each locks, enters (inc "inside", which
 * must be 1), leaves (dec) and unlocks. A winner's steps are L (lock),
 * I, D, C (clear), W (wake). By hand, with T0's L first (T1's first
 * mirrors it, x 2):
 *
 *   T1's L after T0's W                      1
 *   T1's L between C and W: wins; T0's W
 *   interleaves with T1's I D C W            5
 *   T1's L before C (3 places: before I, D
 *   or C): fails, queues; its retry L2 then
 *     falls before C (and fails: T1 sleeps
 *     until T0's W, then runs alone)         1 per place left before C
 *     falls between C and W (wins)           5
 *     falls after W (wins, alone)            1
 *   so 9, 8 and 7 for the three places      24
 *
 * 30 x 2 = 60 executions, none with both inside.
 */
static void excl_task(void *arg)
{
	(void)arg;
	folio_lock(sh->f);
	if (atomic_inc_return(&sh->inside) != 1)
		pmm_violation("exclusion", "two tasks hold the folio lock");
	atomic_dec(&sh->inside);
	folio_unlock(sh->f);
}

static void excl_setup(void *arg)
{
	unsigned int i, n = (unsigned int)(uintptr_t)arg;

	shared_setup(1);
	for (i = 0; sh && i < n; i++)
		task_new("locker", (int)i, excl_task, NULL);
}

static void excl_finish(void *arg)
{
	(void)arg;
	if (folio_test_locked(sh->f) || sh->inside.counter)
		pmm_violation("final-state", "folio still locked");
	shared_finish(1);
}

static void test_folio_lock_exclusion(void **state)
{
	const struct pmm_program two = PROGRAM_ARG("folio-lock-2", excl_setup,
						   excl_finish, (uintptr_t)2);
	const struct pmm_program three = PROGRAM_ARG("folio-lock-3", excl_setup,
						     excl_finish, (uintptr_t)3);
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	explore_expect(&two, 60, 0, 0);
	/* Three lockers: every interleaving, no count by hand. */
	explore_all(&three, &r);
	if (r.violations)
		explore_report("folio-lock-3", &r);
	assert_int_equal(r.violations, 0);
	assert_true(r.executions > 60);
	pmm_explore_result_release(&r);
	/* And a random sample of the same, as a second strategy. */
	o.strategy = PMM_STRATEGY_RANDOM;
	o.max_executions = 2000;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&three, &o, &r), 0);
	assert_int_equal(r.executions, 2000);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
	native_expect_clean(&three, 300);
}

/* Control: the same tasks without the lock do meet inside. */
static void nolock_task(void *arg)
{
	(void)arg;
	if (atomic_inc_return(&sh->inside) != 1)
		pmm_violation("exclusion", "two tasks inside");
	atomic_dec(&sh->inside);
}

static void nolock_setup(void *arg)
{
	(void)arg;
	shared_setup(1);
	task_new("t0", 0, nolock_task, NULL);
	task_new("t1", 1, nolock_task, NULL);
}

/*
 * Each task is I, D. Clean: one task's I D wholly before the other's, 2.
 * Violating: the second I before the first D, which ends the execution:
 * I0 I1 and I1 I0, 2. 4 executions, 2 "exclusion".
 */
static void test_folio_lock_control(void **state)
{
	const struct pmm_program p = PROGRAM("no-lock", nolock_setup, excl_finish);

	(void)state;
	explore_expect_oracle(&p, 4, 2, 0, "exclusion", NULL);
}

/* trylock: fails on a locked folio and changes nothing; succeeds on a free one. */
static void trylock_body(void)
{
	struct folio *f = folio_alloc(0, 0);

	if (!f)
		return;
	CHECK(folio_trylock(f));
	CHECK(folio_test_locked(f));
	CHECK(!folio_trylock(f));
	CHECK(folio_test_locked(f));
	folio_unlock(f);
	CHECK(!folio_test_locked(f));
	CHECK(folio_trylock(f));
	folio_unlock(f);
	/* folio_lock() on a free lock takes it at once, in a task too. */
	folio_lock(f);
	CHECK(folio_test_locked(f) && !folio_trylock(f));
	folio_unlock(f);
	folio_put(f);
}

/* Unlocking a folio nobody locked: VM_BUG_ON_FOLIO(!folio_test_locked()). */
static void unlock_unlocked_body(void)
{
	struct folio *f = folio_alloc(0, 0);

	folio_unlock(f);
}

/* Unlocking twice. */
static void unlock_twice_body(void)
{
	struct folio *f = folio_alloc(0, 0);

	folio_lock(f);
	folio_unlock(f);
	folio_unlock(f);
}

static void test_folio_lock_semantics(void **state)
{
	(void)state;
	checks_reset();
	run_body(trylock_body);
	run_body_expect(trylock_body, true, NULL, NULL);
	assert_checks();
	run_body_expect(unlock_unlocked_body, true, "bug-on",
			"folio_unlock of unlocked frame 0x1");
	run_body_expect(unlock_twice_body, true, "bug-on",
			"folio_unlock of unlocked frame 0x1");
}

/*
 * folio_wait_writeback() against folio_end_writeback(). setup() starts
 * writeback (under the folio lock, as the kernel requires). T0 waits; T1
 * ends writeback: G (folio_get), B (test_bit), C (clear), W (wake), P
 * (folio_put). T0's reads see PG_writeback set before C and clear after:
 * X1 (the loop's test), W1 (wait_on_bit's fast path), W2 (the test after
 * queueing), S (the wake-up, only after W), W3, X2 (the loop's test
 * again). By hand, by how far T0 gets before C:
 *
 *   X1 after C, then done: 3 places (before W, before P, after P)     3
 *   X1 before C (3 places); W1 after C, then X2: [W1 X2] with [W P]  18
 *   X1 W1 before C ([X1 W1] with [G B]: 6); W2 X2 after: 6           36
 *   X1 W1 W2 before C ([X1 W1 W2] with [G B]: 10); T0 sleeps until W,
 *   then S W3 X2 interleave with P: 4                                40
 *
 * 97 executions, no lost wake-up, and T0 never leaves before C.
 */
static void wb_wait_task(void *arg)
{
	(void)arg;
	folio_wait_writeback(sh->f);
	if (__atomic_load_n(&sh->f->flags, __ATOMIC_RELAXED) & (1ul << PG_writeback))
		pmm_violation("writeback", "wait returned under writeback");
}

static void wb_end_task(void *arg)
{
	(void)arg;
	folio_end_writeback(sh->f);
}

/* Control: clears the bit but wakes nobody. */
static void wb_clear_task(void *arg)
{
	(void)arg;
	clear_bit(PG_writeback, &sh->f->flags);
}

static void wb_setup(void *arg)
{
	shared_setup(1);
	if (!sh)
		return;
	folio_lock(sh->f);
	folio_start_writeback(sh->f);
	folio_unlock(sh->f);
	task_new("waiter", 0, wb_wait_task, NULL);
	task_new("ender", 1, arg ? wb_clear_task : wb_end_task, NULL);
}

static void wb_finish(void *arg)
{
	(void)arg;
	if (folio_test_writeback(sh->f) || folio_ref_count(sh->f) != 1)
		pmm_violation("final-state", "writeback %d, refcount %d",
			      folio_test_writeback(sh->f), folio_ref_count(sh->f));
	shared_finish(1);
}

/*
 * The control: T1 is one step, C. X1 after C; X1 before C with W1 after;
 * X1 W1 before with W2 after; and X1 W1 W2 before C, where T0 sleeps and
 * nobody wakes it: 4 executions, 1 deadlock.
 */
static void test_wait_writeback(void **state)
{
	const struct pmm_program p = PROGRAM("wait-writeback", wb_setup, wb_finish);
	const struct pmm_program lost = PROGRAM_ARG("no-wake", wb_setup, wb_finish, (uintptr_t)1);

	(void)state;
	explore_expect(&p, 97, 0, 0);
	explore_expect_oracle(&lost, 4, 1, 1, "deadlock", NULL);
	native_expect_clean(&p, 500);
}

/* Writeback bit misuse: __folio_start_writeback()'s and end's checks. */
static void wb_unlocked_body(void)
{
	struct folio *f = folio_alloc(0, 0);

	folio_start_writeback(f);
}

static void wb_twice_body(void)
{
	struct folio *f = folio_alloc(0, 0);

	folio_lock(f);
	folio_start_writeback(f);
	folio_start_writeback(f);
}

static void wb_end_not_body(void)
{
	struct folio *f = folio_alloc(0, 0);

	folio_end_writeback(f);
}

/* The legal sequence leaves no trace: flags clear, count 1. */
static void wb_ok_body(void)
{
	struct folio *f = folio_alloc(0, 0);

	if (!f)
		return;
	folio_lock(f);
	folio_start_writeback(f);
	CHECK(folio_test_writeback(f));
	folio_unlock(f);
	folio_end_writeback(f);
	CHECK(!folio_test_writeback(f) && !folio_test_locked(f));
	CHECK(folio_ref_count(f) == 1);
	/* No writeback: returns at once. */
	folio_wait_writeback(f);
	folio_put(f);
}

static void test_writeback_bit(void **state)
{
	(void)state;
	run_body_expect(wb_unlocked_body, true, "bug-on",
			"writeback started on unlocked frame 0x1");
	run_body_expect(wb_twice_body, true, "bug-on",
			"frame 0x1 already under writeback");
	run_body_expect(wb_end_not_body, true, "bug-on",
			"frame 0x1 not under writeback");
	checks_reset();
	run_body_expect(wb_ok_body, true, NULL, NULL);
	assert_checks();
}

/*
 * folio_ref_freeze(f, 2) against folio_try_get(f), from a count of 2.
 * T0: F (the cmpxchg); if it froze, R (reads the count: must still be 0)
 * and U (unfreeze to 2). T1: T (try_get); if it got one, P (put).
 *
 *   T first: the count is 3; F before P fails, F after P freezes     2
 *   F first: T before R or between R and U fails, after U succeeds  3
 *
 * 5 executions. Both succeed in 2 (one after the other), only the freeze
 * in 2, only the try_get in 1, never neither, and never both at once: T
 * never succeeds while T0 holds the count frozen.
 */
static unsigned int outcome[2][2];

static void freeze_task(void *arg)
{
	(void)arg;
	if (!folio_ref_freeze(sh->f, 2))
		return;
	__atomic_store_n(&sh->froze, true, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->frozen_now, true, __ATOMIC_RELAXED);
	if (atomic_read(&sh->f->_refcount) != 0)
		pmm_violation("freeze", "a frozen count moved");
	__atomic_store_n(&sh->frozen_now, false, __ATOMIC_RELAXED);
	folio_ref_unfreeze(sh->f, 2);
}

/*
 * A freeze done wrong: read the count, then set it to 0, as two steps
 * (A, B), then R and U as above. A try_get between A and B succeeds, and
 * B then wipes its reference out:
 *
 *   T before A: as above (A before P fails, after P freezes)         2
 *   T between A and B: gets a reference; P before B is harmless;
 *   P after B, after R: the put underflows; P after U: the count
 *   ends at 1, not 2 (a reference lost: "final-state")     4 (3 violating)
 *   T between B and R, between R and U: fails                        2
 *   T after U: succeeds                                              1
 *
 * 9 executions, 3 violations.
 */
static void broken_freeze_task(void *arg)
{
	(void)arg;
	if (atomic_read(&sh->f->_refcount) != 2)
		return;
	atomic_set(&sh->f->_refcount, 0);
	__atomic_store_n(&sh->froze, true, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->frozen_now, true, __ATOMIC_RELAXED);
	if (atomic_read(&sh->f->_refcount) != 0)
		pmm_violation("freeze", "a frozen count moved");
	__atomic_store_n(&sh->frozen_now, false, __ATOMIC_RELAXED);
	folio_ref_unfreeze(sh->f, 2);
}

static void try_get_task(void *arg)
{
	(void)arg;
	if (!folio_try_get(sh->f))
		return;
	__atomic_store_n(&sh->got, true, __ATOMIC_RELAXED);
	if (__atomic_load_n(&sh->frozen_now, __ATOMIC_RELAXED))
		pmm_violation("freeze", "folio_try_get succeeded on a frozen folio");
	folio_put(sh->f);
}

static void freeze_setup(void *arg)
{
	shared_setup(2);
	if (!sh)
		return;
	task_new("freeze", 0, arg ? broken_freeze_task : freeze_task, NULL);
	task_new("try_get", 1, try_get_task, NULL);
}

static void freeze_finish(void *arg)
{
	(void)arg;
	outcome[sh->froze][sh->got]++;
	if (folio_ref_count(sh->f) != 2) {
		pmm_violation("final-state", "refcount %d, want 2",
			      folio_ref_count(sh->f));
		return;
	}
	shared_finish(2);
}

static void test_freeze_vs_try_get(void **state)
{
	const struct pmm_program p = PROGRAM("freeze-vs-try-get", freeze_setup,
					     freeze_finish);
	const struct pmm_program broken = PROGRAM_ARG("broken-freeze",
						      freeze_setup, freeze_finish, (uintptr_t)1);
	struct pmm_explore_result r;

	(void)state;
	memset(outcome, 0, sizeof(outcome));
	explore_expect(&p, 5, 0, 0);
	assert_int_equal(outcome[1][1], 2);
	assert_int_equal(outcome[1][0], 2);
	assert_int_equal(outcome[0][1], 1);
	assert_int_equal(outcome[0][0], 0);
	native_expect_clean(&p, 2000);

	explore_all(&broken, &r);
	if (r.executions != 9 || r.violations != 3)
		explore_report("broken-freeze", &r);
	assert_int_equal(r.executions, 9);
	assert_int_equal(r.violations, 3);
	pmm_explore_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folio_lock_exclusion),
		cmocka_unit_test(test_folio_lock_control),
		cmocka_unit_test(test_folio_lock_semantics),
		cmocka_unit_test(test_wait_writeback),
		cmocka_unit_test(test_writeback_bit),
		cmocka_unit_test(test_freeze_vs_try_get),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
