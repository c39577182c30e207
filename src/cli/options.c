// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The long options of the protmm command: parse_args() reads them, and
 * the manual's test checks protmm(1) describes each one.
 */
#include "cli/cli.h"

const struct option cli_options[] = {
	{ "selfcheck", required_argument, NULL, OPT_SELFCHECK },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "executions", required_argument, NULL, OPT_EXECUTIONS },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "bound", required_argument, NULL, OPT_BOUND },
	{ "preemptions", required_argument, NULL, OPT_PREEMPTIONS },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "schedule", required_argument, NULL, OPT_SCHEDULE },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "shard-depth", required_argument, NULL, OPT_SHARD_DEPTH },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
	{ "resume", required_argument, NULL, OPT_RESUME },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "html-dir", required_argument, NULL, OPT_HTML_DIR },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};
