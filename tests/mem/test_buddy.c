// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The buddy allocator and frame allocation (src/mem/buddy.c, folio.c,
 * phys.c): the layout memblock_free_all() leaves, splitting on allocation
 * (expand()), merging on free (__free_one_page()), exact free counts
 * (pmm_free_pages()) before and after, running out, device memory that
 * the allocator never sees, and the 64-byte struct page.
 *
 * Every test runs on a fresh machine (mem_test.h): one free block of each
 * order 0..9, the order-k block at pfn 2^k, 1023 free frames. Free lists
 * are LIFO (list_add at the head), so which frame an allocation returns is
 * derivable by hand; the comments do so.
 */
#include "mem_test.h"

/* Frames as the allocator hands them out: a folio's pfn. */
static unsigned long alloc_pfn(unsigned int order)
{
	struct folio *f = folio_alloc(0, order);

	return f ? folio_pfn(f) : ~0ul;
}

static void put_pfn(unsigned long pfn)
{
	folio_put(pfn_folio(pfn));
}

/*
 * The per-CPU list parameters the counts below are derived with:
 * zone_batchsize() is nr_pages / 1024 clamped to [1, 63], the high mark
 * 6 x batch. 4 MiB: batch 1, high 6; 64 MiB (16384 frames): 16 and 96.
 */
static int params[2][2];

static void params_body(void)
{
	params[0][0] = phys->zone.pcp_batch;
	params[0][1] = phys->zone.pcp_high;
}

static void params64_body(void)
{
	params[1][0] = phys->zone.pcp_batch;
	params[1][1] = phys->zone.pcp_high;
}

static void test_pcp_params(void **state)
{
	const struct body_run b = { .body = params64_body, .ram_bytes = 64ul << 20 };

	(void)state;
	run_body(params_body);
	body_run_expect(&b, NULL, NULL);
	assert_int_equal(params[0][0], 1);
	assert_int_equal(params[0][1], 6);
	assert_int_equal(params[1][0], 16);
	assert_int_equal(params[1][1], 96);
}

/*
 * The fresh layout (mem_test.h): the zero page at pfn 0, one buddy block
 * of every order 0..9 at pfn 2^k, nothing on any per-CPU list.
 */
static void fresh_body(void)
{
	unsigned int o;

	CHECK(pmm_free_pages() == FRESH_FREE);
	CHECK(buddy_nr_free_pages(&phys->zone) == FRESH_FREE);
	CHECK(phys->nr_allocated.counter == 1);
	CHECK(layout_is_fresh());
	for (o = 0; o <= FRESH_TOP; o++) {
		struct page *p = pfn_to_page(1ul << o);

		CHECK(PageBuddy(p) && p->private == o);
	}
	/* Tails of free blocks are not PageBuddy: only heads are. */
	CHECK(!PageBuddy(pfn_to_page(3)) && !PageBuddy(pfn_to_page(513)));
	/* The zero page: allocated, reserved, one reference. */
	CHECK(!PageBuddy(pfn_to_page(0)));
	CHECK(folio_test_reserved(pfn_folio(0)));
	CHECK(folio_ref_count(pfn_folio(0)) == 1);
}

static void test_fresh_layout(void **state)
{
	(void)state;
	checks_reset();
	run_body(fresh_body);
	assert_checks();
}

/*
 * folio_alloc() then folio_put(): frames out, the same frames back.
 *
 * Order 0: CPU 0's list is empty, so it is refilled with one frame from
 * the buddy (the order-0 block, 1), which is handed out. Freed, the frame
 * goes on CPU 0's list, not to the buddy: free again (PageBuddy, with an
 * order no block has), and the next order-0 allocation on CPU 0 gets it
 * back (hot). Drained, it is the buddy's order-0 block again.
 *
 * Orders 1..9 bypass the lists: each takes its block at 2^k whole (no
 * split) and gives it back whole (its buddy 0 is the zero page).
 */
