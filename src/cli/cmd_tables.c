// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm knobs, oracles, statements: the tool's own tables, as text for a
 * reader or as JSON for tools (doc/reference.md is generated from the JSON,
 * so the reference says what this binary accepts).
 */
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "cli/cli.h"
#include "scenario/domain.h"

/* Parses "[--format text|json]" and nothing else; 0 or an exit status. */
static int table_args(int argc, char **argv, const char *help,
		      enum format *format)
{
	struct cli_args a = { 0 };
	int ret;

	ret = parse_args(argc, argv, &a, help, OPT_BIT(OPT_FORMAT),
			 "it takes only --format");
	if (ret)
		return ret;
	if (a.nr_files) {
		fprintf(stderr, "protmm: %s: unexpected argument '%s'\n"
			"Try 'protmm --help'.\n", argv[0], a.files[0]);
		return EXIT_USAGE;
	}
	if (a.format == FORMAT_TAP) {
		usage_error("%s: --format tap: not supported (text or json)", argv[0]);
		return EXIT_USAGE;
	}
	*format = a.format;
	return 0;
}

/* A JSON array of the strings of @v, NULL-terminated. */
static void json_strings(const char *const *v)
{
	unsigned int i;

	putchar('[');
	for (i = 0; v[i]; i++) {
		if (i)
			fputs(", ", stdout);
		json_string(stdout, v[i]);
	}
	putchar(']');
}

static const char knobs_help[] =
	"usage: protmm knobs\n"
	"       protmm knobs --format text|json\n"
	"\n"
	"Lists every knob, its values (the first is the default: today's kernel)\n"
	"and what it selects.\n";

int cmd_knobs(int argc, char **argv)
{
	struct pmm_knob_info k;
	enum format format = FORMAT_TEXT;
	unsigned int i, v;
	int ret = table_args(argc, argv, knobs_help, &format);

	if (ret)
		return ret;
	if (format == FORMAT_JSON)
		fputs("{\"knobs\": [", stdout);
	for (i = 0; !pmm_knob_get(i, &k); i++) {
		if (format == FORMAT_JSON) {
			fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", stdout);
			json_string(stdout, k.name);
			fputs(", \"default\": ", stdout);
			json_string(stdout, k.values[0]);
			fputs(", \"values\": ", stdout);
			json_strings(k.values);
			fputs(", \"description\": ", stdout);
			json_string(stdout, k.description);
			putchar('}');
			continue;
		}
		printf("%s =", k.name);
		for (v = 0; k.values[v]; v++)
			printf(" %s%s", k.values[v], v ? "" : " (default)");
		printf("\n    %s\n", k.description);
	}
	if (format == FORMAT_JSON)
		fputs("\n]}\n", stdout);
	return 0;
}

static const char oracles_help[] =
	"usage: protmm oracles\n"
	"       protmm oracles --format text|json\n"
	"\n"
	"Lists the oracles: what 'expect violation NAME' may name.\n";

int cmd_oracles(int argc, char **argv)
{
	enum format format = FORMAT_TEXT;
	unsigned int i;
	int ret = table_args(argc, argv, oracles_help, &format);

	if (ret)
		return ret;
	if (format == FORMAT_TEXT) {
		for (i = 0; i < nr_oracles; i++)
			printf("%-20s %s\n", oracles[i].name, oracles[i].description);
		return 0;
	}
	fputs("{\"oracles\": [", stdout);
	for (i = 0; i < nr_oracles; i++) {
		fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", stdout);
		json_string(stdout, oracles[i].name);
		fputs(", \"description\": ", stdout);
		json_string(stdout, oracles[i].description);
		putchar('}');
	}
	fputs("\n]}\n", stdout);
	return 0;
}

/* The words of one of the parser's tables, NULL-terminated, in @out. */
static void words_of(enum scn_word_kind kind, const char **out, unsigned int max)
{
	unsigned int i;

	for (i = 0; i + 1 < max && (out[i] = scn_word(kind, i)); i++)
		;
	out[i] = NULL;
}

/* The option words of @mask (bit i: the i-th SCN_WORD_OPTION). */
static void option_words(unsigned int mask, const char **out, unsigned int max)
{
	unsigned int i, n = 0;
	const char *w;

	for (i = 0; n + 1 < max && (w = scn_word(SCN_WORD_OPTION, i)); i++)
		if (mask & (1u << i))
			out[n++] = w;
	out[n] = NULL;
}

