// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sched/completion.h"

void init_completion(struct completion *x)
{
	x->done = 0;
	x->ec.seq = 0;
	x->ec.waiters = 0;
}

void reinit_completion(struct completion *x)
{
	x->done = 0;
}

/* complete(): done saturates at COMPLETE_ALL, as the kernel's does. */
void complete_at(struct completion *x, const struct pmm_loc *loc)
{
	uint32_t d;

	sched_point_at(x, PMM_ACC_RELEASE, loc);
	d = __atomic_load_n(&x->done, __ATOMIC_RELAXED);
	do {
		if (d == COMPLETE_ALL)
			break;
	} while (!__atomic_compare_exchange_n(&x->done, &d, d + 1, false,
					      __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	if (!sched_exploring())
		eventcount_signal(&x->ec);
}

void complete_all_at(struct completion *x, const struct pmm_loc *loc)
{
	sched_point_at(x, PMM_ACC_RELEASE, loc);
	__atomic_store_n(&x->done, COMPLETE_ALL, __ATOMIC_RELEASE);
	if (!sched_exploring())
		eventcount_signal(&x->ec);
}

/* Takes one completion if there is one. */
static bool take(struct completion *x)
{
	uint32_t d = __atomic_load_n(&x->done, __ATOMIC_ACQUIRE);

	do {
		if (d == 0)
			return false;
		if (d == COMPLETE_ALL)
			return true;
	} while (!__atomic_compare_exchange_n(&x->done, &d, d - 1, false,
					      __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE));
	return true;
}

static bool completion_ready(const struct task *t, const void *arg)
{
	const struct completion *x = arg;

	(void)t;
	return x->done != 0;
}

/* wait_for_completion() */
void wait_for_completion_at(struct completion *x, const struct pmm_loc *loc)
{
	sched_might_sleep(loc);
	if (sched_exploring()) {
		sched_wait_at(x, PMM_ACC_ACQUIRE, loc, completion_ready, x);
		take(x);
		return;
	}
	while (!take(x)) {
		uint32_t seq = eventcount_prepare(&x->ec);

		if (!take(x)) {
			eventcount_wait(&x->ec, seq);
			eventcount_finish(&x->ec);
			continue;
		}
		eventcount_finish(&x->ec);
		break;
	}
}

bool try_wait_for_completion_at(struct completion *x, const struct pmm_loc *loc)
{
	sched_point_at(x, PMM_ACC_ACQUIRE, loc);
	if (take(x))
		return true;
	sched_step_read_only();
	return false;
}

bool completion_done(struct completion *x)
{
	sched_point(x, PMM_ACC_READ);
	return __atomic_load_n(&x->done, __ATOMIC_ACQUIRE) != 0;
}
