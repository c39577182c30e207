/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/wait.h - wait queues and completions for programs the explorer
 * runs (protmm/sched.h), as kernel/sched/wait.c and completion.c.
 *
 * A sleeper runs again only after a wake-up: a waker that changes the
 * condition but forgets pmm_wake_up() leaves the sleeper asleep, which the
 * explorer reports as a "deadlock" violation, exactly the lost wake-up the
 * kernel would suffer. Both sides follow the kernel's order: the sleeper
 * queues itself before testing its condition (prepare_to_wait), the waker
 * changes the condition before waking. Waking is a release of the queue;
 * sleeping waits on it.
 *
 * Context table:
 *
 *   function                            setup()  task   finish()  may sleep
 *   pmm_waitqueue_init, pmm_completion_init,
 *     pmm_reinit_completion               yes     yes     yes        no
 *   pmm_wait_event                        no      yes     no         yes
 *   pmm_wake_up                           yes     yes     yes        no
 *   pmm_complete, pmm_complete_all        yes     yes     yes        no
 *   pmm_wait_for_completion               yes*    yes     yes*       yes
 *   pmm_try_wait_for_completion,
 *     pmm_completion_done                 yes     yes     yes        no
 *
 *   (*) outside a task, waiting for what is not done is a "bug-on"
 *   violation. "May sleep": not with a spinlock held, not in an RCU
 *   read-side critical section.
 */
#ifndef PROTMM_WAIT_H
#define PROTMM_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "protmm/common.h"
#include "protmm/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque: allocate with the program's state, initialise before use. */
typedef struct {
	uint64_t __opaque[2];
} pmm_waitqueue_t;

/* One sleeper's state between prepare and finish (pmm_wait_event()). */
struct pmm_wait_token {
	uint64_t __opaque[1];
};

typedef struct {
	uint64_t __opaque[2];
} pmm_completion_t;

PMM_API void pmm_waitqueue_init(pmm_waitqueue_t *wq);
PMM_API void pmm_prepare_to_wait_at(pmm_waitqueue_t *wq,
				    struct pmm_wait_token *w,
				    const struct pmm_loc *loc);
/* False when the wait cannot go on (outside any task: a bug-on). */
PMM_API bool pmm_wait_schedule_at(pmm_waitqueue_t *wq,
				  struct pmm_wait_token *w,
				  const struct pmm_loc *loc);
PMM_API void pmm_finish_wait(pmm_waitqueue_t *wq, struct pmm_wait_token *w);
/* Wakes every sleeper on @wq (this model has no exclusive waits). */
PMM_API void pmm_wake_up_at(pmm_waitqueue_t *wq, const struct pmm_loc *loc);

#define pmm_wake_up(wq)		pmm_wake_up_at((wq), PMM_HERE)

/*
 * wait_event(): sleeps on @wq (a pointer) until @condition holds; the
 * condition is tested after queueing and again after each wake-up. Read
 * shared state in it through protmm/atomic.h, so the test is a yield point.
 */
#define pmm_wait_event(wq, condition) do {				\
	struct pmm_wait_token __pmm_w = { { 0 } };			\
									\
	for (;;) {							\
		pmm_prepare_to_wait_at((wq), &__pmm_w, PMM_HERE);	\
		if (condition)						\
			break;						\
		if (!pmm_wait_schedule_at((wq), &__pmm_w, PMM_HERE))	\
			break;						\
	}								\
	pmm_finish_wait((wq), &__pmm_w);				\
} while (0)

PMM_API void pmm_completion_init(pmm_completion_t *x);
PMM_API void pmm_reinit_completion(pmm_completion_t *x);
PMM_API void pmm_complete_at(pmm_completion_t *x, const struct pmm_loc *loc);
PMM_API void pmm_complete_all_at(pmm_completion_t *x,
				 const struct pmm_loc *loc);
PMM_API void pmm_wait_for_completion_at(pmm_completion_t *x,
					const struct pmm_loc *loc);
PMM_API bool pmm_try_wait_for_completion_at(pmm_completion_t *x,
					    const struct pmm_loc *loc);
PMM_API bool pmm_completion_done(pmm_completion_t *x);

#define pmm_complete(x)			pmm_complete_at((x), PMM_HERE)
#define pmm_complete_all(x)		pmm_complete_all_at((x), PMM_HERE)
#define pmm_wait_for_completion(x)	pmm_wait_for_completion_at((x), PMM_HERE)
#define pmm_try_wait_for_completion(x)	pmm_try_wait_for_completion_at((x), PMM_HERE)

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_WAIT_H */
