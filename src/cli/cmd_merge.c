// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shard results (explore --output FILE) and protmm merge: the N shards of
 * one search, each a JSON file, combined into the one verdict a search in
 * one process would give. The counts add up; the search is complete only
 * if every shard is; the first violation is the one in the lowest subtree
 * (the one depth-first search meets first), with its replay command; an
 * 'exists' condition held if it held in any shard.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report.h"
#include "explore/json.h"

/* 2: traces and redundant executions (dpor; 0 for dfs). */
#define SHARD_RESULT_VERSION 2

static void write_finals(FILE *f, const struct target *t)
{
	unsigned int i;

	fprintf(f, "\"finals\":[");
	for (i = 0; t->scn && i < t->scn->nr_finals; i++) {
		fprintf(f, "%s{\"text\":", i ? "," : "");
		json_string(f, t->scn->finals[i].text);
		fprintf(f, ",\"forbid\":%s,\"held\":%llu}",
			t->scn->finals[i].forbid ? "true" : "false",
			(unsigned long long)scenario_outcome(t->scn)->exists_seen[i]);
	}
	fprintf(f, "],\n");
}

static void write_violation(FILE *f, const struct cli_args *a,
			    const struct target *t,
			    const struct pmm_explore_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *cmd;

	if (!r->violations) {
		fprintf(f, "\"violation\":null}\n");
		return;
	}
	fprintf(f, "\"violation\":{\"oracle\":");
	json_string(f, r->oracle);
	fprintf(f, ",\"message\":");
	json_string(f, r->message);
	/* A crash's subtree is not known: it sorts after every other. */
	fprintf(f, ",\"execution\":%llu,\"subtree\":%llu,\"schedule\":",
		(unsigned long long)r->violation_execution,
		(unsigned long long)(strcmp(r->oracle, "crash") ?
				     r->violation_subtree : UINT64_MAX));
	json_string(f, r->schedule ? r->schedule : "");
	fprintf(f, ",\"replay\":");
	cmd = open_memstream(&text, &len);
	if (cmd) {
		print_replay_command(cmd, a, t, r->schedule);
		if (fclose(cmd))
			text = NULL;
	}
	json_string(f, text ? text : "");
	free(text);
	fprintf(f, "}}\n");
}

int shard_output_write(const struct cli_args *a, const struct target *t,
		       const struct pmm_explore_result *r)
{
	const struct pmm_explore_opts *o = &t->opts;
	const char *want = t->scn ? t->scn->expect_oracle :
			   t->check->expect_oracle ? t->check->expect_oracle : "";
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f)
		return -ENOMEM;
	fprintf(f, "{\"protmm_shard_result\":%d,\n\"name\":", SHARD_RESULT_VERSION);
	json_string(f, target_name(t));
	fprintf(f, ",\n\"file\":");
	json_string(f, t->check ? "" : t->label);
	fprintf(f, ",\n\"search_id\":%llu,\n\"strategy\":\"%s\",\n"
		"\"preemptions\":", (unsigned long long)o->search_id,
		pmm_strategy_name(o->strategy));
	if (o->preemptions == PMM_PREEMPTIONS_ALL)
		fprintf(f, "null");
	else
		fprintf(f, "%u", o->preemptions);
	fprintf(f, ",\n\"step_bound\":%u,\n\"stop_on_violation\":%s,\n\"expect\":",
		o->step_bound, o->stop_on_violation ? "true" : "false");
	json_string(f, want);
	fprintf(f, ",\n");
	write_finals(f, t);
	fprintf(f, "\"shard\":{\"index\":%u,\"count\":%u,\"depth\":%u},\n",
		o->shard.index, o->shard.count ? o->shard.count : 1,
		r->shard_depth);
	fprintf(f, "\"traces\":%llu,\n\"redundant\":%llu,\n",
		(unsigned long long)r->traces, (unsigned long long)r->redundant);
	fprintf(f, "\"executions\":%llu,\n\"violations\":%llu,\n\"deadlocks\":%llu,\n"
		"\"truncated\":%llu,\n\"steps\":%llu,\n\"probes\":%llu,\n"
		"\"subtrees\":%llu,\n\"seconds\":%.3f,\n\"complete\":%s,\n"
		"\"interrupted\":%s,\n",
		(unsigned long long)r->executions, (unsigned long long)r->violations,
		(unsigned long long)r->deadlocks, (unsigned long long)r->truncated,
		(unsigned long long)r->steps, (unsigned long long)r->probes,
		(unsigned long long)r->subtrees, r->seconds,
		r->complete ? "true" : "false", r->interrupted ? "true" : "false");
	write_violation(f, a, t, r);
	if (fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	err = write_file_atomic(a->output, text, len);
	free(text);
	return err;
}

