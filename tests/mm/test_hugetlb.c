// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hugetlb: the pools and their counters, demotion of a free 1 GiB folio,
 * reservations made at mmap and consumed at fault, SIGBUS for a fault
 * with none and an empty pool, PMD and PUD leaves, COW of a private page
 * (hugetlb_wp()), fork, shared hugetlbfs files, truncate and hole punch,
 * and GUP pins of a 1 GiB folio counted in _pincount.
 */
#include "mm_test.h"

#include "machine/machine.h"
#include "mem/hugetlb.h"
#include "mm/gup.h"

#define A	0x40000000ul		/* 1 GiB aligned */
#define M2	PMM_HUGE_2M
#define G1	PMM_HUGE_1G
/* One 1 GiB block for the pool, and room for everything else. */
#define RAM_1G	(G1 + (8ul << 20))

static struct pmm_process *P, *C;
static struct pmm_hugetlbfs_file *F;

/* The pool's counters, nr_hugepages, free_hugepages and resv_hugepages. */
#define pool(size, nr_, free_, resv_) do {				\
	struct pmm_hugetlb_pool st_;					\
									\
	check(pmm_hugetlb_pool((size), &st_) == 0);			\
	check(st_.nr == (nr_) && st_.free == (free_) && st_.resv == (resv_)); \
} while (0)

static void state(struct pmm_process *p, unsigned long addr,
		  struct pmm_page_state *st)
{
	memset(st, 0, sizeof(*st));
	check(pmm_page_state(p, addr, st) == 0);
}

/* demote_pool_huge_page(): a free 1 GiB folio becomes 512 of 2 MiB. */
static void demote_body(void *arg)
{
	unsigned long before = pmm_free_pages(), ptes = P->mm->nr_ptes;

	(void)arg;
	check(pmm_hugetlb_set_pool(G1, 1) == 1);
	pool(G1, 1, 1, 0);
	check(pmm_free_pages() == before - (G1 >> 12));
	check(pmm_hugetlb_demote(G1, 1) == 1);
	pool(G1, 0, 0, 0);
	pool(M2, 512, 512, 0);
	check(pmm_hugetlb_demote(G1, 1) == -EBUSY);
	check(pmm_hugetlb_demote(M2, 1) == -EINVAL);
	/* The pieces are pool folios of their own: usable at once. */
	check(pmm_mmap_hugetlb(P, A, M2, RW, PMM_MAP_PRIVATE, M2, NULL, 0) == 0);
	check(pmm_store(P, A + 5, "d", 1) == 0);
	pool(M2, 512, 511, 0);
	check(pmm_munmap(P, A, M2) == 0);
	check(pmm_hugetlb_set_pool(M2, 0) == 0);
	/* All back to the buddy allocator but the PUD and PMD tables. */
	check(pmm_free_pages() + (P->mm->nr_ptes - ptes) == before);
}

/* Demotion takes only free folios nobody reserved. */
static void demote_busy_body(void *arg)
{
	(void)arg;
	check(pmm_hugetlb_set_pool(G1, 1) == 1);
	check(pmm_mmap_hugetlb(P, A, G1, RW, PMM_MAP_PRIVATE, G1, NULL, 0) == 0);
	pool(G1, 1, 1, 1);
	check(pmm_hugetlb_demote(G1, 1) == -EBUSY);
	check(pmm_store(P, A + G1 - 1, "z", 1) == 0);
	pool(G1, 1, 0, 0);
	check(pmm_hugetlb_demote(G1, 1) == -EBUSY);
	pool(M2, 0, 0, 0);
	check(pmm_munmap(P, A, G1) == 0);
	pool(G1, 1, 1, 0);
	check(pmm_hugetlb_demote(G1, 1) == 1);
}

