// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sched/atomic.h"
#include "sched/irq.h"
#include "sched/rcu.h"
#include "sched/rcu_native.h"

#define IRQ_MAX_CPUS 64

/* Natively: per CPU, how many threads there have interrupts off. */
static int native_irqs_off[IRQ_MAX_CPUS];

/* The object IRQ state changes name in traces. */
static const char irq_state = 0;

__attribute__((constructor)) static void irq_names(void)
{
	sched_static_name(&irq_state, "irqs");
}

static int *native_slot(void)
{
	int cpu = pmm_task_cpu();

	return cpu >= 0 && cpu < IRQ_MAX_CPUS ? &native_irqs_off[cpu] : NULL;
}

/* local_irq_save(); as an RCU reader, like rcu_read_lock() */
void local_irq_save_at(const struct pmm_loc *loc)
{
	struct task *t;
	int *n;

	if (!sched_exploring()) {
		n = native_slot();
		if (n)
			__atomic_fetch_add(n, 1, __ATOMIC_SEQ_CST);
		rcu_native_read_lock();
		return;
	}
	/* Entering a reader: a grace period started later waits for it. */
	sched_also(rcu_state_obj(), PMM_ACC_RMW);
	sched_point_at(&irq_state, PMM_ACC_ACQUIRE, loc);
	t = pmm_explore_cur;
	if (!t)
		return;
	t->irqs_off++;
	t->rcu_nesting++;
}

void local_irq_restore_at(const struct pmm_loc *loc)
{
	struct task *t;
	int *n;

	if (!sched_exploring()) {
		rcu_native_read_unlock();
		n = native_slot();
		if (n)
			__atomic_fetch_sub(n, 1, __ATOMIC_SEQ_CST);
		return;
	}
	/*
	 * A step of its own: it lets an IPI's sender and a grace period's
	 * waiter go on, so they must not take it as independent of them.
	 */
	sched_also(rcu_state_obj(), PMM_ACC_RMW);
	sched_point_at(&irq_state, PMM_ACC_RELEASE, loc);
	t = pmm_explore_cur;
	if (!t)
		return;
	if (t->irqs_off <= 0 || t->rcu_nesting <= 0) {
		pmm_violation("bug-on", "local_irq_restore without local_irq_save at %s:%d",
			      loc->file, loc->line);
		return;
	}
	t->irqs_off--;
	if (--t->rcu_nesting == 0)
		t->rcu_exits++;
}

/* No task but the sender has interrupts off: every CPU took the IPI. */
static bool ipi_acked(const struct task *waiter, const void *arg)
{
	const struct sched *s = arg;
	uint64_t live;

	for (live = s->live; live; live &= live - 1) {
		const struct task *t = &s->tasks[__builtin_ctzll(live)];

		if (t != waiter && t->irqs_off > 0)
			return false;
	}
	return true;
}

static bool native_ipi_acked(int self)
{
	int c;

	for (c = 0; c < IRQ_MAX_CPUS; c++)
		if (c != self && __atomic_load_n(&native_irqs_off[c], __ATOMIC_SEQ_CST))
			return false;
	return true;
}

/* smp_call_function_many(..., wait): the sender spins until all acked. */
void ipi_wait_all_at(const void *obj, enum pmm_access kind,
		     const struct pmm_loc *loc)
{
	struct sched *s = sched_current();
	int self;

	if (s) {
		if (pmm_explore_cur && pmm_explore_cur->irqs_off)
			pmm_violation("bug-on", "IPI sent and waited for with interrupts off at %s:%d",
				      loc->file, loc->line);
		/* ipi_acked() reads what local_irq_save/restore() write. */
		sched_also(&irq_state, PMM_ACC_READ);
		sched_wait_at(obj, kind, loc, ipi_acked, s);
		return;
	}
	self = pmm_task_cpu();
	while (!native_ipi_acked(self))
		cpu_relax();
}