/* One shard's file, read. */
struct shard_file {
	const char *path;
	struct json *doc;
	uint64_t index, count, depth;
	uint64_t executions, violations, deadlocks, truncated, steps, probes;
	uint64_t subtrees, traces, redundant;
	double seconds;
	bool complete, interrupted;
	const struct json *violation, *finals;
	uint64_t subtree;
};

static int load_fail(const char *path, const struct json_error *e)
{
	fprintf(stderr, "%s:%d:%d: error: %s\n", path, e->line, e->col, e->msg);
	return EXIT_USAGE;
}

static int read_counts(struct shard_file *s, struct json_error *e)
{
	const struct json *d = s->doc;

	return json_get_u64(d, "executions", &s->executions, e) ||
	       json_get_u64(d, "traces", &s->traces, e) ||
	       json_get_u64(d, "redundant", &s->redundant, e) ||
	       json_get_u64(d, "violations", &s->violations, e) ||
	       json_get_u64(d, "deadlocks", &s->deadlocks, e) ||
	       json_get_u64(d, "truncated", &s->truncated, e) ||
	       json_get_u64(d, "steps", &s->steps, e) ||
	       json_get_u64(d, "probes", &s->probes, e) ||
	       json_get_u64(d, "subtrees", &s->subtrees, e) ||
	       json_get_double(d, "seconds", &s->seconds, e) ||
	       json_get_bool(d, "complete", &s->complete, e) ||
	       json_get_bool(d, "interrupted", &s->interrupted, e) ? -EINVAL : 0;
}

static int read_violation(struct shard_file *s, struct json_error *e)
{
	const struct json *v = json_get(s->doc, "violation");
	const char *str;

	if (!v)
		return json_fail(e, s->doc, "missing \"violation\" (an object or null)");
	if (v->type == JSON_NULL) {
		if (s->violations)
			return json_fail(e, v, "%llu violations but no first one",
					 (unsigned long long)s->violations);
		return 0;
	}
	if (v->type != JSON_OBJECT || !s->violations)
		return json_fail(e, v, "\"violation\" must be null when there are "
				 "none, else an object");
	if (json_get_str(v, "oracle", &str, e) ||
	    json_get_str(v, "message", &str, e) ||
	    json_get_str(v, "schedule", &str, e) ||
	    json_get_str(v, "replay", &str, e) ||
	    json_get_u64(v, "subtree", &s->subtree, e))
		return -EINVAL;
	s->violation = v;
	return 0;
}

static int read_shard(struct shard_file *s)
{
	struct json_error e = { 0 };
	const struct json *sh;
	char *text = json_read_file(s->path);
	uint64_t version;

	if (!text) {
		fprintf(stderr, "protmm: merge: %s: %s\n", s->path, strerror(errno));
		return EXIT_USAGE;
	}
	s->doc = json_parse(text, &e);
	free(text);
	if (!s->doc)
		return load_fail(s->path, &e);
	if (s->doc->type != JSON_OBJECT || !json_get(s->doc, "protmm_shard_result")) {
		json_fail(&e, s->doc, "not a shard result of 'protmm explore --output'");
		return load_fail(s->path, &e);
	}
	if (json_get_u64(s->doc, "protmm_shard_result", &version, &e))
		return load_fail(s->path, &e);
	if (version != SHARD_RESULT_VERSION) {
		json_fail(&e, json_get(s->doc, "protmm_shard_result"), "version "
			  "%llu, this protmm reads %d", (unsigned long long)version,
			  SHARD_RESULT_VERSION);
		return load_fail(s->path, &e);
	}
	if (json_get_kind(s->doc, "shard", JSON_OBJECT, &sh, &e) ||
	    json_get_u64(sh, "index", &s->index, &e) ||
	    json_get_u64(sh, "count", &s->count, &e) ||
	    json_get_u64(sh, "depth", &s->depth, &e) ||
	    json_get_kind(s->doc, "finals", JSON_ARRAY, &s->finals, &e) ||
	    read_counts(s, &e) || read_violation(s, &e))
		return load_fail(s->path, &e);
	if (!s->count || s->index >= s->count) {
		json_fail(&e, sh, "shard %llu of %llu: no such shard",
			  (unsigned long long)s->index, (unsigned long long)s->count);
		return load_fail(s->path, &e);
	}
	return 0;
}

