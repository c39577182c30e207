// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Checkpoints: a search interrupted after k executions writes its state,
 * and the search resumed from it finishes with the counts (and caller's
 * counters, and first violation) of the uninterrupted search, whatever k,
 * however many times it is interrupted, sharded or not. A checkpoint of
 * another search, or a malformed one, is refused with file:line:col; the
 * file is replaced whole or not at all.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "resume_check.h"
#include "shard_prog.h"

static char dir[64], path[128];
static volatile sig_atomic_t flag;
/* A caller's counter, bumped once per counted execution. */
static uint64_t counter;

static void count_end(void *arg, const struct pmm_execution *e)
{
	counter++;
	sp_end(arg, e);
}

static int run(struct pmm_shard shard, bool stop, uint64_t stop_after,
	       const char *resume_from, struct pmm_explore_result *r)
{
	struct sp_seen seen = { .stop_after = stop_after, .flag = &flag };
	struct pmm_observer obs = { NULL, NULL, count_end, &seen };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	int err;

	flag = 0;
	o.shard = shard;
	o.stop_on_violation = stop;
	o.trace = false;
	o.observer = &obs;
	o.interrupt = &flag;
	o.checkpoint = path;
	o.resume = resume_from;
	o.search_id = 42;
	o.counters = &counter;
	o.nr_counters = 1;
	err = pmm_explore(&sp_prog, &o, r);
	sp_free(&seen);
	return err;
}

static void setup_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/protmm-ckpt.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/search.ckpt", dir);
}

static unsigned int files_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void cleanup_dir(void)
{
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/* Interrupted at each of @stops in turn, resumed each time. */
static void check_resume(struct pmm_shard shard, bool stop,
			 const uint64_t *stops, size_t n)
{
	struct pmm_explore_result whole, r;
	uint64_t whole_counter;
	size_t i;

	counter = 0;
	assert_int_equal(run(shard, stop, 0, NULL, &whole), 0);
	whole_counter = counter;
	assert_true(whole.complete);
	counter = 0;
	for (i = 0; i < n; i++) {
		assert_int_equal(run(shard, stop, stops[i], i ? path : NULL, &r), 0);
		assert_interrupted(&r);
		/* Just the checkpoint: no temporary file is left. */
		assert_int_equal(files_in_dir(), 1);
		pmm_explore_result_release(&r);
		/* What was counted is in the file, not in memory. */
		counter = 0;
	}
	assert_int_equal(run(shard, stop, 0, path, &r), 0);
	assert_resumed_equal(&r, &whole);
	assert_int_equal(counter, whole_counter);
	assert_true(r.resumed_executions > 0);
	pmm_explore_result_release(&r);
	pmm_explore_result_release(&whole);
}

static void test_resume_equal(void **state)
{
	static const uint64_t one[][1] = { { 1 }, { 2 }, { 7 }, { 100 }, { 1679 } };
	static const uint64_t chain[] = { 3, 50, 200, 600 };
	size_t i;

	(void)state;
	sp_nr = 3;
	setup_dir();
	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		check_resume((struct pmm_shard){ 0, 0, 0 }, false, one[i], 1);
	/* Interrupted again and again, each run going on from the last. */
	check_resume((struct pmm_shard){ 0, 0, 0 }, false, chain, 4);
	/* A shard of a sharded search, interrupted twice. */
	check_resume((struct pmm_shard){ 1, 3, 2 }, false, chain, 2);
	cleanup_dir();
}

/*
 * Interrupted halfway through, the estimate of the fraction done is about
 * a half: each task's first step splits the tree into equal thirds.
 */
static void test_estimate(void **state)
{
	struct pmm_explore_result r;
	static const uint64_t at[] = { 560, 840, 1120 };
	size_t i;

	(void)state;
	sp_nr = 3;
	setup_dir();
	for (i = 0; i < 3; i++) {
		double want = (double)at[i] / 1680;

		assert_int_equal(run((struct pmm_shard){ 0, 0, 0 }, false, at[i],
				     NULL, &r), 0);
		assert_true(r.interrupted);
		if (r.done_fraction < want * 0.8 || r.done_fraction > want * 1.2)
			fail_msg("after %llu of 1680: estimated %.3f done",
				 (unsigned long long)at[i], r.done_fraction);
		pmm_explore_result_release(&r);
	}
	assert_int_equal(run((struct pmm_shard){ 0, 0, 0 }, false, 0, NULL, &r), 0);
	assert_true(r.done_fraction == 1.0);
	pmm_explore_result_release(&r);
	cleanup_dir();
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void expect_refused(struct pmm_shard shard, const char *where,
			   const char *what)
{
	struct pmm_explore_result r;
	char want[256];

	assert_int_equal(run(shard, false, 0, path, &r), -EINVAL);
	snprintf(want, sizeof(want), "%s:%s", path, where);
	if (strncmp(r.message, want, strlen(want)) || !strstr(r.message, what))
		fail_msg("got \"%s\", wanted \"%s ... %s\"", r.message, want, what);
	pmm_explore_result_release(&r);
}

static void test_bad_checkpoints(void **state)
{
	struct pmm_explore_result r;
	char *good, *bad;
	size_t len;
	FILE *f;

	(void)state;
	sp_nr = 3;
	setup_dir();
	assert_int_equal(run((struct pmm_shard){ 0, 0, 0 }, false, 10, NULL, &r), 0);
	assert_true(r.checkpointed);
	pmm_explore_result_release(&r);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	good = calloc(1, len + 1);
	assert_int_equal(fread(good, 1, len, f), len);
	fclose(f);

	/* Another shard's checkpoint. */
	expect_refused((struct pmm_shard){ 1, 2, 0 }, "", "\"index\" is 0 here, 1");
	/* Cut short: an unfinished document. */
	bad = strndup(good, len / 2);
	write_file(bad);
	free(bad);
	expect_refused((struct pmm_shard){ 0, 0, 0 }, "", "");
	/* Malformed at a known place: line 2, column 11. */
	write_file("{\"protmm_checkpoint\":1,\n\"program\": x}\n");
	expect_refused((struct pmm_shard){ 0, 0, 0 }, "2:12:", "expected a value");
	/* Version 2 saved one object per DPOR tree node, not a footprint. */
	write_file("{\"protmm_checkpoint\":2}\n");
	expect_refused((struct pmm_shard){ 0, 0, 0 }, "1:22:",
		       "checkpoint version 2, this protmm reads 3");
	write_file("[]\n");
	expect_refused((struct pmm_shard){ 0, 0, 0 }, "1:1:", "a checkpoint is a JSON object");
	write_file("{\"something\":1}\n");
	expect_refused((struct pmm_shard){ 0, 0, 0 }, "1:1:", "not a protmm checkpoint");
	unlink(path);
	expect_refused((struct pmm_shard){ 0, 0, 0 }, " cannot read", "No such file");
	free(good);
	cleanup_dir();
}

/* Where the checkpoint cannot be written: an error, and nothing left. */
static void test_unwritable(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	setup_dir();
	snprintf(path, sizeof(path), "%s/no/such/dir/ckpt", dir);
	assert_int_equal(run((struct pmm_shard){ 0, 0, 0 }, false, 5, NULL, &r),
			 -ENOENT);
	assert_non_null(strstr(r.message, "cannot write the checkpoint"));
	assert_false(r.checkpointed);
	pmm_explore_result_release(&r);
	assert_int_equal(files_in_dir(), 0);
	snprintf(path, sizeof(path), "%s/search.ckpt", dir);
	cleanup_dir();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resume_equal),
		cmocka_unit_test(test_bad_checkpoints),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_estimate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
