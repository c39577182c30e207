// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The swap paths of issue 10 item 5: the SWP_SYNCHRONOUS_IO swap-in that
 * bypasses the swap cache, swapoff (try_to_unuse(), unuse_pte()),
 * wp_can_reuse_anon_folio() freeing the swap cache, and do_swap_page()
 * mapping writable as today's kernel decides; with MTE tags on the new
 * paths, and the races that matter (swapoff against a fault and against
 * reclaim, two direct swap-ins) explored exhaustively up to two
 * preemptions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/protmm.h"

#include "../common/check.h"
#include "swap_test.h"
#include "arch/arm64/arm64.h"
#include "machine/machine.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "swap/swap.h"

#define A	0x100000ul
#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)

static struct pmm_process *P, *Q;
static bool swapped_off;
/* A, with the pointer tag of its memory on a PROT_MTE mapping. */
static unsigned long TA;

/* @arch with a 1 MiB swap device (@sync: zram-like), P with "hello" at A. */
static void mk_machine(const char *arch, bool sync, unsigned int prot)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	o.swap_bytes = 1ul << 20;
	o.swap_synchronous = sync;
	o.arch = arch;
	swapped_off = false;
	if (pmm_machine_init(&o)) {
		check(!"pmm_machine_init");
		return;
	}
	P = pmm_process_create();
	check(!pmm_mmap(P, A, 2 * 4096, prot, PMM_MAP_PRIVATE, NULL, 0));
	TA = A;
	if (prot & PMM_PROT_MTE) {
		check(!pmm_store_tags(P, A, 4096, 0x5));
		TA = pmm_tag_addr(A, 0x5);
	}
	check(!pmm_store(P, TA, "hello", 5));
}

static pte_t pte_at(struct pmm_process *p, unsigned long addr)
{
	spinlock_t *ptl;
	pte_t *ptep = pte_offset_map(p->mm, addr, &ptl);

	return ptep ? ptep_get(ptep) : __pte(0);
}

static struct folio *folio_at(struct pmm_process *p, unsigned long addr)
{
	pte_t pte = pte_at(p, addr);

	return pte_present(pte) ? page_folio(pte_page(pte)) : NULL;
}

static uint64_t run_clean(void (*setup)(void *), void (*fin)(void *))
{
	return swap_test_explore_clean("swap-paths", setup, fin);
}

