/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct rw_semaphore (kernel/locking/rwsem.c), as mmap_lock uses it.
 *
 * Simplification: a reader queues behind a waiting writer. The kernel lets
 * a reader steal the lock from a queued writer until the writer asks for a
 * hand-off (after about 4 ms), so a read recursion with a writer waiting
 * deadlocks only sometimes there; here it deadlocks always, which is what
 * lockdep reports for it too.
 *
 * Context table:
 *   down_read, down_write         may sleep: no spinlock, no RCU reader
 *   *_trylock, up_*, downgrade    any context
 */
#ifndef PMM_SCHED_RWSEM_H
#define PMM_SCHED_RWSEM_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/futex.h"
#include "sched/sched.h"

#define RWSEM_WRITER	(1u << 31)

struct rw_semaphore {
	/* Reader count, or RWSEM_WRITER. */
	uint32_t state;
	uint32_t writers_waiting;
	int owner;
	struct eventcount ec;
};

void init_rwsem(struct rw_semaphore *sem);
void down_read_at(struct rw_semaphore *sem, const struct pmm_loc *loc);
bool down_read_trylock_at(struct rw_semaphore *sem, const struct pmm_loc *loc);
void up_read_at(struct rw_semaphore *sem, const struct pmm_loc *loc);
void down_write_at(struct rw_semaphore *sem, const struct pmm_loc *loc);
bool down_write_trylock_at(struct rw_semaphore *sem, const struct pmm_loc *loc);
void up_write_at(struct rw_semaphore *sem, const struct pmm_loc *loc);
void downgrade_write_at(struct rw_semaphore *sem, const struct pmm_loc *loc);
bool rwsem_is_locked(struct rw_semaphore *sem);

#define down_read(s)		down_read_at((s), PMM_HERE)
#define down_read_trylock(s)	down_read_trylock_at((s), PMM_HERE)
#define up_read(s)		up_read_at((s), PMM_HERE)
#define down_write(s)		down_write_at((s), PMM_HERE)
#define down_write_trylock(s)	down_write_trylock_at((s), PMM_HERE)
#define up_write(s)		up_write_at((s), PMM_HERE)
#define downgrade_write(s)	downgrade_write_at((s), PMM_HERE)

#endif /* PMM_SCHED_RWSEM_H */
