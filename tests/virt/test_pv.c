// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * s390 protected guests (virt/pv.c): the guest-fault side of uv.c
 * (gmap_make_secure()), the secure-storage-access exception, shared
 * pages, destroying the guest, and the Ultravisor's integrity check.
 */
#include "virt_test.h"

#include "protmm/s390.h"

/* Internals: the UV's counters, the folio behind an address. */
#include "arch/s390/uv.h"
#include "machine/machine.h"
#include "mm/pgalloc.h"

static struct pmm_file *F;

/* The machine with a PV guest over two anonymous pages at HVA. */
static void pv_up(void)
{
	vm_up("s390-pv", 0);
	W.vm = pmm_pv_vm_create(W.vmm);
	check(W.vm != NULL);
	if (W.vm)
		check(pmm_vm_set_memslot(W.vm, GPA, HVA, 2 * PG) == 0);
}

/* The same over a page of a MAP_SHARED file. */
static void pv_file_up(void)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	o.arch = "s390-pv";
	memset(&W, 0, sizeof(W));
	check(pmm_machine_init(&o) == 0);
	W.vmm = pmm_process_create();
	F = pmm_file_create(PG);
	check(pmm_truncate(F, PG) == 0);
	check(pmm_mmap(W.vmm, HVA, PG, RW, PMM_MAP_SHARED, F, 0) == 0);
	W.vm = pmm_pv_vm_create(W.vmm);
	check(pmm_vm_set_memslot(W.vm, GPA, HVA, PG) == 0);
}

/*
 * Explores @setup with at most @preemptions preemptions: complete, and
 * the number of executions, or the violation in @r when @r is given.
 */
static uint64_t run_bounded(void (*setup)(void *), unsigned int preemptions,
			    struct pmm_explore_result *out)
{
	struct pmm_program prog = { "pv", "", setup, vm_down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	failures = 0;
	o.stop_on_violation = out != NULL;
	o.preemptions = preemptions;
	o.trace = getenv("KVM_TRACE") != NULL;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	if (o.trace && r.violations)
		fprintf(stderr, "%s\n", r.trace);
	if (out) {
		*out = r;
		return r.executions;
	}
	return check_clean(&r);
}

static struct folio *folio_at(unsigned long addr)
{
	pte_t *ptep = pte_offset_map(W.vmm->mm, addr, NULL);

