// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The catalogue of malformed scenarios: every malformed/NNN-name.pmm must
 * make `protmm check` exit 2 with nothing on stdout and, on stderr,
 *
 *	FILE:LINE:COL: error: MESSAGE	(NNN-name.err, with FILE for the path)
 *	    the source line		(4 spaces; as the CLI shows it, see
 *					 show_line())
 *	    ^				(under COL, tabs kept)
 *
 * and nothing else. Also: `protmm run` on a few of them, `protmm check` of
 * the whole directory, limits generated at run time (a file over 1 MiB,
 * a block of 1025 statements, and every limit exactly reached, which must
 * pass), and a light deterministic fuzz of the valid scenarios in
 * ../valid/ (every 7th truncation, byte flips with a fixed seed): check
 * must exit 0 or 2, never die. And `protmm run` of the well-formed
 * scenarios in ../run/ (statements the parser once got wrong) must be as
 * expected (exit 0).
 *
 * Environment: PROTMM (the command), MALFORMED (the malformed/ folder; its
 * siblings valid/ and run/ are found from it).
 *
 * Other modes, each one an expected failure in meson.build until the
 * parser is fixed (then move the case to malformed/ and drop the meson
 * entry):
 *	test-scenario-malformed case FILE.pmm	one catalogue case
 *	test-scenario-malformed deep-nesting	deeply nested conditions
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../common/run_protmm.h"

/* The CLI shows at most this many bytes of the offending line. */
#define SHOWN_LINE_MAX 1023
/* scenario.h: SCN_MAX_FILE, SCN_MAX_STMTS and the other limits. */
#define MAX_FILE (1u << 20)
#define MAX_STMTS 1024

static const char *malformed_dir(void)
{
	const char *d = getenv("MALFORMED");

	if (!d || !*d) {
		fprintf(stderr, "MALFORMED is not set to the malformed/ folder\n");
		exit(1);
	}
	return d;
}

/* A sibling of malformed/: valid/, run/. */
static char *sibling(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/../%s", malformed_dir(), name) < 0)
		abort();
	return p;
}

static char tmp_dir[] = "/tmp/protmm-malformed-XXXXXX";

static char *tmp_path(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", tmp_dir, name) < 0)
		abort();
	return p;
}

/* Line @n (1-based) of @src, as [*start, *start + *len); empty past the end. */
static void source_line(const char *src, size_t src_len, int n, const char **start,
			size_t *len)
{
	const char *p = src, *end = src + src_len, *eol;

	while (p < end && n > 1)
		if (*p++ == '\n')
			n--;
	for (eol = p; eol < end && *eol != '\n'; eol++)
		;
	*start = p;
	*len = (size_t)(eol - p);
}

/* How the CLI shows a line: up to a NUL, at most SHOWN_LINE_MAX bytes. */
static size_t show_line(const char *line, size_t len)
{
	const char *nul = memchr(line, '\0', len);

	if (nul)
		len = (size_t)(nul - line);
	return len < SHOWN_LINE_MAX ? len : SHOWN_LINE_MAX;
}