/* hugetlb_reserve_pages() at mmap; the fault consumes the reservation. */
static void reserve_body(void *arg)
{
	struct pmm_page_state st;
	char c = 1;

	(void)arg;
	check(pmm_hugetlb_set_pool(M2, 2) == 2);
	check(pmm_mmap_hugetlb(P, A, 3 * M2, RW, PMM_MAP_PRIVATE, M2, NULL, 0) ==
	      -ENOMEM);
	pool(M2, 2, 2, 0);
	check(pmm_mmap_hugetlb(P, A, 2 * M2, RW, PMM_MAP_PRIVATE, M2, NULL, 0) == 0);
	pool(M2, 2, 2, 2);
	check(pmm_load(P, A + M2 + 7, &c, 1) == 0 && c == 0);
	pool(M2, 2, 1, 1);
	state(P, A + M2 + 4096, &st);
	check(st.refcount == 1 && st.mapcount == 1 && st.anon_exclusive);
	check(st.pfn % 512 == 1);
	/* munmap gives back the reservation never consumed. */
	check(pmm_munmap(P, A, 2 * M2) == 0);
	pool(M2, 2, 2, 0);
}

/*
 * A fork child is no reservation owner: with the pool's one folio
 * reserved for the parent, the child's fault finds nothing and gets
 * SIGBUS, while the parent's succeeds.
 */
static void sigbus_body(void *arg)
{
	(void)arg;
	check(pmm_hugetlb_set_pool(M2, 1) == 1);
	check(pmm_mmap_hugetlb(P, A, M2, RW, PMM_MAP_PRIVATE, M2, NULL, 0) == 0);
	C = pmm_fork(P);
	check(C != NULL);
	check(pmm_store(C, A, "c", 1) == -EIO);
	check(pmm_store(P, A, "p", 1) == 0);
	pool(M2, 1, 0, 0);
}

/* hugetlb_wp(): a shared private page is copied, a sole one reused. */
static void cow_body(void *arg)
{
	struct pmm_page_state p0, c0, c1, p1;
	char c;

	(void)arg;
	check(pmm_hugetlb_set_pool(M2, 2) == 2);
	check(pmm_mmap_hugetlb(P, A, M2, RW, PMM_MAP_PRIVATE, M2, NULL, 0) == 0);
	check(pmm_store(P, A + 100, "x", 1) == 0);
	C = pmm_fork(P);
	state(P, A, &p0);
	state(C, A + 100, &c0);
	check(p0.pfn + 0 == c0.pfn && !p0.writable && !c0.writable);
	check(p0.refcount == 2 && p0.mapcount == 2 && !p0.anon_exclusive);
	check(pmm_store(C, A + 200, "c", 1) == 0);
	state(C, A, &c1);
	check(c1.pfn != p0.pfn && c1.writable && c1.anon_exclusive);
	check(pmm_load(C, A + 100, &c, 1) == 0 && c == 'x');
	check(pmm_store(P, A + 200, "p", 1) == 0);
	state(P, A, &p1);
	check(p1.pfn == p0.pfn && p1.writable && p1.refcount == 1);
	check(pmm_load(C, A + 200, &c, 1) == 0 && c == 'c');
	pool(M2, 2, 0, 0);
}

/* A shared hugetlbfs file: one page cache folio; truncate and punch. */
static void shared_body(void *arg)
{
	struct pmm_page_state p, c;
	char b = 0;

	(void)arg;
	check(pmm_hugetlb_set_pool(M2, 3) == 3);
	F = pmm_hugetlbfs_create(M2, 2 * M2);
	check(F != NULL);
	check(pmm_mmap_hugetlb(P, A, 2 * M2, RW, PMM_MAP_SHARED, M2, F, 0) == 0);
	pool(M2, 3, 3, 2);
	/* The second mapping of the same file reserves nothing more. */
	check(pmm_mmap_hugetlb(C, A, 2 * M2, RW, PMM_MAP_SHARED, M2, F, 0) == 0);
	pool(M2, 3, 3, 2);
	check(pmm_store(P, A + M2 + 9, "s", 1) == 0);
	check(pmm_load(C, A + M2 + 9, &b, 1) == 0 && b == 's');
	state(P, A + M2, &p);
	state(C, A + M2, &c);
	check(p.pfn == c.pfn && p.refcount == 3 && p.mapcount == 2);
	pool(M2, 3, 2, 1);
	/* The punched page's reservation was consumed; page 0's stays. */
	check(pmm_hugetlbfs_punch_hole(F, M2, M2) == 0);
	pool(M2, 3, 3, 1);
	check(pmm_load(C, A + M2 + 9, &b, 1) == 0 && b == 0);
	pool(M2, 3, 2, 1);
	check(pmm_hugetlbfs_truncate(F, M2) == 0);
	pool(M2, 3, 3, 1);
	check(pmm_load(P, A + M2, &b, 1) == -EIO);
}

