// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The public synchronisation API (protmm/atomic.h, lock.h, wait.h, rcu.h):
 * exported wrappers over the substrate's own primitives, so a program
 * outside the tree gets exactly the yield points and access annotations
 * the model's code makes. The public lock types are opaque storage that
 * holds the internal ones.
 */
#include <stdalign.h>

#include "protmm/atomic.h"
#include "protmm/lock.h"
#include "protmm/rcu.h"
#include "protmm/wait.h"
#include "sched/atomic.h"
#include "sched/completion.h"
#include "sched/mutex.h"
#include "sched/rcu.h"
#include "sched/rwsem.h"
#include "sched/sched.h"
#include "sched/spinlock.h"
#include "sched/wait.h"

#define FITS(pub, priv)							\
	_Static_assert(sizeof(pub) >= sizeof(priv) &&			\
		       alignof(pub) >= alignof(priv),			\
		       #pub " cannot hold " #priv)

FITS(pmm_atomic_t, atomic_t);
FITS(pmm_atomic_long_t, atomic_long_t);
FITS(pmm_spinlock_t, spinlock_t);
FITS(pmm_mutex_t, struct mutex);
FITS(pmm_rwsem_t, struct rw_semaphore);
FITS(pmm_waitqueue_t, wait_queue_head_t);
FITS(struct pmm_wait_token, struct wait_token);
FITS(pmm_completion_t, struct completion);
_Static_assert(sizeof(long) == 8, "pmm_cmpxchg() of 8 bytes is a long's");

void pmm_yield_at(const void *obj, enum pmm_access kind,
		  const struct pmm_loc *loc)
{
	sched_point_at(obj, kind, loc);
}

/* Atomics: the same inline operations the model uses. */
#define ATOMIC_WRAPPERS(pub, priv, pfx, type)				\
type pub##_read_at(const pub##_t *v, const struct pmm_loc *loc)	\
{									\
	return pfx##_read_at((const priv *)v, loc);			\
}									\
type pub##_read_acquire_at(const pub##_t *v, const struct pmm_loc *loc) \
{									\
	/* An acquire load is a read (DPOR): no lock is taken. */	\
	sched_point_at(v, PMM_ACC_READ, loc);				\
	return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE);		\
}									\
void pub##_set_at(pub##_t *v, type i, const struct pmm_loc *loc)	\
{									\
	pfx##_set_at((priv *)v, i, loc);				\
}									\
void pub##_set_release_at(pub##_t *v, type i, const struct pmm_loc *loc) \
{									\
	sched_point_at(v, PMM_ACC_RELEASE, loc);			\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELEASE);		\
}									\
void pub##_add_at(type i, pub##_t *v, const struct pmm_loc *loc)	\
{									\
	pfx##_add_at(i, (priv *)v, loc);				\
}									\
type pub##_add_return_at(type i, pub##_t *v, const struct pmm_loc *loc) \
{									\
	return pfx##_add_return_at(i, (priv *)v, loc);			\
}									\
type pub##_fetch_add_at(type i, pub##_t *v, const struct pmm_loc *loc) \
{									\
	return pfx##_fetch_add_at(i, (priv *)v, loc);			\
}									\
type pub##_xchg_at(pub##_t *v, type n, const struct pmm_loc *loc)	\
{									\
	return pfx##_xchg_at((priv *)v, n, loc);			\
}									\
type pub##_cmpxchg_at(pub##_t *v, type o, type n,			\
		      const struct pmm_loc *loc)			\
{									\
	return pfx##_cmpxchg_at((priv *)v, o, n, loc);			\
}									\
bool pub##_add_unless_at(pub##_t *v, type a, type u,			\
			 const struct pmm_loc *loc)			\
{									\
	return pfx##_add_unless_at((priv *)v, a, u, loc);		\
}

ATOMIC_WRAPPERS(pmm_atomic, atomic_t, atomic, int)
ATOMIC_WRAPPERS(pmm_atomic_long, atomic_long_t, atomic_long, long)

