/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spinlock_t and bit spinlocks (include/linux/spinlock.h,
 * include/linux/bit_spinlock.h). A holder may not sleep. Under the explore
 * backend a task spinning on a held lock is simply not scheduled until the
 * lock is free, so an exploration never spins and a lock nobody releases
 * shows up as a deadlock.
 */
#ifndef PMM_SCHED_SPINLOCK_H
#define PMM_SCHED_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/sched.h"

typedef struct {
	uint32_t locked;
	int owner;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED { 0, -1 }

void spin_lock_init(spinlock_t *l);
void spin_lock_at(spinlock_t *l, const struct pmm_loc *loc);
bool spin_trylock_at(spinlock_t *l, const struct pmm_loc *loc);
void spin_unlock_at(spinlock_t *l, const struct pmm_loc *loc);
bool spin_is_locked(spinlock_t *l);

#define spin_lock(l)		spin_lock_at((l), PMM_HERE)
#define spin_trylock(l)		spin_trylock_at((l), PMM_HERE)
#define spin_unlock(l)		spin_unlock_at((l), PMM_HERE)

void bit_spin_lock_at(int bitnum, unsigned long *addr, const struct pmm_loc *loc);
bool bit_spin_trylock_at(int bitnum, unsigned long *addr, const struct pmm_loc *loc);
void bit_spin_unlock_at(int bitnum, unsigned long *addr, const struct pmm_loc *loc);

#define bit_spin_lock(nr, addr)		bit_spin_lock_at((nr), (addr), PMM_HERE)
#define bit_spin_trylock(nr, addr)	bit_spin_trylock_at((nr), (addr), PMM_HERE)
#define bit_spin_unlock(nr, addr)	bit_spin_unlock_at((nr), (addr), PMM_HERE)

#endif /* PMM_SCHED_SPINLOCK_H */
