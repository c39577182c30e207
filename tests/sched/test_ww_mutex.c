// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Wound/wait mutexes (src/sched/ww_mutex.c): two tasks take two locks in
 * opposite orders with acquire contexts and the back-off loop of
 * Documentation/locking/ww-mutex-design.rst. Under both algorithms
 * (wound-wait, the reservation class's, and wait-die) no interleaving
 * deadlocks, the critical sections exclude each other, and the back-off
 * happens in some interleaving;
 * without a context the same program deadlocks. Natively, many rounds on
 * real threads finish.
 */
#include "sched/ww_mutex.h"
#include "sched_test.h"

#include <errno.h>

static struct ww_class *cls;
static DEFINE_WW_CLASS(wound_wait);
static DEFINE_WD_CLASS(wait_die);

static struct ww_mutex locks[2];
static bool use_ctx;
static int inside;
static unsigned int rounds;
/* Per task: back-offs seen, over all executions. */
static unsigned long backoffs[2];

static void lock_both(int first)
{
	struct ww_acquire_ctx ctx;
	struct ww_mutex *l[2] = { &locks[first], &locks[!first] };
	struct ww_mutex *contended = NULL;
	bool held[2];
	int i, j, err;

	if (!use_ctx) {
		ww_mutex_lock(l[0], NULL);
		ww_mutex_lock(l[1], NULL);
		goto crit;
	}
	ww_acquire_init(&ctx, cls);
retry:
	held[0] = held[1] = false;
	if (contended) {
		ww_mutex_lock_slow(contended, &ctx);
		held[contended == l[1]] = true;
	}
	for (i = 0; i < 2; i++) {
		if (held[i])
			continue;
		err = ww_mutex_lock(l[i], &ctx);
		if (err == -EDEADLK) {
			for (j = 0; j < 2; j++)
				if (held[j])
					ww_mutex_unlock(l[j]);
			__atomic_fetch_add(&backoffs[first], 1, __ATOMIC_RELAXED);
			contended = l[i];
			goto retry;
		}
		held[i] = true;
	}
crit:
	if (__atomic_fetch_add(&inside, 1, __ATOMIC_RELAXED))
		pmm_violation("bug-on", "two tasks inside");
	sched_point(&inside, PMM_ACC_RMW);
	__atomic_fetch_sub(&inside, 1, __ATOMIC_RELAXED);
	ww_mutex_unlock(l[1]);
	ww_mutex_unlock(l[0]);
	if (use_ctx)
		ww_acquire_fini(&ctx);
}

static void task_fn(void *arg)
{
	int first = (int)(long)arg;
	unsigned int i;

	for (i = 0; i < rounds; i++)
		lock_both(first);
}

static void setup(void *arg)
{
	(void)arg;
	ww_mutex_init(&locks[0], cls);
	ww_mutex_init(&locks[1], cls);
	pmm_obj_name(&locks[0], "A");
	pmm_obj_name(&locks[1], "B");
	inside = 0;
	pmm_task_create("T0", 0, task_fn, (void *)0L);
	pmm_task_create("T1", 1, task_fn, (void *)1L);
}

static const struct pmm_program prog = { "ww", "", setup, NULL, NULL };

static void explore_class(struct ww_class *c, bool ctx)
{
	struct pmm_explore_result r;

	cls = c;
	use_ctx = ctx;
	rounds = 2;
	backoffs[0] = backoffs[1] = 0;
	explore_all_by(&prog, PMM_STRATEGY_DPOR, &r);
	if (ctx) {
		if (r.violations || r.deadlocks)
			explore_report("ww", &r);
		assert_int_equal(r.violations, 0);
		assert_int_equal(r.deadlocks, 0);
		/* Somewhere the younger backed off. */
		assert_true(backoffs[0] + backoffs[1] > 0);
	} else {
		assert_true(r.deadlocks > 0);
	}
	assert_true(r.executions > 2);
	pmm_explore_result_release(&r);
}

static void test_wound_wait(void **state)
{
	(void)state;
	explore_class(&wound_wait, true);
}

static void test_wait_die(void **state)
{
	(void)state;
	explore_class(&wait_die, true);
}

static void test_no_context_deadlocks(void **state)
{
	(void)state;
	explore_class(&wound_wait, false);
}

static void test_native(void **state)
{
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	(void)state;
	cls = &wound_wait;
	use_ctx = true;
	rounds = 2000;
	assert_int_equal(pmm_native_run(&prog, &o, &r), 0);
	assert_int_equal(r.violations, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wound_wait),
		cmocka_unit_test(test_wait_die),
		cmocka_unit_test(test_no_context_deadlocks),
		cmocka_unit_test(test_native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