/* Plain scalars: READ_ONCE/WRITE_ONCE and acquire/release by size. */
uint64_t pmm_load_at(const void *p, size_t size, bool acquire,
		     const struct pmm_loc *loc)
{
	int order = acquire ? __ATOMIC_ACQUIRE : __ATOMIC_RELAXED;

	/* Acquire or not, a load only reads (DPOR). */
	(void)acquire;
	sched_point_at(p, PMM_ACC_READ, loc);
	switch (size) {
	case 1:
		return __atomic_load_n((const uint8_t *)p, order);
	case 2:
		return __atomic_load_n((const uint16_t *)p, order);
	case 4:
		return __atomic_load_n((const uint32_t *)p, order);
	case 8:
		return __atomic_load_n((const uint64_t *)p, order);
	}
	pmm_violation("bug-on", "pmm_load of %zu bytes at %s:%d: only 1, 2, 4 "
		      "or 8 are supported", size, loc->file, loc->line);
	return 0;
}

void pmm_store_at(void *p, size_t size, uint64_t v, bool release,
		  const struct pmm_loc *loc)
{
	int order = release ? __ATOMIC_RELEASE : __ATOMIC_RELAXED;

	sched_point_at(p, release ? PMM_ACC_RELEASE : PMM_ACC_WRITE, loc);
	switch (size) {
	case 1:
		__atomic_store_n((uint8_t *)p, (uint8_t)v, order);
		return;
	case 2:
		__atomic_store_n((uint16_t *)p, (uint16_t)v, order);
		return;
	case 4:
		__atomic_store_n((uint32_t *)p, (uint32_t)v, order);
		return;
	case 8:
		__atomic_store_n((uint64_t *)p, v, order);
		return;
	}
	pmm_violation("bug-on", "pmm_store of %zu bytes at %s:%d: only 1, 2, 4 "
		      "or 8 are supported", size, loc->file, loc->line);
}

/* Word-sized exchanges are atomic_t's and atomic_long_t's operations. */
uint64_t pmm_xchg_at(void *p, size_t size, uint64_t n,
		     const struct pmm_loc *loc)
{
	if (size == 4)
		return (uint32_t)atomic_xchg_at(p, (int)(uint32_t)n, loc);
	if (size == 8)
		return (uint64_t)atomic_long_xchg_at(p, (long)n, loc);
	pmm_violation("bug-on", "pmm_xchg of %zu bytes at %s:%d: only 4 or 8 "
		      "are supported", size, loc->file, loc->line);
	return 0;
}

uint64_t pmm_cmpxchg_at(void *p, size_t size, uint64_t o, uint64_t n,
			const struct pmm_loc *loc)
{
	if (size == 4)
		return (uint32_t)atomic_cmpxchg_at(p, (int)(uint32_t)o,
						   (int)(uint32_t)n, loc);
	if (size == 8)
		return (uint64_t)atomic_long_cmpxchg_at(p, (long)o, (long)n, loc);
	pmm_violation("bug-on", "pmm_cmpxchg of %zu bytes at %s:%d: only 4 or 8 "
		      "are supported", size, loc->file, loc->line);
	return 0;
}

/* Spinlocks, mutexes, rwsems. */

#define LOCK(pub) ((spinlock_t *)(void *)(pub))
#define MUTEX(pub) ((struct mutex *)(void *)(pub))
#define RWSEM(pub) ((struct rw_semaphore *)(void *)(pub))

void pmm_spin_lock_init(pmm_spinlock_t *l)
{
	spin_lock_init(LOCK(l));
}

void pmm_spin_lock_at(pmm_spinlock_t *l, const struct pmm_loc *loc)
{
	spin_lock_at(LOCK(l), loc);
}

bool pmm_spin_trylock_at(pmm_spinlock_t *l, const struct pmm_loc *loc)
{
	return spin_trylock_at(LOCK(l), loc);
}

void pmm_spin_unlock_at(pmm_spinlock_t *l, const struct pmm_loc *loc)
{
	spin_unlock_at(LOCK(l), loc);
}

bool pmm_spin_is_locked(pmm_spinlock_t *l)
{
	return spin_is_locked(LOCK(l));
}

void pmm_mutex_init(pmm_mutex_t *m)
{
	mutex_init(MUTEX(m));
}

void pmm_mutex_lock_at(pmm_mutex_t *m, const struct pmm_loc *loc)
{
	mutex_lock_at(MUTEX(m), loc);
}

bool pmm_mutex_trylock_at(pmm_mutex_t *m, const struct pmm_loc *loc)
{
	return mutex_trylock_at(MUTEX(m), loc);
}

