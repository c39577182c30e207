// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The protmm command, run as a child process (path in $PROTMM): exit
 * status, stdout and stderr of selfcheck, explore, replay and list, the
 * replay command it prints reproducing the violation, and usage errors
 * (exit 2, a message on stderr, nothing on stdout). Then: each option
 * overriding its own field of a scenario's explore line, the one JSON and
 * TAP envelope of run, explore and replay, crashes in model code reported
 * as violations (with $PROTMM_CRASHTEST, a protmm that crashes on demand:
 * crash_hook.c), and SIGINT/SIGTERM stopping with a whole partial report.
 * Scenarios of these tests are under $CLI_SCENARIOS.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "explore/selfcheck.h"
#include "protmm/protmm.h"
#include "scenario/scenario.h"
#include "../common/json_check.h"

extern char **environ;

#define MAX_ARGS 32

struct run {
	/* Exit status, or 128 + signal. */
	int status;
	char *out;
	char *err;
	double seconds;
};

static const char *protmm_path(void)
{
	const char *p = getenv("PROTMM");

	if (!p || !*p)
		fail_msg("PROTMM is not set to the protmm command");
	return p;
}

static int temp_fd(void)
{
	FILE *f = tmpfile();
	int fd;

	assert_non_null(f);
	fd = dup(fileno(f));
	fclose(f);
	assert_true(fd >= 0);
	return fd;
}

static char *slurp(int fd)
{
	struct stat st;
	char *buf;
	ssize_t n;

	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	n = pread(fd, buf, (size_t)st.st_size, 0);
	assert_int_equal(n, st.st_size);
	buf[n] = '\0';
	close(fd);
	return buf;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A protmm started and not yet waited for. */
struct child {
	pid_t pid;
	int out, err;
	double t0;
};

/* Starts @bin with the NULL-terminated @args (argv[1] on), in its own process group if @group. */
static void spawn_argv(const char *bin, const char *const *args, bool group,
		       struct child *c)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char *argv[MAX_ARGS + 2];
	int i;

	c->out = temp_fd();
	c->err = temp_fd();
	c->t0 = now();
	argv[0] = (char *)"protmm";
	for (i = 0; args[i]; i++) {
		assert_true(i < MAX_ARGS);
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&fa, c->out, 1), 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&fa, c->err, 2), 0);
	assert_int_equal(posix_spawnattr_init(&attr), 0);
	if (group) {
		assert_int_equal(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP), 0);
		assert_int_equal(posix_spawnattr_setpgroup(&attr, 0), 0);
	}
	assert_int_equal(posix_spawn(&c->pid, bin, &fa, &attr, argv, environ), 0);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
}

static void wait_child(struct child *c, struct run *r)
{
	int status;

	assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
	r->seconds = now() - c->t0;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
	r->out = slurp(c->out);
	r->err = slurp(c->err);
}

static void run_bin(const char *bin, const char *const *args, struct run *r)
{
	struct child c;

	spawn_argv(bin, args, false, &c);
	wait_child(&c, r);
}

/* Runs protmm with the NULL-terminated @args (argv[1] on). */
static void run_argv(const char *const *args, struct run *r)
{
	run_bin(protmm_path(), args, r);
}

#define RUN(r, ...) run_argv((const char *const[]){ __VA_ARGS__, NULL }, (r))

static void release(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

static unsigned int count(const char *s, const char *needle)
{
	unsigned int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

/* Fails with @r's outputs in the message, releasing them first. */
static void fail_run(struct run *r, const char *want)
{
	char msg[2048];

	snprintf(msg, sizeof(msg), "status %d, stdout \"%.600s\", stderr "
		 "\"%.600s\"; want %s", r->status, r->out, r->err, want);
	release(r);
	fail_msg("%s", msg);
}

/* Exit 2, nothing on stdout, "protmm: ...@msg..." on stderr. */
static void expect_usage_error(struct run *r, const char *msg)
{
	if (r->status != 2 || r->out[0] || !strstr(r->err, msg) ||
	    !starts_with(r->err, "protmm: "))
		fail_run(r, msg);
	release(r);
}

static void expect_ok(struct run *r)
{
	if (r->status != 0 || r->err[0])
		fail_run(r, "status 0 and nothing on stderr");
}

/* The line of @s that begins with @prefix, as a new string. */
static char *line_starting(const char *s, const char *prefix)
{
	const char *p = s;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (starts_with(p, prefix))
			return strndup(p, len);
		p = nl ? nl + 1 : NULL;
	}
	fail_msg("no line starts with \"%s\" in:\n%s", prefix, s);
	return NULL;
}

/* The text of @s from after line @from up to the line starting @to. */
static char *between(const char *s, const char *from, const char *to)
{
	const char *a = strstr(s, from), *b;

	assert_non_null(a);
	a = strchr(a, '\n');
	assert_non_null(a);
	a++;
	b = strstr(a, to);
	assert_non_null(b);
	return strndup(a, (size_t)(b - a));
}

static void test_selfcheck_all(void **state)
{
	struct run r;
	unsigned int i;

	(void)state;
	RUN(&r, "selfcheck");
	expect_ok(&r);
	assert_true(starts_with(r.out, "selfcheck "));
	for (i = 0; i < nr_selfchecks; i++) {
		char prefix[64];
		char *line;

		snprintf(prefix, sizeof(prefix), "%s ", selfchecks[i].name);
		line = line_starting(r.out, prefix);
		assert_non_null(strstr(line, " as expected"));
		free(line);
	}
	assert_int_equal(count(r.out, "NOT as expected"), 0);
	assert_int_equal(count(r.out, "\n"), 1 + 8 + 1);
	assert_non_null(strstr(r.out, "\n8 passed, 0 failed\n"));
	assert_true(strlen(r.out) > 19 &&
		    !strcmp(r.out + strlen(r.out) - 19, "8 passed, 0 failed\n"));
	release(&r);
}

static void test_selfcheck_some(void **state)
{
	struct run r;
	char *line;

	(void)state;
	RUN(&r, "selfcheck", "lost-update");
	expect_ok(&r);
	assert_int_equal(count(r.out, "\n"), 3);
	line = line_starting(r.out, "lost-update ");
	/* expected and found: "violation final-state (4)", 6 executions */
	assert_int_equal(count(line, "violation final-state (4)"), 2);
	assert_non_null(strstr(line, " 6 "));
	assert_non_null(strstr(line, "as expected"));
	free(line);
	assert_non_null(strstr(r.out, "\n1 passed, 0 failed\n"));
	release(&r);

	RUN(&r, "selfcheck", "abba-deadlock", "store-buffering");
	expect_ok(&r);
	assert_non_null(strstr(r.out, "\n2 passed, 0 failed\n"));
	assert_int_equal(count(r.out, "lost-update"), 0);
	release(&r);
}

static void test_selfcheck_errors(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "selfcheck", "nosuch");
	assert_string_equal(r.err, "protmm: selfcheck: no self-check named "
				   "'nosuch'\nTry 'protmm --help'.\n");
	expect_usage_error(&r, "nosuch");
	/* Checked before anything runs: no table for the good name. */
	RUN(&r, "selfcheck", "lost-update", "nosuch");
	expect_usage_error(&r, "no self-check named 'nosuch'");
	RUN(&r, "selfcheck", "--frob");
	expect_usage_error(&r, "unknown option '--frob'");
}

