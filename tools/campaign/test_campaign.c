// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The campaign's generator and minimiser: scenarios reproducible from
 * (seed, index), every one accepted by the parser, every statement of the
 * language generated, pins always released, no expectation stated; and a
 * finding minimised to what makes the same oracle fire.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "gen.h"
#include "run.h"
#include "scenario/scenario.h"

/*
 * Scenarios generated per check: enough that each of the ~70 verbs, the
 * machine-specific ones only on their machine's share, comes 10 times
 * (1500 left some MTE and s390 verbs at 5-9 once issue 13's verbs and
 * machines came).
 */
#define MANY 2500
#define TEXT (64u << 10)

static char text[TEXT], again[TEXT];
static struct gen_scenario g, h;

static void test_reproducible(void **state)
{
	struct gen_opts o = GEN_OPTS_INIT;
	long a, b;

	(void)state;
	gen_scenario(7, 42, &o, &g);
	a = gen_render(&g, NULL, NULL, text, TEXT);
	/* Others in between change nothing: (seed, index) alone decides. */
	gen_scenario(7, 41, &o, &h);
	gen_scenario(8, 42, &o, &h);
	gen_scenario(7, 42, &o, &h);
	b = gen_render(&h, NULL, NULL, again, TEXT);
	assert_true(a > 0);
	assert_int_equal(a, b);
	assert_memory_equal(text, again, (size_t)a);
	gen_scenario(7, 43, &o, &h);
	b = gen_render(&h, NULL, NULL, again, TEXT);
	assert_false(a == b && !memcmp(text, again, (size_t)a));
}

/* Every scenario parses, on both machines, in each strategy's header. */
static void test_every_scenario_parses(void **state)
{
	static const char *const strategies[] = { NULL, "pct", "random", "dfs" };
	struct gen_opts o = GEN_OPTS_INIT;
	struct scn_error err;
	struct scenario *s;
	unsigned int i;
	long len;

	(void)state;
	for (i = 0; i < MANY; i++) {
		o.strategy = strategies[i % 4];
		gen_scenario(1, i, &o, &g);
		len = gen_render(&g, NULL, NULL, text, TEXT);
		assert_true(len > 0);
		if (scenario_parse("gen.pmm", text, (size_t)len, &s, &err)) {
			print_message("scenario %u: %d:%d: %s\n%s", i, err.pos.line,
				      err.pos.col, err.msg, text);
			fail();
		}
		assert_true(s->expect_ok);
		for (unsigned int f = 0; f < s->nr_finals; f++)
			assert_false(s->finals[f].forbid);
		assert_int_equal(s->nr_config, 0);
		assert_true(s->has_explore);
		assert_int_equal(s->explore.max_executions, 300);
		scenario_free(s);
	}
}

/* The statements the parser knows, from its own table. */
static unsigned int parser_verbs(char verbs[][32], unsigned int cap)
{
	const char *w;
	unsigned int n = 0;

	while (n < cap && (w = scn_word(SCN_WORD_VERB, n))) {
		snprintf(verbs[n], 32, "%s", w);
		n++;
	}
	return n;
}

/*
 * Every statement the parser knows has a generator, each one is used, and
 * every machine comes.
 */
