// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sleeping and waking (src/sched/wait.c, completion.c) under both
 * backends: wait_event/wake_up, wait_on_bit/wake_up_bit,
 * wait_on_bit_lock/clear_and_wake_up_bit, and completions.
 *
 * A sleeper runs again only after a wake-up, so a waker that changes the
 * condition but does not wake (or wakes before changing it, or wakes the
 * wrong queue or bit) leaves the sleeper asleep for good: the explorer
 * finds that lost wake-up as a "deadlock" in the interleavings where the
 * sleeper went to sleep first, and only there. Natively, the ping-pong
 * tests would hang on a lost wake-up.
 *
 * Stepping: wait_event queues itself (no step), then tests the condition
 * (one step per READ_ONCE), then sleeps: running again after the wake-up
 * is one more step, which re-queues and tests again. wake_up is one step.
 */
#include <sched.h>

#include "sched/atomic.h"
#include "sched/bitops.h"
#include "sched/completion.h"
#include "sched/rcu.h"
#include "sched/spinlock.h"
#include "sched/wait.h"
#include "sched_test.h"

#define CHECK(cond) do { if (!(cond)) return __LINE__; } while (0)

/* A bit in the second word, so BIT_WORD matters. */
#define WBIT (BITS_PER_LONG + 3)

struct ws {
	wait_queue_head_t wq, wq2;
	int flag;
	int data;
	int turn;
	unsigned long word[2];
	struct completion done;
	struct completion done2;
	atomic_t released;
	atomic_t inside;
	spinlock_t spin;
	int seen;
	int rounds;
	int counter;
};

static struct ws *the_ws;

static struct ws *ws_alloc(void)
{
	struct ws *s = pmm_alloc(sizeof(*s));

	init_waitqueue_head(&s->wq);
	init_waitqueue_head(&s->wq2);
	init_completion(&s->done);
	init_completion(&s->done2);
	spin_lock_init(&s->spin);
	pmm_obj_name(&s->wq, "wq");
	pmm_obj_name(&s->wq2, "wq2");
	pmm_obj_name(&s->flag, "flag");
	pmm_obj_name(&s->data, "data");
	pmm_obj_name(&s->word[1], "word");
	pmm_obj_name(&s->done, "done");
	the_ws = s;
	return s;
}

/* Waits for the flag, then must see the data written before it. */
static void flag_waiter(void *arg)
{
	struct ws *s = arg;

	wait_event(s->wq, READ_ONCE(s->flag));
	if (s->data != 42)
		pmm_violation("message-passing", "woken with data %d", s->data);
	atomic_inc(&s->released);
}

/*
 * Waiter W: test (A); if false, sleep, run again after a wake-up (S),
 * test again (C). Waker K: data (Kd), flag (K1), wake_up (K2).
 * Then W counts itself (R), one more step: alone when W slept (K is
 * done by then), before or after K2 when A came between K1 and K2.
 *
 *   A before K1 (before or after Kd): W sleeps, K1 and K2 run, then W
 *   runs S, C and R: 2 executions.
 *   A between K1 and K2: W sees the flag; R before or after K2: 2.
 *   A after K2: 1.
 *
 * 5 executions, none a deadlock.
 */
static void flag_waker(void *arg)
{
	struct ws *s = arg;

	WRITE_ONCE(s->data, 42);
	WRITE_ONCE(s->flag, 1);
	wake_up(&s->wq);
}

/* The lost wake-up: the condition changes, nobody is woken. */
static void forgetful_waker(void *arg)
{
	struct ws *s = arg;

	WRITE_ONCE(s->data, 42);
	WRITE_ONCE(s->flag, 1);
}

/* The other lost wake-up: waking before the condition is true. */
static void early_waker(void *arg)
{
	struct ws *s = arg;

	s->data = 42;
	wake_up(&s->wq);
	WRITE_ONCE(s->flag, 1);
}

/* Waking the wrong queue wakes nobody here. */
static void wrong_queue_waker(void *arg)
{
	struct ws *s = arg;

	s->data = 42;
	WRITE_ONCE(s->flag, 1);
	wake_up(&s->wq2);
}

static void waiter_waker_setup(pmm_task_fn waker)
{
	struct ws *s = ws_alloc();

	task_new("waiter", 0, flag_waiter, s);
	task_new("waker", 1, waker, s);
}

static void wake_setup(void *arg)
{
	(void)arg;
	waiter_waker_setup(flag_waker);
}

static void forgetful_setup(void *arg)
{
	(void)arg;
	waiter_waker_setup(forgetful_waker);
}