	return ptep && pte_hw_present(*ptep) ? page_folio(pte_page(*ptep)) : NULL;
}

/* The guest's writes import; it reads them back; the host reads ciphertext. */
static void access_setup(void *arg)
{
	char buf[8] = { 0 };
	struct folio *f;

	(void)arg;
	check(pmm_pv_vm_create(W.vmm) == NULL);	/* no VMM yet: generic below */
	pv_up();
	check(!pmm_pv_secure(W.vm, GPA));
	check(pmm_pv_store(W.vm, GPA, "secret", 6) == 0);
	check(pmm_pv_secure(W.vm, GPA));
	f = folio_at(HVA);
	check(f && folio_test_arch_1(f));
	check(pmm_pv_load(W.vm, GPA, buf, 6) == 0);
	check(!memcmp(buf, "secret", 6));
	/* The secure-storage-access exception exports: the host sees ciphertext. */
	check(pmm_load(W.vmm, HVA, buf, 6) == 0);
	check(memcmp(buf, "secret", 6));
	check(uv_stats.host_exceptions == 1 && uv_stats.exports == 1);
	check(!pmm_pv_secure(W.vm, GPA) && !folio_test_arch_1(f));
	/* The guest's next access imports it again: integrity checked, decrypted. */
	check(pmm_pv_load(W.vm, GPA, buf, 6) == 0);
	check(!memcmp(buf, "secret", 6));
	check(uv_stats.imports == 2 && !uv_stats.integrity_failures);
}

static void test_access(void **state)
{
	(void)state;
	assert_int_equal(run_clean(access_setup, NULL), 1);
}

/* Off machine s390-pv there are no PV guests. */
static void generic_setup(void *arg)
{
	(void)arg;
	vm_up("generic", 0);
	check(pmm_pv_vm_create(W.vmm) == NULL);
	check(pmm_pv_store(W.vm, GPA, "x", 1) == -EINVAL);
}

static void test_generic_has_no_pv(void **state)
{
	(void)state;
	assert_int_equal(run_clean(generic_setup, NULL), 1);
}

/*
 * gmap_make_secure(): no present writable PTE is -ENXIO, which faults
 * the page in (gmap_fault()) and asks the guest to retry (-EAGAIN).
 */
static void enxio_setup(void *arg)
{
	(void)arg;
	pv_file_up();
	check(pmm_pv_import(W.vm, GPA) == -EAGAIN);
	check(uv_stats.make_secure_calls == 0);
	check(pmm_pv_import(W.vm, GPA) == 0);
	check(uv_stats.make_secure_calls == 1);
	check(uv_frame_secure(folio_pfn(folio_at(HVA))));
}

static void test_enxio_faults_in(void **state)
{
	(void)state;
	assert_int_equal(run_clean(enxio_setup, NULL), 1);
}

/*
 * An extra reference (a pin) makes the freeze fail: -EBUSY, one LRU
 * drain and a second try, then a drain of all CPUs and -EAGAIN.
 */
static void drain_setup(void *arg)
{
	struct pmm_pin *pin;

	(void)arg;
	pv_up();
	check(pmm_store(W.vmm, HVA, "v", 1) == 0);
	check(pmm_pin(W.vmm, HVA, 1, PMM_GUP_WRITE, &pin) == 0);
	check(pmm_pv_import(W.vm, GPA) == -EAGAIN);
	check(uv_stats.make_secure_calls == 2);
	check(!pmm_pv_secure(W.vm, GPA));
	pmm_unpin(pin);
	check(pmm_pv_import(W.vm, GPA) == 0);
	check(uv_stats.make_secure_calls == 3);
}

static void test_busy_drains_then_gives_up(void **state)
{
	(void)state;
	assert_int_equal(run_clean(drain_setup, NULL), 1);
}

/*
 * A folio under writeback: -EAGAIN, after waiting for the writeback with
 * the reference gmap_make_secure() took before dropping the PTL (without
 * it the put underflows the count).
 */
static void writeback_vcpu(void *arg)
{
	int rc;

	(void)arg;
	rc = pmm_pv_import(W.vm, GPA);
	check(rc == 0 || rc == -EAGAIN);
}

static void writeback_fsync(void *arg)
{
	(void)arg;
	check(pmm_fsync(F) == 0);
}

static void writeback_setup(void *arg)
{
	(void)arg;
	pv_file_up();
	check(pmm_store(W.vmm, HVA, "dirty", 5) == 0);
	pmm_task_create("vcpu", 0, writeback_vcpu, NULL);
	pmm_task_create("fsync", 1, writeback_fsync, NULL);
}

static void test_writeback_eagain(void **state)
{
	(void)state;
	assert_true(run_bounded(writeback_setup, 3, NULL) > 1);
}

/*
 * The folio lock held elsewhere: folio_trylock() fails, -EAGAIN; the
 * reference gmap_make_secure() took before dropping the PTL is the one
 * its folio_put() drops (without it the count would lose one).
 */
static void trylock_setup(void *arg)
{
	struct folio *f;
	int refs;

	(void)arg;
	pv_up();
	check(pmm_store(W.vmm, HVA, "v", 1) == 0);
	f = folio_at(HVA);
	refs = folio_ref_count(f);
	check(folio_trylock(f));
	check(pmm_pv_import(W.vm, GPA) == -EAGAIN);
	check(folio_ref_count(f) == refs);
	check(uv_stats.make_secure_calls == 0);
	folio_unlock(f);
	check(pmm_pv_import(W.vm, GPA) == 0);
}

static void test_trylock_keeps_reference(void **state)
{
	(void)state;
	assert_int_equal(run_clean(trylock_setup, NULL), 1);
}

/* A THP under the guest's memory is split, then imported. */
static void thp_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned long hva = 0x200000;

