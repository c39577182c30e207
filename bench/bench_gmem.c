// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-gmem: the guest_memfd figure of issue 13, `name=value`
 * lines.
 *
 *   gmem_64g_rss_mib       the peak resident memory of this process, in
 *                          MiB, for a sw-protected guest of 64 GiB whose
 *                          memory is one guest_memfd of 64 GiB, every page
 *                          of it allocated (fallocate), bound to one
 *                          memslot (KVM_SET_USER_MEMORY_REGION2), all of
 *                          it private, the guest storing to a page every
 *                          2 MiB (each a stage-2 fault through
 *                          kvm_gmem_get_pfn()), on the native backend
 *                          (target: < 2048)
 *   gmem_64g_populate_s    the fallocate() of the 64 GiB, in seconds
 *   gmem_64g_guest_writes  the private pages the guest wrote
 *
 * What keeps it small (src/mem/phys.h): a frame's bytes exist only once
 * written, so the 16 Mi pages cost their struct page (64 bytes) and a
 * page-cache slot (8 bytes), and a stage-2 entry (8 bytes) each.
 *
 * Usage: protmm-bench-gmem
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_util.h"
#include "protmm/guest_memfd.h"
#include "protmm/kvm.h"
#include "protmm/protmm.h"


#define GIB		(1ul << 30)
#define GUEST		(64 * GIB)
#define GPA		(4 * GIB)
#define HVA		(1ul << 40)
#define STRIDE		(2ul << 20)

static struct pmm_process *vmm;
static struct pmm_vm *vm;
static struct pmm_file *gmem;
static double populate_s;
static unsigned long writes;

static void fail(const char *what)
{
	fprintf(stderr, "bench: %s failed\n", what);
	exit(1);
}

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	double t0;

	(void)arg;
	o.ram_bytes = GUEST + (256ul << 20);
	o.nr_cpus = 1;
	if (pmm_machine_init(&o))
		fail("pmm_machine_init");
	vmm = pmm_process_create();
	vm = vmm ? pmm_vm_create_type(vmm, PMM_VM_SW_PROTECTED, 0) : NULL;
	if (!vm || pmm_gmem_create(vm, GUEST, 0, &gmem))
		fail("KVM_CREATE_GUEST_MEMFD");
	if (pmm_vm_set_memory_attributes(vm, GPA, GUEST,
					 PMM_MEMORY_ATTRIBUTE_PRIVATE))
		fail("KVM_SET_MEMORY_ATTRIBUTES");
	if (pmm_vm_set_memslot_gmem(vm, GPA, HVA, GUEST, gmem, 0))
		fail("KVM_SET_USER_MEMORY_REGION2");
	t0 = now();
	if (pmm_fallocate(gmem, PMM_FALLOC_FL_KEEP_SIZE, 0, GUEST))
		fail("fallocate");
	populate_s = now() - t0;
}

/* The vCPU: a private page every STRIDE (stage-2 fault: guest_memfd). */
static void vcpu(void *arg)
{
	static const char buf[8] = "private";
	unsigned long gpa;

	(void)arg;
	for (gpa = GPA; gpa < GPA + GUEST; gpa += STRIDE) {
		if (pmm_guest_store(vm, gpa, buf, sizeof(buf)))
			fail("the guest's store");
		writes++;
	}
}

static void create(void *arg)
{
	setup(arg);
	pmm_task_create("vcpu", 0, vcpu, NULL);
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

int main(void)
{
	struct pmm_program prog = { "gmem-64g", "", create, finish, NULL };
	struct rusage ru;

	bench_native_run(&prog, (size_t)4 << 30);
	getrusage(RUSAGE_SELF, &ru);
	printf("gmem_64g_rss_mib=%ld\n", ru.ru_maxrss / 1024);
	printf("gmem_64g_populate_s=%.2f\n", populate_s);
	printf("gmem_64g_guest_writes=%lu\n", writes);
	return 0;
}