static void test_every_statement_generated(void **state)
{
	struct gen_opts o = GEN_OPTS_INIT;
	unsigned int seen[GEN_MAX_VERBS] = { 0 }, machines[16] = { 0 }, i, j, v, nr_doc;
	static char doc[GEN_MAX_VERBS][32];

	(void)state;
	nr_doc = parser_verbs(doc, GEN_MAX_VERBS);
	assert_true(nr_doc >= 30);
	/* Every statement the parser knows fits. */
	assert_null(scn_word(SCN_WORD_VERB, nr_doc));
	for (i = 0; i < nr_doc; i++) {
		for (v = 0; v < gen_nr_verbs(); v++)
			if (!strcmp(gen_verb(v), doc[i]))
				break;
		if (v == gen_nr_verbs())
			print_message("statement '%s' has no generator\n", doc[i]);
		assert_true(v < gen_nr_verbs());
	}
	for (i = 0; i < MANY; i++) {
		gen_scenario(3, i, &o, &g);
		for (v = 0; arch_machine_name(v); v++)
			machines[v] += !strcmp(g.machine, arch_machine_name(v));
		for (j = 0; j < g.nr_lines; j++)
			for (v = 0; v < gen_nr_verbs(); v++)
				if (g.lines[j].verb == gen_verb(v))
					seen[v]++;
	}
	for (v = 0; v < gen_nr_verbs(); v++) {
		if (seen[v] < 10)
			print_message("'%s' generated %u times\n", gen_verb(v), seen[v]);
		assert_true(seen[v] >= 10);
	}
	/* Every machine the build models, each in a fair share. */
	for (i = 0; arch_machine_name(i); i++)
		;
	for (v = 0; v < i; v++)
		assert_true(machines[v] >= MANY / (2 * i));
}

/*
 * guest_memfd's hugetlb option comes with both sizes; a 2 MiB one on a
 * machine with room for its pool (memory 8M) after an nr_hugepages line
 * that asks for a page at least, its ranges folio-aligned now and then.
 */
static void test_gmem_hugetlb_generated(void **state)
{
	struct gen_opts o = GEN_OPTS_INIT;
	unsigned int i, j, n2m = 0, n1g = 0, aligned = 0;
	unsigned long pages;

	(void)state;
	o.machine = "arm64-mte";
	for (i = 0; i < MANY / 4; i++) {
		bool pool = false;

		gen_scenario(5, i, &o, &g);
		for (j = 0; j < g.nr_lines; j++) {
			const char *t = g.lines[j].text;

			if (sscanf(t, " nr_hugepages 2M %lu", &pages) == 1 && pages)
				pool = true;
			if (strstr(t, "gmem_") && strstr(t, " len 2048K"))
				aligned++;
			if (strncmp(t + strspn(t, " "), "guest_memfd ", 12))
				continue;
			if (strstr(t, " hugetlb 2M")) {
				n2m++;
				assert_true(pool);
				assert_non_null(strstr(g.header, "memory 8M\n"));
			} else if (strstr(t, " hugetlb 1G")) {
				n1g++;
				assert_non_null(strstr(t, " size 1G "));
			}
		}
	}
	print_message("guest_memfd hugetlb 2M %u, 1G %u, aligned ranges %u\n",
		      n2m, n1g, aligned);
	assert_true(n2m >= 20);
	assert_true(n1g >= 5);
	assert_true(aligned >= 2);
}

/* A device writes only through a pin taken with 'write' (FOLL_WRITE). */
static void dma_writes_through_write_pin(const struct gen_scenario *s, unsigned int j)
{
	char pin[16], as[24];
	unsigned int k;

	if (sscanf(s->lines[j].text, "dma %15s write", pin) != 1 ||
	    !strstr(s->lines[j].text, " write \""))
		return;
	snprintf(as, sizeof(as), " as %s", pin);
	for (k = 0; k < j; k++) {
		const char *t = s->lines[k].text, *at = strstr(t, as);

		if (!strncmp(t + (strncmp(t, "on ", 3) ? 0 : strcspn(t, ":") + 2), "pin ", 4) &&
		    at && !at[strlen(as)]) {
			assert_non_null(strstr(t, " write"));
			return;
		}
	}
	fail_msg("no pin for: %s", s->lines[j].text);
}

