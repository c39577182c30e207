// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * guest_memfd from the hugetlb pools (virt/gmem_huge.c), one test per
 * step: the creation flags and sizes, the folio taken from the pool and
 * split into pieces that remember it, the conversion under each value of
 * gmem.huge, and the folio's return to the pool only after its last pin.
 */
#include "virt_test.h"

#include "protmm/gmem_convert.h"
#include "protmm/guest_memfd.h"
#include "protmm/hugetlb.h"
#include "protmm/knob.h"
#include "protmm/shmem.h"

#define GMEM_HVA	0x400000ul
#define HUGE2M		(PMM_GUEST_MEMFD_FLAG_HUGETLB | PMM_GUESTMEM_HUGETLB_FLAG_2MB)
#define MMAP_SHARED	(PMM_GUEST_MEMFD_FLAG_MMAP | PMM_GUEST_MEMFD_FLAG_INIT_SHARED)

static struct pmm_file *G;

static unsigned long pool_free(void)
{
	struct pmm_hugetlb_pool st;

	check(pmm_hugetlb_pool(PMM_HUGE_2M, &st) == 0);
	return st.free;
}

/* A VM with room for one 2 MiB pool folio, and a 2 MiB hugetlb guest_memfd. */
static void huge_up(void)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 8ul << 20;
	o.arch = "generic";
	memset(&W, 0, sizeof(W));
	if (pmm_machine_init(&o)) {
		check(!"pmm_machine_init");
		return;
	}
	W.vmm = pmm_process_create();
	W.vm = pmm_vm_create(W.vmm, 0);
	check(W.vm != NULL);
	check(pmm_hugetlb_set_pool(PMM_HUGE_2M, 1) == 1);
	G = NULL;
	check(pmm_gmem_create(W.vm, PMM_HUGE_2M, HUGE2M | MMAP_SHARED, &G) == 0);
	check(pmm_mmap(W.vmm, GMEM_HVA, PMM_HUGE_2M, RW, PMM_MAP_SHARED, G, 0) == 0);
}

/* The flags: a size without HUGETLB, no pool of that size, unaligned sizes. */
static void flags_setup(void *arg)
{
	struct pmm_file *f = NULL;

	(void)arg;
	huge_up();
	check(pmm_gmem_create(W.vm, PMM_HUGE_2M, PMM_GUESTMEM_HUGETLB_FLAG_2MB,
			      &f) == -EINVAL);
	check(pmm_gmem_create(W.vm, PMM_HUGE_2M, PMM_GUEST_MEMFD_FLAG_HUGETLB |
			      (13UL << 58), &f) == -EINVAL);
	check(pmm_gmem_create(W.vm, PMM_HUGE_2M + PG, HUGE2M, &f) == -EINVAL);
	check(pmm_gmem_create(W.vm, PMM_HUGE_1G + PMM_HUGE_2M,
			      PMM_GUEST_MEMFD_FLAG_HUGETLB |
			      PMM_GUESTMEM_HUGETLB_FLAG_1GB, &f) == -EINVAL);
	/* HUGETLB alone is the 2 MiB pool's. */
	check(pmm_gmem_create(W.vm, PMM_HUGE_2M, PMM_GUEST_MEMFD_FLAG_HUGETLB,
			      &f) == 0);
}

static void test_flags(void **s) { (void)s; assert_int_equal(run_clean(flags_setup, NULL), 1); }

/*
 * The first touch takes the pool's folio (the pool's free count drops)
 * for the whole 2 MiB: the other pages are in the cache already; with
 * the pool empty, nothing more can be allocated.
 */
static void alloc_setup(void *arg)
{
	struct pmm_file *f2 = NULL;
	char c = 1;

	(void)arg;
	huge_up();
	check(pool_free() == 1);
	check(!pmm_gmem_page_present(G, 5 * PG));
	check(pmm_store(W.vmm, GMEM_HVA + 3 * PG, "h", 1) == 0);
	check(pool_free() == 0);
	check(pmm_gmem_page_present(G, 0) && pmm_gmem_page_present(G, 511 * PG));
	check(pmm_load(W.vmm, GMEM_HVA + 5 * PG, &c, 1) == 0 && c == 0);
	check(pmm_gmem_create(W.vm, PMM_HUGE_2M, HUGE2M | MMAP_SHARED, &f2) == 0);
	check(pmm_mmap(W.vmm, GMEM_HVA + PMM_HUGE_2M, PG, RW, PMM_MAP_SHARED,
		       f2, 0) == 0);
	check(pmm_store(W.vmm, GMEM_HVA + PMM_HUGE_2M, "h", 1) == -ENOMEM ||
	      pmm_store(W.vmm, GMEM_HVA + PMM_HUGE_2M, "h", 1) == -EFAULT);
}

