// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/mm/cow.c, anon_test_cases[], run
 * "with base page" (do_run_with_base_page(fn, false)): one 4 KiB page of
 * MAP_PRIVATE|MAP_ANONYMOUS memory, populated with memset(mem, 1, ...):
 *
 *   test_cow_in_parent                   Basic COW after fork()
 *   test_cow_in_parent_mprotect          ... with mprotect() optimization
 *   test_vmsplice_in_child               vmsplice() + unmap in child
 *                                        (CVE-2020-29374)
 *   test_vmsplice_in_child_mprotect      ... with mprotect() optimization
 *   test_vmsplice_before_fork            vmsplice() before fork(), unmap
 *                                        in parent after fork()
 *   test_vmsplice_after_fork             vmsplice() + unmap in parent
 *                                        after fork()
 *   test_iouring_ro                      R/O-mapping a page registered as
 *                                        iouring fixed buffer
 *   test_iouring_fork                    fork() with an iouring fixed
 *                                        buffer
 *   test_ro_pin_on_shared                R/O GUP pin on R/O-mapped shared
 *   test_ro_fast_pin_on_shared           page (GUP, GUP-fast)
 *   test_ro_pin_on_ro_previously_shared  R/O GUP pin on R/O-mapped
 *   test_ro_fast_pin_on_ro_previously_shared  previously-shared page
 *   test_ro_pin_on_ro_exclusive          R/O GUP pin on R/O-mapped
 *   test_ro_fast_pin_on_ro_exclusive     exclusive page
 *
 * Each selftest is sequential (its processes hand over through pipes), so
 * each port is one task doing what the parent and the child do, in the
 * selftest's order: one execution. The vmsplice()d pipe is a FOLL_GET
 * GUP-fast reference read through pmm_pin_dma(); the io_uring fixed
 * buffer a FOLL_WRITE|FOLL_LONGTERM pin_user_pages_fast(), read back
 * through the pin as IORING_OP_WRITE_FIXED would.
 *
 * test_iouring_fork also runs with fork.pinned_cow=share, the kernel
 * before 5.9/5.19 (fork shared a pinned page, so the parent's next write
 * COWed it away from the pin): there the data-corruption oracle fires.
 *
 * After the ports, concurrent variants (marked "explored") drop the
 * pipes' handover where the selftest's assertion must hold whatever the
 * order, and explore every interleaving.
 */
#include "conformance.h"
#include "sched/completion.h"

enum ro_pin_test {
	RO_PIN_TEST_SHARED,
	RO_PIN_TEST_PREVIOUSLY_SHARED,
	RO_PIN_TEST_RO_EXCLUSIVE,
};

struct cow_case {
	const char *name;
	bool do_mprotect;
	bool before_fork;
	bool fast;
	enum ro_pin_test ro_test;
	/* test_iouring_ro only: pin while the PTE is R/O (see there). */
	bool pin_while_ro;
};

static struct pmm_process *P;

/*
 * The base page's machine. Built with COW_SWAP, the base-page case is
 * run_with_base_page_swap(): a machine with a
 * swap device, and MADV_PAGEOUT after the memset, so each case starts
 * from a swapped-out page (the selftest skips when it is not swapped).
 */
static bool machine_for_case(void)
{
#ifdef COW_SWAP
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	int err;

	o.swap_bytes = 1ul << 20;
	err = pmm_machine_init(&o);
	if (err)
		pmm_violation("setup", "pmm_machine_init: %d", err);
	return !err;
#else
	return conf_machine();
#endif
}

/*
 * The memory type run_anon_test_case() gives the case: the base page, or
 * a THP (run_with_thp()): PMD-mapped, PTE-mapped, or a single PTE of it.
 * MEMA and SIZE are the selftest's mem and size; a pin covers NPIN pages
 * from mem (the whole of it, but at most pmm_pin()'s 64 pages).
 */
enum run_type { RUN_BASE, RUN_THP_PMD, RUN_THP_PTE, RUN_THP_SINGLE_PTE };
#define THP_MEM		0x40000000ul
#define THP_SIZE	(2ul << 20)

static enum run_type RUN = RUN_BASE;
static unsigned long MEMA = MEM, SIZE = PAGE, NPIN = 1;

static void run_type(enum run_type t)
{
	RUN = t;
	MEMA = t == RUN_BASE ? MEM : THP_MEM;
	SIZE = t == RUN_BASE || t == RUN_THP_SINGLE_PTE ? PAGE : THP_SIZE;
	NPIN = SIZE / PAGE < 64 ? SIZE / PAGE : 64;
}