static void early_setup(void *arg)
{
	(void)arg;
	waiter_waker_setup(early_waker);
}

static void wrong_queue_setup(void *arg)
{
	(void)arg;
	waiter_waker_setup(wrong_queue_waker);
}

static void released_finish(void *arg)
{
	int want = arg ? *(const int *)arg : 1;

	if (atomic_read(&the_ws->released) != want)
		pmm_violation("final-state", "%d released, want %d",
			      atomic_read(&the_ws->released), want);
}

static const struct pmm_program wake_prog =
	PROGRAM("wait-event", wake_setup, released_finish);
static const struct pmm_program forgetful_prog =
	PROGRAM("wait-event-no-wake", forgetful_setup, released_finish);
static const struct pmm_program early_prog =
	PROGRAM("wait-event-early-wake", early_setup, released_finish);
static const struct pmm_program wrong_queue_prog =
	PROGRAM("wait-event-wrong-queue", wrong_queue_setup, released_finish);

static void test_wait_event_wake_up(void **state)
{
	(void)state;
	explore_expect(&wake_prog, 5, 0, 0);
	native_expect_clean(&wake_prog, 200);
}

/*
 * No wake_up (K: Kd, K1): with W's test before K1 (before or after Kd)
 * W sleeps for good, a deadlock; after K1, K is done and W sees the flag
 * and counts itself: 1 execution. 3 executions, 2 deadlocks. The
 * schedule "0" (W tests first, then the lowest runnable task on) is one
 * of them; "1x2.0" (K first) is the good one.
 */
static void test_lost_wake_up(void **state)
{
	(void)state;
	explore_expect_oracle(&forgetful_prog, 3, 2, 2, "deadlock",
			      "every live task is blocked");
	replay_expect(&forgetful_prog, "0", "deadlock", NULL);
	replay_expect(&forgetful_prog, "1x2.0", NULL, NULL);
}

/*
 * wake_up before the flag: the waiter queued itself before its first
 * test, so the early wake-up (K2) does mark it woken; it runs again,
 * re-queues, and whether it then sees the flag depends on K1.
 *
 *   W's test (A) first: W sleeps; K2 wakes it; then K1 and W's S, C:
 *     K1 S C, S K1 C (fine), S C K1 (C sees 0, W sleeps for good).
 *   K2 first: then K1 A (fine, W sees the flag), or A (sees 0, but is
 *     already woken) and then K1 S C, S K1 C (fine), S C K1 (deadlock).
 *
 * W's count (R) comes last, after K is done, in every good case. 7
 * executions, 2 deadlocks.
 */
static void test_wake_before_condition(void **state)
{
	(void)state;
	explore_expect_oracle(&early_prog, 7, 2, 2, "deadlock", NULL);
}

/*
 * Waking another queue (K: K1 flag, K2 wake wq2): W's test A before K1:
 * W sleeps for good (K1, K2 then run alone): a deadlock. A between K1
 * and K2: W's count R before or after K2: 2. A after K2: 1. 4
 * executions, 1 deadlock.
 */
static void test_wake_wrong_queue(void **state)
{
	(void)state;
	explore_expect_oracle(&wrong_queue_prog, 4, 1, 1, "deadlock", NULL);
}

/*
 * wake_up_all wakes every sleeper: two waiters (test A_i, then if asleep
 * S_i, C_i) and a waker (K1 flag, K2 wake). Split time at K1 and K2:
 * a waiter whose test is before K1 sleeps and runs S, C after K2; one
 * whose test is after K1 is done at once.
 *
 *   both before K1: 2 orders of the tests, C(4,2) = 6 of the S, C pairs
 *     after K2: 12.
 *   one before, one after K1 (2 ways): the late test between K1 and K2
 *     (1) or merged with the early one's S, C after K2 (3): 8.
 *   both after K1: the 2 tests and K2 in any order: 3! = 6.
 *
 * 26 executions, no deadlock.
 */
static void flag_only_waiter(void *arg)
{
	struct ws *s = arg;

	wait_event(s->wq, READ_ONCE(s->flag));
}

static void all_waker(void *arg)
{
	struct ws *s = arg;

	WRITE_ONCE(s->flag, 1);
	wake_up_all(&s->wq);
}

static void wake_all_setup(void *arg)
{
	struct ws *s = ws_alloc();

	(void)arg;
	task_new("w0", 0, flag_only_waiter, s);
	task_new("w1", 1, flag_only_waiter, s);
	task_new("waker", 2, all_waker, s);
}