/* explore prints the schedule and a replay command that reproduces it. */
static void explore_then_replay(const char *name, const char *const *extra,
				const char *want_violation)
{
	const char *args[MAX_ARGS + 1] = { "explore", "--selfcheck", name };
	char *sched_line, *cmd_line, *want_cmd, *tok, *save = NULL;
	char *xtrace, *rtrace, summary[64], first[256];
	const char *rargs[MAX_ARGS + 1];
	unsigned int n = 3, k = 0;
	struct run x, r;

	while (extra && *extra)
		args[n++] = *extra++;
	args[n] = NULL;
	run_argv(args, &x);
	expect_ok(&x);
	snprintf(first, sizeof(first), "%s: %s\n", name, want_violation);
	assert_true(starts_with(x.out, first));

	sched_line = line_starting(x.out, "  schedule: ");
	cmd_line = line_starting(x.out, "  replay:   ");
	assert_true(asprintf(&want_cmd, "  replay:   protmm replay --selfcheck "
			     "%s --schedule %s", name, sched_line + 12) > 0);
	assert_string_equal(cmd_line, want_cmd);

	/* Run exactly the words printed after "protmm". */
	for (tok = strtok_r(cmd_line + 19, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		rargs[k++] = tok;
	rargs[k] = NULL;
	assert_string_equal(rargs[0], "replay");
	run_argv(rargs, &r);
	expect_ok(&r);
	assert_non_null(strstr(r.out, first));
	assert_non_null(strstr(r.out, sched_line + 12));

	/* The same trace in both. */
	snprintf(summary, sizeof(summary), "%s: ", name);
	xtrace = between(x.out, "  replay:   ", summary);
	rtrace = between(r.out, ": schedule ", first);
	assert_true(starts_with(xtrace, "  step  task "));
	assert_string_equal(xtrace, rtrace);

	free(xtrace);
	free(rtrace);
	free(want_cmd);
	free(sched_line);
	free(cmd_line);
	release(&x);
	release(&r);
}

static void test_explore_replay(void **state)
{
	static const char *const random7[] = {
		"--strategy", "random", "--seed", "7", NULL,
	};

	(void)state;
	explore_then_replay("lost-update", NULL,
		"violation final-state: counter is 1 after two increments");
	explore_then_replay("abba-deadlock", NULL,
		"violation deadlock: every live task is blocked");
	explore_then_replay("lost-update", random7,
		"violation final-state: counter is 1 after two increments");
}

/* The DFS counterexample of lost-update, line by line. */
static void test_explore_output(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "explore", "--selfcheck", "lost-update");
	expect_ok(&r);
	assert_true(starts_with(r.out,
		"lost-update: violation final-state: counter is 1 after two increments\n"
		"  found in execution 2 (dfs, seed 1)\n"
		"  schedule: 0.1.0.1\n"
		"  replay:   protmm replay --selfcheck lost-update --schedule 0.1.0.1\n"
		"  step  task            cpu  operation      access   object"
		"                 before -> after                          where\n"));
	assert_non_null(strstr(r.out,
		"   end  violation after 4 steps\n"
		"lost-update: 2 executions (dfs), 1 violating, 0 deadlocks, "
		"0 cut at bound 100000, "));
	release(&r);

	RUN(&r, "explore", "--selfcheck", "abba-deadlock");
	expect_ok(&r);
	assert_int_equal(count(r.out, "blocked:"), 2);
	assert_non_null(strstr(r.out, "  schedule: 0.1\n"));
	release(&r);
}

struct summary_case {
	const char *args[8];
	const char *want;
};

/* Hand counts as in the self-check table; bound 2: prefixes 00 01 10 11. */
static const struct summary_case summaries[] = {
	{ { "independent-2x3" },
	  "independent-2x3: 20 executions (dfs, complete), 0 violating, "
	  "0 deadlocks, 0 cut at bound 100000, " },
	{ { "lost-update", "--all" },
	  "lost-update: 6 executions (dfs, complete), 4 violating, "
	  "0 deadlocks, 0 cut at bound 100000, " },
	{ { "abba-deadlock", "--all" },
	  "abba-deadlock: 6 executions (dfs, complete), 2 violating, "
	  "2 deadlocks, 0 cut at bound 100000, " },
	/* Two tasks of three steps: 2 runs without a preemption, 6 with one. */
	{ { "independent-2x3", "--preemptions", "0" },
	  "independent-2x3: 2 executions (dfs, complete to 0 preemptions), "
	  "0 violating, 0 deadlocks, 0 cut at bound 100000, " },
	{ { "independent-2x3", "--preemptions", "1" },
	  "independent-2x3: 6 executions (dfs, complete to 1 preemption), "
	  "0 violating, 0 deadlocks, 0 cut at bound 100000, " },
	{ { "lost-update", "--bound", "2" },
	  "lost-update: 4 executions (dfs, complete), 0 violating, "
	  "0 deadlocks, 4 cut at bound 2, " },
	{ { "independent-2x3", "--executions", "7" },
	  "independent-2x3: 7 executions (dfs), 0 violating, 0 deadlocks, "
	  "0 cut at bound 100000, " },
	{ { "independent-2x3", "--strategy", "random", "--executions", "33" },
	  "independent-2x3: 33 executions (random), 0 violating, "
	  "0 deadlocks, 0 cut at bound 100000, " },
	{ { "store-buffering" },
	  "store-buffering: 6 executions (dfs, complete), 0 violating, "
	  "0 deadlocks, 0 cut at bound 100000, " },
};

static void test_explore_summaries(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < sizeof(summaries) / sizeof(summaries[0]); i++) {
		const char *args[12] = { "explore", "--selfcheck" };
		struct run r;
		char *line;

		for (j = 0; summaries[i].args[j]; j++)
			args[2 + j] = summaries[i].args[j];
		args[2 + j] = NULL;
		run_argv(args, &r);
		expect_ok(&r);
		line = line_starting(r.out, summaries[i].want);
		/* The summary is the last line, ending in the time. */
		assert_true(strlen(line) > strlen(summaries[i].want));
		assert_int_equal(line[strlen(line) - 1], 's');
		assert_true(strstr(r.out, line) + strlen(line) + 1 ==
			    r.out + strlen(r.out));
		free(line);
		release(&r);
	}
}