/* do_run_with_base_page(): mmap, MADV_NOHUGEPAGE, memset(mem, 1, ...). */
static bool base_page(void)
{
	if (!machine_for_case())
		return false;
	P = pmm_process_create();
	if (!P || pmm_mmap(P, MEMA, SIZE, PMM_PROT_READ | PMM_PROT_WRITE,
			   PMM_MAP_PRIVATE, NULL, 0) ||
	    pmm_madvise(P, MEMA, SIZE, PMM_MADV_NOHUGEPAGE) ||
	    conf_fill(P, MEMA, SIZE, 1)) {
		pmm_violation("setup", "populating the base page failed");
		return false;
	}
#ifdef COW_SWAP
	if (pmm_reclaim(P, MEM, PAGE) != 1 || !pmm_swapped(P, MEM)) {
		pmm_violation("setup", "MADV_PAGEOUT did not work");
		return false;
	}
#endif
	return true;
}

/*
 * do_run_with_thp(): a 2 MiB-aligned mapping with MADV_HUGEPAGE,
 * populated with memset(mem, 1, thpsize), which must give a PMD-mapped
 * THP; then for THP_RUN_PTE one subpage is mapped R/O and R/W again
 * (mprotect() splits the PMD), and for THP_RUN_SINGLE_PTE all but the
 * first page go: the selftest's MADV_DONTNEED is not modelled, so they
 * are unmapped instead (the THP keeps one PTE either way).
 */
#ifdef COW_SWAP
/*
 * run_with_thp_swap(), run_with_pte_mapped_thp_swap(),
 * run_with_single_pte_of_thp_swap(): MADV_PAGEOUT of mem's size, and the
 * selftest skips unless range_is_swapped(). The model's reclaim splits
 * the THP first and swaps its pages one by one: a kernel whose
 * add_to_swap() cannot take a large folio (no CONFIG_THP_SWAP, or arm64
 * on MTE hardware while arch_thp_swp_supported() said no), where
 * shrink_folio_list() splits it with split_folio_to_list() and swaps the
 * pages out.
 */
static bool thp_swapout(void)
{
	unsigned long off;

	if (pmm_reclaim(P, MEMA, SIZE) != (long)(SIZE / PAGE)) {
		pmm_violation("setup", "MADV_PAGEOUT did not work");
		return false;
	}
	for (off = 0; off < SIZE; off += PAGE)
		if (!pmm_swapped(P, MEMA + off)) {
			pmm_violation("setup", "range_is_swapped(): %#lx is not",
				      MEMA + off);
			return false;
		}
	return true;
}
#endif

static bool thp(void)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	int err;

	o.ram_bytes = 16ul << 20;
#ifdef COW_SWAP
	o.swap_bytes = 4ul << 20;
#endif
	err = pmm_machine_init(&o);
	if (err) {
		pmm_violation("setup", "pmm_machine_init: %d", err);
		return false;
	}
	P = pmm_process_create();
	if (!P || pmm_mmap(P, THP_MEM, THP_SIZE, PMM_PROT_READ | PMM_PROT_WRITE,
			   PMM_MAP_PRIVATE, NULL, 0) ||
	    pmm_madvise(P, THP_MEM, THP_SIZE, PMM_MADV_HUGEPAGE) ||
	    conf_fill(P, THP_MEM, THP_SIZE, 1) ||
	    pmm_thp_state(P, THP_MEM) != PMM_THP_PMD) {
		pmm_violation("setup", "Did not get a THP populated");
		return false;
	}
	if (RUN == RUN_THP_PTE &&
	    (pmm_mprotect(P, THP_MEM + PAGE, PAGE, PMM_PROT_READ) ||
	     pmm_mprotect(P, THP_MEM + PAGE, PAGE, PMM_PROT_READ | PMM_PROT_WRITE) ||
	     pmm_thp_state(P, THP_MEM) != PMM_THP_PTE)) {
		pmm_violation("setup", "PTE-mapping the THP failed");
		return false;
	}
	if (RUN == RUN_THP_SINGLE_PTE &&
	    (pmm_munmap(P, THP_MEM + PAGE, THP_SIZE - PAGE) ||
	     pmm_thp_state(P, THP_MEM) != PMM_THP_PTE)) {
		pmm_violation("setup", "leaving a single PTE of the THP failed");
		return false;
	}
#ifdef COW_SWAP
	return thp_swapout();
#else
	return true;
#endif
}

