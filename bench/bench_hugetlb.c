// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-hugetlb: hugetlb figures of issue 10, `name=value` lines.
 *
 *   hugetlb_1g_demote_ms     one write of 1 to the 1 GiB pool's demote
 *                            file (demote_pool_huge_page(): a free 1 GiB
 *                            folio becomes 512 of 2 MiB), native backend,
 *                            median of RUNS machines
 *   hugetlb_1g_pool_ms       ... nr_hugepages 0 -> 1 for the 1 GiB pool
 *                            (a 1 GiB folio from the buddy allocator)
 *   hugetlb_2m_fault_per_s   first-touch faults of a MAP_HUGETLB private
 *                            2 MiB page (reservation consumed, folio
 *                            zeroed, PMD leaf set), then munmap, per second
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "protmm/protmm.h"

#define RAM	((1ul << 30) + (16ul << 20))
#define HMEM	0x40000000ul
#define FAULTS	2000u

static double pool_s, demote_s, fault_s;

static void fail(const char *what)
{
	fprintf(stderr, "bench: %s failed\n", what);
	exit(1);
}

static void task(void *arg)
{
	struct pmm_process *p = pmm_process_create();
	struct pmm_hugetlb_pool st;
	double t0, t1, t2;
	unsigned int i;

	(void)arg;
	t0 = now();
	if (pmm_hugetlb_set_pool(PMM_HUGE_1G, 1) != 1)
		fail("growing the 1 GiB pool");
	t1 = now();
	if (pmm_hugetlb_demote(PMM_HUGE_1G, 1) != 1)
		fail("demotion");
	t2 = now();
	if (pmm_hugetlb_pool(PMM_HUGE_2M, &st) || st.free != 512)
		fail("the 2 MiB pool after demotion");
	pool_s = t1 - t0;
	demote_s = t2 - t1;
	t0 = now();
	for (i = 0; i < FAULTS; i++)
		if (pmm_mmap_hugetlb(p, HMEM, PMM_HUGE_2M, PMM_PROT_READ | PMM_PROT_WRITE,
				     PMM_MAP_PRIVATE, PMM_HUGE_2M, NULL, 0) ||
		    pmm_store(p, HMEM + 64, "x", 1) || pmm_munmap(p, HMEM, PMM_HUGE_2M))
			fail("a 2 MiB fault");
	fault_s = now() - t0;
}

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = RAM;
	o.nr_cpus = 1;
	if (pmm_machine_init(&o))
		fail("pmm_machine_init");
	if (pmm_task_create("hugetlb", 0, task, NULL) < 0)
		fail("pmm_task_create");
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static void run_once(void)
{
	struct pmm_program prog = { "hugetlb", "", setup, finish, NULL };

	bench_native_run(&prog, 0);
}

int main(void)
{
	double demote[RUNS], pool[RUNS], fault[RUNS];
	int i;

	run_once();
	for (i = 0; i < RUNS; i++) {
		run_once();
		demote[i] = demote_s * 1e3;
		pool[i] = pool_s * 1e3;
		fault[i] = FAULTS / fault_s;
	}
	printf("hugetlb_1g_demote_ms=%.2f\n", median(demote));
	printf("hugetlb_1g_pool_ms=%.2f\n", median(pool));
	printf("hugetlb_2m_fault_per_s=%.0f\n", median(fault));
	return 0;
}
