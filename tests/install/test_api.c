// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The public synchronisation API as a program outside the tree sees it:
 * this test includes only <protmm/...> headers and links the shared
 * library, so an unexported symbol fails the link. Each primitive is
 * checked against a protocol it makes correct and the same protocol
 * broken, and the observer against executions counted by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/atomic.h"
#include "protmm/explore.h"
#include "protmm/lock.h"
#include "protmm/observer.h"
#include "protmm/rcu.h"
#include "protmm/wait.h"

enum variant { GOOD, BAD };

static struct pmm_explore_result explore(void (*setup)(void *), void (*finish)(void *),
					 enum variant v,
					 const struct pmm_observer *obs)
{
	struct pmm_program prog = {
		.name = "api", .setup = setup, .finish = finish,
		.arg = (void *)(uintptr_t)v,
	};
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	o.stop_on_violation = false;
	o.trace = false;
	o.observer = obs;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	assert_true(r.complete);
	return r;
}

static enum variant variant(void *arg)
{
	return (enum variant)(uintptr_t)arg;
}

/* Counter: two increments, atomic (GOOD) or read-then-set (BAD). */
static pmm_atomic_t *counter;

static void inc_task(void *arg)
{
	if (variant(arg) == GOOD)
		pmm_atomic_inc(counter);
	else
		pmm_atomic_set(counter, pmm_atomic_read(counter) + 1);
}

static void counter_setup(void *arg)
{
	counter = pmm_alloc(sizeof(*counter));
	pmm_obj_name(counter, "counter");
	pmm_task_create("a", 0, inc_task, arg);
	pmm_task_create("b", 1, inc_task, arg);
}

static void counter_finish(void *arg)
{
	(void)arg;
	if (pmm_atomic_read(counter) != 2)
		pmm_violation("data-corruption", "counter is %d",
			      pmm_atomic_read(counter));
}

/* What the observer saw, checked after pmm_explore(). */
struct seen {
	uint64_t begins, ends, steps, violations, bad;
	uint64_t reads, writes, rmws;
	char schedules[16][32];
	uint64_t last_begin;
};

static void seen_begin(void *arg, uint64_t execution)
{
	struct seen *s = arg;

	if (execution != s->begins + 1)
		s->bad++;
	s->begins++;
	s->last_begin = execution;
}

static void seen_step(void *arg, const struct pmm_step *st)
{
	struct seen *s = arg;

	s->steps++;
	if (strcmp(st->obj_label, "counter") || st->obj != counter ||
	    strcmp(st->task_name, st->task ? "b" : "a") || !st->loc ||
	    !strstr(st->loc->file, "test_api.c"))
		s->bad++;
	if (st->access == PMM_ACC_READ)
		s->reads++;
	else if (st->access == PMM_ACC_WRITE)
		s->writes++;
	else if (st->access == PMM_ACC_RMW)
		s->rmws++;
}

static void seen_end(void *arg, const struct pmm_execution *e)
{
	struct seen *s = arg;
	size_t i;

	if (e->execution != s->last_begin || s->ends >= 16)
		s->bad++;
	else
		snprintf(s->schedules[s->ends], sizeof(s->schedules[0]), "%s",
			 e->schedule);
	for (i = 0; i < s->ends && i < 16; i++)
		if (!strcmp(s->schedules[i], e->schedule))
			s->bad++;
	s->ends++;
	if (e->end == PMM_END_VIOLATION) {
		s->violations++;
		if (strcmp(e->oracle, "data-corruption"))
			s->bad++;
	}
}

static void test_counter_observed(void **state)
{
	struct seen s = { 0 };
	struct pmm_observer obs = { seen_begin, seen_step, seen_end, &s };
	struct pmm_explore_result r;

	(void)state;
	/* Two tasks of two steps: C(4,2) = 6 interleavings, 4 lose an update. */
	r = explore(counter_setup, counter_finish, BAD, &obs);
	assert_int_equal(r.executions, 6);
	assert_int_equal(r.violations, 4);
	assert_int_equal(s.begins, 6);
	assert_int_equal(s.ends, 6);
	assert_int_equal(s.steps, 24);
	assert_int_equal(s.reads, 12);
	assert_int_equal(s.writes, 12);
	assert_int_equal(s.violations, 4);
	assert_int_equal(s.bad, 0);
	assert_string_equal(s.schedules[0], "0x2.1x2");
	pmm_explore_result_release(&r);

	memset(&s, 0, sizeof(s));
	r = explore(counter_setup, counter_finish, GOOD, &obs);
	assert_int_equal(r.executions, 2);
	assert_int_equal(r.violations, 0);
	assert_int_equal(s.rmws, 4);
	assert_int_equal(s.bad, 0);
	pmm_explore_result_release(&r);
}

