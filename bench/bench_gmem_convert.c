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
 *   gmem_convert_1g_4k_ms         a 1 GiB guest_memfd, every page allocated
 *                                 (fallocate), converted shared -> private
 *                                 -> shared in 4 KiB steps: 2 x 262144
 *                                 calls of pmm_gmem_convert()
 *   gmem_convert_1g_2m_ms         the same in 2 MiB steps: 2 x 512 calls
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "mem/folio.h"
#include "mem/hugetlb.h"
#include "protmm/gmem_convert.h"
#include "protmm/guest_memfd.h"
#include "protmm/kvm.h"
#include "protmm/protmm.h"
#include "protmm/shmem.h"

#define RAM	((1ul << 30) + (64ul << 20))
#define GMEM_SIZE	(1ul << 30)

static double split_s, conv_s[2];
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

/* shared -> private -> shared over @f, @step bytes per call. */
static double convert_all(struct pmm_file *f, unsigned long step)
{
	double t0 = now();
	unsigned long off;
	int dir;

	for (dir = 1; dir >= 0; dir--)
		for (off = 0; off < GMEM_SIZE; off += step)
			if (pmm_gmem_convert(f, off, step, dir, NULL))
				fail("a conversion");
	return now() - t0;
}

/* The VM and its guest_memfd (both setup() only). */
static struct pmm_file *gmem_file(void)
{
	struct pmm_process *vmm = pmm_process_create();
	struct pmm_vm *vm = pmm_vm_create(vmm, 0);
	struct pmm_file *f = NULL;

	if (!vm || pmm_gmem_create(vm, GMEM_SIZE, PMM_GUEST_MEMFD_FLAG_MMAP |
				   PMM_GUEST_MEMFD_FLAG_INIT_SHARED, &f))
		fail("creating the guest_memfd");
	return f;
}

static void convert_task(void *arg)
{
	struct pmm_file *f = arg;

	if (pmm_fallocate(f, PMM_FALLOC_FL_KEEP_SIZE, 0, GMEM_SIZE))
		fail("allocating it");
	conv_s[0] = convert_all(f, 4096);
	conv_s[1] = convert_all(f, 2ul << 20);
}

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = RAM;
	o.nr_cpus = 1;
	if (pmm_machine_init(&o))
		fail("pmm_machine_init");
	if (pmm_task_create("bench", 0, bench_task,
			    bench_task == convert_task ? gmem_file() : NULL) < 0)
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

	bench_task = task;
	bench_native_run(&prog, 0);
}

int main(void)
{
	double split[RUNS], c4k[RUNS], c2m[RUNS];
	int i;

	run_once(split_task);
	for (i = 0; i < RUNS; i++) {
		run_once(split_task);
		split[i] = split_s * 1e3;
		run_once(convert_task);
		c4k[i] = conv_s[0] * 1e3;
		c2m[i] = conv_s[1] * 1e3;
	}
	printf("gmem_split_reassemble_1g_ms=%.2f\n", median(split));
	printf("gmem_convert_1g_4k_ms=%.2f\n", median(c4k));
	printf("gmem_convert_1g_2m_ms=%.2f\n", median(c2m));
	return 0;
}
