// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Folios (src/mem/folio.c, page.h, phys.c): large-folio preparation
 * (prep_compound_page()), the reference-count rules of page_ref.h
 * (folio_try_get, folio_ref_freeze/unfreeze, underflow), FOLL_PIN and
 * FOLL_GET accounting (try_grab_folio, gup_put_folio,
 * folio_maybe_dma_pinned), free_pages_prepare()'s "Bad page state"
 * checks, and page poisoning: a freed frame reads PAGE_POISON, and any
 * access to it is a use-after-free.
 *
 * Bodies run once on a fresh machine (mem_test.h). Those that end in a
 * violation run in a task, where the violation ends the execution as the
 * kernel's BUG would; the others run in setup() and record what they saw
 * with CHECK().
 */
#include <errno.h>

#include "mem_test.h"

/* A small folio, a fresh order-@order folio, never NULL on a fresh machine. */
static struct folio *new_folio(unsigned int order)
{
	struct folio *f = folio_alloc(0, order);

	CHECK(f != NULL);
	return f;
}

/*
 * prep_compound_page() for orders 1..9: PG_head on the head, every tail's
 * compound_head pointing at it (bit 0 set), the order, mapcount and pin
 * count in the first tail. Tails carry no references and no mappings of
 * their own. Freed, the tails are plain pages again.
 */
static void large_prep_body(void)
{
	unsigned int o;

	for (o = 1; o <= FRESH_TOP; o++) {
		struct folio *f = new_folio(o);
		unsigned long i, n = 1ul << o;

		if (!f)
			return;
		CHECK(folio_test_large(f));
		CHECK(folio_order(f) == o && folio_nr_pages(f) == n);
		CHECK(folio_size(f) == PAGE_SIZE << o);
		CHECK(!PageTail((struct page *)f));
		CHECK(compound_head((struct page *)f) == (struct page *)f);
		CHECK(folio_ref_count(f) == 1);
		CHECK(f->_pincount.counter == 0);
		CHECK(f->_large_mapcount.counter == -1);
		CHECK(folio_mapcount(f) == 0 && !folio_mapped(f));
		CHECK(!folio_maybe_dma_pinned(f));
		CHECK(pmm_free_pages() == FRESH_FREE - n);
		for (i = 1; i < n; i++) {
			struct page *t = folio_page(f, i);

			CHECK(PageTail(t));
			CHECK(t->compound_head == ((unsigned long)f | 1));
			CHECK(compound_head(t) == (struct page *)f);
			CHECK(page_folio(t) == f);
			CHECK(t->_refcount.counter == 0);
			CHECK(t->_mapcount.counter == -1);
			CHECK(!PageBuddy(t));
		}
		folio_put(f);
		CHECK(pmm_free_pages() == FRESH_FREE);
		for (i = 1; i < n; i++)
			CHECK(!PageTail(folio_page(f, i)));
		CHECK(PageBuddy((struct page *)f));
	}
	CHECK(layout_is_fresh());
}

static void test_large_prep(void **state)
{
	(void)state;
	checks_reset();
	run_body(large_prep_body);
	assert_checks();
}

/* A small folio is its own head, order 0, one page, no mappings. */
static void small_body(void)
{
	struct folio *f = new_folio(0);

	if (!f)
		return;
	CHECK(!folio_test_large(f));
	CHECK(folio_order(f) == 0 && folio_nr_pages(f) == 1);
	CHECK(folio_size(f) == PAGE_SIZE);
	CHECK(!PageTail((struct page *)f));
	CHECK(page_folio((struct page *)f) == f);
	CHECK(folio_mapcount(f) == 0);
	CHECK(folio_ref_count(f) == 1);
	folio_put(f);
	CHECK(pmm_free_pages() == FRESH_FREE);
}

static void test_small(void **state)
{
	(void)state;
	checks_reset();
	run_body(small_body);
	assert_checks();
}

