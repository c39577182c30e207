/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small random concurrent programs for the DPOR differential test: 2-3
 * tasks of reads, writes, cmpxchgs, atomic adds and (nested) mutexes over
 * a few shared variables, generated from a seed. Each execution logs its
 * accesses in the order they ran; finish() (or the violating task) turns
 * the log into a key of its Mazurkiewicz trace (per access: task, its
 * index in the task, object, write or not, and how many writes to the
 * object came before) and a key of its final state, which are recorded
 * for the test to compare across strategies. A violation is keyed by the
 * read that saw the bad value and what its task had read so far.
 */
#ifndef PMM_TESTS_EXPLORE_RANDPROG_H
#define PMM_TESTS_EXPLORE_RANDPROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protmm/explore.h"

#define RP_MAX_TASKS 3
#define RP_MAX_OPS 8

enum rp_op { RP_READ, RP_WRITE, RP_CMPXCHG, RP_ADD, RP_LOCK, RP_UNLOCK };

struct rp_ins {
	enum rp_op op;
	uint8_t obj;		/* variable or mutex */
	int8_t val;		/* written, added, or expected by cmpxchg */
};

struct rp_prog {
	struct pmm_program prog;
	unsigned int nr_tasks, nr_vars;
	/* Locks are rwsems, each taking read (rp_ins.val 1) or write. */
	bool rw;
	unsigned int nr_ins[RP_MAX_TASKS];
	struct rp_ins ins[RP_MAX_TASKS][RP_MAX_OPS];
	/* A read by task bad_task returning bad_val is a violation. */
	int bad_task, bad_val;
	/* Keys recorded: trace keys of finished and violating executions. */
	uint64_t *trace_keys, *state_keys;
	size_t nr_keys, cap_keys, nr_state, cap_state;
	uint64_t *viol_keys;
	size_t nr_viol, cap_viol;
};

void rp_generate(struct rp_prog *p, uint64_t seed);
/*
 * The same program with its mutexes turned into rwsems, each lock taken
 * for read or for write (drawn from the seed apart).
 */
void rp_generate_rw(struct rp_prog *p, uint64_t seed);
void rp_reset_records(struct rp_prog *p);
void rp_release(struct rp_prog *p);
/* Sorts and dedups @keys in place; returns the number of distinct ones. */
size_t rp_distinct(uint64_t *keys, size_t n);

#endif
