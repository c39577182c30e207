// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The hugetlb pools (src/mem/hugetlb.c) and large memory: a 1 GiB folio
 * from the buddy allocator, freed without a byte per frame (poisoned
 * frames share one descriptor until written); free_huge_folio() giving
 * back the reservation a folio took; a pool that shrinks keeps its
 * reserved folios.
 */
#include "mem_test.h"

#include "mem/hugetlb.h"

/*
 * A 1 GiB folio freed to the buddy allocator: every frame reads as
 * poison through one shared descriptor, and the first write to a frame
 * gives that frame its own.
 */
static void gigantic_free_body(void)
{
	struct folio *f = folio_alloc(0, HPAGE_PUD_ORDER);
	unsigned long pfn, n = 1ul << HPAGE_PUD_ORDER;
	unsigned char b[2] = { 0, 0 };
	bool shared = true;

	check(f != NULL);
	if (!f)
		return;
	pfn = folio_pfn(f);
	frame_poke(pfn + 7, 0, "ab", 2);
	folio_put(f);
	for (unsigned long i = 1; i < n; i++)
		if (i != 7 && pfn_to_page(pfn + i)->data != pfn_to_page(pfn + 1)->data)
			shared = false;
	check(shared && pfn_to_page(pfn + 1)->data != NULL);
	check(pfn_to_page(pfn + 7)->data != pfn_to_page(pfn + 1)->data);
	frame_peek(pfn + 7, 0, b, 2);
	check(b[0] == PAGE_POISON && b[1] == PAGE_POISON);
	frame_peek(pfn + 100, 4000, b, 2);
	check(b[0] == PAGE_POISON);
	frame_poke(pfn + 100, 0, "x", 1);
	check(pfn_to_page(pfn + 100)->data != pfn_to_page(pfn + 1)->data);
	frame_peek(pfn + 100, 0, b, 2);
	check(b[0] == 'x' && b[1] == PAGE_POISON);
	frame_peek(pfn + 101, 0, b, 1);
	check(b[0] == PAGE_POISON);
	/* Cleared (a fresh zeroed allocation), it reads zeros again. */
	frame_clear(pfn + 101);
	frame_peek(pfn + 101, 0, b, 1);
	check(b[0] == 0);
}

/* free_huge_folio(): a folio that took a reservation gives it back. */
static void restore_reserve_body(void)
{
	struct hstate *h = size_to_hstate(HPAGE_PMD_SIZE);
	struct folio *f;

	check(set_max_huge_pages(h, 2) == 2);
	check(hugetlb_acct_memory(h, 2) == 0);
	check(hugetlb_acct_memory(h, 1) == -ENOMEM);
	check(dequeue_hugetlb_folio(h, false) == NULL);
	f = dequeue_hugetlb_folio(h, true);
	check(f && folio_ref_count(f) == 1 && folio_test_hugetlb(f));
	check(h->free_huge_pages == 1 && h->resv_huge_pages == 1);
	folio_put(f);
	check(h->free_huge_pages == 2 && h->resv_huge_pages == 2);
	check(folio_ref_count(f) == 0 && folio_test_hugetlb(f));
	/* Shrinking stops at the reserved folios. */
	check(set_max_huge_pages(h, 0) == 2);
	check(hugetlb_acct_memory(h, -2) == 0);
	check(set_max_huge_pages(h, 0) == 0);
}

static void test_gigantic_free(void **s) { (void)s; run_body_huge(gigantic_free_body); }
static void test_restore_reserve(void **s) { (void)s; run_body_huge(restore_reserve_body); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gigantic_free),
		cmocka_unit_test(test_restore_reserve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
