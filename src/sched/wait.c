// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdint.h>

#include "sched/bitops.h"
#include "sched/wait.h"

void init_waitqueue_head(wait_queue_head_t *wq)
{
	wq->ec.seq = 0;
	wq->ec.waiters = 0;
}

/* prepare_to_wait(): queue first, so a wake-up after the test is seen. */
void prepare_to_wait_at(wait_queue_head_t *wq, struct wait_token *w,
			const struct pmm_loc *loc)
{
	if (sched_exploring()) {
		sched_might_sleep(loc);
		sched_prepare_sleep(wq, -1);
		return;
	}
	if (!w->queued) {
		w->queued = true;
		w->seq = eventcount_prepare(&wq->ec);
	} else {
		w->seq = __atomic_load_n(&wq->ec.seq, __ATOMIC_SEQ_CST);
	}
}

/* schedule() after prepare_to_wait(): returns once woken. */
bool wait_schedule_at(wait_queue_head_t *wq, struct wait_token *w,
		      const struct pmm_loc *loc)
{
	if (sched_exploring())
		return sched_sleep(wq, loc);
	eventcount_wait(&wq->ec, w->seq);
	return true;
}

void finish_wait(wait_queue_head_t *wq, struct wait_token *w)
{
	if (sched_exploring())
		sched_finish_sleep();
	else if (w->queued)
		eventcount_finish(&wq->ec);
	w->queued = false;
}

/* __wake_up(): every sleeper, as this model has no exclusive waits. */
void wake_up_at(wait_queue_head_t *wq, const struct pmm_loc *loc)
{
	sched_point_at(wq, PMM_ACC_RELEASE, loc);
	if (sched_exploring())
		sched_wake(wq, -1);
	else
		eventcount_signal(&wq->ec);
}

/*
 * bit_waitqueue(): natively, (word, bit) hashes to one of a fixed set of
 * event counts, as the kernel hashes it to one of its bit wait queues.
 */
#define BIT_WAIT_TABLE_BITS 8
static struct eventcount bit_wait_table[1 << BIT_WAIT_TABLE_BITS];

static struct eventcount *bit_waitqueue(const unsigned long *word, int bit)
{
	uint64_t key = ((uintptr_t)word << 6) ^ (uint64_t)bit;

	key *= 0x9E3779B97F4A7C15ull;
	return &bit_wait_table[key >> (64 - BIT_WAIT_TABLE_BITS)];
}

static void bit_sleep(unsigned long *word, int bit, bool lock,
		      const struct pmm_loc *loc)
{
	unsigned long *w = word + BIT_WORD(bit);
	struct eventcount *ec = bit_waitqueue(w, bit);
	bool done;

	sched_might_sleep(loc);
	for (;;) {
		uint32_t seq = 0;

		if (sched_exploring())
			sched_prepare_sleep(w, bit);
		else
			seq = eventcount_prepare(ec);
		done = lock ? !test_and_set_bit_at(bit, word, __ATOMIC_ACQUIRE, loc) :
			      !test_bit_acquire_at(bit, word, loc);
		if (done)
			break;
		if (sched_exploring()) {
			if (!sched_sleep(w, loc))
				break;
		} else {
			eventcount_wait(ec, seq);
			eventcount_finish(ec);
		}
	}
	if (sched_exploring())
		sched_finish_sleep();
	else
		eventcount_finish(ec);
}

/* wait_on_bit(): the fast path tests the bit before queueing at all. */
void wait_on_bit_at(unsigned long *word, int bit, const struct pmm_loc *loc)
{
	sched_might_sleep(loc);
	if (!test_bit_acquire_at(bit, word, loc))
		return;
	bit_sleep(word, bit, false, loc);
}

void wait_on_bit_lock_at(unsigned long *word, int bit, const struct pmm_loc *loc)
{
	sched_might_sleep(loc);
	if (!test_and_set_bit_at(bit, word, __ATOMIC_ACQUIRE, loc))
		return;
	bit_sleep(word, bit, true, loc);
}

void wake_up_bit_at(unsigned long *word, int bit, const struct pmm_loc *loc)
{
	unsigned long *w = word + BIT_WORD(bit);

	sched_point_at(w, PMM_ACC_RELEASE, loc);
	if (sched_exploring())
		sched_wake(w, bit);
	else
		eventcount_signal(bit_waitqueue(w, bit));
}

void clear_and_wake_up_bit_at(int bit, unsigned long *word,
			      const struct pmm_loc *loc)
{
	clear_bit_unlock_at(bit, word, loc);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wake_up_bit_at(word, bit, loc);
}
