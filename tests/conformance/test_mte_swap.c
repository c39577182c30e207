// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MODEL-SPECIFIC: no kernel selftest swaps tagged memory. The arm64 MTE
 * selftests (tools/testing/selftests/arm64/mte/) never call
 * MADV_PAGEOUT, and mm/cow.c's run_with_base_page_swap() does not use
 * PROT_MTE. These tests check what Documentation/arch/arm64/
 * memory-tagging-extension.rst promises and arch/arm64/mm/mteswap.c
 * implements: the tags of a swapped-out page come back on swap-in
 * (arch_prepare_to_swap() saves them under the swap entry,
 * arch_swap_restore() puts them back).
 *
 *   test_tags_survive_swap          every granule its own tag, reclaim
 *                                   (MADV_PAGEOUT), then tag-checked
 *                                   loads swap the page in: data, tags and
 *                                   the tag check itself are intact
 *   test_tags_survive_swap_pages    four pages swapped out together, back
 *                                   in one by one through STG/LDG first
 *   test_swapped_page_forked        swap out, fork: both processes swap
 *                                   the shared entry in at once (two CPUs,
 *                                   explored) and see the tags
 *   test_untagged_page_swap         a page never mapped PROT_MTE goes out
 *                                   and comes back with its data, and
 *                                   reads tag 0 when mprotect() adds
 *                                   PROT_MTE afterwards
 */
#include "mte_conformance.h"

#define GRANULES	(PAGE / MT_GRANULE)

static struct pmm_process *P, *Q;
static unsigned int nr_pages;

/* Granule g of page pg: tag and data byte, so a mix-up shows. */
static unsigned int gtag(unsigned int pg, unsigned int g)
{
	return (g + pg) % 16;
}

static unsigned char gbyte(unsigned int pg, unsigned int g)
{
	return (unsigned char)('a' + (g + 3 * pg) % 26);
}

/* The arm64-mte machine with a 1 MiB swap device, and process P. */
static bool swap_machine(void)
{
	P = conf_mte_machine(1ul << 20);
	return P != NULL;
}

/* @n PROT_MTE pages at MEM, each granule tagged and filled. */
static bool populate(unsigned int n)
{
	unsigned char buf[MT_GRANULE];
	int err = pmm_mmap(P, MEM, n * PAGE, RW | PMM_PROT_MTE, PMM_MAP_PRIVATE,
			   NULL, 0);

	for (unsigned int pg = 0; pg < n && !err; pg++) {
		for (unsigned int g = 0; g < GRANULES && !err; g++) {
			unsigned long a = MEM + pg * PAGE + g * MT_GRANULE;

			err = pmm_store_tags(P, a, MT_GRANULE, gtag(pg, g));
			memset(buf, gbyte(pg, g), sizeof(buf));
			if (!err)
				err = pmm_store(P, pmm_tag_addr(a, gtag(pg, g)), buf,
						sizeof(buf));
		}
	}
	if (err)
		pmm_violation("setup", "populating %u tagged pages: %d", n, err);
	nr_pages = n;
	return !err;
}

/* The first @n granules of page pg of @p read their data and tags. */
static void check_granules(struct pmm_process *p, unsigned int pg, bool ldg_first,
			   unsigned int n)
{
	for (unsigned int g = 0; g < n; g++) {
		unsigned long a = MEM + pg * PAGE + g * MT_GRANULE;
		unsigned char t = 0xff, got = 0;
		int ret;

		if (ldg_first)
			CHECK(!pmm_load_tags(p, a, MT_GRANULE, &t) && t == gtag(pg, g),
			      "page %u granule %u: LDG %u, not %u", pg, g, t, gtag(pg, g));
		ret = conf_expect(p, pmm_tag_addr(a, gtag(pg, g)), MT_GRANULE,
				  gbyte(pg, g), &got);
		CHECK(!ret, "page %u granule %u: read %#x (%d), not %#x", pg, g, got,
		      ret, gbyte(pg, g));
		CHECK(pmm_mem_tag(p, a) == (int)gtag(pg, g),
		      "page %u granule %u: memory tag %d, not %u", pg, g,
		      pmm_mem_tag(p, a), gtag(pg, g));
	}
}

