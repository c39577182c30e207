// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-s390: the s390-pv figures of issue 12, `name=value` lines,
 * on the native backend.
 *
 *   pv_import_export_per_s   one 4 KiB page made secure (the guest's
 *                            import: gmap_make_secure(), the freeze, the
 *                            UV call) then exported (the host touches
 *                            it: the secure-storage-access exception),
 *                            round trips per second
 *   pv_import_export_ns      ... one round trip, in nanoseconds
 *   pv_import_1g_guest_s     every page of a 1 GiB guest imported, once
 *                            (a fault of the VMM's page, then the import)
 *
 * Usage: protmm-bench-s390 [GUEST_MIB]: the guest's size, 1024 by default.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "protmm/protmm.h"
#include "protmm/s390.h"

#define PAGE 4096ul
#define HVA 0x40000000ul
#define ROUNDS 20000u
#define SLOT (256ul << 20)

static struct pmm_process *vmm;
static struct pmm_vm *vm;
static unsigned long guest_bytes;
static unsigned int rounds;
static double seconds;

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned long off;

	(void)arg;
	o.arch = "s390-pv";
	o.ram_bytes = (guest_bytes + (8ul << 20)) & ~((2ul << 20) - 1);
	o.nr_cpus = 1;
	if (pmm_machine_init(&o))
		exit(1);
	vmm = pmm_process_create();
	if (!vmm || pmm_mmap(vmm, HVA, guest_bytes, PMM_PROT_READ | PMM_PROT_WRITE,
			     PMM_MAP_PRIVATE, NULL, 0) ||
	    !(vm = pmm_pv_vm_create(vmm))) {
		fprintf(stderr, "bench: setting up the guest failed\n");
		exit(1);
	}
	/* A memslot holds 256 MiB at most here: as many as it takes. */
	for (off = 0; off < guest_bytes; off += SLOT) {
		unsigned long len = guest_bytes - off < SLOT ? guest_bytes - off : SLOT;

		if (pmm_vm_set_memslot(vm, off, HVA + off, len)) {
			fprintf(stderr, "bench: memslot at %#lx failed\n", off);
			exit(1);
		}
	}
}

/* Import, then a host load: the exception exports the page. */
static void round_trip_task(void *arg)
{
	unsigned int i;
	double t0;
	char c;
	int rc;

	(void)arg;
	rc = pmm_store(vmm, HVA, "v", 1);

	if (rc || (rc = pmm_pv_import(vm, 0))) {
		fprintf(stderr, "bench: the first import failed: %d\n", rc);
		exit(1);
	}
	if (pmm_load(vmm, HVA, &c, 1))
		exit(1);
	t0 = now();
	for (i = 0; i < rounds; i++) {
		if (pmm_pv_import(vm, 0) || pmm_load(vmm, HVA, &c, 1)) {
			fprintf(stderr, "bench: round trip %u failed\n", i);
			exit(1);
		}
	}
	seconds = now() - t0;
}

/* Every page: the guest's intercept imports it (faulting it in first). */
static void import_all_task(void *arg)
{
	unsigned long gpa;
	double t0 = now();
	int rc;

	(void)arg;
	for (gpa = 0; gpa < guest_bytes; gpa += PAGE) {
		rc = pmm_pv_import(vm, gpa);
		if (rc == -EAGAIN)
			rc = pmm_pv_import(vm, gpa);
		if (rc) {
			fprintf(stderr, "bench: import of %#lx failed: %d\n", gpa, rc);
			exit(1);
		}
	}
	seconds = now() - t0;
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static void (*bench_task)(void *);

static void create(void *arg)
{
	setup(arg);
	pmm_task_create("vcpu", 0, bench_task, NULL);
}

static void run(void (*task)(void *), size_t memory)
{
	struct pmm_program prog = { "s390", "", create, finish, NULL };

	bench_task = task;
	bench_native_run(&prog, memory);
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024;
	double rate[RUNS];
	int i;

	guest_bytes = PAGE;
	rounds = ROUNDS;
	for (i = 0; i < RUNS; i++) {
		run(round_trip_task, (size_t)256 << 20);
		rate[i] = rounds / seconds;
	}
	printf("pv_import_export_per_s=%.0f\n", median(rate));
	printf("pv_import_export_ns=%.0f\n", 1e9 / median(rate));

	guest_bytes = mib << 20;
	run(import_all_task, (size_t)(mib + 256) << 20);
	printf("pv_import_%lum_guest_s=%.3f\n", mib, seconds);
	if (mib == 1024)
		printf("pv_import_1g_guest_s=%.3f\n", seconds);
	return 0;
}
