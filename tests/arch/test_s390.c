// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The rules of arch/s390/kernel/uv.c's comments, each shown needed by an
 * exploration that would find a violation without it, and the call sites
 * of arch_make_folio_accessible(): splice (the knob), GUP FOLL_PIN,
 * writeback; a device's DMA to a secure frame is io-on-secure.
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
#include "protmm/s390.h"

#include "../common/check.h"

/* Internals: the UV, folios. */
#include "arch/s390/uv.h"
#include "machine/machine.h"
#include "mm/pgalloc.h"

#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)
#define HVA	0x100000ul
#define GPA	0x0ul
#define PG	4096ul

static struct pmm_process *P;
static struct pmm_vm *V;
static struct pmm_file *F, *G;
static struct pmm_pipe *Q;

/* A VMM with its PV guest over a page of a MAP_SHARED file F at HVA. */
static void up(bool file)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	o.arch = "s390-pv";
	check(pmm_machine_init(&o) == 0);
	P = pmm_process_create();
	F = pmm_file_create(PG);
	G = pmm_file_create(PG);
	Q = pmm_pipe_create();
	check(pmm_truncate(F, PG) == 0 && pmm_truncate(G, PG) == 0);
	if (file)
		check(pmm_mmap(P, HVA, PG, RW, PMM_MAP_SHARED, F, 0) == 0);
	else
		check(pmm_mmap(P, HVA, PG, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_store(P, HVA, "host", 4) == 0);
	V = pmm_pv_vm_create(P);
	check(V && pmm_vm_set_memslot(V, GPA, HVA, PG) == 0);
}

