// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-gmem-convert: the guest_memfd conversion figures of issue
 * 13, `name=value` lines, native backend, median of RUNS machines.
 *
 *   gmem_split_reassemble_1g_ms   a 1 GiB hugetlb folio in use split into
 *                                 262144 order-0 pieces that remember their
 *                                 origin (hugetlb_split_folio()), then every
 *                                 piece's last reference dropped, the last
 *                                 one reassembling the folio into its pool
 *                                 (target: under 50 ms)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "mem/folio.h"
#include "mem/hugetlb.h"
#include "protmm/protmm.h"

#define RAM	((1ul << 30) + (16ul << 20))

static double split_s;
static pmm_task_fn bench_task;

static void fail(const char *what)
{
	fprintf(stderr, "bench: %s failed\n", what);
	exit(1);
}

static void split_task(void *arg)
{
	struct hstate *h = size_to_hstate(HPAGE_PUD_SIZE);
	unsigned long nr = 1ul << HPAGE_PUD_ORDER, i;
	struct hugetlb_split *s;
	struct folio *f;
	double t0;

	(void)arg;
	if (set_max_huge_pages(h, 1) != 1)
		fail("growing the 1 GiB pool");
	f = dequeue_hugetlb_folio(h, false);
	if (!f)
		fail("taking the 1 GiB folio");
	/* What a page cache holds on it: one reference per page. */
	folio_ref_add(f, (int)nr - 1);
	t0 = now();
	if (hugetlb_split_folio(f, (int)nr, &s))
		fail("the split");
	for (i = 0; i < nr; i++)
		folio_put((struct folio *)folio_page(f, i));
	split_s = now() - t0;
	if (h->free_huge_pages != 1 || !folio_test_hugetlb(f))
		fail("the reassembly");
}

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = RAM;
	o.nr_cpus = 1;
	if (pmm_machine_init(&o))
		fail("pmm_machine_init");
	if (pmm_task_create("bench", 0, bench_task, NULL) < 0)
		fail("pmm_task_create");
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static void run_once(pmm_task_fn task)
{
	struct pmm_program prog = { "gmem-convert", "", setup, finish, NULL };
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	bench_task = task;
	if (pmm_native_run(&prog, &o, &r) || r.violations) {
		fprintf(stderr, "bench: native run failed: %s: %s\n", r.oracle,
			r.message);
		exit(1);
	}
}

int main(void)
{
	double split[RUNS];
	int i;

	run_once(split_task);
	for (i = 0; i < RUNS; i++) {
		run_once(split_task);
		split[i] = split_s * 1e3;
	}
	printf("gmem_split_reassemble_1g_ms=%.2f\n", median(split));
	return 0;
}
