// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * In-place conversion of guest_memfd pages (virt/gmem_convert.c), one test
 * per step of its protocol: the range check, the unmap from every host
 * page table, the knob's test of what else holds the folios (-EAGAIN and
 * the offset), the flip of the shared bitmap after it, the longterm pins
 * wait_pins refuses, the two oracles with GUP-fast's speculative
 * window left out of them, and the guest's stage 2 on a TDX VM.
 */
#include "protmm/gmem_convert.h"
#include "protmm/guest_memfd.h"
#include "protmm/knob.h"

/* Internals: stage-2 entries. */
#include "stage2_test.h"

#define GMEM_HVA	0x200000ul
#define MMAP		PMM_GUEST_MEMFD_FLAG_MMAP
#define SHARED		PMM_GUEST_MEMFD_FLAG_INIT_SHARED

static struct pmm_file *G;

/* A VM, a guest_memfd of @pages pages mapped shared at GMEM_HVA. */
static void gmem_up(unsigned long flags, unsigned long pages)
{
	vm_up("generic", 0);
	G = NULL;
	check(pmm_gmem_create(W.vm, pages * PG, flags, &G) == 0);
	if (flags & MMAP)
		check(pmm_mmap(W.vmm, GMEM_HVA, pages * PG, RW, PMM_MAP_SHARED,
			       G, 0) == 0);
}

static int to_private(unsigned long off, unsigned long len, unsigned long *eo)
{
	return pmm_gmem_convert(G, off, len, true, eo);
}

static int to_shared(unsigned long off, unsigned long len)
{
	return pmm_gmem_convert(G, off, len, false, NULL);
}

/*
 * Explores @setup with gmem.convert = @design, every interleaving with at
 * most two preemptions; @oracle NULL: clean.
 */
