// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A THP and a hugetlb page side by side in one PMD table: each goes to its
 * own code (hugetlb VMAs are dispatched before the THP paths, which take
 * any PMD leaf for a THP), GUP-fast takes both leaves, and munmap frees
 * the tables once both are gone.
 */
#include "mm_test.h"

#include "machine/machine.h"
#include "mm/gup.h"

#define A	0x40000000ul		/* 2 MiB aligned: the THP */
#define M2	PMM_HUGE_2M		/* the hugetlb page at A + M2 */

static struct pmm_process *P;

static void mix_body(void *arg)
{
	unsigned long ptes = P->mm->nr_ptes;
	struct pmm_hugetlb_pool pool;
	struct pmm_page_state st;
	struct page *thp, *huge;

	(void)arg;
	check(pmm_hugetlb_set_pool(M2, 1) == 1);
	check(pmm_mmap(P, A, M2, RW, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_mmap_hugetlb(P, A + M2, M2, RW, PMM_MAP_PRIVATE, M2, NULL, 0) == 0);
	check(pmm_store(P, A + 1, "t", 1) == 0);
	check(pmm_store(P, A + M2 + 1, "h", 1) == 0);
	check(pmm_thp_state(P, A) == PMM_THP_PMD);
	/* A hugetlb leaf is no THP: neither reported nor split as one. */
	check(pmm_thp_state(P, A + M2) == -EINVAL);
	check(pmm_split_thp(P, A + M2) == -EINVAL);
	check(pmm_page_state(P, A + M2 + 4096, &st) == 0 && st.refcount == 1);
	/* GUP-fast, IRQs off, takes a page of each leaf. */
	check(gup_fast(P->mm, A + 3 * 4096, 1, FOLL_PIN | FOLL_WRITE, &thp) == 1);
	check(gup_fast(P->mm, A + M2 + 3 * 4096, 1, FOLL_PIN | FOLL_WRITE, &huge) == 1);
	check(folio_test_hugetlb(page_folio(huge)) && !folio_test_hugetlb(page_folio(thp)));
	check(page_folio(thp)->_pincount.counter == 1 &&
	      page_folio(huge)->_pincount.counter == 1);
	unpin_user_page(thp);
	unpin_user_page(huge);
	check(pmm_split_thp(P, A) == 0 && pmm_thp_state(P, A) == PMM_THP_NONE);
	check(pmm_munmap(P, A + M2, M2) == 0);
	check(pmm_munmap(P, A, M2) == 0);
	check(pmm_hugetlb_pool(M2, &pool) == 0 && pool.free == 1 && pool.resv == 0);
	/* free_pgtables(): nothing maps the 1 GiB any more. */
	check(P->mm->nr_ptes < ptes + 1);
}

static void setup(void *arg)
{
	(void)arg;
	machine_up(16ul << 20);
	P = pmm_process_create();
	pmm_task_create("mix", 0, mix_body, NULL);
}

static void test_thp_and_hugetlb(void **s)
{
	(void)s;
	assert_int_equal(run_clean(setup), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thp_and_hugetlb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
