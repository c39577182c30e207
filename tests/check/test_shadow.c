// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The data oracle ("data-corruption", src/check/shadow.c) accepts for a
 * read any value its location held at some point of the reading
 * operation's window, and for a device reaching memory through a
 * reference that does not follow the page tables, the bytes of whatever
 * the frame is then. These tests hold it to the other half of that
 * bargain: a value lost for good is still reported.
 *
 * A "lost write" is made by a deliberately broken step: the test puts the
 * old byte back in the frame behind the oracle's back (frame_poke()),
 * as a model that lost the write would leave it. Each test also runs the
 * same program with the step made right (or the window open), where no
 * oracle may fire, so that a test cannot pass with a blind oracle.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fs/fs.h"
#include "machine/machine.h"
#include "mem/phys.h"
#include "protmm/protmm.h"
#include "sched/completion.h"
#include "sched/sched.h"

#include "../common/check.h"

#define A	0x100000ul
#define M	0x400000ul
#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)

static struct {
	struct pmm_process *p;
	struct pmm_file *f;
	struct pmm_pin *pin;
	/* The variant under test: the broken step, or the right one. */
	bool broken;
	/* The writer's operation has ended (set in the step that ends it). */
	bool writer_done;
} W;

/* Per exploration: executions whose reader began after the writer ended. */
static unsigned int began_after;
static const int yield_obj;

static void yield(void)
{
	sched_point_at(&yield_obj, PMM_ACC_READ, PMM_HERE);
}

static unsigned long frame_of(unsigned long addr)
{
	struct pmm_page_state ps;

	return pmm_page_state(W.p, addr, &ps) ? 0 : ps.pfn;
}

/* The store reaches the oracle, then the frame goes back to @old. */
static void store_lost(unsigned long addr, const char *b, const char *old)
{
	pmm_store(W.p, addr, b, 1);
	if (W.broken)
		frame_poke(frame_of(addr), (unsigned int)(addr & ~PAGE_MASK), old, 1);
}

static void build_machine(void)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	W.writer_done = false;
	if (pmm_machine_init(&o))
		return;
	W.p = pmm_process_create();
	pmm_mmap(W.p, A, PAGE_SIZE, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(W.p, A, "a", 1);
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* Every trace of @setup (DPOR); returns the violations, first in @r. */
static uint64_t explore(void (*setup)(void *), struct pmm_explore_result *r)
{
	struct pmm_program prog = { "shadow", "", setup, finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	began_after = 0;
	o.strategy = PMM_STRATEGY_DPOR;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, r), 0);
	assert_true(r->complete);
	return r->violations;
}

static void expect_corruption(void (*setup)(void *), const char *msg_part)
{
	struct pmm_explore_result r;

	W.broken = true;
	assert_int_not_equal(explore(setup, &r), 0);
	assert_string_equal(r.oracle, "data-corruption");
	assert_non_null(strstr(r.message, msg_part));
	pmm_explore_result_release(&r);
}

static void expect_clean(void (*setup)(void *))
{
	struct pmm_explore_result r;

	W.broken = false;
	if (explore(setup, &r))
		fail_msg("%s: %s", r.oracle, r.message);
	pmm_explore_result_release(&r);
}

/*
 * One task: an operation stores "b", which is lost; the next operation
 * loads. The store ended before the load began: "a" is stale.
 */
static void sequential_task(void *arg)
{
	char c;

	(void)arg;
	pmm_op_begin();
	store_lost(A, "b", "a");
	pmm_op_end();
	pmm_op_begin();
	pmm_load(W.p, A, &c, 1);
	pmm_op_end();
}

static void sequential_setup(void *arg)
{
	(void)arg;
	build_machine();
	pmm_task_create("T", 0, sequential_task, NULL);
}

static void test_read_after_completed_write(void **state)
{
	(void)state;
	expect_corruption(sequential_setup, "user read of mm1 address 0x100000 found 0x61");
	expect_clean(sequential_setup);
}

/*
 * Two tasks: the writer's store of "b" is lost; the reader loads "a" in
 * every execution. That is legal exactly when the reader's operation
 * began before the writer's ended (the load may have come first), a
 * violation exactly when it began after: the oracle must tell the two
 * apart in every interleaving.
 */
static void writer_task(void *arg)
{
	(void)arg;
	yield();
	pmm_op_begin();
	store_lost(A, "b", "a");
	pmm_op_end();
	W.writer_done = true;
}

