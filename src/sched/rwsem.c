// SPDX-License-Identifier: LGPL-2.1-or-later
#include <string.h>

#include "sched/rwsem.h"

void init_rwsem(struct rw_semaphore *sem)
{
	memset(sem, 0, sizeof(*sem));
	sem->owner = -1;
}

static uint32_t load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static bool cas(uint32_t *p, uint32_t o, uint32_t n)
{
	return __atomic_compare_exchange_n(p, &o, n, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_RELAXED);
}

/* rwsem_read_trylock(): fails under a writer or with a writer queued. */
static bool read_trylock(struct rw_semaphore *sem)
{
	uint32_t s = load(&sem->state);

	while (!(s & RWSEM_WRITER) && !load(&sem->writers_waiting)) {
		if (cas(&sem->state, s, s + 1))
			return true;
		s = load(&sem->state);
	}
	return false;
}

static bool read_can_lock(const struct task *t, const void *arg)
{
	const struct rw_semaphore *sem = arg;

	(void)t;
	return !(sem->state & RWSEM_WRITER) && !sem->writers_waiting;
}

static bool write_can_lock(const struct task *t, const void *arg)
{
	const struct rw_semaphore *sem = arg;

	(void)t;
	return sem->state == 0;
}

static void native_wait(struct rw_semaphore *sem,
			bool (*trylock)(struct rw_semaphore *))
{
	for (;;) {
		uint32_t seq = eventcount_prepare(&sem->ec);

		if (trylock(sem))
			break;
		eventcount_wait(&sem->ec, seq);
		eventcount_finish(&sem->ec);
	}
	eventcount_finish(&sem->ec);
}

/* down_read() */
void down_read_at(struct rw_semaphore *sem, const struct pmm_loc *loc)
{
	sched_might_sleep(loc);
	if (sched_exploring()) {
		sched_step_shared();
		sched_wait_at(sem, PMM_ACC_ACQUIRE, loc, read_can_lock, sem);
		sem->state++;
		return;
	}
	if (!read_trylock(sem))
		native_wait(sem, read_trylock);
}

bool down_read_trylock_at(struct rw_semaphore *sem, const struct pmm_loc *loc)
{
	sched_point_at(sem, PMM_ACC_ACQUIRE, loc);
	if (read_trylock(sem))
		return true;
	sched_step_read_only();
	return false;
}

static void bad_unlock(struct rw_semaphore *sem, const char *what,
		       const struct pmm_loc *loc)
{
	pmm_violation("bug-on", "%s of an rwsem in state %#x at %s:%d", what,
		      sem->state, loc->file, loc->line);
}

/* up_read() */
void up_read_at(struct rw_semaphore *sem, const struct pmm_loc *loc)
{
	uint32_t s;

	sched_step_shared();
	sched_point_at(sem, PMM_ACC_RELEASE, loc);
	s = load(&sem->state);
	if (s == 0 || (s & RWSEM_WRITER)) {
		bad_unlock(sem, "up_read", loc);
		return;
	}
	__atomic_fetch_sub(&sem->state, 1, __ATOMIC_SEQ_CST);
	if (!sched_exploring())
		eventcount_signal(&sem->ec);
}

static bool write_trylock(struct rw_semaphore *sem)
{
	return cas(&sem->state, 0, RWSEM_WRITER);
}

/*
 * down_write(): one step when the lock is free; otherwise the writer
 * queues (new readers now wait) and takes the lock in a later step.
 */
void down_write_at(struct rw_semaphore *sem, const struct pmm_loc *loc)
{
	sched_might_sleep(loc);
	if (sched_exploring()) {
		sched_point_at(sem, PMM_ACC_ACQUIRE, loc);
		if (sem->state != 0) {
			sem->writers_waiting++;
			sched_wait_at(sem, PMM_ACC_ACQUIRE, loc, write_can_lock, sem);
			sem->writers_waiting--;
		}
		sem->state = RWSEM_WRITER;
	} else if (!write_trylock(sem)) {
		/* Queued writers hold new readers back, as above. */
		__atomic_fetch_add(&sem->writers_waiting, 1, __ATOMIC_SEQ_CST);
		native_wait(sem, write_trylock);
		__atomic_fetch_sub(&sem->writers_waiting, 1, __ATOMIC_SEQ_CST);
		eventcount_signal(&sem->ec);
	}
	sem->owner = pmm_task_id();
}

bool down_write_trylock_at(struct rw_semaphore *sem, const struct pmm_loc *loc)
{
	sched_point_at(sem, PMM_ACC_ACQUIRE, loc);
	if (load(&sem->writers_waiting) || !write_trylock(sem)) {
		sched_step_read_only();
		return false;
	}
	sem->owner = pmm_task_id();
	return true;
}

/* up_write(): DEBUG_RWSEMS_WARN_ON(owner != current). */
void up_write_at(struct rw_semaphore *sem, const struct pmm_loc *loc)
{
	sched_point_at(sem, PMM_ACC_RELEASE, loc);
	if (load(&sem->state) != RWSEM_WRITER || sem->owner != pmm_task_id()) {
		bad_unlock(sem, "up_write", loc);
		return;
	}
	sem->owner = -1;
	__atomic_store_n(&sem->state, 0, __ATOMIC_SEQ_CST);
	if (!sched_exploring())
		eventcount_signal(&sem->ec);
}

/* downgrade_write(): the writer becomes a reader, readers may join. */
void downgrade_write_at(struct rw_semaphore *sem, const struct pmm_loc *loc)
{
	sched_point_at(sem, PMM_ACC_RELEASE, loc);
	if (load(&sem->state) != RWSEM_WRITER || sem->owner != pmm_task_id()) {
		bad_unlock(sem, "downgrade_write", loc);
		return;
	}
	sem->owner = -1;
	__atomic_store_n(&sem->state, 1, __ATOMIC_SEQ_CST);
	if (!sched_exploring())
		eventcount_signal(&sem->ec);
}

bool rwsem_is_locked(struct rw_semaphore *sem)
{
	sched_point(sem, PMM_ACC_READ);
	return load(&sem->state) != 0;
}