static void alloc_put_body(void)
{
	struct folio *f;
	unsigned int o;

	f = folio_alloc(0, 0);
	CHECK(f && folio_pfn(f) == 1);
	CHECK(pmm_free_pages() == FRESH_FREE - 1);
	CHECK(phys->zone.nr_free[0] == 0 && phys->zone.pcp[0].count == 0);
	CHECK(folio_ref_count(f) == 1 && !PageBuddy((struct page *)f));
	folio_put(f);
	CHECK(pmm_free_pages() == FRESH_FREE);
	CHECK(phys->zone.nr_free[0] == 0 && phys->zone.pcp[0].count == 1);
	CHECK(PageBuddy(pfn_to_page(1)) && pfn_to_page(1)->private == PCP_PAGE_ORDER);
	f = folio_alloc(0, 0);
	CHECK(f && folio_pfn(f) == 1);
	CHECK(phys->zone.pcp[0].count == 0);
	folio_put(f);
	pcp_drain_all();
	CHECK(layout_is_fresh());

	for (o = 1; o <= FRESH_TOP; o++) {
		f = folio_alloc(0, o);
		CHECK(f && folio_pfn(f) == 1ul << o);
		CHECK(pmm_free_pages() == FRESH_FREE - (1ul << o));
		CHECK(folio_ref_count(f) == 1);
		CHECK(phys->zone.nr_free[o] == 0);
		folio_put(f);
		CHECK(pmm_free_pages() == FRESH_FREE);
		CHECK(layout_is_fresh());
	}
}

static void test_alloc_put(void **state)
{
	(void)state;
	checks_reset();
	run_body(alloc_put_body);
	assert_checks();
}

/*
 * Splitting and merging at order 0, in the buddy allocator itself (below
 * the per-CPU lists):
 *
 *   a = alloc(0)   the order-0 block, 1
 *   b = alloc(0)   no order-0 block: the order-1 block at 2 splits, 3 goes
 *                  on the order-0 list, b = 2
 *   c = alloc(0)   3
 *   free(b)        its buddy 3 is in use: order-0 block at 2
 *   free(c)        its buddy 2 is free at order 0: the pair merges into an
 *                  order-1 block at 2, whose buddy 0 (the zero page) is in
 *                  use: it stops there
 *   free(a)        its buddy 0 is in use: order-0 block at 1
 */
static void split_merge0_body(void)
{
	struct zone *z = &phys->zone;
	struct page *a, *b, *c;

	a = buddy_alloc(z, 0);
	CHECK(a && page_to_pfn(a) == 1);
	CHECK(z->nr_free[0] == 0 && z->nr_free[1] == 1);
	b = buddy_alloc(z, 0);
	CHECK(b && page_to_pfn(b) == 2);
	CHECK(z->nr_free[0] == 1 && z->nr_free[1] == 0);
	CHECK(PageBuddy(pfn_to_page(3)) && pfn_to_page(3)->private == 0);
	c = buddy_alloc(z, 0);
	CHECK(c && page_to_pfn(c) == 3);
	CHECK(z->nr_free[0] == 0);
	CHECK(buddy_nr_free_pages(z) == FRESH_FREE - 3);

	buddy_free(z, b, 0);
	CHECK(z->nr_free[0] == 1 && z->nr_free[1] == 0);
	CHECK(PageBuddy(b) && b->private == 0);
	buddy_free(z, c, 0);
	/* The pair merged: one order-1 block headed by 2, 3 no longer a head. */
	CHECK(z->nr_free[0] == 0 && z->nr_free[1] == 1);
	CHECK(PageBuddy(b) && b->private == 1);
	CHECK(!PageBuddy(c));
	buddy_free(z, a, 0);
	CHECK(buddy_nr_free_pages(z) == FRESH_FREE);
	CHECK(layout_is_fresh());
}

static void test_split_merge_order0(void **state)
{
	(void)state;
	checks_reset();
	run_body(split_merge0_body);
	assert_checks();
}