/*
 * Freed frames are poisoned (page_poisoning): every byte reads 0xaa. An
 * order-0 frame freed on CPU 0 is the next one CPU 0 allocates: without
 * __GFP_ZERO it still reads as poison, with it as zeros. A large folio's
 * every frame is poisoned.
 */
static void poison_body(void)
{
	static const char msg[] = "hello";
	struct folio *f = new_folio(0), *g;
	unsigned long pfn, i;

	if (!f)
		return;
	pfn = folio_pfn(f);
	CHECK(frame_is(pfn, 0));
	frame_poke(pfn, 100, msg, sizeof(msg));
	CHECK(!frame_is(pfn, 0));
	folio_put(f);
	CHECK(frame_is(pfn, PAGE_POISON));

	g = new_folio(0);
	CHECK(g == f);
	CHECK(frame_is(pfn, PAGE_POISON));
	folio_put(g);
	g = folio_alloc(__GFP_ZERO, 0);
	CHECK(g == f);
	CHECK(frame_is(pfn, 0));
	folio_put(g);

	f = new_folio(2);
	if (!f)
		return;
	for (i = 0; i < 4; i++)
		frame_poke(folio_pfn(f) + i, 0, msg, sizeof(msg));
	folio_put(f);
	for (i = 0; i < 4; i++)
		CHECK(frame_is(folio_pfn(f) + i, PAGE_POISON));
	/* A never-written frame reads as zeros until it is freed. */
	f = new_folio(3);
	if (!f)
		return;
	CHECK(frame_is(folio_pfn(f) + 7, 0));
	folio_put(f);
	CHECK(frame_is(folio_pfn(f) + 7, PAGE_POISON));
}

static void test_poison(void **state)
{
	(void)state;
	checks_reset();
	run_body(poison_body);
	assert_checks();
}

/*
 * The counting rules, with exact counts after each step: get and try_get
 * add one, ref_add and ref_try_add their count, put_refs takes its count
 * off; folio_ref_freeze() succeeds only from exactly the count it is
 * given and leaves 0, which folio_try_get() and folio_ref_try_add() refuse;
 * folio_ref_unfreeze() sets the count it is given.
 */
static void refcount_body(void)
{
	struct folio *f = new_folio(0), *g;

	if (!f)
		return;
	CHECK(folio_ref_count(f) == 1);
	folio_get(f);
	CHECK(folio_ref_count(f) == 2);
	CHECK(folio_try_get(f));
	CHECK(folio_ref_count(f) == 3);
	folio_ref_add(f, 5);
	CHECK(folio_ref_count(f) == 8);
	CHECK(folio_ref_try_add(f, 2));
	CHECK(folio_ref_count(f) == 10);
	folio_put_refs(f, 9);
	CHECK(folio_ref_count(f) == 1);

	/* Freeze only at the expected count. */
	CHECK(!folio_ref_freeze(f, 2));
	CHECK(folio_ref_count(f) == 1);
	CHECK(!folio_ref_freeze(f, 0));
	CHECK(folio_ref_count(f) == 1);
	CHECK(folio_ref_freeze(f, 1));
	CHECK(folio_ref_count(f) == 0);
	/* Frozen: no new references. */
	CHECK(!folio_try_get(f));
	CHECK(!folio_ref_try_add(f, 3));
	CHECK(folio_ref_count(f) == 0);
	/* A frozen folio is not free. */
	CHECK(!PageBuddy((struct page *)f));
	CHECK(pmm_free_pages() == FRESH_FREE - 1);
	folio_ref_unfreeze(f, 1);
	CHECK(folio_ref_count(f) == 1);
	CHECK(folio_try_get(f));
	CHECK(folio_ref_count(f) == 2);
	CHECK(folio_ref_freeze(f, 2));
	/* Unfreeze restores whatever count it is given. */
	folio_ref_unfreeze(f, 3);
	CHECK(folio_ref_count(f) == 3);
	folio_put_refs(f, 2);
	CHECK(folio_ref_count(f) == 1);
	folio_put(f);
	CHECK(pmm_free_pages() == FRESH_FREE);

	/* A freed folio: try_get fails and changes nothing. */
	CHECK(PageBuddy((struct page *)f));
	CHECK(!folio_try_get(f));
	CHECK(!folio_ref_try_add(f, 1));
	CHECK(folio_ref_count(f) == 0);
	CHECK(PageBuddy((struct page *)f));
	/* Still the frame the next allocation gets, intact. */
	g = new_folio(0);
	CHECK(g == f && folio_ref_count(g) == 1);
	folio_put(g);
	CHECK(pmm_free_pages() == FRESH_FREE);
}

