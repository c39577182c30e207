// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-swap: swap and MTE figures of issue 5, `name=value` lines.
 *
 *   swap_roundtrip_per_s         swap-out (pmm_reclaim) then swap-in (a
 *                                tag-checked pmm_load) of one tagged 4 KiB
 *                                page, on the native backend, arm64-mte
 *   swap_roundtrip_ns            ... one round trip, in nanoseconds
 *   race_dfs_found               1 when DFS found the two-CPU race's
 *                                counterexample within the budget
 *   race_dfs_executions_to_first executions up to and including the first
 *                                violating one (when not found: all the
 *                                executions run, a lower bound)
 *   race_dfs_seconds_to_first    ... and the seconds they took
 *   race_fixed_dfs_executions    the same scenario with mte.sync=mte_lock,
 *                                explored exhaustively up to the
 *                                scenario's preemption bound
 *   race_fixed_dfs_seconds       ... its seconds
 *   race_fixed_complete          1 when that search finished in the budget
 *   race_fixed_violations        violating executions it found (0 expected)
 *
 * Usage: protmm-bench-swap [SCENARIO [BUDGET_SECONDS [PREEMPTIONS]]]; the
 * scenario is scenarios/seed002/mprotect-race.pmm of the source tree by
 * default, each exploration stops after BUDGET_SECONDS (default 120), and
 * PREEMPTIONS overrides the scenario's preemption bound (like protmm's
 * --preemptions) for both searches.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "protmm/protmm.h"
#include "scenario/scenario.h"

#define PAGE 4096ul
#define BASE 0x100000ul
#define TAG 0x3u
#define ROUNDTRIPS 20000u

static struct pmm_process *proc;
static double swap_seconds;
static unsigned int swap_rounds;

static void swap_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.arch = "arm64-mte";
	o.ram_bytes = 1ul << 20;
	o.nr_cpus = 1;
	o.swap_bytes = 1ul << 20;
	if (pmm_machine_init(&o))
		exit(1);
	proc = pmm_process_create();
	if (!proc ||
	    pmm_mmap(proc, BASE, PAGE, PMM_PROT_READ | PMM_PROT_WRITE | PMM_PROT_MTE,
		     PMM_MAP_PRIVATE, NULL, 0) ||
	    pmm_store_tags(proc, BASE, PAGE, TAG) ||
	    pmm_store(proc, pmm_tag_addr(BASE, TAG), "tagged", 6)) {
		fprintf(stderr, "bench: populating the tagged page failed\n");
		exit(1);
	}
}

/* Each round: reclaim the page (swap out), load through the tag (swap in). */
static void swap_task(void *arg)
{
	char buf[6];
	double t0 = now();
	unsigned int i;

	(void)arg;
	for (i = 0; i < swap_rounds; i++) {
		if (pmm_reclaim(proc, BASE, PAGE) != 1 ||
		    pmm_load(proc, pmm_tag_addr(BASE, TAG), buf, sizeof(buf)) ||
		    memcmp(buf, "tagged", sizeof(buf))) {
			fprintf(stderr, "bench: swap round trip %u failed\n", i);
			exit(1);
		}
	}
	swap_seconds = now() - t0;
}

static void swap_create(void *arg)
{
	swap_setup(arg);
	pmm_task_create("swapper", 0, swap_task, NULL);
}

static void swap_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static double swap_roundtrips_per_s(unsigned int rounds)
{
	struct pmm_program prog = { "swap-roundtrip", "", swap_create, swap_finish, NULL };
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	swap_rounds = rounds;
	if (pmm_native_run(&prog, &o, &r) || r.violations) {
		fprintf(stderr, "bench: native swap run failed: %s: %s\n", r.oracle,
			r.message);
		exit(1);
	}
	return (double)rounds / swap_seconds;
}

