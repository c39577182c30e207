/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* futex(2) for the native backend's sleeping locks and wait queues. */
#ifndef PMM_SCHED_FUTEX_H
#define PMM_SCHED_FUTEX_H

#include <stdint.h>

/* Sleeps while *addr == val (or until woken or a signal). */
void futex_wait(uint32_t *addr, uint32_t val);
void futex_wake(uint32_t *addr, int nr);

/*
 * An event count: waiters read the count, test their condition, and sleep
 * only if no wake-up bumped the count since, so no wake-up is lost.
 */
struct eventcount {
	uint32_t seq;
	uint32_t waiters;
};

static inline uint32_t eventcount_prepare(struct eventcount *ec)
{
	__atomic_fetch_add(&ec->waiters, 1, __ATOMIC_SEQ_CST);
	/* The other half of eventcount_signal()'s fence: before the test. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&ec->seq, __ATOMIC_SEQ_CST);
}

static inline void eventcount_wait(struct eventcount *ec, uint32_t seq)
{
	futex_wait(&ec->seq, seq);
}

static inline void eventcount_finish(struct eventcount *ec)
{
	__atomic_fetch_sub(&ec->waiters, 1, __ATOMIC_SEQ_CST);
}

/*
 * The caller changed the condition, perhaps with a plain (relaxed) store:
 * the full fence orders that store before this load of waiters, as
 * wq_has_sleeper()'s smp_mb() does, so a waiter that registered after
 * the load tests the condition after the change and needs no wake-up
 * (Dekker's argument). Without it the store can wait in the store buffer
 * while the load sees no waiter, and a waiter that then registered reads
 * the old condition and sleeps forever (a native ping-pong under ASan
 * hung so).
 */
static inline void eventcount_signal(struct eventcount *ec)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&ec->waiters, __ATOMIC_SEQ_CST))
		return;
	__atomic_fetch_add(&ec->seq, 1, __ATOMIC_SEQ_CST);
	futex_wake(&ec->seq, INT32_MAX);
}

#endif /* PMM_SCHED_FUTEX_H */
