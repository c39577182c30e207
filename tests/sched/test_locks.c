// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * spinlock_t, struct mutex and bit spinlocks (src/sched/spinlock.c,
 * mutex.c) under both backends: mutual exclusion in every interleaving and
 * on real threads, trylock semantics, the CONFIG_DEBUG_SPINLOCK /
 * CONFIG_DEBUG_MUTEXES owner checks on unlock ("bug-on"), might_sleep()
 * for a mutex taken with a spinlock held ("bug-on"), a task exiting with a
 * spinlock held ("bug-on"), and self- and AB-BA deadlocks ("deadlock").
 *
 * Counting: a task waiting for a lock is not runnable, so a critical
 * section that ends its task's run (unlock last) is one unit: n tasks with
 * one critical section each have n! executions, and tasks with k sections
 * each have the multinomial (n k)! / (k!)^n.
 */
#include <sched.h>

#include "sched/atomic.h"
#include "sched/bitops.h"
#include "sched/mutex.h"
#include "sched/spinlock.h"
#include "sched_test.h"

enum lock_kind { LK_SPIN, LK_MUTEX, LK_BIT };

static const char *const kind_names[] = { "spinlock", "mutex", "bit-spinlock" };

/* Bit 5 of the second word: bit spinlocks do not care which. */
#define LOCK_BIT (BITS_PER_LONG + 5)

struct lk {
	spinlock_t spin;
	struct mutex mutex;
	unsigned long word[2];
};

static void lk_init(struct lk *l)
{
	spin_lock_init(&l->spin);
	mutex_init(&l->mutex);
	pmm_obj_name(&l->spin, "spin");
	pmm_obj_name(&l->mutex, "mutex");
	pmm_obj_name(&l->word[1], "word");
}

static void lk_lock(enum lock_kind k, struct lk *l)
{
	switch (k) {
	case LK_SPIN:
		spin_lock(&l->spin);
		break;
	case LK_MUTEX:
		mutex_lock(&l->mutex);
		break;
	case LK_BIT:
		bit_spin_lock(LOCK_BIT, l->word);
		break;
	}
}

static bool lk_trylock(enum lock_kind k, struct lk *l)
{
	switch (k) {
	case LK_SPIN:
		return spin_trylock(&l->spin);
	case LK_MUTEX:
		return mutex_trylock(&l->mutex);
	case LK_BIT:
		return bit_spin_trylock(LOCK_BIT, l->word);
	}
	return false;
}

static void lk_unlock(enum lock_kind k, struct lk *l)
{
	switch (k) {
	case LK_SPIN:
		spin_unlock(&l->spin);
		break;
	case LK_MUTEX:
		mutex_unlock(&l->mutex);
		break;
	case LK_BIT:
		bit_spin_unlock(LOCK_BIT, l->word);
		break;
	}
}

static bool lk_is_locked(enum lock_kind k, struct lk *l)
{
	switch (k) {
	case LK_SPIN:
		return spin_is_locked(&l->spin);
	case LK_MUTEX:
		return mutex_is_locked(&l->mutex);
	case LK_BIT:
		return test_bit(LOCK_BIT, l->word);
	}
	return false;
}

struct cfg {
	enum lock_kind kind;
	int nr;
	int loops;
};

struct locked {
	struct lk lk;
	atomic_t inside;
	int counter;
	atomic_t successes;
	bool won[2];
	const struct cfg *cfg;
};

static struct locked *the_locked;

static struct locked *locked_alloc(const struct cfg *cfg)
{
	struct locked *s = pmm_alloc(sizeof(*s));

	lk_init(&s->lk);
	pmm_obj_name(&s->inside, "inside");
	pmm_obj_name(&s->counter, "counter");
	s->cfg = cfg;
	the_locked = s;
	return s;
}

/* The critical section: 4 steps, during which nobody else may enter. */
static void critical(struct locked *s)
{
	int v;

	if (atomic_inc_return(&s->inside) != 1)
		pmm_violation("exclusion", "two tasks inside a %s",
			      kind_names[s->cfg->kind]);
	v = READ_ONCE(s->counter);
	WRITE_ONCE(s->counter, v + 1);
	atomic_dec(&s->inside);
}