static bool prepare_mem(void)
{
	return RUN == RUN_BASE ? base_page() : thp();
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* The selftest's parent, mprotect(PROT_READ) + mprotect(PROT_READ|WRITE). */
static void mprotect_ro_rw(struct pmm_process *p)
{
	int ret = pmm_mprotect(p, MEMA, SIZE, PMM_PROT_READ);

	ret |= pmm_mprotect(p, MEMA, SIZE, PMM_PROT_READ | PMM_PROT_WRITE);
	CHECK(!ret, "mprotect() failed");
}

/*
 * do_test_cow_in_parent() with child_memcmp_fn(): the child backs up the
 * page, the parent modifies it, the child must still read the old values.
 */
static void t_cow_in_parent(void *arg)
{
	const struct cow_case *c = arg;
	unsigned char got = 0;
	struct pmm_process *child = pmm_fork(P);
	int ret;

	CHECK(child, "fork() failed");
	CHECK(!conf_expect(child, MEMA, SIZE, 1, &got),
	      "child's backup of the page is not the parent's content");
	if (c->do_mprotect)
		mprotect_ro_rw(P);
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "parent's memset() failed");
	ret = conf_expect(child, MEMA, SIZE, 1, &got);
	CHECK(!ret, "Leak from parent into child (%d, read %#x)", ret, got);
	pmm_exit(child);
	pmm_munmap(P, MEMA, SIZE);
}

static void setup_cow_in_parent(void *arg)
{
	if (prepare_mem())
		conf_task("selftest", 0, t_cow_in_parent, arg);
}

/*
 * do_test_cow_in_parent() with child_vmsplice_memcmp_fn(): the child
 * vmsplice()s the page (a R/O GUP reference, FOLL_GET via GUP-fast) and
 * unmaps it; the parent modifies the page; reading the pipe, the child
 * must still see the old values.
 */
static void t_vmsplice_in_child(void *arg)
{
	const struct cow_case *c = arg;
	struct pmm_process *child = pmm_fork(P);
	struct pmm_pin *pipe = NULL;
	unsigned char got = 0;
	int ret;

	CHECK(child, "fork() failed");
	ret = pmm_pin(child, MEMA, NPIN, PMM_GUP_GET | PMM_GUP_FAST, &pipe);
	CHECK(!ret, "vmsplice() failed: %d", ret);
	CHECK(!pmm_munmap(child, MEMA, SIZE), "munmap() failed");
	if (c->do_mprotect)
		mprotect_ro_rw(P);
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "parent's memset() failed");
	ret = conf_expect_pin(pipe, 0, NPIN * PAGE, 1, &got);
	CHECK(!ret, "Leak from parent into child (%d, pipe read %#x)", ret, got);
	pmm_unpin(pipe);
	pmm_exit(child);
}

static void setup_vmsplice_in_child(void *arg)
{
	if (prepare_mem())
		conf_task("selftest", 0, t_vmsplice_in_child, arg);
}

/*
 * do_test_vmsplice_in_parent(): the parent vmsplice()s the page before or
 * after fork() and unmaps it after fork(); the child modifies the page;
 * reading the pipe, the parent must still see the old values.
 */
static void t_vmsplice_in_parent(void *arg)
{
	const struct cow_case *c = arg;
	struct pmm_process *child;
	struct pmm_pin *pipe = NULL;
	unsigned char got = 0;
	int ret;

	if (c->before_fork) {
		ret = pmm_pin(P, MEMA, NPIN, PMM_GUP_GET | PMM_GUP_FAST, &pipe);
		CHECK(!ret, "vmsplice() failed: %d", ret);
	}
	child = pmm_fork(P);
	CHECK(child, "fork() failed");
	if (!c->before_fork) {
		ret = pmm_pin(P, MEMA, NPIN, PMM_GUP_GET | PMM_GUP_FAST, &pipe);
		CHECK(!ret, "vmsplice() failed: %d", ret);
	}
	CHECK(!pmm_munmap(P, MEMA, SIZE), "munmap() failed");
	CHECK(!conf_fill(child, MEMA, SIZE, 0xff), "child's memset() failed");
	pmm_exit(child);
	ret = conf_expect_pin(pipe, 0, NPIN * PAGE, 1, &got);
	CHECK(!ret, "Leak from child into parent (%d, pipe read %#x)", ret, got);
	pmm_unpin(pipe);
}

static void setup_vmsplice_in_parent(void *arg)
{
	if (prepare_mem())
		conf_task("selftest", 0, t_vmsplice_in_parent, arg);
}

#define IOURING_PIN (PMM_GUP_WRITE | PMM_GUP_LONGTERM | PMM_GUP_FAST)

