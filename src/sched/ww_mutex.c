// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "sched/ww_mutex.h"

void ww_mutex_init(struct ww_mutex *lock, struct ww_class *ww_class)
{
	unsigned int i;

	for (i = 0; i < WW_MAX_WAITERS; i++)
		lock->waiters[i] = NULL;
	lock->locked = 0;
	lock->owner = -1;
	lock->ctx = NULL;
	lock->ww_class = ww_class;
}

/* ww_acquire_init(): stamps only grow, so a later context is younger. */
void ww_acquire_init(struct ww_acquire_ctx *ctx, struct ww_class *ww_class)
{
	ctx->ww_class = ww_class;
	ctx->stamp = __atomic_add_fetch(&ww_class->stamp, 1, __ATOMIC_RELAXED);
	ctx->acquired = 0;
	ctx->wounded = false;
	ctx->task = pmm_task_id();
}

/* ww_acquire_fini(): DEBUG_WW_MUTEXES' check that nothing is still held. */
void ww_acquire_fini(struct ww_acquire_ctx *ctx)
{
	if (ctx->acquired)
		pmm_violation("bug-on", "ww_acquire_fini with %u lock(s) still held",
			      ctx->acquired);
}

/* __ww_ctx_less(): @a is younger than @b. */
static bool ww_ctx_less(const struct ww_acquire_ctx *a,
			const struct ww_acquire_ctx *b)
{
	return a->stamp > b->stamp;
}

/*
 * __ww_mutex_check_kill(): whether @ctx must back off from @lock now. A
 * context holding nothing waits; wait-die: a younger one dies before an
 * older holder; wound-wait: one an older context wounded backs off.
 */
static bool ww_kill(const struct ww_mutex *lock, const struct ww_acquire_ctx *ctx)
{
	const struct ww_acquire_ctx *hold = lock->ctx;

	if (!ctx || !ctx->acquired)
		return false;
	if (ctx->ww_class->is_wait_die)
		return hold && ww_ctx_less(ctx, hold);
	return ctx->wounded;
}

struct ww_wait {
	const struct ww_mutex *lock;
	const struct ww_acquire_ctx *ctx;
	bool slow;
};

static bool ww_can_go(const struct task *t, const void *arg)
{
	const struct ww_wait *w = arg;

	(void)t;
	return !w->lock->locked || (!w->slow && ww_kill(w->lock, w->ctx));
}

/*
 * __ww_mutex_wound(): an older @ctx that holds locks and waits for one
 * the younger @hold holds marks it wounded; it backs off at its next
 * contended lock, or now if it is waiting for one. True if newly wounded.
 */
static bool ww_wound(struct ww_acquire_ctx *ctx, struct ww_acquire_ctx *hold)
{
	if (!ctx || !hold || hold == ctx || ctx->ww_class->is_wait_die ||
	    !ctx->acquired || !ww_ctx_less(hold, ctx) || hold->wounded)
		return false;
	__atomic_store_n(&hold->wounded, true, __ATOMIC_RELAXED);
	return true;
}

/*
 * Taking the lock, then __ww_mutex_check_waiters(): an older waiter
 * wounds the new owner (wait-die's waiters re-check against the new
 * owner themselves, in ww_kill()). True if it wounded the new owner.
 */
static bool ww_take(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	bool wounded = false;
	unsigned int i;

	lock->locked = 1;
	lock->owner = pmm_task_id();
	lock->ctx = ctx;
	if (!ctx)
		return false;
	ctx->acquired++;
	for (i = 0; i < WW_MAX_WAITERS; i++)
		wounded |= ww_wound(lock->waiters[i], ctx);
	return wounded;
}

static void ww_waiter(struct ww_mutex *lock, struct ww_acquire_ctx *ctx, bool add)
{
	unsigned int i;

	if (!ctx)
		return;
	for (i = 0; i < WW_MAX_WAITERS; i++) {
		if (add && !lock->waiters[i]) {
			lock->waiters[i] = ctx;
			return;
		}
		if (!add && lock->waiters[i] == ctx) {
			lock->waiters[i] = NULL;
			return;
		}
	}
	if (add)
		pmm_violation("bug-on", "more than %d contexts wait for a ww_mutex",
			      WW_MAX_WAITERS);
}

static void native_lock(uint32_t *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		;
}