/* cmpxchg: a counter bumped in a compare-and-swap loop, or without the loop. */
static void cas_task(void *arg)
{
	int old;

	do {
		old = pmm_atomic_read(counter);
	} while (pmm_atomic_cmpxchg(counter, old, old + 1) != old &&
		 variant(arg) == GOOD);
}

static void cas_setup(void *arg)
{
	counter = pmm_alloc(sizeof(*counter));
	pmm_task_create("a", 0, cas_task, arg);
	pmm_task_create("b", 1, cas_task, arg);
}

static void test_cmpxchg(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	r = explore(cas_setup, counter_finish, GOOD, NULL);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
	r = explore(cas_setup, counter_finish, BAD, NULL);
	assert_true(r.violations > 0);
	pmm_explore_result_release(&r);
}

/* Plain scalars of every size, and pointers through cmpxchg and xchg. */
struct scalars {
	char c;
	short h;
	int i;
	long l;
	int *p;
};
static struct scalars *sc;
static unsigned int scalar_errors;

static void scalar_task(void *arg)
{
	int *mine = pmm_alloc(sizeof(int));

	(void)arg;
	PMM_WRITE_ONCE(sc->c, (char)-3);
	PMM_WRITE_ONCE(sc->h, (short)-300);
	pmm_store_release(&sc->l, -5L);
	if (PMM_READ_ONCE(sc->c) != -3 || PMM_READ_ONCE(sc->h) != -300 ||
	    pmm_load_acquire(&sc->l) != -5L)
		scalar_errors++;
	if (pmm_cmpxchg(&sc->p, NULL, mine) == NULL) {
		if (pmm_xchg(&sc->i, 7) != 0)
			scalar_errors++;
	}
}

static void scalar_setup(void *arg)
{
	sc = pmm_alloc(sizeof(*sc));
	pmm_task_create("a", 0, scalar_task, arg);
	pmm_task_create("b", 1, scalar_task, arg);
}

static void scalar_finish(void *arg)
{
	(void)arg;
	if (!PMM_READ_ONCE(sc->p) || PMM_READ_ONCE(sc->i) != 7)
		scalar_errors++;
}

static void test_scalars(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	scalar_errors = 0;
	r = explore(scalar_setup, scalar_finish, GOOD, NULL);
	assert_int_equal(r.violations, 0);
	assert_int_equal(scalar_errors, 0);
	assert_true(r.executions > 1);
	pmm_explore_result_release(&r);
}

/* Locks: a read-then-set increment inside the critical section. */
struct locked {
	pmm_spinlock_t spin;
	pmm_mutex_t mutex;
	pmm_rwsem_t sem;
	pmm_atomic_t readers;
};
static struct locked *lk;
static int lock_kind;

static void locked_inc(void)
{
	pmm_atomic_set(counter, pmm_atomic_read(counter) + 1);
}

static void lock_task(void *arg)
{
	bool good = variant(arg) == GOOD;

	switch (lock_kind) {
	case 0:
		if (good)
			pmm_spin_lock(&lk->spin);
		locked_inc();
		if (good)
			pmm_spin_unlock(&lk->spin);
		break;
	case 1:
		if (good)
			pmm_mutex_lock(&lk->mutex);
		locked_inc();
		if (good)
			pmm_mutex_unlock(&lk->mutex);
		break;
	case 2:
		/* Writer: no reader may be inside; readers count themselves. */
		if (pmm_task_id() == 0) {
			if (good)
				pmm_down_write(&lk->sem);
			else
				pmm_down_read(&lk->sem);
			if (pmm_atomic_read(&lk->readers))
				pmm_violation("lock-order", "writer meets a reader");
			locked_inc();
			locked_inc();
			if (good)
				pmm_up_write(&lk->sem);
			else
				pmm_up_read(&lk->sem);
		} else {
			pmm_down_read(&lk->sem);
			pmm_atomic_inc(&lk->readers);
			pmm_atomic_dec(&lk->readers);
			pmm_up_read(&lk->sem);
		}
		break;
	}
}

static void lock_setup(void *arg)
{
	counter = pmm_alloc(sizeof(*counter));
	lk = pmm_alloc(sizeof(*lk));
	pmm_spin_lock_init(&lk->spin);
	pmm_mutex_init(&lk->mutex);
	pmm_rwsem_init(&lk->sem);
	pmm_task_create("a", 0, lock_task, arg);
	pmm_task_create("b", 1, lock_task, arg);
}

static void test_locks(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	for (lock_kind = 0; lock_kind < 3; lock_kind++) {
		r = explore(lock_setup, counter_finish, GOOD, NULL);
		assert_int_equal(r.violations, 0);
		pmm_explore_result_release(&r);
		r = explore(lock_setup, counter_finish, BAD, NULL);
		assert_true(r.violations > 0);
		pmm_explore_result_release(&r);
	}
}