static const struct pmm_program wake_all_prog =
	PROGRAM("wait-event-wake-all", wake_all_setup, NULL);

static void test_wake_up_all(void **state)
{
	(void)state;
	explore_expect(&wake_all_prog, 26, 0, 0);
	native_expect_clean(&wake_all_prog, 200);
}

/* A condition already true: one test step, no sleep. */
static void true_setup(void *arg)
{
	struct ws *s = ws_alloc();

	(void)arg;
	s->flag = 1;
	s->data = 42;
	task_new("waiter", 0, flag_waiter, s);
}

static const struct pmm_program true_prog =
	PROGRAM("wait-event-true", true_setup, released_finish);

static void test_wait_event_condition_true(void **state)
{
	(void)state;
	explore_expect(&true_prog, 1, 0, 0);
	native_expect_clean(&true_prog, 10);
}

/*
 * Natively: two tasks hand a turn back and forth many times, each
 * waiting for its turn with wait_event and waking the other. A lost
 * wake-up hangs the test.
 */
#define PING_ROUNDS 10000

static void ping(void *arg)
{
	struct ws *s = arg;
	int i;

	for (i = 0; i < s->rounds; i++) {
		wait_event(s->wq, READ_ONCE(s->turn) == 0);
		WRITE_ONCE(s->counter, s->counter + 1);
		WRITE_ONCE(s->turn, 1);
		wake_up(&s->wq);
	}
}

static void pong(void *arg)
{
	struct ws *s = arg;
	int i;

	for (i = 0; i < s->rounds; i++) {
		wait_event(s->wq, READ_ONCE(s->turn) == 1);
		WRITE_ONCE(s->counter, s->counter + 1);
		WRITE_ONCE(s->turn, 0);
		wake_up(&s->wq);
	}
}

static void ping_pong_setup(void *arg)
{
	struct ws *s = ws_alloc();

	s->rounds = *(const int *)arg;
	task_new("ping", 0, ping, s);
	task_new("pong", 1, pong, s);
}

static void ping_pong_finish(void *arg)
{
	(void)arg;
	if (the_ws->counter != 2 * the_ws->rounds)
		pmm_violation("final-state", "counter %d after %d rounds",
			      the_ws->counter, the_ws->rounds);
}

static const int ping_rounds = PING_ROUNDS;
static const int ping_rounds_explore = 2;

static void test_ping_pong(void **state)
{
	const struct pmm_program native = PROGRAM_ARG("wait-ping-pong",
		ping_pong_setup, ping_pong_finish, &ping_rounds);
	const struct pmm_program explore = PROGRAM_ARG("wait-ping-pong",
		ping_pong_setup, ping_pong_finish, &ping_rounds_explore);
	struct pmm_explore_result r;

	(void)state;
	native_expect_clean(&native, 1);
	explore_all(&explore, &r);
	if (r.violations)
		explore_report("wait-ping-pong", &r);
	assert_int_equal(r.violations, 0);
	assert_true(r.executions > 1);
	pmm_explore_result_release(&r);
}

/*
 * Bits. wait_on_bit(word, bit): a fast test (T1) and, if set, queue, test
 * again (T2), sleep, run again after wake_up_bit (S), test (T3).
 * clear_and_wake_up_bit: clear (K1), wake (K2). The bit starts set.
 *
 *   K1 first: T1 sees it clear, before or after K2: 2 executions.
 *   T1 first (set): T2 before K1 (W sleeps; K1, K2, S, T3): 1; K1 then
 *   T2 (clear), before or after K2: 2.
 *
 * 5 executions, no deadlock.
 */
static void bit_waiter(void *arg)
{
	struct ws *s = arg;

	wait_on_bit(s->word, WBIT);
	if (test_bit(WBIT, s->word))
		pmm_violation("wait-on-bit", "returned with the bit set");
}

static void bit_waiter_quiet(void *arg)
{
	struct ws *s = arg;

	wait_on_bit(s->word, WBIT);
}

static void clear_and_wake(void *arg)
{
	struct ws *s = arg;

	clear_and_wake_up_bit(WBIT, s->word);
}

/* The kernel's open-coded form: clear_bit, barrier, wake_up_bit. */
static void clear_then_wake(void *arg)
{
	struct ws *s = arg;

	clear_bit(WBIT, s->word);
	smp_mb__after_atomic();
	wake_up_bit(s->word, WBIT);
}

static void clear_no_wake(void *arg)
{
	struct ws *s = arg;

	clear_bit(WBIT, s->word);
}

