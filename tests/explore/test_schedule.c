// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Schedule strings: pmm_schedule_format() writes the canonical run-length
 * form, pmm_schedule_parse() reads it back (and non-canonical forms), and
 * malformed or over-long strings are refused with -EINVAL and the 1-based
 * column of the bad token, or -E2BIG.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/explore.h"

#define MAX_LEN 4096

/* splitmix64: the test's own generator, fixed seed, same on every host. */
static uint64_t rng_next(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static char *format_checked(const uint8_t *steps, size_t n)
{
	char *s = pmm_schedule_format(steps, n);

	assert_non_null(s);
	return s;
}

/* Parses @s into @out (cap MAX_LEN) and asserts success. */
static size_t parse_ok(const char *s, uint8_t *out)
{
	size_t col = 0;
	long n = pmm_schedule_parse(s, out, MAX_LEN, &col);

	if (n < 0)
		fail_msg("parse \"%s\": %ld at column %zu", s, n, col);
	return (size_t)n;
}

/*
 * Canonical form: tokens "ID" or "IDxN" with N >= 2, joined by '.', and
 * no two neighbouring tokens with the same ID.
 */
static void assert_canonical(const char *s)
{
	long prev = -1;
	const char *p = s;

	while (*p) {
		char *end;
		long id = strtol(p, &end, 10);

		assert_true(end > p && *p >= '0' && *p <= '9');
		assert_true(id >= 0 && id < PMM_MAX_TASKS);
		assert_int_not_equal(id, prev);
		if (*end == 'x') {
			const char *q = end + 1;
			unsigned long long rep = strtoull(q, &end, 10);

			assert_true(end > q && *q != '0');
			assert_true(rep >= 2);
		}
		prev = id;
		if (*end == '.') {
			assert_true(end[1] != '\0');
			end++;
		} else {
			assert_int_equal(*end, '\0');
		}
		p = end;
	}
}

/* format -> canonical; parse(format(steps)) == steps. */
static void assert_round_trip(const uint8_t *steps, size_t n)
{
	static uint8_t back[MAX_LEN];
	char *s = format_checked(steps, n);
	size_t m;

	assert_canonical(s);
	m = parse_ok(s, back);
	assert_int_equal(m, n);
	if (n)
		assert_memory_equal(back, steps, n);
	free(s);
}

struct fmt_case {
	const char *str;
	size_t n;
	uint8_t steps[16];
};

static const struct fmt_case fmt_cases[] = {
	{ "", 0, { 0 } },
	{ "0", 1, { 0 } },
	{ "63", 1, { 63 } },
	{ "1x2", 2, { 1, 1 } },
	{ "0x3.1.0x2", 6, { 0, 0, 0, 1, 0, 0 } },
	{ "0.1.0.1", 4, { 0, 1, 0, 1 } },
	{ "2x2.3x3.2", 6, { 2, 2, 3, 3, 3, 2 } },
	{ "10.9.10x2", 4, { 10, 9, 10, 10 } },
	{ "7x16", 16, { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 } },
};

/* The examples of the header and hand-formatted strings, both ways. */
static void test_format_known(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(fmt_cases) / sizeof(fmt_cases[0]); i++) {
		const struct fmt_case *c = &fmt_cases[i];
		uint8_t back[16];
		char *s = format_checked(c->steps, c->n);

		assert_string_equal(s, c->str);
		free(s);
		assert_int_equal(parse_ok(c->str, back), c->n);
		if (c->n)
			assert_memory_equal(back, c->steps, c->n);
	}
}

/* Every task id alone: "ID", one step. */
static void test_single_step(void **state)
{
	uint8_t id, back[4];
	char want[8];

	(void)state;
	for (id = 0; id < PMM_MAX_TASKS; id++) {
		char *s = format_checked(&id, 1);

		snprintf(want, sizeof(want), "%u", id);
		assert_string_equal(s, want);
		free(s);
		assert_int_equal(parse_ok(want, back), 1);
		assert_int_equal(back[0], id);
	}
}

