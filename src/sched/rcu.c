// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sched/rcu.h"
#include "sched/rcu_native.h"

/* The object every RCU step names: readers and grace periods conflict. */
static const char rcu_state = 0;

__attribute__((constructor)) static void rcu_names(void)
{
	sched_static_name(&rcu_state, "rcu");
}

const void *rcu_state_obj(void)
{
	return &rcu_state;
}

/* __rcu_read_lock() */
void rcu_read_lock_at(const struct pmm_loc *loc)
{
	struct task *t;

	if (!sched_exploring()) {
		rcu_native_read_lock();
		return;
	}
	sched_point_at(&rcu_state, PMM_ACC_ACQUIRE, loc);
	t = pmm_explore_cur;
	if (t)
		t->rcu_nesting++;
}

/* __rcu_read_unlock(): the outermost unlock is a quiescent state. */
void rcu_read_unlock_at(const struct pmm_loc *loc)
{
	struct task *t;

	if (!sched_exploring()) {
		rcu_native_read_unlock();
		return;
	}
	sched_step_shared();
	sched_point_at(&rcu_state, PMM_ACC_RELEASE, loc);
	t = pmm_explore_cur;
	if (!t)
		return;
	if (t->rcu_nesting <= 0) {
		pmm_violation("bug-on", "rcu_read_unlock without rcu_read_lock at %s:%d",
			      loc->file, loc->line);
		return;
	}
	if (--t->rcu_nesting == 0)
		t->rcu_exits++;
}

/* Every reader seen at the start has left its critical section since. */
static bool grace_period_over(const struct task *waiter, const void *arg)
{
	const struct sched *s = arg;
	uint64_t m = waiter->rcu_wait_mask;

	while (m) {
		unsigned int i = (unsigned int)__builtin_ctzll(m);
		const struct task *r = &s->tasks[i];

		m &= m - 1;
		if (!r->done && r->rcu_exits == waiter->rcu_snap[i])
			return false;
	}
	return true;
}

/* synchronize_rcu(): start a grace period, then wait for it to end. */
void synchronize_rcu_at(const struct pmm_loc *loc)
{
	struct sched *s = sched_current();
	struct task *t = pmm_explore_cur;
	uint64_t live;

	sched_might_sleep(loc);
	if (!s) {
		rcu_native_synchronize();
		return;
	}
	sched_point_at(&rcu_state, PMM_ACC_RMW, loc);
	if (!t)
		return;
	t->rcu_wait_mask = 0;
	for (live = s->live; live; live &= live - 1) {
		unsigned int i = (unsigned int)__builtin_ctzll(live);
		const struct task *r = &s->tasks[i];

		if (r != t && r->rcu_nesting > 0) {
			t->rcu_snap[i] = r->rcu_exits;
			t->rcu_wait_mask |= 1ull << i;
		}
	}
	if (t->rcu_wait_mask) {
		/* Not for every reader's unlock: only for those it saw. */
		sched_step_shared();
		sched_wait_at(&rcu_state, PMM_ACC_ACQUIRE, loc,
			      grace_period_over, s);
	}
}
