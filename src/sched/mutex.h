/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct mutex (kernel/locking/mutex.c): a sleeping lock with an owner.
 * Only the owner may unlock (CONFIG_DEBUG_MUTEXES), a mutex may not be
 * taken with a spinlock held or in an RCU reader (might_sleep()).
 */
#ifndef PMM_SCHED_MUTEX_H
#define PMM_SCHED_MUTEX_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/sched.h"

struct mutex {
	/* 0 unlocked, 1 locked, 2 locked with sleepers (native only). */
	uint32_t state;
	int owner;
};

void mutex_init(struct mutex *m);
void mutex_lock_at(struct mutex *m, const struct pmm_loc *loc);
bool mutex_trylock_at(struct mutex *m, const struct pmm_loc *loc);
void mutex_unlock_at(struct mutex *m, const struct pmm_loc *loc);
bool mutex_is_locked(struct mutex *m);

#define mutex_lock(m)		mutex_lock_at((m), PMM_HERE)
#define mutex_trylock(m)	mutex_trylock_at((m), PMM_HERE)
#define mutex_unlock(m)		mutex_unlock_at((m), PMM_HERE)

#endif /* PMM_SCHED_MUTEX_H */
