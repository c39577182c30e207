// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Splitting a hugetlb folio into order-0 pieces that remember their origin,
 * and reassembling it into its pool only when the last piece's last
 * reference goes (src/mem/hugetlb.c, hugetlb_split_folio()): the backing
 * of guest_memfd's gmem.huge = split_4k.
 */
#include "mem_test.h"

#include "mem/hugetlb.h"

/* A folio of @h in use, holding one reference per page as a page cache does. */
static struct folio *take(struct hstate *h, bool reserve)
{
	struct folio *f;

	check(set_max_huge_pages(h, 1) == 1);
	if (reserve)
		check(hugetlb_acct_memory(h, 1) == 0);
	f = dequeue_hugetlb_folio(h, reserve);
	check(f != NULL);
	if (f)
		folio_ref_add(f, (int)pages_per_huge_page(h) - 1);
	return f;
}

static void put_pieces(struct folio *f, unsigned long from, unsigned long to)
{
	for (unsigned long i = from; i < to; i++)
		folio_put((struct folio *)folio_page(f, i));
}

/* Every page an order-0 folio with one reference and its origin. */
static void split_2m_body(void)
{
	struct hstate *h = size_to_hstate(HPAGE_PMD_SIZE);
	struct folio *f = take(h, false);
	unsigned long nr = pages_per_huge_page(h), i;
	struct hugetlb_split *s = NULL;
	bool pieces = true;

	if (!f)
		return;
	check(hugetlb_split_folio(f, (int)nr, &s) == 0 && s && s->head == f);
	for (i = 0; i < nr; i++) {
		struct folio *p = (struct folio *)folio_page(f, i);

		if (folio_test_large(p) || folio_test_hugetlb(p) ||
		    folio_ref_count(p) != 1 ||
		    hugetlb_split_origin((struct page *)p) != s ||
		    page_folio(folio_page(f, i)) != p)
			pieces = false;
	}
	check(pieces);
	check(h->nr_huge_pages == 1 && h->free_huge_pages == 0);
	/* All but one piece gone: the folio is still out of the pool. */
	put_pieces(f, 0, nr - 1);
	check(h->free_huge_pages == 0);
	check(pfn_is_free(folio_pfn(f)) == false);
	put_pieces(f, nr - 1, nr);
	check(h->free_huge_pages == 1 && h->nr_huge_pages == 1);
	check(folio_test_hugetlb(f) && folio_order(f) == HPAGE_PMD_ORDER &&
	      folio_ref_count(f) == 0);
	check(hugetlb_split_origin((struct page *)f) == NULL);
	/* Reassembled, it is a pool folio like any other. */
	f = dequeue_hugetlb_folio(h, false);
	check(f && folio_ref_count(f) == 1 && folio_nr_pages(f) == nr);
	if (f)
		folio_put(f);
	check(h->free_huge_pages == 1);
}

/* A reference the caller does not account for refuses the split. */
static void split_refused_body(void)
{
	struct hstate *h = size_to_hstate(HPAGE_PMD_SIZE);
	struct folio *f = take(h, false);
	unsigned long nr = pages_per_huge_page(h);
	struct hugetlb_split *s = NULL;

	if (!f)
		return;
	check(try_grab_folio(f, 1, FOLL_PIN) == 0);
	check(hugetlb_split_folio(f, (int)nr, &s) == -EAGAIN && !s);
	check(folio_test_large(f) && folio_ref_count(f) == (int)nr + 1);
	gup_put_folio(f, 1, FOLL_PIN);
	check(hugetlb_split_folio(f, (int)nr - 1, &s) == -EINVAL);
	check(hugetlb_split_folio(f, (int)nr, &s) == 0);
	put_pieces(f, 0, nr);
	check(h->free_huge_pages == 1);
}

/* A pin on one piece holds the whole folio out of the pool until it goes. */
static void pin_holds_body(void)
{
	struct hstate *h = size_to_hstate(HPAGE_PMD_SIZE);
	struct folio *f = take(h, false);
	unsigned long nr = pages_per_huge_page(h);
	struct hugetlb_split *s = NULL;
	struct folio *p;

	if (!f)
		return;
	check(hugetlb_split_folio(f, (int)nr, &s) == 0);
	p = (struct folio *)folio_page(f, 5);
	check(try_grab_folio(p, 1, FOLL_PIN) == 0 && folio_maybe_dma_pinned(p));
	put_pieces(f, 0, nr);
	check(h->free_huge_pages == 0 && folio_ref_count(p) == (int)GUP_PIN_COUNTING_BIAS);
	gup_put_folio(p, 1, FOLL_PIN);
	check(h->free_huge_pages == 1 && folio_test_hugetlb(f));
}

/* The reservation the folio took comes back with the reassembled folio. */
static void reserve_body(void)
{
	struct hstate *h = size_to_hstate(HPAGE_PMD_SIZE);
	struct folio *f = take(h, true);
	unsigned long nr = pages_per_huge_page(h);
	struct hugetlb_split *s = NULL;

	if (!f)
		return;
	check(h->resv_huge_pages == 0);
	folio_get(f);
	check(hugetlb_split_folio(f, (int)nr + 1, &s) == 0);
	check(folio_ref_count(f) == 2);
	put_pieces(f, 0, nr);
	check(h->free_huge_pages == 0);
	folio_put(f);
	check(h->free_huge_pages == 1 && h->resv_huge_pages == 1);
	check(hugetlb_acct_memory(h, -1) == 0);
}

/* 1 GiB: 262144 pieces, reassembled into the 1 GiB pool. */
static void split_1g_body(void)
{
	struct hstate *h = size_to_hstate(HPAGE_PUD_SIZE);
	struct folio *f = take(h, false);
	unsigned long nr = pages_per_huge_page(h);
	struct hugetlb_split *s = NULL;

	if (!f)
		return;
	check(hugetlb_split_folio(f, (int)nr, &s) == 0);
	check(hugetlb_split_origin(folio_page(f, nr - 1)) == s);
	put_pieces(f, 1, nr);
	check(h->free_huge_pages == 0);
	put_pieces(f, 0, 1);
	check(h->free_huge_pages == 1 && folio_order(f) == HPAGE_PUD_ORDER);
}

static void test_split_2m(void **st) { (void)st; run_body_huge(split_2m_body); }
static void test_split_refused(void **st) { (void)st; run_body_huge(split_refused_body); }
static void test_pin_holds(void **st) { (void)st; run_body_huge(pin_holds_body); }
static void test_reserve(void **st) { (void)st; run_body_huge(reserve_body); }
static void test_split_1g(void **st) { (void)st; run_body_huge(split_1g_body); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_2m),
		cmocka_unit_test(test_split_refused),
		cmocka_unit_test(test_pin_holds),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_split_1g),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