/* The same seed prints the same thing, but for the time. */
static void test_explore_random_repeatable(void **state)
{
	struct run a, b;
	char *ta, *tb;

	(void)state;
	RUN(&a, "explore", "--selfcheck", "lost-update", "--strategy",
	    "random", "--seed", "12345", "--executions", "50", "--all");
	RUN(&b, "explore", "--selfcheck", "lost-update", "--strategy",
	    "random", "--seed", "12345", "--executions", "50", "--all");
	expect_ok(&a);
	expect_ok(&b);
	assert_non_null(strstr(a.out, "(random, seed 12345)\n"));
	assert_non_null(strstr(a.out, "lost-update: 50 executions (random), "));
	ta = strrchr(a.out, ',');
	tb = strrchr(b.out, ',');
	assert_non_null(ta);
	assert_non_null(tb);
	*ta = *tb = '\0';
	assert_string_equal(a.out, b.out);
	release(&a);
	release(&b);
}

/* --seconds stops a random walk that has no execution limit. */
static void test_explore_seconds(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "explore", "--selfcheck", "independent-3x5", "--strategy",
	    "random", "--seconds", "0.2");
	expect_ok(&r);
	assert_true(starts_with(r.out, "independent-3x5: "));
	assert_non_null(strstr(r.out, " executions (random), 0 violating"));
	assert_true(r.seconds >= 0.2 && r.seconds < 30);
	release(&r);
}

static void test_replay_output(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "replay", "--selfcheck", "lost-update", "--schedule", "0x2.1x2");
	expect_ok(&r);
	assert_true(starts_with(r.out, "lost-update: schedule 0x2.1x2\n"
				"  step  task "));
	assert_non_null(strstr(r.out, "   end  every task finished after 4 steps\n"
				      "lost-update: no violation\n"));
	release(&r);

	/* A short schedule is completed: "1" runs as 1.0x2.1. */
	RUN(&r, "replay", "--selfcheck", "lost-update", "--schedule", "1");
	expect_ok(&r);
	assert_non_null(strstr(r.out, "lost-update: violation final-state: "
				      "counter is 1 after two increments\n"));
	release(&r);

	RUN(&r, "replay", "--selfcheck", "abba-deadlock", "--schedule", "0.1");
	expect_ok(&r);
	assert_int_equal(count(r.out, "blocked:"), 2);
	assert_non_null(strstr(r.out, "abba-deadlock: violation deadlock: "
				      "every live task is blocked\n"));
	release(&r);
}

static void test_replay_errors(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "replay", "--selfcheck", "lost-update");
	expect_usage_error(&r, "replay needs --schedule S");
	RUN(&r, "replay", "--schedule", "0");
	expect_usage_error(&r, "replay needs one FILE (or --selfcheck NAME)");
	RUN(&r, "replay", "--selfcheck", "lost-update", "--schedule", "0x3");
	assert_string_equal(r.err, "protmm: lost-update: schedule step 2 names "
		"task 0, which cannot run there (finished, blocked, or no "
		"such task)\n");
	expect_usage_error(&r, "schedule step 2");
	RUN(&r, "replay", "--selfcheck", "lost-update", "--schedule", "0.x");
	expect_usage_error(&r, "malformed schedule at column 3");
	RUN(&r, "replay", "--selfcheck", "lost-update", "--schedule",
	    "0x2.1x2", "--bound", "3");
	expect_usage_error(&r, "longer than the step bound (3)");
	RUN(&r, "replay", "--selfcheck", "lost-update", "--schedule");
	expect_usage_error(&r, "unknown option or missing value");
}

struct bad_value {
	const char *opt, *val;
};

static const struct bad_value bad_values[] = {
	{ "--seed", "abc" },
	{ "--seed", "" },
	{ "--seed", "-5" },
	{ "--seed", "+5" },
	{ "--seed", "5x" },
	{ "--seed", "18446744073709551616" },	/* 2^64 */
	{ "--preemptions", "65" },
	{ "--preemptions", "-1" },
	{ "--preemptions", "x" },
	{ "--bound", "0" },
	{ "--bound", "100000001" },
	{ "--bound", "1.5" },
	{ "--strategy", "foo" },
	{ "--strategy", "DFS" },
	{ "--seconds", "-1" },
	{ "--seconds", "0" },
	{ "--seconds", "abc" },
	{ "--seconds", "nan" },
	{ "--seconds", "inf" },
	{ "--executions", "0" },
	{ "--executions", "-1" },
	{ "--selfcheck", "nosuch" },
};

static void test_bad_values(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		char want[128];
		struct run r;

		RUN(&r, "explore", "--selfcheck", "lost-update",
		    bad_values[i].opt, bad_values[i].val);
		snprintf(want, sizeof(want), "protmm: %s: bad value '%s'\n",
			 bad_values[i].opt, bad_values[i].val);
		if (strcmp(r.err, want))
			fail_run(&r, want);
		expect_usage_error(&r, "bad value");
	}
}

