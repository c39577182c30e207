// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-ttm: the TTM figure of issue 11, `name=value` lines.
 *
 *   ttm_move_refault_pages_per_s  a 64 MiB buffer object, mapped by a
 *                                 process, moved VRAM -> SYSTEM -> VRAM
 *                                 (each move: reserve, unmap every user
 *                                 PTE, the DMA engine's copy of every
 *                                 page), every page refaulted after each
 *                                 move (a load per page: ttm_bo_vm_fault()
 *                                 inserting 16 pages a fault), on the
 *                                 native backend, generic machine: pages
 *                                 moved and refaulted per second
 *   ttm_move_refault_round_ms     ... one round (two moves, two refaults
 *                                 of the whole BO), in milliseconds
 *
 * Usage: protmm-bench-ttm
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "protmm/protmm.h"
#include "protmm/ttm.h"

#define PAGE 4096ul
#define BASE 0x10000000ul
#define BO_SIZE (64ul << 20)
#define ROUNDS 2u

static struct pmm_process *proc;
static struct pmm_bo *bo;
static double seconds;

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	int err;

	(void)arg;
	o.ram_bytes = BO_SIZE + (16ul << 20);
	o.dev_bytes = BO_SIZE;
	o.nr_cpus = 1;
	if (pmm_machine_init(&o))
		exit(1);
	proc = pmm_process_create();
	bo = proc ? pmm_bo_create(BO_SIZE, PMM_BO_VRAM, 0, &err) : NULL;
	if (!bo || pmm_bo_mmap(proc, BASE, BO_SIZE, PMM_PROT_READ | PMM_PROT_WRITE, bo) ||
	    pmm_store(proc, BASE, "ttm", 3)) {
		fprintf(stderr, "bench: mapping the BO failed\n");
		exit(1);
	}
}

static void refault_all(void)
{
	unsigned long off;
	char c;

	for (off = 0; off < BO_SIZE; off += PAGE) {
		if (pmm_load(proc, BASE + off, &c, 1)) {
			fprintf(stderr, "bench: refault at %#lx failed\n", off);
			exit(1);
		}
	}
}

static void task(void *arg)
{
	char buf[3];
	double t0 = now();
	unsigned int i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		if (pmm_bo_move(bo, PMM_BO_SYSTEM))
			exit(1);
		refault_all();
		if (pmm_bo_move(bo, PMM_BO_VRAM))
			exit(1);
		refault_all();
	}
	seconds = now() - t0;
	if (pmm_load(proc, BASE, buf, 3) || memcmp(buf, "ttm", 3)) {
		fprintf(stderr, "bench: the BO's bytes did not survive the moves\n");
		exit(1);
	}
}

static void create(void *arg)
{
	setup(arg);
	pmm_task_create("mover", 0, task, NULL);
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static double pages_per_s(void)
{
	struct pmm_program prog = { "ttm-move-refault", "", create, finish, NULL };
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	if (pmm_native_run(&prog, &o, &r) || r.violations) {
		fprintf(stderr, "bench: native TTM run failed: %s: %s\n", r.oracle,
			r.message);
		exit(1);
	}
	/* Each round moves and refaults every page twice. */
	return 2.0 * ROUNDS * (double)(BO_SIZE / PAGE) / seconds;
}

int main(void)
{
	double rate[RUNS];
	int i;

	for (i = 0; i < RUNS; i++)
		rate[i] = pages_per_s();
	printf("ttm_move_refault_pages_per_s=%.0f\n", median(rate));
	printf("ttm_move_refault_round_ms=%.1f\n",
	       1e3 * 2.0 * (double)(BO_SIZE / PAGE) / median(rate));
	return 0;
}
