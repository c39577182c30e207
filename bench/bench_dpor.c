// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-dpor: optimal DPOR on the classic benchmarks (issue 14),
 * `name=value` lines.
 *
 *   dpor_traces_<prog>_<N>     traces DPOR explored (the optimal count)
 *   dpor_redundant_<prog>_<N>  executions it abandoned as redundant
 *   dpor_seconds_<prog>_<N>    its wall-clock seconds (median of 3)
 *   dfs_executions_<prog>_<N>  plain DFS, where it finishes in the cap
 *   dfs_seconds_<prog>_<N>     ... its seconds
 *   dfs_complete_<prog>_<N>    0 when DFS hit the cap (counts are then
 *                              what it ran)
 *
 * For each seed scenario given on the command line (default: those of
 * scenarios/seed*) with 'expect ok': the executions to a complete verdict
 * under DPOR and under DFS with the scenario's preemption bound, and
 * whether both reached the same verdict:
 *
 *   scn_dpor_executions_<name>, scn_dpor_complete_<name>,
 *   scn_dfs_executions_<name>, scn_dfs_complete_<name>,
 *   scn_same_verdict_<name>
 *
 * Usage: protmm-bench-dpor [DFS_CAP_SECONDS [SCENARIO...]] (cap 20).
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/explore/dpor_progs.h"
#include "bench_util.h"
#include "protmm/protmm.h"
#include "scenario/scenario.h"

struct size {
	enum dpor_bench which;
	unsigned int n;
};

static const struct size sizes[] = {
	{ BENCH_LASTZERO, 5 }, { BENCH_LASTZERO, 10 }, { BENCH_LASTZERO, 15 },
	{ BENCH_READERS, 8 }, { BENCH_READERS, 13 },
	{ BENCH_INDEXER, 12 }, { BENCH_INDEXER, 13 }, { BENCH_INDEXER, 14 },
	{ BENCH_INDEXER, 15 },
	{ BENCH_FILESYSTEM, 2 }, { BENCH_FILESYSTEM, 14 },
	{ BENCH_FILESYSTEM, 16 }, { BENCH_FILESYSTEM, 19 },
};

static int run(const struct pmm_program *p, enum pmm_strategy s, double cap,
	       struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.strategy = s;
	o.stop_on_violation = false;
	o.trace = false;
	o.max_seconds = cap;
	return pmm_explore(p, &o, r);
}

static void bench_prog(const struct size *sz, double cap)
{
	const char *name = dpor_bench_name(sz->which);
	struct pmm_explore_result r;
	struct pmm_program p;
	double secs[3];
	unsigned int i;

	dpor_bench_prog(&p, sz->which, sz->n);
	for (i = 0; i < 3; i++) {
		if (run(&p, PMM_STRATEGY_DPOR, 0, &r)) {
			fprintf(stderr, "bench: %s %u: %s\n", name, sz->n, r.message);
			exit(1);
		}
		secs[i] = r.seconds;
		if (i < 2)
			pmm_explore_result_release(&r);
	}
	qsort(secs, 3, sizeof(secs[0]), cmp_double);
	printf("dpor_traces_%s_%u=%llu\n", name, sz->n, (unsigned long long)r.traces);
	printf("dpor_redundant_%s_%u=%llu\n", name, sz->n,
	       (unsigned long long)r.redundant);
	printf("dpor_seconds_%s_%u=%.4f\n", name, sz->n, secs[1]);
	if (dpor_bench_optimal(sz->which, sz->n) &&
	    r.traces != dpor_bench_optimal(sz->which, sz->n))
		fprintf(stderr, "bench: %s %u: %llu traces, optimal %llu\n", name,
			sz->n, (unsigned long long)r.traces,
			(unsigned long long)dpor_bench_optimal(sz->which, sz->n));
	pmm_explore_result_release(&r);
	if (run(&p, PMM_STRATEGY_DFS, cap, &r))
		exit(1);
	printf("dfs_executions_%s_%u=%llu\n", name, sz->n,
	       (unsigned long long)r.executions);
	printf("dfs_seconds_%s_%u=%.4f\n", name, sz->n, r.seconds);
	printf("dfs_complete_%s_%u=%d\n", name, sz->n, r.complete);
	pmm_explore_result_release(&r);
	fflush(stdout);
}

static bool expects_ok(const struct scenario *s)
{
	return s->expect_ok;
}

static void bench_scenario(const char *path, double cap)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result rd, rf;
	struct pmm_program prog;
	struct scn_error err;
	struct scenario *s;

	if (scenario_load(path, &s, &err) || scenario_apply_config(s, &err)) {
		scn_error_print(stderr, path, &err);
		return;
	}
	if (!expects_ok(s)) {
		scenario_free(s);
		return;
	}
	scenario_program(s, &prog);
	o.stop_on_violation = true;
	o.trace = false;
	o.max_seconds = cap;
	if (s->has_explore)
		o.step_bound = s->explore.step_bound;
	o.strategy = PMM_STRATEGY_DPOR;
	scenario_outcome_reset(s);
	if (pmm_explore(&prog, &o, &rd))
		fprintf(stderr, "bench: %s: %s\n", s->name, rd.message);
	o.strategy = PMM_STRATEGY_DFS;
	if (s->has_explore && s->explore.strategy == PMM_STRATEGY_DFS)
		o.preemptions = s->explore.preemptions;
	scenario_outcome_reset(s);
	if (pmm_explore(&prog, &o, &rf))
		fprintf(stderr, "bench: %s: %s\n", s->name, rf.message);
	printf("scn_dpor_executions_%s=%llu\n", s->name,
	       (unsigned long long)rd.executions);
	printf("scn_dpor_complete_%s=%d\n", s->name, rd.complete);
	printf("scn_dfs_executions_%s=%llu\n", s->name,
	       (unsigned long long)rf.executions);
	printf("scn_dfs_complete_%s=%d\n", s->name, rf.complete);
	printf("scn_dfs_preemptions_%s=%d\n", s->name,
	       o.preemptions == PMM_PREEMPTIONS_ALL ? -1 : (int)o.preemptions);
	printf("scn_same_verdict_%s=%d\n", s->name,
	       !rd.violations == !rf.violations);
	fflush(stdout);
	pmm_explore_result_release(&rd);
	pmm_explore_result_release(&rf);
	scenario_free(s);
}

int main(int argc, char **argv)
{
	double cap = argc > 1 ? atof(argv[1]) : 20;
	unsigned int i;
	int k;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		bench_prog(&sizes[i], cap);
	if (argc > 2) {
		for (k = 2; k < argc; k++)
			bench_scenario(argv[k], cap);
	} else {
		glob_t g;

		if (!glob(PMM_SOURCE_ROOT "/scenarios/seed*/*.pmm", 0, NULL, &g)) {
			for (i = 0; i < g.gl_pathc; i++)
				bench_scenario(g.gl_pathv[i], cap);
			globfree(&g);
		}
	}
	return 0;
}
