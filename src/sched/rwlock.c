// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sched/atomic.h"
#include "sched/rwlock.h"

void rwlock_init(rwlock_t *l)
{
	l->cnts = 0;
	l->owner = -1;
}

static uint32_t cnts_load(const rwlock_t *l)
{
	return __atomic_load_n(&l->cnts, __ATOMIC_RELAXED);
}

static bool read_can_lock(const struct task *t, const void *arg)
{
	(void)t;
	return !(cnts_load(arg) & RWLOCK_WRITER);
}

static bool write_can_lock(const struct task *t, const void *arg)
{
	(void)t;
	return cnts_load(arg) == 0;
}

/* One native attempt at the read side: count in unless a writer holds. */
static bool native_read_trylock(rwlock_t *l)
{
	uint32_t c = cnts_load(l);

	while (!(c & RWLOCK_WRITER))
		if (__atomic_compare_exchange_n(&l->cnts, &c, c + 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	return false;
}

static bool native_write_trylock(rwlock_t *l)
{
	uint32_t c = 0;

	return __atomic_compare_exchange_n(&l->cnts, &c, RWLOCK_WRITER, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static bool read_would_write(const void *arg)
{
	return !(cnts_load(arg) & RWLOCK_WRITER);
}

static bool write_would_write(const void *arg)
{
	return cnts_load(arg) == 0;
}

/*
 * queued_read_lock(), without the queue (see rwlock.h): the fast path's
 * atomic add is a step of its own that never waits, and only when a
 * writer held the lock then does the reader wait (the slow path) for a
 * later step. Two steps, not one guarded step, because DPOR takes a
 * guarded acquisition to have waited for the release before it, which
 * a reader that found only readers did not: it could have come before
 * the other reader's unlock, and DPOR must try that order.
 */
void read_lock_at(rwlock_t *l, const struct pmm_loc *loc)
{
	if (sched_exploring()) {
		sched_point_cond_at(l, PMM_ACC_ACQUIRE, loc, read_would_write, l);
		if (cnts_load(l) & RWLOCK_WRITER) {
			sched_step_read_only();
			/* It waits for the writer, not for other readers. */
			sched_step_shared();
			sched_wait_at(l, PMM_ACC_ACQUIRE, loc, read_can_lock, l);
		}
		l->cnts++;
	} else {
		while (!native_read_trylock(l))
			while (cnts_load(l) & RWLOCK_WRITER)
				cpu_relax();
	}
	sched_atomic_enter();
}

/* queued_write_lock() */
void write_lock_at(rwlock_t *l, const struct pmm_loc *loc)
{
	if (sched_exploring()) {
		sched_wait_at(l, PMM_ACC_ACQUIRE, loc, write_can_lock, l);
		l->cnts = RWLOCK_WRITER;
	} else {
		while (!native_write_trylock(l))
			while (cnts_load(l))
				cpu_relax();
	}
	l->owner = pmm_task_id();
	sched_atomic_enter();
}

/* queued_read_trylock() */
bool read_trylock_at(rwlock_t *l, const struct pmm_loc *loc)
{
	sched_point_cond_at(l, PMM_ACC_ACQUIRE, loc, read_would_write, l);
	if (!native_read_trylock(l)) {
		sched_step_read_only();
		return false;
	}
	sched_atomic_enter();
	return true;
}

/* queued_write_trylock() */
bool write_trylock_at(rwlock_t *l, const struct pmm_loc *loc)
{
	sched_point_cond_at(l, PMM_ACC_ACQUIRE, loc, write_would_write, l);
	if (!native_write_trylock(l)) {
		sched_step_read_only();
		return false;
	}
	l->owner = pmm_task_id();
	sched_atomic_enter();
	return true;
}

static void bad_unlock(rwlock_t *l, const char *what, const struct pmm_loc *loc)
{
	pmm_violation("bug-on", "%s of an rwlock with count %#x at %s:%d", what,
		      cnts_load(l), loc->file, loc->line);
}

/* queued_read_unlock() */
void read_unlock_at(rwlock_t *l, const struct pmm_loc *loc)
{
	uint32_t c;

	sched_step_shared();
	sched_point_at(l, PMM_ACC_RELEASE, loc);
	c = cnts_load(l);
	if (c == 0 || (c & RWLOCK_WRITER)) {
		bad_unlock(l, "read_unlock", loc);
		return;
	}
	if (!sched_atomic_exit("read_unlock", loc))
		return;
	__atomic_fetch_sub(&l->cnts, 1, __ATOMIC_RELEASE);
}

/* queued_write_unlock(), with CONFIG_DEBUG_SPINLOCK's owner check. */
void write_unlock_at(rwlock_t *l, const struct pmm_loc *loc)
{
	sched_point_at(l, PMM_ACC_RELEASE, loc);
	if (cnts_load(l) != RWLOCK_WRITER || l->owner != pmm_task_id()) {
		bad_unlock(l, "write_unlock", loc);
		return;
	}
	if (!sched_atomic_exit("write_unlock", loc))
		return;
	l->owner = -1;
	__atomic_store_n(&l->cnts, 0, __ATOMIC_RELEASE);
}

bool rwlock_is_locked(rwlock_t *l)
{
	sched_point(l, PMM_ACC_READ);
	return cnts_load(l) != 0;
}

bool rwlock_is_write_locked(rwlock_t *l)
{
	sched_point(l, PMM_ACC_READ);
	return cnts_load(l) == RWLOCK_WRITER;
}

bool rwlock_assert_held_write(rwlock_t *l, const struct pmm_loc *loc)
{
	if (cnts_load(l) == RWLOCK_WRITER && l->owner == pmm_task_id())
		return true;
	pmm_violation("bug-on", "rwlock not held for write at %s:%d", loc->file,
		      loc->line);
	return false;
}

bool rwlock_assert_held(rwlock_t *l, const struct pmm_loc *loc)
{
	if (cnts_load(l) != 0)
		return true;
	pmm_violation("bug-on", "rwlock not held at %s:%d", loc->file, loc->line);
	return false;
}