/* A pin of a 1 GiB folio: one reference and one _pincount each page. */
static void pin_body(void *arg)
{
	struct pmm_page_state st;
	struct pmm_pin *slow, *fast;
	struct folio *folio;
	struct page *page;

	(void)arg;
	check(pmm_hugetlb_set_pool(G1, 1) == 1);
	check(pmm_mmap_hugetlb(P, A, G1, RW, PMM_MAP_PRIVATE, G1, NULL, 0) == 0);
	check(pmm_pin(P, A + (300ul << 20), 2, PMM_GUP_WRITE, &slow) == 0);
	state(P, A + (300ul << 20), &st);
	folio = pfn_folio(st.pfn);
	check(folio_pfn(folio) % (G1 >> 12) == 0 && folio_order(folio) == 18);
	check(folio->_pincount.counter == 2 && st.refcount == 3 && st.maybe_pinned);
	check(pmm_pin(P, A + G1 - 4096, 1, PMM_GUP_WRITE | PMM_GUP_FAST, &fast) == 0);
	check(folio->_pincount.counter == 3 && folio->_refcount.counter == 4);
	/* The lockless walk alone takes the PUD leaf (gup_fast_pud_leaf()). */
	check(gup_fast(P->mm, A + 5 * 4096, 1, FOLL_PIN | FOLL_WRITE, &page) == 1);
	check(page == folio_page(folio, 5) && folio->_pincount.counter == 4);
	unpin_user_page(page);
	/* No second 1 GiB block: the pool cannot grow. */
	check(pmm_hugetlb_set_pool(G1, 2) == 1);
	pmm_unpin(slow);
	pmm_unpin(fast);
	check(folio->_pincount.counter == 0 && folio->_refcount.counter == 1);
}

/*
 * copy_hugetlb_page_range(): an exclusive folio that may be pinned is
 * copied for the child at fork, so that the pin keeps seeing the
 * parent's page; with no free folio to copy into, fork fails.
 */
static void fork_pinned_body(void *arg)
{
	struct pmm_page_state p, c;
	struct pmm_pin *pin;
	char b = 0;

	(void)arg;
	check(pmm_hugetlb_set_pool(M2, 2) == 2);
	check(pmm_mmap_hugetlb(P, A, M2, RW, PMM_MAP_PRIVATE, M2, NULL, 0) == 0);
	check(pmm_store(P, A + 3, "q", 1) == 0);
	check(pmm_pin(P, A, 1, 0, &pin) == 0);
	C = pmm_fork(P);
	check(C != NULL);
	state(P, A, &p);
	state(C, A, &c);
	check(p.pfn != c.pfn && p.writable && p.anon_exclusive && p.maybe_pinned);
	check(!c.maybe_pinned && c.anon_exclusive);
	check(pmm_load(C, A + 3, &b, 1) == 0 && b == 'q');
	pool(M2, 2, 0, 0);
	check(pmm_fork(P) == NULL);
	pmm_unpin(pin);
}

/*
 * Explored: two processes fault the same shared hugetlbfs page, and two
 * write their COW-shared private page, at once; every interleaving keeps
 * each one's data (the data oracle checks every load) and the counts.
 */
static void race_store(struct pmm_process *p, unsigned long addr, char v)
{
	char b = 0;

	check(pmm_store(p, addr, &v, 1) == 0);
	check(pmm_load(p, addr, &b, 1) == 0 && b == v);
}