/*
 * The same at order 3, through folio_alloc()/folio_put(): the order-3
 * block at 8, then the order-4 block at 16 splits (24 goes on the order-3
 * list). Freeing 16 merges it with 24 into an order-4 block (its buddy 0
 * is in use); freeing 8 leaves it an order-3 block (its buddy 0 is in
 * use): the fresh layout again.
 */
static void split_merge3_body(void)
{
	unsigned long a, b;

	a = alloc_pfn(3);
	CHECK(a == 8);
	b = alloc_pfn(3);
	CHECK(b == 16);
	CHECK(phys->zone.nr_free[3] == 1 && phys->zone.nr_free[4] == 0);
	CHECK(PageBuddy(pfn_to_page(24)) && pfn_to_page(24)->private == 3);
	CHECK(pmm_free_pages() == FRESH_FREE - 16);
	put_pfn(b);
	CHECK(phys->zone.nr_free[3] == 0 && phys->zone.nr_free[4] == 1);
	CHECK(PageBuddy(pfn_to_page(16)) && pfn_to_page(16)->private == 4);
	CHECK(!PageBuddy(pfn_to_page(24)));
	put_pfn(a);
	CHECK(pmm_free_pages() == FRESH_FREE);
	CHECK(layout_is_fresh());
}

static void test_split_merge_order3(void **state)
{
	(void)state;
	checks_reset();
	run_body(split_merge3_body);
	assert_checks();
}

/*
 * One folio of every order 0..9 takes exactly the fresh machine's blocks,
 * each whole (order 0 by way of CPU 0's list). Nothing is left: the next
 * allocation of any order fails. Freed in any order, every frame comes
 * back, the order-0 one to CPU 0's list; drained, the layout is the fresh
 * one again.
 */
enum free_order { FREE_ASCENDING, FREE_DESCENDING, FREE_EVEN_ODD, NR_FREE_ORDERS };

static const unsigned int every_order_seq[NR_FREE_ORDERS][FRESH_TOP + 1] = {
	[FREE_ASCENDING] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
	[FREE_DESCENDING] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
	[FREE_EVEN_ODD] = { 0, 2, 4, 6, 8, 1, 3, 5, 7, 9 },
};

static enum free_order cur_free_order;

static void every_order_body(void)
{
	unsigned long pfn[FRESH_TOP + 1], freed = 0;
	unsigned int o, i;

	for (o = 0; o <= FRESH_TOP; o++) {
		pfn[o] = alloc_pfn(o);
		CHECK(pfn[o] == 1ul << o);
	}
	CHECK(pmm_free_pages() == 0);
	CHECK(buddy_nr_free_pages(&phys->zone) == 0);
	for (o = 0; o <= MAX_PAGE_ORDER + 1; o++)
		CHECK(folio_alloc(0, o) == NULL);
	CHECK(pmm_free_pages() == 0);
	for (i = 0; i <= FRESH_TOP; i++) {
		o = every_order_seq[cur_free_order][i];
		put_pfn(pfn[o]);
		freed += 1ul << o;
		CHECK(pmm_free_pages() == freed);
		CHECK(buddy_nr_free_pages(&phys->zone) == freed);
	}
	CHECK(phys->zone.pcp[0].count == 1 && phys->zone.nr_free[0] == 0);
	pcp_drain_all();
	CHECK(layout_is_fresh());
}

static void test_every_order(void **state)
{
	(void)state;
	for (cur_free_order = 0; cur_free_order < NR_FREE_ORDERS; cur_free_order++) {
		checks_reset();
		run_body(every_order_body);
		assert_checks();
	}
}

/*
 * Order-0 allocations until memory runs out: each refills CPU 0's empty
 * list with one frame from the buddy allocator, whose splits hand out the
 * lower half and keep the upper halves: the frames come out in ascending
 * order, 1 to 1023, and then allocation fails. Freeing them all, in
 * whatever order, gives every frame back, exactly one more free frame per
 * free; drained, everything has merged into the fresh layout.
 */