static void bench_swap(void)
{
	double rate[RUNS];
	int i;

	/* One unmeasured run: the arena and the swap device warm. */
	swap_roundtrips_per_s(ROUNDTRIPS);
	for (i = 0; i < RUNS; i++)
		rate[i] = swap_roundtrips_per_s(ROUNDTRIPS);
	printf("swap_roundtrip_per_s=%.0f\n", median(rate));
	printf("swap_roundtrip_ns=%.0f\n", 1e9 / median(rate));
}

/* The scenario, its config applied, then @knob=@value if given. */
static struct scenario *load(const char *path, const char *knob, const char *value,
			     struct pmm_program *prog)
{
	struct scn_error err;
	struct scenario *s;

	if (scenario_load(path, &s, &err)) {
		scn_error_print(stderr, path, &err);
		exit(1);
	}
	if (scenario_apply_config(s, &err)) {
		scn_error_print(stderr, path, &err);
		exit(1);
	}
	if (knob && pmm_knob_set(knob, value)) {
		fprintf(stderr, "bench: cannot set %s=%s\n", knob, value);
		exit(1);
	}
	scenario_program(s, prog);
	scenario_outcome_reset(s);
	return s;
}

/* -1: the scenario's own preemption bound. */
static long preemptions = -1;

/* DFS with the scenario's preemption bound (or the command line's). */
static void explore(const struct scenario *s, const struct pmm_program *prog,
		    bool stop, double budget, struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	if (s->has_explore)
		o.preemptions = s->explore.preemptions;
	if (preemptions >= 0)
		o.preemptions = (unsigned int)preemptions;
	o.strategy = PMM_STRATEGY_DFS;
	o.stop_on_violation = stop;
	o.trace = false;
	o.max_seconds = budget;
	if (pmm_explore(prog, &o, r)) {
		fprintf(stderr, "bench: exploring %s failed: %s\n", s->name, r->message);
		exit(1);
	}
}

static void bench_race(const char *path, double budget)
{
	struct pmm_program prog;
	struct pmm_explore_result r;
	struct scenario *s;
	bool found;

	s = load(path, NULL, NULL, &prog);
	explore(s, &prog, true, budget, &r);
	found = r.violations > 0;
	printf("race_dfs_found=%d\n", found);
	printf("race_dfs_executions_to_first=%llu\n",
	       (unsigned long long)(found ? r.violation_execution : r.executions));
	printf("race_dfs_seconds_to_first=%.3f\n", r.seconds);
	if (found)
		fprintf(stderr, "bench: %s: %s: %s\n", s->name, r.oracle, r.message);
	pmm_explore_result_release(&r);
	scenario_free(s);

	s = load(path, "mte.sync", "mte_lock", &prog);
	explore(s, &prog, false, budget, &r);
	printf("race_fixed_dfs_executions=%llu\n", (unsigned long long)r.executions);
	printf("race_fixed_dfs_seconds=%.3f\n", r.seconds);
	printf("race_fixed_complete=%d\n", r.complete);
	printf("race_fixed_violations=%llu\n", (unsigned long long)r.violations);
	pmm_explore_result_release(&r);
	scenario_free(s);
	pmm_knob_reset();
}

int main(int argc, char **argv)
{
	const char *path = PMM_SOURCE_ROOT "/scenarios/seed002/mprotect-race.pmm";
	double budget = 120;
	char *end;

	if (argc > 4 || (argc > 1 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: protmm-bench-swap [SCENARIO [BUDGET_SECONDS "
			"[PREEMPTIONS]]]\n");
		return 2;
	}
	if (argc > 1)
		path = argv[1];
	if (argc > 2) {
		budget = strtod(argv[2], &end);
		if (*end || budget <= 0) {
			fprintf(stderr, "bench: bad budget '%s'\n", argv[2]);
			return 2;
		}
	}
	if (argc > 3) {
		preemptions = strtol(argv[3], &end, 10);
		if (*end || preemptions < 0 || preemptions > 64) {
			fprintf(stderr, "bench: bad preemption bound '%s'\n", argv[3]);
			return 2;
		}
	}
	bench_swap();
	bench_race(path, budget);
	return 0;
}
