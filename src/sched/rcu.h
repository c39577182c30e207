/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The RCU read side and synchronize_rcu() (include/linux/rcupdate.h).
 *
 * Under the explore backend a grace period ends once every task that was
 * inside a read-side critical section when synchronize_rcu() began has
 * left it; readers that begin later do not delay it. Natively, liburcu's
 * membarrier flavour does the same for real threads.
 *
 * Context table:
 *   rcu_read_lock/unlock       any context, nest
 *   synchronize_rcu            may sleep: not inside a reader
 */
#ifndef PMM_SCHED_RCU_H
#define PMM_SCHED_RCU_H

#include "sched/atomic.h"
#include "sched/sched.h"

void rcu_read_lock_at(const struct pmm_loc *loc);
void rcu_read_unlock_at(const struct pmm_loc *loc);
void synchronize_rcu_at(const struct pmm_loc *loc);

/* The object every RCU step names (for readers outside rcu.c, irq.c's). */
const void *rcu_state_obj(void);

#define rcu_read_lock()		rcu_read_lock_at(PMM_HERE)
#define rcu_read_unlock()	rcu_read_unlock_at(PMM_HERE)
#define synchronize_rcu()	synchronize_rcu_at(PMM_HERE)

#define rcu_dereference(p)	smp_load_acquire(&(p))
#define rcu_assign_pointer(p, v) smp_store_release(&(p), (v))

#endif /* PMM_SCHED_RCU_H */