static void down(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/*
 * Explores @setup to @preemptions; returns the oracle found ("" for none,
 * after checking that nothing failed and the search was complete).
 */
static char oracle[64];

static const char *explore(void (*setup)(void *), unsigned int preemptions)
{
	struct pmm_program prog = { "s390", "", setup, down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	failures = 0;
	o.preemptions = preemptions;
	o.trace = getenv("S390_TRACE") != NULL;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	if (o.trace && r.violations)
		fprintf(stderr, "%s\n", r.trace);
	oracle[0] = '\0';
	if (r.violations) {
		snprintf(oracle, sizeof(oracle), "%s", r.oracle);
		pmm_explore_result_release(&r);
		return oracle;
	}
	check_clean(&r);
	return oracle;
}

static void vcpu_write(void *arg)
{
	int rc;

	(void)arg;
	rc = pmm_pv_store(V, GPA, "guest", 5);
	check(rc == 0 || rc == -EAGAIN);
}

static void vcpu_import(void *arg)
{
	int rc;

	(void)arg;
	rc = pmm_pv_import(V, GPA);
	check(rc == 0 || rc == -EAGAIN);
}

/*
 * make_folio_secure() refuses a folio under writeback (-EAGAIN): the
 * writeback made it accessible before unlocking it, and the disk's DMA
 * comes after the unlock; a folio made secure then is DMAed secure.
 */
static void fsync_task(void *arg)
{
	(void)arg;
	check(pmm_fsync(F) == 0);
}

static void writeback_setup(void *arg)
{
	(void)arg;
	up(true);
	pmm_task_create("vcpu", 0, vcpu_import, NULL);
	pmm_task_create("fsync", 1, fsync_task, NULL);
}

static void test_writeback_refused(void **state)
{
	(void)state;
	assert_string_equal(explore(writeback_setup, 3), "");
}

/*
 * The freeze to expected_folio_refs(): a pin (O_DIRECT's) is an extra
 * reference, so the page cannot go secure between the pin's
 * arch_make_folio_accessible() and the DMA.
 */
static void odirect_task(void *arg)
{
	(void)arg;
	check(pmm_file_write_direct(P, G, 0, HVA, PG) == (ssize_t)PG);
}

static void odirect_setup(void *arg)
{
	(void)arg;
	up(false);
	pmm_task_create("vcpu", 0, vcpu_write, NULL);
	pmm_task_create("odirect", 1, odirect_task, NULL);
}

static void test_pin_blocks_import(void **state)
{
	(void)state;
	assert_string_equal(explore(odirect_setup, 2), "");
}

/*
 * PG_arch_1 set by make_folio_secure() and tested by
 * arch_make_folio_accessible(): GUP-fast's FOLL_PIN exports a secure
 * page; its DMA then reads the host-accessible page.
 */
static void gup_fast_task(void *arg)
{
	struct pmm_pin *pin;
	char buf[4];

	(void)arg;
	if (pmm_pin(P, HVA, 1, PMM_GUP_FAST, &pin))
		return;
	check(pmm_pin_dma(pin, 0, buf, 4, false) == 0);
	pmm_unpin(pin);
}

static void gup_fast_setup(void *arg)
{
	(void)arg;
	up(false);
	check(pmm_pv_store(V, GPA, "secret", 6) == 0);
	pmm_task_create("vcpu", 0, vcpu_write, NULL);
	pmm_task_create("gup", 1, gup_fast_task, NULL);
}

static void test_gup_fast_pin_exports(void **state)
{
	(void)state;
	assert_string_equal(explore(gup_fast_setup, 2), "");
}

/* A FOLL_GET reference makes nothing accessible: its DMA is io-on-secure. */
static void get_dma_setup(void *arg)
{
	struct pmm_pin *pin;
	char buf[4];

	(void)arg;
	up(false);
	check(pmm_pv_store(V, GPA, "secret", 6) == 0);
	check(pmm_pin(P, HVA, 1, PMM_GUP_GET, &pin) == 0);
	check(pmm_pin_dma(pin, 0, buf, 4, false) == -EIO);
	pmm_unpin(pin);
}

static void test_dma_to_secure_is_violation(void **state)
{
	(void)state;
	assert_string_equal(explore(get_dma_setup, 0), "io-on-secure");
}

/* splice to a NIC: the knob selects whether confirm makes it accessible. */
static void splice_task(void *arg)
{
	(void)arg;
	if (pmm_splice_to_pipe(F, 0, Q, PG) == (ssize_t)PG)
		check(pmm_splice_to_device(Q, PG) == (ssize_t)PG);
}

static void splice_setup(void *arg)
{
	(void)arg;
	up(true);
	pmm_task_create("vcpu", 0, vcpu_write, NULL);
	pmm_task_create("splice", 1, splice_task, NULL);
}

static void test_splice_present(void **state)
{
	(void)state;
	assert_int_equal(pmm_knob_set("s390.splice_accessible", "present"), 0);
	assert_string_equal(explore(splice_setup, 2), "");
	pmm_knob_reset();
}

static void test_splice_missing(void **state)
{
	(void)state;
	assert_int_equal(pmm_knob_set("s390.splice_accessible", "missing"), 0);
	assert_string_equal(explore(splice_setup, 2), "io-on-secure");
	pmm_knob_reset();
}

/*
 * Reading the pipe (the kernel's copy) needs no hook: the CPU's
 * secure-storage-access exception exports the page.
 */
static void pipe_read_setup(void *arg)
{
	char buf[8] = { 0 };

	(void)arg;
	up(true);
	check(pmm_mmap(P, 0x300000, PG, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_pv_store(V, GPA, "secret", 6) == 0);
	check(pmm_splice_to_pipe(F, 0, Q, PG) == (ssize_t)PG);
	check(pmm_pipe_read(P, Q, 0x300000, PG) == (ssize_t)PG);
	check(pmm_load(P, 0x300000, buf, 6) == 0 && memcmp(buf, "secret", 6));
	check(uv_stats.host_exceptions == 1 && uv_stats.exports == 1);
}

static void test_pipe_read_exception(void **state)
{
	(void)state;
	assert_int_equal(pmm_knob_set("s390.splice_accessible", "missing"), 0);
	assert_string_equal(explore(pipe_read_setup, 0), "");
	pmm_knob_reset();
}

/*
 * make_folio_secure() refuses a folio under writeback even when its
 * count is the expected one: in the kernel the I/O completes
 * asynchronously, after every lookup reference is gone (the model's
 * bios complete in the submitter, which still holds one, so the
 * explorations above cannot show it).
 */
static void writeback_rule_setup(void *arg)
{
	/* The UV keeps a pointer to its guest past this function. */
	struct uv_guest *g = pmm_alloc(sizeof(*g));
	struct folio *f;

	(void)arg;
	up(true);
	check(g != NULL);
	*g = (struct uv_guest){ .key = 1, .nr_gfns = 1 };
	g->pages = pmm_alloc(sizeof(*g->pages));
	f = page_folio(pte_page(*pte_offset_map(P->mm, HVA, NULL)));
	check(folio_trylock(f));
	set_bit(PG_writeback, &f->flags);
	check(make_folio_secure(f, g, 0) == -EAGAIN);
	check(!uv_frame_secure(folio_pfn(f)) && !folio_test_arch_1(f));
	clear_bit(PG_writeback, &f->flags);
	check(make_folio_secure(f, g, 0) == 0);
	check(uv_frame_secure(folio_pfn(f)) && folio_test_arch_1(f));
	folio_unlock(f);
}

static void test_writeback_rule(void **state)
{
	(void)state;
	assert_string_equal(explore(writeback_rule_setup, 0), "");
}

/*
 * arch_make_folio_accessible() does nothing without PG_arch_1: I/O on
 * memory no guest ever imported makes no UV call.
 */
static void no_arch1_setup(void *arg)
{
	char buf[8] = { 0 };

	(void)arg;
	up(false);
	check(pmm_file_write_direct(P, G, 0, HVA, PG) == (ssize_t)PG);
	check(pmm_file_read(P, G, 0, HVA, 4) == 4);
	check(pmm_load(P, HVA, buf, 4) == 0 && !memcmp(buf, "host", 4));
	check(uv_stats.calls == 0);
}

static void test_no_uv_call_without_arch1(void **state)
{
	(void)state;
	assert_string_equal(explore(no_arch1_setup, 0), "");
}

/* expected_folio_refs(): mappings, plus the page cache (or swap cache). */
static void expected_refs_setup(void *arg)
{
	pte_t *ptep;
	struct folio *f;

	(void)arg;
	up(true);
	ptep = pte_offset_map(P->mm, HVA, NULL);
	f = page_folio(pte_page(*ptep));
	check(expected_folio_refs(f) == 2 && folio_ref_count(f) == 2);
	check(pmm_mmap(P, 0x300000, PG, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_store(P, 0x300000, "a", 1) == 0);
	ptep = pte_offset_map(P->mm, 0x300000, NULL);
	f = page_folio(pte_page(*ptep));
	check(expected_folio_refs(f) == 1 && folio_ref_count(f) == 1);
}

static void test_expected_refs(void **state)
{
	(void)state;
	assert_string_equal(explore(expected_refs_setup, 0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writeback_refused),
		cmocka_unit_test(test_pin_blocks_import),
		cmocka_unit_test(test_gup_fast_pin_exports),
		cmocka_unit_test(test_dma_to_secure_is_violation),
		cmocka_unit_test(test_splice_present),
		cmocka_unit_test(test_splice_missing),
		cmocka_unit_test(test_pipe_read_exception),
		cmocka_unit_test(test_expected_refs),
		cmocka_unit_test(test_no_uv_call_without_arch1),
		cmocka_unit_test(test_writeback_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