/* Splits @s at newlines in place: @lines[] (at most @max), returns the count. */
static unsigned int split_lines(char *s, size_t len, char **lines, unsigned int max)
{
	unsigned int n = 0;
	char *p = s, *end = s + len;

	while (p < end && n < max) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		lines[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return n;
}

/* "FILE..." with FILE replaced by @path; the .err's first line. */
static char *expected_first_line(const char *pmm, const char *path)
{
	char *err_path = strdup(pmm), *text, *line;
	size_t len;

	assert_non_null(err_path);
	assert_true(strlen(err_path) > 4);
	strcpy(err_path + strlen(err_path) - 4, ".err");
	text = slurp(err_path, &len);
	if (!text)
		fail_msg("%s: cannot read the expected error", err_path);
	text[strcspn(text, "\n")] = '\0';
	if (strncmp(text, "FILE", 4))
		fail_msg("%s: must start with FILE", err_path);
	if (asprintf(&line, "%s%s", path, text + 4) < 0)
		abort();
	free(text);
	free(err_path);
	return line;
}

/*
 * The diagnostic on @err for @path: first line @want, then the source line
 * and a caret under the column @want names. Returns nothing; fails the test.
 */
static void assert_diagnostic(const char *path, const char *src, size_t src_len,
			      char *err, size_t err_len, const char *want)
{
	char *lines[8], *caret;
	unsigned int n = split_lines(err, err_len, lines, 8), i;
	const char *at = want + strlen(path), *line;
	size_t line_len, shown;
	int ln = 0, col = 0;

	if (n == 0 || strcmp(lines[0], want))
		fail_msg("%s: first line of stderr\n   got: %s\n  want: %s", path,
			 n ? lines[0] : "(nothing)", want);
	if (sscanf(at, ":%d:%d: error: ", &ln, &col) != 2) {
		/* No position (the file as a whole): the one line only. */
		if (n != 1)
			fail_msg("%s: %u lines on stderr, want 1", path, n);
		return;
	}
	if (n != 3)
		fail_msg("%s: %u lines on stderr, want 3 (message, line, caret)", path, n);
	source_line(src, src_len, ln, &line, &line_len);
	shown = show_line(line, line_len);
	if (strncmp(lines[1], "    ", 4) || strlen(lines[1]) != shown + 4 ||
	    memcmp(lines[1] + 4, line, shown))
		fail_msg("%s: second line of stderr is not line %d of the file\n"
			 "   got: %s\n  want:     %.*s", path, ln, lines[1], (int)shown, line);
	caret = malloc((size_t)col + 8);
	assert_non_null(caret);
	strcpy(caret, "    ");
	for (i = 0; i + 1 < (unsigned int)col; i++)
		caret[4 + i] = i < line_len && line[i] == '\t' ? '\t' : ' ';
	strcpy(caret + 4 + col - 1, "^");
	if (strcmp(lines[2], caret))
		fail_msg("%s: the caret is not under column %d\n   got: %s\n  want: %s",
			 path, col, lines[2], caret);
	free(caret);
}

static void assert_not_crashed(const struct run *r, const char *what)
{
	char how[96];

	if (run_crashed(r))
		fail_msg("%s: protmm %s\n%s", what, run_describe(r, how, sizeof(how)),
			 r->err);
}

/* protmm check @pmm against @pmm's .err. */
static void check_case(const char *pmm)
{
	const char *args[] = { "check", pmm, NULL };
	char *want = expected_first_line(pmm, pmm), *src, how[96];
	struct run r;
	size_t src_len;

	src = slurp(pmm, &src_len);
	assert_non_null(src);
	assert_true(run_protmm(&r, args));
	assert_not_crashed(&r, pmm);
	if (r.exit_code != 2)
		fail_msg("%s: protmm check: %s, want exit 2\nstdout: %s\nstderr: %s", pmm,
			 run_describe(&r, how, sizeof(how)), r.out, r.err);
	if (r.out_len)
		fail_msg("%s: protmm check wrote to stdout: %s", pmm, r.out);
	assert_diagnostic(pmm, src, src_len, r.err, r.err_len, want);
	run_release(&r);
	free(src);
	free(want);
}

static void test_case(void **state)
{
	check_case(*state);
}

/* protmm run on a malformed file: exit 2, the same first line of stderr. */
static void test_run_malformed(void **state)
{
	static const char *const names[] = {
		"001-unclosed-string", "050-unknown-operation", "131-no-thread",
		"037-explore-sampling-without-budget",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *pmm, *want, *first;
		const char *args[] = { "run", NULL, NULL };
		struct run r;
		char how[96];

		if (asprintf(&pmm, "%s/%s.pmm", malformed_dir(), names[i]) < 0)
			abort();
		args[1] = pmm;
		want = expected_first_line(pmm, pmm);
		assert_true(run_protmm(&r, args));
		assert_not_crashed(&r, pmm);
		if (r.exit_code != 2)
			fail_msg("%s: protmm run: %s, want exit 2", pmm,
				 run_describe(&r, how, sizeof(how)));
		first = r.err;
		first[strcspn(first, "\n")] = '\0';
		if (strcmp(first, want))
			fail_msg("%s: protmm run: first line of stderr\n   got: %s\n  want: %s",
				 pmm, first, want);
		run_release(&r);
		free(want);
		free(pmm);
	}
}

/* protmm check DIR: exit 2, one error line per file, nothing on stdout. */
static void test_check_directory(void **state)
{
	const char *args[] = { "check", malformed_dir(), NULL };
	unsigned int nr, errors = 0, i;
	char **files = list_pmm(malformed_dir(), &nr), *p;
	struct run r;

	(void)state;
	assert_true(nr > 0);
	assert_true(run_protmm(&r, args));
	assert_not_crashed(&r, "check DIR");
	assert_int_equal(r.exit_code, 2);
	assert_int_equal(r.out_len, 0);
	for (p = r.err; (p = strstr(p, ": error: ")); p++)
		errors++;
	assert_int_equal(errors, nr);
	for (i = 0; i < nr; i++)
		free(files[i]);
	free(files);
	run_release(&r);
}

/* Checks generated @text (as @name): exit @code and, if given, the diagnostic
 * whose first line is the path then @want_first. */
static void check_generated(const char *name, const char *text, size_t len,
			    int code, const char *want_first)
{
	char *path = tmp_path(name), *want = NULL, how[96];
	const char *args[] = { "check", path, NULL };
	struct run r;

	assert_true(write_file(path, text, len));
	assert_true(run_protmm(&r, args));
	assert_not_crashed(&r, path);
	if (r.exit_code != code)
		fail_msg("%s: protmm check: %s, want exit %d\n%s", name,
			 run_describe(&r, how, sizeof(how)), code, r.err);
	if (want_first) {
		if (asprintf(&want, "%s%s", path, want_first) < 0)
			abort();
		assert_diagnostic(path, text, len, r.err, r.err_len, want);
	}
	run_release(&r);
	unlink(path);
	free(path);
	free(want);
}

/* A growing text buffer. */
struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static void add_bytes(struct text *t, int c, size_t n)
{
	while (n--)
		add(t, "%c", c);
}

static const char base_init[] =
	"init {\n"
	"    process P\n"
	"    on P: map a anon len 8K prot rw private\n"
	"}\n";

/* Over 1 MiB: refused whole, without a position; exactly 1 MiB is fine. */
static void test_file_size_limit(void **state)
{
	struct text t = { 0 };
	char *want;

	(void)state;
	add(&t, "scenario big\n%sthread T0 on P cpu 0 { exit }\nexpect ok\n", base_init);
	while (t.len + 64 < MAX_FILE)
		add(&t, "# padding padding padding padding padding padding padding\n");
	add(&t, "#");
	add_bytes(&t, 'x', MAX_FILE - t.len - 1);
	add(&t, "\n");
	assert_int_equal(t.len, MAX_FILE);
	check_generated("exactly-1MiB.pmm", t.s, t.len, 0, NULL);
	t.s[t.len - 1] = 'x';
	add(&t, "\n");
	if (asprintf(&want, ": error: larger than 1 MiB: not a scenario") < 0)
		abort();
	check_generated("over-1MiB.pmm", t.s, t.len, 2, want);
	free(want);
	free(t.s);
}

/* A block of 1024 statements is fine, 1025 is one too many. */
static void test_statement_limit(void **state)
{
	struct text t = { 0 };
	char want[96];
	unsigned int i;

	(void)state;
	add(&t, "scenario long\n%sthread T0 on P cpu 0 {\n", base_init);
	for (i = 0; i < MAX_STMTS; i++)
		add(&t, "    write a \"%u\"\n", i);
	add(&t, "}\nexpect ok\n");
	check_generated("1024-statements.pmm", t.s, t.len, 0, NULL);
	t.len -= strlen("}\nexpect ok\n");
	add(&t, "    exit\n}\nexpect ok\n");
	/* Lines: scenario, 4 of init, thread, 1024 statements, then it. */
	snprintf(want, sizeof(want), ":%u:5: error: more than %u statements in a block",
		 1 + 4 + 1 + MAX_STMTS + 1, MAX_STMTS);
	check_generated("1025-statements.pmm", t.s, t.len, 2, want);
	free(t.s);
}

/* Every other limit reached exactly: the file is accepted. */
static void test_limits_reached(void **state)
{
	struct text t = { 0 };
	unsigned int i;

	(void)state;
	add(&t, "scenario ");
	add_bytes(&t, 'n', 47);				/* SCN_MAX_NAME - 1 */
	add(&t, "\n\"\"\"");
	add_bytes(&t, 'd', 4096);			/* SCN_MAX_STRING */
	add(&t, "\"\"\"\ncpus 64\nmemory 256M\ndisk 256M\n");
	/* Every knob once (SCN_MAX_CONFIG is more than there are knobs). */
	add(&t, "config gup.fast_recheck = off\nconfig fork.pinned_cow = share\n"
	    "config mm.zap_flush = after_free\n");
	add(&t, "explore pct depth 16 executions 1 seconds 86400 seed 0 bound 10000000\n");
	add(&t, "init {\n    process P\n    file f size 256M\n");
	for (i = 0; i < 64; i++)			/* SCN_MAX_SYMBOLS */
		add(&t, "    pipe q%u\n", i);
	add(&t, "    on P: map a anon len 64M prot rwx private\n");	/* SCN_MAX_MAP */
	add(&t, "    on P: write a \"");
	add_bytes(&t, 's', 4096);
	add(&t, "\"\n    on P: pin a pages 64 as p\n    on P: unpin p\n}\n");
	for (i = 0; i < 16; i++)			/* SCN_MAX_THREADS */
		add(&t, "thread T%u on P cpu %u { read a+%u len 1 as r%u }\n", i, 63 - i,
		    i, i);
	for (i = 0; i < 16; i++)			/* SCN_MAX_CONDS */
		add(&t, "exists r%u == ok\n", i);
	check_generated("limits-reached.pmm", t.s, t.len, 0, NULL);
	free(t.s);
}

/* The limits of the tags, swap and KVM forms, reached exactly: accepted. */
static void test_mte_limits_reached(void **state)
{
	struct text t = { 0 };
	unsigned int i;

	(void)state;
	add(&t, "scenario mte-limits\nmachine arm64-mte\nmemory 256M\n");
	add(&t, "swap 256M\n");				/* SCN_MAX_SWAP */
	add(&t, "init {\n    process P\n");
	add(&t, "    on P: map a anon len 64M prot rw,mte private\n");
	add(&t, "    on P: map g anon len 64M prot rw private\n");
	for (i = 0; i < 8; i++)				/* SCN_MAX_VMS */
		add(&t, "    vm V%u on P mte\n", i);
	add(&t, "    memslot V0 gpa 0x0 at g len 64M\n");	/* SCN_MAX_MAP */
	add(&t, "    on P: store_tags a 0xf len 64K\n");	/* SCN_MAX_TAG_LEN */
	add(&t, "    on P: reclaim a len 64M\n}\n");
	add(&t, "thread T0 on P cpu 0 {\n    load_tags a+0xfff0 len 16 expect 0xf\n");
	add(&t, "    copy_tags V0 0x0 len 64K set 0x0\n");
	add(&t, "    guest_load_tags V0 0x0 len 64K expect 0x0\n");
	add(&t, "    guest_read V0 0x0 tag 15 len 4096\n}\n");
	add(&t, "exists tags(P:a) == 15\n");
	check_generated("mte-limits-reached.pmm", t.s, t.len, 0, NULL);
	free(t.s);
}

/* One mutation of a valid file: check exits 0 or 2, with a diagnostic. */
static void fuzz_one(const char *label, const char *text, size_t len)
{
	char *path = tmp_path("fuzz.pmm"), how[96];
	const char *args[] = { "check", path, NULL };
	struct run r;

	assert_true(write_file(path, text, len));
	assert_true(run_protmm(&r, args));
	if (run_crashed(&r) || (r.exit_code != 0 && r.exit_code != 2)) {
		char keep[128];

		/* Keep the input that broke it for the report. */
		snprintf(keep, sizeof(keep), "%s/crash-%s.pmm", tmp_dir, label);
		write_file(keep, text, len);
		fail_msg("%s: protmm check %s on a mutated file (kept as %s)\n%s",
			 label, run_describe(&r, how, sizeof(how)), keep, r.err);
	}
	if (r.exit_code == 2) {
		if (strncmp(r.err, path, strlen(path)) || !strstr(r.err, ": error: "))
			fail_msg("%s: exit 2 without a diagnostic: %s", label, r.err);
		if (r.out_len)
			fail_msg("%s: exit 2 with output: %s", label, r.out);
	} else if (!strstr(r.out, ": ok (")) {
		fail_msg("%s: exit 0 without 'ok': %s", label, r.out);
	}
	run_release(&r);
	free(path);
}

/*
 * Mutations checked by one `protmm check` of many files: one process for
 * FUZZ_BATCH inputs keeps a sanitizer build of the fuzz within its time
 * (a spawn each cost minutes there), and a batch that crashes is checked
 * file by file again to keep the input that broke it.
 */
#define FUZZ_BATCH 28

struct fuzz_batch {
	char *path[FUZZ_BATCH];
	char label[FUZZ_BATCH][96];
	unsigned int n;
};

/* Whether @path's line in @r says ok, or error, exactly one of them. */
static void fuzz_verdict(const struct run *r, const char *path, const char *label)
{
	char ok[256], err[256];
	const char *e;
	bool is_ok, is_err = false;

	snprintf(ok, sizeof(ok), "%s: ok (", path);
	snprintf(err, sizeof(err), "%s:", path);
	is_ok = strstr(r->out, ok) != NULL;
	for (e = strstr(r->err, err); e && !is_err; e = strstr(e + 1, err)) {
		const char *eol = strchr(e, '\n');
		const char *what = strstr(e, ": error: ");

		is_err = what && (!eol || what < eol);
	}
	if (is_ok == is_err)
		fail_msg("%s: wanted ok or one diagnostic, got %s\n%s%s", label,
			 is_ok ? "both" : "neither", r->out, r->err);
}

static void fuzz_flush(struct fuzz_batch *b)
{
	const char *args[FUZZ_BATCH + 2] = { "check" };
	struct run r;
	unsigned int i;

	if (!b->n)
		return;
	for (i = 0; i < b->n; i++)
		args[i + 1] = b->path[i];
	args[b->n + 1] = NULL;
	assert_true(run_protmm(&r, args));
	if (run_crashed(&r) || (r.exit_code != 0 && r.exit_code != 2)) {
		for (i = 0; i < b->n; i++) {
			size_t len;
			char *text = slurp(b->path[i], &len);

			assert_non_null(text);
			fuzz_one(b->label[i], text, len);
			free(text);
		}
		fail_msg("a batch failed but no file alone did\n%s", r.err);
	}
	for (i = 0; i < b->n; i++) {
		fuzz_verdict(&r, b->path[i], b->label[i]);
		free(b->path[i]);
	}
	run_release(&r);
	b->n = 0;
}

static void fuzz_add(struct fuzz_batch *b, const char *label, const char *text,
		     size_t len)
{
	char name[32];

	snprintf(name, sizeof(name), "fz-%u.pmm", b->n);
	b->path[b->n] = tmp_path(name);
	snprintf(b->label[b->n], sizeof(b->label[0]), "%s", label);
	assert_true(write_file(b->path[b->n], text, len));
	if (++b->n == FUZZ_BATCH)
		fuzz_flush(b);
}

/* Deterministic: xorshift64 from a fixed seed. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define FUZZ_STRIDE 7
#define FUZZ_FLIPS 24
#define FUZZ_SEED 0x5eed5eedull

static void test_fuzz(void **state)
{
	const char *pmm = *state;
	const char *args[] = { "check", pmm, NULL };
	const char *base = strrchr(pmm, '/') + 1;
	uint64_t seed = FUZZ_SEED;
	char label[96], *text, *copy;
	struct fuzz_batch b = { .n = 0 };
	struct run r;
	size_t len, off;
	unsigned int i;

	/* The seed itself is well formed. */
	assert_true(run_protmm(&r, args));
	assert_not_crashed(&r, pmm);
	if (r.exit_code != 0)
		fail_msg("%s: the valid seed does not check: %s", pmm, r.err);
	run_release(&r);
	text = slurp(pmm, &len);
	assert_non_null(text);
	for (off = 0; off < len; off += FUZZ_STRIDE) {
		snprintf(label, sizeof(label), "%.*s-cut%zu", (int)(strlen(base) - 4),
			 base, off);
		fuzz_add(&b, label, text, off);
	}
	copy = malloc(len);
	assert_non_null(copy);
	for (i = 0; i < FUZZ_FLIPS; i++) {
		size_t at = (size_t)(next_random(&seed) % len);
		unsigned char x = (unsigned char)(1 + next_random(&seed) % 255);

		memcpy(copy, text, len);
		copy[at] = (char)((unsigned char)copy[at] ^ x);
		snprintf(label, sizeof(label), "%.*s-flip%zu-%02x",
			 (int)(strlen(base) - 4), base, at, x);
		fuzz_add(&b, label, copy, len);
	}
	fuzz_flush(&b);
	free(copy);
	free(text);
}