static const struct {
	unsigned int flag;
	const char *name;
} verb_flags[] = {
	{ SCN_VERB_DECL, "declares" },
	{ SCN_VERB_NO_MM, "no-mm" },
	{ SCN_VERB_AS_PIN, "as-pin" },
	{ SCN_VERB_EXPECT_TAG, "expect-tag" },
};

static void verb_flag_words(unsigned int flags, const char **out)
{
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(verb_flags) / sizeof(verb_flags[0]); i++)
		if (flags & verb_flags[i].flag)
			out[n++] = verb_flags[i].name;
	out[n] = NULL;
}

#define MAX_WORDS 64

static void statements_json(void)
{
	static const struct {
		const char *key;
		enum scn_word_kind kind;
	} tables[] = {
		{ "declarations", SCN_WORD_DECL },
		{ "options", SCN_WORD_OPTION },
		{ "explore_options", SCN_WORD_EXPLORE },
		{ "functions", SCN_WORD_FUNCTION },
		{ "statuses", SCN_WORD_STATUS },
	};
	const char *w[MAX_WORDS];
	const struct scn_domain *const *d;
	unsigned int i, k;

	putchar('{');
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		printf("%s\"%s\": ", i ? ",\n " : "\n ", tables[i].key);
		words_of(tables[i].kind, w, MAX_WORDS);
		json_strings(w);
	}
	for (i = 0; i + 1 < MAX_WORDS && (w[i] = arch_machine_name(i)); i++)
		;
	w[i] = NULL;
	fputs(",\n \"machines\": ", stdout);
	json_strings(w);
	/* Replay follows a schedule string: --schedule, not a strategy to pick. */
	for (i = 0, k = 0; i <= PMM_STRATEGY_DPOR; i++)
		if (i != PMM_STRATEGY_REPLAY)
			w[k++] = pmm_strategy_name((enum pmm_strategy)i);
	w[k] = NULL;
	fputs(",\n \"strategies\": ", stdout);
	json_strings(w);
	fputs(",\n \"domains\": [", stdout);
	for (d = scn_domains; *d; d++) {
		fputs(d == scn_domains ? "\n  {\"name\": " : ",\n  {\"name\": ", stdout);
		json_string(stdout, (*d)->name);
		fputs(", \"verbs\": [", stdout);
		for (i = 0; i < (*d)->nr_verbs; i++) {
			const struct scn_verb *v = &(*d)->verbs[i];

			fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", stdout);
			json_string(stdout, v->name);
			fputs(", \"options\": ", stdout);
			option_words(v->options, w, MAX_WORDS);
			json_strings(w);
			fputs(", \"flags\": ", stdout);
			verb_flag_words(v->flags, w);
			json_strings(w);
			putchar('}');
		}
		fputs("]}", stdout);
	}
	fputs("\n]}\n", stdout);
}

static void statements_text(void)
{
	const char *w[MAX_WORDS];
	const struct scn_domain *const *d;
	unsigned int i, k;

	for (d = scn_domains; *d; d++) {
		printf("%s:\n", (*d)->name);
		for (i = 0; i < (*d)->nr_verbs; i++) {
			const struct scn_verb *v = &(*d)->verbs[i];

			const char *f[MAX_WORDS];

			option_words(v->options, w, MAX_WORDS);
			verb_flag_words(v->flags, f);
			printf(w[0] || f[0] ? "  %-20s" : "  %s", v->name);
			for (k = 0; w[k]; k++)
				printf(" %s", w[k]);
			for (k = 0; f[k]; k++)
				printf("%s%s", k ? ", " : "  (", f[k]);
			fputs(k ? ")\n" : "\n", stdout);
		}
	}
}

static const char statements_help[] =
	"usage: protmm statements\n"
	"       protmm statements --format text|json\n"
	"\n"
	"Lists the statements of the scenario language, by domain, with the\n"
	"options each takes; as JSON, also the declarations, statement options,\n"
	"explore options, condition functions, statuses, machines and\n"
	"strategies the parser accepts. protmm(1) describes each.\n";

int cmd_statements(int argc, char **argv)
{
	enum format format = FORMAT_TEXT;
	int ret = table_args(argc, argv, statements_help, &format);

	if (ret)
		return ret;
	if (format == FORMAT_JSON)
		statements_json();
	else
		statements_text();
	return 0;
}
