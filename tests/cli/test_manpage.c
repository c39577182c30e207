// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm(1) documents everything the parsers accept. Read from their own
 * tables: every long option of the command (cli_options[]), every word of
 * the scenario parser (declarations, statements, statement options,
 * explore options, condition functions, statuses: scn_word()), every
 * strategy, oracle and machine; and, from the parser's source, every word
 * it compares input with outside those tables (is_word(), accept_word(),
 * strcmp()). Each must appear in bold in the page ($MANPAGE), and each
 * statement's entry (a .TP whose tag begins with the statement in bold)
 * must name in bold every option the statement takes (scn_verb_options()).
 * Adding a word to a parser without documenting it fails here.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "cli/cli.h"
#include "protmm/explore.h"
#include "scenario/scenario.h"

static char *read_env_file(const char *var)
{
	const char *path = getenv(var);
	FILE *f;
	char *buf;
	long n;

	if (!path || !*path)
		fail_msg("%s is not set", var);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: cannot read %s", var, path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Growing text: the bold parts of a line, separated by spaces. */
struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, char c)
{
	if (t->len + 2 > t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	t->s[t->len++] = c;
	t->s[t->len] = '\0';
}

/*
 * One macro argument or text line in font @font ('B', 'I' or 'R'): its
 * bold characters go to @bold, a space after each bold run.
 */
static void scan_text(const char *s, size_t n, char font, struct text *bold)
{
	const char *end = s + n;
	char prev = font, c;

	while (s < end) {
		c = *s++;
		if (c == '\\' && s < end) {
			char e = *s++;

			if (e == 'f' && s < end) {
				char f = *s++, next = f == 'P' ? prev : f;

				prev = font;
				font = next;
				if (font != 'B')
					put(bold, ' ');
				continue;
			}
			if (e == '(' && end - s >= 2) {
				c = !strncmp(s, "dq", 2) ? '"' : ' ';
				s += 2;
			} else if (e == '-' || e == 'e' || e == '\\') {
				c = e == '-' ? '-' : '\\';
			} else if (e == '&') {
				continue;
			} else {
				c = ' ';
			}
		}
		if (font == 'B')
			put(bold, c);
	}
	put(bold, ' ');
}

/* The font of the @i-th argument of the macro @m. */
static char arg_font(const char *m, unsigned int i)
{
	if (!strcmp(m, "B"))
		return 'B';
	if (!strcmp(m, "BI") || !strcmp(m, "BR"))
		return i % 2 ? 'R' : 'B';
	if (!strcmp(m, "IB") || !strcmp(m, "RB"))
		return i % 2 ? 'B' : 'R';
	return 'R';
}

/* The bold text of one line of the page. */
static void bold_of_line(const char *line, size_t len, struct text *bold)
{
	const char *p = line, *end = line + len;
	char macro[8] = "";
	unsigned int i = 0, k = 0;

	if (len && *line != '.') {
		scan_text(line, len, 'R', bold);
		return;
	}
	for (p = line + 1; p < end && !isspace((unsigned char)*p) && k < 7; p++)
		macro[k++] = *p;
	while (p < end) {
		const char *a;

		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end)
			break;
		if (*p == '"') {
			a = ++p;
			while (p < end && *p != '"')
				p++;
			scan_text(a, (size_t)(p - a), arg_font(macro, i++), bold);
			p += p < end;
		} else {
			a = p;
			while (p < end && !isspace((unsigned char)*p))
				p++;
			scan_text(a, (size_t)(p - a), arg_font(macro, i++), bold);
		}
	}
}

/* Whether @word is a whole word of @bold (words: letters, digits, _ and -). */
static bool has_word(const char *bold, const char *word)
{
	size_t n = strlen(word);
	const char *p = bold;

	while ((p = strstr(p, word))) {
		bool start = p == bold || !(isalnum((unsigned char)p[-1]) ||
					    p[-1] == '_' || p[-1] == '-');
		bool stop = !(isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '-');

		if (start && stop)
			return true;
		p++;
	}
	return false;
}