static void clear_wake_other_bit(void *arg)
{
	struct ws *s = arg;

	clear_bit(WBIT, s->word);
	wake_up_bit(s->word, WBIT + 1);
}

static void bit_setup(pmm_task_fn waiter, pmm_task_fn waker)
{
	struct ws *s = ws_alloc();

	set_bit(WBIT, s->word);
	task_new("waiter", 0, waiter, s);
	task_new("waker", 1, waker, s);
}

static void bit_cw_setup(void *arg)
{
	(void)arg;
	bit_setup(bit_waiter_quiet, clear_and_wake);
}

static void bit_open_setup(void *arg)
{
	(void)arg;
	bit_setup(bit_waiter_quiet, clear_then_wake);
}

static void bit_lost_setup(void *arg)
{
	(void)arg;
	bit_setup(bit_waiter_quiet, clear_no_wake);
}

static void bit_other_setup(void *arg)
{
	(void)arg;
	bit_setup(bit_waiter_quiet, clear_wake_other_bit);
}

static void bit_checked_setup(void *arg)
{
	(void)arg;
	bit_setup(bit_waiter, clear_and_wake);
}

static const struct pmm_program bit_cw_prog =
	PROGRAM("wait-on-bit", bit_cw_setup, NULL);
static const struct pmm_program bit_open_prog =
	PROGRAM("wait-on-bit-open-coded", bit_open_setup, NULL);
static const struct pmm_program bit_lost_prog =
	PROGRAM("wait-on-bit-no-wake", bit_lost_setup, NULL);
static const struct pmm_program bit_other_prog =
	PROGRAM("wait-on-bit-other-bit", bit_other_setup, NULL);
static const struct pmm_program bit_checked_prog =
	PROGRAM("wait-on-bit-checked", bit_checked_setup, NULL);

static void test_wait_on_bit(void **state)
{
	(void)state;
	explore_expect(&bit_cw_prog, 5, 0, 0);
	explore_expect(&bit_open_prog, 5, 0, 0);
	/*
	 * The waiter then tests the bit itself (X), one more step: after
	 * K2 when it slept (1 execution); else it returned after seeing
	 * the bit clear at T1 or T2, with K2 maybe still to come: "K1 T1"
	 * and "T1 K1 T2" then X before or after K2 (4), "K1 K2 T1 X" and
	 * "T1 K1 K2 T2 X" (2). 7 executions, and the bit is clear whenever
	 * wait_on_bit returned.
	 */
	explore_expect(&bit_checked_prog, 7, 0, 0);
	native_expect_clean(&bit_checked_prog, 200);
	native_expect_clean(&bit_open_prog, 200);
}

/*
 * No wake_up_bit: K1 before T1 (W returns at once), between T1 and T2
 * (T2 sees it clear), or after T2 (W sleeps for good): 3 executions,
 * 1 deadlock, pinned as "0x2": W's two tests, then K1.
 */
static void test_wait_on_bit_lost_wake_up(void **state)
{
	(void)state;
	explore_expect_oracle(&bit_lost_prog, 3, 1, 1, "deadlock", NULL);
	replay_expect(&bit_lost_prog, "0x2", "deadlock", NULL);
}

/*
 * wake_up_bit on another bit of the same word wakes nobody: the same 5
 * executions as with the right bit, but the one where W slept (T1 T2
 * K1 K2) now ends in a deadlock.
 */
static void test_wake_up_other_bit(void **state)
{
	(void)state;
	explore_expect_oracle(&bit_other_prog, 5, 1, 1, "deadlock", NULL);
}

/* wait_on_bit of a clear bit returns at once: 1 step. */
static void clear_bit_setup(void *arg)
{
	struct ws *s = ws_alloc();

	(void)arg;
	task_new("waiter", 0, bit_waiter, s);
}

static const struct pmm_program clear_bit_prog =
	PROGRAM("wait-on-clear-bit", clear_bit_setup, NULL);

static void test_wait_on_clear_bit(void **state)
{
	(void)state;
	explore_expect(&clear_bit_prog, 1, 0, 0);
	native_expect_clean(&clear_bit_prog, 10);
}

/*
 * wait_on_bit_lock with the bit held (set in setup) and released by
 * clear_and_wake_up_bit: the waiter's fast test-and-set (A) fails if
 * first; then it queues and tries again (B); if that fails it sleeps
 * and tries again after the wake-up.
 *
 *   K1 first: A takes the bit, before or after K2: 2 executions.
 *   A first (fails): B before K1 (fails, W sleeps; K1, K2, then W takes
 *   it): 1; K1 then B (takes it) before or after K2: 2.
 *
 * 5 executions, no deadlock, and the waiter holds the bit at the end.
 */
