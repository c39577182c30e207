// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * How executions end: deadlocks (with a "blocked:" trace line per live
 * task), violations from setup(), from a task's prologue, from a step and
 * from finish(), running out of execution memory, and the limits of
 * pmm_task_create().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "explore/selfcheck.h"
#include "protmm/machine.h"
#include "sched/atomic.h"
#include "sched/mutex.h"
#include "../common/count_lines.h"

/* Some line of @s holds both @a and @b. */
static void assert_line_has(const char *s, const char *a, const char *b)
{
	const char *line = s;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (memmem(line, len, a, strlen(a)) &&
		    memmem(line, len, b, strlen(b)))
			return;
		line = nl ? nl + 1 : NULL;
	}
	fail_msg("no line holds both \"%s\" and \"%s\"", a, b);
}

static int explore(const struct pmm_program *prog, bool stop,
		   struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.stop_on_violation = stop;
	return pmm_explore(prog, &o, r);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

/* abba: "0.1" leaves ab waiting for B and ba waiting for A. */
static void test_abba_trace(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(explore(selfcheck_find("abba-deadlock")->prog, true, &r), 0);
	assert_string_equal(r.oracle, "deadlock");
	assert_string_equal(r.message, "every live task is blocked");
	assert_string_equal(r.schedule, "0.1");
	assert_int_equal(count_lines(r.trace, "blocked:"), 2);
	assert_line_has(r.trace, "T0  ab ", "blocked: acquire B at ");
	assert_line_has(r.trace, "T1  ba ", "blocked: acquire A at ");
	assert_true(ends_with(r.trace, "   end  deadlock after 2 steps\n"));
	/* header, 2 steps, 2 blocked tasks, end */
	assert_int_equal(count_lines(r.trace, NULL), 6);
	pmm_explore_result_release(&r);
}

/*
 * A cycle of three: T_i takes lock i, then lock (i + 1) % 3. "0.1.2"
 * deadlocks with all three blocked.
 */
struct ring {
	struct mutex m[3];
};

static struct ring *the_ring;
static const char *const ring_names[] = { "L0", "L1", "L2" };
static const char *const ring_tasks[] = { "r0", "r1", "r2" };

static void ring_task(void *arg)
{
	int i = (int)(intptr_t)arg;

	mutex_lock(&the_ring->m[i]);
	mutex_lock(&the_ring->m[(i + 1) % 3]);
	mutex_unlock(&the_ring->m[(i + 1) % 3]);
	mutex_unlock(&the_ring->m[i]);
}

static void ring_setup(void *arg)
{
	intptr_t i;

	(void)arg;
	the_ring = pmm_alloc(sizeof(*the_ring));
	for (i = 0; i < 3; i++) {
		mutex_init(&the_ring->m[i]);
		pmm_obj_name(&the_ring->m[i], ring_names[i]);
	}
	for (i = 0; i < 3; i++)
		pmm_task_create(ring_tasks[i], (int)i, ring_task, (void *)i);
}

static const struct pmm_program ring_prog = {
	.name = "ring", .setup = ring_setup,
};

static void test_ring_trace(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = "0.1.2";
	assert_int_equal(pmm_explore(&ring_prog, &o, &r), 0);
	assert_int_equal(r.deadlocks, 1);
	assert_string_equal(r.oracle, "deadlock");
	assert_int_equal(count_lines(r.trace, "blocked:"), 3);
	assert_line_has(r.trace, "T0  r0 ", "blocked: acquire L1 at ");
	assert_line_has(r.trace, "T1  r1 ", "blocked: acquire L2 at ");
	assert_line_has(r.trace, "T2  r2 ", "blocked: acquire L0 at ");
	assert_true(ends_with(r.trace, "   end  deadlock after 3 steps\n"));
	pmm_explore_result_release(&r);
}

/*
 * A task that leaves a mutex locked and one that then waits for it: only
 * the live waiter is listed. Schedules: "0.1" (taker first: waiter stuck)
 * and "1.0" (waiter takes it first, then the taker is stuck).
 */
struct leak {
	struct mutex m;
};

static struct leak *the_leak;

static void leak_taker(void *arg)
{
	(void)arg;
	mutex_lock(&the_leak->m);
}

static void leak_waiter(void *arg)
{
	(void)arg;
	mutex_lock(&the_leak->m);
	mutex_unlock(&the_leak->m);
}

static void leak_setup(void *arg)
{
	(void)arg;
	the_leak = pmm_alloc(sizeof(*the_leak));
	mutex_init(&the_leak->m);
	pmm_obj_name(&the_leak->m, "M");
	pmm_task_create("taker", 0, leak_taker, NULL);
	pmm_task_create("waiter", 1, leak_waiter, NULL);
}

static const struct pmm_program leak_prog = {
	.name = "leak", .setup = leak_setup,
};

/*
 * DFS: "0" then only the waiter is live and blocked: deadlock (1 step).
 * "1": the waiter takes M; then taker (blocked) or waiter (unlock): the
 * lowest enabled is the waiter, so "1x2.0" finishes; no other choice
 * exists. 2 executions, 1 deadlock.
 */
static void test_one_blocked(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(explore(&leak_prog, false, &r), 0);
	assert_int_equal(r.executions, 2);
	assert_int_equal(r.deadlocks, 1);
	assert_int_equal(r.violations, 1);
	assert_true(r.complete);
	assert_string_equal(r.schedule, "0");
	assert_int_equal(count_lines(r.trace, "blocked:"), 1);
	assert_line_has(r.trace, "T1  waiter ", "blocked: acquire M at ");
	pmm_explore_result_release(&r);
}

/* setup() reports a violation: no task runs, finish() is not called. */
static bool setup_task_ran;
static unsigned int setup_finishes;

static void setup_task(void *arg)
{
	(void)arg;
	setup_task_ran = true;
}

static void violating_setup(void *arg)
{
	(void)arg;
	pmm_task_create("never", 0, setup_task, NULL);
	pmm_violation("setup-check", "bad %d", 7);
}

static void count_finish(void *arg)
{
	(void)arg;
	setup_finishes++;
}

static const struct pmm_program setup_prog = {
	.name = "setup-violation",
	.setup = violating_setup,
	.finish = count_finish,
};

static void test_setup_violation(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	setup_task_ran = false;
	setup_finishes = 0;
	assert_int_equal(explore(&setup_prog, true, &r), 0);
	assert_int_equal(r.executions, 1);
	assert_int_equal(r.violations, 1);
	assert_int_equal(r.violation_execution, 1);
	assert_int_equal(r.steps, 0);
	assert_string_equal(r.oracle, "setup-check");
	assert_string_equal(r.message, "bad 7");
	assert_string_equal(r.schedule, "");
	assert_true(ends_with(r.trace,
		"    !!  violation setup-check: bad 7 (in setup)\n"
		"   end  violation after 0 steps\n"));
	pmm_explore_result_release(&r);

	assert_int_equal(explore(&setup_prog, false, &r), 0);
	assert_int_equal(r.executions, 1);
	assert_true(r.complete);
	pmm_explore_result_release(&r);
	assert_false(setup_task_ran);
	assert_int_equal(setup_finishes, 0);
}

/*
 * A violation in a step ends the execution there. "viol" writes x, then
 * reports; "other" writes y. DFS: "0" (1 step: other never runs) and
 * "1.0" (2 steps); both violate, 3 steps in all.
 */
struct vt {
	int x, y;
};

static struct vt *the_vt;
static unsigned int after_violation;

static void viol_task(void *arg)
{
	(void)arg;
	WRITE_ONCE(the_vt->x, 1);
	pmm_violation("task-check", "from %s", "viol");
	after_violation++;
}

static void other_task(void *arg)
{
	(void)arg;
	WRITE_ONCE(the_vt->y, 1);
}

static void vt_setup(void *arg)
{
	(void)arg;
	the_vt = pmm_alloc(sizeof(*the_vt));
	pmm_task_create("viol", 0, viol_task, NULL);
	pmm_task_create("other", 1, other_task, NULL);
}

static const struct pmm_program vt_prog = {
	.name = "task-violation",
	.setup = vt_setup,
	.finish = count_finish,
};

static void test_task_violation(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	after_violation = 0;
	setup_finishes = 0;
	assert_int_equal(explore(&vt_prog, false, &r), 0);
	assert_int_equal(r.executions, 2);
	assert_int_equal(r.violations, 2);
	assert_int_equal(r.steps, 1 + 2);
	assert_true(r.complete);
	assert_string_equal(r.oracle, "task-check");
	assert_string_equal(r.message, "from viol");
	assert_string_equal(r.schedule, "0");
	assert_true(ends_with(r.trace,
		"    !!  violation task-check: from viol (in T0 viol)\n"
		"   end  violation after 1 steps\n"));
	pmm_explore_result_release(&r);
	assert_int_equal(after_violation, 0);
	assert_int_equal(setup_finishes, 0);
}

/*
 * A violation in a prologue: prologues run in creation order, so the
 * first runs, the second reports, the third never starts. No step runs.
 */
static unsigned int prologues;

static void prologue_ok(void *arg)
{
	int *x = arg;

	prologues++;
	WRITE_ONCE(*x, 1);
}

static void prologue_bad(void *arg)
{
	(void)arg;
	pmm_violation("prologue", "before any yield point");
	prologues += 100;
}

static void prologue_setup(void *arg)
{
	int *x = pmm_alloc(sizeof(*x));

	(void)arg;
	pmm_task_create("ok0", 0, prologue_ok, x);
	pmm_task_create("bad", 1, prologue_bad, NULL);
	pmm_task_create("ok2", 2, prologue_ok, x);
}

static const struct pmm_program prologue_prog = {
	.name = "prologue", .setup = prologue_setup, .finish = count_finish,
};

static void test_prologue_violation(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	prologues = 0;
	setup_finishes = 0;
	assert_int_equal(explore(&prologue_prog, false, &r), 0);
	assert_int_equal(r.executions, 1);
	assert_int_equal(r.violations, 1);
	assert_int_equal(r.steps, 0);
	assert_string_equal(r.schedule, "");
	assert_string_equal(r.oracle, "prologue");
	assert_non_null(strstr(r.trace, "(in T1 bad)\n"));
	pmm_explore_result_release(&r);
	/* One exploring run and one traced replay: ok0 ran twice. */
	assert_int_equal(prologues, 2);
	assert_int_equal(setup_finishes, 0);
}

/* finish() reporting twice: the first is the one kept, both traced. */
static void twice_finish(void *arg)
{
	(void)arg;
	pmm_violation("first", "one");
	pmm_violation("second", "two");
}

static void empty_setup(void *arg)
{
	(void)arg;
}

static const struct pmm_program twice_prog = {
	.name = "twice", .setup = empty_setup, .finish = twice_finish,
};

static void test_first_violation_kept(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(explore(&twice_prog, true, &r), 0);
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, "first");
	assert_string_equal(r.message, "one");
	assert_int_equal(count_lines(r.trace, "    !!  violation "), 2);
	assert_non_null(strstr(r.trace, "violation second: two (in the final state)\n"));
	pmm_explore_result_release(&r);
}