/* A statement left out never comes, and the scenario's command says so. */
static void test_without(void **state)
{
	struct gen_opts o = GEN_OPTS_INIT;
	unsigned int i, j;
	long len;

	(void)state;
	assert_int_equal(gen_exclude(&o, "exit"), 0);
	assert_int_equal(gen_exclude(&o, "fwrite_direct"), 0);
	assert_int_not_equal(gen_exclude(&o, "map"), 0);
	assert_int_not_equal(gen_exclude(&o, "unpin"), 0);
	assert_int_not_equal(gen_exclude(&o, "process"), 0);
	assert_int_not_equal(gen_exclude(&o, "nonsense"), 0);
	for (i = 0; i < 500; i++) {
		gen_scenario(11, i, &o, &g);
		for (j = 0; j < g.nr_lines; j++) {
			assert_string_not_equal(g.lines[j].verb, "exit");
			assert_string_not_equal(g.lines[j].verb, "fwrite_direct");
		}
	}
	len = gen_render(&g, NULL, NULL, text, TEXT);
	assert_true(len > 0);
	assert_non_null(strstr(text, "--count 1 --without exit --without fwrite_direct)"));
}

/* Each pin is unpinned once, by its owner, after it; nothing expected. */
static void test_pins_released_nothing_expected(void **state)
{
	struct gen_opts o = GEN_OPTS_INIT;
	unsigned int i, j, k, unpins;

	(void)state;
	for (i = 0; i < MANY; i++) {
		gen_scenario(5, i, &o, &g);
		for (j = 0; j < g.nr_lines; j++) {
			assert_null(strstr(g.lines[j].text, " expect "));
			dma_writes_through_write_pin(&g, j);
			if (g.lines[j].pin < 0 || g.lines[j].unpin)
				continue;
			for (k = unpins = 0; k < g.nr_lines; k++) {
				if (!g.lines[k].unpin || g.lines[k].pin != g.lines[j].pin)
					continue;
				unpins++;
				if (g.lines[k].thread == g.lines[j].thread)
					assert_true(k > j);
				else
					assert_true(g.lines[j].thread < 0);
				/*
				 * Init's pins: not released by a thread on a process
				 * another thread forks (its statements may not run).
				 */
				if (g.lines[j].thread < 0 && g.lines[k].thread >= 0)
					assert_int_not_equal(g.threads[g.lines[k].thread].proc[0], 'K');
			}
			assert_int_equal(unpins, 1);
		}
	}
}

static void add(struct gen_scenario *s, int thread, int pin, bool unpin, const char *t)
{
	struct gen_line *l = &s->lines[s->nr_lines++];

	snprintf(l->text, sizeof(l->text), "%s", t);
	l->thread = thread;
	l->pin = pin;
	l->unpin = unpin;
	l->verb = "test";
}

/*
 * A knob of an old design (pages freed before the TLB flush) among
 * statements that have nothing to do with it: minimised, the same oracle
 * fires, the unrelated statements are gone, a pin and its unpin went or
 * stayed together, and no single statement left can go (1-minimal).
 */
