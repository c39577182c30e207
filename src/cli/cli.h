/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the protmm command's files share. */
#ifndef PMM_CLI_CLI_H
#define PMM_CLI_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "explore/selfcheck.h"
#include "protmm/protmm.h"
#include "scenario/scenario.h"

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_TAP };

/* The long options of run, explore, replay, check and list (options.c). */
enum {
	OPT_SELFCHECK = 256, OPT_STRATEGY, OPT_SEED, OPT_EXECUTIONS,
	OPT_SECONDS, OPT_BOUND, OPT_ALL, OPT_SCHEDULE, OPT_HELP, OPT_DEPTH,
	OPT_CONFIG, OPT_FORMAT, OPT_PREEMPTIONS, OPT_SHARD, OPT_SHARD_DEPTH,
	OPT_OUTPUT, OPT_CHECKPOINT, OPT_RESUME, OPT_PROGRESS,
	OPT_HTML, OPT_HTML_DIR,
};

#define OPT_BIT(opt) (1u << ((opt) - OPT_SELFCHECK))

extern const struct option cli_options[];

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
	/* The values of the options given; which were: OPT_BIT()s. */
	struct pmm_explore_opts opts;
	unsigned int given;
	enum format format;
	struct override overrides[MAX_OVERRIDES];
	unsigned int nr_overrides;
	/* explore: --output, --checkpoint, --resume; --progress. */
	const char *output, *checkpoint, *resume;
	bool progress;
	/* explore, replay: --html FILE; run: --html-dir DIR. */
	const char *html, *html_dir;
};

static inline bool given(const struct cli_args *a, int opt)
{
	return a->given & OPT_BIT(opt);
}

void usage_error(const char *fmt, const char *arg);
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/*
 * Parses the options of run/explore/replay/check/list; @allowed are the
 * OPT_BIT()s of those that apply to the command, @why (or NULL) says why
 * the others do not. 0 or an exit status.
 */
int parse_args(int argc, char **argv, struct cli_args *a, const char *help,
	       unsigned int allowed, const char *why);

int cmd_selfcheck(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_knobs(int argc, char **argv);
int cmd_oracles(int argc, char **argv);
int cmd_statements(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* Output: text, JSON or TAP (output.c). */
void json_string(FILE *f, const char *s);
/* Each line of @text as a YAML list item, indented by @indent. */
void yaml_lines(FILE *f, const char *text, const char *indent);
/*
 * Shows progress on stderr (on a terminal, or with --progress): traces so
 * far, their rate, and for exhaustive searches an estimate of the total.
 */
void progress(const struct pmm_explore_result *r, void *arg);
void progress_clear(void);
/* Writes @path whole or not at all (temporary file, fsync, rename). */
int write_file_atomic(const char *path, const char *text, size_t len);

/*
 * Crash isolation and interruption (isolate.c). SIGINT and SIGTERM set a
 * flag, which the explorer reads at the end of each execution, and are
 * passed on to the child exploring.
 */
void signals_catch(void);
/* A stop signal the command learnt of otherwise (a child died of it). */
void signals_note(int sig);
/* The signal that asked to stop, or 0. */
int stop_signal(void);
const volatile sig_atomic_t *stop_flag(void);
/* The signal's name ("SIGSEGV"), or "signal N". */
const char *signal_name(int sig, char *buf, size_t len);

/* One scenario's verdict, as the index page of run --html-dir shows it. */
struct verdict_row {
	char verdict[24];
	char file[512];
	char name[64];
	char expected[96];
	char got[PMM_MSG_MAX + 96];
	char page[128];		/* its page in the directory, or "" */
	unsigned long long executions;
};

/* What a child says when it returns. */
struct child_report {
	int status;		/* its exit status: 0, 1 or 2 */
	bool printed;		/* it printed its entry */
	bool interrupted;	/* it stopped at the flag */
	bool html_failed;	/* its page could not be written (said on stderr) */
	struct verdict_row row;	/* its entry's verdict */
};

/* How a child ended: its report, or how it died without one. */
struct child_end {
	bool reported;
	struct child_report report;
	int signal;		/* the signal that killed it, or 0 */
	int exit_code;		/* its exit status when it exited unreported */
};

/*
 * Runs @fn in a child process, which prints on the same stdout, and waits
 * for it. -errno when no child could be started.
 */
int isolate(void (*fn)(void *arg, struct child_report *rep), void *arg,
	    struct child_end *end);

/* A struct pmm_explore_live and room for @bound steps, in shared memory. */
struct pmm_explore_live *live_map(uint32_t bound);
void live_unmap(struct pmm_explore_live *live, uint32_t bound);

#endif /* PMM_CLI_CLI_H */
