// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Faults and the address-space operations, one task at a time: anonymous
 * faults (zero page, then a fresh page), COW after fork and its reuse
 * rule, mprotect, munmap, PROT_NONE, SIGBUS past a file's end, TLB
 * flushes seen by another CPU, try_to_unmap of a file folio, and the GUP
 * slow path's fault-in and unshare.
 */
#include "mm_test.h"

#include "machine/machine.h"
#include "mm/gup.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/rmap.h"

#define A 0x100000ul

static struct pmm_process *P, *C;
static struct pmm_file *F;

static void state(struct pmm_process *p, unsigned long addr,
		  struct pmm_page_state *st)
{
	memset(st, 0, sizeof(*st));
	check(pmm_page_state(p, addr, st) == 0);
}

/* do_anonymous_page(): a read maps the zero page, a write a fresh one. */
static void anon_body(void *arg)
{
	struct pmm_page_state zero, page;
	char c = 1;

	(void)arg;
	check(pmm_load(P, A, &c, 1) == 0 && c == 0);
	state(P, A, &zero);
	check(!zero.writable && zero.mapcount == 0);
	check(pmm_store(P, A, "x", 1) == 0);
	state(P, A, &page);
	check(page.pfn != zero.pfn && page.writable && page.anon_exclusive);
	check(page.refcount == 1 && page.mapcount == 1);
	check(pmm_load(P, A, &c, 1) == 0 && c == 'x');
}

static void anon_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, A, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_task_create("anon", 0, anon_body, NULL);
}

static void test_anon_fault(void **state)
{
	(void)state;
	assert_int_equal(run_clean(anon_setup), 1);
}

/*
 * COW: after fork both PTEs are read-only and the page shared; the
 * child's write copies; then the parent's write reuses the page, its
 * reference now being the only one (wp_can_reuse_anon_folio()).
 */
static void cow_body(void *arg)
{
	struct pmm_page_state p0, c0, c1, p1;
	char c;

	(void)arg;
	state(P, A, &p0);
	state(C, A, &c0);
	check(p0.pfn == c0.pfn && !p0.writable && !c0.writable);
	check(p0.refcount == 2 && p0.mapcount == 2 && !p0.anon_exclusive);
	check(pmm_store(C, A, "c", 1) == 0);
	state(C, A, &c1);
	check(c1.pfn != p0.pfn && c1.writable && c1.anon_exclusive);
	check(pmm_store(P, A, "p", 1) == 0);
	state(P, A, &p1);
	check(p1.pfn == p0.pfn && p1.refcount == 1 && p1.anon_exclusive);
	check(pmm_load(P, A, &c, 1) == 0 && c == 'p');
	check(pmm_load(C, A, &c, 1) == 0 && c == 'c');
}

static void cow_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, A, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "a", 1);
	C = pmm_fork(P);
	pmm_task_create("cow", 0, cow_body, NULL);
}

static void test_cow_after_fork(void **state)
{
	(void)state;
	assert_int_equal(run_clean(cow_setup), 1);
}

/* mprotect: read-only refuses stores; back to RW writes in place. */
static void mprotect_body(void *arg)
{
	struct pmm_page_state before, after;
	char c;

	(void)arg;
	state(P, A, &before);
	check(pmm_mprotect(P, A, 4096, PMM_PROT_READ) == 0);
	check(pmm_store(P, A, "y", 1) == -EFAULT);
	check(pmm_load(P, A, &c, 1) == 0 && c == 'a');
	check(pmm_mprotect(P, A, 4096, RW) == 0);
	/* can_change_pte_writable(): exclusive anon goes writable at once. */
	state(P, A, &after);
	check(after.writable && after.pfn == before.pfn);
	check(pmm_store(P, A, "z", 1) == 0);
	check(pmm_mprotect(P, A, 4096, PMM_PROT_NONE) == 0);
	check(pmm_load(P, A, &c, 1) == -EFAULT);
	check(pmm_mprotect(P, A, 8192, PMM_PROT_READ) == -ENOMEM);
}

static void mprotect_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, A, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "a", 1);
	pmm_task_create("mprotect", 0, mprotect_body, NULL);
}

static void test_mprotect(void **state)
{
	(void)state;
	assert_int_equal(run_clean(mprotect_setup), 1);
}

/* munmap of the middle page splits the VMA; the rest stays. */
static void munmap_body(void *arg)
{
	unsigned long free_before = pmm_free_pages();
	char c;

	(void)arg;
	check(pmm_munmap(P, A + 4096, 4096) == 0);
	check(pmm_load(P, A + 4096, &c, 1) == -EFAULT);
	check(pmm_load(P, A, &c, 1) == 0 && c == '0');
	check(pmm_load(P, A + 8192, &c, 1) == 0 && c == '2');
	check(pmm_free_pages() == free_before + 1);
	check(pmm_munmap(P, A + 1, 4096) == -EINVAL);
	check(pmm_mmap(P, A, 4096, RW, PMM_MAP_PRIVATE, NULL, 0) == -EEXIST);
	check(pmm_load(P, 0x7000000ul, &c, 1) == -EFAULT);
}