/*
 * Execution memory: 16-byte aligned, zeroed every execution even where
 * the previous one wrote; over the 256 MiB limit it is a bug-on.
 */
static unsigned int arena_bad, arena_after;

static void arena_hog(void *arg)
{
	int *x = arg;

	WRITE_ONCE(*x, 1);
	(void)pmm_alloc((size_t)300 << 20);
	arena_after++;
}

static void arena_setup(void *arg)
{
	static const size_t sizes[] = { 1, 17, 100, 4096, 300000 };
	unsigned int i;
	int *x = NULL;

	(void)arg;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = pmm_alloc(sizes[i]);
		size_t j;

		if ((uintptr_t)p & 15)
			arena_bad++;
		for (j = 0; j < sizes[i]; j++)
			if (p[j])
				arena_bad++;
		memset(p, 0xff, sizes[i]);
		if (!x)
			x = (int *)p;
	}
	pmm_task_create("hog", 0, arena_hog, x);
}

static const struct pmm_program arena_prog = {
	.name = "arena", .setup = arena_setup,
};

static void test_arena_limit(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	arena_bad = arena_after = 0;
	assert_int_equal(explore(&arena_prog, false, &r), 0);
	assert_int_equal(r.executions, 1);
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, "bug-on");
	assert_string_equal(r.message,
		"execution memory exhausted (314572800 bytes asked, limit 268435456)");
	assert_non_null(strstr(r.trace, "(in T0 hog)\n"));
	pmm_explore_result_release(&r);
	/* Run again on the same arena: still zeroed. */
	assert_int_equal(explore(&arena_prog, false, &r), 0);
	pmm_explore_result_release(&r);
	assert_int_equal(arena_bad, 0);
	assert_int_equal(arena_after, 0);
}

