/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checkpoints of an exhaustive search, between two executions: the
 * options that shape the search (to refuse another search's file), the
 * counts so far, the caller's counters, the shard's place and the
 * strategy's own state, as one JSON document.
 */
#ifndef PMM_EXPLORE_CHECKPOINT_H
#define PMM_EXPLORE_CHECKPOINT_H

#include <stddef.h>

#include "explore/strategy.h"

struct checkpoint {
	const struct pmm_program *prog;
	const struct pmm_explore_opts *opts;
	struct pmm_explore_result *res;
	struct shard_state *shard;
	const struct search_ops *ops;
	void *priv;
};

/*
 * Writes @c to @path: a temporary file in the same directory, synced,
 * then renamed over @path (and the directory synced). 0 or -errno; on an
 * error @path is untouched and no temporary file is left.
 */
int checkpoint_save(const struct checkpoint *c, const char *path);

/*
 * Restores @c from @path. 0, or -EINVAL with @msg saying
 * "FILE:LINE:COL: what is wrong" (or why the file cannot be read).
 */
int checkpoint_load(const struct checkpoint *c, const char *path, char *msg,
		    size_t len);

#endif /* PMM_EXPLORE_CHECKPOINT_H */
