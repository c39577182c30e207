// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * RCU (src/sched/rcu.c, rcu_native.c) under both backends: a grace period
 * waits for every reader that was inside its critical section when
 * synchronize_rcu() began, nested sections included, and for no reader
 * that began later; without synchronize_rcu() the updater frees what a
 * reader still uses; and the context checks: synchronize_rcu() or a mutex
 * inside a reader, rcu_read_unlock() without rcu_read_lock(), and a task
 * that exits inside a reader are "bug-on". Natively, liburcu's grace
 * periods keep a reader/updater stress correct.
 *
 * The program: a global pointer gp to an object. The reader: lock (R1),
 * p = rcu_dereference(gp) (R2), check p is not freed (R3), unlock (R4).
 * The updater: publish a new object (U1), synchronize_rcu (U2: one step
 * that snapshots the readers inside, then, if there were any, a wait
 * whose end is another step), mark the old object freed (U3).
 */
#include <sched.h>

#include "sched/atomic.h"
#include "sched/mutex.h"
#include "sched/rcu.h"
#include "sched/spinlock.h"
#include "sched_test.h"

struct obj {
	int freed;
	int value;
};

struct rs {
	struct obj *gp;
	int inside;
	int seen_inside;
	int stop;
	int mode;
	long reads;
	struct mutex mutex;
};

static struct rs *the_rs;

static struct obj *obj_new(int value)
{
	struct obj *o = pmm_alloc(sizeof(*o));

	o->value = value;
	return o;
}

static struct rs *rs_alloc(void)
{
	struct rs *s = pmm_alloc(sizeof(*s));

	s->gp = obj_new(1);
	mutex_init(&s->mutex);
	pmm_obj_name(&s->gp, "gp");
	pmm_obj_name(s->gp, "old");
	the_rs = s;
	return s;
}

static void check_live(const struct obj *p)
{
	if (READ_ONCE(p->freed))
		pmm_violation("use-after-free", "reader sees object %d freed",
			      p->value);
}

static void reader(void *arg)
{
	struct rs *s = arg;
	struct obj *p;

	rcu_read_lock();
	p = rcu_dereference(s->gp);
	check_live(p);
	rcu_read_unlock();
}

/* Nested: the inner unlock is no quiescent state. */
static void nested_reader(void *arg)
{
	struct rs *s = arg;
	struct obj *p;

	rcu_read_lock();
	rcu_read_lock();
	p = rcu_dereference(s->gp);
	rcu_read_unlock();
	check_live(p);
	rcu_read_unlock();
}

static void updater(void *arg)
{
	struct rs *s = arg;
	struct obj *old = s->gp, *new = obj_new(2);

	rcu_assign_pointer(s->gp, new);
	synchronize_rcu();
	WRITE_ONCE(old->freed, 1);
}

static void hasty_updater(void *arg)
{
	struct rs *s = arg;
	struct obj *old = s->gp, *new = obj_new(2);

	rcu_assign_pointer(s->gp, new);
	WRITE_ONCE(old->freed, 1);
}

static void rcu_setup2(pmm_task_fn r, pmm_task_fn u)
{
	struct rs *s = rs_alloc();

	task_new("reader", 0, r, s);
	task_new("updater", 1, u, s);
}

static void protected_setup(void *arg)
{
	(void)arg;
	rcu_setup2(reader, updater);
}

static void unprotected_setup(void *arg)
{
	(void)arg;
	rcu_setup2(reader, hasty_updater);
}

static void nested_setup(void *arg)
{
	(void)arg;
	rcu_setup2(nested_reader, updater);
}

static const struct pmm_program protected_prog =
	PROGRAM("rcu-protected", protected_setup, NULL);
static const struct pmm_program unprotected_prog =
	PROGRAM("rcu-no-grace-period", unprotected_setup, NULL);
static const struct pmm_program nested_prog =
	PROGRAM("rcu-nested", nested_setup, NULL);