static void reader_task(void *arg)
{
	char c;

	(void)arg;
	yield();
	pmm_op_begin();
	began_after += W.writer_done;
	yield();
	pmm_load(W.p, A, &c, 1);
	pmm_op_end();
}

static void window_setup(void *arg)
{
	(void)arg;
	build_machine();
	pmm_task_create("writer", 0, writer_task, NULL);
	pmm_task_create("reader", 1, reader_task, NULL);
}

static void test_window_is_exact(void **state)
{
	struct pmm_explore_result r;
	uint64_t v;

	(void)state;
	W.broken = true;
	v = explore(window_setup, &r);
	if (v != began_after || v == r.executions)
		fail_msg("%llu violations, %u executions with the reader after "
			 "the writer, %llu executions",
			 (unsigned long long)v, began_after,
			 (unsigned long long)r.executions);
	assert_true(v > 0);
	assert_string_equal(r.oracle, "data-corruption");
	pmm_explore_result_release(&r);
	expect_clean(window_setup);
}

/*
 * A FOLL_GET reference to a page the process still maps: the device reads
 * the process's memory, as it is when the DMA runs. With the write lost,
 * the DMA read finds the older "a" after the write ended: a violation.
 * (Once the page is another process's, or no file's, the device reads
 * that: get-ref-write-after-fork.pmm, get-ref-vs-punch.pmm.)
 */
static void get_task(void *arg)
{
	char c;

	(void)arg;
	pmm_op_begin();
	store_lost(A, "b", "a");
	pmm_op_end();
	pmm_op_begin();
	pmm_pin(W.p, A, 1, PMM_GUP_GET, &W.pin);
	pmm_op_end();
	pmm_op_begin();
	pmm_pin_dma(W.pin, 0, &c, 1, false);
	pmm_unpin(W.pin);
	pmm_op_end();
}

static void get_setup(void *arg)
{
	(void)arg;
	build_machine();
	pmm_task_create("T", 0, get_task, NULL);
}

static void test_reference_reads_frame_owner(void **state)
{
	(void)state;
	expect_corruption(get_setup, "DMA read of mm1 address 0x100000 found 0x61");
	expect_clean(get_setup);
}

/*
 * A FOLL_GET reference to a page reclaim unmapped but could not free (the
 * reference holds it in the swap cache; the PTE is a swap entry for it):
 * the page is still the process's, so what the device writes there is
 * what the process reads back once it faults the page in again.
 */
static void swapped_task(void *arg)
{
	char c;

	(void)arg;
	pmm_op_begin();
	pmm_pin(W.p, A, 1, PMM_GUP_GET | PMM_GUP_WRITE, &W.pin);
	pmm_op_end();
	pmm_op_begin();
	pmm_reclaim(W.p, A, PAGE_SIZE);
	check(pmm_swapped(W.p, A));
	pmm_op_end();
	pmm_op_begin();
	pmm_pin_dma(W.pin, 0, "D", 1, true);
	pmm_op_end();
	pmm_op_begin();
	pmm_load(W.p, A, &c, 1);
	check(c == 'D');
	pmm_unpin(W.pin);
	pmm_op_end();
}

static void swapped_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.swap_bytes = 64ul << 10;
	if (pmm_machine_init(&o))
		return;
	W.p = pmm_process_create();
	pmm_mmap(W.p, A, PAGE_SIZE, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(W.p, A, "a", 1);
	pmm_task_create("T", 0, swapped_task, NULL);
}

static void test_reference_reaches_swapped_owner(void **state)
{
	(void)state;
	failures = 0;
	expect_clean(swapped_setup);
	if (failures)
		fail_msg("%s", failure);
}

/*
 * A pin of two anonymous pages outlives the munmap() of the first and a
 * new mmap() there: the device's write through it lands in the old page,
 * which nobody maps, and the new mapping reads zeros (the oracle used to
 * record the "D" at the new mapping). The second page is still mapped,
 * so the pin still reaches the process's memory there: a DMA write to it
 * that the frame loses is still caught.
 */
