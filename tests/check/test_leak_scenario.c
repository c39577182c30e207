// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The leak oracle under the scenario language: a pin a scenario still
 * holds at its end is the driver's reference, released at the end of the
 * execution as closing the driver's file would (interp.c release_pins()),
 * so it is no leak; a reference the model itself loses still is.
 *
 * TESTING ONLY: linked with -Wl,--wrap=put_user_page_ref, so that a test
 * can make the model lose the reference a FOLL_GET release puts, as a
 * model bug would.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/knob.h"
#include "scenario/scenario.h"

struct page;

void __real_put_user_page_ref(struct page *page);
void __wrap_put_user_page_ref(struct page *page);

/* Armed: every put of a FOLL_GET reference is lost. */
static bool lose_puts;

void __wrap_put_user_page_ref(struct page *page)
{
	if (!lose_puts)
		__real_put_user_page_ref(page);
}

/* Parses @src and explores it exhaustively. */
static void run(const char *src, struct pmm_explore_result *r)
{
	struct scenario *s;
	struct scn_error e;
	struct pmm_program prog;
	struct pmm_explore_opts opts = PMM_EXPLORE_OPTS_INIT;

	if (scenario_parse("test.pmm", src, strlen(src), &s, &e))
		fail_msg("parse error at %d:%d: %s", e.pos.line, e.pos.col, e.msg);
	assert_int_equal(scenario_apply_config(s, &e), 0);
	scenario_program(s, &prog);
	scenario_outcome_reset(s);
	opts.stop_on_violation = false;
	opts.trace = false;
	assert_int_equal(pmm_explore(&prog, &opts, r), 0);
	scenario_free(s);
	pmm_knob_reset();
}

#define HEAD "scenario t\nmachine generic\nmemory 1M\n" \
	"init {\n process P\n on P: map a anon len 8K prot rw private\n" \
	" on P: write a \"x\"\n on P: write a+0x1000 \"y\"\n}\n"

/* A pin never unpinned, one unpinned by a thread that never ran: no leak. */
static void test_pins_held_at_end_released(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	lose_puts = false;
	run(HEAD "thread T on P cpu 0 {\n pin a write as p\n pin a+0x1000 get as g\n}\n"
	    "expect ok\n", &r);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	assert_true(r.complete);
	pmm_explore_result_release(&r);
	run(HEAD "thread T on P cpu 0 {\n pin a longterm as p\n fork -> C\n}\n"
	    "thread U on C cpu 1 {\n unpin p\n}\nexpect ok\n", &r);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	assert_true(r.complete);
	assert_true(r.executions > 1);
	pmm_explore_result_release(&r);
}

/*
 * The same scenario, with a pin still held at the end, where the model
 * loses the reference a FOLL_GET release puts: the leak oracle names
 * that page (refcount 1: the lost reference), and only it.
 */
static void test_model_leak_still_caught(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	lose_puts = true;
	run(HEAD "thread T on P cpu 0 {\n pin a write as p\n pin a+0x1000 get as g\n"
	    " unpin g\n}\nexpect ok\n", &r);
	lose_puts = false;
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, "leak");
	assert_non_null(strstr(r.message, "1 folio(s) still allocated after teardown"));
	assert_non_null(strstr(r.message, "refcount 1, mapcount 0"));
	pmm_explore_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pins_held_at_end_released),
		cmocka_unit_test(test_model_leak_still_caught),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
