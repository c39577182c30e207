// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The leak oracle (src/check/leak.c) at the end of a program:
 * pmm_machine_finish() exits every process, releases every pipe and drops
 * every file's cache, after which every RAM frame but the zero page must
 * be free. Programs that clean up after themselves, or leave it all to
 * the teardown (mappings, pins' pages in a pipe, dirty pages), are clean;
 * a reference taken and never put, a folio allocated and never freed, or
 * a pin never released is a "leak", whose message names the first frame
 * still held and says how many there are.
 */
#include "fs_test.h"

/*
 * Everything left to the teardown: a file with dirty and mapped pages, a
 * private COW copy, a forked child sharing anonymous memory, a pipe
 * holding page references. No leak.
 */
static void busy_body(void)
{
	struct pmm_process *child;

	CHECK(write_pat(env->f, 'a', 0, 3 * PAGE) == 3 * PAGE);
	CHECK(pmm_mmap(env->p, MAPA, 2 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	CHECK(pmm_mmap(env->p, MAPB, 2 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_PRIVATE, env->f, 0) == 0);
	CHECK(ustore(MAPA, "s", 1) == 0);
	CHECK(ustore(MAPB + PAGE, "p", 1) == 0);
	CHECK(pmm_splice_to_pipe(env->f, 0, env->pipe, 2 * PAGE) == 2 * PAGE);
	child = pmm_fork(env->p);
	CHECK(child != NULL);
	CHECK(child && pmm_store(child, UBUF, "c", 1) == 0);
	CHECK(write_pat(env->g, 'g', 0, PAGE) == PAGE);
	CHECK(pmm_free_pages() < FRESH_FREE - 10);
}

static void test_teardown_is_clean(void **state)
{
	(void)state;
	fs_run(busy_body);
}

/* A page-cache reference taken with filemap_get_entry() and never put. */
static void leak_lookup_body(void)
{
	CHECK(write_byte(env->f, 'x', 0, 10) == 10);
	CHECK(filemap_get_entry(&ino(env->f)->i_mapping, 0) != NULL);
}

/* folio_get() on a mapped page, never put. */
static void leak_get_body(void)
{
	struct pmm_page_state st;

	CHECK(write_byte(env->f, 'x', 0, 10) == 10);
	CHECK(pmm_mmap(env->p, MAPA, PAGE, PMM_PROT_READ, PMM_MAP_SHARED,
		       env->f, 0) == 0);
	CHECK(uload(MAPA, &st, 1) == 0);
	CHECK(pmm_page_state(env->p, MAPA, &st) == 0);
	folio_get(pfn_folio(st.pfn));
}

/* Two folios allocated and never freed, one of them large. */
static void leak_alloc_body(void)
{
	CHECK(folio_alloc(0, 0) != NULL);
	CHECK(folio_alloc(0, 3) != NULL);
}

/* A pin on anonymous memory never released: the message says so. */
static void leak_pin_body(void)
{
	struct pmm_pin *pin;

	CHECK(ustore(UBUF, "p", 1) == 0);
	CHECK(pmm_pin(env->p, UBUF, 1, PMM_GUP_WRITE, &pin) == 0);
}

/* The same pin, released: clean. */
static void pin_released_body(void)
{
	struct pmm_pin *pin;

	CHECK(ustore(UBUF, "p", 1) == 0);
	CHECK(pmm_pin(env->p, UBUF, 1, PMM_GUP_WRITE, &pin) == 0);
	pmm_unpin(pin);
}

static void test_leaks_reported(void **state)
{
	(void)state;
	checks_reset();
	fs_run_expect(leak_lookup_body, "leak",
		      "1 folio(s) still allocated after teardown");
	fs_run_expect(leak_lookup_body, "leak", "refcount 1, mapcount 0");
	fs_run_expect(leak_get_body, "leak",
		      "1 folio(s) still allocated after teardown");
	fs_run_expect(leak_alloc_body, "leak",
		      "2 folio(s) still allocated after teardown");
	fs_run_expect(leak_pin_body, "leak", "refcount 1024, mapcount 0, maybe pinned");
	assert_checks();
	fs_run(pin_released_body);
}

/*
 * The leak oracle in every execution: a task looks a page up and puts it
 * back, racing a truncate of the page; whatever the order, the teardown
 * finds every frame free. A control where the lookup keeps its reference
 * is a leak whenever the lookup found the page (before the truncate
 * removed it), and only then. The interleavings are too many to
 * enumerate; 2000 random ones and 2000 PCT ones are run.
 */
static bool keep_ref;

static void lookup_task(void *arg)
{
	struct folio *c = filemap_get_entry(&ino(env->f)->i_mapping, 0);

	(void)arg;
	if (c && !keep_ref)
		folio_put(c);
}

static void trunc_task(void *arg)
{
	(void)arg;
	pmm_truncate(env->f, 0);
}

static void race_setup(void *arg)
{
	(void)arg;
	if (!fs_machine())
		return;
	env->f = pmm_file_create(PAGE);
	if (!env->f || write_byte(env->f, 'r', 0, PAGE) != PAGE) {
		pmm_violation("setup", "no file");
		return;
	}
	task_new("lookup", 0, lookup_task, NULL);
	task_new("truncate", 1, trunc_task, NULL);
}

static void test_leak_in_every_interleaving(void **state)
{
	const struct pmm_program p = PROGRAM("lookup-truncate", race_setup, fs_finish);
	struct pmm_explore_result r;

	(void)state;
	enum pmm_strategy s[2] = { PMM_STRATEGY_RANDOM, PMM_STRATEGY_PCT };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		keep_ref = false;
		explore_sample(&p, s[i], 2000, &r);
		if (r.violations)
			explore_report("lookup-truncate", &r);
		assert_int_equal(r.violations, 0);
		pmm_explore_result_release(&r);

		keep_ref = true;
		explore_sample(&p, s[i], 2000, &r);
		assert_true(r.violations > 0 && r.violations < r.executions);
		assert_string_equal(r.oracle, "leak");
		pmm_explore_result_release(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_teardown_is_clean),
		cmocka_unit_test(test_leaks_reported),
		cmocka_unit_test(test_leak_in_every_interleaving),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