/*
 * "A whole decimal number": leading blanks make strtoull() skip them and
 * accept a sign after them, so " -5" would become 2^64 - 5.
 */
static void test_bad_values_blank(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "explore", "--selfcheck", "lost-update", "--preemptions", "1",
	    "--strategy", "pct");
	expect_usage_error(&r, "--preemptions bounds a depth-first search");
	RUN(&r, "explore", "--selfcheck", "lost-update", "--seed", " -5");
	expect_usage_error(&r, "bad value");
	RUN(&r, "explore", "--selfcheck", "lost-update", "--executions", " -1");
	expect_usage_error(&r, "bad value");
}

static void test_unknown_option(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "explore", "--selfcheck", "lost-update", "--frobnicate");
	expect_usage_error(&r, "--frobnicate: unknown option or missing value");
	RUN(&r, "explore", "--selfcheck");
	expect_usage_error(&r, "unknown option or missing value");
	RUN(&r, "explore", "-x", "--selfcheck", "lost-update");
	expect_usage_error(&r, "unknown option or missing value");
	RUN(&r, "explore", "--selfcheck", "lost-update", "extra");
	expect_usage_error(&r, "explore needs one FILE (or --selfcheck NAME)");
	RUN(&r, "explore", "--strategy", "dfs");
	expect_usage_error(&r, "explore needs one FILE (or --selfcheck NAME)");
	RUN(&r, "explore", "--selfcheck", "lost-update", "--strategy", "replay");
	expect_usage_error(&r, "use 'protmm replay' to follow a schedule");
	RUN(&r, "explore", "--selfcheck", "lost-update", "--schedule", "0");
	expect_usage_error(&r, "use 'protmm replay' to follow a schedule");
	RUN(&r, "list", "extra");
	expect_usage_error(&r, "extra: No such file or directory");
}

static void test_unknown_command(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "frobnicate");
	assert_string_equal(r.err, "protmm: unknown command 'frobnicate'\n"
				   "Try 'protmm --help'.\n");
	expect_usage_error(&r, "unknown command");
	RUN(&r, "--frobnicate");
	expect_usage_error(&r, "unknown command '--frobnicate'");

	/* No command at all: the usage, on stderr. */
	run_argv((const char *const[]){ NULL }, &r);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.out, "");
	assert_true(starts_with(r.err, "usage: protmm <command> [options]\n"));
	release(&r);
}

static void expect_usage(struct run *r)
{
	expect_ok(r);
	assert_true(starts_with(r->out, "usage: protmm <command> [options]\n"));
	assert_non_null(strstr(r->out, "  selfcheck [NAME...]"));
	assert_non_null(strstr(r->out, "  replay FILE --schedule S"));
	release(r);
}

static void expect_command_help(struct run *r, const char *first, const char *has)
{
	expect_ok(r);
	assert_true(starts_with(r->out, first));
	assert_non_null(strstr(r->out, has));
	release(r);
}

static void test_help_version(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "--help");
	expect_usage(&r);
	RUN(&r, "-h");
	expect_usage(&r);
	/* Each command's own help: its options. */
	RUN(&r, "explore", "--help");
	expect_command_help(&r, "usage: protmm run FILE|DIR... [options]\n", "--strategy");
	RUN(&r, "replay", "--selfcheck", "lost-update", "--help");
	expect_command_help(&r, "usage: protmm run FILE|DIR... [options]\n", "--schedule S");
	RUN(&r, "check", "--help");
	expect_command_help(&r, "usage: protmm check FILE|DIR...\n", "limits");
	RUN(&r, "list", "--help");
	expect_command_help(&r, "usage: protmm list [FILE|DIR...]\n", "self-check");
	RUN(&r, "selfcheck", "--help");
	expect_command_help(&r, "usage: protmm selfcheck [NAME...]\n", "by hand");
	RUN(&r, "knobs", "--help");
	expect_command_help(&r, "usage: protmm knobs\n", "default");
	RUN(&r, "oracles", "--help");
	expect_command_help(&r, "usage: protmm oracles\n", "expect violation");
	RUN(&r, "statements", "--help");
	expect_command_help(&r, "usage: protmm statements\n", "--format text|json");

	RUN(&r, "--version");
	expect_ok(&r);
	assert_string_equal(r.out, "protmm " PROTMM_VERSION "\n");
	release(&r);
}

/* "name": "@name" is in @out. */
static bool has_name(const char *out, const char *name)
{
	char want[128];

	snprintf(want, sizeof(want), "\"name\": \"%s\"", name);
	return strstr(out, want) != NULL;
}

/*
 * knobs, oracles and statements as JSON (what doc/reference.md is made
 * from): well-formed, and naming every knob, oracle and statement of the
 * tables the parser and the explorer use.
 */
static void test_tables_json(void **state)
{
	struct pmm_knob_info k;
	struct run r;
	const char *w;
	unsigned int i;

	(void)state;
	RUN(&r, "knobs", "--format", "json");
	expect_ok(&r);
	assert_true(json_document(r.out));
	assert_true(starts_with(r.out, "{\"knobs\": ["));
	for (i = 0; !pmm_knob_get(i, &k); i++)
		if (!has_name(r.out, k.name))
			fail_run(&r, k.name);
	assert_true(i > 10);
	release(&r);

	RUN(&r, "oracles", "--format", "json");
	expect_ok(&r);
	assert_true(json_document(r.out));
	for (i = 0; i < nr_oracles; i++)
		if (!has_name(r.out, oracles[i].name))
			fail_run(&r, oracles[i].name);
	release(&r);

	RUN(&r, "statements", "--format", "json");
	expect_ok(&r);
	assert_true(json_document(r.out));
	for (i = 0; (w = scn_word(SCN_WORD_VERB, i)); i++)
		if (!has_name(r.out, w))
			fail_run(&r, w);
	assert_true(i > 50);
	assert_non_null(strstr(r.out, "\"machines\": [\"generic\""));
	release(&r);

	/* Text stays the default; each statement's line names its options. */
	RUN(&r, "statements");
	expect_ok(&r);
	assert_true(starts_with(r.out, "mm:\n"));
	assert_non_null(strstr(r.out, "\n  pin                  pages write longterm fast get as  (as-pin)\n"));
	release(&r);
	RUN(&r, "knobs", "--format", "text");
	expect_ok(&r);
	assert_int_equal(pmm_knob_get(0, &k), 0);
	assert_true(starts_with(r.out, k.name));
	release(&r);

	RUN(&r, "oracles", "--format", "tap");
	expect_usage_error(&r, "--format tap: not supported");
	RUN(&r, "statements", "extra");
	expect_usage_error(&r, "unexpected argument 'extra'");
	RUN(&r, "knobs", "--all");
	expect_usage_error(&r, "--all does not apply");
}

