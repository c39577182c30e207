// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The native backend: every task is a pthread, yield points are free, and
 * atomics and locks are the real thing. The tasks of one iteration start
 * together behind a gate, to make them overlap as much as they can.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched/futex.h"
#include "sched/rcu_native.h"
#include "sched/sched.h"

struct native_task {
	pthread_t thread;
	pmm_task_fn fn;
	void *arg;
	const char *name;
	int id;
	int cpu;
};

struct native_run {
	struct native_task tasks[PMM_MAX_TASKS];
	unsigned int nr_tasks;
	bool in_setup;
	/* 0 while threads are created, then GATE_GO or GATE_CANCEL. */
	uint32_t gate;
	pthread_mutex_t lock;
	bool violated;
	char oracle[32];
	char msg[PMM_MSG_MAX];
};

/*
 * The arena outlives runs, as the explorer's outlives executions: memory
 * the host already faulted in is reused, not given back and faulted anew.
 */
static struct arena native_arena;
static bool native_arena_ready;

enum { GATE_GO = 1, GATE_CANCEL = 2 };

static struct native_run *native;
static _Thread_local struct native_task *native_cur;

int native_task_create(const char *name, int cpu, pmm_task_fn fn, void *arg)
{
	struct native_task *t;

	if (!native || !native->in_setup)
		return -EPERM;
	if (native->nr_tasks >= PMM_MAX_TASKS)
		return -EAGAIN;
	t = &native->tasks[native->nr_tasks];
	t->fn = fn;
	t->arg = arg;
	t->name = name;
	t->id = (int)native->nr_tasks;
	t->cpu = cpu;
	return (int)native->nr_tasks++;
}

int native_current_id(void)
{
	return native_cur ? native_cur->id : -1;
}

int native_current_cpu(void)
{
	return native_cur ? native_cur->cpu : -1;
}

bool native_running(void)
{
	return native != NULL;
}

void native_violation(const char *oracle, const char *msg)
{
	if (!native) {
		/* A primitive misused outside any run: say so, do not die. */
		fprintf(stderr, "protmm: violation %s outside a run: %s\n",
			oracle, msg);
		return;
	}
	pthread_mutex_lock(&native->lock);
	if (!native->violated) {
		native->violated = true;
		snprintf(native->oracle, sizeof(native->oracle), "%s", oracle);
		snprintf(native->msg, sizeof(native->msg), "%s", msg);
	}
	pthread_mutex_unlock(&native->lock);
}

void *native_alloc(size_t size, bool zero)
{
	void *p;

	if (!native)
		return NULL;
	p = zero ? arena_alloc(&native_arena, size) :
		   arena_alloc_raw(&native_arena, size);
	if (!p)
		native_violation("bug-on", "execution memory exhausted");
	return p;
}

static void *native_thread(void *arg)
{
	struct native_task *t = arg;

	uint32_t gate;

	while (!(gate = __atomic_load_n(&native->gate, __ATOMIC_ACQUIRE)))
		futex_wait(&native->gate, 0);
	if (gate == GATE_CANCEL)
		return NULL;
	native_cur = t;
	rcu_native_thread_online();
	t->fn(t->arg);
	rcu_native_thread_offline();
	native_cur = NULL;
	return NULL;
}

static int run_threads(struct native_run *r)
{
	unsigned int i, started = 0;
	int err = 0;

	r->gate = 0;
	for (i = 0; i < r->nr_tasks; i++) {
		err = -pthread_create(&r->tasks[i].thread, NULL, native_thread,
				      &r->tasks[i]);
		if (err)
			break;
		started++;
	}
	/* Start them all at once, or, if one could not be made, none. */
	__atomic_store_n(&r->gate, err ? GATE_CANCEL : GATE_GO, __ATOMIC_RELEASE);
	futex_wake(&r->gate, INT32_MAX);
	for (i = 0; i < started; i++)
		pthread_join(r->tasks[i].thread, NULL);
	return err;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run_iteration(struct native_run *r, const struct pmm_program *prog)
{
	int err;

	arena_reset(&native_arena);
	r->nr_tasks = 0;
	r->violated = false;
	r->in_setup = true;
	prog->setup(prog->arg);
	r->in_setup = false;
	if (r->violated)
		return 0;
	err = run_threads(r);
	if (!err && prog->finish)
		prog->finish(prog->arg);
	return err;
}

int pmm_native_run(const struct pmm_program *prog,
		   const struct pmm_native_opts *opts,
		   struct pmm_native_result *res)
{
	struct native_run *r;
	double t0 = now();
	uint64_t i;
	int err = 0;

	memset(res, 0, sizeof(*res));
	if (!prog || !prog->setup || !opts || !opts->memory_limit || native ||
	    sched_exploring())
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (!native_arena_ready) {
		arena_init(&native_arena, opts->memory_limit);
		native_arena.shared = true;
		native_arena_ready = true;
	}
	native_arena.limit = opts->memory_limit;
	pthread_mutex_init(&r->lock, NULL);
	native = r;

	for (i = 0; i < opts->iterations && !err; i++) {
		err = run_iteration(r, prog);
		res->iterations++;
		if (!r->violated)
			continue;
		if (!res->violations++) {
			memcpy(res->oracle, r->oracle, sizeof(res->oracle));
			memcpy(res->message, r->msg, sizeof(res->message));
		}
		if (opts->stop_on_violation)
			break;
	}

	native = NULL;
	pthread_mutex_destroy(&r->lock);
	free(r);
	res->seconds = now() - t0;
	return err;
}