static void exhaust(unsigned long *pfns)
{
	unsigned long i;

	for (i = 0; i < FRESH_FREE; i++) {
		pfns[i] = alloc_pfn(0);
		CHECK(pfns[i] == i + 1);
	}
	CHECK(pmm_free_pages() == 0);
	CHECK(buddy_nr_free_pages(&phys->zone) == 0);
	CHECK(folio_alloc(0, 0) == NULL);
	CHECK(folio_alloc(__GFP_ZERO, 0) == NULL);
}

static void exhaust_free_order(unsigned long *pfns, unsigned long (*idx)(unsigned long))
{
	unsigned long i;

	for (i = 0; i < FRESH_FREE; i++) {
		put_pfn(pfns[idx(i)]);
		CHECK(pmm_free_pages() == i + 1);
	}
	CHECK(buddy_nr_free_pages(&phys->zone) == FRESH_FREE);
	/* Never more than the high mark on the list. */
	CHECK(phys->zone.pcp[0].count == 6);
	pcp_drain_all();
	CHECK(layout_is_fresh());
}

static unsigned long idx_ascending(unsigned long i)
{
	return i;
}

static unsigned long idx_descending(unsigned long i)
{
	return FRESH_FREE - 1 - i;
}

/* 1023 = 3 * 11 * 31: stepping by 512 visits every index once. */
static unsigned long idx_stride(unsigned long i)
{
	return (i * 512) % FRESH_FREE;
}

static void exhaust_ascending_body(void)
{
	unsigned long *pfns = pmm_alloc(FRESH_FREE * sizeof(*pfns));

	exhaust(pfns);
	exhaust_free_order(pfns, idx_ascending);
}

static void exhaust_descending_body(void)
{
	unsigned long *pfns = pmm_alloc(FRESH_FREE * sizeof(*pfns));

	exhaust(pfns);
	exhaust_free_order(pfns, idx_descending);
}

static void exhaust_stride_body(void)
{
	unsigned long *pfns = pmm_alloc(FRESH_FREE * sizeof(*pfns));

	exhaust(pfns);
	exhaust_free_order(pfns, idx_stride);
}

/*
 * Even frames first. Each goes on CPU 0's list, which past its high mark
 * (6) gives its oldest frame to the buddy allocator: of the 511 even
 * frames, 6 stay on the list and 505 become order-0 blocks, none merged:
 * every one's buddy (the odd frame above it) is still in use. Then the
 * odd frames, after which, drained, everything has merged.
 */
static void exhaust_even_odd_body(void)
{
	unsigned long *pfns = pmm_alloc(FRESH_FREE * sizeof(*pfns));
	unsigned long pfn, n = 0;

	exhaust(pfns);
	for (pfn = 2; pfn < RAM_PAGES; pfn += 2, n++)
		put_pfn(pfn);
	CHECK(n == 511);
	CHECK(pmm_free_pages() == 511);
	CHECK(phys->zone.pcp[0].count == 6);
	CHECK(phys->zone.nr_free[0] == 505 && phys->zone.nr_free[1] == 0);
	for (pfn = 1; pfn < RAM_PAGES; pfn += 2)
		put_pfn(pfn);
	CHECK(pmm_free_pages() == FRESH_FREE);
	pcp_drain_all();
	CHECK(layout_is_fresh());
}

static void test_exhaust_and_merge(void **state)
{
	static const body_fn bodies[] = {
		exhaust_ascending_body, exhaust_descending_body,
		exhaust_stride_body, exhaust_even_odd_body,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		checks_reset();
		run_body(bodies[i]);
		assert_checks();
	}
}

/*
 * CPU 0's list past its high mark. Twelve order-0 folios are 1..12, each
 * through a one-frame refill, leaving the list empty. Frees 1..6 fill it
 * to the high mark (6); every later free pushes one frame on the head and
 * gives the oldest, at the tail, to the buddy allocator:
 *
 *   free 7   1 goes: its buddy 0 is the zero page, an order-0 block
 *   free 8   2 goes: its buddy 3 is on the list, not a buddy block
 *   free 9   3 goes: merges with 2 into an order-1 block, which stops at
 *            its buddy 0
 *   free 10  4 goes: its buddy 5 is on the list
 *   free 11  5 goes: merges with 4; the order-1 block's buddy 6 is on
 *            the list
 *   free 12  6 goes: its buddy 7 is on the list
 *
 * leaving 7..12 on the list. Drained, everything merges.
 */
