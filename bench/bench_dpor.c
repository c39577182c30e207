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
 * scenarios/seed*): the executions to its verdict under DPOR and under
 * plain DFS (no preemption bound), each within the cap. The verdict of
 * an 'expect ok' scenario is complete when the search is; of one that
 * expects a violation, when the violation is found (the search stops
 * there). Then DFS with the scenario's own preemption bound, as the
 * scenario runs it, and whether the verdicts agree:
 *
 *   scn_dpor_executions_<name>, scn_dpor_verdict_<name> (1: complete),
 *   scn_dpor_seconds_<name>,
 *   scn_dfs_executions_<name>, scn_dfs_verdict_<name>,
 *   scn_dfs_over_dpor_<name>   DFS's executions / DPOR's, where both
 *                              reached the verdict
 *   scn_dfsb_executions_<name>, scn_dfsb_verdict_<name>,
 *   scn_dfsb_preemptions_<name>
 *   scn_same_verdict_<name>    where DPOR and DFS both reached it
 *
 * and at the end scn_verdicts, scn_dfs_verdicts (how many DPOR and DFS
 * reached) and scn_dpor_10x_fewer (of those DFS reached, how many took
 * DPOR at least 10 times fewer executions; a violation both find in
 * the first execution counts as not).
 *
 * Usage: protmm-bench-dpor [progs|scenarios] [CAP_SECONDS [SCENARIO...]]
 * (both parts, cap 20 s, by default), or protmm-bench-dpor one PROG N:
 * one DPOR run of one program, for a profiler (dpor_* lines only).
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

/* Tallies over the scenarios, printed at the end. */
static unsigned int nr_verdicts, nr_dfs_verdicts, nr_10x;

/* The search reached the scenario's verdict (see the header). */
static bool verdict(const struct scenario *s, const struct pmm_explore_result *r)
{
	return s->expect_ok ? r->complete && !r->violations : r->violations > 0;
}

static void explore_scn(struct scenario *s, struct pmm_program *prog,
			struct pmm_explore_opts *o, struct pmm_explore_result *r)
{
	scenario_outcome_reset(s);
	if (pmm_explore(prog, o, r))
		fprintf(stderr, "bench: %s: %s\n", s->name, r->message);
}

static void bench_scenario(const char *path, double cap)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result rd, rf, rb;
	struct pmm_program prog;
	struct scn_error err;
	struct scenario *s;
	bool vd, vf;

	if (scenario_load(path, &s, &err) || scenario_apply_config(s, &err)) {
		scn_error_print(stderr, path, &err);
		return;
	}
	scenario_program(s, &prog);
	o.stop_on_violation = true;
	o.trace = false;
	o.max_seconds = cap;
	if (s->has_explore)
		o.step_bound = s->explore.step_bound;
	o.strategy = PMM_STRATEGY_DPOR;
	explore_scn(s, &prog, &o, &rd);
	o.strategy = PMM_STRATEGY_DFS;
	explore_scn(s, &prog, &o, &rf);
	if (s->has_explore && s->explore.strategy == PMM_STRATEGY_DFS)
		o.preemptions = s->explore.preemptions;
	explore_scn(s, &prog, &o, &rb);
	vd = verdict(s, &rd);
	vf = verdict(s, &rf);
	nr_verdicts += vd;
	nr_dfs_verdicts += vf;
	printf("scn_dpor_executions_%s=%llu\n", s->name,
	       (unsigned long long)rd.executions);
	printf("scn_dpor_verdict_%s=%d\n", s->name, vd);
	printf("scn_dpor_seconds_%s=%.3f\n", s->name, rd.seconds);
	printf("scn_dfs_executions_%s=%llu\n", s->name,
	       (unsigned long long)rf.executions);
	printf("scn_dfs_verdict_%s=%d\n", s->name, vf);
	if (vd && vf) {
		double ratio = (double)rf.executions / (double)rd.executions;

		printf("scn_dfs_over_dpor_%s=%.1f\n", s->name, ratio);
		nr_10x += ratio >= 10;
	}
	printf("scn_dfsb_executions_%s=%llu\n", s->name,
	       (unsigned long long)rb.executions);
	printf("scn_dfsb_verdict_%s=%d\n", s->name, verdict(s, &rb));
	printf("scn_dfsb_preemptions_%s=%d\n", s->name,
	       o.preemptions == PMM_PREEMPTIONS_ALL ? -1 : (int)o.preemptions);
	/* Where both reached it: the same verdict (a violation or none). */
	if (vd && vf)
		printf("scn_same_verdict_%s=%d\n", s->name,
		       !rd.violations == !rf.violations);
	fflush(stdout);
	pmm_explore_result_release(&rd);
	pmm_explore_result_release(&rf);
	pmm_explore_result_release(&rb);
	scenario_free(s);
}

/* One DPOR run of program @name at size @n (for callgrind or perf). */
static int bench_one(const char *name, unsigned int n)
{
	struct pmm_explore_result r;
	struct pmm_program p;
	unsigned int w;

	for (w = BENCH_LASTZERO; w <= BENCH_FILESYSTEM; w++)
		if (!strcmp(name, dpor_bench_name(w)))
			break;
	if (w > BENCH_FILESYSTEM || !n) {
		fprintf(stderr, "bench: no program %s %u\n", name, n);
		return 2;
	}
	dpor_bench_prog(&p, w, n);
	if (run(&p, PMM_STRATEGY_DPOR, 0, &r)) {
		fprintf(stderr, "bench: %s %u: %s\n", name, n, r.message);
		return 1;
	}
	printf("dpor_traces_%s_%u=%llu\n", name, n, (unsigned long long)r.traces);
	printf("dpor_redundant_%s_%u=%llu\n", name, n,
	       (unsigned long long)r.redundant);
	printf("dpor_seconds_%s_%u=%.4f\n", name, n, r.seconds);
	pmm_explore_result_release(&r);
	return 0;
}

int main(int argc, char **argv)
{
	bool progs = true, scns = true;
	double cap;
	unsigned int i;
	int k, a = 1;

	if (argc == 4 && !strcmp(argv[1], "one"))
		return bench_one(argv[2], (unsigned int)atoi(argv[3]));
	if (argc > 1 && (!strcmp(argv[1], "progs") || !strcmp(argv[1], "scenarios"))) {
		progs = !strcmp(argv[1], "progs");
		scns = !progs;
		a++;
	}
	cap = argc > a ? atof(argv[a]) : 20;
	for (i = 0; progs && i < sizeof(sizes) / sizeof(sizes[0]); i++)
		bench_prog(&sizes[i], cap);
	if (!scns)
		return 0;
	if (argc > a + 1) {
		for (k = a + 1; k < argc; k++)
			bench_scenario(argv[k], cap);
	} else {
		glob_t g;

		if (!glob(PMM_SOURCE_ROOT "/scenarios/seed*/*.pmm", 0, NULL, &g)) {
			for (i = 0; i < g.gl_pathc; i++)
				bench_scenario(g.gl_pathv[i], cap);
			globfree(&g);
		}
	}
	printf("scn_verdicts=%u\n", nr_verdicts);
	printf("scn_dfs_verdicts=%u\n", nr_dfs_verdicts);
	printf("scn_dpor_10x_fewer=%u\n", nr_10x);
	return 0;
}