static void check_page(struct pmm_process *p, unsigned int pg, bool ldg_first)
{
	check_granules(p, pg, ldg_first, GRANULES);
}

static void t_survive(void *arg)
{
	long n = pmm_reclaim(P, MEM, nr_pages * PAGE);
	bool ldg_first = arg != NULL;

	CHECK(n == (long)nr_pages, "reclaim swapped out %ld of %u pages", n, nr_pages);
	for (unsigned int pg = 0; pg < nr_pages; pg++)
		CHECK(pmm_swapped(P, MEM + pg * PAGE), "page %u not swapped out", pg);
	for (unsigned int pg = 0; pg < nr_pages; pg++) {
		check_page(P, pg, ldg_first);
		CHECK(!pmm_swapped(P, MEM + pg * PAGE), "page %u still swapped", pg);
		/* The tag check still works: the wrong tag faults. */
		CHECK(pmm_store(P, pmm_tag_addr(MEM + pg * PAGE, gtag(pg, 0) ^ 1), "x",
				1) == -EFAULT, "page %u: mismatching store did not fault",
		      pg);
	}
	/* And a second round trip, from the swapped-in state. */
	n = pmm_reclaim(P, MEM, nr_pages * PAGE);
	CHECK(n == (long)nr_pages, "second reclaim: %ld", n);
	for (unsigned int pg = 0; pg < nr_pages; pg++)
		check_page(P, pg, !ldg_first);
}

static void setup_survive_1(void *arg)
{
	if (swap_machine() && populate(1))
		conf_task("selftest", 0, t_survive, arg);
}

static void setup_survive_4(void *arg)
{
	if (swap_machine() && populate(4))
		conf_task("selftest", 0, t_survive, arg);
}

/*
 * Explored: the swap entry in both PTEs, both processes fault it in
 * (the LDG of granule 0 does) and check two granules: a whole page per
 * task would multiply the interleavings without adding a swap-in.
 */
static void t_forked(void *arg)
{
	check_granules(arg ? Q : P, 0, true, 2);
}

static void setup_forked(void *arg)
{
	(void)arg;
	if (!swap_machine() || !populate(1))
		return;
	if (pmm_reclaim(P, MEM, PAGE) != 1) {
		pmm_violation("setup", "the page was not swapped out");
		return;
	}
	Q = pmm_fork(P);
	if (!Q || !pmm_swapped(Q, MEM)) {
		pmm_violation("setup", "fork() did not copy the swap entry");
		return;
	}
	conf_task("parent", 0, t_forked, NULL);
	conf_task("child", 1, t_forked, (void *)1);
}

/* An untagged page over swap, then tagged: data kept, tags 0. */
static void t_untagged(void *arg)
{
	unsigned char got = 0;
	int ret;

	(void)arg;
	mte_untagged_page(P, MEM, 'u');
	/* STG is ignored without PROT_MTE: nothing to save. */
	CHECK(!pmm_store_tags(P, MEM, PAGE, 6), "STG failed");
	CHECK(pmm_reclaim(P, MEM, PAGE) == 1, "reclaim failed");
	ret = conf_expect(P, pmm_tag_addr(MEM, 6), PAGE, 'u', &got);
	CHECK(!ret, "untagged page after swap reads %#x (%d)", got, ret);
	CHECK(pmm_reclaim(P, MEM, PAGE) == 1, "second reclaim failed");
	mte_tag_populated(P, MEM, 'u');
}

static void setup_untagged(void *arg)
{
	if (swap_machine())
		conf_task("selftest", 0, t_untagged, arg);
}

MTE_TEST(test_tags_survive_swap, "survive_swap", setup_survive_1, NULL)
MTE_TEST(test_tags_survive_swap_pages, "survive_swap_pages", setup_survive_4, 1)

/* Each swap-in is hundreds of steps: every 2-preemption schedule. */
static void test_swapped_page_forked(void **state)
{
	(void)state;
	mte_run_bounded("swapped_forked", setup_forked, 2);
}

MTE_TEST(test_untagged_page_swap, "untagged_swap", setup_untagged, NULL)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tags_survive_swap),
		cmocka_unit_test(test_tags_survive_swap_pages),
		cmocka_unit_test(test_swapped_page_forked),
		cmocka_unit_test(test_untagged_page_swap),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
