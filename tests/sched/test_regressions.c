// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Regression tests for bugs found in src/sched/, one each, named on the
 * command line by meson.build. Each opens with the bug's story and the
 * interleaving that showed it; each failed before its fix.
 *
 * 1. wait_on_bit_might_sleep, wait_on_bit_lock_might_sleep
 *
 *    The kernel's wait_on_bit() and wait_on_bit_lock()
 *    (include/linux/wait_bit.h) begin with might_sleep(), before their
 *    fast path: with CONFIG_DEBUG_ATOMIC_SLEEP, waiting on a bit with a
 *    spinlock held or inside an RCU reader is reported even when the bit
 *    happens to be clear (or free) and nothing sleeps. The model checks
 *    only on the slow path (bit_sleep() in src/sched/wait.c): the fast
 *    paths of wait_on_bit_at() and wait_on_bit_lock_at() return first.
 *    So the explorer misses the bug in every interleaving where the bit
 *    is already clear, and in a program where it always is, misses it
 *    altogether:
 *
 *        T0: spin_lock(&s)
 *        T0: wait_on_bit(word, 3)        bit clear: returns at once
 *        T0: spin_unlock(&s)             no "bug-on" reported
 *
 * 2. wait_event_in_setup, wait_on_bit_in_finish
 *
 *    src/sched/sched.h (sched_wait_at) promises that waiting outside a
 *    task (in setup() or finish()) on a false guard is a "bug-on":
 *    nothing could ever make it true. __sched_wait() reports it and
 *    returns, which suits the one-shot waits (spin_lock, mutex_lock,
 *    down_read, wait_for_completion), but wait_event() and bit_sleep()
 *    loop until their condition holds: they re-test, "sleep" (report,
 *    return) and re-test forever, and pmm_explore() never returns.
 *
 *        setup: wait_event(wq, READ_ONCE(flag))    flag is 0: hangs
 *
 *    The tests run the exploration in a child process and fail when it
 *    has not finished after a few seconds.
 *
 * 3. read_once_evaluates_once
 *
 *    READ_ONCE(x), WRITE_ONCE(x, v), smp_load_acquire(p) and
 *    smp_store_release(p, v) (src/sched/atomic.h) expand their argument
 *    twice, once for the yield point and once for the access, so an
 *    argument with a side effect runs it twice, and the yield point may
 *    name another object than the one accessed. The kernel's evaluate it
 *    once:
 *
 *        i = 0; v = READ_ONCE(a[i++]);    i is 2, not 1, and v is a[1]
 *
 * 4. bit_spin_unlock_by_other_task
 *
 *    Bit spinlocks have no owner, so bit_spin_unlock() by a task that
 *    does not hold the lock (another does) passes its BUG_ON(!test_bit())
 *    and calls sched_atomic_exit() for a task whose atomic_depth is 0:
 *    it becomes -1. The kernel's preempt_enable() there trips
 *    CONFIG_DEBUG_PREEMPT's underflow check at the unlock. The model says
 *    nothing at the unlock, and when the task returns reports "task
 *    thief exits with a spinlock held", of a task that never took one
 *    (and a might_sleep() after the unlock would say "spinlock held"):
 *
 *        T0: bit_spin_lock(0, &w)
 *        T1: test_bit(0, &w) is set
 *        T1: bit_spin_unlock(0, &w)      depth 0 -> -1, no report
 *        T1: returns                     "exits with a spinlock held"
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sched/atomic.h"
#include "sched/bitops.h"
#include "sched/rcu.h"
#include "sched/spinlock.h"
#include "sched/wait.h"
#include "sched_test.h"

struct kb {
	spinlock_t spin;
	unsigned long word;
	wait_queue_head_t wq;
	int flag;
	int mode;
};

static struct kb *the_kb;

static struct kb *kb_alloc(void)
{
	struct kb *k = pmm_alloc(sizeof(*k));

	spin_lock_init(&k->spin);
	init_waitqueue_head(&k->wq);
	the_kb = k;
	return k;
}

/* 1. might_sleep() on the fast path of the bit waits. */
enum { BIT_WAIT_SPIN, BIT_WAIT_RCU, BIT_LOCK_SPIN, BIT_LOCK_RCU };

static void bit_wait_in_atomic(void *arg)
{
	struct kb *k = arg;
	bool rcu = k->mode == BIT_WAIT_RCU || k->mode == BIT_LOCK_RCU;

	if (rcu)
		rcu_read_lock();
	else
		spin_lock(&k->spin);
	if (k->mode == BIT_WAIT_SPIN || k->mode == BIT_WAIT_RCU)
		wait_on_bit(&k->word, 3);	/* clear: the fast path */
	else
		wait_on_bit_lock(&k->word, 3);	/* free: the fast path */
	if (rcu)
		rcu_read_unlock();
	else
		spin_unlock(&k->spin);
}

static void bit_wait_setup(void *arg)
{
	struct kb *k = kb_alloc();

	k->mode = *(const int *)arg;
	task_new("t0", 0, bit_wait_in_atomic, k);
}

static void expect_might_sleep(int mode)
{
	const struct pmm_program p = PROGRAM_ARG("bit-wait-in-atomic",
		bit_wait_setup, NULL, &mode);

	/* One task, one execution, reported at the wait. */
	explore_expect_oracle(&p, 1, 1, 0, "bug-on",
			      "sleeping function called from invalid context");
}