static void native_unlock(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/* The class's wait_lock serialises every lock of the class natively. */
static int native_ww_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			  bool slow)
{
	struct ww_class *c = lock->ww_class;
	bool waiting = false, wounded = false;
	int ret = 1;

	while (ret > 0) {
		uint32_t seq = eventcount_prepare(&c->ec);

		native_lock(&c->wait_lock);
		if (!lock->locked) {
			if (waiting)
				ww_waiter(lock, ctx, false);
			wounded = ww_take(lock, ctx);
			ret = 0;
		} else if (!slow && ww_kill(lock, ctx)) {
			if (waiting)
				ww_waiter(lock, ctx, false);
			ret = -EDEADLK;
		} else {
			if (!waiting)
				ww_waiter(lock, ctx, true);
			waiting = true;
			if (!slow)
				wounded = ww_wound(ctx, lock->ctx);
		}
		native_unlock(&c->wait_lock);
		/* A wounded owner may sleep on another lock of the class. */
		if (wounded)
			eventcount_signal(&c->ec);
		if (ret > 0)
			eventcount_wait(&c->ec, seq);
		eventcount_finish(&c->ec);
	}
	return ret;
}

/*
 * __ww_mutex_lock(): exploring, a context is wounded and checked at yield
 * points on the context, so the explorer sees the wound and the holder's
 * own check as dependent.
 */
static int ww_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
		   bool slow, const struct pmm_loc *loc)
{
	struct ww_wait w = { lock, ctx, slow };
	struct ww_acquire_ctx *hold;
	int ret = 0;

	sched_might_sleep(loc);
	if (ctx && ctx->acquired == 0)
		ctx->wounded = false;
	if (!sched_exploring())
		return native_ww_lock(lock, ctx, slow);
	sched_point_at(lock, PMM_ACC_ACQUIRE, loc);
	ww_waiter(lock, ctx, true);
	while (lock->locked) {
		if (ctx && !slow) {
			sched_point_at(ctx, PMM_ACC_READ, loc);
			if (ww_kill(lock, ctx)) {
				ret = -EDEADLK;
				break;
			}
			hold = lock->ctx;
			if (hold && !hold->wounded && ww_wound(ctx, hold)) {
				/* Undone and redone at the context's own point. */
				hold->wounded = false;
				sched_point_at(hold, PMM_ACC_WRITE, loc);
				if (lock->ctx == hold)
					ww_wound(ctx, hold);
				continue;
			}
		}
		sched_wait_at(lock, PMM_ACC_ACQUIRE, loc, ww_can_go, &w);
	}
	ww_waiter(lock, ctx, false);
	if (!ret && ww_take(lock, ctx))
		sched_point_at(ctx, PMM_ACC_WRITE, loc);
	return ret;
}

int ww_mutex_lock_at(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
		     const struct pmm_loc *loc)
{
	if (ctx && __atomic_load_n(&lock->ctx, __ATOMIC_RELAXED) == ctx)
		return -EALREADY;
	return ww_lock(lock, ctx, false, loc);
}

/* ww_mutex_lock_slow(): the context must hold nothing. */
void ww_mutex_lock_slow_at(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			   const struct pmm_loc *loc)
{
	if (ctx && ctx->acquired)
		pmm_violation("bug-on", "ww_mutex_lock_slow with %u lock(s) held "
			      "at %s:%d", ctx->acquired, loc->file, loc->line);
	ww_lock(lock, ctx, true, loc);
}

bool ww_mutex_trylock_at(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			 const struct pmm_loc *loc)
{
	bool ok = false;

	if (!sched_exploring()) {
		native_lock(&lock->ww_class->wait_lock);
		if (!lock->locked) {
			ww_take(lock, ctx);
			ok = true;
		}
		native_unlock(&lock->ww_class->wait_lock);
		return ok;
	}
	sched_point_at(lock, PMM_ACC_ACQUIRE, loc);
	if (lock->locked)
		return false;
	ww_take(lock, ctx);
	return true;
}

/* ww_mutex_unlock(): the owner check of debug_mutex_unlock(). */
void ww_mutex_unlock_at(struct ww_mutex *lock, const struct pmm_loc *loc)
{
	struct ww_class *c = lock->ww_class;

	sched_point_at(lock, PMM_ACC_RELEASE, loc);
	if (!lock->locked || lock->owner != pmm_task_id()) {
		pmm_violation("bug-on", "ww_mutex_unlock of a lock %s at %s:%d",
			      lock->locked ? "owned by another task" : "not locked",
			      loc->file, loc->line);
		return;
	}
	if (!sched_exploring())
		native_lock(&c->wait_lock);
	if (lock->ctx)
		lock->ctx->acquired--;
	lock->ctx = NULL;
	lock->owner = -1;
	lock->locked = 0;
	if (!sched_exploring()) {
		native_unlock(&c->wait_lock);
		eventcount_signal(&c->ec);
	}
}

bool ww_mutex_is_locked(struct ww_mutex *lock)
{
	sched_point(lock, PMM_ACC_READ);
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) != 0;
}

bool ww_mutex_held(const struct ww_mutex *lock)
{
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) &&
	       lock->owner == pmm_task_id();
}