/*
 * do_test_iouring(mem, size, false): register the page as a fixed buffer
 * (FOLL_WRITE|FOLL_PIN|FOLL_LONGTERM), map it R/O and R/W again, modify
 * it; what the pin writes to the file must be the new content.
 *
 * The selftest clears soft-dirty between the two mprotect() calls so that
 * the page stays mapped R/O and the memset() write-faults. The model has
 * no soft-dirty tracking: its mprotect(PROT_READ|PROT_WRITE) maps the
 * exclusive page writable at once, as the kernel does without
 * clear_softdirty(). The pin_while_ro variant takes the pin while the
 * page is mapped R/O instead, so that the pin itself goes through the
 * R/O PTE.
 */
static void t_iouring_ro(void *arg)
{
	const struct cow_case *c = arg;
	struct pmm_pin *pin = NULL;
	unsigned char got = 0;
	int ret;

	if (!c->pin_while_ro) {
		ret = pmm_pin(P, MEMA, NPIN, IOURING_PIN, &pin);
		CHECK(!ret, "io_uring_register_buffers() failed: %d", ret);
		mprotect_ro_rw(P);
	} else {
		CHECK(!pmm_mprotect(P, MEMA, SIZE, PMM_PROT_READ), "mprotect() failed");
		ret = pmm_pin(P, MEMA, NPIN, PMM_GUP_LONGTERM | (c->fast ? PMM_GUP_FAST : 0),
			      &pin);
		CHECK(!ret, "R/O pin of the R/O-mapped page failed: %d", ret);
		CHECK(!pmm_mprotect(P, MEMA, SIZE, PMM_PROT_READ | PMM_PROT_WRITE),
		      "mprotect() failed");
	}
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "memset() failed");
	ret = conf_expect_pin(pin, 0, NPIN * PAGE, 0xff, &got);
	CHECK(!ret, "Longterm R/W pin is not reliable (%d, read %#x)", ret, got);
	ret = conf_expect(P, MEMA, SIZE, 0xff, &got);
	CHECK(!ret, "memory does not read what was written (%d)", ret);
	pmm_unpin(pin);
}

static void setup_iouring_ro(void *arg)
{
	if (prepare_mem())
		conf_task("selftest", 0, t_iouring_ro, arg);
}

/*
 * do_test_iouring(mem, size, true): register the fixed buffer, fork() and
 * keep the child alive; modify the page; what the pin writes to the file
 * must be the new content (the pinned page is not shared with the child).
 */
static void t_iouring_fork(void *arg)
{
	struct pmm_page_state st, cst;
	struct pmm_process *child;
	struct pmm_pin *pin = NULL;
	unsigned char got = 0;
	int ret;

	(void)arg;
	ret = pmm_pin(P, MEMA, NPIN, IOURING_PIN, &pin);
	CHECK(!ret, "io_uring_register_buffers() failed: %d", ret);
	child = pmm_fork(P);
	CHECK(child, "fork() failed");
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "memset() failed");
	ret = conf_expect_pin(pin, 0, NPIN * PAGE, 0xff, &got);
	CHECK(!ret, "Longterm R/W pin is not reliable (%d, read %#x)", ret, got);
	/* Beyond the selftest: fork() copied the pinned page for the child. */
	if (!conf_state(P, MEMA, &st) || !conf_state(child, MEMA, &cst))
		return;
	CHECK(st.maybe_pinned && st.anon_exclusive && cst.pfn != st.pfn &&
	      !cst.maybe_pinned, "the pinned page is shared with the child");
	ret = conf_expect(child, MEMA, SIZE, 1, &got);
	CHECK(!ret, "Leak from parent into child (%d, read %#x)", ret, got);
	pmm_exit(child);
	pmm_unpin(pin);
}

static void setup_iouring_fork(void *arg)
{
	if (prepare_mem())
		conf_task("selftest", 0, t_iouring_fork, arg);
}

/*
 * do_test_ro_pin(): share the page with a child (and let it quit), or map
 * it R/O; take a R/O longterm pin (PIN_LONGTERM_TEST_START, GUP or
 * GUP-fast), which must unshare; modify the page; reading through the pin
 * (PIN_LONGTERM_TEST_READ) must show the modification.
 */
