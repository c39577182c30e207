// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tasks and the per-execution world (include/protmm/sched.h,
 * src/sched/core.c, native.c) under both backends: pmm_task_create()'s
 * ids in creation order, its PMM_MAX_TASKS limit (-EAGAIN), its refusal
 * outside setup() (-EPERM) and of bad arguments (-EINVAL); pmm_task_id()
 * and pmm_task_cpu() inside tasks; pmm_alloc() memory; a violation in
 * setup() that stops the execution before any task runs; and deadlock
 * reporting: when every live task is blocked, whatever on, the execution
 * is a "deadlock", counted, and its trace names every blocked task.
 */
#include <errno.h>

#include "sched/atomic.h"
#include "sched/bitops.h"
#include "sched/completion.h"
#include "sched/mutex.h"
#include "sched/rwsem.h"
#include "sched/spinlock.h"
#include "sched/wait.h"
#include "sched_test.h"

static void nop(void *arg)
{
	(void)arg;
}

/* Creating tasks outside any run: nothing to create them in. */
static void test_create_outside_run(void **state)
{
	(void)state;
	assert_int_equal(pmm_task_create("t", 0, nop, NULL), -EPERM);
	assert_int_equal(pmm_task_create(NULL, 0, nop, NULL), -EINVAL);
	assert_int_equal(pmm_task_create("t", -1, nop, NULL), -EINVAL);
	assert_int_equal(pmm_task_create("t", 0, NULL, NULL), -EINVAL);
}

/*
 * PMM_MAX_TASKS tasks, each on CPU (i * 7) % 13, get ids 0..63 and see
 * them (and their CPU) from inside; the next create says -EAGAIN. The
 * tasks make no step, so under the explore backend there is exactly one
 * execution (every task runs whole in its prologue).
 */
struct slot {
	int id, cpu, runs;
};

struct many {
	int rc[PMM_MAX_TASKS];
	int extra, bad_cpu, bad_name, bad_fn, after_bad;
	int from_task, from_finish;
	struct slot slot[PMM_MAX_TASKS];
};

static struct many *the_many;

static int cpu_of(int i)
{
	return (i * 7) % 13;
}

static void recording_task(void *arg)
{
	struct slot *sl = arg;

	sl->id = pmm_task_id();
	sl->cpu = pmm_task_cpu();
	sl->runs++;
}

static void many_setup(void *arg)
{
	struct many *m = pmm_alloc(sizeof(*m));
	int i;

	(void)arg;
	/* Refused arguments create nothing: the first real id is still 0. */
	m->bad_cpu = pmm_task_create("bad", -1, recording_task, &m->slot[0]);
	m->bad_name = pmm_task_create(NULL, 0, recording_task, &m->slot[0]);
	m->bad_fn = pmm_task_create("bad", 0, NULL, &m->slot[0]);
	for (i = 0; i < PMM_MAX_TASKS; i++)
		m->rc[i] = pmm_task_create("rec", cpu_of(i), recording_task,
					   &m->slot[i]);
	m->extra = pmm_task_create("extra", 0, recording_task, &m->slot[0]);
	the_many = m;
}

static void many_finish(void *arg)
{
	struct many *m = the_many;
	int i;

	(void)arg;
	if (m->bad_cpu != -EINVAL || m->bad_name != -EINVAL ||
	    m->bad_fn != -EINVAL)
		pmm_violation("create", "bad arguments gave %d %d %d",
			      m->bad_cpu, m->bad_name, m->bad_fn);
	if (m->extra != -EAGAIN)
		pmm_violation("create", "task %d gave %d, want -EAGAIN",
			      PMM_MAX_TASKS + 1, m->extra);
	for (i = 0; i < PMM_MAX_TASKS; i++) {
		const struct slot *sl = &m->slot[i];

		if (m->rc[i] != i || sl->id != i || sl->cpu != cpu_of(i) ||
		    sl->runs != 1) {
			pmm_violation("create", "task %d: rc %d, id %d, cpu %d "
				      "(want %d), %d runs", i, m->rc[i], sl->id,
				      sl->cpu, cpu_of(i), sl->runs);
			return;
		}
	}
}

static const struct pmm_program many_prog =
	PROGRAM("task-limit", many_setup, many_finish);

static void test_task_limit(void **state)
{
	(void)state;
	explore_expect(&many_prog, 1, 0, 0);
	native_expect_clean(&many_prog, 3);
}

/*
 * Ids and CPUs stay right across switches: three tasks each make one
 * step, then read their id and CPU: 3! = 6 executions.
 */
struct trio {
	int var[3];
	struct slot slot[3];
};

static struct trio *the_trio;

static void stepping_task(void *arg)
{
	struct slot *sl = arg;
	struct trio *t = the_trio;
	int me = (int)(sl - t->slot);

	WRITE_ONCE(t->var[me], 1);
	recording_task(sl);
}

static void trio_setup(void *arg)
{
	struct trio *t = pmm_alloc(sizeof(*t));
	int i;

	(void)arg;
	the_trio = t;
	for (i = 0; i < 3; i++)
		task_new("step", 10 + i, stepping_task, &t->slot[i]);
}

