// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-campaign: the figures of issue 9, `name=value` lines.
 *
 *   random_scenarios_per_min   random legal scenarios (protmm-campaign's
 *                              generator) generated, parsed and explored
 *                              per minute, each in a child process, each
 *                              with its explore line's budget (300
 *                              executions), one job
 *   random_executions_per_s    ... the executions they ran, per second
 *   random_false_alarms        scenarios of the range on which an oracle
 *                              fired (or that crashed or hung) under
 *                              today's-kernel knobs: each is a false alarm
 *                              of the model or a kernel bug to document,
 *                              and the target is 0
 *   fuzz_parser_exec_per_s     inputs per second through the parser
 *                              harness (fuzz/fuzz_parser.c): its corpus and
 *                              byte-flipped variants of it
 *   fuzz_ops_<machine>_exec_per_s  the same for the operations harness on
 *                              each machine (fuzz/fuzz_ops.c): generic,
 *                              arm64_mte
 *
 * The harness figures are this build's (libFuzzer's exec/s under its
 * ASan and UBSan build are lower; .ci/run prints those).
 *
 * Usage: protmm-bench-campaign [SEED [COUNT [FUZZ_SECONDS]]]: scenarios
 * 0..COUNT-1 of campaign SEED (default 1 and 200), each harness for
 * FUZZ_SECONDS (default 3).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "fuzz_ops.h"
#include "fuzz_parser.h"
#include "gen.h"
#include "run.h"

#define MAX_INPUTS 512
#define CORPUS_INPUT_MAX (16u << 10)

struct corpus {
	uint8_t *data[MAX_INPUTS];
	size_t len[MAX_INPUTS];
	unsigned int nr;
};

static void load_corpus(const char *dir, struct corpus *c)
{
	char path[1024];
	struct dirent *de;
	DIR *d = opendir(dir);

	memset(c, 0, sizeof(*c));
	if (!d)
		return;
	while ((de = readdir(d)) && c->nr < MAX_INPUTS) {
		FILE *f;
		uint8_t *buf;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		buf = malloc(CORPUS_INPUT_MAX);
		if (!f || !buf) {
			free(buf);
			if (f)
				fclose(f);
			continue;
		}
		n = fread(buf, 1, CORPUS_INPUT_MAX, f);
		fclose(f);
		c->data[c->nr] = buf;
		c->len[c->nr++] = n;
	}
	closedir(d);
}

static void free_corpus(struct corpus *c)
{
	unsigned int i;

	for (i = 0; i < c->nr; i++)
		free(c->data[i]);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Inputs per second through @one for @seconds: each corpus entry as it is,
 * then with up to four bytes flipped. -1 when a harness reported a broken
 * promise (a crash in libFuzzer's terms).
 */
static double harness_rate(const struct corpus *c, double seconds,
			   int (*one)(const char *arch, const uint8_t *d, size_t n),
			   const char *arch)
{
	static uint8_t buf[CORPUS_INPUT_MAX];
	uint64_t rng = 0x9e3779b97f4a7c15ull, n = 0;
	double t0 = now(), t;

	if (!c->nr)
		return 0;
	do {
		unsigned int i = (unsigned int)(n % c->nr), k;
		size_t len = c->len[i];

		memcpy(buf, c->data[i], len);
		for (k = 0; len && n >= c->nr && k < 1 + xorshift(&rng) % 4; k++)
			buf[xorshift(&rng) % len] ^= (uint8_t)(1u << (xorshift(&rng) % 8));
		if (one(arch, buf, len)) {
			fprintf(stderr, "bench: harness failed on input %u of %s\n", i,
				arch ? arch : "parser");
			return -1;
		}
		n++;
		t = now() - t0;
	} while (t < seconds);
	return (double)n / t;
}

static int parser_one(const char *arch, const uint8_t *d, size_t n)
{
	(void)arch;
	return fuzz_parser_one(d, n);
}

static int ops_one(const char *arch, const uint8_t *d, size_t n)
{
	return fuzz_ops_one(arch, d, n, NULL, 0);
}

/* The campaign over scenarios 0..count-1 of @seed, without minimising. */
static void campaign(uint64_t seed, unsigned int count)
{
	static struct gen_scenario g;
	static char text[64u << 10];
	struct gen_opts o = GEN_OPTS_INIT;
	struct cmp_run_opts ro = { .timeout = 300, .show_stderr = false };
	uint64_t executions = 0;
	unsigned int i, alarms = 0;
	double t0 = now(), t;

	for (i = 0; i < count; i++) {
		struct cmp_result r;
		long len;

		gen_scenario(seed, i, &o, &g);
		len = gen_render(&g, NULL, NULL, text, sizeof(text));
		cmp_run(text, len, &ro, &r);
		executions += r.executions;
		alarms += cmp_is_finding(&r);
		cmp_result_release(&r);
	}
	t = now() - t0;
	printf("random_scenarios_per_min=%.0f\n", (double)count * 60.0 / t);
	printf("random_executions_per_s=%.0f\n", (double)executions / t);
	printf("random_false_alarms=%u\n", alarms);
	printf("random_seed=%llu\nrandom_scenarios=%u\n", (unsigned long long)seed, count);
}

int main(int argc, char **argv)
{
	static const char *const machines[] = { "generic", "arm64-mte" };
	/* Names as identifiers: fuzz_ops_arm64_mte_exec_per_s. */
	static const char *const names[] = { "generic", "arm64_mte" };
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	unsigned int count = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 200;
	double secs = argc > 3 ? strtod(argv[3], NULL) : 3;
	struct corpus c;
	char dir[1024];
	unsigned int m;

	campaign(seed, count);
	snprintf(dir, sizeof(dir), "%s/fuzz/corpus/parser", PMM_SOURCE_ROOT);
	load_corpus(dir, &c);
	printf("fuzz_parser_exec_per_s=%.0f\n", harness_rate(&c, secs, parser_one, NULL));
	free_corpus(&c);
	for (m = 0; m < 2; m++) {
		snprintf(dir, sizeof(dir), "%s/fuzz/corpus/ops-%s", PMM_SOURCE_ROOT, machines[m]);
		load_corpus(dir, &c);
		printf("fuzz_ops_%s_exec_per_s=%.0f\n", names[m],
		       harness_rate(&c, secs, ops_one, machines[m]));
		free_corpus(&c);
	}
	return 0;
}
