/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/rcu.h - the RCU read side and synchronize_rcu() for programs the
 * explorer runs (protmm/sched.h), as include/linux/rcupdate.h.
 *
 * Under the explore backend a grace period ends once every task that was
 * inside a read-side critical section when pmm_synchronize_rcu() began has
 * left it; readers that begin later do not delay it. Natively, liburcu's
 * membarrier flavour does the same for real threads. All RCU steps touch
 * one object, "rcu": readers and grace periods conflict. A task that ends
 * inside a reader, or an unlock without a lock, is a "bug-on" violation.
 *
 * Context table:
 *
 *   function                        setup()  task   finish()  may sleep
 *   pmm_rcu_read_lock/unlock          yes     yes     yes        no (nest)
 *   pmm_synchronize_rcu               yes     yes     yes        yes
 *   pmm_rcu_dereference,
 *     pmm_rcu_assign_pointer          yes     yes     yes        no
 *
 *   "May sleep": not with a spinlock held, not inside a reader.
 */
#ifndef PROTMM_RCU_H
#define PROTMM_RCU_H

#include "protmm/atomic.h"
#include "protmm/common.h"
#include "protmm/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

PMM_API void pmm_rcu_read_lock_at(const struct pmm_loc *loc);
PMM_API void pmm_rcu_read_unlock_at(const struct pmm_loc *loc);
PMM_API void pmm_synchronize_rcu_at(const struct pmm_loc *loc);

#define pmm_rcu_read_lock()	pmm_rcu_read_lock_at(PMM_HERE)
#define pmm_rcu_read_unlock()	pmm_rcu_read_unlock_at(PMM_HERE)
#define pmm_synchronize_rcu()	pmm_synchronize_rcu_at(PMM_HERE)

/* @p is the RCU-protected pointer itself (an lvalue), as in the kernel. */
#define pmm_rcu_dereference(p)		pmm_load_acquire(&(p))
#define pmm_rcu_assign_pointer(p, v)	pmm_store_release(&(p), (v))

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_RCU_H */