	(void)arg;
	o.ram_bytes = 8ul << 20;
	o.arch = "s390-pv";
	memset(&W, 0, sizeof(W));
	check(pmm_machine_init(&o) == 0);
	W.vmm = pmm_process_create();
	check(pmm_mmap(W.vmm, hva, 2ul << 20, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_madvise(W.vmm, hva, 2ul << 20, PMM_MADV_HUGEPAGE) == 0);
	check(pmm_store(W.vmm, hva, "t", 1) == 0);
	check(pmm_thp_state(W.vmm, hva) == 1);
	W.vm = pmm_pv_vm_create(W.vmm);
	check(pmm_vm_set_memslot(W.vm, GPA, hva, 2ul << 20) == 0);
	/* -E2BIG: split_folio(), then straight back to the import. */
	check(pmm_pv_import(W.vm, GPA) == 0);
	check(pmm_pv_store(W.vm, GPA, "guest", 5) == 0);
	check(pmm_pv_secure(W.vm, GPA));
	check(pmm_thp_state(W.vmm, hva) == 0);
}

static void test_large_folio_split(void **state)
{
	(void)state;
	assert_int_equal(run_clean(thp_setup, NULL), 1);
}

/*
 * A shared page (virtio) is pinned shared, not exported, when the host
 * does I/O on it: the device reads the guest's plaintext.
 */
static void shared_setup(void *arg)
{
	struct pmm_file *g;
	char buf[8] = { 0 };

	(void)arg;
	pv_up();
	g = pmm_file_create(PG);
	check(pmm_truncate(g, PG) == 0);
	check(pmm_pv_store(W.vm, GPA, "virtio", 6) == 0);
	check(pmm_pv_share(W.vm, GPA) == 0);
	check(!pmm_pv_secure(W.vm, GPA));
	check(pmm_file_write_direct(W.vmm, g, 0, HVA, PG) == (ssize_t)PG);
	check(uv_stats.pins == 1 && uv_stats.exports == 0);
	check(!folio_test_arch_1(folio_at(HVA)));
	check(pmm_mmap(W.vmm, 0x300000, PG, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_file_read(W.vmm, g, 0, 0x300000, 6) == 6);
	check(pmm_load(W.vmm, 0x300000, buf, 6) == 0 && !memcmp(buf, "virtio", 6));
	/* The guest keeps using it without an import. */
	check(pmm_pv_load(W.vm, GPA, buf, 6) == 0 && !memcmp(buf, "virtio", 6));
	check(uv_stats.imports == 1);
}

static void test_shared_pinned_not_exported(void **state)
{
	(void)state;
	assert_int_equal(run_clean(shared_setup, NULL), 1);
}

/* Destroying the guest destroys its secure pages: the host reads zeros. */
static void destroy_setup(void *arg)
{
	char buf[8] = { 1 };
	struct folio *f;

	(void)arg;
	pv_up();
	check(pmm_pv_store(W.vm, GPA, "secret", 6) == 0);
	f = folio_at(HVA);
	check(pmm_pv_destroy(W.vm) == 0);
	check(pmm_pv_destroy(W.vm) == -EINVAL);
	check(uv_stats.destroys == 1 && uv_stats.exports == 0);
	check(!folio_test_arch_1(f) && !uv_frame_secure(folio_pfn(f)));
	check(pmm_load(W.vmm, HVA, buf, 6) == 0);
	check(!memcmp(buf, "\0\0\0\0\0\0", 6));
	check(uv_stats.host_exceptions == 0);
	check(pmm_pv_load(W.vm, GPA, buf, 1) == -EFAULT);
}

static void test_destroy(void **state)
{
	(void)state;
	assert_int_equal(run_clean(destroy_setup, NULL), 1);
}

/*
 * The host changes an exported page: the import fails its integrity
 * check, every time, and the guest never reads what the host wrote.
 */
static void integrity_setup(void *arg)
{
	char buf[8];

	(void)arg;
	pv_up();
	check(pmm_pv_store(W.vm, GPA, "secret", 6) == 0);
	check(pmm_store(W.vmm, HVA, "evil", 4) == 0);
	check(pmm_pv_load(W.vm, GPA, buf, 6) == -EINVAL);
	check(pmm_pv_import(W.vm, GPA) == -EINVAL);
	check(uv_stats.integrity_failures == 2 && !pmm_pv_secure(W.vm, GPA));
}

static void test_integrity(void **state)
{
	(void)state;
	assert_int_equal(run_clean(integrity_setup, NULL), 1);
}

/* A page swapped out while exported comes back intact. */
static void swap_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	char buf[8] = { 0 };

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.swap_bytes = 1ul << 20;
	o.arch = "s390-pv";
	memset(&W, 0, sizeof(W));
	check(pmm_machine_init(&o) == 0);
	W.vmm = pmm_process_create();
	check(pmm_mmap(W.vmm, HVA, PG, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	W.vm = pmm_pv_vm_create(W.vmm);
	check(pmm_vm_set_memslot(W.vm, GPA, HVA, PG) == 0);
	check(pmm_pv_store(W.vm, GPA, "secret", 6) == 0);
	check(pmm_reclaim(W.vmm, HVA, PG) == 1);
	check(pmm_swapped(W.vmm, HVA));
	check(uv_stats.exports == 1);
	check(pmm_pv_load(W.vm, GPA, buf, 6) == 0 && !memcmp(buf, "secret", 6));
	check(uv_stats.imports == 2 && !uv_stats.integrity_failures);
}

static void test_swap_round_trip(void **state)
{
	(void)state;
	assert_int_equal(run_clean(swap_setup, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_generic_has_no_pv),
		cmocka_unit_test(test_enxio_faults_in),
		cmocka_unit_test(test_busy_drains_then_gives_up),
		cmocka_unit_test(test_writeback_eagain),
		cmocka_unit_test(test_large_folio_split),
		cmocka_unit_test(test_trylock_keeps_reference),
		cmocka_unit_test(test_shared_pinned_not_exported),
		cmocka_unit_test(test_destroy),
		cmocka_unit_test(test_integrity),
		cmocka_unit_test(test_swap_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