static void bit_locker(void *arg)
{
	struct ws *s = arg;

	wait_on_bit_lock(s->word, WBIT);
	s->seen = 1;
}

static void bit_lock_setup(void *arg)
{
	(void)arg;
	bit_setup(bit_locker, clear_and_wake);
}

static void bit_lock_finish(void *arg)
{
	(void)arg;
	if (!the_ws->seen || !test_bit(WBIT, the_ws->word))
		pmm_violation("final-state", "waiter did not get the bit");
}

static const struct pmm_program bit_lock_prog =
	PROGRAM("wait-on-bit-lock", bit_lock_setup, bit_lock_finish);

static void test_wait_on_bit_lock(void **state)
{
	(void)state;
	explore_expect(&bit_lock_prog, 5, 0, 0);
	native_expect_clean(&bit_lock_prog, 200);
}

/*
 * wait_on_bit_lock as a sleeping lock: n tasks, each takes the bit,
 * runs a two-step section (inc_return, dec of "inside"), and releases it
 * with clear_and_wake_up_bit. Never two inside, never a deadlock; the
 * interleavings are many (a task may sleep and be woken several times),
 * so only the invariants are checked, and that the exploration ends.
 */
static void bit_lock_section(void *arg)
{
	struct ws *s = arg;
	int i;

	for (i = 0; i < s->rounds; i++) {
		wait_on_bit_lock(s->word, WBIT);
		if (atomic_inc_return(&s->inside) != 1)
			pmm_violation("exclusion", "two tasks hold the bit");
		WRITE_ONCE(s->counter, READ_ONCE(s->counter) + 1);
		atomic_dec(&s->inside);
		clear_and_wake_up_bit(WBIT, s->word);
	}
}

struct lock_cfg {
	int nr, rounds;
};

static void bit_lock_excl_setup(void *arg)
{
	const struct lock_cfg *cfg = arg;
	struct ws *s = ws_alloc();
	int i;

	s->rounds = cfg->rounds;
	for (i = 0; i < cfg->nr; i++)
		task_new("locker", i, bit_lock_section, s);
}

static void bit_lock_excl_finish(void *arg)
{
	const struct lock_cfg *cfg = arg;

	if (the_ws->counter != cfg->nr * cfg->rounds || the_ws->word[1])
		pmm_violation("final-state", "counter %d, word %#lx",
			      the_ws->counter, the_ws->word[1]);
}

static const struct lock_cfg excl_explore[] = { { 2, 1 }, { 3, 1 }, { 2, 2 } };
static const struct lock_cfg excl_native = { 4, 20000 };

static void test_wait_on_bit_lock_exclusive(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const struct pmm_program p = PROGRAM_ARG("wait-on-bit-lock-excl",
			bit_lock_excl_setup, bit_lock_excl_finish,
			&excl_explore[i]);
		struct pmm_explore_result r;

		explore_all(&p, &r);
		if (r.violations)
			explore_report(p.name, &r);
		assert_int_equal(r.violations, 0);
		assert_int_equal(r.deadlocks, 0);
		pmm_explore_result_release(&r);
	}
	{
		const struct pmm_program p = PROGRAM_ARG("wait-on-bit-lock-excl",
			bit_lock_excl_setup, bit_lock_excl_finish, &excl_native);

		native_expect_clean(&p, 1);
	}
}

/*
 * The same lock released by a plain clear_bit_unlock (no wake-up): a
 * task that went to sleep on the bit is never woken; some interleaving
 * deadlocks.
 */
static void bit_lock_no_wake(void *arg)
{
	struct ws *s = arg;

	wait_on_bit_lock(s->word, WBIT);
	clear_bit_unlock(WBIT, s->word);
}

static void bit_lock_no_wake_setup(void *arg)
{
	struct ws *s = ws_alloc();

	(void)arg;
	task_new("t0", 0, bit_lock_no_wake, s);
	task_new("t1", 1, bit_lock_no_wake, s);
}

static const struct pmm_program bit_lock_no_wake_prog =
	PROGRAM("wait-on-bit-lock-no-wake", bit_lock_no_wake_setup, NULL);

/*
 * T_i: fast test-and-set A_i, (if it failed) B_i, sleep; release U_i.
 *   A0 first takes it; then T1's A1 before U0 fails: B1 before U0 fails
 *   too and T1 sleeps for good once U0 ran (deadlock), B1 after U0 takes
 *   it; A1 after U0 takes it. 3 executions, mirrored: 6, 2 deadlocks.
 */
