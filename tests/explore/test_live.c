// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the explorer offers a watcher in another process: the execution in
 * progress published step by step (opts.live), a stop at an execution
 * boundary when a flag a signal handler sets is up (opts.interrupt), and a
 * replay's trace streamed as it runs (opts.trace_stream), so that a crash
 * in model code leaves the steps before it on disk.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "explore/selfcheck.h"
#include "sched/atomic.h"
#include "../common/count_lines.h"

static const struct pmm_program *prog_named(const char *name)
{
	const struct selfcheck *c = selfcheck_find(name);

	assert_non_null(c);
	return c->prog;
}

static char *live_schedule(const struct pmm_explore_live *l)
{
	char *s = pmm_schedule_format(l->steps, (size_t)l->nr_steps);

	assert_non_null(s);
	return s;
}

/* The violating execution is the last that ran: live holds its schedule. */
static void test_live_violation(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	uint8_t steps[64];
	struct pmm_explore_live live = { .steps = steps };
	struct pmm_explore_result r;
	char *s;

	(void)state;
	o.step_bound = sizeof(steps);
	o.live = &live;
	assert_int_equal(pmm_explore(prog_named("lost-update"), &o, &r), 0);
	assert_int_equal(r.violation_execution, 2);
	assert_int_equal(live.execution, 2);
	s = live_schedule(&live);
	assert_string_equal(s, r.schedule);
	assert_string_equal(s, "0.1.0.1");
	free(s);
	pmm_explore_result_release(&r);
}

/* Without a violation, live ends on the last execution: DFS's 6th, "1x2.0x2". */
static void test_live_last(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	uint8_t steps[64];
	struct pmm_explore_live live = { .steps = steps };
	struct pmm_explore_result r;
	char *s;

	(void)state;
	o.step_bound = sizeof(steps);
	o.live = &live;
	o.stop_on_violation = false;
	assert_int_equal(pmm_explore(prog_named("lost-update"), &o, &r), 0);
	assert_int_equal(r.executions, 6);
	assert_int_equal(live.execution, 6);
	s = live_schedule(&live);
	assert_string_equal(s, "1x2.0x2");
	free(s);
	pmm_explore_result_release(&r);

	/* A live record without room for steps is refused. */
	live.steps = NULL;
	assert_int_equal(pmm_explore(prog_named("lost-update"), &o, &r), -EINVAL);
}

/* Two tasks of three steps; finish() raises the flag in execution stop_at. */
static volatile sig_atomic_t flag;
static unsigned int finished, stop_at;
static int shared_var;

static void writer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 3; i++)
		WRITE_ONCE(shared_var, i);
}

static void pair_setup(void *arg)
{
	(void)arg;
	pmm_task_create("w0", 0, writer, NULL);
	pmm_task_create("w1", 1, writer, NULL);
}

static void pair_finish(void *arg)
{
	(void)arg;
	if (++finished == stop_at)
		flag = SIGINT;
}

static const struct pmm_program pair = {
	.name = "pair",
	.setup = pair_setup,
	.finish = pair_finish,
};

static void explore_pair(enum pmm_strategy strategy, unsigned int at,
			 struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	flag = 0;
	finished = 0;
	stop_at = at;
	o.strategy = strategy;
	o.max_executions = strategy == PMM_STRATEGY_RANDOM ? 1000 : 0;
	o.interrupt = &flag;
	assert_int_equal(pmm_explore(&pair, &o, r), 0);
	pmm_explore_result_release(r);
}

static void test_interrupt(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	/* Never raised: all C(6,3) = 20 interleavings, complete. */
	explore_pair(PMM_STRATEGY_DFS, 0, &r);
	assert_int_equal(r.executions, 20);
	assert_true(r.complete);
	assert_false(r.interrupted);

	/* Raised in execution 5: it ends, and nothing after it runs. */
	explore_pair(PMM_STRATEGY_DFS, 5, &r);
	assert_int_equal(r.executions, 5);
	assert_false(r.complete);
	assert_true(r.interrupted);
	explore_pair(PMM_STRATEGY_RANDOM, 7, &r);
	assert_int_equal(r.executions, 7);
	assert_true(r.interrupted);

	/* Raised in the last execution: the search was done, not interrupted. */
	explore_pair(PMM_STRATEGY_DFS, 20, &r);
	assert_int_equal(r.executions, 20);
	assert_true(r.complete);
	assert_false(r.interrupted);
	explore_pair(PMM_STRATEGY_RANDOM, 1000, &r);
	assert_int_equal(r.executions, 1000);
	assert_false(r.interrupted);
}