static void trio_finish(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 3; i++) {
		const struct slot *sl = &the_trio->slot[i];

		if (sl->id != i || sl->cpu != 10 + i || sl->runs != 1)
			pmm_violation("task-id", "task %d saw id %d cpu %d", i,
				      sl->id, sl->cpu);
	}
}

static const struct pmm_program trio_prog =
	PROGRAM("task-ids", trio_setup, trio_finish);

static void test_task_id_cpu(void **state)
{
	(void)state;
	explore_expect(&trio_prog, 6, 0, 0);
	native_expect_clean(&trio_prog, 100);
}

/* pmm_task_create from a task and from finish(): -EPERM. */
static void creating_task(void *arg)
{
	struct many *m = arg;

	m->from_task = pmm_task_create("late", 0, nop, NULL);
}

static void eperm_setup(void *arg)
{
	struct many *m = pmm_alloc(sizeof(*m));

	(void)arg;
	m->rc[0] = pmm_task_create("creator", 0, creating_task, m);
	the_many = m;
}

static void eperm_finish(void *arg)
{
	struct many *m = the_many;

	(void)arg;
	m->from_finish = pmm_task_create("late", 0, nop, NULL);
	if (m->rc[0] != 0 || m->from_task != -EPERM ||
	    m->from_finish != -EPERM)
		pmm_violation("create", "setup %d, task %d, finish %d",
			      m->rc[0], m->from_task, m->from_finish);
}

static const struct pmm_program eperm_prog =
	PROGRAM("task-create-eperm", eperm_setup, eperm_finish);

static void test_create_outside_setup(void **state)
{
	(void)state;
	explore_expect(&eperm_prog, 1, 0, 0);
	native_expect_clean(&eperm_prog, 3);
}

/*
 * pmm_alloc(): zeroed and 16-byte aligned, in setup and in tasks, and
 * distinct blocks do not overlap.
 */
static void alloc_check(const char *where)
{
	unsigned char *a = pmm_alloc(1), *b = pmm_alloc(100);
	unsigned char *c = pmm_alloc(4096);
	size_t i;

	if (((uintptr_t)a | (uintptr_t)b | (uintptr_t)c) & 15)
		pmm_violation("alloc", "%s: unaligned %p %p %p", where,
			      (void *)a, (void *)b, (void *)c);
	for (i = 0; i < 4096; i++) {
		if (c[i] || (i < 100 && b[i])) {
			pmm_violation("alloc", "%s: not zeroed", where);
			return;
		}
	}
	if (a + 1 > b && b + 100 > a)
		pmm_violation("alloc", "%s: blocks overlap", where);
	memset(b, 0xff, 100);
	memset(c, 0xff, 4096);
	if (*a)
		pmm_violation("alloc", "%s: blocks overlap", where);
}

static void alloc_task(void *arg)
{
	(void)arg;
	alloc_check("task");
}

static void alloc_setup(void *arg)
{
	(void)arg;
	alloc_check("setup");
	task_new("a0", 0, alloc_task, NULL);
	task_new("a1", 1, alloc_task, NULL);
}

static const struct pmm_program alloc_prog =
	PROGRAM("alloc", alloc_setup, NULL);

static void test_alloc(void **state)
{
	(void)state;
	explore_expect(&alloc_prog, 1, 0, 0);
	native_expect_clean(&alloc_prog, 20);
}

/*
 * A violation reported by setup() ends the execution there: no task
 * runs, finish() is not called, under both backends.
 */
static unsigned int ran_after_setup_violation;

static void must_not_run(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&ran_after_setup_violation, 1, __ATOMIC_RELAXED);
}

static void violating_setup(void *arg)
{
	(void)arg;
	task_new("never", 0, must_not_run, NULL);
	pmm_violation("setup-check", "refused in setup");
}

static void violating_finish(void *arg)
{
	(void)arg;
	ran_after_setup_violation++;
}

static const struct pmm_program violating_prog =
	PROGRAM("setup-violation", violating_setup, violating_finish);

static void test_violation_in_setup(void **state)
{
	(void)state;
	ran_after_setup_violation = 0;
	explore_expect_oracle(&violating_prog, 1, 1, 0, "setup-check",
			      "refused in setup");
	native_expect_oracle(&violating_prog, 4, "setup-check",
			     "refused in setup");
	assert_int_equal(ran_after_setup_violation, 0);
}

/*
 * Deadlock: every live task is blocked, each on a different primitive;
 * one more task finished. The blocked ones:
 *
 *   T0 "mutex":  takes a mutex, then takes it again      (1 step, then blocked)
 *   T1 "compl":  waits for a completion nobody completes  (blocked at once)
 *   T2 "rwsem":  down_read; setup holds it for writing    (blocked at once)
 *   T3 "wqueue": wait_event on a flag nobody sets         (1 test, then asleep)
 *   T4 "spin":   spin_lock; setup holds it                (blocked at once)
 *   T5 "bit":    wait_on_bit of a bit nobody clears       (2 tests, then asleep)
 *   T6 "done":   one write, then finishes                 (1 step)
 *
 * The steps that can run are T0's 1, T3's 1, T5's 2 and T6's 1: 5!/2! =
 * 60 orders, each ending with T0..T5 blocked and T6 done: 60 executions,
 * 60 deadlocks, and the trace of the first names the six blocked tasks
 * and not the finished one.
 */
