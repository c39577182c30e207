// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-gmem: the guest_memfd figure of issue 13, `name=value`
 * lines.
 *
 *   gmem_64g_rss_mib       the peak resident memory of this process, in
 *                          MiB, for a sw-protected guest of 64 GiB whose
 *                          memory is one guest_memfd of 64 GiB, every page
 *                          of it allocated (fallocate), bound to one
 *                          memslot, the guest writing a private page every
 *                          2 MiB, on the native backend (target: < 2048)
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

/* Internals: the memslot's binding and the vCPU's private access. */
#include "machine/machine.h"
#include "mem/phys.h"
#include "virt/guest_memfd.h"

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
	struct kvm_gmem_file *gf;
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
	/* KVM_SET_USER_MEMORY_REGION2: the slot, then its binding. */
	if (pmm_vm_set_memslot(vm, GPA, HVA, GUEST) ||
	    machine_gmem_file(gmem, &gf) ||
	    kvm_gmem_bind(vm, gfn_to_memslot(vm, GPA >> PAGE_SHIFT), gf, 0))
		fail("KVM_SET_USER_MEMORY_REGION2");
	t0 = now();
	if (pmm_fallocate(gmem, PMM_FALLOC_FL_KEEP_SIZE, 0, GUEST))
		fail("fallocate");
	populate_s = now() - t0;
}

/*
 * The vCPU: a private page every STRIDE, reached as kvm's private fault
 * does (kvm_gmem_get_pfn()), written as the guest.
 */
static void vcpu(void *arg)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(vm, GPA >> PAGE_SHIFT);
	unsigned long gpa, pfn;
	struct page *page;
	char buf[8] = "private";

	(void)arg;
	for (gpa = GPA; gpa < GPA + GUEST; gpa += STRIDE) {
		struct phys_access a = { .who = ACCESS_GUEST, .write = true,
					 .len = sizeof(buf), .buf = buf };

		if (kvm_gmem_get_pfn(vm, slot, gpa >> PAGE_SHIFT, &pfn, &page, NULL))
			fail("kvm_gmem_get_pfn");
		a.pfn = pfn;
		if (phys_access(&a))
			fail("the guest's write");
		folio_put(page_folio(page));
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
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;
	struct rusage ru;

	o.memory_limit = (size_t)4 << 30;
	if (pmm_native_run(&prog, &o, &r) || r.violations) {
		fprintf(stderr, "bench: native run failed: %s: %s\n", r.oracle,
			r.message);
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("gmem_64g_rss_mib=%ld\n", ru.ru_maxrss / 1024);
	printf("gmem_64g_populate_s=%.2f\n", populate_s);
	printf("gmem_64g_guest_writes=%lu\n", writes);
	return 0;
}
