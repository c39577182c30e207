// SPDX-License-Identifier: LGPL-2.1-or-later
/* Verdicts, and the entries and envelope of run, explore and replay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report.h"

static const char *const command_names[] = {
	[CMD_RUN] = "run", [CMD_EXPLORE] = "explore", [CMD_REPLAY] = "replay",
};

const char *target_name(const struct target *t)
{
	return t->scn ? t->scn->name : t->label;
}

void print_replay_command(FILE *f, const struct cli_args *a,
			  const struct target *t, const char *schedule)
{
	unsigned int i;

	if (t->check)
		fprintf(f, "protmm replay --selfcheck %s", t->label);
	else
		fprintf(f, "protmm replay %s", t->label);
	for (i = 0; i < a->nr_overrides; i++)
		fprintf(f, " --config %s=%s", a->overrides[i].key, a->overrides[i].value);
	/* A schedule may be longer than the default bound allows. */
	if (given(a, OPT_BOUND))
		fprintf(f, " --bound %u", t->opts.step_bound);
	fprintf(f, " --schedule %s", schedule && *schedule ? schedule : "''");
}

/* The verdict on one exploration. */
enum verdict_kind { AS_EXPECTED, NOT_AS_EXPECTED, CUT_SHORT };

static const char *const verdict_names[] = {
	[AS_EXPECTED] = "as expected", [NOT_AS_EXPECTED] = "NOT as expected",
	[CUT_SHORT] = "interrupted",
};

struct verdict {
	enum verdict_kind kind;
	char expected[96];
	char got[PMM_MSG_MAX + 96];
};

static bool crashed(const struct pmm_explore_result *r)
{
	return r->violations && !strcmp(r->oracle, "crash");
}

/* The oracle @t expects, or NULL for none. */
static const char *expected_oracle(const struct target *t)
{
	if (t->scn)
		return t->scn->expect_oracle[0] ? t->scn->expect_oracle : NULL;
	return t->check->expect_oracle;
}

static void judge(const struct target *t, const struct pmm_explore_result *r,
		  struct verdict *v)
{
	const char *want = expected_oracle(t);
	bool found = r->violations > 0, ok;
	size_t len;
	unsigned int i;

	snprintf(v->expected, sizeof(v->expected), want ? "violation %s" : "ok",
		 want);
	if (crashed(r))
		snprintf(v->got, sizeof(v->got), "violation crash: %s", r->message);
	else if (found)
		snprintf(v->got, sizeof(v->got), "violation %s in execution %llu",
			 r->oracle, (unsigned long long)r->violation_execution);
	else
		snprintf(v->got, sizeof(v->got), "no violation%s",
			 r->complete ? " in any interleaving" : " found");
	ok = want ? found && !strcmp(r->oracle, want) : !found;
	/* After a crash, what the final conditions saw died with the child. */
	for (i = 0; t->scn && !crashed(r) && i < t->scn->nr_finals; i++) {
		if (t->scn->finals[i].forbid ||
		    scenario_outcome(t->scn)->exists_seen[i])
			continue;
		ok = false;
		len = strlen(v->got);
		snprintf(v->got + len, sizeof(v->got) - len, "; '%s' never held",
			 t->scn->finals[i].text);
	}
	v->kind = r->interrupted ? CUT_SHORT : ok ? AS_EXPECTED : NOT_AS_EXPECTED;
}

/* ", complete", ", complete to 2 preemptions", ", interrupted" or "". */
static const char *completeness(const struct target *t,
				const struct pmm_explore_result *r)
{
	static char buf[64];

	if (r->interrupted)
		return ", interrupted";
	if (t->opts.strategy == PMM_STRATEGY_DPOR) {
		snprintf(buf, sizeof(buf), "%s, %llu traces, %llu redundant",
			 r->complete ? ", complete" : "",
			 (unsigned long long)r->traces,
			 (unsigned long long)r->redundant);
		return buf;
	}
	if (!r->complete)
		return "";
	if (t->opts.preemptions == PMM_PREEMPTIONS_ALL)
		return ", complete";
	snprintf(buf, sizeof(buf), ", complete to %u preemption%s",
		 t->opts.preemptions, t->opts.preemptions == 1 ? "" : "s");
	return buf;
}

static void print_how_to_replay(const struct cli_args *a, const struct target *t,
				const struct pmm_explore_result *r)
{
	printf("  schedule: %s\n  replay:   ", r->schedule ? r->schedule : "");
	print_replay_command(stdout, a, t, r->schedule);
	printf("\n%s", r->trace ? r->trace : "");
}

static void print_counterexample(const struct cli_args *a, const struct target *t,
				 const struct pmm_explore_result *r)
{
	printf("%s: violation %s: %s\n", target_name(t), r->oracle, r->message);
	printf("  found in execution %llu (%s, seed %llu)\n",
	       (unsigned long long)r->violation_execution,
	       pmm_strategy_name(t->opts.strategy),
	       (unsigned long long)t->opts.seed);
	print_how_to_replay(a, t, r);
}