static void pcp_spill_body(void)
{
	struct zone *z = &phys->zone;
	unsigned long pfn;

	for (pfn = 1; pfn <= 12; pfn++)
		CHECK(alloc_pfn(0) == pfn);
	CHECK(z->pcp[0].count == 0);
	for (pfn = 1; pfn <= 6; pfn++)
		put_pfn(pfn);
	CHECK(z->pcp[0].count == 6);
	for (pfn = 1; pfn <= 6; pfn++)
		CHECK(pfn_to_page(pfn)->private == PCP_PAGE_ORDER);
	for (pfn = 7; pfn <= 12; pfn++) {
		put_pfn(pfn);
		CHECK(z->pcp[0].count == 6);
		CHECK(pmm_free_pages() == FRESH_FREE - 12 + pfn);
	}
	for (pfn = 7; pfn <= 12; pfn++)
		CHECK(PageBuddy(pfn_to_page(pfn)) &&
		      pfn_to_page(pfn)->private == PCP_PAGE_ORDER);
	CHECK(PageBuddy(pfn_to_page(1)) && pfn_to_page(1)->private == 0);
	CHECK(PageBuddy(pfn_to_page(2)) && pfn_to_page(2)->private == 1);
	CHECK(!PageBuddy(pfn_to_page(3)));
	CHECK(PageBuddy(pfn_to_page(4)) && pfn_to_page(4)->private == 1);
	CHECK(!PageBuddy(pfn_to_page(5)));
	CHECK(PageBuddy(pfn_to_page(6)) && pfn_to_page(6)->private == 0);
	CHECK(pmm_free_pages() == FRESH_FREE);
	CHECK(buddy_nr_free_pages(z) == FRESH_FREE);
	pcp_drain_all();
	CHECK(layout_is_fresh());
}

static void test_pcp_spill(void **state)
{
	(void)state;
	checks_reset();
	run_body(pcp_spill_body);
	assert_checks();
}

/*
 * Per-CPU lists are per CPU. setup() (CPU 0) allocates frame 1. A task on
 * CPU 1 finds its own list empty and refills it from the buddy: the
 * order-1 block at 2 splits, it gets 2. Its free goes on CPU 1's list, and
 * so does frame 1, allocated on CPU 0 but freed on CPU 1; CPU 0's list
 * stays empty.
 */
static unsigned long cpu0_pfn;

static void pcp_cpu1_body(void)
{
	struct zone *z = &phys->zone;
	struct folio *f = folio_alloc(0, 0);

	CHECK(f && folio_pfn(f) == 2);
	CHECK(z->pcp[1].count == 0 && z->pcp[0].count == 0);
	CHECK(z->nr_free[0] == 1 && z->nr_free[1] == 0);
	folio_put(f);
	CHECK(z->pcp[1].count == 1);
	put_pfn(cpu0_pfn);
	CHECK(z->pcp[1].count == 2 && z->pcp[0].count == 0);
	CHECK(pmm_free_pages() == FRESH_FREE);
}

static void pcp_cpu1_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	if (pmm_machine_init(&o))
		return;
	cpu0_pfn = alloc_pfn(0);
	CHECK(cpu0_pfn == 1);
	task_new("cpu1", 1, body_task, (void *)pcp_cpu1_body);
}

static const struct pmm_program pcp_cpu1_prog =
	PROGRAM("pcp-cpu1", pcp_cpu1_setup, body_finish);

static void test_pcp_per_cpu(void **state)
{
	(void)state;
	checks_reset();
	explore_expect(&pcp_cpu1_prog, 1, 0, 0);
	assert_checks();
}

/*
 * Orders the allocator cannot serve: above MAX_PAGE_ORDER, and order 10
 * on a fresh machine (its one order-10 block was split for the zero page).
 * Failing changes nothing.
 */
