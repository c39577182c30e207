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

#include "cli/cli.h"

static const char usage_text[] =
	"usage: protmm <command> [options]\n"
	"\n"
	"commands:\n"
	"  run FILE|DIR...         explore each scenario and print a verdict line\n"
	"                          per scenario, then a summary\n"
	"  explore FILE            explore one scenario; print the first violation's\n"
	"                          trace and how to replay it\n"
	"  replay FILE --schedule S\n"
	"                          run one execution and print its trace\n"
	"  check FILE...           parse and check scenarios, run nothing\n"
	"  list [FILE|DIR...]      list scenarios (and the built-in self-checks)\n"
	"  knobs                   list the protocol variants and their values\n"
	"  oracles                 list the oracles a scenario may expect\n"
	"  statements              list the statements of the scenario language\n"
	"                          (knobs, oracles, statements: --format json)\n"
	"  selfcheck [NAME...]     explore the built-in self-check programs\n"
	"                          exhaustively and print a verdict table\n"
	"  merge FILE...           combine the --output files of the shards of\n"
	"                          one search into one verdict\n"
	"\n"
	"explore, replay and run also take --selfcheck NAME instead of FILE.\n"
	"'protmm COMMAND --help' describes a command's options; see protmm(1).\n"
	"\n"
	"  --help, --version\n";

static const char run_help[] =
	"usage: protmm run FILE|DIR... [options]\n"
	"       protmm explore FILE [options]\n"
	"       protmm replay FILE --schedule S [options]\n"
	"\n"
	"Each option sets its own field over the scenario's 'explore' line:\n"
	"  --strategy dfs|dpor|random|pct\n"
	"                             how to explore (default: the scenario's\n"
	"                             'explore' line, else dpor for 'expect\n"
	"                             ok' and dfs for a violation)\n"
	"  --executions N             at most N executions\n"
	"  --seconds S                at most S seconds a scenario\n"
	"  --seed N                   random walk and PCT seed (not dfs, dpor)\n"
	"  --depth D                  PCT bug depth (1-16; pct only)\n"
	"  --bound N                  step bound of one execution\n"
	"  --preemptions N            only interleavings with at most N\n"
	"                             preemptions (dfs only)\n"
	"  --all                      keep going after the first violation\n"
	"  --schedule S               (replay) the schedule string to follow\n"
	"  --config KEY=VALUE         override a knob (see 'protmm knobs')\n"
	"  --format text|json|tap     output format\n"
	"  --selfcheck NAME           (explore, replay) a built-in self-check\n"
	"                             program instead of FILE\n"
	"  --progress                 show progress on stderr even when it is\n"
	"                             not a terminal\n"
	"  --html FILE                (explore, replay) also write the trace as\n"
	"                             one self-contained HTML page: a lane per\n"
	"                             task, the scenario beside it, each step's\n"
	"                             state before and after\n"
	"  --html-dir DIR             (run) a page per violating scenario in DIR,\n"
	"                             and DIR/index.html with the verdicts\n"
	"\n"
	"explore only (dfs, dpor):\n"
	"  --shard K/N                run the K-th (0-based) of N disjoint parts\n"
	"                             of the search\n"
	"  --shard-depth D            split at decision depth D (dpor: step D)\n"
	"                             (default: ceil(log2 N) + 4); the same for\n"
	"                             every shard\n"
	"  --output FILE              also write the result as JSON to FILE, for\n"
	"                             'protmm merge'\n"
	"  --checkpoint FILE          where SIGINT or SIGTERM saves the search\n"
	"                             (default: NAME.checkpoint, NAME the\n"
	"                             scenario's file name without .pmm)\n"
	"  --resume FILE              go on from a checkpoint\n"
	"\n"
	"An option that does not apply to the command or to the strategy in\n"
	"force is an error. SIGINT or SIGTERM stops at the end of the execution\n"
	"running and reports what was explored (exit status 130 or 143); an\n"
	"exhaustive explore also writes a checkpoint that --resume continues.\n";

void usage_error(const char *fmt, const char *arg)
{
	fputs("protmm: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'protmm --help'.\n", stderr);
}

/* A whole decimal number within [min, max], or -EINVAL. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
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

static int parse_override(struct cli_args *a, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct override *o;

	if (!eq || eq == arg || !eq[1] || a->nr_overrides == MAX_OVERRIDES ||
	    (size_t)(eq - arg) >= SCN_MAX_NAME || strlen(eq + 1) >= SCN_MAX_NAME)
		return -EINVAL;
	o = &a->overrides[a->nr_overrides++];
	snprintf(o->key, sizeof(o->key), "%.*s", (int)(eq - arg), arg);
	snprintf(o->value, sizeof(o->value), "%s", eq + 1);
	/* Checked against this binary's knobs now. */
	if (pmm_knob_set(o->key, o->value))
		return -EINVAL;
	pmm_knob_reset();
	return 0;
}

