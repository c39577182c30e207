// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The protmm command. Exit status: 0 every program met its expectation,
 * 1 one did not, 2 bad usage or input.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/selfcheck.h"
#include "protmm/protmm.h"

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2

static const char usage_text[] =
	"usage: protmm <command> [options]\n"
	"\n"
	"commands:\n"
	"  selfcheck [NAME...]     explore the built-in self-check programs\n"
	"                          exhaustively and print a verdict table\n"
	"  explore --selfcheck NAME [--strategy dfs|random|pct] [--seed N]\n"
	"          [--depth D] [--executions N] [--seconds S] [--bound N] [--all]\n"
	"                          explore one program; print the first\n"
	"                          violation's trace and how to replay it\n"
	"  replay --selfcheck NAME --schedule S [--bound N]\n"
	"                          run one execution and print its trace\n"
	"  list                    list the self-check programs\n"
	"\n"
	"  --help, --version\n";

static void usage_error(const char *fmt, const char *arg)
{
	fputs("protmm: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'protmm --help'.\n", stderr);
}

/* A whole decimal number within [min, max], or -EINVAL. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 1e9)
		return -EINVAL;
	*out = v;
	return 0;
}

static void print_verdict_header(void)
{
	printf("%-20s %-26s %-26s %12s %9s  %s\n", "selfcheck", "expect",
	       "result", "executions", "time", "verdict");
}

static void describe(char *buf, size_t len, const char *oracle,
		     uint64_t violations)
{
	if (oracle && *oracle)
		snprintf(buf, len, "violation %s (%llu)", oracle,
			 (unsigned long long)violations);
	else
		snprintf(buf, len, "ok");
}

static int selfcheck_row(const struct selfcheck *c)
{
	struct selfcheck_verdict v;
	char expect[64], got[64];
	int err = selfcheck_run(c, &v);

	if (err) {
		printf("%-20s error: %s\n", c->name, v.res.message[0] ?
		       v.res.message : strerror(-err));
		pmm_explore_result_release(&v.res);
		return EXIT_MISMATCH;
	}
	describe(expect, sizeof(expect), c->expect_oracle, c->expect_violations);
	describe(got, sizeof(got), v.res.oracle, v.res.violations);
	printf("%-20s %-26s %-26s %12llu %8.2fs  %s\n", c->name, expect, got,
	       (unsigned long long)v.res.executions, v.res.seconds,
	       v.pass ? "as expected" : "NOT as expected");
	if (!v.pass)
		printf("    %s (hand count: %s)\n", v.why, c->hand_count);
	pmm_explore_result_release(&v.res);
	return v.pass ? 0 : EXIT_MISMATCH;
}

static int cmd_selfcheck(int argc, char **argv)
{
	unsigned int i, failed = 0, total = 0;
	int a;

	for (a = 1; a < argc; a++) {
		if (argv[a][0] == '-') {
			usage_error("selfcheck: unknown option '%s'", argv[a]);
			return EXIT_USAGE;
		}
		if (!selfcheck_find(argv[a])) {
			usage_error("selfcheck: no self-check named '%s'", argv[a]);
			return EXIT_USAGE;
		}
	}
	print_verdict_header();
	for (i = 0; i < nr_selfchecks; i++) {
		bool wanted = argc == 1;

		for (a = 1; a < argc && !wanted; a++)
			wanted = !strcmp(argv[a], selfchecks[i].name);
		if (!wanted)
			continue;
		total++;
		if (selfcheck_row(&selfchecks[i]))
			failed++;
	}
	printf("%u passed, %u failed\n", total - failed, failed);
	return failed ? EXIT_MISMATCH : 0;
}

static int cmd_list(int argc, char **argv)
{
	unsigned int i;

	(void)argv;
	if (argc > 1) {
		usage_error("list: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	for (i = 0; i < nr_selfchecks; i++)
		printf("%-20s %s\n", selfchecks[i].name,
		       selfchecks[i].prog->description);
	return 0;
}

struct run_args {
	const struct selfcheck *check;
	struct pmm_explore_opts opts;
};

enum { OPT_SELFCHECK = 256, OPT_STRATEGY, OPT_SEED, OPT_EXECUTIONS,
       OPT_SECONDS, OPT_BOUND, OPT_ALL, OPT_SCHEDULE, OPT_HELP, OPT_DEPTH };

static const struct option run_options[] = {
	{ "selfcheck", required_argument, NULL, OPT_SELFCHECK },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "executions", required_argument, NULL, OPT_EXECUTIONS },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "bound", required_argument, NULL, OPT_BOUND },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "schedule", required_argument, NULL, OPT_SCHEDULE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int parse_run_option(struct run_args *ra, int c, const char *arg)
{
	struct pmm_explore_opts *o = &ra->opts;
	uint64_t v;

	switch (c) {
	case OPT_SELFCHECK:
		ra->check = selfcheck_find(arg);
		return ra->check ? 0 : -ENOENT;
	case OPT_STRATEGY:
		return pmm_strategy_parse(arg, &o->strategy);
	case OPT_SEED:
		return parse_u64(arg, 0, UINT64_MAX, &o->seed);
	case OPT_DEPTH:
		if (parse_u64(arg, 1, 16, &v))
			return -EINVAL;
		o->pct_depth = (unsigned int)v;
		return 0;
	case OPT_EXECUTIONS:
		return parse_u64(arg, 1, UINT64_MAX, &o->max_executions);
	case OPT_SECONDS:
		return parse_seconds(arg, &o->max_seconds);
	case OPT_BOUND:
		if (parse_u64(arg, 1, 100000000, &v))
			return -EINVAL;
		o->step_bound = (uint32_t)v;
		return 0;
	case OPT_ALL:
		o->stop_on_violation = false;
		return 0;
	case OPT_SCHEDULE:
		o->schedule = arg;
		return 0;
	}
	return -EINVAL;
}

/* Parses explore/replay options; returns 0, or an exit status. */
static int parse_run_args(int argc, char **argv, struct run_args *ra)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", run_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (c == '?') {
			usage_error("%s: unknown option or missing value",
				    argv[optind - 1]);
			return EXIT_USAGE;
		}
		if (parse_run_option(ra, c, optarg)) {
			fprintf(stderr, "protmm: %s: bad value '%s'\n",
				argv[optind - 1 - (optarg == argv[optind - 1])],
				optarg ? optarg : "");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!ra->check) {
		usage_error("%s needs --selfcheck NAME", argv[0]);
		return EXIT_USAGE;
	}
	return 0;
}