static bool same_value(const struct json *a, const struct json *b)
{
	const struct json *x, *y;

	if (!a || !b || a->type != b->type)
		return a == b;
	switch (a->type) {
	case JSON_NULL:
		return true;
	case JSON_BOOL:
		return a->boolean == b->boolean;
	case JSON_NUMBER:
	case JSON_STRING:
		return !strcmp(a->str, b->str);
	case JSON_ARRAY:
	case JSON_OBJECT:
		for (x = a->child, y = b->child; x && y; x = x->next, y = y->next)
			if ((x->key && strcmp(x->key, y->key)) || !same_value(x, y))
				return false;
		return !x && !y;
	}
	return false;
}

/* What every shard of one search has alike. */
static const char *const same_keys[] = {
	"name", "file", "search_id", "strategy", "preemptions", "step_bound",
	"stop_on_violation", "expect",
};

static int check_alike(const struct shard_file *s, const struct shard_file *first)
{
	struct json_error e = { 0 };
	const struct json *sh;
	size_t i;

	for (i = 0; i < sizeof(same_keys) / sizeof(same_keys[0]); i++) {
		const struct json *v = json_get(s->doc, same_keys[i]);

		if (same_value(v, json_get(first->doc, same_keys[i])))
			continue;
		json_fail(&e, v ? v : s->doc, "not a shard of the same search as "
			  "%s: \"%s\" differs", first->path, same_keys[i]);
		return load_fail(s->path, &e);
	}
	sh = json_get(s->doc, "shard");
	if (s->count != first->count || s->depth != first->depth) {
		json_fail(&e, sh, "not a shard of the same split as %s: %llu/%llu "
			  "at depth %llu, not N=%llu at depth %llu", first->path,
			  (unsigned long long)s->index, (unsigned long long)s->count,
			  (unsigned long long)s->depth,
			  (unsigned long long)first->count,
			  (unsigned long long)first->depth);
		return load_fail(s->path, &e);
	}
	/* Same conditions, in the same order. */
	{
		const struct json *x = s->finals->child, *y = first->finals->child;

		for (; x && y; x = x->next, y = y->next)
			if (!same_value(json_get(x, "text"), json_get(y, "text")))
				break;
		if (x || y) {
			json_fail(&e, x ? x : s->finals, "not a shard of the same "
				  "scenario as %s: its final conditions differ",
				  first->path);
			return load_fail(s->path, &e);
		}
	}
	return 0;
}

struct merged {
	unsigned int nr;
	uint64_t executions, violations, deadlocks, truncated, steps, probes;
	uint64_t subtrees, depth, traces, redundant;
	double seconds;
	bool complete, interrupted;
	const struct shard_file *first;	/* the shard of the first violation */
	const char *expect, *name, *file, *strategy;
	bool finals_ok;
	char got[PMM_MSG_MAX + 128], expected[96];
};

static const char *str_of(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	return v && v->type == JSON_STRING ? v->str : "";
}

/* An 'exists' condition must have held in some shard. */
static void judge_finals(struct merged *m, const struct shard_file *s,
			 unsigned int nr)
{
	const struct json *f;
	unsigned int i, k;

	m->finals_ok = true;
	for (k = 0, f = s[0].finals->child; f; f = f->next, k++) {
		const struct json *forbid = json_get(f, "forbid");
		uint64_t held = 0, h;
		struct json_error e;

		if (forbid && forbid->type == JSON_BOOL && forbid->boolean)
			continue;
		for (i = 0; i < nr; i++) {
			const struct json *g = s[i].finals->child;
			unsigned int j;

			for (j = 0; g && j < k; j++)
				g = g->next;
			if (g && !json_get_u64(g, "held", &h, &e))
				held += h;
		}
		if (!held) {
			size_t len = strlen(m->got);

			m->finals_ok = false;
			snprintf(m->got + len, sizeof(m->got) - len,
				 "; '%s' never held", str_of(f, "text"));
		}
	}
}

