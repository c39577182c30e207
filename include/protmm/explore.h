/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/explore.h - running a program: systematic exploration of its
 * interleavings, replay of one of them, and native (pthread) stress runs.
 *
 * A *schedule string* names one execution: the task that ran at each step,
 * run-length encoded, e.g. "0x3.1.0x2" is task 0 three steps, task 1 one
 * step, task 0 two steps. Replaying a schedule string with the same program
 * reproduces the execution and its trace byte for byte. A schedule shorter
 * than the execution is continued by running the lowest-numbered runnable
 * task, which is also the choice exhaustive search makes first.
 */
#ifndef PROTMM_EXPLORE_H
#define PROTMM_EXPLORE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "protmm/common.h"
#include "protmm/observer.h"
#include "protmm/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pmm_strategy {
	/* Every interleaving, depth first, up to the step bound. */
	PMM_STRATEGY_DFS,
	/* Uniformly random runnable task at every step, from a seed. */
	PMM_STRATEGY_RANDOM,
	/* Exactly one execution, following opts.schedule. */
	PMM_STRATEGY_REPLAY,
	/*
	 * Probabilistic concurrency testing (Burckhardt et al., ASPLOS
	 * 2010): random task priorities, the highest runnable task runs, and
	 * at pct_depth - 1 random steps the running task drops to the
	 * bottom. Finds a bug that needs d ordering constraints with
	 * probability at least 1/(n * k^(d-1)) per execution (n tasks, k
	 * steps), where a random walk may need astronomically many.
	 */
	PMM_STRATEGY_PCT,
	/*
	 * Optimal dynamic partial-order reduction (Abdulla et al., JACM
	 * 2017): one execution per Mazurkiewicz trace of the annotated
	 * accesses, with wakeup trees and sleep sets. Complete like DFS,
	 * exponentially fewer executions when tasks touch different objects.
	 */
	PMM_STRATEGY_DPOR,
};

/* "dfs", "random", "replay", "pct", "dpor"; -EINVAL for an unknown name. */
PMM_API const char *pmm_strategy_name(enum pmm_strategy s);
PMM_API int pmm_strategy_parse(const char *name, enum pmm_strategy *out);

struct pmm_explore_result;

#define PMM_PREEMPTIONS_ALL	(~0u)

/*
 * One of @count disjoint parts of an exhaustive search (DFS). The search
 * tree is cut at decision depth @depth (a decision: a step where more than
 * one task could run): each prefix of that many decisions, numbered in the
 * order depth-first search meets them, is a subtree, and shard @index runs
 * the subtrees whose number is @index modulo @count. Every shard still
 * runs one execution into each other shard's subtree to learn the tree's
 * top (counted in res.probes, not in res.executions). The N shards'
 * counts add up to the counts of the search in one process.
 */
struct pmm_shard {
	uint32_t index;
	/* 0 or 1: not sharded. */
	uint32_t count;
	/* 0: the default, pmm_shard_default_depth(count). */
	uint32_t depth;
};

/* ceil(log2(count)) + 4: about 16 subtrees a shard in a bushy tree. */
PMM_API uint32_t pmm_shard_default_depth(uint32_t count);

/*
 * The execution in progress, published as it runs for a watcher in
 * another process: the protmm command explores in a child process and,
 * when model code crashes there, reads from this (in MAP_SHARED memory)
 * which execution it was and the schedule it had followed, to replay it.
 * Written with relaxed atomic stores; meant to be read once the writer is
 * gone.
 */
struct pmm_explore_live {
	/* 1-based number of the execution in progress (0: none began). */
	uint64_t execution;
	/* Steps chosen so far in it, and the task of each. */
	uint64_t nr_steps;
	/* Room for step_bound task ids, filled from the start. */
	uint8_t *steps;
};

