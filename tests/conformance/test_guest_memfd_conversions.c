// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Port of tools/testing/selftests/kvm/guest_memfd_conversions_test.c of the
 * in-place conversion series (read at googleprodkernel/linux-cc 063dd8f5
 * and intel/tdx 039014f2, whose elevated-refcount case checks the error
 * offset): the host's side of each case. The selftest's guest side (a
 * vCPU's read-modify-write through stage 2) waits for kvm's private
 * stage-2 path; README.md lists case by case what is ported.
 *
 * host_do_rmw() is a load then a store through the VMM's MAP_SHARED
 * mapping; a private page's access is SIGBUS (-EIO here). Each case runs
 * as setup() of one execution; a failed expectation is a check().
 */
#include "../virt/virt_test.h"

#include "protmm/gmem_convert.h"
#include "protmm/guest_memfd.h"
#include "protmm/shmem.h"

#define MEM	0x200000ul
#define MMAP	PMM_GUEST_MEMFD_FLAG_MMAP
#define SHARED	PMM_GUEST_MEMFD_FLAG_INIT_SHARED
#define PUNCH	(PMM_FALLOC_FL_KEEP_SIZE | PMM_FALLOC_FL_PUNCH_HOLE)

static struct pmm_file *G;
static int test_page;

static void gmem_up(unsigned long flags, unsigned long pages)
{
	vm_up("generic", 0);
	G = NULL;
	check(pmm_gmem_create(W.vm, pages * PG, MMAP | flags, &G) == 0);
	check(pmm_mmap(W.vmm, MEM, pages * PG, RW, PMM_MAP_SHARED, G, 0) == 0);
}

/* host_do_rmw(): the byte at page @pg must be @expect; then @val. */
static void host_rmw(struct pmm_process *p, int pg, char expect, char val)
{
	char c = 0x7f;

	check(pmm_load(p, MEM + (unsigned long)pg * PG, &c, 1) == 0 && c == expect);
	check(pmm_store(p, MEM + (unsigned long)pg * PG, &val, 1) == 0);
}

/* TEST_EXPECT_SIGBUS() on both a read and a write. */
static void host_sigbus(struct pmm_process *p, int pg)
{
	char c = 'z';

	check(pmm_load(p, MEM + (unsigned long)pg * PG, &c, 1) == -EIO);
	check(pmm_store(p, MEM + (unsigned long)pg * PG, &c, 1) == -EIO);
}

static void set_private(unsigned long off, unsigned long len)
{
	check(pmm_gmem_convert(G, off, len, true, NULL) == 0);
}

static void set_shared(unsigned long off, unsigned long len)
{
	check(pmm_gmem_convert(G, off, len, false, NULL) == 0);
}

/* init_private: private from creation; to shared and back. */
static void init_private_setup(void *arg)
{
	(void)arg;
	gmem_up(0, 1);
	host_sigbus(W.vmm, 0);
	set_shared(0, PG);
	host_rmw(W.vmm, 0, 0, 'B');
	set_private(0, PG);
	host_sigbus(W.vmm, 0);
}

/* init_shared: shared from creation; to private and back, bytes kept. */
static void init_shared_setup(void *arg)
{
	(void)arg;
	gmem_up(SHARED, 1);
	host_rmw(W.vmm, 0, 0, 'A');
	set_private(0, PG);
	host_sigbus(W.vmm, 0);
	set_shared(0, PG);
	host_rmw(W.vmm, 0, 'A', 'D');
}

/* indexing (precision): only the page converted changes, for each page. */
static void indexing_setup(void *arg)
{
	int i;

	(void)arg;
	gmem_up(SHARED, 4);
	for (i = 3; i >= 0; i--)
		host_rmw(W.vmm, i, 0, (char)(i << 4));
	set_private((unsigned long)test_page * PG, PG);
	for (i = 0; i < 4; i++) {
		if (i == test_page)
			host_sigbus(W.vmm, i);
		else
			host_rmw(W.vmm, i, (char)(i << 4), (char)((i << 4) + 1));
	}
	set_shared((unsigned long)test_page * PG, PG);
	for (i = 0; i < 4; i++)
		host_rmw(W.vmm, i, (char)((i << 4) + (i != test_page)),
			 (char)((i << 4) + 2));
}

/* before_allocation_shared / _private: the state is kept with no folio. */
static void before_alloc_shared_setup(void *arg)
{
	(void)arg;
	gmem_up(SHARED, 1);
	set_private(0, PG);
	host_sigbus(W.vmm, 0);
	check(!pmm_gmem_page_present(G, 0));
}

static void before_alloc_private_setup(void *arg)
{
	(void)arg;
	gmem_up(0, 1);
	set_shared(0, PG);
	check(!pmm_gmem_page_present(G, 0));
	host_rmw(W.vmm, 0, 0, 'A');
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
		host_sigbus(W.vmm, i);
		check(pmm_gmem_page_present(G, (unsigned long)i * PG) ==
		      (i == test_page || i == second));
	}
	for (i = 0; i < 8; i++) {
		set_shared((unsigned long)i * PG, PG);
		host_rmw(W.vmm, i, (i == test_page || i == second) ? 'A' : 0, 'C');
	}
}

