/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What run, explore and replay print: one entry per scenario explored, in
 * one envelope per command whatever the format. Text is each command's
 * own; JSON is {"command":..., "scenarios":[entry...], counts}; TAP is a
 * test point per scenario, with a YAML block of the details.
 */
#ifndef PMM_CLI_REPORT_H
#define PMM_CLI_REPORT_H

#include "cli/cli.h"

enum command { CMD_RUN, CMD_EXPLORE, CMD_REPLAY };

/* What is being explored: a scenario file, or a self-check program. */
struct target {
	const char *label;
	struct scenario *scn;
	const struct selfcheck *check;
	struct pmm_program prog;
	struct pmm_explore_opts opts;
	/* explore: where an interruption saves the search. */
	char checkpoint[1024];
};

struct report {
	const struct cli_args *a;
	enum command cmd;
	unsigned int planned;	/* scenarios to run: TAP's plan */
	bool begun;		/* the envelope is open */
	unsigned int printed;	/* entries printed so far */
	/* Verdicts: as expected, not, malformed, cut short by a signal. */
	unsigned int good, bad, broken, cut;
	unsigned int not_run;
	/* The verdict of the entry printed last (report_entry()). */
	struct verdict_row last;
	/* run --html-dir: each scenario's verdict, for the index. */
	struct verdict_row *rows;
	unsigned int nr_rows;
	/* A page could not be written. */
	bool html_failed;
};

const char *target_name(const struct target *t);
/* The command that replays @schedule of @t, overrides included. */
void print_replay_command(FILE *f, const struct cli_args *a,
			  const struct target *t, const char *schedule);
/*
 * @o, a target's options, made to run the one execution @schedule names:
 * no live view, interrupt, progress, shard, checkpoint or resume.
 */
void replay_opts(struct pmm_explore_opts *o, const char *schedule);
/* The same, as a string to free; NULL when out of memory. */
char *replay_command(const struct cli_args *a, const struct target *t,
		     const char *schedule);

/* Opens the envelope (run does it first; explore and replay lazily). */
void report_begin(struct report *rp);
/*
 * Judges @r against @t's expectation and prints its entry, the @n-th.
 * Returns 0 (as expected) or 1; *cut says the exploration was
 * interrupted, and so neither.
 */
int report_entry(struct report *rp, const struct target *t,
		 const struct pmm_explore_result *r, unsigned int n, bool *cut);
/* The @n-th file did not parse (the error is on stderr). */
void report_malformed(struct report *rp, const char *file, unsigned int n);
/* Closes the envelope; @sig: the signal that stopped the command, or 0. */
void report_end(struct report *rp, int sig);

/* explore --output: @r as a shard result for 'protmm merge' (cmd_merge.c). */
int shard_output_write(const struct cli_args *a, const struct target *t,
		       const struct pmm_explore_result *r);

#endif /* PMM_CLI_REPORT_H */
