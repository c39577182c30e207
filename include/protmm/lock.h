/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/lock.h - spinlocks, mutexes and read-write semaphores for programs
 * the explorer runs (protmm/sched.h), with the kernel's rules.
 *
 * Under the explore backend a task that would spin or sleep on a held lock
 * is simply not scheduled until the lock is free, so an exploration never
 * spins, and a lock that is never released shows up as a "deadlock"
 * violation with the blocked tasks in the trace. Misuse is a "bug-on"
 * violation, as the kernel's debug options would report it: unlocking a
 * lock the task does not hold, sleeping (mutex, rwsem, synchronize_rcu)
 * with a spinlock held or inside an RCU reader, a task ending with a
 * spinlock held. Taking a lock is a read-modify-write of the lock, letting
 * it go a release of it.
 *
 * Rwsem simplification: a reader queues behind a waiting writer (the
 * kernel lets readers steal the lock until the writer asks for a hand-off),
 * so a read-side recursion with a writer waiting always deadlocks here.
 *
 * Context table:
 *
 *   function                          setup()  task   finish()  may sleep
 *   pmm_*_init                          yes     yes     yes        no
 *   pmm_spin_lock, pmm_spin_unlock      yes     yes     yes        no
 *   pmm_mutex_lock, pmm_down_read,      yes*    yes     yes*       yes
 *     pmm_down_write
 *   pmm_*_trylock, pmm_mutex_unlock,    yes     yes     yes        no
 *     pmm_up_*, pmm_downgrade_write
 *   pmm_*_is_locked                     yes     yes     yes        no
 *
 *   (*) outside a task a lock that is held cannot be waited for: that is
 *   a "bug-on" violation. "May sleep": not with a spinlock held, not in
 *   an RCU read-side critical section.
 *
 * The types are opaque: allocate them with the program's state
 * (pmm_alloc()) and initialise each with its pmm_*_init() before use.
 */
#ifndef PROTMM_LOCK_H
#define PROTMM_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "protmm/common.h"
#include "protmm/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	uint64_t __opaque[2];
} pmm_spinlock_t;

typedef struct {
	uint64_t __opaque[2];
} pmm_mutex_t;

typedef struct {
	uint64_t __opaque[4];
} pmm_rwsem_t;

PMM_API void pmm_spin_lock_init(pmm_spinlock_t *l);
PMM_API void pmm_spin_lock_at(pmm_spinlock_t *l, const struct pmm_loc *loc);
PMM_API bool pmm_spin_trylock_at(pmm_spinlock_t *l, const struct pmm_loc *loc);
PMM_API void pmm_spin_unlock_at(pmm_spinlock_t *l, const struct pmm_loc *loc);
PMM_API bool pmm_spin_is_locked(pmm_spinlock_t *l);

#define pmm_spin_lock(l)	pmm_spin_lock_at((l), PMM_HERE)
#define pmm_spin_trylock(l)	pmm_spin_trylock_at((l), PMM_HERE)
#define pmm_spin_unlock(l)	pmm_spin_unlock_at((l), PMM_HERE)

PMM_API void pmm_mutex_init(pmm_mutex_t *m);
PMM_API void pmm_mutex_lock_at(pmm_mutex_t *m, const struct pmm_loc *loc);
PMM_API bool pmm_mutex_trylock_at(pmm_mutex_t *m, const struct pmm_loc *loc);
PMM_API void pmm_mutex_unlock_at(pmm_mutex_t *m, const struct pmm_loc *loc);
PMM_API bool pmm_mutex_is_locked(pmm_mutex_t *m);

#define pmm_mutex_lock(m)	pmm_mutex_lock_at((m), PMM_HERE)
#define pmm_mutex_trylock(m)	pmm_mutex_trylock_at((m), PMM_HERE)
#define pmm_mutex_unlock(m)	pmm_mutex_unlock_at((m), PMM_HERE)

PMM_API void pmm_rwsem_init(pmm_rwsem_t *sem);
PMM_API void pmm_down_read_at(pmm_rwsem_t *sem, const struct pmm_loc *loc);
PMM_API bool pmm_down_read_trylock_at(pmm_rwsem_t *sem,
				      const struct pmm_loc *loc);
PMM_API void pmm_up_read_at(pmm_rwsem_t *sem, const struct pmm_loc *loc);
PMM_API void pmm_down_write_at(pmm_rwsem_t *sem, const struct pmm_loc *loc);
PMM_API bool pmm_down_write_trylock_at(pmm_rwsem_t *sem,
				       const struct pmm_loc *loc);
PMM_API void pmm_up_write_at(pmm_rwsem_t *sem, const struct pmm_loc *loc);
PMM_API void pmm_downgrade_write_at(pmm_rwsem_t *sem,
				    const struct pmm_loc *loc);
PMM_API bool pmm_rwsem_is_locked(pmm_rwsem_t *sem);

#define pmm_down_read(s)		pmm_down_read_at((s), PMM_HERE)
#define pmm_down_read_trylock(s)	pmm_down_read_trylock_at((s), PMM_HERE)
#define pmm_up_read(s)			pmm_up_read_at((s), PMM_HERE)
#define pmm_down_write(s)		pmm_down_write_at((s), PMM_HERE)
#define pmm_down_write_trylock(s)	pmm_down_write_trylock_at((s), PMM_HERE)
#define pmm_up_write(s)			pmm_up_write_at((s), PMM_HERE)
#define pmm_downgrade_write(s)		pmm_downgrade_write_at((s), PMM_HERE)

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_LOCK_H */