/*
 * Out of execution memory in setup() or finish(): a "bug-on" violation,
 * and pmm_alloc() returns NULL there for the caller to check. Run in a
 * child, so that an abort() would fail the test, not end the binary.
 */
static bool hog_null;

static void hog_setup(void *arg)
{
	(void)arg;
	hog_null = !pmm_alloc((size_t)300 << 20);
}

static void hog_finish(void *arg)
{
	(void)arg;
	hog_null = !pmm_alloc((size_t)300 << 20);
}

static const struct pmm_program hog_setup_prog = {
	.name = "hog-setup", .setup = hog_setup,
};

static const struct pmm_program hog_finish_prog = {
	.name = "hog-finish", .setup = empty_setup, .finish = hog_finish,
};

/* 0: reported as bug-on; 1: something else; 128 + n: killed by signal n. */
static int child_explore(const struct pmm_program *prog)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (!pid) {
		struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
		struct pmm_explore_result r;
		int err = pmm_explore(prog, &o, &r);

		_exit(err || r.violations != 1 || !hog_null ||
		      strcmp(r.oracle, "bug-on") ||
		      !strstr(r.message, "execution memory exhausted"));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void test_arena_limit_setup_finish(void **state)
{
	(void)state;
	assert_int_equal(child_explore(&hog_setup_prog), 0);
	assert_int_equal(child_explore(&hog_finish_prog), 0);
}

/*
 * pmm_task_create(): ids 0..63 in order, -EAGAIN for the 65th, -EINVAL
 * for bad arguments, -EPERM from a task and from finish(); each task sees
 * its own id and CPU; nested pmm_explore() and pmm_native_run() refused.
 */
static int create_ret[PMM_MAX_TASKS + 4];
static int seen_id[PMM_MAX_TASKS], seen_cpu[PMM_MAX_TASKS];
static int from_task, from_finish, nested_explore, nested_native;

static void id_task(void *arg)
{
	int i = (int)(intptr_t)arg;

	seen_id[i] = pmm_task_id();
	seen_cpu[i] = pmm_task_cpu();
	if (i == 5)
		from_task = pmm_task_create("late", 0, id_task, arg);
}

static void id_setup(void *arg)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_native_opts no = PMM_NATIVE_OPTS_INIT;
	struct pmm_explore_result r;
	struct pmm_native_result nr;
	intptr_t i;

	(void)arg;
	for (i = 0; i < PMM_MAX_TASKS + 1; i++)
		create_ret[i] = pmm_task_create("id", (int)(i * 3), id_task,
						(void *)i);
	create_ret[PMM_MAX_TASKS + 1] = pmm_task_create("x", 0, NULL, NULL);
	create_ret[PMM_MAX_TASKS + 2] = pmm_task_create("x", -1, id_task, NULL);
	create_ret[PMM_MAX_TASKS + 3] = pmm_task_create(NULL, 0, id_task, NULL);
	nested_explore = pmm_explore(&twice_prog, &o, &r);
	pmm_explore_result_release(&r);
	nested_native = pmm_native_run(&twice_prog, &no, &nr);
}