static void t_ro_pin(void *arg)
{
	const struct cow_case *c = arg;
	struct pmm_page_state st, cst;
	struct pmm_process *child = NULL;
	struct pmm_pin *pin = NULL;
	unsigned char got = 0;
	int ret;

	switch (c->ro_test) {
	case RO_PIN_TEST_SHARED:
	case RO_PIN_TEST_PREVIOUSLY_SHARED:
		child = pmm_fork(P);
		CHECK(child, "fork() failed");
		if (c->ro_test == RO_PIN_TEST_PREVIOUSLY_SHARED) {
			pmm_exit(child);
			child = NULL;
		}
		break;
	case RO_PIN_TEST_RO_EXCLUSIVE:
		/* As in t_iouring_ro(): no soft-dirty to clear here. */
		mprotect_ro_rw(P);
		break;
	}
	ret = pmm_pin(P, MEMA, NPIN, PMM_GUP_LONGTERM | (c->fast ? PMM_GUP_FAST : 0),
		      &pin);
	CHECK(!ret, "PIN_LONGTERM_TEST_START failed: %d", ret);
	/* Beyond the selftest: the pin unshared: the page is ours alone. */
	if (!conf_state(P, MEMA, &st))
		return;
	CHECK(st.maybe_pinned && st.anon_exclusive,
	      "R/O pinned page is not exclusive (pinned %d, exclusive %d)",
	      st.maybe_pinned, st.anon_exclusive);
	/* Swapped out (COW_SWAP), the child's PTE still holds the entry. */
	if (child && !pmm_swapped(child, MEMA) && conf_state(child, MEMA, &cst))
		CHECK(cst.pfn != st.pfn, "R/O pin did not unshare the page");
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "memset() failed");
	ret = conf_expect_pin(pin, 0, NPIN * PAGE, 0xff, &got);
	CHECK(!ret, "Longterm R/O pin is not reliable (%d, read %#x)", ret, got);
	pmm_unpin(pin);
	if (child) {
		ret = conf_expect(child, MEMA, SIZE, 1, &got);
		CHECK(!ret, "Leak from parent into child (%d, read %#x)", ret, got);
		pmm_exit(child);
	}
}

static void setup_ro_pin(void *arg)
{
	if (prepare_mem())
		conf_task("selftest", 0, t_ro_pin, arg);
}

static const struct cow_case
	cow_in_parent = { .name = "test_cow_in_parent" },
	cow_in_parent_mprotect = { .name = "test_cow_in_parent_mprotect", .do_mprotect = true },
	vmsplice_in_child = { .name = "test_vmsplice_in_child" },
	vmsplice_in_child_mprotect = { .name = "test_vmsplice_in_child_mprotect",
				       .do_mprotect = true },
	vmsplice_before_fork = { .name = "test_vmsplice_before_fork", .before_fork = true },
	vmsplice_after_fork = { .name = "test_vmsplice_after_fork" },
	iouring_ro = { .name = "test_iouring_ro" },
	iouring_ro_pin_ro = { .name = "test_iouring_ro (R/O pin while R/O-mapped)",
			      .pin_while_ro = true },
	iouring_ro_fast_pin_ro = { .name = "test_iouring_ro (R/O fast pin while R/O-mapped)",
				   .pin_while_ro = true, .fast = true },
	iouring_fork = { .name = "test_iouring_fork" },
	ro_pin_on_shared = { .name = "test_ro_pin_on_shared", .ro_test = RO_PIN_TEST_SHARED },
	ro_fast_pin_on_shared = { .name = "test_ro_fast_pin_on_shared",
				  .ro_test = RO_PIN_TEST_SHARED, .fast = true },
	ro_pin_on_ro_previously_shared = { .name = "test_ro_pin_on_ro_previously_shared",
					   .ro_test = RO_PIN_TEST_PREVIOUSLY_SHARED },
	ro_fast_pin_on_ro_previously_shared = {
		.name = "test_ro_fast_pin_on_ro_previously_shared",
		.ro_test = RO_PIN_TEST_PREVIOUSLY_SHARED, .fast = true },
	ro_pin_on_ro_exclusive = { .name = "test_ro_pin_on_ro_exclusive",
				   .ro_test = RO_PIN_TEST_RO_EXCLUSIVE },
	ro_fast_pin_on_ro_exclusive = { .name = "test_ro_fast_pin_on_ro_exclusive",
					.ro_test = RO_PIN_TEST_RO_EXCLUSIVE, .fast = true };

/*
 * Explored variants: the selftest's processes as tasks on two CPUs, with
 * no handover between them where its assertion holds in any order.
 */
static struct pmm_process *C;
static struct pmm_pin *PIN;

/* test_cow_in_parent: the parent's memset() races the child's reads. */
static void t_parent_memset(void *arg)
{
	(void)arg;
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "parent's memset() failed");
}

static void t_child_memcmp(void *arg)
{
	unsigned char got = 0;
	int ret = conf_expect(C, MEMA, SIZE, 1, &got);

	(void)arg;
	CHECK(!ret, "Leak from parent into child (%d, read %#x)", ret, got);
	ret = conf_expect(C, MEMA, SIZE, 1, &got);
	CHECK(!ret, "Leak from parent into child (%d, read %#x)", ret, got);
}