static void test_refcount_rules(void **state)
{
	(void)state;
	checks_reset();
	run_body(refcount_body);
	assert_checks();
}

/*
 * Broken counting, each ending its execution with a violation (the frame
 * is then never freed, which the leak oracle cannot see: finish() does not
 * run after a violation).
 */
static void unfreeze_unfrozen_body(void)
{
	struct folio *f = new_folio(0);

	folio_ref_unfreeze(f, 1);
}

/* folio_put() of a freed folio: the count goes to -1. */
static void put_underflow_body(void)
{
	struct folio *f = new_folio(0);

	folio_put(f);
	folio_put(f);
}

/* folio_get() of a folio that was freed: its frame is on CPU 0's list. */
static void get_freed_body(void)
{
	struct folio *f = new_folio(0);

	folio_put(f);
	folio_get(f);
}

/* folio_get() of a frozen folio: not free, but no reference may be taken. */
static void get_frozen_body(void)
{
	struct folio *f = new_folio(0);

	if (!folio_ref_freeze(f, 1))
		return;
	folio_get(f);
}

/*
 * folio_get() of a freed large folio's tail frame: the frame is free, but
 * inside a buddy block it does not head, so PageBuddy() is clear and the
 * model names it "bug-on" (the kernel's VM_BUG_ON_FOLIO) rather than
 * "use-after-free", which it reserves for the head of a free block.
 */
static void get_freed_tail_body(void)
{
	struct folio *f = new_folio(2);

	folio_put(f);
	folio_get(page_folio(folio_page(f, 1)));
}

static void test_refcount_violations(void **state)
{
	(void)state;
	run_body_expect(unfreeze_unfrozen_body, true, "bug-on",
			"folio_ref_unfreeze of a folio not frozen");
	run_body_expect(unfreeze_unfrozen_body, true, "bug-on", "refcount 1");
	run_body_expect(put_underflow_body, true, "refcount-underflow",
			"folio_put on frame 0x1 with refcount 0");
	run_body_expect(get_freed_body, true, "use-after-free",
			"folio_get on frame 0x1 with refcount 0");
	run_body_expect(get_frozen_body, true, "bug-on",
			"folio_get on frame 0x1 with refcount 0");
	run_body_expect(get_freed_tail_body, true, "bug-on",
			"folio_get on frame 0x5 with refcount 0");
}

/*
 * Pins (mm/gup.c): FOLL_PIN adds GUP_PIN_COUNTING_BIAS (1024) per pin to
 * a small folio's count, and one reference plus one _pincount to a large
 * folio's; FOLL_GET adds plain references. gup_put_folio() takes off
 * exactly what try_grab_folio() added. folio_maybe_dma_pinned() reads the
 * count on a small folio, so 1024 plain references look pinned (the
 * documented false positive), and _pincount on a large one, so they do not.
 */