static void munmap_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, A, 3 * 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "0", 1);
	pmm_store(P, A + 4096, "1", 1);
	pmm_store(P, A + 8192, "2", 1);
	pmm_task_create("munmap", 0, munmap_body, NULL);
}

/*
 * A regression test for the data oracle. Its story: a VMM wrote to its
 * guest memory, unmapped it and mapped fresh anonymous memory at the same
 * address; reading it back (zeros, correctly) was reported as
 * data-corruption, because the oracle still expected the old bytes. What
 * an unmapped range held is gone with it (mm_watch unmapped()).
 */
static void remap_body(void *arg)
{
	char c = 1;

	(void)arg;
	check(!pmm_store(P, 0x100000, "x", 1));
	check(!pmm_munmap(P, 0x100000, 4096));
	check(!pmm_mmap(P, 0x100000, 4096, RW, PMM_MAP_PRIVATE, NULL, 0));
	check(!pmm_load(P, 0x100000, &c, 1) && c == 0);
}

static void remap_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, 0x100000, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_task_create("remap", 0, remap_body, NULL);
}

static void test_remap_reads_fresh(void **state)
{
	(void)state;
	assert_int_equal(run_clean(remap_setup), 1);
}

static void test_munmap_split(void **state)
{
	(void)state;
	assert_int_equal(run_clean(munmap_setup), 1);
}

/* A file mapping past the end of the file: SIGBUS, not SIGSEGV. */
static void sigbus_body(void *arg)
{
	char c;

	(void)arg;
	check(pmm_load(P, A, &c, 1) == 0 && c == 'f');
	check(pmm_load(P, A + 4096, &c, 1) == -EIO);
	check(pmm_truncate(F, 0) == 0);
	check(pmm_load(P, A, &c, 1) == -EIO);
}

static void sigbus_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	F = pmm_file_create(8192);
	pmm_mmap(P, 0x300000ul, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, 0x300000ul, "f", 1);
	pmm_file_write(P, F, 0, 0x300000ul, 1);
	pmm_mmap(P, A, 8192, RW, PMM_MAP_SHARED, F, 0);
	pmm_task_create("sigbus", 0, sigbus_body, NULL);
}

static void test_sigbus_past_eof(void **state)
{
	(void)state;
	assert_int_equal(run_clean(sigbus_setup), 1);
}

/*
 * Another CPU's TLB: T0 on CPU 0 caches A, T1 on CPU 1 unmaps it. In
 * every interleaving, a load after the munmap returned faults: the flush
 * reached CPU 0's TLB.
 */
static int unmapped;

static void tlb_reader(void *arg)
{
	int seen;
	char c;

	(void)arg;
	/* Fills CPU 0's TLB, unless the munmap came first. */
	pmm_load(P, A, &c, 1);
	seen = READ_ONCE(unmapped);
	if (pmm_load(P, A, &c, 1) == 0)
		check(!seen);
}

static void tlb_unmapper(void *arg)
{
	(void)arg;
	pmm_munmap(P, A, 4096);
	WRITE_ONCE(unmapped, 1);
}

static void tlb_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	unmapped = 0;
	P = pmm_process_create();
	pmm_mmap(P, A, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "a", 1);
	pmm_task_create("reader", 0, tlb_reader, NULL);
	pmm_task_create("munmap", 1, tlb_unmapper, NULL);
}

static void test_tlb_flush_reaches_other_cpu(void **state)
{
	(void)state;
	assert_true(run_clean(tlb_setup) > 10);
}

/*
 * try_to_unmap() of a file folio mapped by two processes: both PTEs go,
 * the dirty bit moves to the folio, and refaulting reads the same bytes.
 */
static void unmap_body(void *arg)
{
	struct inode *inode = F->inode;
	struct folio *folio = filemap_get_entry(&inode->i_mapping, 0);
	char c;

	(void)arg;
	check(folio && folio_mapcount(folio) == 2);
	folio_lock(folio);
	try_to_unmap(folio);
	check(folio_mapcount(folio) == 0 && folio_test_dirty(folio));
	check(folio_ref_count(folio) == 2);	/* the cache's and ours */
	folio_unlock(folio);
	folio_put(folio);
	check(pmm_load(P, A, &c, 1) == 0 && c == 'w');
	check(pmm_load(C, A, &c, 1) == 0 && c == 'w');
}

