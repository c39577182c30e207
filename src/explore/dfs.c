// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Stateless exhaustive search: every execution starts afresh and replays
 * the decisions on the stack, then takes the lowest runnable task at each
 * new decision. Afterwards the deepest decision with an untried runnable
 * task moves to the next one. Steps with a single runnable task are not
 * decisions and cost no stack.
 *
 * With a preemption bound (Musuvathi and Qadeer, "Iterative context
 * bounding", PLDI 2007) a decision first goes on with the task that ran
 * before, and tries another only while the execution has preempted fewer
 * times than the bound: every interleaving within it, each once.
 */
#include <errno.h>
#include <stdlib.h>

#include "explore/strategy.h"

int dfs_init(struct dfs *d, uint32_t cap, unsigned int preemptions)
{
	d->stack = malloc(((size_t)cap + 1) * sizeof(*d->stack));
	if (!d->stack)
		return -ENOMEM;
	d->cap = cap;
	d->depth = 0;
	d->pos = 0;
	d->nondeterministic = false;
	d->bound = preemptions;
	d->last = -1;
	d->preempted = 0;
	return 0;
}

void dfs_destroy(struct dfs *d)
{
	free(d->stack);
	d->stack = NULL;
}

/* Choosing @task at @n preempts the task before, if that one could go on. */
static bool preempts(const struct dfs_node *n, unsigned int task)
{
	return n->prev != UINT8_MAX && (n->enabled >> n->prev & 1) &&
	       task != n->prev;
}

/* The first untried choice at @n within the preemption bound, or -1. */
static int next_choice(const struct dfs *d, const struct dfs_node *n)
{
	uint64_t left = n->enabled & ~n->tried;

	if (!left)
		return -1;
	if (d->bound == PMM_PREEMPTIONS_ALL)
		return __builtin_ctzll(left);
	/* Bounded: going on with the same task first, the least preemptive. */
	if (n->prev != UINT8_MAX && (left >> n->prev & 1))
		return n->prev;
	for (; left; left &= left - 1) {
		unsigned int t = (unsigned int)__builtin_ctzll(left);

		if (!preempts(n, t) || n->preempted < d->bound)
			return (int)t;
	}
	return -1;
}

static int take(struct dfs *d, struct dfs_node *n)
{
	if (preempts(n, n->choice))
		d->preempted = n->preempted + 1;
	d->last = n->choice;
	return n->choice;
}

int dfs_choose(void *priv, uint64_t step, uint64_t enabled)
{
	struct dfs *d = priv;
	struct dfs_node *n;

	(void)step;
	if (!(enabled & (enabled - 1))) {
		d->last = __builtin_ctzll(enabled);
		return d->last;
	}
	if (d->pos < d->depth) {
		n = &d->stack[d->pos++];
		/* The same prefix must offer the same choices. */
		if (n->enabled != enabled) {
			d->nondeterministic = true;
			return -1;
		}
		return take(d, n);
	}
	n = &d->stack[d->depth++];
	d->pos++;
	n->enabled = enabled;
	n->tried = 0;
	n->prev = d->last < 0 ? UINT8_MAX : (uint8_t)d->last;
	n->preempted = d->preempted;
	n->choice = (uint8_t)next_choice(d, n);
	n->tried |= 1ull << n->choice;
	return take(d, n);
}

bool dfs_next(struct dfs *d)
{
	d->pos = 0;
	d->last = -1;
	d->preempted = 0;
	while (d->depth) {
		struct dfs_node *n = &d->stack[d->depth - 1];
		int c = next_choice(d, n);

		if (c >= 0) {
			n->choice = (uint8_t)c;
			n->tried |= 1ull << c;
			return true;
		}
		d->depth--;
	}
	return false;
}