static void pins_body(void)
{
	struct folio *f = new_folio(0), *l = new_folio(2);
	struct page *tail;

	if (!f || !l)
		return;
	CHECK(try_grab_folio(f, 1, FOLL_PIN) == 0);
	CHECK(folio_ref_count(f) == 1 + 1024);
	CHECK(folio_maybe_dma_pinned(f));
	gup_put_folio(f, 1, FOLL_PIN);
	CHECK(folio_ref_count(f) == 1);
	CHECK(!folio_maybe_dma_pinned(f));

	CHECK(try_grab_folio(f, 3, FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM) == 0);
	CHECK(folio_ref_count(f) == 1 + 3 * 1024);
	gup_put_folio(f, 2, FOLL_PIN);
	CHECK(folio_ref_count(f) == 1 + 1024 && folio_maybe_dma_pinned(f));
	gup_put_folio(f, 1, FOLL_PIN);
	CHECK(folio_ref_count(f) == 1 && !folio_maybe_dma_pinned(f));

	CHECK(try_grab_folio(f, 1, FOLL_GET) == 0);
	CHECK(folio_ref_count(f) == 2 && !folio_maybe_dma_pinned(f));
	gup_put_folio(f, 1, FOLL_GET);
	CHECK(folio_ref_count(f) == 1);

	/* Neither FOLL_GET nor FOLL_PIN: nothing to take. */
	CHECK(try_grab_folio(f, 1, FOLL_WRITE) == -EINVAL);
	CHECK(folio_ref_count(f) == 1);

	/* The false positive: plain references only, 1023 then 1024. */
	folio_ref_add(f, 1022);
	CHECK(folio_ref_count(f) == 1023 && !folio_maybe_dma_pinned(f));
	folio_get(f);
	CHECK(folio_ref_count(f) == 1024 && folio_maybe_dma_pinned(f));
	folio_put_refs(f, 1023);
	CHECK(folio_ref_count(f) == 1 && !folio_maybe_dma_pinned(f));

	/* Large: one reference and one _pincount per pin. */
	CHECK(try_grab_folio(l, 1, FOLL_PIN) == 0);
	CHECK(folio_ref_count(l) == 2 && l->_pincount.counter == 1);
	CHECK(folio_maybe_dma_pinned(l));
	CHECK(try_grab_folio(l, 2, FOLL_PIN) == 0);
	CHECK(folio_ref_count(l) == 4 && l->_pincount.counter == 3);
	gup_put_folio(l, 3, FOLL_PIN);
	CHECK(folio_ref_count(l) == 1 && l->_pincount.counter == 0);
	CHECK(!folio_maybe_dma_pinned(l));
	folio_ref_add(l, 1023);
	CHECK(folio_ref_count(l) == 1024 && !folio_maybe_dma_pinned(l));
	folio_put_refs(l, 1023);
	CHECK(try_grab_folio(l, 1, FOLL_GET) == 0);
	CHECK(folio_ref_count(l) == 2 && l->_pincount.counter == 0);
	gup_put_folio(l, 1, FOLL_GET);

	/*
	 * GUP-fast grabs from a page, with no reference held: a tail page
	 * grabs its head folio.
	 */
	tail = folio_page(l, 3);
	CHECK(try_grab_folio_fast(tail, 1, FOLL_PIN) == l);
	CHECK(folio_ref_count(l) == 2 && l->_pincount.counter == 1);
	gup_put_folio(l, 1, FOLL_PIN);
	CHECK(try_grab_folio_fast((struct page *)f, 1, FOLL_PIN) == f);
	CHECK(folio_ref_count(f) == 1 + 1024);
	gup_put_folio(f, 1, FOLL_PIN);
	CHECK(try_grab_folio_fast((struct page *)f, 2, FOLL_GET) == f);
	CHECK(folio_ref_count(f) == 3);
	gup_put_folio(f, 2, FOLL_GET);
	CHECK(folio_ref_count(f) == 1);

	/* ... and fails, changing nothing, on a frozen or a freed folio. */
	CHECK(folio_ref_freeze(f, 1));
	CHECK(try_grab_folio_fast((struct page *)f, 1, FOLL_PIN) == NULL);
	CHECK(folio_ref_count(f) == 0);
	folio_ref_unfreeze(f, 1);
	folio_put(l);
	CHECK(try_grab_folio_fast(tail, 1, FOLL_PIN) == NULL);
	CHECK(try_grab_folio_fast((struct page *)l, 1, FOLL_GET) == NULL);
	CHECK(folio_ref_count(l) == 0 && PageBuddy((struct page *)l));
	folio_put(f);
	CHECK(pmm_free_pages() == FRESH_FREE);
}