static void test_empty(void **state)
{
	uint8_t buf[1] = { 0xaa };
	size_t col = 12345;
	char *s;

	(void)state;
	assert_int_equal(pmm_schedule_parse("", buf, sizeof(buf), &col), 0);
	assert_int_equal(pmm_schedule_parse("", buf, 0, &col), 0);
	assert_int_equal(buf[0], 0xaa);
	s = format_checked(buf, 0);
	assert_string_equal(s, "");
	free(s);
}

/* Long runs: one token each, whatever the length. */
static void test_run_lengths(void **state)
{
	static uint8_t steps[MAX_LEN], back[MAX_LEN];
	static const size_t lens[] = { 1, 2, 3, 9, 10, 11, 99, 100, 1000, MAX_LEN };
	unsigned int i;
	char want[32];

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char *s;

		memset(steps, 42, lens[i]);
		s = format_checked(steps, lens[i]);
		if (lens[i] == 1)
			snprintf(want, sizeof(want), "42");
		else
			snprintf(want, sizeof(want), "42x%zu", lens[i]);
		assert_string_equal(s, want);
		free(s);
		assert_int_equal(parse_ok(want, back), lens[i]);
		assert_memory_equal(back, steps, lens[i]);
	}
	/* Alternating runs of two tasks, 1..20 long each: 210 steps. */
	{
		size_t n = 0;
		unsigned int r;
		char *s;

		for (r = 1; r <= 20; r++) {
			memset(steps + n, r & 1, r);
			n += r;
		}
		assert_int_equal(n, 210);
		assert_round_trip(steps, n);
		s = format_checked(steps, n);
		assert_int_equal(strncmp(s, "1.0x2.1x3.0x4.", 14), 0);
		free(s);
	}
}

/* Non-canonical spellings parse to the same steps. */
static void test_parse_noncanonical(void **state)
{
	uint8_t back[16];
	char *s;

	(void)state;
	assert_int_equal(parse_ok("0x1.0x1.0", back), 3);
	assert_int_equal(back[0] | back[1] | back[2], 0);
	s = format_checked(back, 3);
	assert_string_equal(s, "0x3");
	free(s);
	assert_int_equal(parse_ok("3x2.3", back), 3);
	s = format_checked(back, 3);
	assert_string_equal(s, "3x3");
	free(s);
}

/* 2000 random sequences from a fixed seed, with runs, ids 0..63. */
static void test_random_round_trip(void **state)
{
	static uint8_t steps[MAX_LEN];
	uint64_t seed = 0x5eed;
	unsigned int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		size_t n = rng_next(&seed) % 300;
		unsigned int ids = 1 + (unsigned int)(rng_next(&seed) % 64);
		size_t k = 0;

		while (k < n) {
			uint8_t id = (uint8_t)(rng_next(&seed) % ids);
			size_t run = 1 + rng_next(&seed) % (i & 1 ? 3 : 40);

			while (run-- && k < n)
				steps[k++] = id;
		}
		assert_round_trip(steps, n);
	}
}

/* Canonical strings survive format(parse(s)) unchanged. */
static void test_string_round_trip(void **state)
{
	static const char *const strs[] = {
		"0", "1.0", "0x2.1x2", "5.4.3.2.1.0", "63x1000.0x63.63",
		"0x3.1.0x2", "12x7.13.12.13x9",
	};
	uint8_t back[MAX_LEN];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		size_t n = parse_ok(strs[i], back);
		char *s = format_checked(back, n);

		assert_string_equal(s, strs[i]);
		free(s);
	}
}

struct bad_case {
	const char *str;
	size_t col;
};

/*
 * The column is that of the first character of the bad token: a missing
 * number is reported where it should start, an out-of-range number (task
 * id over 63, repeat count 0 or over 2^40) where it starts.
 */
