// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The protmm command, run as a child process (path in $PROTMM): exit
 * status, stdout and stderr of selfcheck, explore, replay and list, the
 * replay command it prints reproducing the violation, and usage errors
 * (exit 2, a message on stderr, nothing on stdout).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
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

/* Runs protmm with the NULL-terminated @args (argv[1] on). */
static void run_argv(const char *const *args, struct run *r)
{
	posix_spawn_file_actions_t fa;
	char *argv[MAX_ARGS + 2];
	int out = temp_fd(), err = temp_fd(), status, i;
	double t0 = now();
	pid_t pid;

	argv[0] = (char *)"protmm";
	for (i = 0; args[i]; i++) {
		assert_true(i < MAX_ARGS);
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&fa, out, 1), 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&fa, err, 2), 0);
	assert_int_equal(posix_spawn(&pid, protmm_path(), &fa, NULL, argv,
				     environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	r->seconds = now() - t0;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
	r->out = slurp(out);
	r->err = slurp(err);
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

	RUN(&r, "--version");
	expect_ok(&r);
	assert_string_equal(r.out, "protmm " PROTMM_VERSION "\n");
	release(&r);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