static void test_pins(void **state)
{
	(void)state;
	checks_reset();
	run_body(pins_body);
	assert_checks();
}

/* Unpinning a large folio nobody pinned: _pincount goes to -1. */
static void unpin_unpinned_body(void)
{
	struct folio *l = new_folio(2);

	folio_get(l);
	gup_put_folio(l, 1, FOLL_PIN);
}

static void test_pin_violations(void **state)
{
	(void)state;
	run_body_expect(unpin_unpinned_body, true, "refcount-underflow",
			"unpin of frame 0x4 not pinned");
}

/*
 * free_pages_prepare(): a folio freed in a state that says someone still
 * uses it is "BUG: Bad page state". Each body makes one such state and
 * drops the last reference.
 */
static void bad_locked_body(void)
{
	struct folio *f = new_folio(0);

	folio_lock(f);
	folio_put(f);
}

static void bad_writeback_body(void)
{
	struct folio *f = new_folio(0);

	folio_lock(f);
	folio_start_writeback(f);
	folio_unlock(f);
	folio_put(f);
}

static struct address_space fake_mapping;

static void bad_cache_body(void)
{
	struct folio *f = new_folio(0);

	f->mapping = &fake_mapping;
	folio_put(f);
}

static void bad_mapped_body(void)
{
	struct folio *f = new_folio(0);

	atomic_inc(&f->_mapcount);
	folio_put(f);
}

/* A tail page still mapped is as bad as the head. */
static void bad_mapped_tail_body(void)
{
	struct folio *f = new_folio(3);

	atomic_inc(&folio_page(f, 5)->_mapcount);
	folio_put(f);
}

/* A large folio whose pin was dropped as a plain reference. */
static void bad_pinned_body(void)
{
	struct folio *f = new_folio(2);

	try_grab_folio(f, 1, FOLL_PIN);
	folio_put_refs(f, 2);
}

/*
 * An anonymous folio's mapping (anon_vma | PAGE_MAPPING_ANON) is not a
 * page cache: free_pages_prepare() clears it, and freeing is fine.
 */
static void anon_free_body(void)
{
	struct folio *f = new_folio(0);

	f->mapping = (void *)((unsigned long)&fake_mapping | PAGE_MAPPING_ANON);
	CHECK(folio_test_anon(f));
	folio_put(f);
	CHECK(f->mapping == NULL);
	CHECK(pmm_free_pages() == FRESH_FREE);
}

static void test_bad_page_state(void **state)
{
	(void)state;
	run_body_expect(bad_locked_body, true, "bug-on",
			"Bad page state: freeing frame 0x1 locked");
	run_body_expect(bad_writeback_body, true, "bug-on",
			"Bad page state: freeing frame 0x1 under writeback");
	run_body_expect(bad_cache_body, true, "bug-on",
			"Bad page state: freeing frame 0x1 still in a page cache");
	run_body_expect(bad_mapped_body, true, "bug-on",
			"Bad page state: freeing frame 0x1 still mapped");
	run_body_expect(bad_mapped_tail_body, true, "bug-on",
			"Bad page state: freeing frame 0x8 still mapped");
	run_body_expect(bad_pinned_body, true, "bug-on",
			"Bad page state: freeing frame 0x4 still pinned");
	checks_reset();
	run_body_expect(anon_free_body, true, NULL, NULL);
	assert_checks();
}

/*
 * Freeing a device frame: it never came from the allocator, so putting
 * its last reference is a bug. Device memory starts at frame 1024.
 */