/* A sleeping lock under a spinlock is a bug-on. */
static void sleep_in_atomic(void *arg)
{
	(void)arg;
	pmm_spin_lock(&lk->spin);
	pmm_mutex_lock(&lk->mutex);
	pmm_mutex_unlock(&lk->mutex);
	pmm_spin_unlock(&lk->spin);
}

static void sleep_setup(void *arg)
{
	lk = pmm_alloc(sizeof(*lk));
	pmm_spin_lock_init(&lk->spin);
	pmm_mutex_init(&lk->mutex);
	pmm_task_create("a", 0, sleep_in_atomic, arg);
}

static void test_might_sleep(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	r = explore(sleep_setup, NULL, GOOD, NULL);
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, "bug-on");
	pmm_explore_result_release(&r);
}

/* Wait queues: the waker sets the flag, then wakes (or forgets to). */
struct waiting {
	pmm_waitqueue_t wq;
	pmm_completion_t done;
	int flag;
};
static struct waiting *wt;

static void waiter(void *arg)
{
	(void)arg;
	pmm_wait_event(&wt->wq, PMM_READ_ONCE(wt->flag));
	pmm_wait_for_completion(&wt->done);
	PMM_WRITE_ONCE(wt->flag, 2);
}

static void waker(void *arg)
{
	PMM_WRITE_ONCE(wt->flag, 1);
	if (variant(arg) == GOOD)
		pmm_wake_up(&wt->wq);
	pmm_complete(&wt->done);
}

static void wait_setup(void *arg)
{
	wt = pmm_alloc(sizeof(*wt));
	pmm_waitqueue_init(&wt->wq);
	pmm_completion_init(&wt->done);
	pmm_task_create("waiter", 0, waiter, arg);
	pmm_task_create("waker", 1, waker, arg);
}

static void wait_finish(void *arg)
{
	(void)arg;
	/* The waiter took the completion and went on. */
	if (pmm_completion_done(&wt->done) || PMM_READ_ONCE(wt->flag) != 2)
		pmm_violation("bug-on", "the waiter did not go on");
}

static void test_wait(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	r = explore(wait_setup, wait_finish, GOOD, NULL);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
	/* The waiter that tested the flag before it was set sleeps forever. */
	r = explore(wait_setup, wait_finish, BAD, NULL);
	assert_true(r.deadlocks > 0);
	assert_string_equal(r.oracle, "deadlock");
	pmm_explore_result_release(&r);
}

/* RCU: the updater frees the old version after a grace period, or before. */
struct version {
	int freed;
};
struct rcu_state {
	struct version *cur;
	struct version *old;
};
static struct rcu_state *rs;

static void rcu_reader(void *arg)
{
	struct version *v;

	(void)arg;
	pmm_rcu_read_lock();
	v = pmm_rcu_dereference(rs->cur);
	if (PMM_READ_ONCE(v->freed))
		pmm_violation("use-after-free", "reader sees a freed version");
	pmm_rcu_read_unlock();
}

static void rcu_updater(void *arg)
{
	struct version *old = rs->old;

	pmm_rcu_assign_pointer(rs->cur, pmm_alloc(sizeof(struct version)));
	if (variant(arg) == GOOD)
		pmm_synchronize_rcu();
	PMM_WRITE_ONCE(old->freed, 1);
}

static void rcu_setup(void *arg)
{
	rs = pmm_alloc(sizeof(*rs));
	rs->cur = rs->old = pmm_alloc(sizeof(struct version));
	pmm_task_create("reader", 0, rcu_reader, arg);
	pmm_task_create("updater", 1, rcu_updater, arg);
}

static void test_rcu(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	r = explore(rcu_setup, NULL, GOOD, NULL);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
	r = explore(rcu_setup, NULL, BAD, NULL);
	assert_true(r.violations > 0);
	assert_string_equal(r.oracle, "use-after-free");
	pmm_explore_result_release(&r);
}

/* The same program natively: real threads, real atomics and locks. */
static void test_native(void **state)
{
	struct pmm_program prog = {
		.name = "api", .setup = lock_setup, .finish = counter_finish,
		.arg = (void *)(uintptr_t)GOOD,
	};
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	(void)state;
	o.iterations = 200;
	for (lock_kind = 0; lock_kind < 3; lock_kind++) {
		assert_int_equal(pmm_native_run(&prog, &o, &r), 0);
		assert_int_equal(r.iterations, 200);
		assert_int_equal(r.violations, 0);
	}
	prog.setup = rcu_setup;
	prog.finish = NULL;
	assert_int_equal(pmm_native_run(&prog, &o, &r), 0);
	assert_int_equal(r.violations, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_observed),
		cmocka_unit_test(test_cmpxchg),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_locks),
		cmocka_unit_test(test_might_sleep),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_rcu),
		cmocka_unit_test(test_native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
