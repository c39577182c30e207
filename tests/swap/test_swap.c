// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The swap layer: reclaim of anonymous and file pages, swap-in, swap
 * entries through fork, COW, munmap and exit; and its races under the
 * explorer, where the data oracle checks every byte read against the
 * last byte written to that logical location, whatever frame or slot it
 * went through, and the leak oracle checks every frame and slot is back.
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
#include "swap/swap.h"

#include "../common/check.h"
#include "swap_test.h"

#define A	0x100000ul
#define B	0x200000ul
#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)


struct world {
	struct pmm_process *p, *q;
	struct pmm_file *f;
	struct pmm_pin *pin;
	unsigned long swap;
};

static struct world W;

static void machine(unsigned long swap)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	o.swap_bytes = swap;
	if (pmm_machine_init(&o)) {
		check(!"pmm_machine_init");
		return;
	}
	W.p = pmm_process_create();
	check(!pmm_mmap(W.p, A, 2 * 4096, RW, PMM_MAP_PRIVATE, NULL, 0));
	check(!pmm_store(W.p, A, "hello", 5));
}

static uint64_t run_clean(void (*setup)(void *))
{
	return swap_test_explore_clean("swap", setup, swap_test_finish);
}

/* The first violation found exploring @setup, or NULL. */
static const char *run_violation(void (*setup)(void *), char *msg, size_t len)
{
	struct pmm_program prog = { "swap", "", setup, swap_test_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	static char oracle[64];

	failures = 0;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	if (!r.violations) {
		pmm_explore_result_release(&r);
		return NULL;
	}
	snprintf(oracle, sizeof(oracle), "%s", r.oracle);
	snprintf(msg, len, "%s", r.message);
	pmm_explore_result_release(&r);
	return oracle;
}

/* Out and back: the page leaves memory, a swap entry holds its place. */
static void roundtrip(void *arg)
{
	unsigned long before;

	(void)arg;
	machine(1ul << 20);
	before = pmm_free_pages();
	check(pmm_reclaim(W.p, A, 4096) == 1);
	check(pmm_swapped(W.p, A));
	check(pmm_free_pages() == before + 1);
	check(swap_test_reads(W.p, A, "hello"));
	check(!pmm_swapped(W.p, A));
	/* Out again, dirtied in between: the new bytes are what comes back. */
	check(!pmm_store(W.p, A + 1, "ELLO", 4));
	check(pmm_reclaim(W.p, A, 4096) == 1);
	check(swap_test_reads(W.p, A, "hELLO"));
}

static void test_roundtrip(void **state)
{
	(void)state;
	assert_int_equal(run_clean(roundtrip), 1);
}

/* Without a swap device an anonymous page cannot go: it stays mapped. */
static void no_swap(void *arg)
{
	(void)arg;
	machine(0);
	check(pmm_reclaim(W.p, A, 4096) == 0);
	check(!pmm_swapped(W.p, A));
	check(swap_test_reads(W.p, A, "hello"));
}

static void test_no_swap_device(void **state)
{
	(void)state;
	run_clean(no_swap);
}

/* A pinned page may not stop being exclusive: reclaim leaves it. */
static void pinned(void *arg)
{
	struct pmm_pin *pin;

	(void)arg;
	machine(1ul << 20);
	check(!pmm_pin(W.p, A, 1, PMM_GUP_WRITE | PMM_GUP_LONGTERM, &pin));
	check(pmm_reclaim(W.p, A, 4096) == 0);
	check(!pmm_swapped(W.p, A));
	check(!pmm_pin_dma(pin, 0, "D", 1, true));
	pmm_unpin(pin);
	check(swap_test_reads(W.p, A, "Dello"));
	check(pmm_reclaim(W.p, A, 4096) == 1);
	check(swap_test_reads(W.p, A, "Dello"));
}

static void test_pinned_page_stays(void **state)
{
	(void)state;
	run_clean(pinned);
}

/*
 * fork shares the swap entry; each side swaps in the same folio from the
 * swap cache, and a write by one is a COW the other never sees.
 */
static void fork_shared(void *arg)
{
	(void)arg;
	machine(1ul << 20);
	W.q = pmm_fork(W.p);
	check(pmm_reclaim(W.p, A, 4096) == 1);
	check(pmm_swapped(W.p, A) && pmm_swapped(W.q, A));
	check(swap_test_reads(W.q, A, "hello"));
	check(pmm_swapped(W.p, A));
	check(!pmm_store(W.q, A, "J", 1));
	check(swap_test_reads(W.p, A, "hello"));
	check(swap_test_reads(W.q, A, "Jello"));
}

static void test_fork_shares_swap_entry(void **state)
{
	(void)state;
	run_clean(fork_shared);
}

/* A swapped page forked after it went out: the child's PTE holds it too. */
static void fork_swapped(void *arg)
{
	(void)arg;
	machine(1ul << 20);
	check(pmm_reclaim(W.p, A, 4096) == 1);
	W.q = pmm_fork(W.p);
	check(pmm_swapped(W.q, A));
	check(!pmm_store(W.p, A, "c", 1));
	check(swap_test_reads(W.q, A, "hello"));
	check(swap_test_reads(W.p, A, "cello"));
}

static void test_fork_of_swap_pte(void **state)
{
	(void)state;
	run_clean(fork_swapped);
}

/* munmap and exit give every slot back (the teardown checks all slots). */
static void unmap_swapped(void *arg)
{
	(void)arg;
	machine(1ul << 20);
	check(!pmm_store(W.p, A + 4096, "two", 3));
	check(pmm_reclaim(W.p, A, 2 * 4096) == 2);
	W.q = pmm_fork(W.p);
	check(!pmm_munmap(W.p, A, 4096));
	check(swap_test_reads(W.q, A, "hello"));
	pmm_exit(W.q);
}

static void test_unmap_and_exit_free_slots(void **state)
{
	(void)state;
	run_clean(unmap_swapped);
}

/* A full device: the second page cannot go out. */
static void swap_full(void *arg)
{
	(void)arg;
	machine(4096);
	check(!pmm_store(W.p, A + 4096, "two", 3));
	check(pmm_reclaim(W.p, A, 2 * 4096) == 1);
	check(pmm_swapped(W.p, A) && !pmm_swapped(W.p, A + 4096));
	check(swap_test_reads(W.p, A + 4096, "two"));
	check(swap_test_reads(W.p, A, "hello"));
}

static void test_swap_full(void **state)
{
	(void)state;
	run_clean(swap_full);
}

/* Shared file pages are written back and dropped, never swapped. */
static void file_page(void *arg)
{
	char buf[8] = "";

	(void)arg;
	machine(1ul << 20);
	W.f = pmm_file_create(4096);
	check(pmm_truncate(W.f, 4096) == 0);
	check(!pmm_mmap(W.p, B, 4096, RW, PMM_MAP_SHARED, W.f, 0));
	check(!pmm_store(W.p, B, "file", 4));
	check(pmm_reclaim(W.p, B, 4096) == 1);
	check(!pmm_swapped(W.p, B));
	check(pmm_file_read(W.p, W.f, 0, A + 64, 4) == 4);
	check(!pmm_load(W.p, A + 64, buf, 4) && !memcmp(buf, "file", 4));
	check(swap_test_reads(W.p, B, "file"));
}

static void test_shared_file_written_back(void **state)
{
	(void)state;
	run_clean(file_page);
}

/* Two processes fault the same swapped page at once: one folio, no loss. */
static void swapin_t(void *arg)
{
	check(swap_test_reads(arg, A, "hello"));
}

static void swapin_race(void *arg)
{
	(void)arg;
	machine(1ul << 20);
	W.q = pmm_fork(W.p);
	check(pmm_reclaim(W.p, A, 4096) == 1);
	pmm_task_create("P", 0, swapin_t, W.p);
	pmm_task_create("Q", 1, swapin_t, W.q);
}

static void test_race_two_swapins(void **state)
{
	(void)state;
	assert_true(run_clean(swapin_race) > 1);
}

/* Reclaim against a store to the same page: the store is never lost. */
static void reclaimer(void *arg)
{
	(void)arg;
	pmm_reclaim(W.p, A, 4096);
}

static void writer(void *arg)
{
	(void)arg;
	check(!pmm_store(W.p, A, "W", 1));
	check(swap_test_reads(W.p, A, "Wello"));
}

static void reclaim_store(void *arg)
{
	(void)arg;
	machine(1ul << 20);
	pmm_task_create("reclaim", 0, reclaimer, NULL);
	pmm_task_create("store", 1, writer, NULL);
}

static void test_race_reclaim_vs_store(void **state)
{
	(void)state;
	assert_true(run_clean(reclaim_store) > 1);
}

/*
 * Reclaim against GUP: a page pinned between the unmap and the freeze
 * makes the freeze fail; a page unmapped first is faulted back in by the
 * pin. Either way the device's write lands in P's page.
 */
static void pinner(void *arg)
{
	struct pmm_pin *pin;

	(void)arg;
	if (pmm_pin(W.p, A, 1, PMM_GUP_WRITE, &pin))
		return;
	check(!pmm_pin_dma(pin, 0, "D", 1, true));
	pmm_unpin(pin);
	check(swap_test_reads(W.p, A, "Dello"));
}

static void reclaim_pin(void *arg)
{
	(void)arg;
	machine(1ul << 20);
	pmm_task_create("reclaim", 0, reclaimer, NULL);
	pmm_task_create("pin", 1, pinner, NULL);
}

static void test_race_reclaim_vs_pin(void **state)
{
	(void)state;
	assert_true(run_clean(reclaim_pin) > 1);
}

/* Reclaim against munmap of the page: no slot or frame left behind. */
static void unmapper(void *arg)
{
	(void)arg;
	check(!pmm_munmap(W.p, A, 4096));
}

static void reclaim_munmap(void *arg)
{
	(void)arg;
	machine(1ul << 20);
	pmm_task_create("reclaim", 0, reclaimer, NULL);
	pmm_task_create("munmap", 1, unmapper, NULL);
}

static void test_race_reclaim_vs_munmap(void **state)
{
	(void)state;
	assert_true(run_clean(reclaim_munmap) > 1);
}

/* A swap-in racing the reclaim of the same folio by another process. */
static void swapin_reclaim(void *arg)
{
	(void)arg;
	machine(1ul << 20);
	W.q = pmm_fork(W.p);
	check(pmm_reclaim(W.p, A, 4096) == 1);
	check(swap_test_reads(W.p, A, "hello"));
	pmm_task_create("reclaim", 0, reclaimer, NULL);
	pmm_task_create("Q", 1, swapin_t, W.q);
}

static void test_race_swapin_vs_reclaim(void **state)
{
	(void)state;
	assert_true(run_clean(swapin_reclaim) > 1);
}

/*
 * The teardown empties the swap cache of pages no PTE holds any more
 * (here: P's, read back and still cached, once Q exits); every slot is
 * then free, or it is a leak (the next test).
 */
static void cache_teardown(void *arg)
{
	(void)arg;
	machine(1ul << 20);
	W.q = pmm_fork(W.p);
	check(pmm_reclaim(W.p, A, 4096) == 1);
	check(swap_test_reads(W.p, A, "hello"));	/* the folio stays in the swap cache */
	pmm_exit(W.q);
}

static void test_swap_cache_emptied_at_teardown(void **state)
{
	(void)state;
	run_clean(cache_teardown);
}

/*
 * A slot nobody gives back is a leak: a slot taken with the model's own
 * folio_alloc_swap() and dropped on the floor, as a kernel bug that lost
 * a swap entry would.
 */
static void slot_leak(void *arg)
{
	swp_entry_t entry;

	(void)arg;
	machine(1ul << 20);
	check(!folio_alloc_swap(folio_alloc(0, 0), &entry));
}

static void test_lost_slot_is_a_leak(void **state)
{
	char msg[256];

	(void)state;
	assert_string_equal(run_violation(slot_leak, msg, sizeof(msg)), "leak");
	assert_non_null(strstr(msg, "swap slot"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_no_swap_device),
		cmocka_unit_test(test_pinned_page_stays),
		cmocka_unit_test(test_fork_shares_swap_entry),
		cmocka_unit_test(test_fork_of_swap_pte),
		cmocka_unit_test(test_unmap_and_exit_free_slots),
		cmocka_unit_test(test_swap_full),
		cmocka_unit_test(test_shared_file_written_back),
		cmocka_unit_test(test_race_two_swapins),
		cmocka_unit_test(test_race_reclaim_vs_store),
		cmocka_unit_test(test_race_reclaim_vs_pin),
		cmocka_unit_test(test_race_reclaim_vs_munmap),
		cmocka_unit_test(test_race_swapin_vs_reclaim),
		cmocka_unit_test(test_swap_cache_emptied_at_teardown),
		cmocka_unit_test(test_lost_slot_is_a_leak),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