static void test_wait_on_bit_lock_lost_wake_up(void **state)
{
	(void)state;
	explore_expect_oracle(&bit_lock_no_wake_prog, 6, 2, 2, "deadlock",
			      NULL);
}

/*
 * Completions. The waiter is not runnable before complete(): a producer
 * writes data, completes, then writes another variable; the waiter takes
 * the completion (W1) and reads the data (W2). Before complete() only the
 * producer runs; its last write goes before W1, between, or after W2:
 * 3 executions, the waiter always sees the data.
 */
static void producer(void *arg)
{
	struct ws *s = arg;

	WRITE_ONCE(s->data, 42);
	complete(&s->done);
	WRITE_ONCE(s->flag, 1);
}

static void consumer(void *arg)
{
	struct ws *s = arg;

	wait_for_completion(&s->done);
	if (READ_ONCE(s->data) != 42)
		pmm_violation("message-passing", "completed with data %d",
			      s->data);
}

static void completion_setup(void *arg)
{
	struct ws *s = ws_alloc();

	(void)arg;
	task_new("consumer", 0, consumer, s);
	task_new("producer", 1, producer, s);
}

static const struct pmm_program completion_prog =
	PROGRAM("completion", completion_setup, NULL);

static void test_wait_for_completion(void **state)
{
	(void)state;
	explore_expect(&completion_prog, 3, 0, 0);
	native_expect_clean(&completion_prog, 300);
}

/* Nobody completes: the waiter deadlocks, 1 execution. */
static void lonely_setup(void *arg)
{
	struct ws *s = ws_alloc();

	(void)arg;
	task_new("consumer", 0, consumer, s);
}

static const struct pmm_program lonely_prog =
	PROGRAM("completion-never", lonely_setup, NULL);

static void test_completion_never_completed(void **state)
{
	(void)state;
	explore_expect_oracle(&lonely_prog, 1, 1, 1, "deadlock", NULL);
}

/*
 * complete_all releases every waiter: three waiters, each takes (W1) and
 * counts itself (W2). Before complete_all only its task runs; after it,
 * the three 2-step waiters interleave freely: 6!/(2!)^3 = 90 executions,
 * 3 released in each, and the completion stays done.
 */
static void counting_waiter(void *arg)
{
	struct ws *s = arg;

	wait_for_completion(&s->done);
	atomic_inc(&s->released);
}

static void completer_all(void *arg)
{
	complete_all(&((struct ws *)arg)->done);
}

static void completer_twice(void *arg)
{
	struct ws *s = arg;

	complete(&s->done);
	complete(&s->done);
}

static void completer_once(void *arg)
{
	complete(&((struct ws *)arg)->done);
}

static void waiters_setup(int nr, pmm_task_fn completer)
{
	struct ws *s = ws_alloc();
	int i;

	for (i = 0; i < nr; i++)
		task_new("waiter", i, counting_waiter, s);
	task_new("completer", nr, completer, s);
}

static void all3_setup(void *arg)
{
	(void)arg;
	waiters_setup(3, completer_all);
}

static void twice2_setup(void *arg)
{
	(void)arg;
	waiters_setup(2, completer_twice);
}

static void once2_setup(void *arg)
{
	(void)arg;
	waiters_setup(2, completer_once);
}

static void all_finish(void *arg)
{
	released_finish(arg);
	if (!completion_done(&the_ws->done) ||
	    !try_wait_for_completion(&the_ws->done))
		pmm_violation("final-state", "complete_all wore off");
}

static void counted_finish(void *arg)
{
	released_finish(arg);
	if (completion_done(&the_ws->done))
		pmm_violation("final-state", "completion left over");
}

static const int three = 3, two = 2;

static const struct pmm_program all3_prog =
	PROGRAM_ARG("complete-all", all3_setup, all_finish, &three);
static const struct pmm_program twice2_prog =
	PROGRAM_ARG("complete-twice", twice2_setup, counted_finish, &two);
static const struct pmm_program once2_prog =
	PROGRAM_ARG("complete-once", once2_setup, counted_finish, &two);

static void test_complete_all(void **state)
{
	(void)state;
	explore_expect(&all3_prog, 90, 0, 0);
	native_expect_clean(&all3_prog, 200);
}