static void merge_all(struct merged *m, const struct shard_file *s, unsigned int nr)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->nr = nr;
	m->depth = s[0].depth;
	m->complete = true;
	for (i = 0; i < nr; i++) {
		m->executions += s[i].executions;
		m->traces += s[i].traces;
		m->redundant += s[i].redundant;
		m->violations += s[i].violations;
		m->deadlocks += s[i].deadlocks;
		m->truncated += s[i].truncated;
		m->steps += s[i].steps;
		m->probes += s[i].probes;
		m->seconds += s[i].seconds;
		m->complete &= s[i].complete;
		m->interrupted |= s[i].interrupted;
		if (s[i].subtrees > m->subtrees)
			m->subtrees = s[i].subtrees;
		if (s[i].violation && (!m->first || s[i].subtree < m->first->subtree))
			m->first = &s[i];
	}
	m->expect = str_of(s[0].doc, "expect");
	m->name = str_of(s[0].doc, "name");
	m->strategy = str_of(s[0].doc, "strategy");
	m->file = str_of(s[0].doc, "file");
	snprintf(m->expected, sizeof(m->expected), *m->expect ? "violation %s" :
		 "ok", m->expect);
	if (m->first)
		snprintf(m->got, sizeof(m->got), "violation %s",
			 str_of(m->first->violation, "oracle"));
	else
		snprintf(m->got, sizeof(m->got), "no violation%s",
			 m->complete ? " in any interleaving" : " found");
	judge_finals(m, s, nr);
}

static const char *verdict(const struct merged *m)
{
	bool found = m->first != NULL;
	bool ok = *m->expect ? found && !strcmp(str_of(m->first->violation,
						       "oracle"), m->expect) : !found;

	if (m->interrupted)
		return "interrupted";
	return ok && m->finals_ok ? "as expected" : "NOT as expected";
}

static void print_text(const struct merged *m, const char *v)
{
	char dpor[96] = "";

	if (!strcmp(m->strategy, "dpor"))
		snprintf(dpor, sizeof(dpor), ", %llu traces, %llu redundant",
			 (unsigned long long)m->traces,
			 (unsigned long long)m->redundant);
	printf("%-16s %s: expected %s, got %s; %llu executions (%s%s%s), "
	       "%llu violating, %llu deadlocks, %llu cut at bound, %.2fs\n",
	       v, *m->file ? m->file : m->name, m->expected, m->got,
	       (unsigned long long)m->executions, m->strategy,
	       m->interrupted ? ", interrupted" : m->complete ? ", complete" : "",
	       dpor,
	       (unsigned long long)m->violations, (unsigned long long)m->deadlocks,
	       (unsigned long long)m->truncated, m->seconds);
	printf("  %u shards, split at depth %llu into %llu subtrees, %llu probes\n",
	       m->nr, (unsigned long long)m->depth,
	       (unsigned long long)m->subtrees, (unsigned long long)m->probes);
	if (!m->first)
		return;
	printf("  first violation: %s: %s\n  found in %s (subtree %llu)\n"
	       "  schedule: %s\n  replay:   %s\n",
	       str_of(m->first->violation, "oracle"),
	       str_of(m->first->violation, "message"), m->first->path,
	       (unsigned long long)m->first->subtree,
	       str_of(m->first->violation, "schedule"),
	       str_of(m->first->violation, "replay"));
}