static const struct bad_case bad_cases[] = {
	{ "x", 1 },		/* no task id */
	{ "0x", 3 },		/* no count after 'x' */
	{ "1..2", 3 },		/* empty token between the dots */
	{ "0.", 2 },		/* trailing dot */
	{ ".0", 1 },		/* leading dot */
	{ "64", 1 },		/* task id out of range */
	{ "a", 1 },
	{ "0 1", 2 },		/* space is no separator */
	{ "0x3y", 4 },		/* junk after the count */
	{ "0x3.", 4 },
	{ "0.1.", 4 },
	{ "-1", 1 },
	{ "0x-1", 3 },
	{ "1x2x3", 4 },		/* a second 'x' */
	{ "0,1", 2 },
	{ " 0", 1 },
	{ "0\n", 2 },
	{ "3.64", 3 },		/* second task id out of range */
	{ "100", 1 },
	{ "0.x", 3 },
	{ "0x3.1.0x", 9 },
	{ "0x1099511627777", 3 },	/* count over 2^40 */
};

static void test_malformed(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		uint8_t buf[64];
		size_t col = 0;
		long n = pmm_schedule_parse(bad_cases[i].str, buf, sizeof(buf),
					    &col);

		if (n != -EINVAL || col != bad_cases[i].col)
			fail_msg("\"%s\": got %ld at column %zu, want -EINVAL at %zu",
				 bad_cases[i].str, n, col, bad_cases[i].col);
	}
}

/*
 * A repeat count of zero: the bad token is the "0" at column 3. (Column 4
 * would be past the end of the string.)
 */
static void test_malformed_zero_count(void **state)
{
	uint8_t buf[8];
	size_t col = 0;

	(void)state;
	assert_int_equal(pmm_schedule_parse("0x0", buf, sizeof(buf), &col),
			 -EINVAL);
	assert_int_equal(col, 3);
	col = 0;
	assert_int_equal(pmm_schedule_parse("1.2x0.1", buf, sizeof(buf), &col),
			 -EINVAL);
	assert_int_equal(col, 5);
}

struct big_case {
	const char *str;
	size_t cap;
	long want;
};

static const struct big_case big_cases[] = {
	{ "0x5", 4, -E2BIG },
	{ "0.1.2", 2, -E2BIG },
	{ "0", 0, -E2BIG },
	{ "7x3.7x3", 5, -E2BIG },
	{ "0x1099511627776", 100, -E2BIG },	/* 2^40: in range, too long */
	{ "0.1.2.3.4", 4, -E2BIG },
	{ "0x4", 4, 4 },			/* exact fit */
	{ "0x2.1x2", 4, 4 },
	{ "0.1.2.3", 4, 4 },
};

static void test_too_long(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < sizeof(big_cases) / sizeof(big_cases[0]); i++) {
		const struct big_case *c = &big_cases[i];
		uint8_t buf[16];
		size_t col = 0;
		long n;

		memset(buf, 0xaa, sizeof(buf));
		n = pmm_schedule_parse(c->str, buf, c->cap, &col);
		if (n != c->want)
			fail_msg("\"%s\" cap %zu: got %ld, want %ld", c->str,
				 c->cap, n, c->want);
		/* Nothing is written past the cap. */
		for (j = (unsigned int)c->cap; j < sizeof(buf); j++)
			assert_int_equal(buf[j], 0xaa);
	}
}

/* The cap at the default step bound: 100000 fits, 100001 does not. */
static void test_too_long_big(void **state)
{
	uint8_t *buf = malloc(100000);
	size_t col = 0;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(pmm_schedule_parse("3x100000", buf, 100000, &col),
			 100000);
	assert_int_equal(buf[99999], 3);
	assert_int_equal(pmm_schedule_parse("3x99999.4", buf, 100000, &col),
			 100000);
	assert_int_equal(buf[99999], 4);
	assert_int_equal(pmm_schedule_parse("3x100001", buf, 100000, &col),
			 -E2BIG);
	assert_int_equal(pmm_schedule_parse("3x100000.0", buf, 100000, &col),
			 -E2BIG);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_known),
		cmocka_unit_test(test_single_step),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_run_lengths),
		cmocka_unit_test(test_parse_noncanonical),
		cmocka_unit_test(test_random_round_trip),
		cmocka_unit_test(test_string_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_zero_count),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_too_long_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