/*
 * truncate: punching a hole keeps the page's state, and what comes back
 * is a fresh page (zeros: the reset after the hole punch).
 */
static void truncate_setup(void *arg)
{
	(void)arg;
	gmem_up(SHARED, 1);
	host_rmw(W.vmm, 0, 0, 'A');
	check(pmm_fallocate(G, PUNCH, 0, PG) == 0);
	host_rmw(W.vmm, 0, 0, 'A');
	set_private(0, PG);
	check(pmm_fallocate(G, PUNCH, 0, PG) == 0);
	check(pmm_gmem_is_private(G, 0) && !pmm_gmem_page_present(G, 0));
	host_sigbus(W.vmm, 0);
	set_shared(0, PG);
	host_rmw(W.vmm, 0, 0, 'B');
}

/* forked_accesses: a child's mapping is unmapped by the conversion too. */
static void forked_setup(void *arg)
{
	struct pmm_process *child;

	(void)arg;
	gmem_up(SHARED, 1);
	host_rmw(W.vmm, 0, 0, 0xA);
	child = pmm_fork(W.vmm);
	check(child != NULL);
	if (!child)
		return;
	host_rmw(child, 0, 0xA, 0xC);
	set_private(0, PG);
	host_sigbus(child, 0);
	host_sigbus(W.vmm, 0);
}

/*
 * elevated refcount (test_conversions_should_fail_if_memory_has_elevated_
 * refcount): a pinned page fails with EAGAIN and its offset; unpinned,
 * it converts, its bytes kept for the return to shared.
 */
static void elevated_setup(void *arg)
{
	struct pmm_pin *pin = NULL;
	unsigned long eo = 0;
	int i;

	(void)arg;
	gmem_up(SHARED, 4);
	check(pmm_pin(W.vmm, MEM + (unsigned long)test_page * PG, 1,
		      PMM_GUP_WRITE, &pin) == 0);
	for (i = 0; i < 4; i++)
		host_rmw(W.vmm, i, 0, 'A');
	check(pmm_gmem_convert(G, (unsigned long)test_page * PG, PG, true, &eo) ==
	      -EAGAIN && eo == (unsigned long)test_page * PG);
	if (pin)
		pmm_unpin(pin);
	set_private((unsigned long)test_page * PG, PG);
	for (i = 0; i < 4; i++) {
		if (i == test_page)
			host_sigbus(W.vmm, i);
		else
			host_rmw(W.vmm, i, 'A', 'C');
	}
	set_shared((unsigned long)test_page * PG, PG);
	for (i = 0; i < 4; i++)
		host_rmw(W.vmm, i, i == test_page ? 'A' : 'C', 'E');
}

static void run(void (*setup)(void *))
{
	assert_int_equal(run_clean(setup, NULL), 1);
}

static void test_init_private(void **s) { (void)s; run(init_private_setup); }
static void test_init_shared(void **s) { (void)s; run(init_shared_setup); }
static void test_before_alloc_shared(void **s) { (void)s; run(before_alloc_shared_setup); }
static void test_before_alloc_private(void **s) { (void)s; run(before_alloc_private_setup); }
static void test_truncate(void **s) { (void)s; run(truncate_setup); }
static void test_forked_accesses(void **s) { (void)s; run(forked_setup); }

static void test_indexing(void **s)
{
	(void)s;
	for (test_page = 0; test_page < 4; test_page++)
		run(indexing_setup);
}

static void test_unallocated_folios(void **s)
{
	(void)s;
	for (test_page = 0; test_page < 8; test_page++)
		run(layouts_setup);
}

static void test_elevated_refcount(void **s)
{
	(void)s;
	for (test_page = 0; test_page < 4; test_page++)
		run(elevated_setup);
}

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
