// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Random walk: a uniformly random runnable task at every step, from
 * xoshiro256** seeded through splitmix64, so one seed is one sequence of
 * executions on every machine.
 */
#include "explore/strategy.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next(struct random_walk *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

void random_init(struct random_walk *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t random_u64(struct random_walk *r)
{
	return next(r);
}

int random_choose(void *priv, uint64_t step, uint64_t enabled)
{
	struct random_walk *r = priv;
	unsigned int k, n = (unsigned int)__builtin_popcountll(enabled);

	(void)step;
	if (n == 1)
		return __builtin_ctzll(enabled);
	/* Multiply-shift keeps the pick unbiased enough for n <= 64. */
	k = (unsigned int)(((next(r) >> 32) * n) >> 32);
	while (k--)
		enabled &= enabled - 1;
	return __builtin_ctzll(enabled);
}