static void run_design(void (*setup)(void *), const char *design,
		       const char *oracle)
{
	struct pmm_program prog = { "gmem-convert", "", setup, vm_down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	failures = 0;
	o.stop_on_violation = oracle != NULL;
	o.trace = false;
	o.preemptions = 2;
	assert_int_equal(pmm_knob_set("gmem.convert", design), 0);
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	assert_int_equal(pmm_knob_set("gmem.convert", "safe_refcount"), 0);
	if (!oracle) {
		check_clean(&r);
		return;
	}
	if (!r.violations)
		fail_msg("%s: no violation, wanted %s", design, oracle);
	assert_string_equal(r.oracle, oracle);
	pmm_explore_result_release(&r);
}

/*
 * One page goes private: unmapped from the VMM (its next access is
 * SIGBUS), the others untouched; back to shared, the bytes are still
 * there (the conversion keeps the contents).
 */
static void basics_setup(void *arg)
{
	char b[2] = { 0, 0 };
	unsigned long eo = 7;

	(void)arg;
	gmem_up(MMAP | SHARED, 4);
	check(pmm_store(W.vmm, GMEM_HVA + PG, "p1", 2) == 0);
	check(pmm_store(W.vmm, GMEM_HVA, "p0", 2) == 0);
	check(to_private(PG, PG, &eo) == 0 && eo == 7);
	check(pmm_gmem_is_private(G, PG) && !pmm_gmem_is_private(G, 0) &&
	      !pmm_gmem_is_private(G, 2 * PG));
	check(pmm_load(W.vmm, GMEM_HVA + PG, b, 2) == -EIO);
	check(pmm_load(W.vmm, GMEM_HVA, b, 2) == 0 && !memcmp(b, "p0", 2));
	check(to_shared(PG, PG) == 0 && !pmm_gmem_is_private(G, PG));
	check(pmm_load(W.vmm, GMEM_HVA + PG, b, 2) == 0 && !memcmp(b, "p1", 2));
}

static void test_basics(void **s) { (void)s; assert_int_equal(run_clean(basics_setup, NULL), 1); }

/* The arguments (kvm_gmem_set_attributes()'s checks) and the file's state. */
static void errors_setup(void *arg)
{
	struct pmm_file *plain;

	(void)arg;
	gmem_up(MMAP | SHARED, 2);
	plain = pmm_file_create(PG);
	check(to_private(0, 0, NULL) == -EINVAL);
	check(to_private(1, PG, NULL) == -EINVAL);
	check(to_private(0, PG + 1, NULL) == -EINVAL);
	check(to_private(PG, 2 * PG, NULL) == -EINVAL);
	check(pmm_gmem_convert(plain, 0, PG, true, NULL) == -EINVAL);
	check(pmm_gmem_close(G) == 0);
	check(to_private(0, PG, NULL) == -EBADF);
}

static void test_errors(void **s) { (void)s; assert_int_equal(run_clean(errors_setup, NULL), 1); }

/*
 * safe_refcount: a pinned page fails the whole range with -EAGAIN and its
 * offset, and nothing in it goes private; unpinned, it converts.
 */
static void elevated_setup(void *arg)
{
	struct pmm_pin *pin = NULL;
	unsigned long eo = 0, i;

	(void)arg;
	gmem_up(MMAP | SHARED, 4);
	for (i = 0; i < 4; i++)
		check(pmm_store(W.vmm, GMEM_HVA + i * PG, "x", 1) == 0);
	check(pmm_pin(W.vmm, GMEM_HVA + 2 * PG, 1, PMM_GUP_WRITE, &pin) == 0);
	check(to_private(0, 4 * PG, &eo) == -EAGAIN && eo == 2 * PG);
	for (i = 0; i < 4; i++)
		check(!pmm_gmem_is_private(G, i * PG));
	/* The unmap happened: the VMM faults its pages back. */
	check(pmm_store(W.vmm, GMEM_HVA, "y", 1) == 0);
	pmm_unpin(pin);
	check(to_private(0, 4 * PG, &eo) == 0);
	for (i = 0; i < 4; i++)
		check(pmm_gmem_is_private(G, i * PG));
}

static void test_elevated_refcount(void **s) { (void)s; assert_int_equal(run_clean(elevated_setup, NULL), 1); }

/* Conversion of pages not yet allocated is recorded all the same. */
static void unallocated_setup(void *arg)
{
	char c;

	(void)arg;
	gmem_up(MMAP | SHARED, 2);
	check(!pmm_gmem_page_present(G, PG));
	check(to_private(0, 2 * PG, NULL) == 0);
	check(pmm_load(W.vmm, GMEM_HVA + PG, &c, 1) == -EIO);
	check(!pmm_gmem_page_present(G, PG));
	check(to_shared(PG, PG) == 0);
	check(pmm_load(W.vmm, GMEM_HVA + PG, &c, 1) == 0 && c == 0);
	check(pmm_load(W.vmm, GMEM_HVA, &c, 1) == -EIO);
}

static void test_unallocated(void **s) { (void)s; assert_int_equal(run_clean(unallocated_setup, NULL), 1); }

/* A pin held across the conversion: which designs let it through. */
static unsigned int pin_flags;

static void held_setup(void *arg)
{
	struct pmm_pin *pin = NULL;

	(void)arg;
	gmem_up(MMAP | SHARED, 1);
	check(pmm_store(W.vmm, GMEM_HVA, "x", 1) == 0);
	check(pmm_pin(W.vmm, GMEM_HVA, 1, pin_flags, &pin) == 0);
	to_private(0, PG, NULL);
	if (pin)
		pmm_unpin(pin);
}

/* mapcount_only converts a pinned page: pin-on-private. */
static void test_mapcount_only_pin(void **s)
{
	(void)s;
	pin_flags = PMM_GUP_WRITE;
	run_design(held_setup, "safe_refcount", NULL);
	run_design(held_setup, "wait_pins", NULL);
	run_design(held_setup, "exclusive_pin", NULL);
	run_design(held_setup, "mapcount_only", "pin-on-private");
}

/* A plain reference (vmsplice()): only safe_refcount sees it. */
static void test_plain_reference(void **s)
{
	(void)s;
	pin_flags = PMM_GUP_GET | PMM_GUP_FAST;
	run_design(held_setup, "safe_refcount", NULL);
	run_design(held_setup, "wait_pins", "convert-while-referenced");
	run_design(held_setup, "exclusive_pin", "convert-while-referenced");
	run_design(held_setup, "mapcount_only", "convert-while-referenced");
}

/* wait_pins: a longterm pin of a guest_memfd page is refused. */
static int longterm_ret;

static void longterm_setup(void *arg)
{
	struct pmm_pin *pin = NULL;

	(void)arg;
	gmem_up(MMAP | SHARED, 1);
	check(pmm_store(W.vmm, GMEM_HVA, "x", 1) == 0);
	longterm_ret = pmm_pin(W.vmm, GMEM_HVA, 1, PMM_GUP_WRITE | PMM_GUP_LONGTERM, &pin);
	if (!longterm_ret)
		pmm_unpin(pin);
	check(pmm_pin(W.vmm, GMEM_HVA, 1, PMM_GUP_WRITE, &pin) == 0);
	pmm_unpin(pin);
	/* Anonymous memory keeps its longterm pins. */
	check(pmm_pin(W.vmm, HVA, 1, PMM_GUP_WRITE | PMM_GUP_LONGTERM, &pin) == 0);
	pmm_unpin(pin);
}

static void test_wait_pins_longterm(void **s)
{
	(void)s;
	run_design(longterm_setup, "wait_pins", NULL);
	assert_int_equal(longterm_ret, -EFAULT);
	run_design(longterm_setup, "safe_refcount", NULL);
	assert_int_equal(longterm_ret, 0);
}

/*
 * GUP-fast racing the conversion: its grab between the lockless read and
 * the recheck is speculative and not counted; a pin it kept is.
 */
static void gupfast_pin(void *arg)
{
	struct pmm_pin *pin = NULL;

	(void)arg;
	if (!pmm_pin(W.vmm, GMEM_HVA, 1, PMM_GUP_WRITE | PMM_GUP_FAST, &pin))
		pmm_unpin(pin);
}

static void gupfast_convert(void *arg)
{
	(void)arg;
	to_private(0, PG, NULL);
}

static void gupfast_setup(void *arg)
{
	(void)arg;
	gmem_up(MMAP | SHARED, 1);
	check(pmm_store(W.vmm, GMEM_HVA, "x", 1) == 0);
	pmm_task_create("gup", 0, gupfast_pin, NULL);
	pmm_task_create("conv", 1, gupfast_convert, NULL);
}

static void test_gupfast_window(void **s)
{
	(void)s;
	run_design(gupfast_setup, "safe_refcount", NULL);
	run_design(gupfast_setup, "mapcount_only", "pin-on-private");
}

/*
 * A TD whose memslot is a one-page guest_memfd (made with MMAP and
 * @flags) that the VMM maps at GMEM_HVA. The slot's own host address is
 * elsewhere, where nothing is mapped (a gmem-only slot takes no memory
 * from it), so that no mmu notifier of the VMM's unmap reaches stage 2:
 * only guest_memfd's invalidation does.
 */
static void tdx_up(unsigned long flags)
{
	vm_up("x86-tdx", 0);
	W.vm = pmm_vm_create_type(W.vmm, PMM_VM_TDX, 0);
	G = NULL;
	check(W.vm != NULL);
	check(pmm_gmem_create(W.vm, PG, MMAP | flags, &G) == 0);
	check(pmm_mmap(W.vmm, GMEM_HVA, PG, RW, PMM_MAP_SHARED, G, 0) == 0);
	check(pmm_vm_set_memslot_gmem(W.vm, GPA, 0x300000, PG, G, 0) == 0);
}

/*
 * TDX unmaps stage 2 by filter (its private entries live in the mirror
 * root): a conversion must unmap what the range was before it, whatever
 * the file's creation flags say ([PATCH v6 17/43] "KVM: guest_memfd:
 * Determine invalidation filter from memory attributes", May 2026). A
 * file made private, converted to shared and faulted by the guest, then
 * converted back: the shared entry must go. With the filter from the
 * creation flags (private only) it stays: stale-tlb.
 */
static void tdx_to_private_setup(void *arg)
{
	(void)arg;
	tdx_up(0);
	check(to_shared(0, PG) == 0);
	check(pmm_guest_store(W.vm, GPA, "s", 1) == 0);
	check(kvm_pte_valid(s2_entry(GPA)) && !(s2_entry(GPA) & KVM_PTE_PRIVATE));
	check(to_private(0, PG, NULL) == 0);
	check(!kvm_pte_valid(s2_entry(GPA)));
}

/*
 * The other way, on a file made shared: the guest's private entry must
 * go when the page goes back to shared, and with it the TD's ownership
 * of the frame; else the VMM's access to its shared page is fatal. (The
 * guest only reads: TDX's unmap clears the page, and the series refuses
 * to keep a page's contents when TDX converts it to shared.)
 */
static void tdx_to_shared_setup(void *arg)
{
	char c = 1;

	(void)arg;
	tdx_up(SHARED);
	check(to_private(0, PG, NULL) == 0);
	check(pmm_guest_load(W.vm, GPA, &c, 1) == 0 && c == 0);
	check(s2_entry(GPA) & KVM_PTE_PRIVATE);
	check(to_shared(0, PG) == 0);
	check(!kvm_pte_valid(s2_entry(GPA)));
	check(pmm_load(W.vmm, GMEM_HVA, &c, 1) == 0 && c == 0);
}

static void test_tdx_to_private_unmaps_shared(void **s)
{
	(void)s;
	assert_int_equal(run_clean(tdx_to_private_setup, finish_coherent), 1);
}

static void test_tdx_to_shared_unmaps_private(void **s)
{
	(void)s;
	assert_int_equal(run_clean(tdx_to_shared_setup, finish_coherent), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basics),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_elevated_refcount),
		cmocka_unit_test(test_unallocated),
		cmocka_unit_test(test_mapcount_only_pin),
		cmocka_unit_test(test_plain_reference),
		cmocka_unit_test(test_wait_pins_longterm),
		cmocka_unit_test(test_gupfast_window),
		cmocka_unit_test(test_tdx_to_private_unmaps_shared),
		cmocka_unit_test(test_tdx_to_shared_unmaps_private),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