static void id_finish(void *arg)
{
	(void)arg;
	from_finish = pmm_task_create("late", 0, id_task, NULL);
}

static const struct pmm_program id_prog = {
	.name = "ids", .setup = id_setup, .finish = id_finish,
};

static void test_task_create(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	int i;

	(void)state;
	memset(seen_id, 0xff, sizeof(seen_id));
	memset(seen_cpu, 0xff, sizeof(seen_cpu));
	o.trace = false;
	assert_int_equal(pmm_explore(&id_prog, &o, &r), 0);
	/* No task has a yield point: one execution, no step. */
	assert_int_equal(r.executions, 1);
	assert_int_equal(r.steps, 0);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
	for (i = 0; i < PMM_MAX_TASKS; i++) {
		assert_int_equal(create_ret[i], i);
		assert_int_equal(seen_id[i], i);
		assert_int_equal(seen_cpu[i], i * 3);
	}
	assert_int_equal(create_ret[PMM_MAX_TASKS], -EAGAIN);
	assert_int_equal(create_ret[PMM_MAX_TASKS + 1], -EINVAL);
	assert_int_equal(create_ret[PMM_MAX_TASKS + 2], -EINVAL);
	assert_int_equal(create_ret[PMM_MAX_TASKS + 3], -EINVAL);
	assert_int_equal(from_task, -EPERM);
	assert_int_equal(from_finish, -EPERM);
	assert_int_equal(nested_explore, -EINVAL);
	assert_int_equal(nested_native, -EINVAL);
}

