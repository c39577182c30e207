// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The core model's small races, under the explorer. Each is run with
 * today's kernel protocol, where no oracle may fire in any explored
 * execution, and with the historical or broken variant its knob names,
 * where the explorer must find the violation — so each test shows both
 * that the protocol holds and that the oracle would see it fail.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/machine.h"
#include "mm/gup.h"
#include "protmm/protmm.h"
#include "sched/sched.h"

#define A 0x100000ul
#define B 0x200000ul

struct world {
	struct pmm_process *p, *q, *c;
	struct pmm_file *f;
	struct pmm_pin *pin;
	int scenario;
};

static struct world W;

static void world_up(void)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	if (pmm_machine_init(&o))
		return;
	W.p = pmm_process_create();
	W.q = pmm_process_create();
	pmm_mmap(W.p, A, 4096, PMM_PROT_READ | PMM_PROT_WRITE, PMM_MAP_PRIVATE,
		 NULL, 0);
	pmm_mmap(W.q, B, 2 * 4096, PMM_PROT_READ | PMM_PROT_WRITE,
		 PMM_MAP_PRIVATE, NULL, 0);
	/* Q's page tables exist: a page Q faults in later is data only. */
	pmm_store(W.q, B + 4096, "t", 1);
	pmm_store(W.p, A, "a", 1);
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* Exhaustive (DPOR) when @max is 0; otherwise PCT for @max executions. */
static int explore_with(void (*setup)(void *), void (*fin)(void *), uint64_t max,
			struct pmm_explore_result *r)
{
	struct pmm_program prog = { "race", "", setup, fin, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.trace = getenv("RACE_TRACE") != NULL;
	o.stop_on_violation = false;
	o.strategy = PMM_STRATEGY_DPOR;
	if (max) {
		o.strategy = PMM_STRATEGY_PCT;
		o.max_executions = max;
		o.stop_on_violation = true;
	}
	return pmm_explore(&prog, &o, r);
}

static int explore(void (*setup)(void *), uint64_t max, struct pmm_explore_result *r)
{
	return explore_with(setup, finish, max, r);
}

/*
 * GUP-fast against munmap, with a third process allocating: the story of
 * the PTE recheck in gup_fast_pte_range().
 *
 *	T0 (P): gup_fast reads P's PTE for A: frame X
 *	T1 (P): munmap(A): PTE cleared, TLB flushed, X freed
 *	T2 (Q): store to B faults in a fresh page: X again, refcount 1
 *	T0    : folio_try_get(X) succeeds: it is live — but it is Q's now
 *	T0    : (recheck: PTE changed, put it back, fall back to the slow
 *	        path, which finds no VMA: -EFAULT)
 *	T0    : without the recheck, the device writes into Q's page.
 *
 * (Were X to become one of Q's page tables instead, the device would
 * corrupt a PTE: world_up() faults Q's tables in first, so that the
 * stray write lands in Q's data, where the data oracle sees it.)
 */
static void gupfast_pinner(void *arg)
{
	struct pmm_pin *pin;

	(void)arg;
	if (pmm_pin(W.p, A, 1, PMM_GUP_FAST | PMM_GUP_WRITE, &pin))
		return;
	pmm_pin_dma(pin, 0, "D", 1, true);
	pmm_unpin(pin);
}

static void unmapper(void *arg)
{
	(void)arg;
	pmm_munmap(W.p, A, 4096);
}

static void other_process(void *arg)
{
	(void)arg;
	pmm_store(W.q, B, "q", 1);
}

/* Q reads its page back at the end: it must still hold what Q wrote. */
static void gupfast_finish(void *arg)
{
	char c;

	pmm_load(W.q, B, &c, 1);
	finish(arg);
}

static void gupfast_setup(void *arg)
{
	(void)arg;
	world_up();
	pmm_task_create("pin", 0, gupfast_pinner, NULL);
	pmm_task_create("munmap", 1, unmapper, NULL);
	/* On munmap's CPU: the frame it frees is the next one handed out. */
	pmm_task_create("other", 1, other_process, NULL);
}

static void test_gupfast_vs_munmap(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(explore_with(gupfast_setup, gupfast_finish, 20000, &r), 0);
	assert_int_equal(r.violations, 0);
	assert_int_equal(r.executions, 20000);
	pmm_explore_result_release(&r);
}

/*
 * Without the recheck the first read must stay true until the folio is
 * held, which only a flush that waits for the walker's disabled
 * interrupts ensures: x86's own walker (2.6.27 to 4.12) behind its IPI
 * shootdown was right...
 */
static void test_gupfast_without_recheck_ipi(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(pmm_knob_set("gup.fast_recheck", "off"), 0);
	assert_int_equal(pmm_knob_set("tlb.flush", "ipi"), 0);
	assert_int_equal(explore_with(gupfast_setup, gupfast_finish, 20000, &r), 0);
	pmm_knob_reset();
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

/* ... and with a broadcast flush, which does not wait, it is wrong. */
static void test_gupfast_without_recheck(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(pmm_knob_set("gup.fast_recheck", "off"), 0);
	assert_int_equal(pmm_knob_set("tlb.flush", "broadcast"), 0);
	assert_int_equal(explore_with(gupfast_setup, gupfast_finish, 20000, &r), 0);
	pmm_knob_reset();
	if (getenv("RACE_TRACE"))
		fprintf(stderr, "found in execution %llu (%zu bytes)\n%s\n",
			(unsigned long long)r.violation_execution,
			r.trace ? strlen(r.trace) : 0, r.trace);
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, "data-corruption");
	pmm_explore_result_release(&r);
}

/*
 * GUP-fast against fork (gup_fast()'s write_protect_seq check). fork()
 * shares P's anonymous page with the child and clears PageAnonExclusive
 * before it write-protects the PTE; a GUP-fast pin that read the PTE still
 * writable in between holds a page it may no longer own:
 *
 *	pinner: reads write_protect_seq (even)
 *	fork  : raw_write_seqcount_begin(); copy_present_pte() shares A
 *	pinner: reads A's PTE, still writable, pins the folio
 *	fork  : write-protects A, raw_write_seqcount_end()
 *	pinner: the sequence moved: back off, give the pin back
 *
 * The back-off gives the pin back with gup_fast_unpin_user_pages(), not
 * unpin_user_pages(), whose DEBUG_VM check would call the shared page a
 * bug. FOLL_FAST_ONLY keeps the slow path from refilling pages[]: a
 * back-off is the walk that returns 0 having filled pages[0].
 */
static unsigned long fork_backoffs;

static void fast_pinner(void *arg)
{
	struct page *pages[1] = { NULL };
	long n;

	(void)arg;
	n = pin_user_pages_fast(W.p->mm, A, 1, FOLL_WRITE | FOLL_FAST_ONLY, pages);
	if (n == 1)
		unpin_user_pages(pages, 1);
	else if (pages[0])
		fork_backoffs++;
}

static void forker(void *arg)
{
	(void)arg;
	W.c = pmm_fork(W.p);
}

static void fork_gupfast_setup(void *arg)
{
	(void)arg;
	world_up();
	pmm_task_create("fork", 0, forker, NULL);
	pmm_task_create("pin", 1, fast_pinner, NULL);
}

static void test_gupfast_backs_off_from_fork(void **state)
{
	struct pmm_program prog = { "fork-gupfast", "", fork_gupfast_setup, finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	o.trace = false;
	o.stop_on_violation = false;
	o.strategy = PMM_STRATEGY_DPOR;
	fork_backoffs = 0;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	assert_true(r.complete);
	assert_int_equal(r.violations, 0);
	assert_true(fork_backoffs > 0);
	pmm_explore_result_release(&r);
}

/*
 * exit_group() while a sibling thread pins with GUP-fast. The sibling is
 * a user of the mm (its task's mm_users reference, taken at clone), so
 * the exit only drops the process's own user, and the teardown waits for
 * the sibling's exit_mm(): GUP-fast never walks page tables exit_mmap()
 * freed, and the last user, whichever it is, tears the mm down before
 * the machine does. Classes: the pin made it (0) or found the process
 * gone (1).
 */
static unsigned int exit_pin_seen[2];
static bool exit_pin_bad;

static void exiter(void *arg)
{
	(void)arg;
	pmm_exit(W.p);
}

static void sibling_pinner(void *arg)
{
	struct pmm_pin *pin;
	int err;

	(void)arg;
	/* A first step, so that the exit may come before the pin looks. */
	sched_point(&W, PMM_ACC_READ);
	err = pmm_pin(W.p, A, 1, PMM_GUP_FAST | PMM_GUP_WRITE, &pin);
	if (!err) {
		pmm_pin_dma(pin, 0, "D", 1, true);
		pmm_unpin(pin);
	}
	exit_pin_seen[err != 0]++;
	exit_pin_bad |= err && err != -ESRCH;
	/* exit_mm() */
	pmm_process_put(W.p);
}

static void exit_pin_setup(void *arg)
{
	(void)arg;
	world_up();
	/* clone(CLONE_VM): the sibling's user of the mm. */
	if (pmm_process_get(W.p))
		return;
	pmm_task_create("exit", 0, exiter, NULL);
	pmm_task_create("pin", 1, sibling_pinner, NULL);
}

static void exit_pin_finish(void *arg)
{
	/* Torn down by the last user, not by the machine's teardown. */
	exit_pin_bad |= !W.p->mm->dead || W.p->mm->mm_users.counter;
	finish(arg);
}

static void test_exit_vs_gupfast(void **state)
{
	struct pmm_program prog = { "exit-gupfast", "", exit_pin_setup, exit_pin_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	memset(exit_pin_seen, 0, sizeof(exit_pin_seen));
	exit_pin_bad = false;
	o.trace = false;
	o.stop_on_violation = false;
	o.strategy = PMM_STRATEGY_DPOR;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	assert_true(r.complete);
	assert_int_equal(r.violations, 0);
	assert_false(exit_pin_bad);
	assert_true(exit_pin_seen[0] > 0 && exit_pin_seen[1] > 0);
	pmm_explore_result_release(&r);
}

/*
 * COW against a pin across fork (cow.c, test_cow_in_parent with a R/W
 * pin): the parent pins A for a device, forks, and writes A; the device
 * keeps writing through the pin. Today fork copies the maybe-pinned page
 * for the child, so the parent keeps the pinned page; sharing it instead
 * moves the parent off it at its first write.
 */
static void parent_writer(void *arg)
{
	(void)arg;
	pmm_store(W.p, A, "p", 1);
}

static void device(void *arg)
{
	(void)arg;
	pmm_pin_dma(W.pin, 1, "D", 1, true);
}

static void parent_reader(void *arg)
{
	char c[2];

	(void)arg;
	pmm_load(W.p, A, c, 2);
}

static void cow_pin_setup(void *arg)
{
	(void)arg;
	world_up();
	if (pmm_pin(W.p, A, 1, PMM_GUP_WRITE | PMM_GUP_LONGTERM, &W.pin))
		return;
	W.c = pmm_fork(W.p);
	pmm_task_create("parent", 0, parent_writer, NULL);
	pmm_task_create("device", 1, device, NULL);
	pmm_task_create("reader", 2, parent_reader, NULL);
}

static void cow_pin_finish(void *arg)
{
	pmm_unpin(W.pin);
	finish(arg);
}

static int explore_cow(struct pmm_explore_result *r)
{
	struct pmm_program prog = { "cow-pin", "", cow_pin_setup, cow_pin_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.trace = false;
	o.stop_on_violation = false;
	o.strategy = PMM_STRATEGY_DPOR;
	return pmm_explore(&prog, &o, r);
}

static void test_cow_vs_pin(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(explore_cow(&r), 0);
	assert_true(r.complete);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

static void test_cow_vs_pin_shared_at_fork(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(pmm_knob_set("fork.pinned_cow", "share"), 0);
	assert_int_equal(explore_cow(&r), 0);
	pmm_knob_reset();
	assert_true(r.complete);
	assert_true(r.violations > 0);
	assert_string_equal(r.oracle, "data-corruption");
	pmm_explore_result_release(&r);
}

/*
 * A missing TLB flush before freeing: T0 has A in its TLB; T1 unmaps A.
 * With the mmu_gather the frame is freed only after the flush; freeing
 * as each PTE is cleared leaves T0's TLB pointing at a free frame.
 */
static void toucher(void *arg)
{
	char c;

	(void)arg;
	pmm_load(W.p, A, &c, 1);
	pmm_load(W.p, A, &c, 1);
}

static void tlb_setup(void *arg)
{
	(void)arg;
	world_up();
	pmm_task_create("toucher", 0, toucher, NULL);
	pmm_task_create("munmap", 1, unmapper, NULL);
}

static void test_munmap_flushes_before_free(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(explore(tlb_setup, 0, &r), 0);
	assert_true(r.complete);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

static void test_munmap_free_before_flush(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(pmm_knob_set("mm.zap_flush", "after_free"), 0);
	assert_int_equal(explore(tlb_setup, 0, &r), 0);
	pmm_knob_reset();
	assert_true(r.complete);
	assert_true(r.violations > 0);
	assert_string_equal(r.oracle, "stale-tlb");
	pmm_explore_result_release(&r);
}

/*
 * Page-cache lookup against truncate: read(2) takes the folio with
 * folio_try_get() and rechecks the slot; truncate locks, unmaps and
 * removes it. No interleaving may read freed memory, return other than
 * the file's data, or leak the folio.
 */
static void file_reader(void *arg)
{
	(void)arg;
	pmm_file_read(W.q, W.f, 0, B, 4);
}

static void truncater(void *arg)
{
	(void)arg;
	pmm_truncate(W.f, 0);
}

static void cache_setup(void *arg)
{
	(void)arg;
	world_up();
	W.f = pmm_file_create(8192);
	pmm_store(W.p, A, "file", 4);
	pmm_file_write(W.p, W.f, 0, A, 4);
	pmm_task_create("read", 0, file_reader, NULL);
	pmm_task_create("truncate", 1, truncater, NULL);
}

static void test_lookup_vs_truncate(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(explore(cache_setup, 50000, &r), 0);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gupfast_vs_munmap),
		cmocka_unit_test(test_gupfast_without_recheck),
		cmocka_unit_test(test_gupfast_without_recheck_ipi),
		cmocka_unit_test(test_gupfast_backs_off_from_fork),
		cmocka_unit_test(test_exit_vs_gupfast),
		cmocka_unit_test(test_cow_vs_pin),
		cmocka_unit_test(test_cow_vs_pin_shared_at_fork),
		cmocka_unit_test(test_munmap_flushes_before_free),
		cmocka_unit_test(test_munmap_free_before_flush),
		cmocka_unit_test(test_lookup_vs_truncate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