/* The first word of @bold. */
static void first_word(const char *bold, char *out, size_t len)
{
	size_t n = 0;

	while (*bold && !(isalnum((unsigned char)*bold) || *bold == '_' || *bold == '-'))
		bold++;
	while (*bold && (isalnum((unsigned char)*bold) || *bold == '_' || *bold == '-') &&
	       n + 1 < len)
		out[n++] = *bold++;
	out[n] = '\0';
}

/* The bold text of lines [from, to) of @page. */
static char *bold_of(const char *from, const char *to)
{
	struct text t = { 0 };

	put(&t, ' ');
	while (from < to) {
		const char *nl = memchr(from, '\n', (size_t)(to - from));
		size_t len = nl ? (size_t)(nl - from) : (size_t)(to - from);

		if (strncmp(from, ".\\\"", 3))
			bold_of_line(from, len, &t);
		from += len + (nl != NULL);
	}
	return t.s;
}

static char *page, *page_bold;

static int setup(void **state)
{
	(void)state;
	page = read_env_file("MANPAGE");
	page_bold = bold_of(page, page + strlen(page));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(page);
	free(page_bold);
	return 0;
}

static unsigned int missing;

static void want_bold(const char *word, const char *what)
{
	if (has_word(page_bold, word))
		return;
	fprintf(stderr, "protmm(1) does not name %s '%s' (in bold)\n", what, word);
	missing++;
}

/* The extraction itself: what is bold, and only that. */
static void test_bold_extraction(void **state)
{
	static const char sample[] =
		".BI \"map \" \"A \" anon N \"\\fR[\\fPoff \" \"N\\fR] [\\fPslanted\"\n"
		"plain \\fBweight\\fP text, \\fIslant\\fR and \\fBstrong\\fR words\n"
		".BR \\-\\-all \", roman\"\n"
		".IR italic | also\n"
		".RB [ \\-\\-format ]\n"
		".\\\" .B commented\n";
	char *b = bold_of(sample, sample + strlen(sample));

	(void)state;
	assert_true(has_word(b, "map"));
	assert_true(has_word(b, "anon"));
	assert_true(has_word(b, "off"));
	assert_true(has_word(b, "weight"));
	assert_true(has_word(b, "strong"));
	assert_true(has_word(b, "--all"));
	assert_true(has_word(b, "--format"));
	assert_false(has_word(b, "A"));
	assert_false(has_word(b, "N"));
	assert_false(has_word(b, "plain"));
	assert_false(has_word(b, "slant"));
	/* \fP in an italic argument goes back to italic, not bold. */
	assert_false(has_word(b, "slanted"));
	assert_false(has_word(b, "roman"));
	assert_false(has_word(b, "italic"));
	assert_false(has_word(b, "also"));
	assert_false(has_word(b, "commented"));
	assert_false(has_word(b, "all"));	/* only as part of --all */
	free(b);
}

static void test_cli_options(void **state)
{
	const struct option *o;
	char word[64];

	(void)state;
	missing = 0;
	for (o = cli_options; o->name; o++) {
		snprintf(word, sizeof(word), "--%s", o->name);
		want_bold(word, "the option");
	}
	assert_int_equal(missing, 0);
}

static void test_parser_words(void **state)
{
	static const char *const kinds[] = {
		[SCN_WORD_DECL] = "the declaration",
		[SCN_WORD_VERB] = "the statement",
		[SCN_WORD_OPTION] = "the statement option",
		[SCN_WORD_EXPLORE] = "the explore option",
		[SCN_WORD_FUNCTION] = "the condition function",
		[SCN_WORD_STATUS] = "the status",
	};
	const char *w;
	unsigned int k, i, n = 0;

	(void)state;
	missing = 0;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (i = 0; (w = scn_word((enum scn_word_kind)k, i)); i++, n++)
			want_bold(w, kinds[k]);
		assert_true(i > 0);
	}
	for (i = 0; i <= PMM_STRATEGY_PCT; i++)
		if (i != PMM_STRATEGY_REPLAY)
			want_bold(pmm_strategy_name((enum pmm_strategy)i), "the strategy");
	for (i = 0; i < nr_oracles; i++)
		want_bold(oracles[i].name, "the oracle");
	for (i = 0; (w = arch_machine_name(i)); i++)
		want_bold(w, "the machine");
	assert_int_equal(missing, 0);
	/* The tables are the parser's: as many words as it has. */
	assert_true(n > 60);
}