/*
 * complete() twice, two waiters. After the first complete() (the only
 * first step), the events are: the second complete (a), each waiter's
 * take (b_i) and count (c_i), with b_i < c_i, and the second take after
 * a. Orders of 5 events with b_i < c_i: 5!/4 = 30; those with both takes
 * before a: b1 or b2 first (2 ways), then, say after b1, the orders of
 * c1, b2, a, c2 with b2 before a and c2: 2 x 4 = 8 each, 16 in all.
 * 30 - 16 = 14 executions, both waiters released in each.
 */
static void test_complete_counts(void **state)
{
	(void)state;
	explore_expect(&twice2_prog, 14, 0, 0);
	native_expect_clean(&twice2_prog, 200);
}

/*
 * complete() once, two waiters: one takes it, runs its count, and the
 * other waits for good: 2 executions (which waiter), both deadlocks.
 */
static void test_complete_once_two_waiters(void **state)
{
	(void)state;
	explore_expect_oracle(&once2_prog, 2, 2, 2, "deadlock", NULL);
}

/* What one task sees of a completion by itself. */
static int completion_semantics(struct completion *x)
{
	int i;

	CHECK(!completion_done(x));
	CHECK(!try_wait_for_completion(x));
	complete(x);
	CHECK(completion_done(x));
	CHECK(try_wait_for_completion(x));
	CHECK(!completion_done(x));
	complete(x);
	complete(x);
	wait_for_completion(x);
	CHECK(try_wait_for_completion(x));
	CHECK(!try_wait_for_completion(x));
	complete_all(x);
	for (i = 0; i < 3; i++) {
		wait_for_completion(x);
		CHECK(try_wait_for_completion(x));
	}
	/* complete() after complete_all() keeps it done. */
	complete(x);
	CHECK(x->done == COMPLETE_ALL);
	reinit_completion(x);
	CHECK(!completion_done(x));
	CHECK(!try_wait_for_completion(x));
	return 0;
}

static void completion_semantics_task(void *arg)
{
	struct ws *s = arg;
	int line = completion_semantics(&s->done);

	if (line)
		pmm_violation("semantics", "check at line %d failed", line);
}

static void completion_semantics_setup(void *arg)
{
	(void)arg;
	task_new("sem", 0, completion_semantics_task, ws_alloc());
}

static const struct pmm_program completion_semantics_prog =
	PROGRAM("completion-semantics", completion_semantics_setup, NULL);

static void test_completion_semantics(void **state)
{
	struct completion x;

	(void)state;
	init_completion(&x);
	assert_int_equal(completion_semantics(&x), 0);
	explore_expect(&completion_semantics_prog, 1, 0, 0);
	native_expect_clean(&completion_semantics_prog, 10);
}

/*
 * try_wait_for_completion racing complete(): one step each, 2
 * executions: the try fails before the complete (which then stays
 * done), succeeds after it (and takes it).
 */
static unsigned int try_seen;

static void trier(void *arg)
{
	struct ws *s = arg;

	s->seen = try_wait_for_completion(&s->done) ? 2 : 1;
}

static void try_setup(void *arg)
{
	struct ws *s = ws_alloc();

	(void)arg;
	task_new("trier", 0, trier, s);
	task_new("completer", 1, completer_once, s);
}

static void try_finish(void *arg)
{
	struct ws *s = the_ws;

	(void)arg;
	try_seen |= 1u << s->seen;
	if ((s->seen == 2) == (s->done.done != 0))
		pmm_violation("final-state", "try %d, done %u", s->seen,
			      s->done.done);
}

static const struct pmm_program try_prog =
	PROGRAM("try-wait-for-completion", try_setup, try_finish);

static void test_try_wait_for_completion(void **state)
{
	(void)state;
	try_seen = 0;
	explore_expect(&try_prog, 2, 0, 0);
	assert_int_equal(try_seen, 6);
}

/* Natively: a completion ping-pong, many rounds. */
static void comp_ping(void *arg)
{
	struct ws *s = arg;
	int i;

	for (i = 0; i < s->rounds; i++) {
		WRITE_ONCE(s->data, i);
		complete(&s->done);
		wait_for_completion(&s->done2);
		if (READ_ONCE(s->counter) != i + 1)
			pmm_violation("message-passing", "round %d", i);
	}
}

static void comp_pong(void *arg)
{
	struct ws *s = arg;
	int i;

	for (i = 0; i < s->rounds; i++) {
		wait_for_completion(&s->done);
		if (READ_ONCE(s->data) != i)
			pmm_violation("message-passing", "round %d", i);
		WRITE_ONCE(s->counter, i + 1);
		complete(&s->done2);
	}
}