/* Mutual exclusion: nr tasks, loops critical sections each. */
static void excl_task(void *arg)
{
	struct locked *s = arg;
	int i;

	for (i = 0; i < s->cfg->loops; i++) {
		lk_lock(s->cfg->kind, &s->lk);
		critical(s);
		lk_unlock(s->cfg->kind, &s->lk);
	}
}

static void excl_setup(void *arg)
{
	const struct cfg *cfg = arg;
	struct locked *s = locked_alloc(cfg);
	int i;

	for (i = 0; i < cfg->nr; i++)
		task_new("excl", i, excl_task, s);
}

static void excl_finish(void *arg)
{
	const struct cfg *cfg = arg;
	struct locked *s = the_locked;

	if (s->counter != cfg->nr * cfg->loops || lk_is_locked(cfg->kind, &s->lk))
		pmm_violation("final-state", "%s: counter %d, want %d",
			      kind_names[cfg->kind], s->counter,
			      cfg->nr * cfg->loops);
}

struct excl_case {
	struct cfg cfg;
	uint64_t executions;
};

/* By hand: (nr * loops)! / (loops!)^nr orders of whole critical sections. */
static const struct excl_case excl_cases[] = {
	{ { LK_SPIN, 2, 1 }, 2 },	/* 2! */
	{ { LK_SPIN, 3, 1 }, 6 },	/* 3! */
	{ { LK_SPIN, 2, 2 }, 6 },	/* 4!/(2!2!) */
	{ { LK_SPIN, 3, 2 }, 90 },	/* 6!/(2!)^3 */
	{ { LK_MUTEX, 2, 1 }, 2 },
	{ { LK_MUTEX, 3, 1 }, 6 },
	{ { LK_MUTEX, 2, 2 }, 6 },
	{ { LK_MUTEX, 3, 2 }, 90 },
	{ { LK_BIT, 2, 1 }, 2 },
	{ { LK_BIT, 3, 1 }, 6 },
	{ { LK_BIT, 2, 2 }, 6 },
	{ { LK_BIT, 3, 2 }, 90 },
	{ { LK_MUTEX, 4, 1 }, 24 },	/* 4! */
	{ { LK_SPIN, 2, 3 }, 20 },	/* 6!/(3!3!) */
};

static void test_exclusion_explore(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(excl_cases) / sizeof(excl_cases[0]); i++) {
		const struct excl_case *c = &excl_cases[i];
		const struct pmm_program p = PROGRAM_ARG(kind_names[c->cfg.kind],
			excl_setup, excl_finish, &c->cfg);

		print_message("%s: %d tasks x %d sections\n",
			      kind_names[c->cfg.kind], c->cfg.nr, c->cfg.loops);
		explore_expect(&p, c->executions, 0, 0);
	}
}

/*
 * Control: the same tasks without the lock meet inside, so the exclusion
 * test can fail. A violation ends its execution, so the executions are:
 * the 2 orders of whole sections (clean), and for each first task X, its
 * inc, then 0, 1 or 2 more of its steps (before its dec), then the other
 * task's inc, which sees 2: 2 x 3 = 6 violating. 8 executions, 6 of them
 * "exclusion".
 */
static void nolock_task(void *arg)
{
	critical(arg);
}

static const struct cfg nolock_cfg = { LK_SPIN, 2, 1 };

static void nolock_setup(void *arg)
{
	struct locked *s = locked_alloc(arg);

	task_new("t0", 0, nolock_task, s);
	task_new("t1", 1, nolock_task, s);
}

static const struct pmm_program nolock_prog =
	PROGRAM_ARG("no-lock", nolock_setup, excl_finish, &nolock_cfg);

static void test_exclusion_control(void **state)
{
	(void)state;
	explore_expect_oracle(&nolock_prog, 8, 6, 0, "exclusion", NULL);
}

/* Natively: many threads and iterations, the same invariants. */
static const struct cfg native_cfgs[] = {
	{ LK_SPIN, 4, 20000 },
	{ LK_MUTEX, 4, 20000 },
	{ LK_BIT, 4, 20000 },
	{ LK_MUTEX, 8, 5000 },
};