static void test_wait_on_bit_might_sleep(void **state)
{
	(void)state;
	expect_might_sleep(BIT_WAIT_SPIN);
	expect_might_sleep(BIT_WAIT_RCU);
}

static void test_wait_on_bit_lock_might_sleep(void **state)
{
	(void)state;
	expect_might_sleep(BIT_LOCK_SPIN);
	expect_might_sleep(BIT_LOCK_RCU);
}

/* 2. Waiting outside a task on a condition that cannot change. */
static void wait_event_setup(void *arg)
{
	struct kb *k = kb_alloc();

	(void)arg;
	wait_event(k->wq, READ_ONCE(k->flag));
}

static void bit_finish_setup(void *arg)
{
	struct kb *k = kb_alloc();

	(void)arg;
	set_bit(3, &k->word);
}

static void wait_on_bit_finish(void *arg)
{
	(void)arg;
	wait_on_bit(&the_kb->word, 3);
}

static const struct pmm_program wait_event_setup_prog =
	PROGRAM("wait-event-in-setup", wait_event_setup, NULL);
static const struct pmm_program wait_on_bit_finish_prog =
	PROGRAM("wait-on-bit-in-finish", bit_finish_setup, wait_on_bit_finish);

/*
 * In a child: explore @prog, exit 0 when it gave 1 execution with a
 * "bug-on" saying it would block outside any task, 1 otherwise. The
 * parent gives it @seconds.
 */
static void expect_bug_on_not_hang(const struct pmm_program *prog,
				   unsigned int seconds)
{
	int status = 0;
	unsigned int waited;
	pid_t pid, done = 0;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
		struct pmm_explore_result r;
		bool ok;

		o.trace = false;
		ok = !pmm_explore(prog, &o, &r) && r.executions == 1 &&
		     r.violations == 1 && !strcmp(r.oracle, "bug-on") &&
		     strstr(r.message, "would block outside any task");
		_exit(ok ? 0 : 1);
	}
	for (waited = 0; waited < seconds * 10; waited++) {
		done = waitpid(pid, &status, WNOHANG);
		if (done)
			break;
		usleep(100 * 1000);
	}
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		print_message("%s: pmm_explore() still running after %u s\n",
			      prog->name, seconds);
		fail();
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_wait_event_in_setup(void **state)
{
	(void)state;
	expect_bug_on_not_hang(&wait_event_setup_prog, 5);
}

static void test_wait_on_bit_in_finish(void **state)
{
	(void)state;
	expect_bug_on_not_hang(&wait_on_bit_finish_prog, 5);
}

/* 3. One evaluation of the argument, as the kernel's. */
static void test_read_once_evaluates_once(void **state)
{
	int a[4] = { 10, 11, 12, 13 };
	int *p = a;
	int i = 0, v;

	(void)state;
	v = READ_ONCE(a[i++]);
	assert_int_equal(v, 10);
	assert_int_equal(i, 1);

	i = 0;
	WRITE_ONCE(a[i++], 20);
	assert_int_equal(i, 1);
	assert_int_equal(a[0], 20);

	v = smp_load_acquire(p++);
	assert_int_equal(v, 20);
	assert_ptr_equal(p, &a[1]);

	smp_store_release(p++, 21);
	assert_ptr_equal(p, &a[2]);
	assert_int_equal(a[1], 21);
}

/* 4. Unlocking a bit spinlock another task holds. */
struct steal {
	unsigned long word;
	int x;
};

static void bit_owner(void *arg)
{
	struct steal *s = arg;

	bit_spin_lock(0, &s->word);
	WRITE_ONCE(s->x, 1);
	bit_spin_unlock(0, &s->word);
}

static void bit_thief(void *arg)
{
	struct steal *s = arg;

	if (test_bit(0, &s->word))
		bit_spin_unlock(0, &s->word);
}

static void steal_setup(void *arg)
{
	struct steal *s = pmm_alloc(sizeof(*s));

	(void)arg;
	task_new("owner", 0, bit_owner, s);
	task_new("thief", 1, bit_thief, s);
}

static const struct pmm_program steal_prog =
	PROGRAM("bit-spin-unlock-by-thief", steal_setup, NULL);

static void test_bit_spin_unlock_by_other_task(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	/* T0 locks; T1 sees the bit set and unlocks it. */
	replay(&steal_prog, "0.1x2", &r);
	if (r.violations != 1 || strstr(r.message, "exits with"))
		print_message("%s: %s\n", r.oracle, r.message);
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, "bug-on");
	/* Reported at the unlock, as what it is. */
	assert_null(strstr(r.message, "exits with a spinlock held"));
	assert_non_null(strstr(r.message, "bit_spin_unlock"));
	pmm_explore_result_release(&r);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait_on_bit_might_sleep),
		cmocka_unit_test(test_wait_on_bit_lock_might_sleep),
		cmocka_unit_test(test_wait_event_in_setup),
		cmocka_unit_test(test_wait_on_bit_in_finish),
		cmocka_unit_test(test_read_once_evaluates_once),
		cmocka_unit_test(test_bit_spin_unlock_by_other_task),
	};

	/* One bug per meson test: the argument names it. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