static void too_big_body(void)
{
	CHECK(folio_alloc(0, 10) == NULL);
	CHECK(folio_alloc(0, MAX_PAGE_ORDER) == NULL);
	CHECK(folio_alloc(0, MAX_PAGE_ORDER + 1) == NULL);
	CHECK(folio_alloc(0, 100) == NULL);
	CHECK(pmm_free_pages() == FRESH_FREE);
	CHECK(layout_is_fresh());
	/* The one order-9 block: a second one is not there. */
	CHECK(alloc_pfn(9) == 512);
	CHECK(folio_alloc(0, 9) == NULL);
	put_pfn(512);
	CHECK(layout_is_fresh());
}

static void test_too_big(void **state)
{
	(void)state;
	checks_reset();
	run_body(too_big_body);
	assert_checks();
}

/*
 * RAM that is not a power of two: memblock_free_all() frees the largest
 * aligned blocks that fit.
 *
 * 5 MiB is 1280 frames: an order-10 block at 0 and an order-8 block at
 * 1024. The zero page's one-frame refill takes the smallest block that
 * fits, so the order-8 one splits: the zero page is 1024, blocks of orders
 * 0..7 remain at 1025, 1026, 1028, ..., 1152, and the order-10 block is
 * untouched.
 *
 * 12 KiB is an order-1 block at 0 and an order-0 block at 2, which the
 * zero page takes. Two order-0 folios then split the order-1 block (0,
 * then 1); freed, both stay on CPU 0's list (below its high mark) and the
 * buddy allocator is empty: an order-1 allocation fails although the two
 * free frames would make one. The model drains per-CPU lists only past
 * their high mark (buddy.h), where the kernel would drain them and retry
 * before failing.
 */
static void odd_ram_5m_body(void)
{
	unsigned int o;

	CHECK(phys->ram_pages == 1280);
	CHECK(pmm_free_pages() == 1279);
	CHECK(buddy_nr_free_pages(&phys->zone) == 1279);
	CHECK(folio_test_reserved(pfn_folio(1024)));
	CHECK(pcp_total() == 0);
	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		CHECK(phys->zone.nr_free[o] == (o <= 7 || o == 10 ? 1u : 0u));
	CHECK(PageBuddy(pfn_to_page(0)) && pfn_to_page(0)->private == 10);
	CHECK(PageBuddy(pfn_to_page(1025)) && pfn_to_page(1025)->private == 0);
	CHECK(PageBuddy(pfn_to_page(1152)) && pfn_to_page(1152)->private == 7);
}

static void odd_ram_12k_body(void)
{
	CHECK(phys->ram_pages == 3);
	CHECK(pmm_free_pages() == 2);
	CHECK(phys->zone.nr_free[0] == 0 && phys->zone.nr_free[1] == 1);
	/* The zero page is frame 2. */
	CHECK(!PageBuddy(pfn_to_page(2)) && folio_test_reserved(pfn_folio(2)));
	CHECK(alloc_pfn(0) == 0);
	CHECK(alloc_pfn(0) == 1);
	CHECK(folio_alloc(0, 0) == NULL);
	CHECK(pmm_free_pages() == 0);
	put_pfn(0);
	put_pfn(1);
	CHECK(pmm_free_pages() == 2);
	CHECK(buddy_nr_free_pages(&phys->zone) == 2);
	CHECK(phys->zone.pcp[0].count == 2 && phys->zone.nr_free[1] == 0);
	CHECK(folio_alloc(0, 1) == NULL);
	pcp_drain_all();
	CHECK(phys->zone.nr_free[1] == 1);
	CHECK(alloc_pfn(1) == 0);
	put_pfn(0);
}

static void test_odd_ram(void **state)
{
	const struct body_run b5 = { .body = odd_ram_5m_body, .ram_bytes = 5ul << 20 };
	const struct body_run b12 = { .body = odd_ram_12k_body, .ram_bytes = 12ul << 10 };

	(void)state;
	checks_reset();
	body_run_expect(&b5, NULL, NULL);
	assert_checks();
	body_run_expect(&b12, NULL, NULL);
	assert_checks();
}

