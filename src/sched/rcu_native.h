/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The native backend's RCU: liburcu's membarrier flavour, kept in a file
 * of its own because liburcu's headers define the kernel's names too.
 */
#ifndef PMM_SCHED_RCU_NATIVE_H
#define PMM_SCHED_RCU_NATIVE_H

void rcu_native_thread_online(void);
void rcu_native_thread_offline(void);
void rcu_native_read_lock(void);
void rcu_native_read_unlock(void);
void rcu_native_synchronize(void);

#endif /* PMM_SCHED_RCU_NATIVE_H */