/*
 * Where U2 (the snapshot) falls among the reader's 4 steps decides:
 *
 *   before R1: no reader inside, no wait; U1 U2 first, U3 anywhere among
 *     R1..R4 or after: 5 executions.
 *   after R4: no wait; U1 anywhere among R1..R4 or after, then U2 U3:
 *     5 executions.
 *   after R_k, k = 1..3 (reader inside): U1 in one of k + 1 places
 *     before U2; then U waits, the reader runs to R4, then U's wait ends
 *     and U3: 2 + 3 + 4 = 9 executions.
 *
 * 19 executions, the reader never sees its object freed.
 */
static void test_grace_period_protects(void **state)
{
	(void)state;
	explore_expect(&protected_prog, 19, 0, 0);
}

/*
 * Without synchronize_rcu: C(6,2) = 15 orders of U1 U3 among R1..R4;
 * the reader sees the old object freed when it dereferenced before U1
 * and checks after U3: only R1 R2 U1 U3 R3 (where the violation ends the
 * execution). 15 executions, 1 violation, pinned as "0x2.1x2": reader
 * lock and dereference, updater publish and free.
 */
static void test_no_grace_period_use_after_free(void **state)
{
	(void)state;
	explore_expect_oracle(&unprotected_prog, 15, 1, 0, "use-after-free",
			      NULL);
	replay_expect(&unprotected_prog, "0x2.1x2", "use-after-free", NULL);
	/* The same schedule with the grace period: the updater waits. */
	replay_expect(&protected_prog, "0x2.1x2", NULL, NULL);
}

/*
 * Nested: the reader has 6 steps (lock, lock, dereference, inner unlock,
 * check, outer unlock) and is inside from the first lock to the outer
 * unlock. As above: 7 (snapshot first) + 7 (snapshot last) + (2 + 3 +
 * 4 + 5 + 6) (snapshot after the k-th reader step, k = 1..5) = 34
 * executions, none a violation: the inner unlock ends no grace period.
 */
static void test_nested_readers(void **state)
{
	(void)state;
	explore_expect(&nested_prog, 34, 0, 0);
}

/*
 * A grace period does not wait for readers that begin after it started.
 * The reader marks itself inside (R2) and outside (R3) between lock and
 * unlock; the updater calls synchronize_rcu (U1) and then looks (U2).
 *
 *   U1 before R1: no wait; U2 before R1, after R1, R2, R3 or R4: 5
 *     executions; in the one with U2 between R2 and R3, the updater has
 *     finished its grace period with the reader inside.
 *   U1 after R_k, k = 1..3: U waits for R4: 3 executions.
 *   U1 after R4: 1 execution.
 *
 * 9 executions; the updater saw the reader inside in exactly 1.
 */
static unsigned int late_reader_seen;

static void marking_reader(void *arg)
{
	struct rs *s = arg;

	rcu_read_lock();
	WRITE_ONCE(s->inside, 1);
	WRITE_ONCE(s->inside, 0);
	rcu_read_unlock();
}

static void looking_updater(void *arg)
{
	struct rs *s = arg;

	synchronize_rcu();
	s->seen_inside = READ_ONCE(s->inside);
}

static void late_setup(void *arg)
{
	(void)arg;
	rcu_setup2(marking_reader, looking_updater);
}

static void late_finish(void *arg)
{
	(void)arg;
	late_reader_seen += the_rs->seen_inside;
}

static const struct pmm_program late_prog =
	PROGRAM("rcu-late-reader", late_setup, late_finish);

static void test_late_reader_not_waited_for(void **state)
{
	(void)state;
	late_reader_seen = 0;
	explore_expect(&late_prog, 9, 0, 0);
	assert_int_equal(late_reader_seen, 1);
	/* Pinned: U1, then R1 R2, then U2 sees the reader inside. */
	late_reader_seen = 0;
	replay_expect(&late_prog, "1.0x2.1", NULL, NULL);
	assert_int_equal(late_reader_seen, 1);
}

/*
 * Two readers and the updater: the grace period waits for both when both
 * are inside; no execution lets either see its object freed.
 */
static void two_readers_setup(void *arg)
{
	struct rs *s = rs_alloc();

	(void)arg;
	task_new("r0", 0, reader, s);
	task_new("r1", 1, nested_reader, s);
	task_new("updater", 2, updater, s);
}

