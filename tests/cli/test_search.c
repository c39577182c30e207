// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm explore --shard/--output, protmm merge, and checkpoints through
 * the command: N shards merged give the one-process counts and its first
 * violation; an explore interrupted by SIGINT at several points and
 * resumed each time ends with the uninterrupted counts; bad shards, merge
 * files and checkpoints are refused with exit status 2 and a position.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../common/run_protmm.h"

static char dir[64];

static char *scenario(const char *name)
{
	static char buf[4][512];
	static unsigned int n;
	char *p = buf[n++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/search/%s", getenv("CLI_SCENARIOS"), name);
	return p;
}

static char *tmp(const char *name)
{
	static char buf[8][128];
	static unsigned int n;
	char *p = buf[n++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

#define PROTMM(r, ...) assert_true(run_protmm((r), (const char *const[]){ __VA_ARGS__, NULL }))

/* The number after "\"key\":" in @json. */
static unsigned long long field(const char *json, const char *key)
{
	char pat[64];
	const char *p;
	unsigned long long v = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p || sscanf(p + strlen(pat), "%llu", &v) != 1)
		fail_msg("no \"%s\" in %s", key, json);
	return v;
}

/* The string after "\"key\":\"" in @json, up to the next quote. */
static char *field_str(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(json, pat);
	if (!p)
		fail_msg("no \"%s\" in %s", key, json);
	p += strlen(pat);
	return strndup(p, strcspn(p, "\""));
}

static void expect_exit(const struct run *r, int code, const char *err_has)
{
	if (r->exit_code != code || (err_has && !strstr(r->err, err_has)))
		fail_msg("wanted exit %d and stderr with \"%s\"; got %d:\n%s%s",
			 code, err_has ? err_has : "", r->exit_code, r->out, r->err);
}

/*
 * @n shards merged against one process. With --all the counts are equal;
 * stopping at the first violation, each shard stops at its own, and only
 * the first violation is the same.
 */
static void shards_vs_one(const char *file, const char *strategy,
			  const char *all, const char *n)
{
	bool counts = !strcmp(all, "--all");
	struct run r;
	char *one, *merged, *s1, *s2, spec[16];
	int k, count = atoi(n);
	const char *outs[8];

	/* One process, cut at the depth the shards use: same subtrees. */
	PROTMM(&r, "explore", file, "--strategy", strategy, all, "--shard-depth",
	       "5", "--output", tmp("one.json"));
	run_release(&r);
	for (k = 0; k < count; k++) {
		snprintf(spec, sizeof(spec), "%d/%s", k, n);
		outs[k] = tmp(k == 0 ? "s0.json" : k == 1 ? "s1.json" :
			      k == 2 ? "s2.json" : "s3.json");
		PROTMM(&r, "explore", file, "--strategy", strategy, all, "--shard",
		       spec, "--shard-depth", "5", "--output", outs[k]);
		expect_exit(&r, 0, NULL);
		run_release(&r);
	}
	/* Given in any order: last shard first. */
	{
		const char *args[12] = { "merge", "--format", "json" };

		for (k = 0; k < count; k++)
			args[3 + k] = outs[count - 1 - k];
		args[3 + count] = NULL;
		assert_true(run_protmm(&r, args));
	}
	one = slurp(tmp("one.json"), NULL);
	merged = strdup(r.out);
	assert_non_null(one);
	assert_int_equal(field(merged, "shards"), count);
	if (counts) {
		assert_int_equal(field(merged, "executions"), field(one, "executions"));
		assert_int_equal(field(merged, "traces"), field(one, "traces"));
		assert_int_equal(field(merged, "redundant"), field(one, "redundant"));
		assert_int_equal(field(merged, "violations"), field(one, "violations"));
		assert_int_equal(field(merged, "deadlocks"), field(one, "deadlocks"));
		assert_int_equal(field(merged, "steps"), field(one, "steps"));
		assert_int_equal(field(merged, "truncated"), field(one, "truncated"));
		assert_int_equal(field(merged, "subtrees"), field(one, "subtrees"));
		assert_non_null(strstr(merged, "\"complete\":true"));
	}
	if (field(one, "violations")) {
		s1 = field_str(one, "schedule");
		s2 = field_str(merged, "schedule");
		assert_string_equal(s1, s2);
		free(s1);
		free(s2);
		s2 = field_str(merged, "replay");
		assert_non_null(strstr(s2, "protmm replay "));
		free(s2);
		expect_exit(&r, 0, NULL);
		assert_non_null(strstr(merged, "\"verdict\":\"as expected\""));
	}
	free(one);
	free(merged);
	run_release(&r);
}

static void test_merge_equals_one(void **state)
{
	(void)state;
	shards_vs_one(scenario("lost-write.pmm"), "dfs", "--all", "4");
	shards_vs_one(scenario("lost-write.pmm"), "dfs", "--all", "3");
	/* Stopping at the first violation: the same first violation. */
	shards_vs_one(scenario("lost-write.pmm"), "dfs", "--bound=100000", "4");
	shards_vs_one(scenario("lost-write.pmm"), "dfs", "--bound=100000", "2");
	/* DPOR: the same traces (and redundant executions) split or not. */
	shards_vs_one(scenario("lost-write.pmm"), "dpor", "--all", "3");
	shards_vs_one(scenario("four-writers.pmm"), "dpor", "--all", "2");
	shards_vs_one(scenario("four-writers.pmm"), "dpor", "--all", "4");
	shards_vs_one(scenario("lost-write.pmm"), "dpor", "--bound=100000", "2");
}

static void test_bad_input(void **state)
{
	static const char *const bad_shards[] = { "4/4", "a/b", "1", "-1/2", "0/0",
						  "1/", "/4", "1/2/3" };
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_shards) / sizeof(bad_shards[0]); i++) {
		PROTMM(&r, "explore", scenario("lost-write.pmm"), "--shard",
		       bad_shards[i]);
		expect_exit(&r, 2, "--shard: bad value");
		run_release(&r);
	}
	PROTMM(&r, "explore", scenario("lost-write.pmm"), "--shard", "0/2",
	       "--strategy", "random", "--executions", "10");
	expect_exit(&r, 2, "not supported");
	run_release(&r);
	PROTMM(&r, "explore", scenario("lost-write.pmm"), "--shard", "0/2",
	       "--strategy", "pct", "--executions", "10");
	expect_exit(&r, 2, "--shard: not supported");
	run_release(&r);
	PROTMM(&r, "explore", scenario("lost-write.pmm"), "--resume", "x.ckpt",
	       "--strategy", "random", "--executions", "10");
	expect_exit(&r, 2, "--resume: not supported");
	run_release(&r);
	/* A dpor shard of another split is refused like a dfs one. */
	PROTMM(&r, "explore", scenario("lost-write.pmm"), "--strategy", "dpor",
	       "--shard", "2/2");
	expect_exit(&r, 2, "--shard: bad value");
	run_release(&r);
	PROTMM(&r, "run", scenario("lost-write.pmm"), "--shard", "0/2");
	expect_exit(&r, 2, "--shard does not apply");
	run_release(&r);

	/* Merge: malformed, not a shard, another search, missing, twice. */
	PROTMM(&r, "explore", scenario("lost-write.pmm"), "--shard", "0/2",
	       "--output", tmp("a0.json"));
	run_release(&r);
	PROTMM(&r, "explore", scenario("four-writers.pmm"), "--shard", "1/2",
	       "--executions", "10", "--output", tmp("b1.json"));
	run_release(&r);
	assert_true(write_file(tmp("bad.json"), "{\"protmm_shard_result\":1,\n"
			       "  \"name\": nope}\n", 39));
	PROTMM(&r, "merge", tmp("a0.json"), tmp("bad.json"));
	expect_exit(&r, 2, "bad.json:2:11: error: expected a value");
	run_release(&r);
	assert_true(write_file(tmp("other.json"), "[1,2]\n", 6));
	PROTMM(&r, "merge", tmp("other.json"));
	expect_exit(&r, 2, "other.json:1:1: error: not a shard result");
	run_release(&r);
	PROTMM(&r, "merge", tmp("a0.json"), tmp("b1.json"));
	expect_exit(&r, 2, "not a shard of the same search");
	run_release(&r);
	PROTMM(&r, "merge", tmp("a0.json"));
	expect_exit(&r, 2, "1 of 2 shards given; missing: 1/2");
	run_release(&r);
	PROTMM(&r, "merge", tmp("a0.json"), tmp("a0.json"));
	expect_exit(&r, 2, "are both shard 0/2");
	run_release(&r);
	PROTMM(&r, "merge", tmp("none.json"));
	expect_exit(&r, 2, "none.json: No such file or directory");
	run_release(&r);

	/* A checkpoint that is malformed, or of another scenario. */
	PROTMM(&r, "explore", scenario("lost-write.pmm"), "--resume", tmp("bad.json"));
	expect_exit(&r, 2, "bad.json:2:11: expected a value");
	run_release(&r);
	PROTMM(&r, "explore", scenario("lost-write.pmm"), "--resume", tmp("a0.json"));
	expect_exit(&r, 2, "a0.json:1:1: not a protmm checkpoint");
	run_release(&r);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One spawn of @argv, SIGINT to its group after @ms; its wait status. */
static int spawn_and_interrupt(const char *const *argv, long ms, struct run *r)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int out = anon_fd(), err = anon_fd(), status;
	double t0 = now();
	pid_t pid, done = 0;

	memset(r, 0, sizeof(*r));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, &attr, (char *const *)argv,
				     environ), 0);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	while (now() - t0 < ms / 1000.0 && !(done = waitpid(pid, &status, WNOHANG)))
		usleep(5000);
	if (!done) {
		kill(-pid, SIGINT);
		done = waitpid(pid, &status, 0);
	}
	assert_int_equal(done, pid);
	r->out = slurp_fd(out, &r->out_len);
	r->err = slurp_fd(err, &r->err_len);
	return status;
}