static FILE *unbuffered_tmp(void)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(setvbuf(f, NULL, _IONBF, 0), 0);
	return f;
}

static char *file_text(FILE *f)
{
	long n;
	char *buf;

	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	return buf;
}

/* A streamed replay writes what res->trace would have held. */
static void test_trace_stream(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result mem, str;
	FILE *t = unbuffered_tmp(), *j = unbuffered_tmp();
	char *text, *json;

	(void)state;
	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = "0.1.0.1";
	assert_int_equal(pmm_explore(prog_named("lost-update"), &o, &mem), 0);
	o.trace_stream = t;
	o.trace_json_stream = j;
	assert_int_equal(pmm_explore(prog_named("lost-update"), &o, &str), 0);
	assert_null(str.trace);
	assert_null(str.trace_json);
	assert_int_equal(str.violations, 1);
	text = file_text(t);
	json = file_text(j);
	assert_string_equal(text, mem.trace);
	assert_string_equal(json, mem.trace_json);
	free(text);
	free(json);
	pmm_explore_result_release(&mem);
	pmm_explore_result_release(&str);

	/* Both streams or neither, and only to replay. */
	o.trace_json_stream = NULL;
	assert_int_equal(pmm_explore(prog_named("lost-update"), &o, &str), -EINVAL);
	o.trace_json_stream = j;
	o.strategy = PMM_STRATEGY_DFS;
	assert_int_equal(pmm_explore(prog_named("lost-update"), &o, &str), -EINVAL);
	fclose(t);
	fclose(j);
}

/* w1's third store dies: abort() in the middle of a step. */
static void crasher(void *arg)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (arg && i == 2)
			abort();
		WRITE_ONCE(shared_var, i);
	}
}

static void crash_setup(void *arg)
{
	(void)arg;
	pmm_task_create("w0", 0, crasher, NULL);
	pmm_task_create("w1", 1, crasher, (void *)1);
}

static const struct pmm_program crash_prog = {
	.name = "crash",
	.setup = crash_setup,
};

/*
 * A child explores crash_prog and dies; the shared live record names the
 * execution and schedule, and a second child replaying that schedule with
 * its trace streamed dies the same way, its steps before the crash written.
 */
static void test_crash_leaves_schedule_and_trace(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_live *live;
	struct pmm_explore_result r;
	FILE *t = unbuffered_tmp(), *j = unbuffered_tmp();
	char *sched, *text, *json;
	unsigned int w1_steps = 0;
	uint64_t i;
	int status;
	pid_t pid;

	(void)state;
	live = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	assert_true(live != MAP_FAILED);
	memset(live, 0, sizeof(*live));
	live->steps = (uint8_t *)(live + 1);
	o.step_bound = 1024;
	o.live = live;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		pmm_explore(&crash_prog, &o, &r);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	/* DFS runs w0 first, all of it, then w1 up to its third store. */
	assert_int_equal(live->execution, 1);
	sched = live_schedule(live);
	assert_true(live->nr_steps >= 4);
	assert_int_equal(live->steps[0], 0);
	assert_int_equal(live->steps[live->nr_steps - 1], 1);
	for (i = 0; i < live->nr_steps; i++)
		w1_steps += live->steps[i] == 1;

	o = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = sched;
	o.trace_stream = t;
	o.trace_json_stream = j;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		pmm_explore(&crash_prog, &o, &r);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	text = file_text(t);
	json = file_text(j);
	/* The header and every step but the last, which never ended. */
	assert_int_equal(count_lines(text, NULL), 1 + live->nr_steps - 1);
	assert_int_equal(count_lines(text, " w1 "), w1_steps - 1);
	assert_int_equal(count_lines(json, "\"kind\":\"step\""), live->nr_steps - 1);
	free(text);
	free(json);
	free(sched);
	fclose(t);
	fclose(j);
	munmap(live, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_violation),
		cmocka_unit_test(test_live_last),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_trace_stream),
		cmocka_unit_test(test_crash_leaves_schedule_and_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