struct pmm_explore_opts {
	enum pmm_strategy strategy;
	/* Random walk and PCT seed; printed with every counterexample. */
	uint64_t seed;
	/* PCT: the bug depth d looked for (1 + the number of change points). */
	unsigned int pct_depth;
	/* Most executions to run; 0 is no limit (DFS stops when done). */
	uint64_t max_executions;
	/* Wall-clock budget in seconds; 0 is no limit. */
	double max_seconds;
	/* Steps after which one execution is cut short and counted truncated. */
	uint32_t step_bound;
	/*
	 * DFS: the most preemptions an execution may have — switching away
	 * from a task that could have gone on (Musuvathi and Qadeer, PLDI
	 * 2007: most concurrency bugs need very few). A complete search is
	 * then "every interleaving with at most this many preemptions".
	 * PMM_PREEMPTIONS_ALL: no bound.
	 */
	unsigned int preemptions;
	/* Stop at the first violating execution (otherwise count them all). */
	bool stop_on_violation;
	/* REPLAY: the schedule string to follow. */
	const char *schedule;
	/*
	 * Record the trace of the first violating (or replayed) execution.
	 * The trace comes from running that execution once more, so setup()
	 * and finish() run one time more than res.executions says.
	 */
	bool trace;
	/* Coroutine stack size in bytes. */
	size_t stack_size;
	/* Most memory one execution may allocate (pmm_alloc()), in bytes. */
	size_t memory_limit;
	/*
	 * Called about every quarter second of a long exploration with the
	 * counts so far (the command shows them on a terminal). May be NULL.
	 */
	void (*progress)(const struct pmm_explore_result *res, void *arg);
	void *progress_arg;
	/* Where to publish the execution in progress; NULL: nowhere. */
	struct pmm_explore_live *live;
	/*
	 * When *interrupt is nonzero at the end of an execution, stop there
	 * and set res->interrupted: a signal handler sets it (reading it is
	 * all the explorer does). NULL: never.
	 */
	const volatile sig_atomic_t *interrupt;
	/*
	 * REPLAY with trace: write the trace, text and JSON, to these as the
	 * execution runs instead of into res->trace and res->trace_json.
	 * Each step is written when the next one begins: on unbuffered
	 * streams (setvbuf _IONBF), a crash loses only the step it happened
	 * in. Both or neither.
	 */
	FILE *trace_stream;
	FILE *trace_json_stream;
	/* Told of every execution and step explored (protmm/observer.h). */
	const struct pmm_observer *observer;
	/* DFS: run only this part of the search. */
	struct pmm_shard shard;
	/*
	 * DFS: when interrupted (*interrupt), write the state of the search
	 * to this file, so that @resume can go on from there. The file is
	 * written to a temporary name, synced and renamed over @checkpoint:
	 * it is the old one or the new one, never half of either.
	 */
	const char *checkpoint;
	/*
	 * DFS: go on from this checkpoint; its counts (and @counters) are
	 * taken over, so the finished result is the uninterrupted one. The
	 * options that shape the search must be the same: -EINVAL otherwise,
	 * with res->message naming the file, line and column.
	 */
	const char *resume;
	/*
	 * The caller's name for what it explores (a hash of a scenario and
	 * its knobs, say): a checkpoint of another search is refused.
	 */
	uint64_t search_id;
	/* The caller's counters, saved in checkpoints and restored on resume. */
	uint64_t *counters;
	unsigned int nr_counters;
};

#define PMM_EXPLORE_OPTS_INIT {                 \
	.strategy = PMM_STRATEGY_DFS,           \
	.seed = 1,                              \
	.pct_depth = 3,                         \
	.max_executions = 0,                    \
	.max_seconds = 0,                       \
	.step_bound = 100000,                   \
	.preemptions = PMM_PREEMPTIONS_ALL,     \
	.stop_on_violation = true,              \
	.schedule = NULL,                       \
	.trace = true,                          \
	.stack_size = 256 * 1024,               \
	.memory_limit = (size_t)256 << 20,      \
	.progress = NULL,                       \
	.progress_arg = NULL,                   \
	.live = NULL,                           \
	.interrupt = NULL,                      \
	.trace_stream = NULL,                   \
	.trace_json_stream = NULL,              \
	.observer = NULL,                       \
	.shard = { 0, 0, 0 },                   \
	.checkpoint = NULL,                     \
	.resume = NULL,                         \
	.search_id = 0,                         \
	.counters = NULL,                       \
	.nr_counters = 0,                       \
}

/* Longest oracle message kept. */
#define PMM_MSG_MAX 256