/*
 * protmm @args in its own process group, SIGINT to it after @ms. A child
 * killed by the signal itself had not yet installed its handler (a slow
 * start: a sanitizer build on a loaded machine) and wrote nothing, so it is
 * run again, the delay doubled, rather than taken as an answer.
 */
static void run_interrupted(const char *const *args, long ms, struct run *r)
{
	const char *argv[32];
	int status, n = 0, tries;

	argv[n++] = protmm_path();
	while (*args)
		argv[n++] = *args++;
	argv[n] = NULL;
	for (tries = 0; tries < 6; tries++, ms *= 2) {
		status = spawn_and_interrupt(argv, ms, r);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGINT)
			break;
		run_release(r);
	}
	if (WIFSIGNALED(status))
		fail_msg("protmm died of signal %d before handling SIGINT",
			 WTERMSIG(status));
	r->exit_code = WEXITSTATUS(status);
}

/* No file but the checkpoint and the outputs: nothing half-written. */
static void no_temporaries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".tmp."))
			fail_msg("temporary file %s left", de->d_name);
	closedir(d);
}

/*
 * @file (with @strategy) interrupted by SIGINT after each of @stops ms in
 * turn and resumed each time ends with the uninterrupted counts.
 */
static void interrupt_resume(const char *file, const char *strategy,
			     const long *stops, size_t nr_stops, const char *done)
{
	char *ckpt = tmp("fw.ckpt"), *out = tmp("fw.json"), *one;
	const char *first[] = { "explore", file, "--strategy", strategy, "--all",
				"--checkpoint", ckpt, "--output", out, NULL };
	const char *again[] = { "explore", file, "--strategy", strategy, "--all",
				"--checkpoint", ckpt, "--output", out,
				"--resume", ckpt, NULL };
	unsigned int interrupted = 0;
	struct run r;
	size_t i;

	unlink(ckpt);
	PROTMM(&r, "explore", file, "--strategy", strategy, "--all", "--output",
	       tmp("whole.json"));
	run_release(&r);
	one = slurp(tmp("whole.json"), NULL);
	for (i = 0; i < nr_stops; i++) {
		run_interrupted(i ? again : first, stops[i], &r);
		no_temporaries();
		if (r.exit_code == 0)
			break;	/* done before the signal came */
		expect_exit(&r, 130, "search saved in ");
		assert_non_null(strstr(r.out, "interrupted"));
		interrupted++;
		run_release(&r);
	}
	if (!interrupted)
		fail_msg("the search ended before the first interrupt");
	if (i == nr_stops) {
		PROTMM(&r, "explore", file, "--strategy", strategy, "--all",
		       "--checkpoint", ckpt, "--output", out, "--resume", ckpt);
		expect_exit(&r, 0, NULL);
	}
	assert_non_null(strstr(r.out, done));
	run_release(&r);
	{
		char *got = slurp(out, NULL);

		assert_int_equal(field(got, "executions"), field(one, "executions"));
		assert_int_equal(field(got, "traces"), field(one, "traces"));
		assert_int_equal(field(got, "redundant"), field(one, "redundant"));
		assert_int_equal(field(got, "steps"), field(one, "steps"));
		assert_int_equal(field(got, "violations"), field(one, "violations"));
		assert_non_null(strstr(got, "\"complete\":true"));
		free(got);
	}
	free(one);
}