/*
 * Device memory (64 KiB: frames 1024..1039) has struct pages but is never
 * in the allocator: reserved, of type MEM_DEVICE, not counted as free, and
 * never handed out even when RAM runs out.
 */
static void device_body(void)
{
	unsigned long pfn, n = 0;
	struct folio *f;

	CHECK(phys->ram_pages == RAM_PAGES && phys->dev_pages == 16);
	CHECK(phys->nr_pfns == RAM_PAGES + 16);
	CHECK(pmm_free_pages() == FRESH_FREE);
	for (pfn = RAM_PAGES; pfn < RAM_PAGES + 16; pfn++) {
		struct page *p = pfn_to_page(pfn);

		CHECK(page_mem_type(p) == MEM_DEVICE);
		CHECK(p->flags & (1ul << PG_reserved));
		CHECK(!PageBuddy(p));
	}
	CHECK(page_mem_type(pfn_to_page(5)) == MEM_RAM);
	while ((f = folio_alloc(0, 0))) {
		CHECK(folio_pfn(f) < RAM_PAGES);
		n++;
	}
	CHECK(n == FRESH_FREE);
	for (pfn = 1; pfn < RAM_PAGES; pfn++)
		put_pfn(pfn);
	CHECK(pmm_free_pages() == FRESH_FREE);
}

static void test_device_memory(void **state)
{
	const struct body_run b = { .body = device_body, .dev_bytes = 64ul << 10 };

	(void)state;
	checks_reset();
	body_run_expect(&b, NULL, NULL);
	assert_checks();
}

/*
 * struct page is 64 bytes, as in the kernel: the memory map of a 4 MiB
 * machine is 1024 x 64 bytes, 1/64 of RAM, and pfn_to_page() is plain
 * indexing.
 */
static void struct_page_body(void)
{
	unsigned long pfn;

	CHECK((char *)pfn_to_page(1) - (char *)pfn_to_page(0) == 64);
	CHECK((char *)pfn_to_page(RAM_PAGES - 1) - (char *)pfn_to_page(0) ==
	      (long)(64 * (RAM_PAGES - 1)));
	for (pfn = 0; pfn < RAM_PAGES; pfn++)
		CHECK(page_to_pfn(pfn_to_page(pfn)) == pfn);
	CHECK(pfn_valid(RAM_PAGES - 1) && !pfn_valid(RAM_PAGES));
}

static void test_struct_page(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct page), 64);
	/* A folio is the head page and the first tail, seen whole. */
	assert_true(sizeof(struct folio) <= 2 * sizeof(struct page));
	assert_int_equal(offsetof(struct folio, _pincount) / sizeof(struct page), 1);
	assert_int_equal(RAM_PAGES * sizeof(struct page), (4ul << 20) / 64);
	checks_reset();
	run_body(struct_page_body);
	assert_checks();
}

/*
 * The allocator under tasks. Each task allocates one order-0 folio and
 * puts it. Its steps:
 *
 *   with a frame on its CPU's list: the pop is CPU-local (no step), then
 *   nr_allocated += 1, refcount -= 1, nr_allocated -= 1 (the push is
 *   CPU-local again): "ooo", 3 steps
 *
 *   with an empty list: first the one-frame refill from the buddy, a
 *   zone->lock acquire and release: "LUooo", 5 steps
 *
 * Tasks on CPUs 1 and 2 both refill: their lock sections cannot overlap.
 * Whichever locks first also unlocks before the other locks (its L and U
 * come before all of the other's steps); after that its 3 remaining steps
 * and the other's 5 interleave freely: 2 x C(8, 3) = 112, which
 * count_locked() below confirms independently of the explorer. With a warm
 * list on CPU 0 (setup allocated and freed a frame there), a task on CPU 0
 * shares nothing with one on CPU 1 but nr_allocated, whose adds commute,
 * and every interleaving is an execution: C(8, 3) = 56.
 *
 * Whatever the order, every frame comes back: pmm_free_pages() and the
 * buddy's count are exact, each task's frame is back on its own CPU's
 * list, and the leak oracle runs in finish.
 */
