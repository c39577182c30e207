/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the protmm command's files share. */
#ifndef PMM_CLI_CLI_H
#define PMM_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "explore/selfcheck.h"
#include "protmm/protmm.h"
#include "scenario/scenario.h"

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_TAP };

/* A knob override from the command line (--config KEY=VALUE). */
struct override {
	char key[SCN_MAX_NAME], value[SCN_MAX_NAME];
};

#define MAX_OVERRIDES 16

/* What one command line asks for. */
struct cli_args {
	const char *cmd;
	const struct selfcheck *check;	/* --selfcheck NAME */
	const char *files[256];		/* FILE|DIR arguments */
	unsigned int nr_files;
	struct pmm_explore_opts opts;
	bool opts_given;		/* strategy or budget on the command line */
	bool preemptions_given;		/* --preemptions */
	enum format format;
	struct override overrides[MAX_OVERRIDES];
	unsigned int nr_overrides;
};

void usage_error(const char *fmt, const char *arg);
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Parses the options of explore/replay/run/check/list; 0 or an exit status. */
int parse_args(int argc, char **argv, struct cli_args *a, const char *help);

int cmd_selfcheck(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_knobs(int argc, char **argv);
int cmd_oracles(int argc, char **argv);

/* Output: text, JSON or TAP (output.c). */
void json_string(FILE *f, const char *s);
/* Shows progress on stderr, when it is a terminal. */
void progress(const struct pmm_explore_result *r, void *arg);
void progress_clear(void);

#endif /* PMM_CLI_CLI_H */