static void setup_cow_in_parent_explored(void *arg)
{
	(void)arg;
	if (!base_page())
		return;
	C = pmm_fork(P);
	if (!C) {
		pmm_violation("setup", "fork() failed");
		return;
	}
	conf_task("parent", 0, t_parent_memset, NULL);
	conf_task("child", 1, t_child_memcmp, NULL);
}

/* test_vmsplice_in_child: the parent's memset() races the pipe's reads. */
static void t_child_pipe_read(void *arg)
{
	unsigned char got = 0;
	int ret = conf_expect_pin(PIN, 0, NPIN * PAGE, 1, &got);

	(void)arg;
	CHECK(!ret, "Leak from parent into child (%d, pipe read %#x)", ret, got);
	ret = conf_expect_pin(PIN, 0, NPIN * PAGE, 1, &got);
	CHECK(!ret, "Leak from parent into child (%d, pipe read %#x)", ret, got);
	pmm_unpin(PIN);
}

static void setup_vmsplice_in_child_explored(void *arg)
{
	(void)arg;
	if (!base_page())
		return;
	C = pmm_fork(P);
	if (!C || pmm_pin(C, MEMA, NPIN, PMM_GUP_GET | PMM_GUP_FAST, &PIN) ||
	    pmm_munmap(C, MEMA, SIZE)) {
		pmm_violation("setup", "fork(), vmsplice() or munmap() failed");
		return;
	}
	conf_task("parent", 0, t_parent_memset, NULL);
	conf_task("child", 1, t_child_pipe_read, NULL);
}

/*
 * test_ro_pin_on_shared: the child reads the page while the parent takes
 * its R/O longterm pin (which unshares), modifies the page and reads it
 * back through the pin. (Racing the child's exit instead, as in
 * _previously_shared, takes too many interleavings to explore.)
 */
static void t_parent_ro_pin(void *arg)
{
	const struct cow_case *c = arg;
	unsigned char got = 0;
	int ret;

	ret = pmm_pin(P, MEMA, NPIN, PMM_GUP_LONGTERM | (c->fast ? PMM_GUP_FAST : 0),
		      &PIN);
	CHECK(!ret, "PIN_LONGTERM_TEST_START failed: %d", ret);
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "memset() failed");
	ret = conf_expect_pin(PIN, 0, NPIN * PAGE, 0xff, &got);
	CHECK(!ret, "Longterm R/O pin is not reliable (%d, read %#x)", ret, got);
	pmm_unpin(PIN);
}

static void setup_ro_pin_explored(void *arg)
{
	if (!base_page())
		return;
	C = pmm_fork(P);
	if (!C) {
		pmm_violation("setup", "fork() failed");
		return;
	}
	conf_task("parent", 0, t_parent_ro_pin, arg);
	conf_task("child", 1, t_child_memcmp, NULL);
}

/*
 * test_iouring_fork: one thread of the parent forks while another
 * modifies the fixed buffer and reads it back through the pin; it
 * unregisters the buffer once the fork is done (a completion, so that
 * the unpin's steps add no interleavings).
 */
static struct completion *FORKED;

static void t_fork(void *arg)
{
	(void)arg;
	CHECK(pmm_fork(P), "fork() failed");
	complete(FORKED);
}

static void t_memset_and_read_pin(void *arg)
{
	unsigned char got = 0;
	int ret;

	(void)arg;
	CHECK(!conf_fill(P, MEMA, SIZE, 0xff), "memset() failed");
	ret = conf_expect_pin(PIN, 0, NPIN * PAGE, 0xff, &got);
	CHECK(!ret, "Longterm R/W pin is not reliable (%d, read %#x)", ret, got);
	wait_for_completion(FORKED);
	pmm_unpin(PIN);
}

static void setup_iouring_fork_explored(void *arg)
{
	(void)arg;
	if (!base_page())
		return;
	if (pmm_pin(P, MEMA, NPIN, IOURING_PIN, &PIN)) {
		pmm_violation("setup", "io_uring_register_buffers() failed");
		return;
	}
	FORKED = pmm_alloc(sizeof(*FORKED));
	if (!FORKED)
		return;
	init_completion(FORKED);
	conf_task("fork", 0, t_fork, NULL);
	conf_task("io", 1, t_memset_and_read_pin, NULL);
}

static uint64_t run_explored(void (*setup)(void *), const char *name,
			     const struct cow_case *c)
{
	struct pmm_program prog = PROG(name, setup, finish, c);
	uint64_t n = conf_expect_pass(&prog);

	/* Two tasks: more than one interleaving was looked at. */
	assert_true(n > 1);
	return n;
}

static void test_cow_in_parent_explored(void **state)
{
	(void)state;
	run_explored(setup_cow_in_parent_explored,
		     "test_cow_in_parent, explored", NULL);
}

