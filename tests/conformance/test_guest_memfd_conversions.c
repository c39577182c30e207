// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Port of tools/testing/selftests/kvm/guest_memfd_conversions_test.c of the
 * in-place conversion series, host and guest halves: the
 * GMEM_CONVERSION_TEST cases as googleprodkernel/linux-cc 063dd8f5 has
 * them, and the two cases only intel/tdx 039014f2 has (the elevated
 * refcount, whose error offset it checks, and the fault type independent
 * of the VM's memory attributes). README.md lists case by case what is
 * ported.
 *
 * The selftest's VM is a KVM_X86_SW_PROTECTED_VM whose memslot is the
 * guest_memfd (KVM_MEM_GUEST_MEMFD, made with MMAP: gmem-only) and whose
 * VMM maps the same file MAP_SHARED. host_do_rmw() is a load then a store
 * through that mapping, a private page's access SIGBUS (-EIO here);
 * run_guest_do_rmw() / guest_use_memory() is a vCPU's load then store at
 * the gfn, through stage 2 (pmm_guest_load(), pmm_guest_store()). Beyond
 * what the selftest can see, each guest access is followed by a look at
 * the stage-2 entry it left: it must be private exactly when guest_memfd
 * says the page is (the fault's type). The stage-2 oracle (stale-tlb)
 * also checks every guest access against guest_memfd's page and state.
 *
 * Each case runs as setup() of one execution; a failed expectation is a
 * check(). Each runs at 4K and, as intel/tdx's test_with_size(SZ_2M), at
 * 2M from the hugetlb pool, under each value of gmem.huge.
 */
#include "protmm/gmem_convert.h"
#include "protmm/guest_memfd.h"
#include "protmm/hugetlb.h"
#include "protmm/shmem.h"

/* Internals: the stage-2 entry a guest access left. */
#include "../virt/stage2_test.h"

#define MEM	0x200000ul
#define MMAP	PMM_GUEST_MEMFD_FLAG_MMAP
#define SHARED	PMM_GUEST_MEMFD_FLAG_INIT_SHARED
#define PUNCH	(PMM_FALLOC_FL_KEEP_SIZE | PMM_FALLOC_FL_PUNCH_HOLE)

static struct pmm_file *G;
static int test_page;
/*
 * The selftest's page size (intel/tdx's test_page_size): 4K, or 2M from
 * a hugetlb pool (GUEST_MEMFD_FLAG_HUGETLB | GUESTMEM_HUGETLB_FLAG_2MB).
 * A "page" of the cases is one of these; the accesses are at its start.
 */
static unsigned long unit = PG;

#define HUGE2M	(PMM_GUEST_MEMFD_FLAG_HUGETLB | PMM_GUESTMEM_HUGETLB_FLAG_2MB)

/* A machine with room for @pages units, a VMM, and no VM yet. */
static void machine_up(unsigned long pages)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = unit == PG ? 1ul << 20 : (pages + 2) * unit;
	o.arch = "generic";
	memset(&W, 0, sizeof(W));
	if (pmm_machine_init(&o)) {
		check(!"pmm_machine_init");
		return;
	}
	W.vmm = pmm_process_create();
	if (unit != PG)
		check(pmm_hugetlb_set_pool(unit, pages) == (long)pages);
}

/*
 * gmem_conversions_do_setup(): the VM, a guest_memfd of @pages units with
 * MMAP and @flags, its memslot at GPA and the VMM's MAP_SHARED mapping of
 * it.
 */
static void gmem_up(unsigned long flags, unsigned long pages)
{
	unsigned long size = pages * unit;

	machine_up(pages);
	W.vm = pmm_vm_create_type(W.vmm, PMM_VM_SW_PROTECTED, 0);
	G = NULL;
	check(W.vm != NULL);
	if (unit != PG)
		flags |= HUGE2M;
	check(pmm_gmem_create(W.vm, size, MMAP | flags, &G) == 0);
	check(pmm_mmap(W.vmm, MEM, size, RW, PMM_MAP_SHARED, G, 0) == 0);
	check(pmm_vm_set_memslot_gmem(W.vm, GPA, MEM, size, G, 0) == 0);
}

static unsigned long off(int pg)
{
	return (unsigned long)pg * unit;
}

/* host_do_rmw(): the byte at page @pg must be @expect; then @val. */
static void host_rmw(struct pmm_process *p, int pg, char expect, char val)
{
	char c = 0x7f;

	check(pmm_load(p, MEM + off(pg), &c, 1) == 0 && c == expect);
	check(pmm_store(p, MEM + off(pg), &val, 1) == 0);
}

/* TEST_EXPECT_SIGBUS() on both a read and a write. */
static void host_sigbus(struct pmm_process *p, int pg)
{
	char c = 'z';

	check(pmm_load(p, MEM + off(pg), &c, 1) == -EIO);
	check(pmm_store(p, MEM + off(pg), &c, 1) == -EIO);
}

/* The entry is there, private iff guest_memfd says the page is. */
static void check_fault_type(int pg)
{
	kvm_pte_t pte = s2_entry(GPA + off(pg));

	check(kvm_pte_valid(pte));
	check(!(pte & KVM_PTE_PRIVATE) == !pmm_gmem_is_private(G, off(pg)));
}

/* run_guest_do_rmw(): the vCPU reads @expect at page @pg, then writes @val. */
static void guest_rmw(int pg, char expect, char val)
{
	char c = 0x7f;

	check(pmm_guest_load(W.vm, GPA + off(pg), &c, 1) == 0 && c == expect);
	check_fault_type(pg);
	check(pmm_guest_store(W.vm, GPA + off(pg), &val, 1) == 0);
	check_fault_type(pg);
}

static void set_private(unsigned long o, unsigned long len)
{
	check(pmm_gmem_convert(G, o, len, true, NULL) == 0);
}

static void set_shared(unsigned long o, unsigned long len)
{
	check(pmm_gmem_convert(G, o, len, false, NULL) == 0);
}

/* test_private(): the host faults, the guest reads @start and writes @val. */
static void test_private(int pg, char start, char val)
{
	char c = val;

	check(pmm_store(W.vmm, MEM + off(pg), &c, 1) == -EIO);
	guest_rmw(pg, start, val);
	check(pmm_load(W.vmm, MEM + off(pg), &c, 1) == -EIO);
}

/* test_shared(): host rmw, guest rmw, and the host sees the guest's byte. */
static void test_shared(int pg, char start, char host_val, char val)
{
	char c = 0x7f;

	host_rmw(W.vmm, pg, start, host_val);
	guest_rmw(pg, host_val, val);
	check(pmm_load(W.vmm, MEM + off(pg), &c, 1) == 0 && c == val);
}

static void to_private(int pg, char start, char val)
{
	set_private(off(pg), unit);
	test_private(pg, start, val);
}

static void to_shared(int pg, char start, char host_val, char val)
{
	set_shared(off(pg), unit);
	test_shared(pg, start, host_val, val);
}

/* init_private: private from creation; to shared and back. */
static void init_private_setup(void *arg)
{
	(void)arg;
	gmem_up(0, 1);
	test_private(0, 0, 'A');
	to_shared(0, 'A', 'B', 'C');
	to_private(0, 'C', 'E');
}

/* init_shared: shared from creation; to private and back, bytes kept. */
static void init_shared_setup(void *arg)
{
	(void)arg;
	gmem_up(SHARED, 1);
	test_shared(0, 0, 'A', 'B');
	to_private(0, 'B', 'C');
	to_shared(0, 'C', 'D', 'E');
}

/* indexing (precision): only the page converted changes, for each page. */
#define F(x, v)	((char)(((x) << 4) + (v)))
static void indexing_setup(void *arg)
{
	int i, tp = test_page;

	(void)arg;
	gmem_up(SHARED, 4);
	for (i = 3; i >= 0; i--)
		test_shared(i, 0, F(i, 0), F(i, 2));
	to_private(tp, F(tp, 2), F(tp, 3));
	for (i = 0; i < 4; i++) {
		if (i == tp)
			test_private(i, F(i, 3), F(i, 4));
		else
			test_shared(i, F(i, 2), F(i, 3), F(i, 4));
	}
	to_shared(tp, F(tp, 4), F(tp, 5), F(tp, 6));
	for (i = 0; i < 4; i++)
		test_shared(i, i == tp ? F(i, 6) : F(i, 4), F(i, 7), F(i, 8));
}

/*
 * before_allocation_shared / _private: the conversion is recorded with no
 * folio there, and the first use (the guest's, the host's) sees it.
 */
static void before_alloc_shared_setup(void *arg)
{
	(void)arg;
	gmem_up(SHARED, 1);
	set_private(0, unit);
	check(!pmm_gmem_page_present(G, 0));
	test_private(0, 0, 'A');
}

static void before_alloc_private_setup(void *arg)
{
	(void)arg;
	gmem_up(0, 1);
	set_shared(0, unit);
	check(!pmm_gmem_page_present(G, 0));
	test_shared(0, 0, 'A', 'B');
}

/* unallocated_folios (folio layouts): two pages faulted, eight converted. */
static void layouts_setup(void *arg)
{
	const int second = 4;
	int i;

	(void)arg;
	gmem_up(SHARED, 8);
	host_rmw(W.vmm, test_page, 0, 'A');
	if (test_page != second)
		host_rmw(W.vmm, second, 0, 'A');
	set_private(0, 8 * unit);
	for (i = 0; i < 8; i++) {
		bool faulted = i == test_page || i == second;

		check(pmm_gmem_page_present(G, off(i)) == faulted);
		test_private(i, faulted ? 'A' : 0, 'B');
	}
	for (i = 0; i < 8; i++)
		to_shared(i, 'B', 'C', 'D');
}

/*
 * truncate: punching a hole keeps the page's state, and what comes back
 * is a fresh page (zeros: the reset after the hole punch), to the guest.
 */
static void truncate_setup(void *arg)
{
	(void)arg;
	gmem_up(SHARED, 1);
	host_rmw(W.vmm, 0, 0, 'A');
	check(pmm_fallocate(G, PUNCH, 0, unit) == 0);
	host_rmw(W.vmm, 0, 0, 'A');
	to_private(0, 'A', 'B');
	check(pmm_fallocate(G, PUNCH, 0, unit) == 0);
	check(pmm_gmem_is_private(G, 0) && !pmm_gmem_page_present(G, 0));
	test_private(0, 0, 'A');
}

/*
 * forked_accesses: the child's mapping is unmapped by the conversion too.
 * The selftest's handshake over shared memory is the order of this one
 * task's steps.
 */
static void forked_setup(void *arg)
{
	struct pmm_process *child;

	(void)arg;
	gmem_up(SHARED, 1);
	child = pmm_fork(W.vmm);
	check(child != NULL);
	if (!child)
		return;
	test_shared(0, 0, 0xA, 0xB);
	host_rmw(child, 0, 0xB, 0xC);
	to_private(0, 0xC, 0xD);
	host_sigbus(child, 0);
}

/*
 * test_conversions_should_fail_if_memory_has_elevated_refcount(): a
 * pinned page fails with EAGAIN and its offset; unpinned, it converts.
 * The selftest does not look at the converted page's bytes ('X'); with
 * the contents kept, the port does.
 */
static void elevated_setup(void *arg)
{
	struct pmm_pin *pin = NULL;
	unsigned long eo = 0;
	int i, tp = test_page;

	(void)arg;
	gmem_up(SHARED, 4);
	check(pmm_pin(W.vmm, MEM + off(tp), 1, PMM_GUP_WRITE, &pin) == 0);
	for (i = 0; i < 4; i++) {
		host_rmw(W.vmm, i, 0, 'A');
		guest_rmw(i, 'A', 'B');
	}
	check(pmm_gmem_convert(G, off(tp), unit, true, &eo) == -EAGAIN &&
	      eo == off(tp));
	check(!pmm_gmem_is_private(G, off(tp)));
	if (pin)
		pmm_unpin(pin);
	set_private(off(tp), unit);
	for (i = 0; i < 4; i++) {
		if (i == tp)
			host_sigbus(W.vmm, i);
		else
			host_rmw(W.vmm, i, 'B', 'C');
		guest_rmw(i, i == tp ? 'B' : 'C', 'D');
	}
	set_shared(off(tp), unit);
	for (i = 0; i < 4; i++) {
		host_rmw(W.vmm, i, 'D', 'E');
		guest_rmw(i, 'E', 'F');
	}
}

/*
 * test_fault_type_independent_of_mem_attributes(): the VM's attributes
 * say the opposite of guest_memfd; the guest's fault follows guest_memfd
 * (private, then shared), and the host's access too.
 */
static void fault_type_setup(void *arg)
{
	(void)arg;
	gmem_up(0, 1);
	check(pmm_vm_set_memory_attributes(W.vm, GPA, unit, 0) == 0);
	test_private(0, 0, 'A');
	set_shared(0, unit);
	check(pmm_vm_set_memory_attributes(W.vm, GPA, unit,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == 0);
	test_shared(0, 'A', 'B', 'C');
}

/* Runs @setup, once per test_page when @pages (the multipage cases). */
static void run(void (*setup)(void *), int pages)
{
	test_page = 0;
	do
		assert_int_equal(run_clean(setup, finish_coherent), 1);
	while (++test_page < pages);
}

/* At 2M, under each way guest_memfd may hold the folio (gmem.huge). */
static void run_2m(void (*setup)(void *), int pages)
{
	static const char *const huge[] = { "split_4k", "whole" };
	unsigned int i;

	unit = PMM_HUGE_2M;
	for (i = 0; i < 2; i++) {
		assert_int_equal(pmm_knob_set("gmem.huge", huge[i]), 0);
		run(setup, pages);
		pmm_knob_reset();
	}
	unit = PG;
}

/* Each case at 4K, and at 2M as intel/tdx's test_with_size(SZ_2M). */
#define CASE(name, setup, pages)					\
static void test_##name(void **s)					\
{									\
	(void)s;							\
	unit = PG;							\
	run(setup, pages);						\
}									\
static void test_##name##_2m(void **s)					\
{									\
	(void)s;							\
	run_2m(setup, pages);						\
}

CASE(init_private, init_private_setup, 0)
CASE(init_shared, init_shared_setup, 0)
CASE(indexing, indexing_setup, 4)
CASE(before_alloc_shared, before_alloc_shared_setup, 0)
CASE(before_alloc_private, before_alloc_private_setup, 0)
CASE(unallocated_folios, layouts_setup, 8)
CASE(truncate, truncate_setup, 0)
CASE(forked_accesses, forked_setup, 0)
CASE(elevated_refcount, elevated_setup, 4)
CASE(fault_type_independent, fault_type_setup, 0)

#define TESTS(name)							\
	cmocka_unit_test(test_##name), cmocka_unit_test(test_##name##_2m)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TESTS(init_private),
		TESTS(init_shared),
		TESTS(indexing),
		TESTS(before_alloc_shared),
		TESTS(before_alloc_private),
		TESTS(unallocated_folios),
		TESTS(truncate),
		TESTS(forked_accesses),
		TESTS(elevated_refcount),
		TESTS(fault_type_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