static void comp_ping_pong_setup(void *arg)
{
	struct ws *s = ws_alloc();

	s->rounds = *(const int *)arg;
	task_new("ping", 0, comp_ping, s);
	task_new("pong", 1, comp_pong, s);
}

static void test_completion_ping_pong(void **state)
{
	const struct pmm_program native = PROGRAM_ARG("completion-ping-pong",
		comp_ping_pong_setup, NULL, &ping_rounds);
	const struct pmm_program explore = PROGRAM_ARG("completion-ping-pong",
		comp_ping_pong_setup, NULL, &ping_rounds_explore);
	struct pmm_explore_result r;

	(void)state;
	native_expect_clean(&native, 1);
	explore_all(&explore, &r);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

/*
 * might_sleep(): waiting with a spinlock held or inside an RCU reader is
 * a "bug-on" under the explore backend, even when it would not have to
 * sleep (wait_event's condition true, completion done), as
 * CONFIG_DEBUG_ATOMIC_SLEEP reports it. (wait_on_bit and
 * wait_on_bit_lock are in test_regressions.c.)
 */
enum sleeper { SL_WAIT_EVENT, SL_COMPLETION, SL_BIT_SET };

static void atomic_sleeper(void *arg)
{
	struct ws *s = arg;
	bool rcu = s->rounds & 1;

	if (rcu)
		rcu_read_lock();
	else
		spin_lock(&s->spin);
	switch ((enum sleeper)(s->rounds >> 1)) {
	case SL_WAIT_EVENT:
		wait_event(s->wq, READ_ONCE(s->flag));
		break;
	case SL_COMPLETION:
		wait_for_completion(&s->done);
		break;
	case SL_BIT_SET:
		wait_on_bit(s->word, WBIT);
		break;
	}
	if (rcu)
		rcu_read_unlock();
	else
		spin_unlock(&s->spin);
}

static void clear_later(void *arg)
{
	clear_and_wake_up_bit(WBIT, ((struct ws *)arg)->word);
}

static void atomic_sleeper_setup(void *arg)
{
	struct ws *s = ws_alloc();

	s->rounds = *(const int *)arg;
	s->flag = 1;
	complete(&s->done);
	set_bit(WBIT, s->word);
	task_new("sleeper", 0, atomic_sleeper, s);
	task_new("clearer", 1, clear_later, s);
}

static void test_sleep_in_atomic(void **state)
{
	static const int modes[] = { 0, 1, 2, 3, 4, 5 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		const struct pmm_program p = PROGRAM_ARG("sleep-in-atomic",
			atomic_sleeper_setup, NULL, &modes[i]);
		struct pmm_explore_result r;

		/* Every execution that reaches the wait reports it. */
		explore_all(&p, &r);
		if (!r.violations || r.deadlocks ||
		    strcmp(r.oracle, "bug-on") ||
		    !strstr(r.message, i & 1 ? "RCU read-side" :
			    "spinlock held"))
			explore_report(p.name, &r);
		assert_string_equal(r.oracle, "bug-on");
		assert_non_null(strstr(r.message, "sleeping function called"));
		assert_int_equal(r.deadlocks, 0);
		pmm_explore_result_release(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait_event_wake_up),
		cmocka_unit_test(test_lost_wake_up),
		cmocka_unit_test(test_wake_before_condition),
		cmocka_unit_test(test_wake_wrong_queue),
		cmocka_unit_test(test_wake_up_all),
		cmocka_unit_test(test_wait_event_condition_true),
		cmocka_unit_test(test_ping_pong),
		cmocka_unit_test(test_wait_on_bit),
		cmocka_unit_test(test_wait_on_bit_lost_wake_up),
		cmocka_unit_test(test_wake_up_other_bit),
		cmocka_unit_test(test_wait_on_clear_bit),
		cmocka_unit_test(test_wait_on_bit_lock),
		cmocka_unit_test(test_wait_on_bit_lock_exclusive),
		cmocka_unit_test(test_wait_on_bit_lock_lost_wake_up),
		cmocka_unit_test(test_wait_for_completion),
		cmocka_unit_test(test_completion_never_completed),
		cmocka_unit_test(test_complete_all),
		cmocka_unit_test(test_complete_counts),
		cmocka_unit_test(test_complete_once_two_waiters),
		cmocka_unit_test(test_completion_semantics),
		cmocka_unit_test(test_try_wait_for_completion),
		cmocka_unit_test(test_completion_ping_pong),
		cmocka_unit_test(test_sleep_in_atomic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
