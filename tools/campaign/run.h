/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running generated scenarios in isolation, judging them, minimising
 * what they find and writing it out.
 *
 * Every exploration runs in a child process: a crash, a sanitizer report
 * or a hang inside model code becomes a finding ("crash", "hang") instead
 * of the end of the campaign.
 */
#ifndef PMM_CAMPAIGN_RUN_H
#define PMM_CAMPAIGN_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "gen.h"
#include "protmm/explore.h"

enum cmp_kind {
	CMP_OK,		/* no oracle fired */
	CMP_VIOLATION,	/* an oracle fired: oracle names it */
	CMP_CRASH,	/* the model crashed (signal, sanitizer exit) */
	CMP_HANG,	/* no answer within the time limit */
	CMP_ERROR,	/* pmm_explore() refused (e.g. -EPROTO: not deterministic) */
	CMP_PARSE,	/* the parser refused the text: a generator bug */
};

struct cmp_result {
	enum cmp_kind kind;
	/* The oracle, or "crash", "hang", "explore-error", "generator". */
	char oracle[32];
	char message[PMM_MSG_MAX];
	uint64_t executions, truncated, steps;
	double seconds;
	/* The violating execution's schedule string (malloc'd), or NULL. */
	char *schedule;
};

struct cmp_run_opts {
	/* Seconds one exploration may take before it is a hang. */
	unsigned int timeout;
	/* Keep the child's stderr (a sanitizer's report) on ours. */
	bool show_stderr;
};

/* Parses and explores @text as its explore line says, in a child. */
void cmp_run(const char *text, long len, const struct cmp_run_opts *o,
	     struct cmp_result *r);
void cmp_result_release(struct cmp_result *r);

/* A finding: anything but CMP_OK. */
static inline bool cmp_is_finding(const struct cmp_result *r)
{
	return r->kind != CMP_OK;
}

/* @b is the same finding as @a: the same oracle (the same signal). */
bool cmp_same(const struct cmp_result *a, const struct cmp_result *b);

/*
 * Delta debugging: drops lines of @g (threads, then chunks, then single
 * statements) while the same finding as @want still comes out. @keep
 * (g->nr_lines entries) ends with the lines kept. Returns the runs made;
 * at most @max_runs.
 */
unsigned int cmp_minimise(const struct gen_scenario *g, const struct cmp_result *want,
			  const struct cmp_run_opts *o, unsigned int max_runs,
			  bool *keep);

/* What one scenario of the campaign came to, small enough for a pipe. */
struct cmp_report {
	uint64_t index;
	enum cmp_kind kind;
	char oracle[32];
	char message[PMM_MSG_MAX];
	uint64_t executions;
	double seconds;
	unsigned int lines, lines_kept, minimise_runs;
	char file[256];
};

struct cmp_config {
	uint64_t seed;
	struct gen_opts gen;
	struct cmp_run_opts run;
	/* Where findings are written (NULL: nowhere). */
	const char *out_dir;
	bool minimise;
	unsigned int max_minimise_runs;
};

/* Generates, runs and (on a finding) minimises and writes scenario @index. */
void cmp_scenario(const struct cmp_config *c, uint64_t index, struct cmp_report *rep);

#endif /* PMM_CAMPAIGN_RUN_H */