static void print_summary(const struct target *t,
			  const struct pmm_explore_result *r)
{
	printf("%s: %llu executions (%s%s), %llu violating, %llu deadlocks, "
	       "%llu cut at bound %u, %.2fs\n", target_name(t),
	       (unsigned long long)r->executions,
	       pmm_strategy_name(t->opts.strategy), completeness(t, r),
	       (unsigned long long)r->violations,
	       (unsigned long long)r->deadlocks,
	       (unsigned long long)r->truncated, t->opts.step_bound,
	       r->seconds);
}

static void text_entry(const struct report *rp, const struct target *t,
		       const struct pmm_explore_result *r, const struct verdict *v)
{
	switch (rp->cmd) {
	case CMD_RUN:
		printf("%-16s %s: expected %s, got %s; %llu executions (%s%s), %.2fs\n",
		       verdict_names[v->kind], t->label, v->expected, v->got,
		       (unsigned long long)r->executions,
		       pmm_strategy_name(t->opts.strategy), completeness(t, r),
		       r->seconds);
		if (v->kind != AS_EXPECTED && r->violations)
			print_how_to_replay(rp->a, t, r);
		break;
	case CMD_EXPLORE:
		if (r->violations)
			print_counterexample(rp->a, t, r);
		print_summary(t, r);
		break;
	case CMD_REPLAY:
		printf("%s: schedule %s\n", target_name(t), t->opts.schedule);
		printf("%s", r->trace ? r->trace : "");
		if (r->violations)
			printf("%s: violation %s: %s\n", target_name(t), r->oracle,
			       r->message);
		else
			printf("%s: no violation\n", target_name(t));
		break;
	}
}

void replay_opts(struct pmm_explore_opts *o, const char *schedule)
{
	o->strategy = PMM_STRATEGY_REPLAY;
	o->schedule = schedule;
	o->live = NULL;
	o->interrupt = NULL;
	o->progress = NULL;
	o->shard = (struct pmm_shard){ 0, 0, 0 };
	o->checkpoint = NULL;
	o->resume = NULL;
}

char *replay_command(const struct cli_args *a, const struct target *t,
		     const char *schedule)
{
	char *cmd = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&cmd, &len);

	if (!m)
		return NULL;
	print_replay_command(m, a, t, schedule);
	if (fclose(m)) {
		free(cmd);
		return NULL;
	}
	return cmd;
}

static void json_result(FILE *f, const struct cli_args *a, const struct target *t,
			const struct pmm_explore_result *r)
{
	fprintf(f, "{\"name\":");
	json_string(f, target_name(t));
	fprintf(f, ",\"file\":");
	json_string(f, t->check ? "" : t->label);
	fprintf(f, ",\"strategy\":\"%s\",\"seed\":%llu,\"executions\":%llu,"
		"\"violations\":%llu,\"deadlocks\":%llu,\"truncated\":%llu,"
		"\"complete\":%s,\"interrupted\":%s,\"preemptions\":%d,\"seconds\":%.3f",
		pmm_strategy_name(t->opts.strategy), (unsigned long long)t->opts.seed,
		(unsigned long long)r->executions, (unsigned long long)r->violations,
		(unsigned long long)r->deadlocks, (unsigned long long)r->truncated,
		r->complete ? "true" : "false", r->interrupted ? "true" : "false",
		t->opts.preemptions == PMM_PREEMPTIONS_ALL ? -1 :
		(int)t->opts.preemptions, r->seconds);
	if (t->opts.strategy == PMM_STRATEGY_PCT)
		fprintf(f, ",\"depth\":%u", t->opts.pct_depth);
	if (t->opts.strategy == PMM_STRATEGY_DPOR)
		fprintf(f, ",\"traces\":%llu,\"redundant\":%llu",
			(unsigned long long)r->traces,
			(unsigned long long)r->redundant);
	if (r->violations) {
		char *cmd = replay_command(a, t, r->schedule);

		fprintf(f, ",\"violation\":{\"oracle\":");
		json_string(f, r->oracle);
		fprintf(f, ",\"message\":");
		json_string(f, r->message);
		fprintf(f, ",\"execution\":%llu,\"schedule\":",
			(unsigned long long)r->violation_execution);
		json_string(f, r->schedule);
		fprintf(f, ",\"replay\":");
		json_string(f, cmd ? cmd : "");
		fprintf(f, ",\"trace\":%s}", r->trace_json ? r->trace_json : "null");
		free(cmd);
	} else if (r->trace_json) {
		/* A replay without a violation still has its trace. */
		fprintf(f, ",\"trace\":%s", r->trace_json);
	}
	fprintf(f, "}");
}

static void json_entry(const struct report *rp, const struct target *t,
		       const struct pmm_explore_result *r, const struct verdict *v)
{
	printf("%s{\"verdict\":\"%s\",\"expected\":", rp->printed ? "," : "",
	       verdict_names[v->kind]);
	json_string(stdout, v->expected);
	printf(",\"got\":");
	json_string(stdout, v->got);
	printf(",\"result\":");
	json_result(stdout, rp->a, t, r);
	printf("}\n");
}

