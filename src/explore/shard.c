// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sharding one exhaustive search by prefix: the tree is cut at a decision
 * depth, and the subtrees below, numbered in the order the search meets
 * them, go round-robin to the shards. Every shard walks the same top of the
 * tree in the same order, so it numbers the subtrees alike without talking
 * to the others; it runs one execution (a probe) into each subtree that is
 * not its own, to learn the decisions that lead to the next ones, and
 * prunes the rest of it.
 */
#include "explore/strategy.h"

uint32_t pmm_shard_default_depth(uint32_t count)
{
	uint32_t bits = 0;

	while (bits < 32 && (1ull << bits) < count)
		bits++;
	return bits + 4;
}

void shard_init(struct shard_state *sh, const struct pmm_shard *opt)
{
	sh->count = opt->count ? opt->count : 1;
	sh->index = opt->index;
	sh->depth = opt->depth ? opt->depth : pmm_shard_default_depth(sh->count);
	sh->subtree = 0;
	sh->own = sh->index == 0;
}

bool shard_next(struct shard_state *sh, const struct search_ops *ops,
		void *priv)
{
	uint32_t diverged;

	/* A probe's subtree is left at once: its first decisions are known. */
	if (!ops->next(priv, sh->own ? UINT32_MAX : sh->depth, &diverged))
		return false;
	if (diverged < sh->depth) {
		sh->subtree++;
		sh->own = sh->subtree % sh->count == sh->index;
	}
	return true;
}
