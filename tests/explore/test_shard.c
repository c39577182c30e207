// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sharding: N shards of one search run disjoint sets of executions whose
 * union is the search in one process, so their counts add up to its
 * counts, with or without a preemption bound, for any split depth; the
 * first violation of the shard whose violation has the lowest subtree is
 * the one the search in one process finds first.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "shard_prog.h"

static int search(struct pmm_shard shard, unsigned int preemptions, bool stop,
		  struct sp_seen *seen, struct pmm_explore_result *r)
{
	struct pmm_observer obs = { NULL, NULL, sp_end, seen };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.shard = shard;
	o.preemptions = preemptions;
	o.stop_on_violation = stop;
	o.trace = false;
	o.observer = seen ? &obs : NULL;
	return pmm_explore(&sp_prog, &o, r);
}

static void check_split(uint32_t count, uint32_t depth, unsigned int preemptions)
{
	struct sp_seen one = { 0 }, all = { 0 };
	struct pmm_explore_result whole, part;
	uint64_t execs = 0, viol = 0, steps = 0, trunc = 0, probes = 0;
	uint32_t k;
	size_t i;

	/* The subtrees of one process are those of the split's depth. */
	assert_int_equal(search((struct pmm_shard){ 0, 1, depth ? depth :
				pmm_shard_default_depth(count) }, preemptions,
				false, &one, &whole), 0);
	assert_true(whole.complete);
	for (k = 0; k < count; k++) {
		assert_int_equal(search((struct pmm_shard){ k, count, depth },
					preemptions, false, &all, &part), 0);
		assert_true(part.complete);
		assert_int_equal(part.shard_depth,
				 depth ? depth : pmm_shard_default_depth(count));
		assert_int_equal(part.subtrees, whole.subtrees);
		execs += part.executions;
		viol += part.violations;
		steps += part.steps;
		trunc += part.truncated;
		probes += part.probes;
		pmm_explore_result_release(&part);
	}
	assert_int_equal(execs, whole.executions);
	assert_int_equal(viol, whole.violations);
	assert_int_equal(steps, whole.steps);
	assert_int_equal(trunc, whole.truncated);
	assert_int_equal(whole.probes, 0);
	/* Each shard probes every subtree but its own: (N - 1) x subtrees. */
	if (count > 1)
		assert_int_equal(probes, (count - 1) * whole.subtrees);
	/* The same executions, each run by exactly one shard. */
	assert_int_equal(all.n, one.n);
	sp_sort(&one);
	sp_sort(&all);
	for (i = 0; i < one.n; i++)
		assert_string_equal(all.sched[i], one.sched[i]);
	sp_free(&one);
	sp_free(&all);
	pmm_explore_result_release(&whole);
}

static void test_counts_add_up(void **state)
{
	static const uint32_t counts[] = { 2, 3, 5, 16 };
	static const uint32_t depths[] = { 0, 1, 2, 5, 40 };
	size_t i, j;

	(void)state;
	sp_nr = 3;
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		for (j = 0; j < sizeof(depths) / sizeof(depths[0]); j++)
			check_split(counts[i], depths[j], PMM_PREEMPTIONS_ALL);
}

static void test_preemption_bound(void **state)
{
	(void)state;
	sp_nr = 3;
	check_split(4, 0, 1);
	check_split(3, 3, 2);
}

/* The lowest subtree's first violation is the one-process search's. */
static void test_first_violation(void **state)
{
	struct pmm_explore_result whole, part;
	uint64_t best = UINT64_MAX;
	char best_sched[256] = "";
	uint32_t k;

	(void)state;
	sp_nr = 3;
	assert_int_equal(search((struct pmm_shard){ 0, 0, 0 }, PMM_PREEMPTIONS_ALL,
				true, NULL, &whole), 0);
	assert_true(whole.violations == 1);
	for (k = 0; k < 4; k++) {
		assert_int_equal(search((struct pmm_shard){ k, 4, 3 },
					PMM_PREEMPTIONS_ALL, true, NULL, &part), 0);
		if (part.violations && part.violation_subtree < best) {
			best = part.violation_subtree;
			snprintf(best_sched, sizeof(best_sched), "%s", part.schedule);
		}
		pmm_explore_result_release(&part);
	}
	assert_string_equal(best_sched, whole.schedule);
	pmm_explore_result_release(&whole);
}

static void test_bad_shards(void **state)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	o.shard = (struct pmm_shard){ 4, 4, 0 };
	assert_int_equal(pmm_explore(&sp_prog, &o, &r), -EINVAL);
	assert_non_null(strstr(r.message, "no such shard"));
	o.shard = (struct pmm_shard){ 0, 2, 0 };
	o.strategy = PMM_STRATEGY_RANDOM;
	o.max_executions = 10;
	assert_int_equal(pmm_explore(&sp_prog, &o, &r), -EINVAL);
	assert_string_equal(r.message, "sharding: not supported with strategy random");
	/* DPOR splits too (test_dpor_shard.c), and checks its shards alike. */
	o.strategy = PMM_STRATEGY_DPOR;
	o.max_executions = 0;
	o.shard = (struct pmm_shard){ 3, 3, 0 };
	assert_int_equal(pmm_explore(&sp_prog, &o, &r), -EINVAL);
	assert_non_null(strstr(r.message, "no such shard"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_add_up),
		cmocka_unit_test(test_preemption_bound),
		cmocka_unit_test(test_first_violation),
		cmocka_unit_test(test_bad_shards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
