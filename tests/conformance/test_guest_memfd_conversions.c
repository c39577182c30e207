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
 * check().
 */
#include "protmm/gmem_convert.h"
#include "protmm/guest_memfd.h"
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
 * gmem_conversions_do_setup(): the VM, a guest_memfd of @pages with MMAP
 * and @flags, its memslot at GPA and the VMM's MAP_SHARED mapping of it.
 */
static void gmem_up(unsigned long flags, unsigned long pages)
{
	vm_up("generic", 0);
	W.vm = pmm_vm_create_type(W.vmm, PMM_VM_SW_PROTECTED, 0);
	G = NULL;
	check(W.vm != NULL);
	check(pmm_gmem_create(W.vm, pages * PG, MMAP | flags, &G) == 0);
	check(pmm_mmap(W.vmm, MEM, pages * PG, RW, PMM_MAP_SHARED, G, 0) == 0);
	check(pmm_vm_set_memslot_gmem(W.vm, GPA, MEM, pages * PG, G, 0) == 0);
}

static unsigned long off(int pg)
{
	return (unsigned long)pg * PG;
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
	set_private(off(pg), PG);
	test_private(pg, start, val);
}

static void to_shared(int pg, char start, char host_val, char val)
{
	set_shared(off(pg), PG);
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
	set_private(0, PG);
	check(!pmm_gmem_page_present(G, 0));
	test_private(0, 0, 'A');
}

static void before_alloc_private_setup(void *arg)
{
	(void)arg;
	gmem_up(0, 1);
	set_shared(0, PG);
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
	set_private(0, 8 * PG);
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
	check(pmm_fallocate(G, PUNCH, 0, PG) == 0);
	host_rmw(W.vmm, 0, 0, 'A');
	to_private(0, 'A', 'B');
	check(pmm_fallocate(G, PUNCH, 0, PG) == 0);
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
	check(pmm_gmem_convert(G, off(tp), PG, true, &eo) == -EAGAIN &&
	      eo == off(tp));
	check(!pmm_gmem_is_private(G, off(tp)));
	if (pin)
		pmm_unpin(pin);
	set_private(off(tp), PG);
	for (i = 0; i < 4; i++) {
		if (i == tp)
			host_sigbus(W.vmm, i);
		else
			host_rmw(W.vmm, i, 'B', 'C');
		guest_rmw(i, i == tp ? 'B' : 'C', 'D');
	}
	set_shared(off(tp), PG);
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
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG, 0) == 0);
	test_private(0, 0, 'A');
	set_shared(0, PG);
	check(pmm_vm_set_memory_attributes(W.vm, GPA, PG,
					   PMM_MEMORY_ATTRIBUTE_PRIVATE) == 0);
	test_shared(0, 'A', 'B', 'C');
}

static void run(void (*setup)(void *))
{
	assert_int_equal(run_clean(setup, finish_coherent), 1);
}

static void run_pages(void (*setup)(void *), int pages)
{
	for (test_page = 0; test_page < pages; test_page++)
		run(setup);
}

static void test_init_private(void **s) { (void)s; run(init_private_setup); }
static void test_init_shared(void **s) { (void)s; run(init_shared_setup); }
static void test_indexing(void **s) { (void)s; run_pages(indexing_setup, 4); }
static void test_before_alloc_shared(void **s) { (void)s; run(before_alloc_shared_setup); }
static void test_before_alloc_private(void **s) { (void)s; run(before_alloc_private_setup); }
static void test_unallocated_folios(void **s) { (void)s; run_pages(layouts_setup, 8); }
static void test_truncate(void **s) { (void)s; run(truncate_setup); }
static void test_forked_accesses(void **s) { (void)s; run(forked_setup); }
static void test_elevated_refcount(void **s) { (void)s; run_pages(elevated_setup, 4); }
static void test_fault_type_independent(void **s) { (void)s; run(fault_type_setup); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_private),
		cmocka_unit_test(test_init_shared),
		cmocka_unit_test(test_indexing),
		cmocka_unit_test(test_before_alloc_shared),
		cmocka_unit_test(test_before_alloc_private),
		cmocka_unit_test(test_unallocated_folios),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_forked_accesses),
		cmocka_unit_test(test_elevated_refcount),
		cmocka_unit_test(test_fault_type_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
