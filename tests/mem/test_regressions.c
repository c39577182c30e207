// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Regression tests for bugs found in the model (src/mem/), one each,
 * named on the command line by meson.build. Each asserts what the kernel
 * does and failed before its fix. The story of each:
 *
 * 1. put_refs_past_zero_is_underflow, unpin_twice_is_underflow
 *
 *    folio_put_refs_at() (folio.c) reports a count that goes below zero
 *    through bad_ref(), which names the oracle by the count *before* the
 *    put: "refcount-underflow" only when it was already <= 0, "bug-on"
 *    otherwise. So folio_put_refs(f, 3) on a count of 2 (2 -> -1), or a
 *    small folio unpinned twice (gup_put_folio() puts 1024 references
 *    from a count of 1: 1 -> -1023), is an underflow reported as
 *    "bug-on". folio_put() past zero is "refcount-underflow" (folio.h's
 *    rules, and test_folio.c), whatever the size of the put; the fix is
 *    to name the oracle by the new count (new < 0) in folio_put_refs_at().
 */
#include "mem_test.h"

static void put_refs_body(void)
{
	struct folio *f = folio_alloc(0, 0);

	folio_get(f);
	folio_put_refs(f, 3);
}

static void test_put_refs_past_zero_is_underflow(void **state)
{
	(void)state;
	run_body_expect(put_refs_body, true, "refcount-underflow",
			"folio_put on frame 0x1");
}

static void unpin_twice_body(void)
{
	struct folio *f = folio_alloc(0, 0);

	try_grab_folio(f, 1, FOLL_PIN);
	gup_put_folio(f, 1, FOLL_PIN);
	gup_put_folio(f, 1, FOLL_PIN);
}

static void test_unpin_twice_is_underflow(void **state)
{
	(void)state;
	run_body_expect(unpin_twice_body, true, "refcount-underflow",
			"folio_put on frame 0x1");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_refs_past_zero_is_underflow),
		cmocka_unit_test(test_unpin_twice_is_underflow),
	};

	/* One bug per meson test: the argument names it. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