static int parse_format(const char *s, enum format *f)
{
	if (!strcmp(s, "text"))
		*f = FORMAT_TEXT;
	else if (!strcmp(s, "json"))
		*f = FORMAT_JSON;
	else if (!strcmp(s, "tap"))
		*f = FORMAT_TAP;
	else
		return -EINVAL;
	return 0;
}

/* "K/N" with 0 <= K < N. */
static int parse_shard(const char *s, struct pmm_shard *sh)
{
	const char *slash = strchr(s, '/');
	char k[24];
	uint64_t kv, nv;

	if (!slash || (size_t)(slash - s) >= sizeof(k))
		return -EINVAL;
	snprintf(k, sizeof(k), "%.*s", (int)(slash - s), s);
	if (parse_u64(k, 0, UINT32_MAX, &kv) ||
	    parse_u64(slash + 1, 1, 1000000, &nv) || kv >= nv)
		return -EINVAL;
	sh->index = (uint32_t)kv;
	sh->count = (uint32_t)nv;
	return 0;
}

static int parse_option(struct cli_args *a, int c, const char *arg)
{
	struct pmm_explore_opts *o = &a->opts;
	uint64_t v;

	a->given |= OPT_BIT(c);
	switch (c) {
	case OPT_SELFCHECK:
		a->check = selfcheck_find(arg);
		return a->check ? 0 : -ENOENT;
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
	case OPT_PREEMPTIONS:
		if (parse_u64(arg, 0, 64, &v))
			return -EINVAL;
		o->preemptions = (unsigned int)v;
		return 0;
	case OPT_ALL:
		o->stop_on_violation = false;
		return 0;
	case OPT_SCHEDULE:
		o->schedule = arg;
		return 0;
	case OPT_CONFIG:
		return parse_override(a, arg);
	case OPT_FORMAT:
		return parse_format(arg, &a->format);
	case OPT_SHARD:
		return parse_shard(arg, &o->shard);
	case OPT_SHARD_DEPTH:
		if (parse_u64(arg, 1, 64, &v))
			return -EINVAL;
		o->shard.depth = (uint32_t)v;
		return 0;
	case OPT_OUTPUT:
		a->output = arg;
		return *arg ? 0 : -EINVAL;
	case OPT_CHECKPOINT:
		a->checkpoint = arg;
		return *arg ? 0 : -EINVAL;
	case OPT_RESUME:
		a->resume = arg;
		return *arg ? 0 : -EINVAL;
	case OPT_PROGRESS:
		a->progress = true;
		return 0;
	case OPT_HTML:
		a->html = arg;
		return *arg ? 0 : -EINVAL;
	case OPT_HTML_DIR:
		a->html_dir = arg;
		return *arg ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* The first option given that does not apply to the command, if any. */
static int not_applying(const struct cli_args *a, unsigned int allowed)
{
	const struct option *o;

	for (o = cli_options; o->name; o++)
		if (given(a, o->val) && !(allowed & OPT_BIT(o->val)))
			return (int)(o - cli_options);
	return -1;
}

int parse_args(int argc, char **argv, struct cli_args *a, const char *help,
	       unsigned int allowed, const char *why)
{
	char msg[256];
	int c;

	a->cmd = argv[0];
	a->opts = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", cli_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(help ? help : run_help, stdout);
			exit(0);
		}
		if (c == '?') {
			usage_error("%s: unknown option or missing value",
				    argv[optind - 1]);
			return EXIT_USAGE;
		}
		if (parse_option(a, c, optarg)) {
			fprintf(stderr, "protmm: %s: bad value '%s'%s\n",
				argv[optind - 1 - (optarg == argv[optind - 1])],
				optarg ? optarg : "", c == OPT_SHARD ?
				" (want K/N: shard K of N, 0 <= K < N <= 1000000)" :
				c == OPT_SHARD_DEPTH ? " (want 1 to 64)" : "");
			return EXIT_USAGE;
		}
	}
	c = not_applying(a, allowed);
	if (c >= 0) {
		snprintf(msg, sizeof(msg), "%s: --%s does not apply%s%s", argv[0],
			 cli_options[c].name, why ? ": " : "", why ? why : "");
		usage_error("%s", msg);
		return EXIT_USAGE;
	}
	for (; optind < argc; optind++) {
		if (a->nr_files == sizeof(a->files) / sizeof(a->files[0])) {
			usage_error("%s: too many files", argv[0]);
			return EXIT_USAGE;
		}
		a->files[a->nr_files++] = argv[optind];
	}
	return 0;
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "explore", cmd_explore },
	{ "replay", cmd_replay },
	{ "check", cmd_check },
	{ "list", cmd_list },
	{ "knobs", cmd_knobs },
	{ "oracles", cmd_oracles },
	{ "statements", cmd_statements },
	{ "selfcheck", cmd_selfcheck },
	{ "merge", cmd_merge },
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