static void unmap_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	C = pmm_process_create();
	F = pmm_file_create(4096);
	pmm_truncate(F, 4096);
	pmm_mmap(P, A, 4096, RW, PMM_MAP_SHARED, F, 0);
	pmm_mmap(C, A, 4096, RW, PMM_MAP_SHARED, F, 0);
	pmm_store(P, A, "w", 1);
	pmm_load(C, A, (char[1]){ 0 }, 1);
	pmm_task_create("unmap", 0, unmap_body, NULL);
}

static void test_try_to_unmap_file(void **state)
{
	(void)state;
	assert_int_equal(run_clean(unmap_setup), 1);
}

/*
 * GUP slow path: a pin of a page not yet faulted in faults it in; a R/O
 * pin of an anonymous page shared with a child unshares it first
 * (FAULT_FLAG_UNSHARE), so the parent's pinned page is its own.
 */
static void gup_body(void *arg)
{
	struct pmm_page_state before, after, child;
	struct pmm_pin *pin;

	(void)arg;
	check(pmm_pin(P, A + 4096, 1, PMM_GUP_WRITE, &pin) == 0);
	state(P, A + 4096, &after);
	check(after.maybe_pinned && after.anon_exclusive);
	pmm_unpin(pin);
	state(P, A, &before);
	check(!before.anon_exclusive && before.refcount == 2);
	check(pmm_pin(P, A, 1, 0, &pin) == 0);
	state(P, A, &after);
	state(C, A, &child);
	check(after.pfn != before.pfn && after.anon_exclusive && !after.writable);
	check(after.refcount == 1 + 1024 && child.refcount == 1);
	pmm_unpin(pin);
}

static void gup_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, A, 2 * 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "a", 1);
	C = pmm_fork(P);
	pmm_task_create("gup", 0, gup_body, NULL);
}

static void test_gup_faultin_and_unshare(void **state)
{
	(void)state;
	assert_int_equal(run_clean(gup_setup), 1);
}

/*
 * A driver mapping (VM_PFNMAP|VM_IO) whose ->fault inserts raw device
 * frames with vmf_insert_pfn_prot(): accesses reach device memory, the
 * PTEs are special (no refcounts, no mapcounts), GUP refuses the range,
 * munmap only clears the entries.
 */
static unsigned long dev_first_pfn;
static pgprot_t dev_prot;

static vm_fault_t dev_fault(struct vm_fault *vmf)
{
	unsigned long pfn = dev_first_pfn + vmf->pgoff;

	return vmf_insert_pfn_prot(vmf->vma, vmf->address, pfn, dev_prot);
}

static const struct vm_operations_struct dev_vm_ops = {
	.name = "test-device",
	.fault = dev_fault,
};

static void driver_body(void *arg)
{
	struct pmm_page_state st;
	struct pmm_pin *pin;
	char c = 0;

	(void)arg;
	check(pmm_store(P, A + 4096, "v", 1) == 0);
	check(pmm_load(P, A + 4096, &c, 1) == 0 && c == 'v');
	state(P, A + 4096, &st);
	check(st.pfn == dev_first_pfn + 1 && st.refcount == 0 && st.mapcount == 0);
	check(pmm_pin(P, A, 1, 0, &pin) == -EFAULT);
	check(pmm_pin(P, A, 1, PMM_GUP_FAST, &pin) == -EFAULT);
	check(pmm_munmap(P, A, 2 * 4096) == 0);
	check(pmm_load(P, A + 4096, &c, 1) == -EFAULT);
}

static void driver_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	struct mmap_source src = {
		.vm_ops = &dev_vm_ops,
		.extra_flags = VM_PFNMAP | VM_IO | VM_DONTCOPY,
	};

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.dev_bytes = 64ul << 10;
	if (pmm_machine_init(&o))
		return;
	dev_first_pfn = (1ul << 20) >> 12;
	dev_prot = __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
			    _PAGE_ACCESSED | _PAGE_PCD);
	P = pmm_process_create();
	check(do_mmap(P->mm, A, 2 * 4096, PMM_PROT_READ | PMM_PROT_WRITE,
		      PMM_MAP_SHARED, &src) == 0);
	pmm_task_create("driver", 0, driver_body, NULL);
}

static void test_driver_pfn_fault(void **state)
{
	(void)state;
	assert_int_equal(run_clean(driver_setup), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anon_fault),
		cmocka_unit_test(test_cow_after_fork),
		cmocka_unit_test(test_mprotect),
		cmocka_unit_test(test_munmap_split),
		cmocka_unit_test(test_remap_reads_fresh),
		cmocka_unit_test(test_sigbus_past_eof),
		cmocka_unit_test(test_tlb_flush_reaches_other_cpu),
		cmocka_unit_test(test_try_to_unmap_file),
		cmocka_unit_test(test_gup_faultin_and_unshare),
		cmocka_unit_test(test_driver_pfn_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