static void print_json(const struct merged *m, const char *v)
{
	printf("{\"command\":\"merge\",\"verdict\":\"%s\",\"expected\":", v);
	json_string(stdout, m->expected);
	printf(",\"got\":");
	json_string(stdout, m->got);
	printf(",\"name\":");
	json_string(stdout, m->name);
	printf(",\"file\":");
	json_string(stdout, m->file);
	printf(",\"shards\":%u,\"depth\":%llu,\"subtrees\":%llu,\"probes\":%llu,"
	       "\"strategy\":\"%s\",\"executions\":%llu,\"traces\":%llu,"
	       "\"redundant\":%llu,\"violations\":%llu,\"deadlocks\":%llu,"
	       "\"truncated\":%llu,\"steps\":%llu,\"seconds\":%.3f,"
	       "\"complete\":%s,\"interrupted\":%s,\"violation\":", m->nr,
	       (unsigned long long)m->depth, (unsigned long long)m->subtrees,
	       (unsigned long long)m->probes, m->strategy,
	       (unsigned long long)m->executions, (unsigned long long)m->traces,
	       (unsigned long long)m->redundant,
	       (unsigned long long)m->violations, (unsigned long long)m->deadlocks,
	       (unsigned long long)m->truncated, (unsigned long long)m->steps,
	       m->seconds, m->complete ? "true" : "false",
	       m->interrupted ? "true" : "false");
	if (!m->first) {
		printf("null}\n");
		return;
	}
	printf("{\"oracle\":");
	json_string(stdout, str_of(m->first->violation, "oracle"));
	printf(",\"message\":");
	json_string(stdout, str_of(m->first->violation, "message"));
	printf(",\"shard\":%llu,\"subtree\":%llu,\"schedule\":",
	       (unsigned long long)m->first->index,
	       (unsigned long long)m->first->subtree);
	json_string(stdout, str_of(m->first->violation, "schedule"));
	printf(",\"replay\":");
	json_string(stdout, str_of(m->first->violation, "replay"));
	printf("}}\n");
}

/* Every shard 0..N-1 exactly once. */
static int check_cover(const struct shard_file *s, unsigned int nr)
{
	uint64_t n = s[0].count, k;
	unsigned int i, j, missing = 0;

	for (i = 0; i < nr; i++)
		for (j = 0; j < i; j++)
			if (s[i].index == s[j].index) {
				fprintf(stderr, "protmm: merge: %s and %s are both "
					"shard %llu/%llu\n", s[j].path, s[i].path,
					(unsigned long long)s[i].index,
					(unsigned long long)n);
				return EXIT_USAGE;
			}
	if (nr == n)
		return 0;
	fprintf(stderr, "protmm: merge: %u of %llu shards given; missing:", nr,
		(unsigned long long)n);
	for (k = 0; k < n && missing < 10; k++) {
		for (i = 0; i < nr && s[i].index != k; i++)
			;
		if (i == nr) {
			fprintf(stderr, " %llu/%llu", (unsigned long long)k,
				(unsigned long long)n);
			missing++;
		}
	}
	fprintf(stderr, "%s\n", missing == 10 ? " ..." : "");
	return EXIT_USAGE;
}

static const char merge_help[] =
	"usage: protmm merge FILE... [--format text|json]\n"
	"\n"
	"Combines the results that 'protmm explore --shard K/N --output FILE'\n"
	"wrote for the N shards of one search into one verdict: the counts\n"
	"added, complete only if every shard is, the first violation (the one a\n"
	"search in one process meets first) with its replay command. Every\n"
	"shard must be given once. Exit 0 as expected, 1 not as expected or\n"
	"interrupted, 2 for a missing, unreadable, malformed or mismatched file.\n";

int cmd_merge(int argc, char **argv)
{
	struct cli_args a = { 0 };
	struct shard_file *s;
	struct merged m;
	const char *v;
	unsigned int i;
	int err = parse_args(argc, argv, &a, merge_help, OPT_BIT(OPT_FORMAT),
			     "merge reads shard results");

	if (err)
		return err;
	if (!a.nr_files) {
		usage_error("%s", "merge needs the FILEs of 'explore --output'");
		return EXIT_USAGE;
	}
	if (a.format == FORMAT_TAP) {
		usage_error("%s", "merge: --format tap is not supported (text or json)");
		return EXIT_USAGE;
	}
	s = calloc(a.nr_files, sizeof(*s));
	if (!s)
		return EXIT_MISMATCH;
	for (i = 0; !err && i < a.nr_files; i++) {
		s[i].path = a.files[i];
		err = read_shard(&s[i]);
		if (!err && i)
			err = check_alike(&s[i], &s[0]);
	}
	if (!err)
		err = check_cover(s, a.nr_files);
	if (!err) {
		merge_all(&m, s, a.nr_files);
		v = verdict(&m);
		if (a.format == FORMAT_JSON)
			print_json(&m, v);
		else
			print_text(&m, v);
		err = strcmp(v, "as expected") ? EXIT_MISMATCH : 0;
	}
	for (i = 0; i < a.nr_files; i++)
		json_free(s[i].doc);
	free(s);
	return err;
}
