// SPDX-License-Identifier: LGPL-2.1-or-later
/* Replay: follow a schedule string, then the lowest runnable task. */
#include <stdio.h>

#include "explore/strategy.h"

int replay_choose(void *priv, uint64_t step, uint64_t enabled)
{
	struct replay *r = priv;
	unsigned int id;

	if (step >= r->n)
		return __builtin_ctzll(enabled);
	id = r->steps[step];
	if (enabled & (1ull << id))
		return (int)id;
	snprintf(r->err, sizeof(r->err),
		 "schedule step %llu names task %u, which %s",
		 (unsigned long long)step, id,
		 "cannot run there (finished, blocked, or no such task)");
	return -1;
}