static void test_list(void **state)
{
	struct run r;
	unsigned int i;
	const char *p;

	(void)state;
	RUN(&r, "list");
	expect_ok(&r);
	assert_int_equal(count(r.out, "\n"), nr_selfchecks);
	p = r.out;
	for (i = 0; i < nr_selfchecks; i++) {
		assert_true(starts_with(p, selfchecks[i].name));
		assert_int_equal(p[strlen(selfchecks[i].name)], ' ');
		p = strchr(p, '\n') + 1;
	}
	release(&r);
}

static char *scenario_path(const char *rel)
{
	const char *dir = getenv("CLI_SCENARIOS");
	char *p;

	if (!dir || !*dir)
		fail_msg("CLI_SCENARIOS is not set to tests/cli");
	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

/* The summary line of explore, without its time. */
static void expect_summary(struct run *r, const char *want)
{
	expect_ok(r);
	if (!strstr(r->out, want))
		fail_run(r, want);
	release(r);
}

/* In @r's JSON, @field (e.g. "\"seed\":9,") is there. */
static void expect_json_has(struct run *r, const char *field)
{
	expect_ok(r);
	if (!json_document(r->out))
		fail_run(r, "one JSON document");
	if (!strstr(r->out, field))
		fail_run(r, field);
	release(r);
}

/*
 * Each option sets its own field over the scenario's explore line and
 * nothing else: --bound and --depth alone are not ignored, --executions
 * alone does not replace the strategy.
 */
static void test_option_overrides(void **state)
{
	char *pct = scenario_path("opts/pct.pmm");
	char *rnd = scenario_path("opts/random.pmm");
	char *dfs = scenario_path("opts/dfs.pmm");
	char *dflt = scenario_path("opts/default.pmm");
	struct run r;

	(void)state;
	/* The explore lines as they are. */
	RUN(&r, "explore", pct);
	expect_summary(&r, "opts-pct: 30 executions (pct), 0 violating, 0 deadlocks, "
		       "0 cut at bound 100000, ");
	RUN(&r, "explore", rnd, "--format", "json");
	expect_json_has(&r, "\"strategy\":\"random\",\"seed\":7,\"executions\":40,");

	RUN(&r, "explore", pct, "--bound", "2");
	expect_summary(&r, "opts-pct: 30 executions (pct), 0 violating, 0 deadlocks, "
		       "30 cut at bound 2, ");
	RUN(&r, "explore", pct, "--depth", "1", "--format", "json");
	expect_json_has(&r, "\"strategy\":\"pct\",\"seed\":5,\"executions\":30,");
	RUN(&r, "explore", pct, "--depth", "1", "--format", "json");
	expect_json_has(&r, "\"depth\":1}");
	RUN(&r, "explore", pct, "--executions", "7");
	expect_summary(&r, "opts-pct: 7 executions (pct), ");
	RUN(&r, "explore", rnd, "--seed", "9", "--format", "json");
	expect_json_has(&r, "\"strategy\":\"random\",\"seed\":9,\"executions\":40,");
	RUN(&r, "explore", rnd, "--seconds", "30", "--format", "json");
	expect_json_has(&r, "\"strategy\":\"random\",\"seed\":7,\"executions\":40,");
	/* --strategy replaces the strategy; the dfs bound goes with it. */
	RUN(&r, "explore", dfs, "--strategy", "random", "--executions", "3",
	    "--format", "json");
	expect_json_has(&r, "\"strategy\":\"random\",\"seed\":1,\"executions\":3,");
	RUN(&r, "explore", dfs, "--strategy", "random", "--executions", "3",
	    "--format", "json");
	expect_json_has(&r, "\"preemptions\":-1,");
	RUN(&r, "explore", dfs);
	expect_summary(&r, "(dfs, complete to 1 preemption)");
	RUN(&r, "explore", dfs, "--preemptions", "0");
	expect_summary(&r, "(dfs, complete to 0 preemptions)");
	RUN(&r, "explore", pct, "--strategy", "dfs", "--preemptions", "0");
	expect_summary(&r, "opts-pct: 2 executions (dfs, complete to 0 preemptions)");
	/* No explore line: 'expect ok' is a proof, which DPOR gives. */
	RUN(&r, "explore", dflt);
	expect_summary(&r, "(dpor, complete, ");
	RUN(&r, "explore", dflt, "--strategy", "dfs");
	expect_summary(&r, "(dfs, complete)");
	free(dflt);
	free(pct);
	free(rnd);
	free(dfs);
}

/* An option the strategy in force has no use for is an error, not ignored. */
static void test_option_conflicts(void **state)
{
	char *pct = scenario_path("opts/pct.pmm");
	char *dfs = scenario_path("opts/dfs.pmm");
	char *dir = scenario_path("opts");
	char want[512];
	struct run r;

	(void)state;
	RUN(&r, "explore", dfs, "--depth", "2");
	snprintf(want, sizeof(want), "protmm: %s: --depth is PCT's bug depth: not "
		 "with strategy dfs (from the scenario's 'explore' line)\n", dfs);
	if (strcmp(r.err, want))
		fail_run(&r, want);
	expect_usage_error(&r, "--depth");
	RUN(&r, "explore", dfs, "--seed", "3");
	expect_usage_error(&r, "--seed seeds a random walk or PCT: not with strategy dfs");
	RUN(&r, "explore", "--selfcheck", "lost-update", "--seed", "3");
	expect_usage_error(&r, "not with strategy dfs (from the default)");
	RUN(&r, "explore", pct, "--preemptions", "1");
	expect_usage_error(&r, "--preemptions bounds a depth-first search: not "
			   "with strategy pct (from the scenario's 'explore' line)");
	RUN(&r, "explore", pct, "--strategy", "random", "--depth", "2");
	expect_usage_error(&r, "not with strategy random (from --strategy)");
	/* run checks every scenario before it runs any. */
	RUN(&r, "run", dir, "--depth", "2");
	/* default.pmm (dpor), dfs.pmm and random.pmm, each named */
	assert_int_equal(count(r.err, "protmm: "), 3);
	assert_non_null(strstr(r.err, "random.pmm: --depth is PCT's bug depth: not "
			       "with strategy random"));
	expect_usage_error(&r, "dfs.pmm: --depth is PCT's bug depth");
	/* What does not apply to the command at all. */
	RUN(&r, "replay", pct, "--schedule", "0", "--executions", "3");
	expect_usage_error(&r, "replay: --executions does not apply: replay runs "
			   "the one execution --schedule names");
	RUN(&r, "replay", pct, "--schedule", "0", "--strategy", "pct");
	expect_usage_error(&r, "--strategy does not apply");
	RUN(&r, "replay", pct, "--schedule", "0", "--all");
	expect_usage_error(&r, "--all does not apply");
	RUN(&r, "check", pct, "--format", "json");
	expect_usage_error(&r, "check: --format does not apply: check runs nothing");
	RUN(&r, "list", dir, "--strategy", "dfs");
	expect_usage_error(&r, "list: --strategy does not apply");
	RUN(&r, "run", pct, "--schedule", "0");
	expect_usage_error(&r, "use 'protmm replay' to follow a schedule");
	free(pct);
	free(dfs);
	free(dir);
}

/* A --bound given is in the replay command, or the replay may not fit. */
static void test_replay_command_bound(void **state)
{
	struct run r;

	(void)state;
	RUN(&r, "explore", "--selfcheck", "lost-update", "--bound", "50");
	expect_ok(&r);
	assert_non_null(strstr(r.out, "  replay:   protmm replay --selfcheck "
				      "lost-update --bound 50 --schedule 0.1.0.1\n"));
	release(&r);
}

/* One envelope: {"command":C,"scenarios":[{"verdict",...,"result"}],...}. */
static void expect_envelope(struct run *r, const char *command)
{
	char head[64];

	expect_ok(r);
	snprintf(head, sizeof(head), "{\"command\":\"%s\",\"scenarios\":[\n", command);
	if (!starts_with(r->out, head) || !json_document(r->out))
		fail_run(r, head);
	assert_non_null(strstr(r->out, "\n{\"verdict\":\"as expected\",\"expected\":"));
	assert_non_null(strstr(r->out, ",\"result\":{\"name\":"));
	assert_non_null(strstr(r->out, "],\"as_expected\":1,\"not_as_expected\":0,"
				       "\"malformed\":0,\"interrupted\":false}\n"));
	release(r);
}

static void test_json_tap_envelope(void **state)
{
	char *pct = scenario_path("opts/pct.pmm");
	struct run r;

	(void)state;
	RUN(&r, "run", pct, "--format", "json");
	expect_envelope(&r, "run");
	RUN(&r, "explore", pct, "--format", "json");
	expect_envelope(&r, "explore");
	RUN(&r, "replay", pct, "--schedule", "0.1", "--format", "json");
	expect_envelope(&r, "replay");
	RUN(&r, "explore", "--selfcheck", "lost-update", "--format", "json");
	expect_envelope(&r, "explore");

	/* TAP: a plan, one test point, its details in a YAML block. */
	RUN(&r, "run", pct, "--format", "tap");
	expect_ok(&r);
	assert_true(starts_with(r.out, "TAP version 13\n1..1\nok 1 - "));
	release(&r);
	RUN(&r, "explore", "--selfcheck", "lost-update", "--format", "tap");
	expect_ok(&r);
	assert_true(starts_with(r.out, "TAP version 13\n1..1\nok 1 - lost-update # "
				"expected violation final-state, got violation "
				"final-state in execution 2; 2 executions\n  ---\n"
				"  oracle: \"final-state\"\n"));
	assert_non_null(strstr(r.out, "  schedule: \"0.1.0.1\"\n  replay: \"protmm "
				      "replay --selfcheck lost-update --schedule "
				      "0.1.0.1\"\n  trace:\n    - \"  step  task "));
	assert_true(ends_with(r.out, "\n  ...\n"));
	release(&r);
	RUN(&r, "replay", "--selfcheck", "lost-update", "--schedule", "0x2.1x2",
	    "--format", "tap");
	expect_ok(&r);
	assert_true(starts_with(r.out, "TAP version 13\n1..1\nnot ok 1 - lost-update # "
				"expected violation final-state, got no violation "
				"found; 1 executions\n  ---\n  trace:\n"));
	release(&r);
	/* A malformed file is a test point too. */
	RUN(&r, "run", "/dev/null", pct, "--format", "tap");
	assert_int_equal(r.status, 2);
	assert_true(starts_with(r.out, "TAP version 13\n1..2\nnot ok 1 - /dev/null "
				"# malformed"));
	assert_non_null(strstr(r.out, "\nok 2 - "));
	release(&r);
	free(pct);
}

static const char *crashtest_path(void)
{
	const char *p = getenv("PROTMM_CRASHTEST");

	if (!p || !*p)
		fail_msg("PROTMM_CRASHTEST is not set");
	return p;
}

#define CRASH(r, ...) run_bin(crashtest_path(), (const char *const[]){ __VA_ARGS__, NULL }, (r))

/*
 * Under ASan a fault in model code is a report on stderr and an abort()
 * (protmm asks for abort_on_error), so it is reported as SIGABRT.
 */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif
#ifdef ASAN
#define SEGV_NAME "SIGABRT"
#else
#define ASAN 0
#define SEGV_NAME "SIGSEGV"
#endif

/* Status @status; stderr empty but for a sanitizer's report. */
static void expect_crash_status(struct run *r, int status)
{
	if (r->status != status || (!ASAN && r->err[0]))
		fail_run(r, "the status, and nothing on stderr");
}

/* The words after "protmm" of the line of @out starting "  replay:   ". */
static void replay_words(const char *out, char **line, const char **words,
			 unsigned int max)
{
	char *tok, *save = NULL;
	unsigned int k = 0;

	*line = line_starting(out, "  replay:   ");
	assert_true(starts_with(*line, "  replay:   protmm replay "));
	for (tok = strtok_r(*line + 19, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		assert_true(k + 1 < max);
		words[k++] = tok;
	}
	words[k] = NULL;
}

/*
 * A crash in one scenario of a directory: reported as the violation
 * "crash" with its schedule, replay command and trace, and the next
 * scenarios still run; replaying the schedule crashes the same way.
 */
static void check_crash(const struct run *r, const char *file, const char *how)
{
	char prefix[512], *line, *sched, *cmd, *trace, *rtrace;
	const char *words[MAX_ARGS + 1];
	unsigned long long n;
	struct run rr;

	snprintf(prefix, sizeof(prefix), "NOT as expected  %s: expected ok, got "
		 "violation crash: %s in execution ", file, how);
	line = line_starting(r->out, prefix);
	assert_int_equal(sscanf(line + strlen(prefix), "%llu;", &n), 1);
	/* The first execution, T0 first, does not crash: the schedule matters. */
	assert_true(n >= 2);
	free(line);
	line = strstr(r->out, prefix);
	sched = line_starting(line, "  schedule: ");
	replay_words(line, &cmd, words, MAX_ARGS);
	assert_string_equal(words[1], file);
	assert_string_equal(words[3], sched + 12);
	/* The trace: the steps that ended, and which one crashed. */
	trace = between(line, "  replay:   ", "   end  ");
	assert_true(starts_with(trace, "  step  task "));
	snprintf(prefix, sizeof(prefix), "   end  %s in step ", how);
	assert_non_null(strstr(line, prefix));

	CRASH(&rr, words[0], words[1], words[2], words[3]);
	expect_crash_status(&rr, 0);
	snprintf(prefix, sizeof(prefix), ": violation crash: %s in execution 1\n", how);
	assert_non_null(strstr(rr.out, prefix));
	rtrace = between(rr.out, ": schedule ", "   end  ");
	assert_string_equal(trace, rtrace);
	snprintf(prefix, sizeof(prefix), "   end  %s in step ", how);
	assert_non_null(strstr(rr.out, prefix));
	release(&rr);
	free(rtrace);
	free(trace);
	free(cmd);
	free(sched);
}

static void test_crash_run(void **state)
{
	char *dir = scenario_path("crash"), *ok;
	char *abrt = scenario_path("crash/crash-abrt.pmm");
	char *exit1 = scenario_path("crash/crash-exit.pmm");
	char *segv = scenario_path("crash/crash-segv.pmm");
	struct run r;

	(void)state;
	CRASH(&r, "run", dir);
	expect_crash_status(&r, 1);
	check_crash(&r, abrt, "SIGABRT");
	check_crash(&r, exit1, "exit status 1");
	check_crash(&r, segv, SEGV_NAME);
	assert_true(asprintf(&ok, "as expected      %s/ok.pmm: expected ok", dir) > 0);
	assert_non_null(strstr(r.out, ok));
	assert_non_null(strstr(r.out, "\n4 scenarios: 1 as expected, 3 NOT as "
				      "expected, 0 malformed\n"));
	free(ok);
	release(&r);

	/* The real protmm has no such hook: every scenario is fine there. */
	RUN(&r, "run", dir);
	expect_ok(&r);
	assert_non_null(strstr(r.out, "\n4 scenarios: 4 as expected, "));
	release(&r);
	free(dir);
	free(abrt);
	free(exit1);
	free(segv);
}

/* explore and replay are isolated the same way; JSON stays whole. */
static void test_crash_explore_replay(void **state)
{
	char *segv = scenario_path("crash/crash-segv.pmm");
	struct run r;

	(void)state;
	CRASH(&r, "explore", segv);
	expect_crash_status(&r, 0);
	assert_true(starts_with(r.out, "crash-segv: violation crash: " SEGV_NAME
				" in execution "));
	assert_non_null(strstr(r.out, "\n  schedule: "));
	assert_non_null(strstr(r.out, "\ncrash-segv: "));
	assert_non_null(strstr(r.out, " executions (dfs), 1 violating, "));
	release(&r);

	CRASH(&r, "explore", segv, "--format", "json");
	expect_crash_status(&r, 0);
	if (!json_document(r.out))
		fail_run(&r, "one JSON document");
	assert_non_null(strstr(r.out, "\"verdict\":\"NOT as expected\""));
	assert_non_null(strstr(r.out, "\"violation\":{\"oracle\":\"crash\",\"message\":\""
				      SEGV_NAME " in execution "));
	assert_non_null(strstr(r.out, "{\"kind\":\"end\",\"end\":\"crash\",\"crash\":\""
				      SEGV_NAME "\""));
	release(&r);

	/* A schedule that does not crash (T0 first) replays as usual. */
	CRASH(&r, "replay", segv, "--schedule", "0x2");
	expect_ok(&r);
	assert_non_null(strstr(r.out, "crash-segv: no violation\n"));
	release(&r);
	free(segv);
}

/* The children of @pid, by /proc/PID/stat's ppid. */
static unsigned int children_of(pid_t pid)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[300], buf[512], *p;
		int ppid;
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (p && sscanf(p, ") %*c %d", &ppid) == 1 && ppid == pid)
			n++;
	}
	closedir(d);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Waits until @c's stdout holds @what (NULL: anything) and it explores in a child. */
static void wait_exploring(struct child *c, const char *what)
{
	double t0 = now();

	for (;;) {
		char *out = slurp(dup(c->out));
		bool seen = what ? strstr(out, what) != NULL : true;

		free(out);
		if (seen)
			break;
		if (now() - t0 > 60) {
			kill(c->pid, SIGKILL);
			fail_msg("no \"%s\" on stdout after 60s", what);
		}
		sleep_ms(20);
	}
	/* The child that printed it has gone; the next one explores. */
	sleep_ms(300);
	while (!children_of(c->pid)) {
		if (now() - t0 > 60) {
			kill(c->pid, SIGKILL);
			fail_msg("protmm has no child exploring after 60s");
		}
		sleep_ms(20);
	}
	sleep_ms(200);
}

/* Starts @args, signals it when it explores (its group if @group), waits. */
static void interrupt_run(const char *const *args, const char *after, int sig,
			  bool group, struct run *r)
{
	struct child c;

	spawn_argv(protmm_path(), args, group, &c);
	wait_exploring(&c, after);
	assert_int_equal(kill(group ? -c.pid : c.pid, sig), 0);
	wait_child(&c, r);
}

/* SIGTERM to explore alone, SIGINT to its group: a whole report, 143 or 130. */
static void test_interrupt_explore(void **state)
{
	const char *const text[] = { "explore", "--selfcheck", "independent-3x5",
		"--strategy", "random", "--executions", "1000000000", NULL };
	const char *const json[] = { "explore", "--selfcheck", "independent-3x5",
		"--strategy", "random", "--executions", "1000000000", "--format",
		"json", NULL };
	unsigned long long n;
	const char *p;
	struct run r;

	(void)state;
	interrupt_run(text, NULL, SIGTERM, false, &r);
	if (r.status != 143 || strcmp(r.err, "protmm: interrupted by SIGTERM\n"))
		fail_run(&r, "status 143, interrupted by SIGTERM");
	assert_int_equal(sscanf(r.out, "independent-3x5: %llu executions (random, "
				"interrupted), 0 violating,", &n), 1);
	assert_true(n > 0 && n < 1000000000ull);
	assert_int_equal(count(r.out, "\n"), 1);
	release(&r);

	interrupt_run(json, NULL, SIGINT, true, &r);
	if (r.status != 130 || !json_document(r.out))
		fail_run(&r, "status 130 and one JSON document");
	assert_true(starts_with(r.out, "{\"command\":\"explore\",\"scenarios\":[\n"
				"{\"verdict\":\"interrupted\","));
	p = strstr(r.out, "\"executions\":");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "\"executions\":%llu,", &n), 1);
	assert_true(n > 0);
	assert_non_null(strstr(r.out, "\"complete\":false,\"interrupted\":true,"));
	assert_non_null(strstr(r.out, "\"interrupted\":true,\"signal\":\"SIGINT\","
				      "\"cut_short\":1,\"not_run\":0}\n"));
	release(&r);
}