static void test_vmsplice_in_child_explored(void **state)
{
	(void)state;
	run_explored(setup_vmsplice_in_child_explored,
		     "test_vmsplice_in_child, explored", NULL);
}

static void test_ro_pin_on_shared_explored(void **state)
{
	(void)state;
	run_explored(setup_ro_pin_explored, "test_ro_pin_on_shared, explored",
		     &ro_pin_on_shared);
	run_explored(setup_ro_pin_explored, "test_ro_fast_pin_on_shared, explored",
		     &ro_fast_pin_on_shared);
}

static void test_iouring_fork_explored(void **state)
{
	(void)state;
	run_explored(setup_iouring_fork_explored, "test_iouring_fork, explored",
		     NULL);
}

/*
 * The old kernel: a fork() before the memset() leaves the pin stale (the
 * data-corruption oracle, first in search order); a fork() after it
 * leaves the pinned page shared with the child, not PageAnonExclusive,
 * which unpin_user_page()'s DEBUG_VM check reports ("bug-on"). Either
 * way every interleaving goes wrong.
 */
static void test_iouring_fork_explored_old_kernel(void **state)
{
	struct pmm_program prog = PROG("test_iouring_fork, explored, "
				       "fork.pinned_cow=share",
				       setup_iouring_fork_explored, finish, NULL);

	(void)state;
	conf_knob("fork.pinned_cow", "share");
	conf_expect_bug(&prog, 0, "data-corruption", "DMA");
}

static void run(void (*setup)(void *), const struct cow_case *c)
{
	struct pmm_program prog = PROG(c->name, setup, finish, c);

	conf_expect_pass(&prog);
}

static void test_cow_in_parent(void **state)
{
	(void)state;
	run(setup_cow_in_parent, &cow_in_parent);
}

static void test_cow_in_parent_mprotect(void **state)
{
	(void)state;
	run(setup_cow_in_parent, &cow_in_parent_mprotect);
}

static void test_vmsplice_in_child(void **state)
{
	(void)state;
	run(setup_vmsplice_in_child, &vmsplice_in_child);
}

static void test_vmsplice_in_child_mprotect(void **state)
{
	(void)state;
	run(setup_vmsplice_in_child, &vmsplice_in_child_mprotect);
}

static void test_vmsplice_before_fork(void **state)
{
	(void)state;
	run(setup_vmsplice_in_parent, &vmsplice_before_fork);
}

static void test_vmsplice_after_fork(void **state)
{
	(void)state;
	run(setup_vmsplice_in_parent, &vmsplice_after_fork);
}

static void test_iouring_ro(void **state)
{
	(void)state;
	run(setup_iouring_ro, &iouring_ro);
	run(setup_iouring_ro, &iouring_ro_pin_ro);
	run(setup_iouring_ro, &iouring_ro_fast_pin_ro);
}

static void test_iouring_fork(void **state)
{
	(void)state;
	run(setup_iouring_fork, &iouring_fork);
}

/* Before Linux 5.9/5.19 fork() shared the pinned page: the pin goes stale. */
static void test_iouring_fork_old_kernel(void **state)
{
	struct pmm_program prog = PROG("test_iouring_fork, fork.pinned_cow=share",
				       setup_iouring_fork, finish, &iouring_fork);

	(void)state;
	conf_knob("fork.pinned_cow", "share");
	conf_expect_bug(&prog, 1, "data-corruption", "DMA");
}

static void test_ro_pin_on_shared(void **state)
{
	(void)state;
	run(setup_ro_pin, &ro_pin_on_shared);
}

static void test_ro_fast_pin_on_shared(void **state)
{
	(void)state;
	run(setup_ro_pin, &ro_fast_pin_on_shared);
}

static void test_ro_pin_on_ro_previously_shared(void **state)
{
	(void)state;
	run(setup_ro_pin, &ro_pin_on_ro_previously_shared);
}

static void test_ro_fast_pin_on_ro_previously_shared(void **state)
{
	(void)state;
	run(setup_ro_pin, &ro_fast_pin_on_ro_previously_shared);
}

static void test_ro_pin_on_ro_exclusive(void **state)
{
	(void)state;
	run(setup_ro_pin, &ro_pin_on_ro_exclusive);
}

static void test_ro_fast_pin_on_ro_exclusive(void **state)
{
	(void)state;
	run(setup_ro_pin, &ro_fast_pin_on_ro_exclusive);
}

/*
 * run_with_thp(), run_with_pte_mapped_thp(), run_with_single_pte_of_thp():
 * every anon test case above on the THP memory types.
 */