static const struct pmm_program two_readers_prog =
	PROGRAM("rcu-two-readers", two_readers_setup, NULL);

static void test_two_readers(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	explore_all(&two_readers_prog, &r);
	if (r.violations)
		explore_report(two_readers_prog.name, &r);
	assert_int_equal(r.violations, 0);
	/* More than the 19 and 34 of either reader alone. */
	assert_true(r.executions > 34);
	pmm_explore_result_release(&r);
}

/* Context checks, one task, one execution each, all "bug-on". */
enum bad_rcu { SYNC_IN_READER, UNLOCK_UNLOCKED, EXIT_IN_READER,
	       MUTEX_IN_READER, UNBALANCED_NESTED };

static void bad_rcu_task(void *arg)
{
	struct rs *s = arg;

	switch ((enum bad_rcu)s->mode) {
	case SYNC_IN_READER:
		rcu_read_lock();
		synchronize_rcu();
		rcu_read_unlock();
		break;
	case UNLOCK_UNLOCKED:
		rcu_read_unlock();
		break;
	case EXIT_IN_READER:
		rcu_read_lock();
		break;
	case MUTEX_IN_READER:
		rcu_read_lock();
		mutex_lock(&s->mutex);
		mutex_unlock(&s->mutex);
		rcu_read_unlock();
		break;
	case UNBALANCED_NESTED:
		rcu_read_lock();
		rcu_read_lock();
		rcu_read_unlock();
		break;
	}
}

static void bad_rcu_setup(void *arg)
{
	struct rs *s = rs_alloc();

	s->mode = *(const int *)arg;
	task_new("bad", 0, bad_rcu_task, s);
}

static void test_context_checks(void **state)
{
	static const int modes[] = {
		SYNC_IN_READER, UNLOCK_UNLOCKED, EXIT_IN_READER,
		MUTEX_IN_READER, UNBALANCED_NESTED,
	};
	static const char *const msgs[] = {
		"sleeping function called from invalid context",
		"rcu_read_unlock without rcu_read_lock",
		"exits with an RCU read-side critical section open",
		"in RCU read-side critical section",
		"exits with an RCU read-side critical section open",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		const struct pmm_program p = PROGRAM_ARG("rcu-context",
			bad_rcu_setup, NULL, &modes[i]);

		explore_expect_oracle(&p, 1, 1, 0, "bug-on", msgs[i]);
	}
}

/* The balanced forms of the same are fine, under both backends. */
static void good_rcu_task(void *arg)
{
	struct rs *s = arg;

	rcu_read_lock();
	rcu_read_lock();
	check_live(rcu_dereference(s->gp));
	rcu_read_unlock();
	rcu_read_unlock();
	synchronize_rcu();
	mutex_lock(&s->mutex);
	mutex_unlock(&s->mutex);
	rcu_read_lock();
	rcu_read_unlock();
}

static void good_rcu_setup(void *arg)
{
	(void)arg;
	task_new("good", 0, good_rcu_task, rs_alloc());
}

static const struct pmm_program good_rcu_prog =
	PROGRAM("rcu-balanced", good_rcu_setup, NULL);

static void test_balanced(void **state)
{
	(void)state;
	explore_expect(&good_rcu_prog, 1, 0, 0);
	native_expect_clean(&good_rcu_prog, 20);
}

/*
 * A grace period that waits for a reader stuck inside its section never
 * ends. The reader, inside, spins on a spinlock setup took and nobody
 * releases; the updater calls synchronize_rcu.
 *
 *   Updater first: its snapshot finds nobody inside and it finishes;
 *   the reader then blocks: 1 deadlock.
 *   Reader's lock first: the snapshot finds it inside, the updater waits
 *   too: 1 deadlock, with both tasks blocked, the updater on "rcu".
 *
 * 2 executions, 2 deadlocks; the second pinned as "0.1".
 */
struct stuck {
	struct rs rs;
	spinlock_t lock;
};

static void stuck_reader(void *arg)
{
	struct stuck *s = arg;

	rcu_read_lock();
	spin_lock(&s->lock);
	spin_unlock(&s->lock);
	rcu_read_unlock();
}