static void alloc_task(void *arg)
{
	struct folio *f = folio_alloc(0, 0);

	(void)arg;
	if (!f) {
		pmm_violation("alloc", "order-0 allocation failed");
		return;
	}
	folio_put(f);
}

static int race_cpus[2];

static void alloc_race_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	if (pmm_machine_init(&o))
		return;
	if (!race_cpus[0])
		put_pfn(alloc_pfn(0));
	task_new("a0", race_cpus[0], alloc_task, NULL);
	task_new("a1", race_cpus[1], alloc_task, NULL);
}

static void alloc_race_finish(void *arg)
{
	struct zone *z = &phys->zone;
	unsigned int i;

	(void)arg;
	if (pmm_free_pages() != FRESH_FREE ||
	    buddy_nr_free_pages(z) != FRESH_FREE)
		pmm_violation("final-state", "%lu frames free", pmm_free_pages());
	for (i = 0; i < 2; i++)
		if (z->pcp[race_cpus[i]].count != 1)
			pmm_violation("final-state", "CPU %d list holds %d, want 1",
				      race_cpus[i], z->pcp[race_cpus[i]].count);
	if (pcp_total() != 2)
		pmm_violation("final-state", "%d frames on per-CPU lists", pcp_total());
	pmm_machine_finish();
}

static const struct pmm_program alloc_race_prog =
	PROGRAM("alloc-race", alloc_race_setup, alloc_race_finish);

/*
 * Interleavings of two step sequences where 'L' takes and 'U' releases
 * one lock and any other step is free: a count by dynamic programming
 * over (steps of a done, steps of b done), independent of the explorer.
 */
static uint64_t count_locked(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i, j;
	/* ways[i][j][holder]: holder 0 none, 1 a, 2 b */
	static uint64_t ways[32][32][3];

	memset(ways, 0, sizeof(ways));
	ways[0][0][0] = 1;
	for (i = 0; i <= na; i++) {
		for (j = 0; j <= nb; j++) {
			unsigned int h;

			for (h = 0; h < 3; h++) {
				uint64_t w = ways[i][j][h];

				if (!w)
					continue;
				if (i < na && (a[i] != 'L' || h == 0))
					ways[i + 1][j][a[i] == 'L' ? 1 :
						       a[i] == 'U' ? 0 : h] += w;
				if (j < nb && (b[j] != 'L' || h == 0))
					ways[i][j + 1][b[j] == 'L' ? 2 :
						       b[j] == 'U' ? 0 : h] += w;
			}
		}
	}
	return ways[na][nb][0];
}

static void test_alloc_race(void **state)
{
	(void)state;
	assert_int_equal(count_locked("ooo", "LUooo"), 56);
	assert_int_equal(count_locked("LUooo", "LUooo"), 112);
	race_cpus[0] = 0;
	race_cpus[1] = 1;
	explore_expect(&alloc_race_prog, 56, 0, 0);
	native_expect_clean(&alloc_race_prog, 200);
	race_cpus[0] = 1;
	race_cpus[1] = 2;
	explore_expect(&alloc_race_prog, 112, 0, 0);
	native_expect_clean(&alloc_race_prog, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcp_params),
		cmocka_unit_test(test_fresh_layout),
		cmocka_unit_test(test_alloc_put),
		cmocka_unit_test(test_split_merge_order0),
		cmocka_unit_test(test_split_merge_order3),
		cmocka_unit_test(test_every_order),
		cmocka_unit_test(test_exhaust_and_merge),
		cmocka_unit_test(test_pcp_spill),
		cmocka_unit_test(test_pcp_per_cpu),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_odd_ram),
		cmocka_unit_test(test_device_memory),
		cmocka_unit_test(test_struct_page),
		cmocka_unit_test(test_alloc_race),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