void pmm_mutex_unlock_at(pmm_mutex_t *m, const struct pmm_loc *loc)
{
	mutex_unlock_at(MUTEX(m), loc);
}

bool pmm_mutex_is_locked(pmm_mutex_t *m)
{
	return mutex_is_locked(MUTEX(m));
}

void pmm_rwsem_init(pmm_rwsem_t *sem)
{
	init_rwsem(RWSEM(sem));
}

void pmm_down_read_at(pmm_rwsem_t *sem, const struct pmm_loc *loc)
{
	down_read_at(RWSEM(sem), loc);
}

bool pmm_down_read_trylock_at(pmm_rwsem_t *sem, const struct pmm_loc *loc)
{
	return down_read_trylock_at(RWSEM(sem), loc);
}

void pmm_up_read_at(pmm_rwsem_t *sem, const struct pmm_loc *loc)
{
	up_read_at(RWSEM(sem), loc);
}

void pmm_down_write_at(pmm_rwsem_t *sem, const struct pmm_loc *loc)
{
	down_write_at(RWSEM(sem), loc);
}

bool pmm_down_write_trylock_at(pmm_rwsem_t *sem, const struct pmm_loc *loc)
{
	return down_write_trylock_at(RWSEM(sem), loc);
}

void pmm_up_write_at(pmm_rwsem_t *sem, const struct pmm_loc *loc)
{
	up_write_at(RWSEM(sem), loc);
}

void pmm_downgrade_write_at(pmm_rwsem_t *sem, const struct pmm_loc *loc)
{
	downgrade_write_at(RWSEM(sem), loc);
}

bool pmm_rwsem_is_locked(pmm_rwsem_t *sem)
{
	return rwsem_is_locked(RWSEM(sem));
}

/* Wait queues and completions. */

#define WQ(pub) ((wait_queue_head_t *)(void *)(pub))
#define TOKEN(pub) ((struct wait_token *)(void *)(pub))
#define COMPLETION(pub) ((struct completion *)(void *)(pub))

void pmm_waitqueue_init(pmm_waitqueue_t *wq)
{
	init_waitqueue_head(WQ(wq));
}

void pmm_prepare_to_wait_at(pmm_waitqueue_t *wq, struct pmm_wait_token *w,
			    const struct pmm_loc *loc)
{
	prepare_to_wait_at(WQ(wq), TOKEN(w), loc);
}

bool pmm_wait_schedule_at(pmm_waitqueue_t *wq, struct pmm_wait_token *w,
			  const struct pmm_loc *loc)
{
	return wait_schedule_at(WQ(wq), TOKEN(w), loc);
}

void pmm_finish_wait(pmm_waitqueue_t *wq, struct pmm_wait_token *w)
{
	finish_wait(WQ(wq), TOKEN(w));
}

void pmm_wake_up_at(pmm_waitqueue_t *wq, const struct pmm_loc *loc)
{
	wake_up_at(WQ(wq), loc);
}

void pmm_completion_init(pmm_completion_t *x)
{
	init_completion(COMPLETION(x));
}

void pmm_reinit_completion(pmm_completion_t *x)
{
	reinit_completion(COMPLETION(x));
}

void pmm_complete_at(pmm_completion_t *x, const struct pmm_loc *loc)
{
	complete_at(COMPLETION(x), loc);
}

void pmm_complete_all_at(pmm_completion_t *x, const struct pmm_loc *loc)
{
	complete_all_at(COMPLETION(x), loc);
}

void pmm_wait_for_completion_at(pmm_completion_t *x, const struct pmm_loc *loc)
{
	wait_for_completion_at(COMPLETION(x), loc);
}

bool pmm_try_wait_for_completion_at(pmm_completion_t *x,
				    const struct pmm_loc *loc)
{
	return try_wait_for_completion_at(COMPLETION(x), loc);
}

bool pmm_completion_done(pmm_completion_t *x)
{
	return completion_done(COMPLETION(x));
}

/* RCU. */

void pmm_rcu_read_lock_at(const struct pmm_loc *loc)
{
	rcu_read_lock_at(loc);
}

void pmm_rcu_read_unlock_at(const struct pmm_loc *loc)
{
	rcu_read_unlock_at(loc);
}

void pmm_synchronize_rcu_at(const struct pmm_loc *loc)
{
	synchronize_rcu_at(loc);
}
