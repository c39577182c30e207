/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wait queues and bit waiting (kernel/sched/wait.c, wait_bit.c).
 *
 * A sleeper runs again only after a wake-up: a waker that changes the
 * condition but forgets wake_up()/wake_up_bit() leaves the sleeper asleep,
 * which the explorer reports as a deadlock, exactly the lost wake-up the
 * kernel would suffer. Both sides follow the kernel's order: the sleeper
 * queues itself before testing its condition (prepare_to_wait), the waker
 * changes the condition before waking.
 *
 * Context table:
 *   wait_event, wait_on_bit, wait_on_bit_lock   may sleep
 *   wake_up, wake_up_bit, clear_and_wake_up_bit any context
 */
#ifndef PMM_SCHED_WAIT_H
#define PMM_SCHED_WAIT_H

#include <stdbool.h>

#include "sched/futex.h"
#include "sched/sched.h"

typedef struct wait_queue_head {
	struct eventcount ec;
} wait_queue_head_t;

/* A sleeper's state between prepare_to_wait() and finish_wait(). */
struct wait_token {
	uint32_t seq;
	bool queued;
};

void init_waitqueue_head(wait_queue_head_t *wq);
void prepare_to_wait_at(wait_queue_head_t *wq, struct wait_token *w,
			const struct pmm_loc *loc);
/* False when the wait cannot go on (explore, outside any task: bug-on). */
bool wait_schedule_at(wait_queue_head_t *wq, struct wait_token *w,
		      const struct pmm_loc *loc);
void finish_wait(wait_queue_head_t *wq, struct wait_token *w);
void wake_up_at(wait_queue_head_t *wq, const struct pmm_loc *loc);

/* wait_event(): sleeps until @condition, re-tested after each wake-up. */
#define wait_event(wq, condition) do {					\
	struct wait_token __w = { 0, false };				\
									\
	for (;;) {							\
		prepare_to_wait_at(&(wq), &__w, PMM_HERE);		\
		if (condition)						\
			break;						\
		if (!wait_schedule_at(&(wq), &__w, PMM_HERE))		\
			break;						\
	}								\
	finish_wait(&(wq), &__w);					\
} while (0)

#define wake_up(wq)		wake_up_at((wq), PMM_HERE)
#define wake_up_all(wq)		wake_up_at((wq), PMM_HERE)

/* out_of_line_wait_on_bit(): sleeps until bit @bit of @word is clear. */
void wait_on_bit_at(unsigned long *word, int bit, const struct pmm_loc *loc);
/* out_of_line_wait_on_bit_lock(): sleeps until it sets the bit itself. */
void wait_on_bit_lock_at(unsigned long *word, int bit, const struct pmm_loc *loc);
void wake_up_bit_at(unsigned long *word, int bit, const struct pmm_loc *loc);
/* clear_and_wake_up_bit(): clear_bit_unlock, barrier, wake_up_bit. */
void clear_and_wake_up_bit_at(int bit, unsigned long *word,
			      const struct pmm_loc *loc);

#define wait_on_bit(word, bit)		wait_on_bit_at((word), (bit), PMM_HERE)
#define wait_on_bit_lock(word, bit)	wait_on_bit_lock_at((word), (bit), PMM_HERE)
#define wake_up_bit(word, bit)		wake_up_bit_at((word), (bit), PMM_HERE)
#define clear_and_wake_up_bit(bit, word) \
	clear_and_wake_up_bit_at((bit), (word), PMM_HERE)

#endif /* PMM_SCHED_WAIT_H */
