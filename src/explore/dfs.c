// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Stateless exhaustive search: every execution starts afresh and replays
 * the decisions on the stack, then takes the lowest runnable task at each
 * new decision. Afterwards the deepest decision with an untried runnable
 * task moves to the next one. Steps with a single runnable task are not
 * decisions and cost no stack.
 */
#include <errno.h>
#include <stdlib.h>

#include "explore/strategy.h"

int dfs_init(struct dfs *d, uint32_t cap)
{
	d->stack = malloc(((size_t)cap + 1) * sizeof(*d->stack));
	if (!d->stack)
		return -ENOMEM;
	d->cap = cap;
	d->depth = 0;
	d->pos = 0;
	d->nondeterministic = false;
	return 0;
}

void dfs_destroy(struct dfs *d)
{
	free(d->stack);
	d->stack = NULL;
}

int dfs_choose(void *priv, uint64_t step, uint64_t enabled)
{
	struct dfs *d = priv;
	struct dfs_node *n;

	(void)step;
	if (!(enabled & (enabled - 1)))
		return __builtin_ctzll(enabled);
	if (d->pos < d->depth) {
		n = &d->stack[d->pos++];
		/* The same prefix must offer the same choices. */
		if (n->enabled != enabled) {
			d->nondeterministic = true;
			return -1;
		}
		return n->choice;
	}
	n = &d->stack[d->depth++];
	d->pos++;
	n->enabled = enabled;
	n->choice = (uint8_t)__builtin_ctzll(enabled);
	return n->choice;
}

bool dfs_next(struct dfs *d)
{
	d->pos = 0;
	while (d->depth) {
		struct dfs_node *n = &d->stack[d->depth - 1];
		uint64_t rest = n->enabled & ~((2ull << n->choice) - 1);

		if (rest) {
			n->choice = (uint8_t)__builtin_ctzll(rest);
			return true;
		}
		d->depth--;
	}
	return false;
}