static void test_exclusion_native(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(native_cfgs) / sizeof(native_cfgs[0]); i++) {
		const struct pmm_program p = PROGRAM_ARG(
			kind_names[native_cfgs[i].kind], excl_setup,
			excl_finish, &native_cfgs[i]);

		native_expect_clean(&p, 3);
	}
}

/* Many short iterations: threads start together behind the gate. */
static const struct cfg native_short_cfgs[] = {
	{ LK_SPIN, 3, 10 },
	{ LK_MUTEX, 3, 10 },
	{ LK_BIT, 3, 10 },
};

static void test_exclusion_native_short(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const struct pmm_program p = PROGRAM_ARG(
			kind_names[native_short_cfgs[i].kind], excl_setup,
			excl_finish, &native_short_cfgs[i]);

		native_expect_clean(&p, 500);
	}
}

/*
 * Trylock: each of two tasks tries once; on success a 2-step section
 * (read, write counter) and the unlock, 3 steps.
 *
 *   T0's try first: it succeeds; T1's try comes before each of T0's 3
 *   steps (and fails) or after the unlock (and succeeds, then runs
 *   alone): 4 executions. T1's try first: the mirror image, 4.
 *
 * 8 executions, the counter equal to the successes, both tasks got the
 * lock in 2 of them.
 */
static unsigned int both_won;

static void try_task(void *arg)
{
	struct locked *s = arg;
	int v;

	if (!lk_trylock(s->cfg->kind, &s->lk))
		return;
	s->won[pmm_task_id()] = true;
	v = READ_ONCE(s->counter);
	WRITE_ONCE(s->counter, v + 1);
	lk_unlock(s->cfg->kind, &s->lk);
}

static void try_setup(void *arg)
{
	struct locked *s = locked_alloc(arg);

	task_new("t0", 0, try_task, s);
	task_new("t1", 1, try_task, s);
}

static void try_finish(void *arg)
{
	const struct cfg *cfg = arg;
	struct locked *s = the_locked;
	int n = s->won[0] + s->won[1];

	if (!n || s->counter != n || lk_is_locked(cfg->kind, &s->lk))
		pmm_violation("final-state", "%d successes, counter %d", n,
			      s->counter);
	if (n == 2)
		both_won++;
}

static const struct cfg try_cfgs[] = {
	{ LK_SPIN, 2, 1 }, { LK_MUTEX, 2, 1 }, { LK_BIT, 2, 1 },
};

static void test_trylock(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const struct pmm_program p = PROGRAM_ARG(
			kind_names[try_cfgs[i].kind], try_setup, try_finish,
			&try_cfgs[i]);

		both_won = 0;
		explore_expect(&p, 8, 0, 0);
		assert_int_equal(both_won, 2);
		native_expect_clean(&p, 200);
	}
}

/* Trylock of a lock the task itself holds fails, and is no deadlock. */
static void self_try_task(void *arg)
{
	struct locked *s = arg;
	enum lock_kind k = s->cfg->kind;

	lk_lock(k, &s->lk);
	if (!lk_is_locked(k, &s->lk))
		pmm_violation("semantics", "held lock reads unlocked");
	if (lk_trylock(k, &s->lk))
		pmm_violation("semantics", "trylock of a held lock succeeded");
	lk_unlock(k, &s->lk);
	if (lk_is_locked(k, &s->lk))
		pmm_violation("semantics", "released lock reads locked");
	if (!lk_trylock(k, &s->lk))
		pmm_violation("semantics", "trylock of a free lock failed");
	lk_unlock(k, &s->lk);
}

static void self_try_setup(void *arg)
{
	task_new("t0", 0, self_try_task, locked_alloc(arg));
}

static void test_trylock_held(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const struct pmm_program p = PROGRAM_ARG(
			kind_names[try_cfgs[i].kind], self_try_setup, NULL,
			&try_cfgs[i]);

		explore_expect(&p, 1, 0, 0);
		native_expect_clean(&p, 10);
	}
}

/*
 * Unlocking a lock nobody holds: one task, one execution, a "bug-on" from
 * the debug checks, under both backends.
 */
