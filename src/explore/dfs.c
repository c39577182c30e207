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

#include "explore/json.h"
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

static bool dfs_next_pruned(struct dfs *d, uint32_t prune, uint32_t *diverged)
{
	d->pos = 0;
	d->last = -1;
	d->preempted = 0;
	if (d->depth > prune)
		d->depth = prune;
	while (d->depth) {
		struct dfs_node *n = &d->stack[d->depth - 1];
		int c = next_choice(d, n);

		if (c >= 0) {
			n->choice = (uint8_t)c;
			n->tried |= 1ull << c;
			*diverged = d->depth - 1;
			return true;
		}
		d->depth--;
	}
	return false;
}

bool dfs_next(struct dfs *d)
{
	uint32_t diverged;

	return dfs_next_pruned(d, UINT32_MAX, &diverged);
}

static bool search_next(void *priv, uint32_t prune, uint32_t *diverged)
{
	return dfs_next_pruned(priv, prune, diverged);
}

/* How many choices the search takes at @n in all, within the bound. */
static unsigned int branches(const struct dfs *d, const struct dfs_node *n)
{
	uint64_t all = n->enabled;

	if (d->bound == PMM_PREEMPTIONS_ALL || n->preempted < d->bound ||
	    n->prev == UINT8_MAX || !(all >> n->prev & 1))
		return (unsigned int)__builtin_popcountll(all);
	return 1;
}

/*
 * Between executions: each decision on the path to the next execution
 * splits what is below it evenly among its branches (the assumption
 * Knuth's estimator makes), so each branch it took before the current one
 * is that share of the tree, done.
 */
static double search_done_fraction(const void *priv)
{
	const struct dfs *d = priv;
	double weight = 1, done = 0;
	uint32_t i;

	for (i = 0; i < d->depth; i++) {
		const struct dfs_node *n = &d->stack[i];
		unsigned int b = branches(d, n);
		unsigned int before = (unsigned int)__builtin_popcountll(n->tried) - 1;

		if (b < before + 1)
			b = before + 1;
		weight /= b;
		done += weight * before;
	}
	return done;
}

static int search_save(const void *priv, FILE *f)
{
	const struct dfs *d = priv;
	uint32_t i;

	fprintf(f, "{\"decisions\":[");
	for (i = 0; i < d->depth; i++) {
		const struct dfs_node *n = &d->stack[i];

		fprintf(f, "%s\n  [%llu,%llu,%u,%u,%u]", i ? "," : "",
			(unsigned long long)n->enabled,
			(unsigned long long)n->tried, n->choice, n->prev,
			n->preempted);
	}
	fprintf(f, "]}");
	return 0;
}

static int load_node(const struct dfs *d, const struct json *a,
		     struct dfs_node *n, struct json_error *err)
{
	uint64_t v[5];
	const struct json *e = a->child;
	unsigned int i;

	if (a->type != JSON_ARRAY)
		return json_fail(err, a, "a decision must be an array of 5 numbers");
	for (i = 0; i < 5; i++, e = e->next) {
		char *end;

		if (!e || e->type != JSON_NUMBER || e->str[0] == '-')
			return json_fail(err, e ? e : a, "a decision must be an array "
					 "of 5 whole numbers");
		v[i] = strtoull(e->str, &end, 10);
		if (*end)
			return json_fail(err, e, "a decision must be an array of "
					 "5 whole numbers");
	}
	if (e)
		return json_fail(err, e, "a decision has 5 numbers");
	n->enabled = v[0];
	n->tried = v[1];
	n->choice = (uint8_t)v[2];
	n->prev = (uint8_t)v[3];
	n->preempted = (uint32_t)v[4];
	/* The choice to run next was tried, and is one the node offers. */
	if (v[2] >= 64 || v[3] > UINT8_MAX || v[4] > UINT32_MAX ||
	    !(n->enabled & (n->enabled - 1)) || (n->tried & ~n->enabled) ||
	    !(n->tried >> n->choice & 1) ||
	    (d->bound != PMM_PREEMPTIONS_ALL && n->preempted > d->bound))
		return json_fail(err, a, "not a decision of this search");
	return 0;
}

static int search_load(void *priv, const struct json *j, struct json_error *err)
{
	struct dfs *d = priv;
	const struct json *list, *a;
	uint32_t n = 0;
	int ret;

	if (j->type != JSON_OBJECT)
		return json_fail(err, j, "the search state must be an object");
	ret = json_get_kind(j, "decisions", JSON_ARRAY, &list, err);
	if (ret)
		return ret;
	for (a = list->child; a; a = a->next, n++) {
		if (n >= d->cap)
			return json_fail(err, a, "more decisions than the step bound");
		ret = load_node(d, a, &d->stack[n], err);
		if (ret)
			return ret;
	}
	d->depth = n;
	d->pos = 0;
	d->last = -1;
	d->preempted = 0;
	return 0;
}

const struct search_ops dfs_search = {
	.next = search_next,
	.done_fraction = search_done_fraction,
	.save = search_save,
	.load = search_load,
};
