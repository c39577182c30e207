// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The trace viewer's pages through the command (the browser's view of
 * them is tests/viewer): explore, replay --html and run --html-dir write
 * self-contained pages whose embedded JSON is the trace the command's
 * --format json prints, with the violating step and, for each step, the
 * touched object decoded before and after; a path that cannot be written
 * is refused with exit status 2 before anything runs, and no file, whole
 * or partial, is left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../common/run_protmm.h"
#include "explore/json.h"

static char dir[64];

static char *tmp(const char *name)
{
	static char buf[8][128];
	static unsigned int n;
	char *p = buf[n++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

#define PROTMM(r, ...) assert_true(run_protmm((r), (const char *const[]){ __VA_ARGS__, NULL }))

static void expect_exit(const struct run *r, int code, const char *err_has)
{
	if (r->exit_code != code || (err_has && !strstr(r->err, err_has)))
		fail_msg("wanted exit %d and stderr with \"%s\"; got %d:\n%s%s",
			 code, err_has ? err_has : "", r->exit_code, r->out, r->err);
}

static const char *stale_tags(void)
{
	return getenv("SEED002_SCENARIO");
}

static long num(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	if (!v || v->type != JSON_NUMBER)
		fail_msg("no number \"%s\"", key);
	return atol(v->str);
}

static const char *str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	if (!v || v->type != JSON_STRING)
		fail_msg("no string \"%s\"", key);
	return v->str;
}

static unsigned int nr_steps(const struct json *trace)
{
	const struct json *e;
	unsigned int n = 0;

	for (e = trace->child; e; e = e->next)
		n += !strcmp(str(e, "kind"), "step");
	return n;
}

/* The reference: the last step before the violation in --format json's trace. */
static long violating_step(const struct json *trace)
{
	const struct json *e;
	long last = -1;

	for (e = trace->child; e; e = e->next) {
		if (!strcmp(str(e, "kind"), "violation"))
			return last;
		if (!strcmp(str(e, "kind"), "step"))
			last = num(e, "step");
	}
	fail_msg("the trace has no violation");
	return -1;
}

/* The page's JSON document: between its data script's tags, no '<' in it. */
static struct json *page_doc(const char *page)
{
	static const char open[] = "<script type=\"application/json\" id=\"protmm-data\">\n";
	const char *p = strstr(page, open), *end;
	struct json_error err;
	struct json *doc;
	char *text;

	assert_non_null(p);
	p += strlen(open);
	end = strstr(p, "\n</script>");
	assert_non_null(end);
	text = strndup(p, (size_t)(end - p));
	assert_null(strchr(text, '<'));
	doc = json_parse(text, &err);
	if (!doc)
		fail_msg("the page's JSON: %d:%d: %s", err.line, err.col, err.msg);
	free(text);
	return doc;
}

/* Fetches nothing: no external script, style or image, and a CSP that says so. */
static void self_contained(const char *page)
{
	assert_non_null(strstr(page, "Content-Security-Policy\" content=\"default-src 'none'"));
	assert_null(strstr(page, "<link"));
	assert_null(strstr(page, "<script src"));
	assert_null(strstr(page, "<img"));
	/* The viewer itself is in it. */
	assert_non_null(strstr(page, "<style>"));
	assert_non_null(strstr(page, "protmm's trace viewer"));
}

static bool names_flag(const struct json *folio, const char *flag)
{
	const struct json *f = json_get(folio, "flags"), *e;

	assert_non_null(f);
	for (e = f->child; e; e = e->next)
		if (!strcmp(e->str, flag))
			return true;
	return false;
}

static char schedule[256];

static void test_explore_page(void **state)
{
	struct json *out, *doc;
	const struct json *v, *trace, *states, *s, *e;
	struct run r;
	char *page, attr[64];
	long vstep;
	bool seen_tagging = false;

	(void)state;
	PROTMM(&r, "explore", stale_tags(), "--format", "json", "--html", tmp("p.html"));
	expect_exit(&r, 0, NULL);
	out = json_parse(r.out, &(struct json_error){ 0 });
	assert_non_null(out);
	v = json_get(json_get(json_get(json_get(out, "scenarios")->child, "result"),
			      "violation"), "trace");
	assert_non_null(v);
	trace = v;
	vstep = violating_step(trace);
	snprintf(schedule, sizeof(schedule), "%s",
		 str(json_get(json_get(json_get(out, "scenarios")->child, "result"),
			      "violation"), "schedule"));

	page = slurp(tmp("p.html"), NULL);
	assert_non_null(page);
	self_contained(page);
	doc = page_doc(page);
	assert_string_equal(str(doc, "page"), "trace");
	assert_string_equal(str(doc, "oracle"), "stale-tags");
	assert_string_equal(str(doc, "schedule"), schedule);
	assert_non_null(strstr(str(doc, "replay"), schedule));
	assert_non_null(strstr(str(doc, "source"), "thread T1 on Q cpu 1"));
	/* The violating step, in the JSON and on the body. */
	assert_int_equal(num(doc, "violation_step"), vstep);
	snprintf(attr, sizeof(attr), "data-violation-step=\"%ld\"", vstep);
	assert_non_null(strstr(page, attr));
	/* The same trace as --format json's. */
	assert_int_equal(nr_steps(json_get(doc, "trace")), nr_steps(trace));
	/* A state before and after each step; PG_mte_tagged set in one by name. */
	states = json_get(doc, "states");
	assert_non_null(states);
	assert_int_equal(states->type, JSON_ARRAY);
	{
		unsigned int n = 0;

		for (s = states->child; s; s = s->next, n++) {
			assert_int_equal(num(s, "step"), n);
			e = json_get(s, "after");
			assert_non_null(json_get(s, "before"));
			assert_non_null(e);
			if (!strcmp(str(e, "kind"), "folio") &&
			    names_flag(json_get(e, "folio"), "mte_tagged") &&
			    !names_flag(json_get(json_get(s, "before"), "folio"), "mte_tagged"))
				seen_tagging = true;
		}
		assert_int_equal(n, nr_steps(trace));
	}
	assert_true(seen_tagging);
	json_free(doc);
	json_free(out);
	free(page);
	run_release(&r);
}

static void test_replay_page(void **state)
{
	struct json *doc;
	struct run r;
	char *page;

	(void)state;
	if (!schedule[0])
		skip();
	PROTMM(&r, "replay", stale_tags(), "--schedule", schedule, "--html", tmp("r.html"));
	expect_exit(&r, 0, NULL);
	page = slurp(tmp("r.html"), NULL);
	assert_non_null(page);
	doc = page_doc(page);
	assert_string_equal(str(doc, "command"), "replay");
	assert_string_equal(str(doc, "oracle"), "stale-tags");
	assert_int_equal(num(doc, "violation_step"),
			 violating_step(json_get(doc, "trace")));
	assert_true(num(doc, "violation_step") >= 0);
	json_free(doc);
	free(page);
	run_release(&r);
}

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* Nothing in @d but what @keep names (NULL-terminated). */
static void only(const char *d, const char *const *keep)
{
	DIR *dh = opendir(d);
	struct dirent *de;

	assert_non_null(dh);
	while ((de = readdir(dh))) {
		const char *const *k;
		bool ok = de->d_name[0] == '.';

		for (k = keep; *k && !ok; k++)
			ok = !strcmp(de->d_name, *k);
		if (!ok)
			fail_msg("%s: unexpected file %s", d, de->d_name);
	}
	closedir(dh);
}

static void test_bad_paths(void **state)
{
	struct run r;

	(void)state;
	PROTMM(&r, "explore", stale_tags(), "--html", "/nonexistent-protmm/p.html");
	expect_exit(&r, 2, "/nonexistent-protmm/p.html");
	/* Refused before exploring: no verdict printed. */
	assert_null(strstr(r.out, "violation"));
	run_release(&r);
	assert_false(exists("/nonexistent-protmm"));

	PROTMM(&r, "replay", stale_tags(), "--schedule", "0", "--html",
	       "/nonexistent-protmm/r.html");
	expect_exit(&r, 2, "No such file or directory");
	run_release(&r);

	/* A directory is not a page. */
	mkdir(tmp("isdir"), 0777);
	PROTMM(&r, "explore", stale_tags(), "--html", tmp("isdir"));
	expect_exit(&r, 2, "Is a directory");
	run_release(&r);
	only(tmp("isdir"), (const char *const[]){ NULL });

	/* The option belongs to its commands only. */
	PROTMM(&r, "run", stale_tags(), "--html", tmp("x.html"));
	expect_exit(&r, 2, "--html does not apply");
	run_release(&r);
	PROTMM(&r, "explore", stale_tags(), "--html-dir", tmp("d"));
	expect_exit(&r, 2, "--html-dir does not apply");
	run_release(&r);
	assert_false(exists(tmp("x.html")));
	assert_false(exists(tmp("d")));

	PROTMM(&r, "run", stale_tags(), "--html-dir", "/nonexistent-protmm/a/b");
	expect_exit(&r, 2, "/nonexistent-protmm/a/b");
	assert_null(strstr(r.out, "as expected"));
	run_release(&r);
}

static void test_run_dir(void **state)
{
	struct json *doc;
	const struct json *rows, *row;
	struct run r;
	char *page, *pages = tmp("pages");
	char lost[512], ok[512], path[256];
	unsigned int n = 0;

	(void)state;
	snprintf(lost, sizeof(lost), "%s/search/lost-write.pmm", getenv("CLI_SCENARIOS"));
	snprintf(ok, sizeof(ok), "%s/search/four-writers.pmm", getenv("CLI_SCENARIOS"));
	PROTMM(&r, "run", lost, ok, "--executions", "50", "--html-dir", pages);
	expect_exit(&r, 0, NULL);
	run_release(&r);
	snprintf(path, sizeof(path), "%s/index.html", pages);
	page = slurp(path, NULL);
	assert_non_null(page);
	self_contained(page);
	doc = page_doc(page);
	assert_string_equal(str(doc, "page"), "index");
	rows = json_get(doc, "rows");
	for (row = rows->child; row; row = row->next, n++)
		assert_string_equal(str(row, "verdict"), "as expected");
	assert_int_equal(n, 2);
	/* A page for the violation only, linked from its row. */
	assert_string_equal(str(rows->child, "page"), "001-lost-write.html");
	assert_int_equal(json_get(rows->child->next, "page")->type, JSON_NULL);
	only(pages, (const char *const[]){ "index.html", "001-lost-write.html", NULL });
	json_free(doc);
	free(page);
	snprintf(path, sizeof(path), "%s/001-lost-write.html", pages);
	page = slurp(path, NULL);
	assert_non_null(page);
	doc = page_doc(page);
	assert_string_equal(str(doc, "oracle"), "expect");
	assert_true(num(doc, "violation_step") >= 0);
	json_free(doc);
	free(page);
}

static int setup(void **state)
{
	(void)state;
	return scratch_dir_make(dir, sizeof(dir), "protmm-html");
}

static int teardown(void **state)
{
	(void)state;
	return scratch_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explore_page),
		cmocka_unit_test(test_replay_page),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_run_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
