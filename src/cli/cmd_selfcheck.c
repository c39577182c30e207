// SPDX-License-Identifier: LGPL-2.1-or-later
/* protmm selfcheck: the built-in self-check programs as a verdict table. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

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

static const char selfcheck_help[] =
	"usage: protmm selfcheck [NAME...]\n"
	"\n"
	"Explores the built-in self-check programs exhaustively and compares\n"
	"the explorer's counts with counts made by hand.\n";

int cmd_selfcheck(int argc, char **argv)
{
	unsigned int i, failed = 0, total = 0;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--help")) {
			fputs(selfcheck_help, stdout);
			return 0;
		}
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
