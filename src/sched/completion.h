/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct completion (kernel/sched/completion.c). complete() always wakes,
 * so under the explore backend a waiter is simply runnable once done > 0:
 * the same executions as the kernel's wait-queue loop, with fewer steps.
 */
#ifndef PMM_SCHED_COMPLETION_H
#define PMM_SCHED_COMPLETION_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/futex.h"
#include "sched/sched.h"

struct completion {
	uint32_t done;
	struct eventcount ec;
};

#define COMPLETE_ALL UINT32_MAX

void init_completion(struct completion *x);
void reinit_completion(struct completion *x);
void complete_at(struct completion *x, const struct pmm_loc *loc);
void complete_all_at(struct completion *x, const struct pmm_loc *loc);
void wait_for_completion_at(struct completion *x, const struct pmm_loc *loc);
bool try_wait_for_completion_at(struct completion *x, const struct pmm_loc *loc);
bool completion_done(struct completion *x);

#define complete(x)			complete_at((x), PMM_HERE)
#define complete_all(x)			complete_all_at((x), PMM_HERE)
#define wait_for_completion(x)		wait_for_completion_at((x), PMM_HERE)
#define try_wait_for_completion(x)	try_wait_for_completion_at((x), PMM_HERE)

#endif /* PMM_SCHED_COMPLETION_H */