static void bad_unlock_task(void *arg)
{
	struct locked *s = arg;

	lk_unlock(s->cfg->kind, &s->lk);
}

static void bad_unlock_setup(void *arg)
{
	task_new("t0", 0, bad_unlock_task, locked_alloc(arg));
}

static const char *const not_held_msg[] = {
	"spin_unlock of a lock not held",
	"mutex_unlock of a mutex not locked",
	"bit_spin_unlock of bit 69 not held",
};

static void test_unlock_not_held(void **state)
{
	unsigned int i;

	(void)state;
	assert_int_equal(LOCK_BIT, 69);
	for (i = 0; i < 3; i++) {
		const struct pmm_program p = PROGRAM_ARG(
			kind_names[try_cfgs[i].kind], bad_unlock_setup, NULL,
			&try_cfgs[i]);

		explore_expect_oracle(&p, 1, 1, 0, "bug-on", not_held_msg[i]);
		native_expect_oracle(&p, 5, "bug-on", not_held_msg[i]);
	}
}

/*
 * Unlocking a lock held by someone else: setup takes the lock (its owner
 * is then no task, -1), task 0 unlocks it. One execution, a "bug-on".
 */
static void held_elsewhere_setup(void *arg)
{
	struct locked *s = locked_alloc(arg);

	lk_lock(s->cfg->kind, &s->lk);
	task_new("t0", 0, bad_unlock_task, s);
}

static const char *const held_msg[] = {
	"spin_unlock of a lock held by another task",
	"mutex_unlock of a mutex owned by another task",
};

static void test_unlock_held_by_setup(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		const struct pmm_program p = PROGRAM_ARG(
			kind_names[try_cfgs[i].kind], held_elsewhere_setup,
			NULL, &try_cfgs[i]);

		explore_expect_oracle(&p, 1, 1, 0, "bug-on", held_msg[i]);
		native_expect_oracle(&p, 5, "bug-on", held_msg[i]);
	}
}

/*
 * Unlocking another task's lock, found by exploration. T0 locks (L) and
 * unlocks (U); T1 unlocks (U') only if it sees the lock taken (I):
 *
 *   T1: I first: sees it free, does nothing; T0 runs: 1 execution.
 *   T0: L, then T0: U, then T1: I sees it free: 1 execution.
 *   T0: L, T1: I sees it taken; then T1: U' while T0 holds it: "held by
 *       another task"; or T0: U first, then T1: U': "not held".
 *
 * 4 executions, 2 of them "bug-on". Depth first, the "not held" one comes
 * first, so the "held by another" one is pinned by its schedule: task 0
 * one step, task 1 two steps, "0.1x2".
 */
static void owner_task(void *arg)
{
	struct locked *s = arg;

	lk_lock(s->cfg->kind, &s->lk);
	lk_unlock(s->cfg->kind, &s->lk);
}

static void thief_task(void *arg)
{
	struct locked *s = arg;

	if (lk_is_locked(s->cfg->kind, &s->lk))
		lk_unlock(s->cfg->kind, &s->lk);
}

static void thief_setup(void *arg)
{
	struct locked *s = locked_alloc(arg);

	task_new("owner", 0, owner_task, s);
	task_new("thief", 1, thief_task, s);
}

static void test_unlock_held_by_other_task(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		const struct pmm_program p = PROGRAM_ARG(
			kind_names[try_cfgs[i].kind], thief_setup, NULL,
			&try_cfgs[i]);

		explore_expect_oracle(&p, 4, 2, 0, "bug-on", not_held_msg[i]);
		replay_expect(&p, "0.1x2", "bug-on", held_msg[i]);
		/* T0 runs whole, then T1 sees the lock free: no violation. */
		replay_expect(&p, "0x2.1", NULL, NULL);
	}
}

/*
 * might_sleep(): a mutex taken with a spinlock (or bit spinlock) held is
 * a "bug-on" under the explore backend, found at the mutex_lock. A
 * mutex_trylock does not sleep and is fine there.
 */