struct stuck {
	struct mutex mutex;
	struct completion done;
	struct rw_semaphore sem;
	wait_queue_head_t wq;
	int flag;
	spinlock_t spin;
	unsigned long word;
	int var;
};

static void stuck_mutex(void *arg)
{
	struct stuck *s = arg;

	mutex_lock(&s->mutex);
	mutex_lock(&s->mutex);
}

static void stuck_completion(void *arg)
{
	wait_for_completion(&((struct stuck *)arg)->done);
}

static void stuck_rwsem(void *arg)
{
	down_read(&((struct stuck *)arg)->sem);
}

static void stuck_wait_queue(void *arg)
{
	struct stuck *s = arg;

	wait_event(s->wq, READ_ONCE(s->flag));
}

static void stuck_spin(void *arg)
{
	spin_lock(&((struct stuck *)arg)->spin);
}

static void stuck_bit(void *arg)
{
	wait_on_bit(&((struct stuck *)arg)->word, 9);
}

static void finishing(void *arg)
{
	WRITE_ONCE(((struct stuck *)arg)->var, 1);
}

static const char *const stuck_names[] = {
	"mutex", "compl", "rwsem", "wqueue", "spin", "bit", "done",
};

static void stuck_setup(void *arg)
{
	static const pmm_task_fn fns[] = {
		stuck_mutex, stuck_completion, stuck_rwsem, stuck_wait_queue,
		stuck_spin, stuck_bit, finishing,
	};
	struct stuck *s = pmm_alloc(sizeof(*s));
	int i;

	(void)arg;
	mutex_init(&s->mutex);
	init_completion(&s->done);
	init_rwsem(&s->sem);
	init_waitqueue_head(&s->wq);
	spin_lock_init(&s->spin);
	down_write(&s->sem);
	spin_lock(&s->spin);
	set_bit(9, &s->word);
	for (i = 0; i < 7; i++)
		task_new(stuck_names[i], i, fns[i], s);
}

static const struct pmm_program stuck_prog =
	PROGRAM("all-blocked", stuck_setup, NULL);

static void test_deadlock_reported(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	char line[64];
	int i;

	(void)state;
	explore_expect_oracle(&stuck_prog, 60, 60, 60, "deadlock",
			      "every live task is blocked");

	/* Once more with the trace of the first deadlock. */
	o.stop_on_violation = true;
	assert_int_equal(pmm_explore(&stuck_prog, &o, &r), 0);
	assert_int_equal(r.deadlocks, 1);
	assert_string_equal(r.oracle, "deadlock");
	assert_non_null(r.trace);
	for (i = 0; i < 7; i++) {
		snprintf(line, sizeof(line), "T%-2d %-12s blocked:", i,
			 stuck_names[i]);
		if (!strstr(r.trace, line) != (i == 6))
			print_message("%s\n", r.trace);
		if (i < 6)
			assert_non_null(strstr(r.trace, line));
		else
			assert_null(strstr(r.trace, line));
	}
	assert_non_null(strstr(r.trace, "end  deadlock"));
	/* The deadlock's schedule replays to the same deadlock. */
	replay_expect(&stuck_prog, r.schedule, "deadlock", NULL);
	pmm_explore_result_release(&r);
}

/*
 * A task blocked while another can still run is no deadlock: the waiter
 * waits for a completion the other task completes after two steps.
 * The waiter is not runnable until complete(), so 1 execution.
 */
static void late_completer(void *arg)
{
	struct stuck *s = arg;

	WRITE_ONCE(s->var, 1);
	WRITE_ONCE(s->var, 2);
	complete(&s->done);
}

static void blocked_not_dead_setup(void *arg)
{
	struct stuck *s = pmm_alloc(sizeof(*s));

	(void)arg;
	init_completion(&s->done);
	task_new("waiter", 0, stuck_completion, s);
	task_new("completer", 1, late_completer, s);
}

static const struct pmm_program blocked_not_dead_prog =
	PROGRAM("blocked-not-dead", blocked_not_dead_setup, NULL);

static void test_blocked_is_not_deadlock(void **state)
{
	(void)state;
	explore_expect(&blocked_not_dead_prog, 1, 0, 0);
	native_expect_clean(&blocked_not_dead_prog, 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_outside_run),
		cmocka_unit_test(test_task_limit),
		cmocka_unit_test(test_task_id_cpu),
		cmocka_unit_test(test_create_outside_setup),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_violation_in_setup),
		cmocka_unit_test(test_deadlock_reported),
		cmocka_unit_test(test_blocked_is_not_deadlock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