struct pmm_explore_result {
	uint64_t executions;
	/* Executions in which some oracle fired (deadlocks included). */
	uint64_t violations;
	uint64_t deadlocks;
	/* Executions cut short at the step bound. */
	uint64_t truncated;
	/* Steps run in all executions together. */
	uint64_t steps;
	/*
	 * DPOR: executions that were one per Mazurkiewicz trace, and the
	 * redundant ones it abandoned (a wakeup sequence that met a blocked
	 * task, or every enabled task asleep); the two add up to executions.
	 */
	uint64_t traces;
	uint64_t redundant;
	/* Every interleaving up to the bound was visited (DFS, DPOR). */
	bool complete;
	/* Stopped early because *opts.interrupt was set. */
	bool interrupted;
	double seconds;
	/* The first violation: its oracle, message, schedule and trace. */
	char oracle[32];
	char message[PMM_MSG_MAX];
	uint64_t violation_execution;
	/*
	 * Heap-allocated, freed by pmm_explore_result_release(): the
	 * schedule string, and the trace as text and as a JSON array of
	 * steps (each step's task, CPU, access, object, the object's value
	 * before and after where the model knows its width, and the model
	 * function and source line).
	 */
	char *schedule;
	char *trace;
	char *trace_json;
	/*
	 * Sharded DFS: the depth the tree was cut at, the subtrees met, the
	 * executions run only to find other shards' subtrees, and the
	 * subtree of the first violation (the lowest across shards is the
	 * one a search in one process finds first).
	 */
	uint32_t shard_depth;
	uint64_t subtrees;
	uint64_t probes;
	uint64_t violation_subtree;
	/*
	 * DFS: the estimated fraction of the search done (0 to 1), from the
	 * decisions of the current path: each decision counts its branches
	 * taken as done, the untried ones as its taken ones weigh on average.
	 * With it, executions / done_fraction estimates the tree's size.
	 * Set before each progress call, when interrupted, and to 1 when
	 * the search is complete.
	 */
	double done_fraction;
	/* Executions and seconds taken over from a checkpoint (@resume). */
	uint64_t resumed_executions;
	/* A checkpoint was written to opts.checkpoint. */
	bool checkpointed;
};

/*
 * Explores @prog as @opts says and fills @res. Returns 0 (whether or not a
 * violation was found), -EINVAL for bad options or a malformed or
 * impossible schedule string (then res->message says which step and why),
 * -ENOMEM, or -EPROTO when the program is not deterministic (the same
 * schedule prefix led to different runnable tasks).
 */
PMM_API int pmm_explore(const struct pmm_program *prog,
		const struct pmm_explore_opts *opts,
		struct pmm_explore_result *res);

PMM_API void pmm_explore_result_release(struct pmm_explore_result *res);

/*
 * Schedule strings. pmm_schedule_parse() fills @steps (at most @cap task
 * ids) and returns how many, or -EINVAL with *err_col set to the 1-based
 * column of the first bad character, -E2BIG when longer than @cap.
 */
PMM_API long pmm_schedule_parse(const char *s, uint8_t *steps, size_t cap,
			size_t *err_col);
/* Returns a malloc'd string, or NULL on -ENOMEM. */
PMM_API char *pmm_schedule_format(const uint8_t *steps, size_t n);

struct pmm_native_opts {
	/* How many times the program is run, each on fresh threads. */
	uint64_t iterations;
	/* Stop at the first iteration with a violation. */
	bool stop_on_violation;
	/*
	 * Most memory one iteration may allocate, in bytes (counted in
	 * 256 KiB chunks): raise it to model tens of GiB natively.
	 */
	size_t memory_limit;
};

#define PMM_NATIVE_OPTS_INIT {						\
	.iterations = 1,						\
	.stop_on_violation = true,					\
	.memory_limit = (size_t)256 << 20,				\
}

struct pmm_native_result {
	uint64_t iterations;
	uint64_t violations;
	double seconds;
	char oracle[32];
	char message[PMM_MSG_MAX];
};

/*
 * Runs @prog on pthreads. Returns 0, -EINVAL, or a negative errno from
 * thread creation. Deadlocks are not detected natively: a deadlocked
 * native run hangs, which is why exploration comes first.
 */
PMM_API int pmm_native_run(const struct pmm_program *prog,
		   const struct pmm_native_opts *opts,
		   struct pmm_native_result *res);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_EXPLORE_H */
