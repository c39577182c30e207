// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sched/futex.h"
#include "sched/mutex.h"

void mutex_init(struct mutex *m)
{
	m->state = 0;
	m->owner = -1;
}

static bool mutex_free(const struct task *t, const void *arg)
{
	const struct mutex *m = arg;

	(void)t;
	return m->state == 0;
}

static uint32_t cmpxchg32(uint32_t *p, uint32_t o, uint32_t n)
{
	__atomic_compare_exchange_n(p, &o, n, false, __ATOMIC_ACQUIRE,
				    __ATOMIC_RELAXED);
	return o;
}

/* The three-state futex mutex of Drepper's "Futexes Are Tricky". */
static void native_mutex_lock(struct mutex *m)
{
	uint32_t c = cmpxchg32(&m->state, 0, 1);

	if (c == 0)
		return;
	do {
		if (c == 2 || cmpxchg32(&m->state, 1, 2) != 0)
			futex_wait(&m->state, 2);
	} while ((c = cmpxchg32(&m->state, 0, 2)) != 0);
}

/* mutex_lock() */
void mutex_lock_at(struct mutex *m, const struct pmm_loc *loc)
{
	sched_might_sleep(loc);
	if (sched_exploring()) {
		sched_wait_at(m, PMM_ACC_ACQUIRE, loc, mutex_free, m);
		m->state = 1;
	} else {
		native_mutex_lock(m);
	}
	m->owner = pmm_task_id();
}

bool mutex_trylock_at(struct mutex *m, const struct pmm_loc *loc)
{
	struct sched_cas_probe p = { &m->state, 0, sizeof(m->state) };

	sched_point_cond_at(m, PMM_ACC_ACQUIRE, loc, sched_cas_would_write, &p);
	if (cmpxchg32(&m->state, 0, 1) != 0) {
		sched_step_read_only();
		return false;
	}
	m->owner = pmm_task_id();
	return true;
}

/* mutex_unlock(): the owner check of debug_mutex_unlock(). */
void mutex_unlock_at(struct mutex *m, const struct pmm_loc *loc)
{
	sched_point_at(m, PMM_ACC_RELEASE, loc);
	if (!__atomic_load_n(&m->state, __ATOMIC_RELAXED) ||
	    m->owner != pmm_task_id()) {
		pmm_violation("bug-on", "mutex_unlock of a mutex %s at %s:%d",
			      m->state ? "owned by another task" : "not locked",
			      loc->file, loc->line);
		return;
	}
	m->owner = -1;
	if (__atomic_fetch_sub(&m->state, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&m->state, 0, __ATOMIC_RELEASE);
		futex_wake(&m->state, 1);
	}
}

bool mutex_is_locked(struct mutex *m)
{
	sched_point(m, PMM_ACC_READ);
	return __atomic_load_n(&m->state, __ATOMIC_RELAXED) != 0;
}
