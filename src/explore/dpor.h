/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Optimal dynamic partial-order reduction (Abdulla, Aronis, Jonsson,
 * Sagonas, "Source Sets: A Foundation for Optimal Dynamic Partial Order
 * Reduction", JACM 64(4), 2017: Algorithm 2, wakeup trees and sleep sets)
 * over the yield points' access annotations.
 *
 * An event is one step: the task picked and the access it declared at its
 * yield point (object, read or write; a failed cmpxchg or trylock narrows
 * its step to a read, sched_step_read_only()). Two events conflict when
 * they touch the same object and one writes. Happens-before is program
 * order plus conflicts, kept as vector clocks.
 *
 * Blocking: a task whose guard is false is not enabled and is never a
 * branch. A step that disables a waiting task (the lock acquire that makes
 * another task's acquire wait) races with that task's next event, so the
 * order "the waiter first" is explored from before the disabling step. A
 * wakeup sequence that meets a task that cannot run there, or an execution
 * where every enabled task sleeps, is abandoned and counted as redundant.
 *
 * Sharding (for --shard): above split_depth every enabled task not in the
 * sleep set is a branch (sleep sets, no wakeup trees), so each prefix of
 * split_depth decisions is an independent subtree; below it, Optimal-DPOR.
 * Traces are counted exactly either way; redundant counts may differ.
 */
#ifndef PMM_EXPLORE_DPOR_H
#define PMM_EXPLORE_DPOR_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/sched.h"

#define DPOR_FP (1 + SCHED_ALSO_MAX)

/*
 * The objects one step touches: obj[0] is its yield point's, whose write
 * is kept beside the footprint (narrowed as executed); the others come
 * from sched_also(), bit i of wmask saying obj[i] is written.
 */
struct dpor_fp {
	const void *obj[DPOR_FP];
	uint8_t n;
	uint8_t wmask;
};

/* One event of the current execution. */
struct dpor_event {
	struct dpor_fp fp;
	uint32_t prev_po;	/* the same task's previous event, or NONE */
	/* Per object of fp: the previous read of it since its last write. */
	uint32_t prev_read[DPOR_FP];
	uint32_t cand;		/* offset of this event's hb predecessors */
	uint16_t nr_cand;
	uint8_t task;
	uint8_t write;		/* as executed */
	uint8_t dwrite;		/* as declared at the yield point */
	uint8_t acquire;	/* took a lock (an acquire that wrote) */
	uint8_t guarded;	/* waited for a guard (a blocking acquire) */
	uint8_t release;
	uint8_t shared;		/* took or dropped a shared hold */
	uint32_t prev_acq;	/* the last lock taken on obj before, or NONE */
	/*
	 * What recording it changed in the object table (per first slot of
	 * each object; old_acq for obj[0] when it took a lock), so a next
	 * execution that keeps the prefix before it undoes it instead of
	 * recording the prefix again.
	 */
	uint32_t old_write[DPOR_FP], old_read[DPOR_FP], old_acq;
};

/* A node of the wakeup trees (one tree over the whole exploration). */
struct dpor_wnode {
	struct dpor_fp fp;
	uint32_t child;		/* leftmost child, or NONE */
	uint32_t sibling;	/* next sibling to the right, or NONE */
	uint8_t task;
	uint8_t write;		/* DPOR_HALT: a violation, dependent with all */
};

#define DPOR_HALT 2

/* The state before each event of the current execution. */
struct dpor_node {
	uint64_t enabled;
	uint64_t sleep;
	uint64_t halt;		/* sleepers whose next step is a violation */
	uint32_t tree;		/* this state's wakeup-tree node */
	uint8_t task;		/* the branch being explored from here */
	uint64_t done;		/* branches explored from here (estimates) */
	uint64_t top;		/* sleepers from above the split depth */
};

/* A task's pending access at a state (what it would do if picked). */
struct dpor_pend {
	struct dpor_fp fp;
	uint8_t write;		/* in this state */
	uint8_t dwrite;		/* in some state (a cmpxchg may or may not) */
	uint8_t kind;
	uint8_t guarded;
	uint8_t shared;
};

struct dpor_obj;

struct dpor {
	struct sched *sched;
	unsigned int nt;	/* tasks of the program (fixed per execution) */

	struct dpor_node *node;
	struct dpor_event *ev;
	struct dpor_pend *pend;	/* nt per position */
	uint32_t *vc;		/* nt per event: 1 + index of the last hb event */
	uint32_t cap;		/* positions the arrays hold */
	uint32_t depth;		/* positions known from earlier executions */
	uint32_t replay;	/* positions to replay: node[0..replay) fixed */
	uint32_t n;		/* events of this execution so far */
	uint32_t nrec;		/* of which recorded (the last one is at the end) */
	uint32_t first_new;	/* first event not in the previous execution */
	/* Events before it are kept from the previous execution, not re-recorded. */
	uint32_t rec_from;

	uint32_t *cand;
	uint32_t nr_cand_used, cand_cap;

	struct dpor_wnode *tree;
	uint32_t tree_cap, tree_used, tree_free;
	uint32_t root;

	struct dpor_obj *objs;
	uint32_t obj_cap, obj_used, obj_gen;

	/* Scratch for race reversal: a sequence of events. */
	struct dpor_pend *seq;
	uint8_t *seq_task;
	uint32_t seq_cap;

	/* Per execution: tasks disabled since their last event, by position. */
	uint32_t *dis;		/* nt lists of positions */
	uint32_t *nr_dis;
	uint32_t dis_cap;	/* per task */

	uint32_t last_ev[PMM_MAX_TASKS];	/* each task's last event, or NONE */
	uint32_t split_depth;	/* full branching above this many decisions */
	bool abandoned;		/* this execution was cut short (redundant) */
	uint32_t blocked_at;	/* where a wakeup sequence could not go on */
	bool nondeterministic;
	bool oom;
	uint64_t inserted;	/* wakeup sequences inserted, for statistics */
	uint32_t done_valid;	/* positions whose node.done is kept */
	/* Objects a checkpoint named, resolved after the first execution. */
	struct dpor_restore *restore;
};

#define DPOR_NONE UINT32_MAX

int dpor_init(struct dpor *d, struct sched *s, uint32_t split_depth);
void dpor_destroy(struct dpor *d);
int dpor_choose(void *priv, uint64_t step, uint64_t enabled);
/*
 * After an execution: race detection, then sets up the next execution.
 * False when the exploration is complete.
 */
bool dpor_next(struct dpor *d);
/*
 * The same, dropping every branch left at position @prune or deeper;
 * *diverged is the first position where the next execution differs.
 */
bool dpor_next_pruned(struct dpor *d, uint32_t prune, uint32_t *diverged);
/*
 * Checkpoints (dpor_search.c): room for @positions nodes and @tree_nodes
 * wakeup-tree nodes of a program with @nt tasks, before any execution.
 */
/* Frees what a checkpoint left to resolve (before dpor_destroy()). */
void dpor_search_release(struct dpor *d);
int dpor_restore_room(struct dpor *d, unsigned int nt, uint32_t positions,
		      uint32_t tree_nodes);

/*
 * Shard hook: the task chosen at each of the first split_depth decision
 * positions of the current execution identifies its subtree; the api's
 * sharding keeps an execution whose prefix it owns. dpor_prefix() copies
 * up to @cap of them into @out and returns how many.
 */
uint32_t dpor_prefix(const struct dpor *d, uint8_t *out, uint32_t cap);

#endif /* PMM_EXPLORE_DPOR_H */
