// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Golden traces: pin the format of `protmm replay`. Each golden/NAME.pmm
 * names its schedule in a line "# golden-schedule: S"; the test runs
 *
 *	protmm replay golden/NAME.pmm --schedule S
 *
 * and compares stdout byte for byte with golden/NAME.trace (and checks a
 * second run gives the same bytes), then runs it again with --format json
 * and checks the JSON is well formed and its shape: the envelope of
 * every command, {"command":"replay","scenarios":[...]}, the scenario's
 * name, strategy "replay", and for a violation a "trace" array
 * of {"kind":"step",...} entries, one per step line of the text trace.
 *
 * THE GOLDEN FILES GO STALE WHEN MODEL CODE MOVES: every trace line names
 * the model's source file:line and function (src/mm/gup.c:316
 * gup_fast_fallback), so editing the model (even adding a comment above a
 * traced access) changes them, as does a change to what is traced. After
 * such a change, check the new traces are what you meant, then rewrite
 * the files with
 *
 *	UPDATE_GOLDEN=1 meson test -C BUILD scenario-golden
 *
 * (the test then writes golden/NAME.trace in the source tree instead of
 * comparing) and review `git diff tests/scenario/catalogue/golden/`.
 *
 * Environment: PROTMM (the command), GOLDEN (the golden/ folder).
 *
 *	test-scenario-golden json-trace NAME	the JSON of a replay without a
 *						violation carries the trace too
 *						(an expected failure today)
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../common/json_check.h"
#include "../../common/run_protmm.h"

static const char *golden_dir(void)
{
	const char *d = getenv("GOLDEN");

	if (!d || !*d) {
		fprintf(stderr, "GOLDEN is not set to the golden/ folder\n");
		exit(1);
	}
	return d;
}

static bool updating(void)
{
	const char *u = getenv("UPDATE_GOLDEN");

	return u && *u && strcmp(u, "0");
}

struct golden {
	char *pmm, *trace;	/* paths */
	char schedule[256];
	char name[64];		/* from the 'scenario' line */
	char *json_label;
};

/* The schedule and scenario name written in @g->pmm. */
static void read_golden(struct golden *g)
{
	char *text = slurp(g->pmm, NULL), *p;

	if (!text)
		fail_msg("%s: cannot read", g->pmm);
	p = strstr(text, "\n# golden-schedule: ");
	if (!p || sscanf(p, "\n# golden-schedule: %255s", g->schedule) != 1)
		fail_msg("%s: no '# golden-schedule: S' line", g->pmm);
	p = strstr(text, "\nscenario ");
	if (!p || sscanf(p, "\nscenario %63s", g->name) != 1)
		fail_msg("%s: no 'scenario NAME' line", g->pmm);
	free(text);
}

static void replay(struct golden *g, struct run *r, bool json)
{
	const char *args[] = { "replay", g->pmm, "--schedule", g->schedule,
			       json ? "--format" : NULL, "json", NULL };
	char how[96];

	assert_true(run_protmm(r, args));
	if (run_crashed(r) || r->exit_code != 0)
		fail_msg("%s: protmm replay --schedule %s%s: %s\n%s", g->pmm, g->schedule,
			 json ? " --format json" : "", run_describe(r, how, sizeof(how)),
			 r->err);
	if (r->err_len)
		fail_msg("%s: protmm replay wrote to stderr: %s", g->pmm, r->err);
}

/* 1-based number of the first line where @a and @b differ. */
static unsigned int first_difference(const char *a, const char *b)
{
	unsigned int line = 1;

	for (; *a && *a == *b; a++, b++)
		line += *a == '\n';
	return line;
}

static void show_line(const char *what, const char *s, unsigned int line)
{
	while (--line && (s = strchr(s, '\n')))
		s++;
	if (!s || !*s)
		fprintf(stderr, "  %s: (past the end)\n", what);
	else
		fprintf(stderr, "  %s: %.*s\n", what, (int)strcspn(s, "\n"), s);
}

static unsigned int count(const char *s, const char *sub)
{
	unsigned int n = 0;

	for (; (s = strstr(s, sub)); s++)
		n++;
	return n;
}

/* Step lines of a text trace: a step number then "  T". */
static unsigned int text_steps(const char *s)
{
	unsigned int n = 0;

	for (; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		const char *p = s;

		while (*p == ' ')
			p++;
		if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
			n += !strncmp(p, "  T", 3);
		}
	}
	return n;
}

static void test_text(void **state)
{
	struct golden *g = *state;
	struct run r, again;
	char *want;
	size_t want_len;

	read_golden(g);
	replay(g, &r, false);
	if (updating()) {
		assert_true(write_file(g->trace, r.out, r.out_len));
		fprintf(stderr, "UPDATE_GOLDEN: wrote %s\n", g->trace);
		run_release(&r);
		return;
	}
	want = slurp(g->trace, &want_len);
	if (!want)
		fail_msg("%s: cannot read (UPDATE_GOLDEN=1 writes it)", g->trace);
	if (r.out_len != want_len || memcmp(r.out, want, want_len)) {
		unsigned int line = first_difference(r.out, want);

		fprintf(stderr, "%s: replay differs from %s at line %u\n", g->pmm,
			g->trace, line);
		show_line(" got", r.out, line);
		show_line("want", want, line);
		fail_msg("stale golden trace? see the top of test_golden.c");
	}
	/* Deterministic: the same bytes again. */
	replay(g, &again, false);
	if (again.out_len != r.out_len || memcmp(again.out, r.out, r.out_len))
		fail_msg("%s: two replays of one schedule differ", g->pmm);
	run_release(&again);
	run_release(&r);
	free(want);
}