static void test_interrupt_resume(void **state)
{
	static const long stops[] = { 400, 900, 1500 };
	/* A seed scenario DPOR takes about a second over: 54,414 executions. */
	static const long dpor_stops[] = { 150, 250, 300 };
	char dpor_file[512];

	(void)state;
	interrupt_resume(scenario("four-writers.pmm"), "dfs", stops, 3,
			 "(dfs, complete)");
	snprintf(dpor_file, sizeof(dpor_file), "%s/../../scenarios/seed002/"
		 "tags-freed-early.pmm", getenv("CLI_SCENARIOS"));
	interrupt_resume(dpor_file, "dpor", dpor_stops, 3, "(dpor, complete");
}

/* --progress on a pipe: executions, rate, and the estimate. */
static void test_progress(void **state)
{
	struct run r;

	(void)state;
	PROTMM(&r, "explore", scenario("four-writers.pmm"), "--progress",
	       "--executions", "120000");
	expect_exit(&r, 0, NULL);
	if (!strstr(r.err, " executions, ") || !strstr(r.err, "/s, ") ||
	    !strstr(r.err, "% of ~"))
		fail_msg("no progress with an estimate on stderr: %s", r.err);
	run_release(&r);
	PROTMM(&r, "explore", scenario("lost-write.pmm"));
	assert_string_equal(r.err, "");
	run_release(&r);
}

static int setup(void **state)
{
	(void)state;
	return scratch_dir_make(dir, sizeof(dir), "protmm-search");
}

static int teardown(void **state)
{
	(void)state;
	return scratch_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_equals_one),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_interrupt_resume),
		cmocka_unit_test(test_progress),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