static void sleep_in_atomic_task(void *arg)
{
	struct locked *s = arg;

	lk_lock(s->cfg->kind, &s->lk);
	mutex_lock(&s->lk.mutex);
	mutex_unlock(&s->lk.mutex);
	lk_unlock(s->cfg->kind, &s->lk);
}

static void trylock_in_atomic_task(void *arg)
{
	struct locked *s = arg;

	lk_lock(s->cfg->kind, &s->lk);
	if (!mutex_trylock(&s->lk.mutex))
		pmm_violation("semantics", "trylock of a free mutex failed");
	mutex_unlock(&s->lk.mutex);
	lk_unlock(s->cfg->kind, &s->lk);
}

static void sleep_in_atomic_setup(void *arg)
{
	task_new("t0", 0, sleep_in_atomic_task, locked_alloc(arg));
}

static void trylock_in_atomic_setup(void *arg)
{
	task_new("t0", 0, trylock_in_atomic_task, locked_alloc(arg));
}

static const struct cfg atomic_cfgs[] = {
	{ LK_SPIN, 1, 1 }, { LK_BIT, 1, 1 },
};

static void test_mutex_under_spinlock(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		const struct pmm_program bad = PROGRAM_ARG("mutex-in-atomic",
			sleep_in_atomic_setup, NULL, &atomic_cfgs[i]);
		const struct pmm_program ok = PROGRAM_ARG("trylock-in-atomic",
			trylock_in_atomic_setup, NULL, &atomic_cfgs[i]);

		explore_expect_oracle(&bad, 1, 1, 0, "bug-on",
				      "sleeping function called from invalid "
				      "context");
		explore_expect(&ok, 1, 0, 0);
		/* The native backend does not check might_sleep(). */
		native_expect_clean(&bad, 3);
		native_expect_clean(&ok, 3);
	}
}

/* After the spinlock is dropped, sleeping is fine again. */
static void sleep_after_atomic_task(void *arg)
{
	struct locked *s = arg;

	spin_lock(&s->lk.spin);
	spin_unlock(&s->lk.spin);
	bit_spin_lock(LOCK_BIT, s->lk.word);
	bit_spin_unlock(LOCK_BIT, s->lk.word);
	mutex_lock(&s->lk.mutex);
	mutex_unlock(&s->lk.mutex);
}

static void sleep_after_atomic_setup(void *arg)
{
	task_new("t0", 0, sleep_after_atomic_task, locked_alloc(arg));
}

static const struct pmm_program sleep_after_prog =
	PROGRAM_ARG("sleep-after-atomic", sleep_after_atomic_setup, NULL,
		    &atomic_cfgs[0]);

static void test_mutex_after_spinlock(void **state)
{
	(void)state;
	explore_expect(&sleep_after_prog, 1, 0, 0);
}

/* A task that returns with a spinlock held: "bug-on" at its exit. */
static void exit_locked_task(void *arg)
{
	struct locked *s = arg;

	lk_lock(s->cfg->kind, &s->lk);
}

static void exit_locked_setup(void *arg)
{
	task_new("t0", 0, exit_locked_task, locked_alloc(arg));
}

static void test_exit_with_spinlock(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		const struct pmm_program p = PROGRAM_ARG("exit-locked",
			exit_locked_setup, NULL, &atomic_cfgs[i]);

		explore_expect_oracle(&p, 1, 1, 0, "bug-on",
				      "exits with a spinlock held");
	}
}

/*
 * Self-deadlock: a task takes a lock it holds. A second task makes two
 * independent steps; the first lock goes before, between or after them:
 * 3 executions, each ending with the first task blocked and the second
 * done, every one a "deadlock".
 */
static void relock_task(void *arg)
{
	struct locked *s = arg;

	lk_lock(s->cfg->kind, &s->lk);
	lk_lock(s->cfg->kind, &s->lk);
}

static void bystander_task(void *arg)
{
	struct locked *s = arg;

	WRITE_ONCE(s->counter, 1);
	WRITE_ONCE(s->counter, 2);
}

static void relock_setup(void *arg)
{
	struct locked *s = locked_alloc(arg);

	task_new("relock", 0, relock_task, s);
	task_new("bystander", 1, bystander_task, s);
}

