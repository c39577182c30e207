/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the benchmarks share: a clock, the median of a few runs, and a native
 * run that must succeed.
 */
#ifndef PMM_BENCH_UTIL_H
#define PMM_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "protmm/explore.h"

#define RUNS 5

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of RUNS figures (sorts them). */
static inline double median(double *v)
{
	qsort(v, RUNS, sizeof(*v), cmp_double);
	return v[RUNS / 2];
}

/*
 * @prog run once natively with @memory_limit bytes of model memory (0: the
 * default); a failed run or a violation ends the benchmark.
 */
static inline void bench_native_run(const struct pmm_program *prog,
				    size_t memory_limit)
{
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	if (memory_limit)
		o.memory_limit = memory_limit;
	if (pmm_native_run(prog, &o, &r) || r.violations) {
		fprintf(stderr, "bench: native run failed: %s: %s\n", r.oracle,
			r.message);
		exit(1);
	}
}

#endif /* PMM_BENCH_UTIL_H */