static void test_minimise_keeps_the_oracle(void **state)
{
	struct cmp_run_opts o = { .timeout = 120, .show_stderr = true };
	bool keep[GEN_MAX_LINES], less[GEN_MAX_LINES];
	struct cmp_result r, m;
	unsigned int runs, i, kept = 0;
	long len;

	(void)state;
	memset(&g, 0, sizeof(g));
	snprintf(g.name, sizeof(g.name), "minimise");
	snprintf(g.machine, sizeof(g.machine), "generic");
	snprintf(g.header, sizeof(g.header),
		 "config mm.zap_flush = after_free\nmemory 1M\nexplore dfs executions 2000\n");
	g.nr_threads = 3;
	for (i = 0; i < 3; i++) {
		snprintf(g.threads[i].name, 8, "T%u", i);
		snprintf(g.threads[i].proc, 8, "P");
		g.threads[i].cpu = i;
	}
	add(&g, -1, -1, false, "process P");
	add(&g, -1, -1, false, "file F0 size 4K");
	add(&g, -1, -1, false, "pipe Q0");
	add(&g, -1, -1, false, "on P: map a anon len 4K prot rw private");
	add(&g, -1, -1, false, "on P: map m1 anon len 8K prot rw private");
	add(&g, -1, -1, false, "on P: write a \"a\"");
	add(&g, -1, -1, false, "on P: write m1 \"bb\"");
	add(&g, -1, 0, false, "on P: pin m1 write as p0");
	add(&g, 0, -1, false, "read a len 1");
	add(&g, 0, -1, false, "write m1+0x1000 \"zz\"");
	add(&g, 0, -1, false, "read a len 1");
	add(&g, 1, -1, false, "munmap a len 4K");
	add(&g, 1, -1, false, "fsync F0");
	add(&g, 2, -1, false, "dma p0 write \"D\"");
	add(&g, 2, 0, true, "unpin p0");
	add(&g, 2, -1, false, "read m1 len 2");

	len = gen_render(&g, NULL, NULL, text, TEXT);
	assert_true(len > 0);
	cmp_run(text, len, &o, &r);
	assert_int_equal(r.kind, CMP_VIOLATION);
	assert_string_equal(r.oracle, "stale-tlb");

	runs = cmp_minimise(&g, &r, &o, 400, keep);
	assert_true(runs > 0 && runs <= 400);
	len = gen_render(&g, keep, NULL, text, TEXT);
	assert_true(len > 0);
	cmp_run(text, len, &o, &m);
	assert_true(cmp_same(&r, &m));
	cmp_result_release(&m);
	assert_null(strstr(text, "fsync"));
	assert_null(strstr(text, "pipe Q0"));
	assert_null(strstr(text, "dma"));
	assert_int_equal(keep[7], keep[14]);
	for (i = 0; i < g.nr_lines; i++) {
		if (!keep[i] || g.lines[i].unpin)
			continue;
		kept++;
		memcpy(less, keep, sizeof(less));
		less[i] = false;
		if (g.lines[i].pin >= 0)
			less[14] = false;
		len = gen_render(&g, less, NULL, again, TEXT);
		if (len < 0)
			continue;
		cmp_run(again, len, &o, &m);
		if (cmp_same(&r, &m))
			print_message("line %u can go too:\n%s", i, text);
		assert_false(cmp_same(&r, &m));
		cmp_result_release(&m);
	}
	assert_true(kept < g.nr_lines / 2);
	cmp_result_release(&r);
}

/* A scenario the parser refuses is the generator's bug, with where. */
static void test_refused_is_a_generator_bug(void **state)
{
	struct cmp_run_opts o = { .timeout = 60, .show_stderr = false };
	static const char bad[] = "scenario x\nthread T on P cpu 0 { }\n";
	struct cmp_result r;

	(void)state;
	cmp_run(bad, (long)strlen(bad), &o, &r);
	assert_int_equal(r.kind, CMP_PARSE);
	assert_string_equal(r.oracle, "generator");
	assert_non_null(strstr(r.message, "2:"));
	cmp_result_release(&r);
}

/* An exploration past the time limit is a hang, and the caller goes on. */
static void test_hang_is_a_finding(void **state)
{
	struct cmp_run_opts o = { .timeout = 1, .show_stderr = false };
	static const char slow[] =
		"scenario slow\nmemory 1M\nexplore random executions 1000000000 seed 1\n"
		"init { process P; on P: map a anon len 8K prot rw private }\n"
		"thread T0 on P cpu 0 { write a \"x\"; read a len 1; munmap a len 4K }\n"
		"thread T1 on P cpu 1 { write a+4096 \"y\"; read a len 1 }\n"
		"expect ok\n";
	struct cmp_result r;

	(void)state;
	cmp_run(slow, (long)strlen(slow), &o, &r);
	assert_int_equal(r.kind, CMP_HANG);
	assert_string_equal(r.oracle, "hang");
	assert_true(cmp_is_finding(&r));
	cmp_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_every_scenario_parses),
		cmocka_unit_test(test_every_statement_generated),
		cmocka_unit_test(test_gmem_hugetlb_generated),
		cmocka_unit_test(test_pins_released_nothing_expected),
		cmocka_unit_test(test_without),
		cmocka_unit_test(test_minimise_keeps_the_oracle),
		cmocka_unit_test(test_refused_is_a_generator_bug),
		cmocka_unit_test(test_hang_is_a_finding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