static void run_all_on(enum run_type t)
{
	static const struct {
		void (*setup)(void *);
		const struct cow_case *c;
	} cases[] = {
		{ setup_cow_in_parent, &cow_in_parent },
		{ setup_cow_in_parent, &cow_in_parent_mprotect },
		{ setup_vmsplice_in_child, &vmsplice_in_child },
		{ setup_vmsplice_in_child, &vmsplice_in_child_mprotect },
		{ setup_vmsplice_in_parent, &vmsplice_before_fork },
		{ setup_vmsplice_in_parent, &vmsplice_after_fork },
		{ setup_iouring_ro, &iouring_ro },
		{ setup_iouring_ro, &iouring_ro_pin_ro },
		{ setup_iouring_ro, &iouring_ro_fast_pin_ro },
		{ setup_iouring_fork, &iouring_fork },
		{ setup_ro_pin, &ro_pin_on_shared },
		{ setup_ro_pin, &ro_fast_pin_on_shared },
		{ setup_ro_pin, &ro_pin_on_ro_previously_shared },
		{ setup_ro_pin, &ro_fast_pin_on_ro_previously_shared },
		{ setup_ro_pin, &ro_pin_on_ro_exclusive },
		{ setup_ro_pin, &ro_fast_pin_on_ro_exclusive },
	};
	unsigned int i;

	run_type(t);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run(cases[i].setup, cases[i].c);
	run_type(RUN_BASE);
}

static void test_anon_thp_pmd(void **state)
{
	(void)state;
	run_all_on(RUN_THP_PMD);
}

static void test_anon_thp_pte_mapped(void **state)
{
	(void)state;
	run_all_on(RUN_THP_PTE);
}

static void test_anon_thp_single_pte(void **state)
{
	(void)state;
	run_all_on(RUN_THP_SINGLE_PTE);
}

/* test_iouring_fork on a PMD-mapped THP, before Linux 5.9/5.19. */
static void test_iouring_fork_thp_old_kernel(void **state)
{
	struct pmm_program prog = PROG("test_iouring_fork (THP), fork.pinned_cow=share",
				       setup_iouring_fork, finish, &iouring_fork);

	(void)state;
	run_type(RUN_THP_PMD);
	conf_knob("fork.pinned_cow", "share");
	conf_expect_bug(&prog, 1, "data-corruption", "DMA");
	run_type(RUN_BASE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cow_in_parent),
		cmocka_unit_test(test_cow_in_parent_mprotect),
		cmocka_unit_test(test_vmsplice_in_child),
		cmocka_unit_test(test_vmsplice_in_child_mprotect),
		cmocka_unit_test(test_vmsplice_before_fork),
		cmocka_unit_test(test_vmsplice_after_fork),
		cmocka_unit_test(test_iouring_ro),
		cmocka_unit_test(test_iouring_fork),
		cmocka_unit_test_teardown(test_iouring_fork_old_kernel, conf_knob_reset),
		cmocka_unit_test(test_ro_pin_on_shared),
		cmocka_unit_test(test_ro_fast_pin_on_shared),
		cmocka_unit_test(test_ro_pin_on_ro_previously_shared),
		cmocka_unit_test(test_ro_fast_pin_on_ro_previously_shared),
		cmocka_unit_test(test_ro_pin_on_ro_exclusive),
		cmocka_unit_test(test_ro_fast_pin_on_ro_exclusive),
		cmocka_unit_test(test_anon_thp_pmd),
		cmocka_unit_test(test_anon_thp_pte_mapped),
		cmocka_unit_test(test_anon_thp_single_pte),
#ifndef COW_SWAP
		cmocka_unit_test(test_cow_in_parent_explored),
		cmocka_unit_test(test_vmsplice_in_child_explored),
		cmocka_unit_test(test_ro_pin_on_shared_explored),
		cmocka_unit_test(test_iouring_fork_explored),
		cmocka_unit_test_teardown(test_iouring_fork_explored_old_kernel,
					  conf_knob_reset),
		cmocka_unit_test_teardown(test_iouring_fork_thp_old_kernel,
					  conf_knob_reset),
#endif
	};

#ifdef COW_SWAP
	/*
	 * The explored variants are the model's own, not cow.c's: from a
	 * swapped-out page they do not finish within their time limit.
	 */
	(void)test_cow_in_parent_explored;
	(void)test_vmsplice_in_child_explored;
	(void)test_ro_pin_on_shared_explored;
	(void)test_iouring_fork_explored;
	(void)test_iouring_fork_explored_old_kernel;
	/* The model's own THP variant runs on the THP in memory only. */
	(void)test_iouring_fork_thp_old_kernel;
#endif

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
