// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-mm: the core model's speed and size, `name=value` lines.
 * Each figure is the median of several runs.
 *
 *   native_anon_fault_per_s      anonymous write faults, the model on the
 *                                native backend (one task, fresh pages)
 *   kernel_anon_fault_per_s      the same page count on this machine's
 *                                kernel: mmap, then write one byte a page
 *   fault_ratio_model_vs_kernel  the first over the second
 *   metadata_bytes_per_page      model memory per 4 KiB frame, measured
 *                                from the memory map the model allocates
 *   explore_exec_per_s_gupfast_munmap   exhaustive DFS of GUP-fast pinning
 *                                a page while another task unmaps it
 *   explore_executions_gupfast_munmap   ... and how many executions
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "bench_util.h"
#include "machine/machine.h"
#include "mem/phys.h"
#include "protmm/protmm.h"

#define FAULT_PAGES 16384ul
#define BASE 0x10000000ul

static struct pmm_process *proc;
static double fault_seconds;
static unsigned long metadata_bytes;

static void fault_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = (FAULT_PAGES + 1024) * PAGE_SIZE;
	o.nr_cpus = 1;
	if (pmm_machine_init(&o))
		exit(1);
	metadata_bytes = phys->nr_pfns * sizeof(phys->mem_map[0]);
	proc = pmm_process_create();
	if (pmm_mmap(proc, BASE, FAULT_PAGES * PAGE_SIZE,
		     PMM_PROT_READ | PMM_PROT_WRITE, PMM_MAP_PRIVATE, NULL, 0))
		exit(1);
	/* As the kernel run below: small pages only (bench_thp has THPs). */
	if (pmm_madvise(proc, BASE, FAULT_PAGES * PAGE_SIZE, PMM_MADV_NOHUGEPAGE))
		exit(1);
}

static void fault_task(void *arg)
{
	unsigned long i;
	double t0 = now();

	(void)arg;
	for (i = 0; i < FAULT_PAGES; i++)
		if (pmm_store(proc, BASE + i * PAGE_SIZE, "x", 1))
			exit(1);
	fault_seconds = now() - t0;
}

static void fault_create(void *arg)
{
	fault_setup(arg);
	pmm_task_create("faulter", 0, fault_task, NULL);
}

static void fault_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static double model_faults_per_s(void)
{
	struct pmm_program prog = { "faults", "", fault_create, fault_finish, NULL };
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	if (pmm_native_run(&prog, &o, &r) || r.violations) {
		fprintf(stderr, "bench: native fault run failed: %s\n", r.message);
		exit(1);
	}
	return (double)FAULT_PAGES / fault_seconds;
}

static double kernel_faults_per_s(void)
{
	size_t len = FAULT_PAGES * PAGE_SIZE, i;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t0, t;

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	/* No transparent huge pages: one fault per 4 KiB page, as the model. */
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	t0 = now();
	for (i = 0; i < len; i += PAGE_SIZE)
		p[i] = 'x';
	t = now() - t0;
	munmap((void *)p, len);
	return (double)FAULT_PAGES / t;
}

/* The race of tests/mm/test_races.c: GUP-fast pinning against munmap. */
#define A 0x100000ul

static void pinner(void *arg)
{
	struct pmm_pin *pin;

	(void)arg;
	if (!pmm_pin(proc, A, 1, PMM_GUP_FAST | PMM_GUP_WRITE, &pin))
		pmm_unpin(pin);
}

static void unmapper(void *arg)
{
	(void)arg;
	pmm_munmap(proc, A, PAGE_SIZE);
}

static void race_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	if (pmm_machine_init(&o))
		exit(1);
	proc = pmm_process_create();
	pmm_mmap(proc, A, PAGE_SIZE, PMM_PROT_READ | PMM_PROT_WRITE,
		 PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(proc, A, "a", 1);
	pmm_task_create("pin", 0, pinner, NULL);
	pmm_task_create("munmap", 1, unmapper, NULL);
}

static void bench_race(void)
{
	struct pmm_program prog = { "gupfast-munmap", "", race_setup, fault_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	double rate[RUNS];
	uint64_t execs = 0;
	int i;

	o.trace = false;
	for (i = 0; i < RUNS; i++) {
		if (pmm_explore(&prog, &o, &r) || !r.complete || r.violations) {
			fprintf(stderr, "bench: exploring gupfast-munmap failed\n");
			exit(1);
		}
		rate[i] = (double)r.executions / r.seconds;
		execs = r.executions;
		pmm_explore_result_release(&r);
	}
	printf("explore_exec_per_s_gupfast_munmap=%.0f\n", median(rate));
	printf("explore_executions_gupfast_munmap=%llu\n", (unsigned long long)execs);
}

int main(int argc, char **argv)
{
	double model[RUNS], kernel[RUNS];
	int i;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: protmm-bench-mm\n");
		return 2;
	}
	/* One unmeasured run each: the model's arena and libc's heap warm. */
	model_faults_per_s();
	kernel_faults_per_s();
	for (i = 0; i < RUNS; i++) {
		model[i] = model_faults_per_s();
		kernel[i] = kernel_faults_per_s();
	}
	printf("native_anon_fault_per_s=%.0f\n", median(model));
	printf("kernel_anon_fault_per_s=%.0f\n", median(kernel));
	printf("fault_ratio_model_vs_kernel=%.2f\n", median(model) / median(kernel));
	printf("metadata_bytes_per_page=%.1f\n",
	       (double)metadata_bytes / (double)((FAULT_PAGES + 1024)));
	bench_race();
	return 0;
}