/*
 * pmm_machine_no_exit() promises that no process exits until the finish
 * (process_gone() then takes no step of its own); a pmm_exit() that
 * breaks the promise is a bug-on, not an exit DPOR never raced.
 */
static struct pmm_process *noexit_p;
static bool noexit_promise;

static void noexit_task(void *arg)
{
	(void)arg;
	pmm_exit(noexit_p);
}

static void noexit_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	if (pmm_machine_init(&o))
		return;
	noexit_p = pmm_process_create();
	if (noexit_promise)
		pmm_machine_no_exit();
	pmm_task_create("exit", 0, noexit_task, NULL);
}

static void noexit_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static const struct pmm_program noexit_prog = {
	.name = "no-exit", .setup = noexit_setup, .finish = noexit_finish,
};

static void test_exit_after_no_exit(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	noexit_promise = false;
	assert_int_equal(explore(&noexit_prog, false, &r), 0);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
	noexit_promise = true;
	assert_int_equal(explore(&noexit_prog, false, &r), 0);
	assert_true(r.violations > 0);
	assert_string_equal(r.oracle, "bug-on");
	assert_non_null(strstr(r.message, "exits after pmm_machine_no_exit()"));
	pmm_explore_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abba_trace),
		cmocka_unit_test(test_ring_trace),
		cmocka_unit_test(test_one_blocked),
		cmocka_unit_test(test_setup_violation),
		cmocka_unit_test(test_task_violation),
		cmocka_unit_test(test_prologue_violation),
		cmocka_unit_test(test_first_violation_kept),
		cmocka_unit_test(test_arena_limit),
		cmocka_unit_test(test_arena_limit_setup_finish),
		cmocka_unit_test(test_task_create),
		cmocka_unit_test(test_exit_after_no_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
