/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Self-check programs: small programs whose every answer is known by hand,
 * run by `protmm selfcheck` and by the tests. If the explorer miscounts or
 * misses a violation here, nothing it says about the model can be trusted.
 */
#ifndef PMM_EXPLORE_SELFCHECK_H
#define PMM_EXPLORE_SELFCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "protmm/explore.h"

struct selfcheck {
	const char *name;
	const struct pmm_program *prog;
	/* Oracle exhaustive search must find, or NULL for none. */
	const char *expect_oracle;
	/* Exact counts of a full DFS, by hand: executions, violating ones. */
	uint64_t expect_executions;
	uint64_t expect_violations;
	/* How the hand count goes, printed with the verdict. */
	const char *hand_count;
	/* Resets the program's cross-execution record before a run. */
	void (*reset)(void);
	/* Checks what the run saw across executions; NULL if nothing. */
	bool (*check_seen)(char *why, size_t len);
};

extern const struct selfcheck selfchecks[];
extern const unsigned int nr_selfchecks;

const struct selfcheck *selfcheck_find(const char *name);

struct selfcheck_verdict {
	bool pass;
	struct pmm_explore_result res;
	/* What differed from the expectation, when !pass. */
	char why[PMM_MSG_MAX];
};

/*
 * Explores @c exhaustively, counting every violation, and compares with
 * the hand count; a violation found must replay to the same oracle.
 * Returns 0 or a negative errno from pmm_explore().
 */
int selfcheck_run(const struct selfcheck *c, struct selfcheck_verdict *v);

#endif /* PMM_EXPLORE_SELFCHECK_H */
