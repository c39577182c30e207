// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The exclusive pin of "mm/gup: Introduce exclusive GUP pinning" (RFC,
 * Elliot Berman, June 2024; seed 004), in src/mm/gup.c and the pin
 * back-off of try_grab_folio(): FOLL_EXCLUSIVE needs FOLL_PIN and
 * FOLL_LONGTERM, is taken only where no pin is, and refuses every
 * ordinary pin (slow path and GUP-fast) while it lasts; a plain reference
 * (FOLL_GET: vmsplice(), some O_DIRECT) is still taken: David
 * Hildenbrand's objection in the thread.
 */
#include "mm_test.h"
#include "../mem/mem_test.h"

#include "machine/machine.h"
#include "mem/folio.h"
#include "mm/gup.h"
#include "mm/mmap.h"
#include "protmm/hugetlb.h"

#define A	0x40000000ul
#define M2	(2ul << 20)
#define EXCL	(FOLL_WRITE | FOLL_LONGTERM | FOLL_EXCLUSIVE)

static struct pmm_process *P;

static long pin(struct mm_struct *mm, unsigned long addr, unsigned int flags,
		struct page **page)
{
	long n;

	mmap_read_lock(mm);
	n = pin_user_pages(mm, addr, 1, flags, page);
	mmap_read_unlock(mm);
	return n;
}

static long get(struct mm_struct *mm, unsigned long addr, struct page **page)
{
	long n;

	mmap_read_lock(mm);
	n = get_user_pages(mm, addr, 1, 0, page);
	mmap_read_unlock(mm);
	return n;
}

/* Two small private pages at A, populated. */
static void prepare_small(void)
{
	P = pmm_process_create();
	pmm_mmap(P, A, 2 * 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "a", 1);
	pmm_store(P, A + 4096, "b", 1);
}

/* A 2 MiB hugetlb page at A, populated. */
static void prepare_huge(void)
{
	P = pmm_process_create();
	check(pmm_hugetlb_set_pool(PMM_HUGE_2M, 1) == 1);
	check(pmm_mmap_hugetlb(P, A, M2, RW, PMM_MAP_PRIVATE, M2, NULL, 0) == 0);
	pmm_store(P, A, "a", 1);
}

/* @fn in one task, after @prepare on a machine of @ram bytes. */
static void go(body_fn prepare, unsigned long ram, body_fn fn)
{
	const struct body_run b = {
		.body = fn, .in_task = true, .ram_bytes = ram,
		.prepare = prepare,
	};

	body_run_expect(&b, NULL, NULL);
}

/* An exclusive pin refuses ordinary pins, but not plain references. */
static void refuses_pins_body(void)
{
	struct mm_struct *mm = P->mm;
	struct page *ex = NULL, *p = NULL, *g = NULL;
	int base;

	check(pin(mm, A, EXCL, &ex) == 1);
	check(ex && folio_maybe_exclusive_pinned(page_folio(ex)));
	base = folio_ref_count(page_folio(ex));
	check(pin(mm, A, FOLL_WRITE, &p) == -EBUSY);
	check(pin(mm, A, FOLL_WRITE | FOLL_LONGTERM, &p) == -EBUSY);
	check(pin_user_pages_fast(mm, A, 1, FOLL_WRITE | FOLL_FAST_ONLY, &p) == 0);
	check(folio_ref_count(page_folio(ex)) == base);
	/* The hole in the design: a plain reference coexists with it. */
	check(get(mm, A, &g) == 1 && g == ex);
	check(folio_ref_count(page_folio(ex)) == base + 1);
	put_user_page_ref(g);
	/* The other page is not affected. */
	check(pin(mm, A + 4096, FOLL_WRITE, &p) == 1);
	unpin_user_page(p);
	unpin_exc_pages(&ex, 1);
	check(!folio_maybe_exclusive_pinned(page_folio(ex)) &&
	      !folio_maybe_dma_pinned(page_folio(ex)));
	check(pin(mm, A, FOLL_WRITE, &p) == 1 && p == ex);
	unpin_user_page(p);
}

/* Only where no pin is; and only one. */
static void needs_no_pin_body(void)
{
	struct mm_struct *mm = P->mm;
	struct page *ex = NULL, *p = NULL;

	check(pin(mm, A, FOLL_WRITE, &p) == 1);
	check(pin(mm, A, EXCL, &ex) == -EBUSY);
	unpin_user_page(p);
	check(pin(mm, A, EXCL, &ex) == 1);
	check(pin(mm, A, EXCL, &p) == -EBUSY);
	unpin_exc_pages(&ex, 1);
}

/* FOLL_EXCLUSIVE is for longterm pins only (is_valid_gup_args()). */
static void flags_body(void)
{
	struct mm_struct *mm = P->mm;
	struct page *p = NULL;

	check(pin(mm, A, FOLL_WRITE | FOLL_EXCLUSIVE, &p) == -EINVAL);
	mmap_read_lock(mm);
	check(get_user_pages(mm, A, 1, FOLL_EXCLUSIVE | FOLL_LONGTERM, &p) == -EINVAL);
	mmap_read_unlock(mm);
	check(pin_user_pages_fast(mm, A, 1, FOLL_EXCLUSIVE, &p) == -EINVAL);
}

/*
 * A large folio: the exclusive pin is on _pincount, for the whole folio:
 * a pin of another subpage is refused too (core mm tracks no pins per
 * subpage: David Hildenbrand's point in the thread).
 */
static void large_body(void)
{
	struct mm_struct *mm = P->mm;
	struct page *ex = NULL, *p = NULL;

	check(pin(mm, A, EXCL, &ex) == 1);
	check(ex && folio_test_large(page_folio(ex)) &&
	      folio_maybe_exclusive_pinned(page_folio(ex)));
	check(pin(mm, A + 5 * 4096, FOLL_WRITE, &p) == -EBUSY);
	unpin_exc_pages(&ex, 1);
	check(atomic_read(&page_folio(ex)->_pincount) == 0);
	check(pin(mm, A + 5 * 4096, FOLL_WRITE, &p) == 1);
	check(pin(mm, A, EXCL, &ex) == -EBUSY);
	unpin_user_page(p);
}

static void test_refuses_pins(void **s) { (void)s; go(prepare_small, 1ul << 20, refuses_pins_body); }
static void test_needs_no_pin(void **s) { (void)s; go(prepare_small, 1ul << 20, needs_no_pin_body); }
static void test_flags(void **s) { (void)s; go(prepare_small, 1ul << 20, flags_body); }
static void test_large(void **s) { (void)s; go(prepare_huge, 8ul << 20, large_body); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_pins),
		cmocka_unit_test(test_needs_no_pin),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