/* What text shows besides the verdict, as a TAP YAML block. */
static void tap_details(const struct report *rp, const struct target *t,
			const struct pmm_explore_result *r, const struct verdict *v)
{
	bool violation = r->violations &&
			 (rp->cmd != CMD_RUN || v->kind != AS_EXPECTED);
	bool trace = r->trace && (violation || rp->cmd == CMD_REPLAY);
	char *cmd;

	if (!violation && !trace)
		return;
	printf("  ---\n");
	if (violation) {
		cmd = replay_command(rp->a, t, r->schedule);
		printf("  oracle: ");
		json_string(stdout, r->oracle);
		printf("\n  message: ");
		json_string(stdout, r->message);
		printf("\n  execution: %llu\n  schedule: ",
		       (unsigned long long)r->violation_execution);
		json_string(stdout, r->schedule);
		printf("\n  replay: ");
		json_string(stdout, cmd ? cmd : "");
		printf("\n");
		free(cmd);
	}
	if (trace) {
		printf("  trace:\n");
		yaml_lines(stdout, r->trace, "    ");
	}
	printf("  ...\n");
}

static void tap_entry(const struct report *rp, const struct target *t,
		      const struct pmm_explore_result *r, const struct verdict *v,
		      unsigned int n)
{
	printf("%s %u - %s # %sexpected %s, got %s; %llu executions\n",
	       v->kind == AS_EXPECTED ? "ok" : "not ok", n, t->label,
	       v->kind == CUT_SHORT ? "interrupted: " : "", v->expected, v->got,
	       (unsigned long long)r->executions);
	tap_details(rp, t, r, v);
}

void report_begin(struct report *rp)
{
	if (rp->begun)
		return;
	rp->begun = true;
	if (rp->a->format == FORMAT_JSON)
		printf("{\"command\":\"%s\",\"scenarios\":[\n", command_names[rp->cmd]);
	else if (rp->a->format == FORMAT_TAP)
		printf("TAP version 13\n1..%u\n", rp->planned);
}

static void remember(struct report *rp, const struct target *t,
		     const struct pmm_explore_result *r, const struct verdict *v)
{
	struct verdict_row *row = &rp->last;

	memset(row, 0, sizeof(*row));
	snprintf(row->verdict, sizeof(row->verdict), "%s", verdict_names[v->kind]);
	snprintf(row->file, sizeof(row->file), "%s", t->check ? "" : t->label);
	snprintf(row->name, sizeof(row->name), "%s", target_name(t));
	snprintf(row->expected, sizeof(row->expected), "%s", v->expected);
	snprintf(row->got, sizeof(row->got), "%s", v->got);
	row->executions = (unsigned long long)r->executions;
}

int report_entry(struct report *rp, const struct target *t,
		 const struct pmm_explore_result *r, unsigned int n, bool *cut)
{
	struct verdict v;

	judge(t, r, &v);
	remember(rp, t, r, &v);
	report_begin(rp);
	switch (rp->a->format) {
	case FORMAT_TEXT:
		text_entry(rp, t, r, &v);
		break;
	case FORMAT_JSON:
		json_entry(rp, t, r, &v);
		break;
	case FORMAT_TAP:
		tap_entry(rp, t, r, &v, n);
		break;
	}
	rp->printed++;
	*cut = v.kind == CUT_SHORT;
	return v.kind == AS_EXPECTED ? 0 : EXIT_MISMATCH;
}

void report_malformed(struct report *rp, const char *file, unsigned int n)
{
	report_begin(rp);
	if (rp->a->format == FORMAT_TAP)
		printf("not ok %u - %s # malformed (the error is on stderr)\n", n, file);
}

void report_end(struct report *rp, int sig)
{
	char buf[32];
	const char *name = sig ? signal_name(sig, buf, sizeof(buf)) : NULL;

	report_begin(rp);
	switch (rp->a->format) {
	case FORMAT_TEXT:
		if (rp->cmd != CMD_RUN)
			break;
		printf("%u scenarios: %u as expected, %u NOT as expected, %u malformed",
		       rp->planned, rp->good, rp->bad, rp->broken);
		if (sig)
			printf("; interrupted by %s: %u cut short, %u not run", name,
			       rp->cut, rp->not_run);
		printf("\n");
		break;
	case FORMAT_JSON:
		printf("],\"as_expected\":%u,\"not_as_expected\":%u,\"malformed\":%u,"
		       "\"interrupted\":%s", rp->good, rp->bad, rp->broken,
		       sig ? "true" : "false");
		if (sig)
			printf(",\"signal\":\"%s\",\"cut_short\":%u,\"not_run\":%u",
			       name, rp->cut, rp->not_run);
		printf("}\n");
		break;
	case FORMAT_TAP:
		if (sig)
			printf("Bail out! interrupted by %s\n", name);
		break;
	}
}
