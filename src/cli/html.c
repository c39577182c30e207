// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The trace viewer's pages: the embedded script and style, and the trace
 * with everything the page shows as one JSON document in a
 * <script type="application/json"> element. The page fetches nothing: a
 * Content-Security-Policy forbids it any connection.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/html.h"
#include "explore/json.h"

static const char *const command_names[] = {
	[CMD_RUN] = "run", [CMD_EXPLORE] = "explore", [CMD_REPLAY] = "replay",
};

/*
 * The step the violation happened in: the last step before the trace's
 * violation entry, when that entry names the task that ran it; -1 for a
 * violation in setup or in the final state, or none.
 */
long html_violation_step(const char *trace_json)
{
	struct json_error err;
	struct json *root = trace_json ? json_parse(trace_json, &err) : NULL;
	const struct json *e, *k, *v;
	long last = -1, last_task = -1, found = -1;

	if (!root || root->type != JSON_ARRAY) {
		json_free(root);
		return -1;
	}
	for (e = root->child; e; e = e->next) {
		k = json_get(e, "kind");
		if (!k || k->type != JSON_STRING)
			continue;
		if (!strcmp(k->str, "step")) {
			v = json_get(e, "step");
			last = v && v->str ? atol(v->str) : -1;
			v = json_get(e, "task");
			last_task = v && v->str ? atol(v->str) : -1;
		} else if (!strcmp(k->str, "violation")) {
			v = json_get(e, "task");
			if (v && v->str && atol(v->str) >= 0 && atol(v->str) == last_task)
				found = last;
			break;
		}
	}
	json_free(root);
	return found;
}

/* @s as a JSON string, or null. */
static void str_or_null(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	if (s)
		json_string(f, s);
	else
		fputs("null", f);
}

static void trace_doc(FILE *f, const struct report *rp, const struct target *t,
		      const struct pmm_explore_result *r, const char *states,
		      long vstep)
{
	const char *schedule = rp->cmd == CMD_REPLAY ? t->opts.schedule : r->schedule;
	char *source = t->scn ? json_read_file(t->label) : NULL;
	char *cmd = schedule ? replay_command(rp->a, t, schedule) : NULL;
	const struct verdict_row *row = &rp->last;

	fprintf(f, "{\"page\":\"trace\",\"command\":\"%s\"", command_names[rp->cmd]);
	str_or_null(f, "scenario", row->name);
	str_or_null(f, "file", t->check ? NULL : t->label);
	str_or_null(f, "description", t->scn ? t->scn->description :
		    t->check->prog->description);
	str_or_null(f, "source", source);
	str_or_null(f, "verdict", row->verdict);
	str_or_null(f, "expected", row->expected);
	str_or_null(f, "got", row->got);
	str_or_null(f, "strategy", pmm_strategy_name(t->opts.strategy));
	fprintf(f, ",\"executions\":%llu", (unsigned long long)r->executions);
	str_or_null(f, "oracle", r->violations ? r->oracle : NULL);
	str_or_null(f, "message", r->violations ? r->message : NULL);
	str_or_null(f, "schedule", schedule);
	str_or_null(f, "replay", cmd);
	fprintf(f, ",\"violation_step\":%ld,\"trace\":%s,\"states\":%s}", vstep,
		r->trace_json ? r->trace_json : "null", states ? states : "null");
	free(source);
	free(cmd);
}

