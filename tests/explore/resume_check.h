/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The checks every checkpoint test makes (test_checkpoint.c for DFS,
 * test_dpor_shard.c for DPOR): a search stopped part way left a
 * checkpoint and is not complete; the search resumed from its
 * checkpoints ends as the uninterrupted one did. Include after cmocka.h.
 */
#ifndef PMM_TESTS_EXPLORE_RESUME_CHECK_H
#define PMM_TESTS_EXPLORE_RESUME_CHECK_H

#include "protmm/explore.h"

static inline void assert_interrupted(const struct pmm_explore_result *r)
{
	assert_true(r->interrupted);
	if (!r->checkpointed)
		fail_msg("no checkpoint: %s", r->message);
	assert_false(r->complete);
}

static inline void assert_resumed_equal(const struct pmm_explore_result *r,
					const struct pmm_explore_result *whole)
{
	assert_true(r->complete);
	assert_false(r->interrupted);
	assert_int_equal(r->executions, whole->executions);
	assert_int_equal(r->traces, whole->traces);
	assert_int_equal(r->redundant, whole->redundant);
	assert_int_equal(r->violations, whole->violations);
	assert_int_equal(r->deadlocks, whole->deadlocks);
	assert_int_equal(r->truncated, whole->truncated);
	assert_int_equal(r->steps, whole->steps);
	assert_int_equal(r->probes, whole->probes);
	assert_int_equal(r->subtrees, whole->subtrees);
	assert_int_equal(r->violation_execution, whole->violation_execution);
	assert_string_equal(r->oracle, whole->oracle);
	assert_string_equal(r->schedule ? r->schedule : "",
			    whole->schedule ? whole->schedule : "");
}

#endif /* PMM_TESTS_EXPLORE_RESUME_CHECK_H */
