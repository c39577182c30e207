/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/observer.h - watching what an exploration runs.
 *
 * An observer set in pmm_explore_opts.observer is told when each execution
 * begins, each step it takes (the task picked, and the access that task
 * makes: object, kind, operation, source location), and how it ends with
 * its schedule string, so a program or a test can check which executions
 * were explored and what each did. A step is reported when the strategy
 * picks it, before the access is made.
 *
 * Only executions the strategy runs and counts are observed: not the
 * extra run that records a violation's trace (pmm_explore_opts.trace),
 * nor, in a sharded search, the probes into other shards' subtrees.
 *
 * Context table: the callbacks run on the exploring thread, in the middle
 * of an execution; they may not call any protmm function but
 * pmm_access_name() and pmm_end_name(), and may not touch the program's
 * shared state through protmm/atomic.h. Every pointer they are given is
 * valid only during the call.
 */
#ifndef PROTMM_OBSERVER_H
#define PROTMM_OBSERVER_H

#include <stdint.h>

#include "protmm/common.h"
#include "protmm/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How an execution ended. */
enum pmm_end {
	PMM_END_DONE,		/* every task ran to completion */
	PMM_END_VIOLATION,	/* an oracle fired */
	PMM_END_DEADLOCK,	/* live tasks, none could run */
	PMM_END_BOUND,		/* cut short at the step bound */
	PMM_END_ERROR,		/* a schedule could not be followed */
};

/* "done", "violation", "deadlock", "bound", "error". */
PMM_API const char *pmm_end_name(enum pmm_end end);

struct pmm_step {
	/* 0-based position in the execution (the schedule string's index). */
	uint64_t step;
	int task;
	const char *task_name;
	int cpu;
	/* The object accessed, and its label as traces print it. */
	const void *obj;
	const char *obj_label;
	enum pmm_access access;
	/* pmm_task_op()'s, or NULL. */
	const char *op;
	/* Where the access is made. */
	const struct pmm_loc *loc;
};

struct pmm_execution {
	/* 1-based number of the execution in this exploration. */
	uint64_t execution;
	enum pmm_end end;
	uint64_t steps;
	/* The schedule string that replays it. */
	const char *schedule;
	/* PMM_END_VIOLATION and _DEADLOCK: the oracle and message; else "". */
	const char *oracle;
	const char *message;
};

struct pmm_observer {
	/* Each may be NULL. */
	void (*begin)(void *arg, uint64_t execution);
	void (*step)(void *arg, const struct pmm_step *step);
	void (*end)(void *arg, const struct pmm_execution *execution);
	void *arg;
};

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_OBSERVER_H */