/* A well-formed scenario of run/: `protmm run` finds it as expected. */
static void test_run_valid(void **state)
{
	const char *pmm = *state;
	const char *args[] = { "run", pmm, NULL };
	struct run r;
	char how[96];

	assert_true(run_protmm(&r, args));
	assert_not_crashed(&r, pmm);
	if (r.exit_code != 0)
		fail_msg("%s: protmm run: %s, want exit 0\n%s%s", pmm,
			 run_describe(&r, how, sizeof(how)), r.out, r.err);
	run_release(&r);
}

/* Expected failures: see meson.build. */

/* Conditions nested deeper than the stack: must be an error, not a crash. */
static void test_deep_nesting(void **state)
{
	static const char *const shapes[] = { "parentheses", "not" };
	unsigned int s, i;

	(void)state;
	for (s = 0; s < 2; s++) {
		struct text t = { 0 };
		char name[64];

		add(&t, "scenario deep\n%sthread T0 on P cpu 0 { read a len 1 as r }\n"
		    "exists ", base_init);
		for (i = 0; i < 200000; i++)
			add(&t, s ? "not " : "(");
		add(&t, "r == ok");
		for (i = 0; !s && i < 200000; i++)
			add(&t, ")");
		add(&t, "\n");
		snprintf(name, sizeof(name), "deep-%s.pmm", shapes[s]);
		check_generated(name, t.s, t.len, 2, NULL);
		free(t.s);
	}
}