static void test_relock_deadlocks(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const struct pmm_program p = PROGRAM_ARG("relock",
			relock_setup, NULL, &try_cfgs[i]);

		explore_expect_oracle(&p, 3, 3, 3, "deadlock",
				      "every live task is blocked");
	}
}

/*
 * AB-BA with spinlocks: T0 takes a then b, T1 b then a. T0 first: then
 * T0 takes b (T1's b either before or after T0's release of a: 2
 * executions) or T1 takes b (deadlock): 3, mirrored for T1: 6 executions,
 * 2 deadlocks.
 */
struct abba {
	spinlock_t a, b;
};

static void ab_task(void *arg)
{
	struct abba *x = arg;

	spin_lock(&x->a);
	spin_lock(&x->b);
	spin_unlock(&x->b);
	spin_unlock(&x->a);
}

static void ba_task(void *arg)
{
	struct abba *x = arg;

	spin_lock(&x->b);
	spin_lock(&x->a);
	spin_unlock(&x->a);
	spin_unlock(&x->b);
}

static void abba_setup(void *arg)
{
	struct abba *x = pmm_alloc(sizeof(*x));

	(void)arg;
	spin_lock_init(&x->a);
	spin_lock_init(&x->b);
	task_new("ab", 0, ab_task, x);
	task_new("ba", 1, ba_task, x);
}

static const struct pmm_program abba_prog =
	PROGRAM("spin-abba", abba_setup, NULL);

static void test_spin_abba(void **state)
{
	(void)state;
	explore_expect_oracle(&abba_prog, 6, 2, 2, "deadlock", NULL);
}

/*
 * Bit spinlocks on different bits of one word are different locks: two
 * tasks each lock (L) and unlock (U) their own bit and never block each
 * other: C(4,2) = 6 executions. Right after its lock step, each task looks
 * at the word (plain memory, no step): both bits are set when the other
 * task's L came before and its U after, i.e. when both Ls precede both Us:
 * 2 orders of the Ls times 2 of the Us = 4 executions.
 */
static unsigned int overlap_seen;

static void own_bit_task(void *arg)
{
	struct locked *s = arg;
	int me = pmm_task_id();

	bit_spin_lock(me, s->lk.word);
	if (__atomic_load_n(&s->lk.word[0], __ATOMIC_RELAXED) == 3)
		s->won[me] = true;
	bit_spin_unlock(me, s->lk.word);
}

static void own_bit_setup(void *arg)
{
	struct locked *s = locked_alloc(arg);

	task_new("bit0", 0, own_bit_task, s);
	task_new("bit1", 1, own_bit_task, s);
}

static void own_bit_finish(void *arg)
{
	(void)arg;
	if (the_locked->lk.word[0])
		pmm_violation("final-state", "bits left %#lx",
			      the_locked->lk.word[0]);
	if (the_locked->won[0] || the_locked->won[1])
		overlap_seen++;
}

static const struct pmm_program own_bit_prog =
	PROGRAM_ARG("bit-spinlock-own-bits", own_bit_setup, own_bit_finish,
		    &atomic_cfgs[1]);

static void test_bit_spinlocks_independent(void **state)
{
	(void)state;
	overlap_seen = 0;
	explore_expect(&own_bit_prog, 6, 0, 0);
	assert_int_equal(overlap_seen, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exclusion_explore),
		cmocka_unit_test(test_exclusion_control),
		cmocka_unit_test(test_exclusion_native),
		cmocka_unit_test(test_exclusion_native_short),
		cmocka_unit_test(test_trylock),
		cmocka_unit_test(test_trylock_held),
		cmocka_unit_test(test_unlock_not_held),
		cmocka_unit_test(test_unlock_held_by_setup),
		cmocka_unit_test(test_unlock_held_by_other_task),
		cmocka_unit_test(test_mutex_under_spinlock),
		cmocka_unit_test(test_mutex_after_spinlock),
		cmocka_unit_test(test_exit_with_spinlock),
		cmocka_unit_test(test_relock_deadlocks),
		cmocka_unit_test(test_spin_abba),
		cmocka_unit_test(test_bit_spinlocks_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