static void remap_task(void *arg)
{
	char c = 'x';

	(void)arg;
	pmm_op_begin();
	pmm_munmap(W.p, A, PAGE_SIZE);
	pmm_mmap(W.p, A, PAGE_SIZE, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_op_end();
	pmm_op_begin();
	pmm_pin_dma(W.pin, 0, "D", 1, true);
	pmm_pin_dma(W.pin, PAGE_SIZE, "E", 1, true);
	if (W.broken)
		frame_poke(frame_of(A + PAGE_SIZE), 0, "b", 1);
	pmm_op_end();
	pmm_op_begin();
	pmm_load(W.p, A, &c, 1);
	check(c == 0);
	pmm_load(W.p, A + PAGE_SIZE, &c, 1);
	pmm_op_end();
	pmm_unpin(W.pin);
}

static void remap_setup(void *arg)
{
	(void)arg;
	build_machine();
	pmm_mmap(W.p, A + PAGE_SIZE, PAGE_SIZE, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(W.p, A + PAGE_SIZE, "b", 1);
	pmm_pin(W.p, A, 2, PMM_GUP_WRITE, &W.pin);
	pmm_task_create("T", 0, remap_task, NULL);
}

static void test_pin_outlives_munmap(void **state)
{
	(void)state;
	failures = 0;
	expect_corruption(remap_setup, "user read of mm1 address 0x101000 found 0x62");
	expect_clean(remap_setup);
	if (failures)
		fail_msg("%s", failure);
}

/*
 * A device writes through a FOLL_GET reference while mprotect() updates
 * the PTE (ptep_modify_prot_start() clears it, _commit() sets it): the
 * page stays the process's throughout, so the process reads the "D" back
 * in every interleaving. The owner lookup once found nobody while the
 * PTE was cleared, recorded nothing, and called the "D" corruption.
 */
static void get_dma_task(void *arg)
{
	char c = 0;

	(void)arg;
	pmm_op_begin();
	pmm_pin_dma(W.pin, 0, "D", 1, true);
	pmm_op_end();
	pmm_op_begin();
	pmm_load(W.p, A, &c, 1);
	check(c == 'D');
	pmm_op_end();
}

static void protect_task(void *arg)
{
	(void)arg;
	pmm_op_begin();
	pmm_mprotect(W.p, A, PAGE_SIZE, PMM_PROT_READ);
	pmm_op_end();
}

static void get_vs_mprotect_setup(void *arg)
{
	(void)arg;
	build_machine();
	pmm_pin(W.p, A, 1, PMM_GUP_GET | PMM_GUP_WRITE, &W.pin);
	pmm_task_create("device", 0, get_dma_task, NULL);
	pmm_task_create("mprotect", 1, protect_task, NULL);
}

static void get_vs_mprotect_finish(void *arg)
{
	pmm_unpin(W.pin);
	finish(arg);
}

static void test_reference_vs_mprotect(void **state)
{
	struct pmm_program prog = { "shadow", "", get_vs_mprotect_setup,
				    get_vs_mprotect_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	failures = 0;
	o.strategy = PMM_STRATEGY_DPOR;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	check_clean(&r);
}

/*
 * fork() against a store to a FOLL_PIN|FOLL_WRITE|FOLL_LONGTERM buffer,
 * then a DMA read through the pin (fork-vs-pinned-buffer.pmm), every
 * operation with its window. With fork.pinned_cow=share the store may
 * COW away from the pinned page and the device reads the stale "a": a
 * write pin follows the page tables, so its window is the DMA alone and
 * the oracle must still fire. With copy it must not.
 */
static void forker_task(void *arg)
{
	(void)arg;
	pmm_op_begin();
	pmm_fork(W.p);
	pmm_op_end();
}

static void user_task(void *arg)
{
	char c;

	(void)arg;
	pmm_op_begin();
	pmm_store(W.p, A, "u", 1);
	pmm_op_end();
	pmm_op_begin();
	pmm_pin_dma(W.pin, 0, &c, 1, false);
	pmm_op_end();
	pmm_op_begin();
	pmm_unpin(W.pin);
	pmm_op_end();
}

static void pinned_fork_setup(void *arg)
{
	(void)arg;
	build_machine();
	pmm_pin(W.p, A, 1, PMM_GUP_FAST | PMM_GUP_WRITE | PMM_GUP_LONGTERM, &W.pin);
	pmm_task_create("forker", 0, forker_task, NULL);
	pmm_task_create("user", 1, user_task, NULL);
}

static void test_pinned_cow_share_still_caught(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(pmm_knob_set("fork.pinned_cow", "share"), 0);
	W.broken = false;
	assert_int_not_equal(explore(pinned_fork_setup, &r), 0);
	assert_string_equal(r.oracle, "data-corruption");
	assert_non_null(strstr(r.message, "DMA read"));
	pmm_explore_result_release(&r);
	assert_int_equal(pmm_knob_set("fork.pinned_cow", "copy"), 0);
	expect_clean(pinned_fork_setup);
	pmm_knob_reset();
}

/*
 * GUP-fast against munmap and a reuse of the frame by Q
 * (gupfast-vs-munmap.pmm) with operation windows: without the recheck
 * (gup.fast_recheck=off) the device's write lands in Q's page, and Q's
 * load, in an operation of its own after Q's store, must still be
 * reported; with the recheck, in no execution.
 */
static struct pmm_process *Q;
/* The device is done: Q looks at its page only then. */
static struct completion *dma_done;

static void gupfast_pinner(void *arg)
{
	struct pmm_pin *pin;

	(void)arg;
	pmm_op_begin();
	if (!pmm_pin(W.p, A, 1, PMM_GUP_FAST | PMM_GUP_WRITE, &pin)) {
		pmm_op_end();
		pmm_op_begin();
		pmm_pin_dma(pin, 0, "D", 1, true);
		pmm_op_end();
		pmm_op_begin();
		pmm_unpin(pin);
	}
	pmm_op_end();
	complete(dma_done);
}

static void unmapper(void *arg)
{
	(void)arg;
	pmm_op_begin();
	pmm_munmap(W.p, A, PAGE_SIZE);
	pmm_op_end();
}

static void other_process(void *arg)
{
	char c;

	(void)arg;
	pmm_op_begin();
	pmm_store(Q, A + 2 * PAGE_SIZE, "q", 1);
	pmm_op_end();
	wait_for_completion(dma_done);
	pmm_op_begin();
	pmm_load(Q, A + 2 * PAGE_SIZE, &c, 1);
	pmm_op_end();
}

static void gupfast_setup(void *arg)
{
	(void)arg;
	build_machine();
	dma_done = pmm_alloc(sizeof(*dma_done));
	init_completion(dma_done);
	Q = pmm_process_create();
	pmm_mmap(Q, A + 2 * PAGE_SIZE, 2 * PAGE_SIZE, RW, PMM_MAP_PRIVATE, NULL, 0);
	/* Q's page tables exist: the frame it faults in later is data. */
	pmm_store(Q, A + 3 * PAGE_SIZE, "t", 1);
	pmm_task_create("pinner", 0, gupfast_pinner, NULL);
	pmm_task_create("unmapper", 1, unmapper, NULL);
	pmm_task_create("other", 1, other_process, NULL);
}

static uint64_t explore_pct(void (*setup)(void *), uint64_t n,
			    struct pmm_explore_result *r)
{
	struct pmm_program prog = { "shadow", "", setup, finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.strategy = PMM_STRATEGY_PCT;
	o.max_executions = n;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, r), 0);
	assert_int_equal(r->executions, n);
	return r->violations;
}

static void test_gupfast_no_recheck_still_caught(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	assert_int_equal(pmm_knob_set("gup.fast_recheck", "off"), 0);
	/* A flush that waits for no CPU: otherwise the walker is safe. */
	assert_int_equal(pmm_knob_set("tlb.flush", "broadcast"), 0);
	assert_int_not_equal(explore_pct(gupfast_setup, 5000, &r), 0);
	assert_string_equal(r.oracle, "data-corruption");
	assert_non_null(strstr(r.message, "user read of mm2"));
	pmm_explore_result_release(&r);
	assert_int_equal(pmm_knob_set("gup.fast_recheck", "on"), 0);
	if (explore_pct(gupfast_setup, 5000, &r))
		fail_msg("%s: %s", r.oracle, r.message);
	pmm_explore_result_release(&r);
	pmm_knob_reset();
}

/*
 * An O_DIRECT write whose invalidations are skipped (a broken model step:
 * the device writes the disk, as direct_io() does, but the page cache is
 * left alone). write(2) has returned, yet the mapped page still reads the
 * old "aaaa": a later operation's load must be reported. A load in an
 * operation that began while the write was under way may read it
 * (mapped-load-vs-odirect-write.pmm).
 */
static void dio_end_io(struct bio *bio, int status)
{
	(void)bio;
	(void)status;
}

static void direct_write_no_invalidate(void)
{
	struct inode *inode = W.f->inode;
	struct pmm_pin *pin;
	struct bio bio = {
		.bdev = inode->i_bdev,
		.write = true,
		.block = inode->i_first_block,
		.bi_end_io = dio_end_io,
		.mm = W.p->mm,
		.vaddr = A,
		.record_obj = &inode->i_mapping,
		.record_off = 0,
	};

	if (pmm_pin(W.p, A, 1, 0, &pin))
		return;
	bio.pfn = page_to_pfn(pin->pages[0]);
	submit_bio(&bio);
	pmm_unpin(pin);
}

static void dio_task(void *arg)
{
	char c[4];

	(void)arg;
	pmm_op_begin();
	if (W.broken)
		direct_write_no_invalidate();
	else
		pmm_file_write_direct(W.p, W.f, 0, A, PAGE_SIZE);
	pmm_op_end();
	pmm_op_begin();
	pmm_load(W.p, M, c, 4);
	pmm_op_end();
}

static void dio_setup(void *arg)
{
	char c[4];

	(void)arg;
	build_machine();
	W.f = pmm_file_create(PAGE_SIZE);
	pmm_store(W.p, A, "aaaa", 4);
	pmm_file_write(W.p, W.f, 0, A, 4);
	pmm_store(W.p, A, "DDDD", 4);
	pmm_mmap(W.p, M, PAGE_SIZE, PMM_PROT_READ, PMM_MAP_SHARED, W.f, 0);
	pmm_load(W.p, M, c, 4);
	pmm_fsync(W.f);
	pmm_task_create("T", 0, dio_task, NULL);
}

static void test_skipped_invalidation_caught(void **state)
{
	(void)state;
	expect_corruption(dio_setup, "user read of file 1 offset 0 found 0x61");
	expect_clean(dio_setup);
}

/*
 * A COW fault of a MAP_PRIVATE file page copies the page-cache page: the
 * copy is checked as a read of the file. With the cached page corrupt
 * (a lost write(2): "NEW!" reached the oracle, the frame kept "file"),
 * the kernel's read of it is reported when the store faults.
 */
static void cow_task(void *arg)
{
	struct pmm_page_state ps;

	(void)arg;
	pmm_op_begin();
	pmm_store(W.p, A, "NEW!", 4);
	pmm_file_write(W.p, W.f, 0, A, 4);
	if (W.broken && !pmm_page_state(W.p, M + PAGE_SIZE, &ps))
		frame_poke(ps.pfn, 0, "file", 4);
	pmm_op_end();
	pmm_op_begin();
	pmm_store(W.p, M + 1, "x", 1);
	pmm_op_end();
}

static void cow_setup(void *arg)
{
	char c[4];

	(void)arg;
	build_machine();
	W.f = pmm_file_create(PAGE_SIZE);
	pmm_store(W.p, A, "file", 4);
	pmm_file_write(W.p, W.f, 0, A, 4);
	pmm_mmap(W.p, M, PAGE_SIZE, RW, PMM_MAP_PRIVATE, W.f, 0);
	/* A shared mapping of the same page, to find its frame by. */
	pmm_mmap(W.p, M + PAGE_SIZE, PAGE_SIZE, PMM_PROT_READ, PMM_MAP_SHARED, W.f, 0);
	pmm_load(W.p, M + PAGE_SIZE, c, 4);
	pmm_task_create("T", 0, cow_task, NULL);
}

static void test_private_copy_checked_against_file(void **state)
{
	(void)state;
	expect_corruption(cow_setup, "kernel read of file 1 offset 0 found 0x66");
	expect_clean(cow_setup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_after_completed_write),
		cmocka_unit_test(test_window_is_exact),
		cmocka_unit_test(test_reference_reads_frame_owner),
		cmocka_unit_test(test_reference_reaches_swapped_owner),
		cmocka_unit_test(test_pinned_cow_share_still_caught),
		cmocka_unit_test(test_pin_outlives_munmap),
		cmocka_unit_test(test_reference_vs_mprotect),
		cmocka_unit_test(test_gupfast_no_recheck_still_caught),
		cmocka_unit_test(test_skipped_invalidation_caught),
		cmocka_unit_test(test_private_copy_checked_against_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
