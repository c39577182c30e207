// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-shmem: the shmem figure of issue 10, `name=value` lines.
 *
 *   shmem_swap_roundtrip_per_s   a page of a memfd, mapped shared, written
 *                                to swap (pmm_file_reclaim(): unmap,
 *                                shmem_writeout(), out of the swap cache)
 *                                and faulted back (a pmm_load through the
 *                                mapping: shmem_swapin_folio()), on the
 *                                native backend, generic machine
 *   shmem_swap_roundtrip_ns      ... one round trip, in nanoseconds
 *
 * Usage: protmm-bench-shmem
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "protmm/protmm.h"

#define PAGE 4096ul
#define BASE 0x100000ul
#define ROUNDTRIPS 20000u

static struct pmm_process *proc;
static struct pmm_file *memfd;
static double seconds;
static unsigned int rounds;

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.nr_cpus = 1;
	o.swap_bytes = 1ul << 20;
	if (pmm_machine_init(&o))
		exit(1);
	proc = pmm_process_create();
	if (!proc || pmm_memfd_create(PAGE, 0, &memfd) ||
	    pmm_truncate(memfd, PAGE) ||
	    pmm_mmap(proc, BASE, PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		     PMM_MAP_SHARED, memfd, 0) ||
	    pmm_store(proc, BASE, "shmem", 5)) {
		fprintf(stderr, "bench: populating the memfd failed\n");
		exit(1);
	}
}

/* Each round: the page to swap, then a load faults it back in. */
static void task(void *arg)
{
	char buf[5];
	double t0 = now();
	unsigned int i;

	(void)arg;
	for (i = 0; i < rounds; i++) {
		if (pmm_file_reclaim(memfd, 0, PAGE) != 1 ||
		    !pmm_shmem_page_swapped(memfd, 0) ||
		    pmm_load(proc, BASE, buf, sizeof(buf)) ||
		    memcmp(buf, "shmem", sizeof(buf))) {
			fprintf(stderr, "bench: shmem round trip %u failed\n", i);
			exit(1);
		}
	}
	seconds = now() - t0;
}

static void create(void *arg)
{
	setup(arg);
	pmm_task_create("swapper", 0, task, NULL);
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static double roundtrips_per_s(unsigned int n)
{
	struct pmm_program prog = { "shmem-swap-roundtrip", "", create, finish, NULL };
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	rounds = n;
	if (pmm_native_run(&prog, &o, &r) || r.violations) {
		fprintf(stderr, "bench: native shmem run failed: %s: %s\n", r.oracle,
			r.message);
		exit(1);
	}
	return (double)n / seconds;
}

int main(void)
{
	double rate[RUNS];
	int i;

	/* One unmeasured run: the arena and the swap device warm. */
	roundtrips_per_s(ROUNDTRIPS);
	for (i = 0; i < RUNS; i++)
		rate[i] = roundtrips_per_s(ROUNDTRIPS);
	printf("shmem_swap_roundtrip_per_s=%.0f\n", median(rate));
	printf("shmem_swap_roundtrip_ns=%.0f\n", 1e9 / median(rate));
	return 0;
}
