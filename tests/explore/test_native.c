// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pmm_native_run(): programs on pthreads. Iterations are counted exactly,
 * violations are counted (the first kept), tasks see their ids, locks
 * exclude natively, execution memory is shared safely, and bad or nested
 * calls are refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "explore/selfcheck.h"
#include "sched/atomic.h"

static struct pmm_native_opts native_opts(uint64_t iterations, bool stop)
{
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;

	o.iterations = iterations;
	o.stop_on_violation = stop;
	return o;
}

/*
 * The lost update with counters: setup, both tasks and finish run once
 * per iteration.
 */
struct racy {
	int value;
};

static struct racy *the_racy;
static unsigned long setups, finishes, task_runs, lost;

static void racy_task(void *arg)
{
	struct racy *r = arg;
	int v = READ_ONCE(r->value);

	WRITE_ONCE(r->value, v + 1);
	__atomic_fetch_add(&task_runs, 1, __ATOMIC_RELAXED);
}

static void racy_setup(void *arg)
{
	(void)arg;
	setups++;
	the_racy = pmm_alloc(sizeof(*the_racy));
	pmm_task_create("inc0", 0, racy_task, the_racy);
	pmm_task_create("inc1", 1, racy_task, the_racy);
}

static void racy_finish(void *arg)
{
	(void)arg;
	finishes++;
	if (the_racy->value == 2)
		return;
	lost++;
	pmm_violation("final-state", "counter is %d", the_racy->value);
}

static const struct pmm_program racy_prog = {
	.name = "racy", .setup = racy_setup, .finish = racy_finish,
};

static void test_lost_update_counts(void **state)
{
	struct pmm_native_opts o = native_opts(2000, false);
	struct pmm_native_result r;

	(void)state;
	setups = finishes = task_runs = lost = 0;
	assert_int_equal(pmm_native_run(&racy_prog, &o, &r), 0);
	assert_int_equal(r.iterations, 2000);
	assert_int_equal(setups, 2000);
	assert_int_equal(finishes, 2000);
	assert_int_equal(task_runs, 2 * 2000);
	assert_int_equal(r.violations, lost);
	if (r.violations) {
		assert_string_equal(r.oracle, "final-state");
		assert_string_equal(r.message, "counter is 1");
	}
	assert_true(r.seconds > 0);
}

/* The self-check program itself, natively: runs, counts, never crashes. */
static void test_selfcheck_lost_update(void **state)
{
	const struct selfcheck *c = selfcheck_find("lost-update");
	struct pmm_native_opts o = native_opts(1000, false);
	struct pmm_native_result r;

	(void)state;
	assert_int_equal(pmm_native_run(c->prog, &o, &r), 0);
	assert_int_equal(r.iterations, 1000);
	assert_true(r.violations <= 1000);
	if (r.violations)
		assert_string_equal(r.oracle, "final-state");
}

/* Locks exclude for real: the locked increments never lose one. */
static void test_locked_increments(void **state)
{
	static const char *const names[] = {
		"spinlock-increment", "mutex-increment",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct pmm_native_opts o = native_opts(1000, false);
		struct pmm_native_result r;

		assert_int_equal(pmm_native_run(selfcheck_find(names[i])->prog,
						&o, &r), 0);
		assert_int_equal(r.iterations, 1000);
		assert_int_equal(r.violations, 0);
		assert_string_equal(r.oracle, "");
	}
}

/* finish() always reports: one violation per iteration, the first kept. */
static unsigned long always_n;

static void nop_task(void *arg)
{
	(void)arg;
}

static void always_setup(void *arg)
{
	(void)arg;
	pmm_task_create("nop", 0, nop_task, NULL);
}

static void always_finish(void *arg)
{
	(void)arg;
	always_n++;
	pmm_violation("always", "iteration %lu", always_n);
}

static const struct pmm_program always_prog = {
	.name = "always", .setup = always_setup, .finish = always_finish,
};

static void test_always_violates(void **state)
{
	struct pmm_native_opts o = native_opts(100, false);
	struct pmm_native_result r;

	(void)state;
	always_n = 0;
	assert_int_equal(pmm_native_run(&always_prog, &o, &r), 0);
	assert_int_equal(r.iterations, 100);
	assert_int_equal(r.violations, 100);
	assert_string_equal(r.oracle, "always");
	assert_string_equal(r.message, "iteration 1");

	o = native_opts(100, true);
	always_n = 0;
	assert_int_equal(pmm_native_run(&always_prog, &o, &r), 0);
	assert_int_equal(r.iterations, 1);
	assert_int_equal(r.violations, 1);
	assert_int_equal(always_n, 1);

	/* Zero iterations: nothing runs. */
	o = native_opts(0, false);
	always_n = 0;
	assert_int_equal(pmm_native_run(&always_prog, &o, &r), 0);
	assert_int_equal(r.iterations, 0);
	assert_int_equal(r.violations, 0);
	assert_int_equal(always_n, 0);
}

/* A violation in setup(): the iteration counts, no task or finish runs. */
static unsigned long sv_tasks, sv_finishes;

static void sv_task(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&sv_tasks, 1, __ATOMIC_RELAXED);
}

static void sv_setup(void *arg)
{
	(void)arg;
	pmm_task_create("t", 0, sv_task, NULL);
	pmm_violation("setup-check", "no");
}

static void sv_finish(void *arg)
{
	(void)arg;
	sv_finishes++;
}

static const struct pmm_program sv_prog = {
	.name = "sv", .setup = sv_setup, .finish = sv_finish,
};