static void stuck_updater(void *arg)
{
	(void)arg;
	synchronize_rcu();
}

static void stuck_setup(void *arg)
{
	struct stuck *s = pmm_alloc(sizeof(*s));

	(void)arg;
	spin_lock_init(&s->lock);
	spin_lock(&s->lock);
	task_new("reader", 0, stuck_reader, s);
	task_new("updater", 1, stuck_updater, s);
}

static const struct pmm_program stuck_prog =
	PROGRAM("rcu-stuck-reader", stuck_setup, NULL);

static void test_grace_period_waits(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	explore_expect_oracle(&stuck_prog, 2, 2, 2, "deadlock", NULL);
	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = "0.1";
	assert_int_equal(pmm_explore(&stuck_prog, &o, &r), 0);
	assert_int_equal(r.deadlocks, 1);
	assert_non_null(r.trace);
	if (!strstr(r.trace, "updater      blocked: acquire rcu") ||
	    !strstr(r.trace, "reader       blocked: acquire"))
		print_message("%s", r.trace);
	assert_non_null(strstr(r.trace, "updater      blocked: acquire rcu"));
	assert_non_null(strstr(r.trace, "reader       blocked: acquire"));
	pmm_explore_result_release(&r);
}

/*
 * Natively: two readers dereference and check the current object many
 * times inside their sections, while the updater replaces it 200 times,
 * each time waiting for a grace period before marking the old one freed.
 */
#define NATIVE_UPDATES 200

static void native_reader(void *arg)
{
	struct rs *s = arg;
	struct obj *p;
	int i;

	while (!READ_ONCE(s->stop)) {
		rcu_read_lock();
		p = rcu_dereference(s->gp);
		for (i = 0; i < 8; i++)
			check_live(p);
		rcu_read_unlock();
		__atomic_fetch_add(&s->reads, 1, __ATOMIC_RELAXED);
	}
}

static void native_updater(void *arg)
{
	struct rs *s = arg;
	struct obj *old;
	int i;

	/*
	 * On a loaded machine the updater could finish before a reader
	 * thread ran at all: start updating once the readers read.
	 */
	while (!__atomic_load_n(&s->reads, __ATOMIC_RELAXED))
		sched_yield();
	for (i = 0; i < NATIVE_UPDATES; i++) {
		old = s->gp;
		rcu_assign_pointer(s->gp, obj_new(i + 2));
		synchronize_rcu();
		WRITE_ONCE(old->freed, 1);
		if (i % 8 == 0)
			sched_yield();
	}
	WRITE_ONCE(s->stop, 1);
}

static void native_setup(void *arg)
{
	struct rs *s = rs_alloc();

	(void)arg;
	task_new("r0", 0, native_reader, s);
	task_new("r1", 1, native_reader, s);
	task_new("updater", 2, native_updater, s);
}

static long native_reads;

static void native_finish(void *arg)
{
	(void)arg;
	native_reads += the_rs->reads;
	if (the_rs->gp->value != NATIVE_UPDATES + 1 || the_rs->gp->freed)
		pmm_violation("final-state", "last object %d, freed %d",
			      the_rs->gp->value, the_rs->gp->freed);
}

static const struct pmm_program native_prog =
	PROGRAM("rcu-native", native_setup, native_finish);

static void test_native_stress(void **state)
{
	(void)state;
	native_reads = 0;
	native_expect_clean(&native_prog, 3);
	/* The readers did read while the updates went on. */
	assert_true(native_reads > 0);
}

/* Natively, the basic programs run clean too. */
static void test_native_small(void **state)
{
	(void)state;
	native_expect_clean(&protected_prog, 300);
	native_expect_clean(&nested_prog, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grace_period_protects),
		cmocka_unit_test(test_no_grace_period_use_after_free),
		cmocka_unit_test(test_nested_readers),
		cmocka_unit_test(test_late_reader_not_waited_for),
		cmocka_unit_test(test_two_readers),
		cmocka_unit_test(test_context_checks),
		cmocka_unit_test(test_balanced),
		cmocka_unit_test(test_grace_period_waits),
		cmocka_unit_test(test_native_stress),
		cmocka_unit_test(test_native_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