static void test_alloc(void **s) { (void)s; assert_int_equal(run_clean(alloc_setup, NULL), 1); }

/*
 * A long-term pin on page 0; page 1 converts. split_4k: it does (core mm
 * counts the pin on page 0's own folio). whole: converting page 1 alone
 * cuts the folio (-EINVAL at offset 0), and the whole folio is blocked by
 * the pin (-EAGAIN at offset 0).
 */
static bool whole;

static void pinned_subpage_setup(void *arg)
{
	struct pmm_pin *pin = NULL;
	unsigned long eo = 77;

	(void)arg;
	huge_up();
	check(pmm_store(W.vmm, GMEM_HVA, "p", 1) == 0);
	/* Both pages are pieces of the pool's folio. */
	check(pool_free() == 0);
	check(pmm_pin(W.vmm, GMEM_HVA, 1, PMM_GUP_WRITE | PMM_GUP_LONGTERM,
		      &pin) == 0);
	if (!whole) {
		check(pmm_gmem_convert(G, PG, PG, true, &eo) == 0 && eo == 77);
		check(pmm_gmem_is_private(G, PG) && !pmm_gmem_is_private(G, 0));
	} else {
		check(pmm_gmem_convert(G, PG, PG, true, &eo) == -EINVAL && eo == 0);
		eo = 77;
		check(pmm_gmem_convert(G, 0, PMM_HUGE_2M, true, &eo) == -EAGAIN &&
		      eo == 0);
		check(!pmm_gmem_is_private(G, PG));
		pmm_unpin(pin);
		check(pmm_gmem_convert(G, 0, PMM_HUGE_2M, true, &eo) == 0);
		return;
	}
	pmm_unpin(pin);
}

static void run_huge(void (*setup)(void *), const char *mode)
{
	assert_int_equal(pmm_knob_set("gmem.huge", mode), 0);
	whole = !strcmp(mode, "whole");
	assert_int_equal(run_clean(setup, NULL), 1);
	assert_int_equal(pmm_knob_set("gmem.huge", "split_4k"), 0);
}

static void test_pinned_subpage_split(void **s) { (void)s; run_huge(pinned_subpage_setup, "split_4k"); }
static void test_pinned_subpage_whole(void **s) { (void)s; run_huge(pinned_subpage_setup, "whole"); }

/*
 * Punched out of the file with a pin left on one piece, the folio stays
 * out of the pool; the pin's end reassembles it and gives it back.
 */
static void reassemble_setup(void *arg)
{
	struct pmm_pin *pin = NULL;

	(void)arg;
	huge_up();
	check(pmm_store(W.vmm, GMEM_HVA + 7 * PG, "p", 1) == 0);
	check(pmm_pin(W.vmm, GMEM_HVA + 7 * PG, 1, PMM_GUP_WRITE | PMM_GUP_LONGTERM,
		      &pin) == 0);
	check(pmm_munmap(W.vmm, GMEM_HVA, PMM_HUGE_2M) == 0);
	check(pmm_fallocate(G, PMM_FALLOC_FL_PUNCH_HOLE | PMM_FALLOC_FL_KEEP_SIZE,
			    0, PMM_HUGE_2M) == 0);
	check(!pmm_gmem_page_present(G, 7 * PG));
	check(pool_free() == 0);
	pmm_unpin(pin);
	check(pool_free() == 1);
	check(pmm_hugetlb_set_pool(PMM_HUGE_2M, 0) == 0);
}

static void test_reassemble(void **s) { (void)s; assert_int_equal(run_clean(reassemble_setup, NULL), 1); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_pinned_subpage_split),
		cmocka_unit_test(test_pinned_subpage_whole),
		cmocka_unit_test(test_reassemble),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