static void test_setup_violation(void **state)
{
	struct pmm_native_opts o = native_opts(50, false);
	struct pmm_native_result r;

	(void)state;
	sv_tasks = sv_finishes = 0;
	assert_int_equal(pmm_native_run(&sv_prog, &o, &r), 0);
	assert_int_equal(r.iterations, 50);
	assert_int_equal(r.violations, 50);
	assert_string_equal(r.oracle, "setup-check");
	assert_int_equal(sv_tasks, 0);
	assert_int_equal(sv_finishes, 0);
}

/*
 * 8 tasks: each checks its id and CPU and fills 64 blocks of execution
 * memory with its id, allocating concurrently; finish() checks no block
 * was overwritten by another task.
 */
#define NT 8
#define BLOCKS 64

struct idrec {
	int id[NT], cpu[NT];
	unsigned char *blocks[NT][BLOCKS];
};

static struct idrec *the_idrec;

static void id_task(void *arg)
{
	int i = (int)(intptr_t)arg, b;

	the_idrec->id[i] = pmm_task_id();
	the_idrec->cpu[i] = pmm_task_cpu();
	for (b = 0; b < BLOCKS; b++) {
		unsigned char *p = pmm_alloc(48);

		if (p)
			memset(p, i + 1, 48);
		the_idrec->blocks[i][b] = p;
	}
}

static void id_setup(void *arg)
{
	intptr_t i;

	(void)arg;
	the_idrec = pmm_alloc(sizeof(*the_idrec));
	for (i = 0; i < NT; i++)
		pmm_task_create("id", (int)(10 + i), id_task, (void *)i);
}

static void id_finish(void *arg)
{
	int i, b, k;

	(void)arg;
	for (i = 0; i < NT; i++) {
		if (the_idrec->id[i] != i || the_idrec->cpu[i] != 10 + i)
			pmm_violation("ids", "task %d saw id %d cpu %d", i,
				      the_idrec->id[i], the_idrec->cpu[i]);
		for (b = 0; b < BLOCKS; b++) {
			unsigned char *p = the_idrec->blocks[i][b];

			if (!p || ((uintptr_t)p & 15)) {
				pmm_violation("blocks", "bad block");
				continue;
			}
			for (k = 0; k < 48; k++)
				if (p[k] != i + 1)
					pmm_violation("blocks", "overlap");
		}
	}
}

static const struct pmm_program id_prog = {
	.name = "ids", .setup = id_setup, .finish = id_finish,
};

static void test_ids_and_memory(void **state)
{
	struct pmm_native_opts o = native_opts(200, false);
	struct pmm_native_result r;

	(void)state;
	assert_int_equal(pmm_native_run(&id_prog, &o, &r), 0);
	assert_int_equal(r.iterations, 200);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	/* Outside any run: no task. */
	assert_int_equal(pmm_task_id(), -1);
	assert_int_equal(pmm_task_cpu(), -1);
}

/* Out of memory in a native task: counted as a bug-on. */
static bool hog_null;

static void hog_task(void *arg)
{
	(void)arg;
	hog_null = !pmm_alloc((size_t)300 << 20);
}

static void hog_setup(void *arg)
{
	(void)arg;
	pmm_task_create("hog", 0, hog_task, NULL);
}

static const struct pmm_program hog_prog = {
	.name = "hog", .setup = hog_setup,
};

static void test_memory_exhausted(void **state)
{
	struct pmm_native_opts o = native_opts(3, false);
	struct pmm_native_result r;

	(void)state;
	assert_int_equal(pmm_native_run(&hog_prog, &o, &r), 0);
	assert_int_equal(r.iterations, 3);
	assert_int_equal(r.violations, 3);
	assert_string_equal(r.oracle, "bug-on");
	assert_non_null(strstr(r.message, "execution memory exhausted"));
	assert_true(hog_null);
}

/* Bad arguments and nested runs. */
static int nested_native, nested_explore, create_outside;

static void nesting_setup(void *arg)
{
	struct pmm_native_opts no = PMM_NATIVE_OPTS_INIT;
	struct pmm_explore_opts eo = PMM_EXPLORE_OPTS_INIT;
	struct pmm_native_result nr;
	struct pmm_explore_result er;

	(void)arg;
	nested_native = pmm_native_run(&always_prog, &no, &nr);
	nested_explore = pmm_explore(&always_prog, &eo, &er);
	pmm_explore_result_release(&er);
}

static const struct pmm_program nesting_prog = {
	.name = "nesting", .setup = nesting_setup,
};

static const struct pmm_program nosetup_prog = { .name = "nosetup" };

static void test_invalid(void **state)
{
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	(void)state;
	assert_int_equal(pmm_native_run(NULL, &o, &r), -EINVAL);
	assert_int_equal(pmm_native_run(&nosetup_prog, &o, &r), -EINVAL);
	assert_int_equal(pmm_native_run(&always_prog, NULL, &r), -EINVAL);
	assert_int_equal(r.iterations, 0);

	nested_native = nested_explore = 0;
	assert_int_equal(pmm_native_run(&nesting_prog, &o, &r), 0);
	assert_int_equal(r.iterations, 1);
	assert_int_equal(nested_native, -EINVAL);
	assert_int_equal(nested_explore, -EINVAL);

	create_outside = pmm_task_create("t", 0, nop_task, NULL);
	assert_int_equal(create_outside, -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_update_counts),
		cmocka_unit_test(test_selfcheck_lost_update),
		cmocka_unit_test(test_locked_increments),
		cmocka_unit_test(test_always_violates),
		cmocka_unit_test(test_setup_violation),
		cmocka_unit_test(test_ids_and_memory),
		cmocka_unit_test(test_memory_exhausted),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