/* The first violation's oracle exploring @setup ("" if none). */
static const char *run_violation(void (*setup)(void *), char *msg, size_t len)
{
	struct pmm_program prog = { "swap-paths", "", setup, swap_test_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	static char oracle[64];

	failures = 0;
	o.preemptions = 2;
	o.trace = getenv("SWAP_TRACE") != NULL;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	snprintf(oracle, sizeof(oracle), "%s", r.violations ? r.oracle : "");
	snprintf(msg, len, "%s", r.violations ? r.message : "");
	pmm_explore_result_release(&r);
	return oracle;
}

/*
 * A zram-like device: the read fault of an entry one PTE holds reads
 * into a new folio that never enters the swap cache, so the slot is free
 * as soon as the fault is done, and the page is exclusive: mapped
 * writable by the read fault itself. Through the swap cache (the next
 * test) the folio stays cached and the slot held.
 */
static void direct(void *arg)
{
	(void)arg;
	mk_machine("generic", true, RW);
	check(pmm_reclaim(P, A, 4096) == 1);
	check(swap_info->inuse_pages == 1);
	check(swap_test_reads(P, A, "hello"));
	check(swap_info->inuse_pages == 0);
	check(folio_at(P, A) && !folio_test_swapcache(folio_at(P, A)));
	check(pte_write(pte_at(P, A)));
	check(PageAnonExclusive(folio_page(folio_at(P, A), 0)));
}

static void test_direct_swapin_skips_swap_cache(void **state)
{
	(void)state;
	assert_int_equal(run_clean(direct, swap_test_finish), 1);
}

static void cached(void *arg)
{
	(void)arg;
	mk_machine("generic", false, RW);
	check(pmm_reclaim(P, A, 4096) == 1);
	check(swap_test_reads(P, A, "hello"));
	check(swap_info->inuse_pages == 1);
	check(folio_at(P, A) && folio_test_swapcache(folio_at(P, A)));
}

static void test_cached_swapin_keeps_swap_cache(void **state)
{
	(void)state;
	assert_int_equal(run_clean(cached, swap_test_finish), 1);
}

/*
 * An entry two PTEs hold (after fork) does not take the direct path:
 * __swap_count() is 2, so the folio goes through the swap cache for both.
 */
static void direct_shared(void *arg)
{
	(void)arg;
	mk_machine("generic", true, RW);
	Q = pmm_fork(P);
	check(pmm_reclaim(P, A, 4096) == 1);
	check(swap_test_reads(P, A, "hello"));
	check(folio_at(P, A) && folio_test_swapcache(folio_at(P, A)));
	check(swap_test_reads(Q, A, "hello"));
	check(folio_at(P, A) == folio_at(Q, A));
}

static void test_direct_swapin_only_for_a_single_user(void **state)
{
	(void)state;
	assert_int_equal(run_clean(direct_shared, swap_test_finish), 1);
}

/*
 * The direct path restores the MTE tags saved at swap-out
 * (arch_swap_restore() on a folio no swap cache ever held), and they are
 * freed with the slot, at swapcache_clear(): no longer, no sooner.
 */
static void direct_tags(void *arg)
{
	unsigned char tag = 0;

	(void)arg;
	mk_machine("arm64-mte", true, RW | PMM_PROT_MTE);
	check(pmm_reclaim(P, A, 4096) == 1);
	check(mte_saved_tags_count() == 1);
	check(swap_test_reads(P, pmm_tag_addr(A, 0x5), "hello"));
	check(mte_saved_tags_count() == 0);
	check(!pmm_load_tags(P, A, 16, &tag) && tag == 0x5);
	check(pmm_mem_tag(P, A + 4000) == 0x5);
	check(swap_info->inuse_pages == 0);
}

static void test_direct_swapin_restores_tags(void **state)
{
	(void)state;
	assert_int_equal(run_clean(direct_tags, swap_test_finish), 1);
}

/*
 * Two threads of P fault the entry at once while a third reclaims: the
 * loser of swapcache_prepare() waits and retries. Without that claim,
 * the winner could swap_test_finish, store, and reclaim put the new bytes in the
 * same slot, so that the loser's pte_same() passes and it maps the old
 * bytes it read: the store would be lost (data-corruption).
 */
static void direct_reader(void *arg)
{
	char buf[8] = "";

	(void)arg;
	check(!pmm_load(P, A, buf, 5));
}

static void direct_writer(void *arg)
{
	(void)arg;
	check(!pmm_store(P, A, "W", 1));
	pmm_reclaim(P, A, 4096);
}

static void direct_race(void *arg)
{
	(void)arg;
	mk_machine("generic", true, RW);
	check(pmm_reclaim(P, A, 4096) == 1);
	pmm_task_create("reader", 0, direct_reader, NULL);
	pmm_task_create("writer", 1, direct_writer, NULL);
}

static void test_race_two_direct_swapins(void **state)
{
	(void)state;
	assert_true(run_clean(direct_race, swap_test_finish) > 1);
}

/*
 * swapoff brings every swapped page of every process back: P's and Q's
 * PTEs of the shared entry map one folio again, read-only (the entry was
 * shared), the slots are all free, and afterwards reclaim cannot swap.
 */
static void off(void *arg)
{
	(void)arg;
	mk_machine("generic", false, RW);
	check(!pmm_store(P, A + 4096, "world", 5));
	Q = pmm_fork(P);
	check(pmm_reclaim(P, A, 2 * 4096) == 2);
	check(pmm_swapped(P, A) && pmm_swapped(Q, A));
	check(pmm_swapoff() == 0);
	check(!pmm_swapped(P, A) && !pmm_swapped(Q, A));
	check(!pmm_swapped(P, A + 4096) && !pmm_swapped(Q, A + 4096));
	check(folio_at(P, A) && folio_at(P, A) == folio_at(Q, A));
	check(!pte_write(pte_at(P, A)));
	check(!folio_test_swapcache(folio_at(P, A)));
	check(swap_info->inuse_pages == 0);
	check(pmm_swapoff() == -EINVAL);
	check(pmm_reclaim(P, A, 4096) == 0);
	check(swap_test_reads(P, A, "hello") && swap_test_reads(Q, A + 4096, "world"));
	/* COW still separates them. */
	check(!pmm_store(Q, A, "J", 1));
	check(swap_test_reads(P, A, "hello") && swap_test_reads(Q, A, "Jello"));
}

static void test_swapoff_restores_every_mm(void **state)
{
	(void)state;
	assert_int_equal(run_clean(off, swap_test_finish), 1);
}

/*
 * An exclusive swap entry comes back exclusive from swapoff: a write then
 * reuses the page (do_wp_page() on PageAnonExclusive) instead of copying.
 */
static void off_exclusive(void *arg)
{
	struct folio *folio;

	(void)arg;
	mk_machine("generic", false, RW);
	check(pmm_reclaim(P, A, 4096) == 1);
	check(pmm_swapoff() == 0);
	folio = folio_at(P, A);
	check(folio && PageAnonExclusive(folio_page(folio, 0)));
	check(!pmm_store(P, A, "J", 1));
	check(folio_at(P, A) == folio);
}

static void test_swapoff_keeps_anon_exclusive(void **state)
{
	(void)state;
	assert_int_equal(run_clean(off_exclusive, swap_test_finish), 1);
}

/* swapoff restores the MTE tags (arch_swap_restore() in unuse_pte()). */
static void off_tags(void *arg)
{
	unsigned char tag = 0;

	(void)arg;
	mk_machine("arm64-mte", false, RW | PMM_PROT_MTE);
	check(pmm_reclaim(P, A, 4096) == 1);
	check(mte_saved_tags_count() == 1);
	check(pmm_swapoff() == 0);
	check(mte_saved_tags_count() == 0);
	check(!pmm_swapped(P, A));
	check(pmm_mem_tag(P, A + 4000) == 0x5);
	check(!pmm_load_tags(P, A, 16, &tag) && tag == 0x5);
	check(swap_test_reads(P, pmm_tag_addr(A, 0x5), "hello"));
}

static void test_swapoff_restores_tags(void **state)
{
	(void)state;
	assert_int_equal(run_clean(off_tags, swap_test_finish), 1);
}

/*
 * A swap entry left in a PTE after swapoff is a lost page: the fault
 * that meets it is a bug-on (the kernel would refault forever).
 */
static void stale(void *arg)
{
	spinlock_t *ptl;
	pte_t *ptep;

	(void)arg;
	mk_machine("generic", false, RW);
	check(pmm_swapoff() == 0);
	/* A + 4096 was never touched: no TLB holds a translation for it. */
	ptep = pte_offset_map(P->mm, A + 4096, &ptl);
	spin_lock(ptl);
	set_pte_at(P->mm, A + 4096, ptep, swp_entry_to_pte(swp_entry(0, 3)));
	spin_unlock(ptl);
	pmm_load(P, A + 4096, (char[4]){ 0 }, 1);
}

static void test_stale_entry_after_swapoff_is_a_bug(void **state)
{
	char msg[256];

	(void)state;
	assert_string_equal(run_violation(stale, msg, sizeof(msg)), "bug-on");
	assert_non_null(strstr(msg, "left in a PTE by swapoff"));
}

/* swapoff against a fault on the same entry (cached or direct). */
static void fault_t(void *arg)
{
	check(swap_test_reads(arg, TA, "hello"));
}

static void swapoff_t(void *arg)
{
	(void)arg;
	swapped_off = pmm_swapoff() == 0;
	check(swapped_off);
}

/* After the race: nothing left swapped, and the data intact. */
static void finish_off(void *arg)
{
	if (swapped_off) {
		check(!pmm_swapped(P, A) && !pmm_swapped(P, A + 4096));
		check(!Q || !pmm_swapped(Q, A));
		check(swap_info->inuse_pages == 0);
	}
	check(swap_test_reads(P, TA, "hello"));
	swap_test_finish(arg);
}

static void off_vs_fault(bool sync)
{
	mk_machine("generic", sync, RW);
	Q = NULL;
	check(pmm_reclaim(P, A, 4096) == 1);
	pmm_task_create("swapoff", 0, swapoff_t, NULL);
	pmm_task_create("fault", 1, fault_t, P);
}

static void off_vs_fault_cached(void *arg)
{
	(void)arg;
	off_vs_fault(false);
}

static void off_vs_fault_direct(void *arg)
{
	(void)arg;
	off_vs_fault(true);
}

static void test_race_swapoff_vs_fault(void **state)
{
	(void)state;
	assert_true(run_clean(off_vs_fault_cached, finish_off) > 1);
}

static void test_race_swapoff_vs_direct_fault(void **state)
{
	(void)state;
	assert_true(run_clean(off_vs_fault_direct, finish_off) > 1);
}

/* Two processes share the entry; one faults it in while swapoff runs. */
static void off_vs_shared_fault(void *arg)
{
	(void)arg;
	mk_machine("arm64-mte", false, RW | PMM_PROT_MTE);
	Q = pmm_fork(P);
	check(pmm_reclaim(P, A, 4096) == 1);
	pmm_task_create("swapoff", 0, swapoff_t, NULL);
	pmm_task_create("fault", 1, fault_t, Q);
}

static void test_race_swapoff_vs_shared_tagged_fault(void **state)
{
	(void)state;
	assert_true(run_clean(off_vs_shared_fault, finish_off) > 1);
}

/*
 * swapoff against reclaim of a page not yet swapped: reclaim either gets
 * its slot before swapoff closes the device (and swapoff brings the page
 * back) or gets none and keeps the page.
 */
static void reclaim_t(void *arg)
{
	(void)arg;
	pmm_reclaim(P, A + 4096, 4096);
}

static void off_vs_reclaim(void *arg)
{
	(void)arg;
	mk_machine("generic", false, RW);
	Q = NULL;
	check(!pmm_store(P, A + 4096, "world", 5));
	check(pmm_reclaim(P, A, 4096) == 1);
	pmm_task_create("swapoff", 0, swapoff_t, NULL);
	pmm_task_create("reclaim", 1, reclaim_t, NULL);
}

static void test_race_swapoff_vs_reclaim(void **state)
{
	(void)state;
	assert_true(run_clean(off_vs_reclaim, finish_off) > 1);
}

/*
 * wp_can_reuse_anon_folio(): P's read fault left the folio in the swap
 * cache (Q still held the entry); Q exits; P's write then frees the swap
 * cache, finds its reference the only one, and reuses the page in place
 * instead of copying it. The slot is free at once.
 */
static void wp_reuse(void *arg)
{
	struct folio *folio;

	(void)arg;
	mk_machine("generic", false, RW);
	Q = pmm_fork(P);
	check(pmm_reclaim(P, A, 4096) == 1);
	check(swap_test_reads(P, A, "hello"));
	pmm_exit(Q);
	folio = folio_at(P, A);
	check(folio && folio_test_swapcache(folio) && !pte_write(pte_at(P, A)));
	check(!pmm_store(P, A, "J", 1));
	check(folio_at(P, A) == folio);
	check(!folio_test_swapcache(folio));
	check(swap_info->inuse_pages == 0);
	check(swap_test_reads(P, A, "Jello"));
}

static void test_wp_reuse_frees_swap_cache(void **state)
{
	(void)state;
	assert_int_equal(run_clean(wp_reuse, swap_test_finish), 1);
}

/*
 * do_swap_page() maps writable in one fault what it can tell is
 * exclusive: the entry was shared (not exclusive) but Q exited, so P's
 * write fault frees the swap cache (should_try_to_free_swap()), finds the
 * refcount 1 and maps the page writable and dirty, with no second fault.
 */
static void wp_swapin(void *arg)
{
	struct vm_area_struct *vma;
	vm_fault_t ret;
	pte_t pte;

	(void)arg;
	mk_machine("generic", false, RW);
	Q = pmm_fork(P);
	check(pmm_reclaim(P, A, 4096) == 1);
	pmm_exit(Q);
	check(pmm_swapped(P, A) && !pte_swp_exclusive(pte_at(P, A)));
	mmap_read_lock(P->mm);
	vma = find_vma(P->mm, A);
	ret = handle_mm_fault(vma, A, FAULT_FLAG_WRITE);
	mmap_read_unlock(P->mm);
	check(!(ret & VM_FAULT_ERROR));
	pte = pte_at(P, A);
	check(pte_present(pte) && pte_write(pte) && pte_dirty(pte));
	check(!folio_test_swapcache(folio_at(P, A)));
	check(PageAnonExclusive(folio_page(folio_at(P, A), 0)));
	check(swap_info->inuse_pages == 0);
}

static void test_write_fault_maps_writable(void **state)
{
	(void)state;
	assert_int_equal(run_clean(wp_swapin, swap_test_finish), 1);
}

/* A read fault of the same shared entry stays read-only and cached. */
static void rd_swapin(void *arg)
{
	struct vm_area_struct *vma;

	(void)arg;
	mk_machine("generic", false, RW);
	Q = pmm_fork(P);
	check(pmm_reclaim(P, A, 4096) == 1);
	mmap_read_lock(P->mm);
	vma = find_vma(P->mm, A);
	check(!(handle_mm_fault(vma, A, 0) & VM_FAULT_ERROR));
	mmap_read_unlock(P->mm);
	check(!pte_write(pte_at(P, A)));
	check(folio_test_swapcache(folio_at(P, A)));
}

static void test_read_fault_of_shared_entry_read_only(void **state)
{
	(void)state;
	assert_int_equal(run_clean(rd_swapin, swap_test_finish), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_swapin_skips_swap_cache),
		cmocka_unit_test(test_cached_swapin_keeps_swap_cache),
		cmocka_unit_test(test_direct_swapin_only_for_a_single_user),
		cmocka_unit_test(test_direct_swapin_restores_tags),
		cmocka_unit_test(test_race_two_direct_swapins),
		cmocka_unit_test(test_swapoff_restores_every_mm),
		cmocka_unit_test(test_swapoff_keeps_anon_exclusive),
		cmocka_unit_test(test_swapoff_restores_tags),
		cmocka_unit_test(test_stale_entry_after_swapoff_is_a_bug),
		cmocka_unit_test(test_race_swapoff_vs_fault),
		cmocka_unit_test(test_race_swapoff_vs_direct_fault),
		cmocka_unit_test(test_race_swapoff_vs_shared_tagged_fault),
		cmocka_unit_test(test_race_swapoff_vs_reclaim),
		cmocka_unit_test(test_wp_reuse_frees_swap_cache),
		cmocka_unit_test(test_write_fault_maps_writable),
		cmocka_unit_test(test_read_fault_of_shared_entry_read_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