/* @text with each '<' as \u003c: a JSON text that cannot end its script. */
static void put_json(FILE *f, const char *text)
{
	for (; *text; text++) {
		if (*text == '<')
			fputs("\\u003c", f);
		else
			fputc(*text, f);
	}
}

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* The whole page around @doc, a JSON text; written to @path atomically. */
static int write_page(const char *path, const char *title, const char *doc,
		      long vstep)
{
	char *html = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&html, &len);
	int err;

	if (!f)
		return -ENOMEM;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	      "'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
	      "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width,"
	      " initial-scale=1\">\n<meta name=\"generator\" content=\"protmm "
	      PROTMM_VERSION "\">\n<title>", f);
	put_escaped(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body data-violation-step="
		"\"%ld\">\n<div id=\"app\"><noscript>This page shows a protmm trace "
		"with JavaScript; the trace itself is the JSON below.</noscript></div>\n"
		"<script type=\"application/json\" id=\"protmm-data\">\n", viewer_css,
		vstep);
	put_json(f, doc);
	fprintf(f, "\n</script>\n<script>\n%s</script>\n</body>\n</html>\n", viewer_js);
	if (fclose(f)) {
		free(html);
		return -ENOMEM;
	}
	err = write_file_atomic(path, html, len);
	free(html);
	return err;
}

int html_trace_page(const char *path, const struct report *rp,
		    const struct target *t, const struct pmm_explore_result *r,
		    bool record)
{
	const char *schedule = rp->cmd == CMD_REPLAY ? t->opts.schedule : r->schedule;
	char *states = record && r->trace_json && schedule ?
		       html_record_states(t, schedule) : NULL;
	long vstep = html_violation_step(r->trace_json);
	char *doc = NULL, title[160];
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	int err;

	if (!f) {
		free(states);
		return -ENOMEM;
	}
	trace_doc(f, rp, t, r, states, vstep);
	free(states);
	if (fclose(f)) {
		free(doc);
		return -ENOMEM;
	}
	snprintf(title, sizeof(title), "protmm %s: %s", command_names[rp->cmd],
		 rp->last.name);
	err = write_page(path, title, doc, vstep);
	free(doc);
	return err;
}

int html_index_page(const char *dir, const struct report *rp)
{
	char *doc = NULL, *path;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	unsigned int i;
	int err;

	if (!f)
		return -ENOMEM;
	fprintf(f, "{\"page\":\"index\",\"planned\":%u,\"as_expected\":%u,"
		"\"not_as_expected\":%u,\"malformed\":%u,\"rows\":[", rp->planned,
		rp->good, rp->bad, rp->broken);
	for (i = 0; i < rp->nr_rows; i++) {
		const struct verdict_row *row = &rp->rows[i];

		fprintf(f, "%s\n{\"verdict\":", i ? "," : "");
		json_string(f, row->verdict);
		str_or_null(f, "file", row->file);
		str_or_null(f, "name", row->name);
		str_or_null(f, "expected", row->expected);
		str_or_null(f, "got", row->got);
		str_or_null(f, "page", row->page[0] ? row->page : NULL);
		fprintf(f, ",\"executions\":%llu}", row->executions);
	}
	fputs("]}", f);
	if (fclose(f)) {
		free(doc);
		return -ENOMEM;
	}
	if (asprintf(&path, "%s/index.html", dir) < 0) {
		free(doc);
		return -ENOMEM;
	}
	err = write_page(path, "protmm run: verdicts", doc, -1);
	free(path);
	free(doc);
	return err;
}

int html_check_path(const char *path)
{
	char *copy = strdup(path), *dir;
	struct stat st;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (!*path)
		err = -ENOENT;
	else if (!stat(path, &st) && S_ISDIR(st.st_mode))
		err = -EISDIR;
	else if (stat(dir, &st))
		err = -errno;
	else if (!S_ISDIR(st.st_mode))
		err = -ENOTDIR;
	else if (access(dir, W_OK | X_OK))
		err = -errno;
	if (err)
		fprintf(stderr, "protmm: --html %s: cannot write there: %s\n", path,
			strerror(-err));
	free(copy);
	return err;
}

int html_prepare_dir(const char *dir)
{
	struct stat st;
	int err = 0;

	if (!*dir)
		err = -ENOENT;
	else if (!stat(dir, &st))
		err = S_ISDIR(st.st_mode) ? (access(dir, W_OK | X_OK) ? -errno : 0) :
		      -ENOTDIR;
	else if (mkdir(dir, 0777))
		err = -errno;
	if (err)
		fprintf(stderr, "protmm: --html-dir %s: %s\n", dir, strerror(-err));
	return err;
}