static void device_free_body(void)
{
	struct folio *d = pfn_folio(RAM_PAGES);

	folio_ref_unfreeze(d, 1);
	folio_put(d);
}

static void test_free_device_frame(void **state)
{
	const struct body_run b = {
		.body = device_free_body, .in_task = true, .dev_bytes = 64ul << 10,
	};

	(void)state;
	body_run_expect(&b, "bug-on", "freeing device frame 0x400");
}

/*
 * Accesses to frames: through phys_access(), the one path every CPU,
 * kernel and device access takes. A live folio's bytes round-trip; a freed
 * one is a use-after-free, whoever touches it, head of a free block or not.
 */
static unsigned char io[PAGE_SIZE];

static int access_frame(enum phys_accessor who, unsigned long pfn, bool write,
			unsigned int off, unsigned int len)
{
	struct phys_access a = { .who = who, .cpu = who == ACCESS_DMA ? -1 : 0,
				 .write = write, .pfn = pfn, .offset = off,
				 .len = len, .buf = io };

	return phys_access(&a);
}

static void access_live_body(void)
{
	struct folio *f = new_folio(0), *l = new_folio(2);

	if (!f || !l)
		return;
	memset(io, 'x', sizeof(io));
	CHECK(access_frame(ACCESS_KERNEL, folio_pfn(f), true, 10, 20) == 0);
	memset(io, 0, sizeof(io));
	CHECK(access_frame(ACCESS_DMA, folio_pfn(f), false, 0, PAGE_SIZE) == 0);
	CHECK(io[9] == 0 && io[10] == 'x' && io[29] == 'x' && io[30] == 0);
	/* A tail page of a live large folio is live. */
	memset(io, 'y', sizeof(io));
	CHECK(access_frame(ACCESS_DMA, folio_pfn(l) + 3, true, 0, PAGE_SIZE) == 0);
	memset(io, 0, sizeof(io));
	CHECK(access_frame(ACCESS_KERNEL, folio_pfn(l) + 3, false, 4095, 1) == 0);
	CHECK(io[0] == 'y');
	folio_put(f);
	folio_put(l);
}

static void dma_read_freed_body(void)
{
	struct folio *f = new_folio(0);

	folio_put(f);
	access_frame(ACCESS_DMA, folio_pfn(f), false, 0, PAGE_SIZE);
}

static void kernel_write_freed_body(void)
{
	struct folio *f = new_folio(1);

	folio_put(f);
	access_frame(ACCESS_KERNEL, folio_pfn(f), true, 0, 8);
}

/* The tail of a freed large folio: free, though no block's head. */
static void dma_write_freed_tail_body(void)
{
	struct folio *f = new_folio(3);

	folio_put(f);
	access_frame(ACCESS_DMA, folio_pfn(f) + 6, true, 0, 1);
}

/* A frame on a per-CPU list is free as well. */
static void user_read_pcp_body(void)
{
	struct folio *f = new_folio(0);

	folio_put(f);
	access_frame(ACCESS_USER, folio_pfn(f), false, 0, 1);
}

static void test_use_after_free(void **state)
{
	(void)state;
	checks_reset();
	run_body_expect(access_live_body, true, NULL, NULL);
	assert_checks();
	run_body_expect(dma_read_freed_body, true, "use-after-free",
			"DMA reads free frame 0x1");
	run_body_expect(kernel_write_freed_body, true, "use-after-free",
			"kernel access writes free frame 0x2");
	run_body_expect(dma_write_freed_tail_body, true, "use-after-free",
			"DMA writes free frame 0xe");
	run_body_expect(user_read_pcp_body, true, "use-after-free",
			"user access reads free frame 0x1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_prep),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_poison),
		cmocka_unit_test(test_refcount_rules),
		cmocka_unit_test(test_refcount_violations),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_pin_violations),
		cmocka_unit_test(test_bad_page_state),
		cmocka_unit_test(test_free_device_frame),
		cmocka_unit_test(test_use_after_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
