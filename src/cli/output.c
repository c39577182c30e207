// SPDX-License-Identifier: LGPL-2.1-or-later
/* Output helpers: JSON strings, YAML lists, progress on a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void yaml_lines(FILE *f, const char *text, const char *indent)
{
	char *line;

	while (text && *text) {
		size_t len = strcspn(text, "\n");

		line = strndup(text, len);
		fprintf(f, "%s- ", indent);
		json_string(f, line ? line : "");
		fputc('\n', f);
		free(line);
		text += len + (text[len] == '\n');
	}
}

/* Erases the progress line, if one was shown. */
void progress_clear(void)
{
	fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* On a terminal, one line on stderr, overwritten: executions, rate, time. */
void progress(const struct pmm_explore_result *r, void *arg)
{
	fprintf(stderr, "\r%s: %llu executions, %.0f/s, %.1fs   ", (const char *)arg,
		(unsigned long long)r->executions,
		r->seconds > 0 ? (double)r->executions / r->seconds : 0.0, r->seconds);
	fflush(stderr);
}
