/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/sched.h - programs, tasks and the per-execution world.
 *
 * A *program* is what the explorer runs over and over: its setup() builds
 * the state of one execution (from pmm_alloc(), which is reset between
 * executions) and creates the tasks; the tasks run, interleaved as the
 * chosen backend decides; finish() inspects the final state and reports a
 * violation if a rule was broken.
 *
 * The same program runs under two backends:
 *
 *   explore  every task is a coroutine on one OS thread; every shared access
 *            in model code is a yield point where a strategy picks who runs
 *            next. Executions are deterministic and replayable.
 *   native   every task is a pthread; yield points cost nothing, atomics and
 *            locks are real. For stress and throughput.
 *
 * Context table: which functions may be called where.
 *
 *   function              setup()  task  finish()
 *   pmm_task_create         yes     no     no
 *   pmm_alloc               yes     yes    yes
 *   pmm_obj_name            yes     yes    yes
 *   pmm_violation           yes     yes    yes
 *   pmm_task_id/_cpu         -      yes     -
 *   pmm_yield               yes     yes    yes   (a no-op outside a task)
 *
 * Shared state lives in pmm_alloc() memory made by setup(): a static
 * variable keeps its value from one execution to the next, which makes the
 * program nondeterministic (pmm_explore() then fails with -EPROTO).
 */
#ifndef PROTMM_SCHED_H
#define PROTMM_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "protmm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most tasks one execution may have. */
#define PMM_MAX_TASKS 64

/*
 * How a yield point touches its object. Two steps are independent when they
 * touch different objects or both only read; later strategies (DPOR) rely on
 * this annotation being right.
 */
enum pmm_access {
	PMM_ACC_READ,
	PMM_ACC_WRITE,
	PMM_ACC_RMW,
	PMM_ACC_ACQUIRE,
	PMM_ACC_RELEASE,
};

/* Stable lower-case name of an access kind ("read", "rmw", ...). */
PMM_API const char *pmm_access_name(enum pmm_access kind);

/* Where in the code a yield point is: printed in traces. */
struct pmm_loc {
	const char *file;
	const char *func;
	int line;
};

/* The caller's source location, as a pointer to a static record. */
#define PMM_HERE (__extension__ ({					\
	static const struct pmm_loc __pmm_loc = {			\
		__FILE__, __func__, __LINE__ };				\
	&__pmm_loc; }))

/*
 * A yield point: the running task is about to make one access of kind
 * @kind to the shared object @obj. Under the explore backend the task
 * stops here and the strategy picks which task makes its access next; the
 * access itself must follow with no other yield point in between. Outside
 * a task, and natively, it does nothing. protmm/atomic.h, protmm/lock.h
 * and the others make these for you; call it directly only to annotate an
 * access of your own.
 */
PMM_API void pmm_yield_at(const void *obj, enum pmm_access kind,
			  const struct pmm_loc *loc);
#define pmm_yield(obj, kind)	pmm_yield_at((obj), (kind), PMM_HERE)

struct pmm_program {
	const char *name;
	/* One paragraph: what the program shows. */
	const char *description;
	/* Builds one execution's state and creates its tasks. */
	void (*setup)(void *arg);
	/* Checks the final state; may call pmm_violation(). May be NULL. */
	void (*finish)(void *arg);
	void *arg;
};

typedef void (*pmm_task_fn)(void *arg);

/*
 * Creates a task that will run fn(arg) on CPU @cpu. Only from setup().
 * Returns the task's id (0, 1, ... in creation order) or -EAGAIN when
 * PMM_MAX_TASKS are already there, -EINVAL on a bad argument, -EPERM
 * outside setup().
 */
PMM_API int pmm_task_create(const char *name, int cpu, pmm_task_fn fn, void *arg);

/*
 * Names what the running task is doing now (a scenario statement, say
 * "22 munmap"), shown beside each of its steps in traces; @op must
 * outlive the execution. Does nothing outside a task or natively.
 */
PMM_API void pmm_task_op(const char *op);

/* The running task's id and CPU. */
PMM_API int pmm_task_id(void);
PMM_API int pmm_task_cpu(void);

/*
 * Zeroed memory that lives until the end of the current execution, aligned
 * to 16 bytes. Running out of the execution's memory is reported as a
 * "bug-on" violation (the limit is the scenario's): from a task that ends
 * the execution and pmm_alloc() does not return; from setup() or finish()
 * it returns NULL, which the caller must check.
 */
PMM_API void *pmm_alloc(size_t size);
/* The same, not zeroed. */
PMM_API void *pmm_alloc_raw(size_t size);

/* Gives @obj a name for traces; @name must outlive the execution. */
PMM_API void pmm_obj_name(const void *obj, const char *name);
/* The same with a formatted name, made only when a trace is recorded. */
PMM_API void pmm_obj_namef(const void *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Reports that oracle @oracle fired. Under the explore backend, a call from
 * a task ends the execution there and does not return; from setup() or
 * finish() it returns. Under the native backend it is counted and returns.
 */
PMM_API void pmm_violation(const char *oracle, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_SCHED_H */