/* run: the verdicts already made, the one cut short, those not run. */
static void test_interrupt_run(void **state)
{
	char *dir = scenario_path("interrupt");
	const char *const text[] = { "run", dir, NULL };
	const char *const json[] = { "run", dir, "--format", "json", NULL };
	const char *const tap[] = { "run", dir, "--format", "tap", NULL };
	char *line;
	struct run r;

	(void)state;
	interrupt_run(text, "as expected ", SIGINT, false, &r);
	if (r.status != 130)
		fail_run(&r, "status 130");
	line = line_starting(r.out, "as expected ");
	assert_non_null(strstr(line, "a-quick.pmm: expected ok, got no violation in "
				     "any interleaving;"));
	free(line);
	line = line_starting(r.out, "interrupted ");
	assert_non_null(strstr(line, "b-long.pmm: expected ok, got no violation found; "));
	assert_non_null(strstr(line, " executions (random, interrupted), "));
	free(line);
	assert_int_equal(count(r.out, "c-never"), 0);
	assert_non_null(strstr(r.out, "\n3 scenarios: 1 as expected, 0 NOT as expected, "
				      "0 malformed; interrupted by SIGINT: 1 cut short, "
				      "1 not run\n"));
	assert_string_equal(r.err, "protmm: interrupted by SIGINT\n");
	release(&r);

	interrupt_run(json, "\"verdict\"", SIGTERM, true, &r);
	if (r.status != 143 || !json_document(r.out))
		fail_run(&r, "status 143 and one JSON document");
	assert_int_equal(count(r.out, "{\"verdict\":\"as expected\""), 1);
	assert_int_equal(count(r.out, "{\"verdict\":\"interrupted\""), 1);
	assert_non_null(strstr(r.out, "],\"as_expected\":1,\"not_as_expected\":0,"
				      "\"malformed\":0,\"interrupted\":true,\"signal\":"
				      "\"SIGTERM\",\"cut_short\":1,\"not_run\":1}\n"));
	release(&r);

	interrupt_run(tap, "ok 1 - ", SIGTERM, false, &r);
	assert_int_equal(r.status, 143);
	assert_true(starts_with(r.out, "TAP version 13\n1..3\nok 1 - "));
	assert_non_null(strstr(r.out, "\nnot ok 2 - "));
	assert_non_null(strstr(r.out, "b-long.pmm # interrupted: expected ok, got no "
				      "violation found; "));
	assert_true(ends_with(r.out, "\nBail out! interrupted by SIGTERM\n"));
	release(&r);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selfcheck_all),
		cmocka_unit_test(test_selfcheck_some),
		cmocka_unit_test(test_selfcheck_errors),
		cmocka_unit_test(test_explore_replay),
		cmocka_unit_test(test_explore_output),
		cmocka_unit_test(test_explore_summaries),
		cmocka_unit_test(test_explore_random_repeatable),
		cmocka_unit_test(test_explore_seconds),
		cmocka_unit_test(test_replay_output),
		cmocka_unit_test(test_replay_errors),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bad_values_blank),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_option_overrides),
		cmocka_unit_test(test_option_conflicts),
		cmocka_unit_test(test_replay_command_bound),
		cmocka_unit_test(test_json_tap_envelope),
		cmocka_unit_test(test_tables_json),
		cmocka_unit_test(test_crash_run),
		cmocka_unit_test(test_crash_explore_replay),
		cmocka_unit_test(test_interrupt_explore),
		cmocka_unit_test(test_interrupt_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
