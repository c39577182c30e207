// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdbool.h>

#include <urcu/urcu-memb.h>

#include "sched/rcu_native.h"

static _Thread_local bool rcu_online;

void rcu_native_thread_online(void)
{
	if (!rcu_online) {
		urcu_memb_register_thread();
		rcu_online = true;
	}
}

void rcu_native_thread_offline(void)
{
	if (rcu_online) {
		urcu_memb_unregister_thread();
		rcu_online = false;
	}
}

/* A reader outside a native task (setup, a test's main) registers late. */
void rcu_native_read_lock(void)
{
	rcu_native_thread_online();
	urcu_memb_read_lock();
}

void rcu_native_read_unlock(void)
{
	urcu_memb_read_unlock();
}

void rcu_native_synchronize(void)
{
	urcu_memb_synchronize_rcu();
}