static void print_counterexample(const struct run_args *ra,
				 const struct pmm_explore_result *r)
{
	printf("%s: violation %s: %s\n", ra->check->name, r->oracle, r->message);
	printf("  found in execution %llu (%s, seed %llu)\n",
	       (unsigned long long)r->violation_execution,
	       pmm_strategy_name(ra->opts.strategy),
	       (unsigned long long)ra->opts.seed);
	printf("  schedule: %s\n", r->schedule);
	printf("  replay:   protmm replay --selfcheck %s --schedule %s\n",
	       ra->check->name, r->schedule);
	if (r->trace)
		printf("%s", r->trace);
}

static void print_summary(const struct run_args *ra,
			  const struct pmm_explore_result *r)
{
	printf("%s: %llu executions (%s%s), %llu violating, %llu deadlocks, "
	       "%llu cut at bound %u, %.2fs\n", ra->check->name,
	       (unsigned long long)r->executions,
	       pmm_strategy_name(ra->opts.strategy),
	       r->complete ? ", complete" : "",
	       (unsigned long long)r->violations,
	       (unsigned long long)r->deadlocks,
	       (unsigned long long)r->truncated, ra->opts.step_bound,
	       r->seconds);
}

static int cmd_explore(int argc, char **argv)
{
	struct run_args ra = { NULL, PMM_EXPLORE_OPTS_INIT };
	struct pmm_explore_result r;
	int err = parse_run_args(argc, argv, &ra);

	if (err)
		return err;
	if (ra.opts.strategy == PMM_STRATEGY_REPLAY || ra.opts.schedule) {
		usage_error("%s: use 'protmm replay' to follow a schedule", argv[0]);
		return EXIT_USAGE;
	}
	/* Sampling strategies run 100000 executions unless told otherwise. */
	if ((ra.opts.strategy == PMM_STRATEGY_RANDOM ||
	     ra.opts.strategy == PMM_STRATEGY_PCT) && !ra.opts.max_executions &&
	    !ra.opts.max_seconds)
		ra.opts.max_executions = 100000;
	if (ra.check->reset)
		ra.check->reset();
	err = pmm_explore(ra.check->prog, &ra.opts, &r);
	if (err) {
		fprintf(stderr, "protmm: %s: %s\n", ra.check->name,
			r.message[0] ? r.message : strerror(-err));
		pmm_explore_result_release(&r);
		/* Only a bad schedule is bad input; the rest is the tool's fault. */
		return err == -EINVAL ? EXIT_USAGE : EXIT_MISMATCH;
	}
	if (r.violations)
		print_counterexample(&ra, &r);
	print_summary(&ra, &r);
	pmm_explore_result_release(&r);
	return 0;
}

static int cmd_replay(int argc, char **argv)
{
	struct run_args ra = { NULL, PMM_EXPLORE_OPTS_INIT };
	struct pmm_explore_result r;
	int err = parse_run_args(argc, argv, &ra);

	if (err)
		return err;
	if (!ra.opts.schedule) {
		usage_error("%s needs --schedule S", argv[0]);
		return EXIT_USAGE;
	}
	ra.opts.strategy = PMM_STRATEGY_REPLAY;
	err = pmm_explore(ra.check->prog, &ra.opts, &r);
	if (err) {
		fprintf(stderr, "protmm: %s: %s\n", ra.check->name,
			r.message[0] ? r.message : strerror(-err));
		pmm_explore_result_release(&r);
		return EXIT_USAGE;
	}
	printf("%s: schedule %s\n", ra.check->name, ra.opts.schedule);
	printf("%s", r.trace ? r.trace : "");
	if (r.violations)
		printf("%s: violation %s: %s\n", ra.check->name, r.oracle,
		       r.message);
	else
		printf("%s: no violation\n", ra.check->name);
	pmm_explore_result_release(&r);
	return 0;
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "selfcheck", cmd_selfcheck },
	{ "explore", cmd_explore },
	{ "replay", cmd_replay },
	{ "list", cmd_list },
};

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("protmm %s\n", PROTMM_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	usage_error("unknown command '%s'", argv[1]);
	return EXIT_USAGE;
}
