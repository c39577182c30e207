// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-thp: anonymous THP faults and splits, `name=value` lines,
 * each the median of several runs.
 *
 *   kernel_thp_enabled        this machine's
 *                             /sys/kernel/mm/transparent_hugepage/enabled
 *   native_thp_fault_per_s    the model on the native backend: mmap a
 *                             2 MiB-aligned anonymous range, madvise
 *                             (MADV_HUGEPAGE), write one byte per 2 MiB,
 *                             munmap; THP faults per second, all of it timed
 *   kernel_thp_fault_per_s    the same on this machine's kernel
 *   kernel_thp_anon_huge_kb   AnonHugePages the kernel showed before the
 *                             munmap (0: it gave no THPs, so its figure is
 *                             not one of THP faults)
 *   thp_fault_ratio_model_vs_kernel   the first rate over the second
 *   split_thp_us              the model splitting a PMD-mapped THP into
 *                             512 small pages (split_folio() via
 *                             pmm_split_thp(), the PMD split included)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench_util.h"
#include "protmm/protmm.h"

#define NR_THP	128ul
#define HUGE	(2ul << 20)
#define BASE	0x40000000ul

static struct pmm_process *proc;
static double seconds;

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = (NR_THP + 4) * HUGE;
	o.nr_cpus = 1;
	if (pmm_machine_init(&o))
		exit(1);
	proc = pmm_process_create();
}

static void fault_task(void *arg)
{
	unsigned long i;
	double t0 = now();

	(void)arg;
	if (pmm_mmap(proc, BASE, NR_THP * HUGE, PMM_PROT_READ | PMM_PROT_WRITE,
		     PMM_MAP_PRIVATE, NULL, 0) ||
	    pmm_madvise(proc, BASE, NR_THP * HUGE, PMM_MADV_HUGEPAGE))
		exit(1);
	for (i = 0; i < NR_THP; i++)
		if (pmm_store(proc, BASE + i * HUGE, "x", 1))
			exit(1);
	if (pmm_thp_state(proc, BASE) != PMM_THP_PMD) {
		fprintf(stderr, "bench: the model gave no THP\n");
		exit(1);
	}
	if (pmm_munmap(proc, BASE, NR_THP * HUGE))
		exit(1);
	seconds = now() - t0;
}

static void split_task(void *arg)
{
	unsigned long i;
	double t0;

	(void)arg;
	if (pmm_mmap(proc, BASE, NR_THP * HUGE, PMM_PROT_READ | PMM_PROT_WRITE,
		     PMM_MAP_PRIVATE, NULL, 0))
		exit(1);
	for (i = 0; i < NR_THP; i++)
		if (pmm_store(proc, BASE + i * HUGE, "x", 1))
			exit(1);
	t0 = now();
	for (i = 0; i < NR_THP; i++)
		if (pmm_split_thp(proc, BASE + i * HUGE)) {
			fprintf(stderr, "bench: split failed\n");
			exit(1);
		}
	seconds = now() - t0;
}

static void (*task_fn)(void *);

static void create(void *arg)
{
	setup(arg);
	pmm_task_create("thp", 0, task_fn, NULL);
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static double model_run(void (*fn)(void *))
{
	struct pmm_program prog = { "thp", "", create, finish, NULL };
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	task_fn = fn;
	if (pmm_native_run(&prog, &o, &r) || r.violations) {
		fprintf(stderr, "bench: native THP run failed: %s\n", r.message);
		exit(1);
	}
	return seconds;
}

static long anon_huge_kb(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "AnonHugePages:", 14))
			kb = strtol(line + 14, NULL, 10);
	fclose(f);
	return kb;
}

static long last_huge_kb;

static double kernel_run(void)
{
	size_t len = NR_THP * HUGE, i;
	double t0 = now(), t;
	char *raw = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char *p;

	if (raw == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	p = (volatile char *)(((unsigned long)raw + HUGE - 1) & ~(HUGE - 1));
	madvise((void *)p, len, MADV_HUGEPAGE);
	for (i = 0; i < len; i += HUGE)
		p[i] = 'x';
	t = now() - t0;
	last_huge_kb = anon_huge_kb();
	t0 = now();
	munmap(raw, len + HUGE);
	return t + (now() - t0);
}

static void print_enabled(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char line[128] = "unknown";
	char *a, *b;

	if (f) {
		if (!fgets(line, sizeof(line), f))
			strcpy(line, "unknown");
		fclose(f);
	}
	a = strchr(line, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b) {
		*b = '\0';
		printf("kernel_thp_enabled=%s\n", a + 1);
	} else {
		printf("kernel_thp_enabled=%s", line);
	}
}

int main(int argc, char **argv)
{
	double model[RUNS], kernel[RUNS], split[RUNS];
	int i;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: protmm-bench-thp\n");
		return 2;
	}
	print_enabled();
	model_run(fault_task);
	kernel_run();
	for (i = 0; i < RUNS; i++) {
		model[i] = (double)NR_THP / model_run(fault_task);
		kernel[i] = (double)NR_THP / kernel_run();
		split[i] = model_run(split_task) * 1e6 / (double)NR_THP;
	}
	printf("native_thp_fault_per_s=%.0f\n", median(model));
	printf("kernel_thp_fault_per_s=%.0f\n", median(kernel));
	printf("kernel_thp_anon_huge_kb=%ld\n", last_huge_kb);
	printf("thp_fault_ratio_model_vs_kernel=%.2f\n",
	       median(model) / median(kernel));
	printf("split_thp_us=%.2f\n", median(split));
	return 0;
}
