// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness: the scenario parser on any bytes, from memory
 * (scenario_parse(), the function scenario_load() reads a file into).
 *
 * Beyond the sanitizers, the harness checks the parser's promise to its
 * user: a refused input gets a message at a line and column of the input
 * (file:line:col), and an accepted one has a name, a thread and an
 * expectation, and knobs that apply. A broken promise aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_parser.h"
#include "protmm/knob.h"
#include "scenario/scenario.h"

static FILE *sink;

/* The line @pos names exists in @data (lines counted as the lexer does). */
static bool position_in_input(const uint8_t *data, size_t size, struct scn_pos pos)
{
	size_t i;
	int lines = 1;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	return pos.line >= 1 && pos.col >= 1 && pos.line <= lines;
}

int fuzz_parser_one(const uint8_t *data, size_t size)
{
	struct scenario *s;
	struct scn_error err;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (size > SCN_MAX_FILE)
		return 0;
	if (scenario_parse("fuzz.pmm", (const char *)data, size, &s, &err)) {
		if (!err.msg[0] || !position_in_input(data, size, err.pos)) {
			fprintf(stderr, "fuzz-parser: refused at %d:%d with '%s'\n",
				err.pos.line, err.pos.col, err.msg);
			return -1;
		}
		if (sink)
			scn_error_print(sink, "fuzz.pmm", &err);
		return 0;
	}
	if (!s->name[0] || !s->nr_threads ||
	    !(s->expect_ok || s->expect_oracle[0] || s->nr_finals) ||
	    scenario_apply_config(s, &err)) {
		fprintf(stderr, "fuzz-parser: accepted a scenario that cannot run\n");
		scenario_free(s);
		return -1;
	}
	pmm_knob_reset();
	scenario_free(s);
	return 0;
}

#ifdef FUZZ_PARSER_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_parser_one(data, size))
		abort();
	return 0;
}
#endif