static int make_tmp(void **state)
{
	(void)state;
	return mkdtemp(tmp_dir) ? 0 : -1;
}

/* Removes the scratch files but crash-*.pmm, the inputs that crashed protmm. */
static int remove_tmp(void **state)
{
	DIR *d = opendir(tmp_dir);
	struct dirent *de;

	(void)state;
	while (d && (de = readdir(d))) {
		char *p;

		if (de->d_name[0] == '.' || !strncmp(de->d_name, "crash-", 6))
			continue;
		p = tmp_path(de->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(tmp_dir);
	return 0;
}

static int run_one(const char *name, CMUnitTestFunction fn, void *arg)
{
	const struct CMUnitTest t[] = {
		{ .name = name, .test_func = fn, .initial_state = arg },
	};

	return _cmocka_run_group_tests(name, t, 1, make_tmp, remove_tmp);
}

int main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	char **cases, **valid, **runs, *valid_dir, *run_dir;
	unsigned int nr_cases, nr_valid, nr_runs, n = 0, i;
	int ret;

	if (argc == 3 && !strcmp(argv[1], "case"))
		return run_one(argv[2], test_case, argv[2]);
	if (argc == 2 && !strcmp(argv[1], "deep-nesting"))
		return run_one("deep-nesting", test_deep_nesting, NULL);
	if (argc != 1) {
		fprintf(stderr, "usage: %s [case FILE | deep-nesting]\n",
			argv[0]);
		return 2;
	}
	cases = list_pmm(malformed_dir(), &nr_cases);
	valid_dir = sibling("valid");
	valid = list_pmm(valid_dir, &nr_valid);
	run_dir = sibling("run");
	runs = list_pmm(run_dir, &nr_runs);
	if (!nr_cases || !nr_valid || !nr_runs) {
		fprintf(stderr, "no .pmm files in %s, %s or %s\n", malformed_dir(),
			valid_dir, run_dir);
		return 1;
	}
	tests = calloc(nr_cases + nr_valid + nr_runs + 6, sizeof(*tests));
	if (!tests)
		return 1;
	for (i = 0; i < nr_cases; i++)
		tests[n++] = (struct CMUnitTest){ .name = strrchr(cases[i], '/') + 1,
						  .test_func = test_case,
						  .initial_state = cases[i] };
	tests[n++] = (struct CMUnitTest){ .name = "run-malformed",
					  .test_func = test_run_malformed };
	tests[n++] = (struct CMUnitTest){ .name = "check-directory",
					  .test_func = test_check_directory };
	tests[n++] = (struct CMUnitTest){ .name = "file-size-limit",
					  .test_func = test_file_size_limit };
	tests[n++] = (struct CMUnitTest){ .name = "statement-limit",
					  .test_func = test_statement_limit };
	tests[n++] = (struct CMUnitTest){ .name = "limits-reached",
					  .test_func = test_limits_reached };
	tests[n++] = (struct CMUnitTest){ .name = "mte-limits-reached",
					  .test_func = test_mte_limits_reached };
	for (i = 0; i < nr_valid; i++)
		tests[n++] = (struct CMUnitTest){ .name = strrchr(valid[i], '/') + 1,
						  .test_func = test_fuzz,
						  .initial_state = valid[i] };
	for (i = 0; i < nr_runs; i++)
		tests[n++] = (struct CMUnitTest){ .name = strrchr(runs[i], '/') + 1,
						  .test_func = test_run_valid,
						  .initial_state = runs[i] };
	ret = _cmocka_run_group_tests("scenario-malformed", tests, n, make_tmp,
				      remove_tmp);
	for (i = 0; i < nr_cases; i++)
		free(cases[i]);
	for (i = 0; i < nr_valid; i++)
		free(valid[i]);
	for (i = 0; i < nr_runs; i++)
		free(runs[i]);
	free(cases);
	free(valid);
	free(runs);
	free(valid_dir);
	free(run_dir);
	free(tests);
	return ret;
}