/* @s is one JSON object and nothing else (but a final newline). */
static void assert_json(const struct golden *g, const char *s)
{
	const char *p = s;

	if (*s != '{')
		fail_msg("%s: JSON does not start with '{': %.60s", g->pmm, s);
	if (!json_value(&p, 0))
		fail_msg("%s: JSON does not parse at byte %zu: %.60s", g->pmm,
			 (size_t)(p - s), p);
	json_ws(&p);
	if (*p)
		fail_msg("%s: text after the JSON object: %.60s", g->pmm, p);
}

static void test_json(void **state)
{
	struct golden *g = *state;
	static const char envelope[] = "{\"command\":\"replay\",\"scenarios\":[";
	char *trace, name[96];
	struct run r;
	unsigned int steps;

	read_golden(g);
	replay(g, &r, true);
	assert_json(g, r.out);
	/* The envelope of every command, holding the one scenario replayed. */
	if (strncmp(r.out, envelope, strlen(envelope)))
		fail_msg("%s: JSON does not start with the replay envelope", g->pmm);
	snprintf(name, sizeof(name), "\"result\":{\"name\":\"%s\",", g->name);
	if (count(r.out, name) != 1)
		fail_msg("%s: JSON does not hold one %s", g->pmm, name);
	assert_non_null(strstr(r.out, "\"strategy\":\"replay\""));
	assert_non_null(strstr(r.out, "\"executions\":1,"));
	trace = slurp(g->trace, NULL);
	if (!trace)
		fail_msg("%s: cannot read (UPDATE_GOLDEN=1 writes it)", g->trace);
	/* A violating replay carries its trace, one entry per step. */
	if (strstr(trace, ": violation ")) {
		steps = text_steps(trace);
		assert_non_null(strstr(r.out, "\"violations\":1,"));
		assert_non_null(strstr(r.out, "\"trace\":["));
		assert_non_null(strstr(r.out, "\"kind\":\"step\""));
		if (count(r.out, "\"kind\":\"step\"") != steps)
			fail_msg("%s: %u steps in the JSON trace, %u in the text one",
				 g->pmm, count(r.out, "\"kind\":\"step\""), steps);
	} else {
		assert_non_null(strstr(r.out, "\"violations\":0,"));
	}
	run_release(&r);
	free(trace);
}

/* Expected failure: JSON of a replay without a violation has no trace. */
static void test_json_trace(void **state)
{
	struct golden *g = *state;
	struct run r;

	read_golden(g);
	replay(g, &r, true);
	assert_json(g, r.out);
	if (!strstr(r.out, "\"trace\":[") || !strstr(r.out, "\"kind\":\"step\""))
		fail_msg("%s: replay --format json has no trace: %s", g->pmm, r.out);
	run_release(&r);
}

static struct golden *golden_new(const char *pmm)
{
	struct golden *g = calloc(1, sizeof(*g));

	if (!g || !(g->pmm = strdup(pmm)) ||
	    asprintf(&g->trace, "%.*s.trace", (int)strlen(pmm) - 4, pmm) < 0)
		abort();
	return g;
}

int main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	struct golden **gs;
	char **files, *pmm;
	unsigned int nr, i, n = 0;
	int ret;

	if (argc == 3 && !strcmp(argv[1], "json-trace")) {
		struct CMUnitTest t = { .name = argv[2], .test_func = test_json_trace };

		if (asprintf(&pmm, "%s/%s.pmm", golden_dir(), argv[2]) < 0)
			return 1;
		t.initial_state = golden_new(pmm);
		return _cmocka_run_group_tests("json-trace", &t, 1, NULL, NULL);
	}
	if (argc != 1) {
		fprintf(stderr, "usage: %s [json-trace NAME]\n", argv[0]);
		return 2;
	}
	files = list_pmm(golden_dir(), &nr);
	if (!nr) {
		fprintf(stderr, "no .pmm files in %s\n", golden_dir());
		return 1;
	}
	tests = calloc(2 * nr, sizeof(*tests));
	gs = calloc(nr, sizeof(*gs));
	if (!tests || !gs)
		return 1;
	for (i = 0; i < nr; i++) {
		gs[i] = golden_new(files[i]);
		tests[n++] = (struct CMUnitTest){ .name = strrchr(files[i], '/') + 1,
						  .test_func = test_text,
						  .initial_state = gs[i] };
	}
	/* After the text tests, which may have rewritten the .trace files. */
	for (i = 0; i < nr; i++) {
		if (asprintf(&gs[i]->json_label, "%s --format json",
			     strrchr(files[i], '/') + 1) < 0)
			return 1;
		tests[n++] = (struct CMUnitTest){ .name = gs[i]->json_label,
						  .test_func = test_json,
						  .initial_state = gs[i] };
	}
	ret = _cmocka_run_group_tests("scenario-golden", tests, n, NULL, NULL);
	for (i = 0; i < nr; i++) {
		free(gs[i]->pmm);
		free(gs[i]->trace);
		free(gs[i]->json_label);
		free(gs[i]);
		free(files[i]);
	}
	free(gs);
	free(files);
	free(tests);
	return ret;
}