/* Every word the parser's source compares input with, tables aside. */
static void test_parser_source_words(void **state)
{
	static const char *const calls[] = { "is_word(", "accept_word(", "strcmp(" };
	char *src = read_env_file("PARSER_SRC"), word[64];
	unsigned int i, found = 0;

	(void)state;
	missing = 0;
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const char *p = src;

		while ((p = strstr(p, calls[i]))) {
			const char *close = strchr(p, ')'), *q = strchr(p, '"'), *e;

			p += strlen(calls[i]);
			/* A literal among the call's arguments: a keyword. */
			if (!close || !q || q > close)
				continue;
			e = strchr(q + 1, '"');
			assert_non_null(e);
			if (e == q + 1 || (size_t)(e - q) >= sizeof(word))
				continue;
			snprintf(word, sizeof(word), "%.*s", (int)(e - q - 1), q + 1);
			want_bold(word, "the word of the parser");
			found++;
		}
	}
	free(src);
	assert_int_equal(missing, 0);
	/* "on", "cpu", "size", "mte", "none", "ok", "violation", "not", ... */
	assert_true(found >= 15);
}

/* The .TP entry whose tag begins with @verb in bold: its bold text. */
static char *entry_of(const char *verb)
{
	const char *p = page;

	while ((p = strstr(p, "\n.TP\n"))) {
		const char *tag = p + 5, *end = tag, *next;
		char *bold, first[64];

		next = strchr(tag, '\n');
		if (!next)
			break;
		bold = bold_of(tag, next);
		first_word(bold, first, sizeof(first));
		free(bold);
		p = next;
		if (strcmp(first, verb))
			continue;
		/* The entry runs to the next paragraph or heading. */
		for (end = next + 1; *end; end = strchr(end, '\n') + 1) {
			if (!strncmp(end, ".TP", 3) || !strncmp(end, ".SS", 3) ||
			    !strncmp(end, ".SH", 3) || !strncmp(end, ".PP", 3) ||
			    !strchr(end, '\n'))
				break;
		}
		return bold_of(tag, end);
	}
	return NULL;
}

static void test_statement_entries(void **state)
{
	const char *verb, *opt;
	unsigned int i, o, mask;
	char *entry;

	(void)state;
	missing = 0;
	for (i = 0; (verb = scn_word(SCN_WORD_VERB, i)); i++) {
		entry = entry_of(verb);
		if (!entry) {
			fprintf(stderr, "protmm(1) has no entry for the statement '%s'\n",
				verb);
			missing++;
			continue;
		}
		mask = scn_verb_options(verb);
		for (o = 0; (opt = scn_word(SCN_WORD_OPTION, o)); o++) {
			if (!(mask & (1u << o)) || has_word(entry, opt))
				continue;
			fprintf(stderr, "protmm(1)'s entry for '%s' does not name its "
				"option '%s'\n", verb, opt);
			missing++;
		}
		free(entry);
	}
	assert_int_equal(missing, 0);
	/* The options are the parser's: pin takes get, write, fast... */
	assert_true(scn_verb_options("pin") & (1u << 11));
	assert_string_equal(scn_word(SCN_WORD_OPTION, 11), "get");
	assert_int_equal(scn_verb_options("nosuch"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bold_extraction),
		cmocka_unit_test(test_cli_options),
		cmocka_unit_test(test_parser_words),
		cmocka_unit_test(test_parser_source_words),
		cmocka_unit_test(test_statement_entries),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