static void t_shared_p(void *arg) { (void)arg; race_store(P, A + 1, 'p'); }
static void t_shared_c(void *arg) { (void)arg; race_store(C, A + 2, 'c'); }
static void t_cow_p(void *arg) { (void)arg; race_store(P, A + 64, 'P'); }
static void t_cow_c(void *arg) { (void)arg; race_store(C, A + 64, 'C'); }

static void race_shared_setup(void *arg)
{
	(void)arg;
	machine_up(16ul << 20);
	P = pmm_process_create();
	C = pmm_process_create();
	pmm_hugetlb_set_pool(M2, 1);
	F = pmm_hugetlbfs_create(M2, M2);
	if (!F || pmm_mmap_hugetlb(P, A, M2, RW, PMM_MAP_SHARED, M2, F, 0) ||
	    pmm_mmap_hugetlb(C, A, M2, RW, PMM_MAP_SHARED, M2, F, 0))
		fail_msg("setup");
	pmm_task_create("p", 0, t_shared_p, NULL);
	pmm_task_create("c", 1, t_shared_c, NULL);
}

static void race_cow_setup(void *arg)
{
	(void)arg;
	machine_up(16ul << 20);
	P = pmm_process_create();
	pmm_hugetlb_set_pool(M2, 2);
	if (pmm_mmap_hugetlb(P, A, M2, RW, PMM_MAP_PRIVATE, M2, NULL, 0) ||
	    pmm_store(P, A + 64, "x", 1))
		fail_msg("setup");
	C = pmm_fork(P);
	pmm_task_create("p", 0, t_cow_p, NULL);
	pmm_task_create("c", 1, t_cow_c, NULL);
}

/* run_clean(), to two preemptions: every interleaving would take hours. */
static uint64_t run_bounded(void (*setup_fn)(void *))
{
	struct pmm_program prog = { "hugetlb-race", "", setup_fn, machine_down, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	failures = 0;
	o.stop_on_violation = false;
	o.trace = false;
	o.preemptions = 2;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	return check_clean(&r);
}

static void test_race_shared(void **s) { (void)s; assert_true(run_bounded(race_shared_setup) > 1); }
static void test_race_cow(void **s) { (void)s; assert_true(run_bounded(race_cow_setup) > 1); }

static void (*body_fn)(void *);
static unsigned long body_ram;

static void setup(void *arg)
{
	(void)arg;
	machine_up(body_ram);
	P = pmm_process_create();
	C = pmm_process_create();
	pmm_task_create("hugetlb", 0, body_fn, NULL);
}

static uint64_t go(void (*fn)(void *), unsigned long ram)
{
	body_fn = fn;
	body_ram = ram;
	return run_clean(setup);
}

static void test_demote(void **s) { (void)s; assert_int_equal(go(demote_body, RAM_1G), 1); }
static void test_demote_busy(void **s) { (void)s; assert_int_equal(go(demote_busy_body, RAM_1G), 1); }
static void test_reserve(void **s) { (void)s; assert_int_equal(go(reserve_body, 16ul << 20), 1); }
static void test_sigbus(void **s) { (void)s; assert_int_equal(go(sigbus_body, 16ul << 20), 1); }
static void test_cow(void **s) { (void)s; assert_int_equal(go(cow_body, 16ul << 20), 1); }
static void test_shared(void **s) { (void)s; assert_int_equal(go(shared_body, 16ul << 20), 1); }
static void test_fork_pinned(void **s) { (void)s; assert_int_equal(go(fork_pinned_body, 16ul << 20), 1); }
static void test_pin_1g(void **s) { (void)s; assert_int_equal(go(pin_body, RAM_1G), 1); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demote),
		cmocka_unit_test(test_demote_busy),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_sigbus),
		cmocka_unit_test(test_cow),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_fork_pinned),
		cmocka_unit_test(test_pin_1g),
		cmocka_unit_test(test_race_shared),
		cmocka_unit_test(test_race_cow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
