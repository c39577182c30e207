/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the benchmarks share: a clock and the median of a few runs. */
#ifndef PMM_BENCH_UTIL_H
#define PMM_BENCH_UTIL_H

#include <stdlib.h>
#include <time.h>

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

#endif /* PMM_BENCH_UTIL_H */
