/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wound/wait mutexes (kernel/locking/ww_mutex.h, include/linux/ww_mutex.h):
 * several locks taken by one acquire context in any order. When two
 * contexts want each other's locks, the younger (larger stamp) backs off:
 * ww_mutex_lock() returns -EDEADLK, the caller unlocks everything it holds
 * and takes the contended lock with ww_mutex_lock_slow(), then the rest.
 *
 * Both of the kernel's algorithms: wound-wait (DEFINE_WW_CLASS, the one
 * dma_resv's reservation_ww_class uses), where an older context waiting
 * for a lock marks its younger holder wounded and the holder backs off at
 * its next contended lock; and wait-die (DEFINE_WD_CLASS), where the
 * younger waiter backs off at once. A context holding nothing never backs
 * off. ww_mutex_lock() with a NULL context is a plain mutex_lock().
 *
 * Simplified: the waiters are a set, not a list ordered by stamp (the
 * explorer picks which runnable waiter takes a freed lock; the kernel
 * hands it to the first), at most WW_MAX_WAITERS with a context,
 * no -EALREADY debug of the lock class beyond the context check.
 */
#ifndef PMM_SCHED_WW_MUTEX_H
#define PMM_SCHED_WW_MUTEX_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/futex.h"
#include "sched/sched.h"

struct ww_class {
	unsigned long stamp;
	bool is_wait_die;
	/* Native: one wait channel for the class (wounds wake other locks). */
	struct eventcount ec;
	uint32_t wait_lock;
};

#define DEFINE_WW_CLASS(name) struct ww_class name = { .is_wait_die = false }
#define DEFINE_WD_CLASS(name) struct ww_class name = { .is_wait_die = true }

struct ww_acquire_ctx {
	struct ww_class *ww_class;
	unsigned long stamp;
	unsigned int acquired;
	bool wounded;
	int task;
};

#define WW_MAX_WAITERS 8

struct ww_mutex {
	uint32_t locked;
	int owner;
	struct ww_acquire_ctx *ctx;
	struct ww_class *ww_class;
	/* The contexts waiting for it: a new owner checks them. */
	struct ww_acquire_ctx *waiters[WW_MAX_WAITERS];
};

void ww_mutex_init(struct ww_mutex *lock, struct ww_class *ww_class);
/* ww_acquire_init(): a new context, younger than every earlier one. */
void ww_acquire_init(struct ww_acquire_ctx *ctx, struct ww_class *ww_class);
/* ww_acquire_fini(): every lock of @ctx must be unlocked (a bug-on if not). */
void ww_acquire_fini(struct ww_acquire_ctx *ctx);
/* 0, -EDEADLK (back off), or -EALREADY (@ctx holds it already). */
int ww_mutex_lock_at(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
		     const struct pmm_loc *loc);
/* After a back-off, with nothing held: waits, never -EDEADLK. */
void ww_mutex_lock_slow_at(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			   const struct pmm_loc *loc);
bool ww_mutex_trylock_at(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			 const struct pmm_loc *loc);
void ww_mutex_unlock_at(struct ww_mutex *lock, const struct pmm_loc *loc);
bool ww_mutex_is_locked(struct ww_mutex *lock);
/* Whether the calling task holds @lock (dma_resv_assert_held()). */
bool ww_mutex_held(const struct ww_mutex *lock);

#define ww_mutex_lock(l, c)	 ww_mutex_lock_at((l), (c), PMM_HERE)
#define ww_mutex_lock_slow(l, c) ww_mutex_lock_slow_at((l), (c), PMM_HERE)
#define ww_mutex_trylock(l, c)	 ww_mutex_trylock_at((l), (c), PMM_HERE)
#define ww_mutex_unlock(l)	 ww_mutex_unlock_at((l), PMM_HERE)

#endif /* PMM_SCHED_WW_MUTEX_H */
