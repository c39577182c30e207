/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Local interrupts (include/linux/irqflags.h) and the IPIs they hold off.
 *
 * A CPU with interrupts disabled does not take an IPI, so a CPU that
 * sends one and waits for it to be handled (smp_call_function_many() with
 * wait, the x86 TLB shootdown) waits until every other CPU has them on
 * again: GUP-fast's lockless walk relies on that. An IRQ-off region is
 * also an RCU read-side critical section (RCU's flavours are one since
 * the consolidation), so synchronize_rcu() waits for it too.
 *
 * Context table:
 *   local_irq_save/restore     any context, nest; no sleeping inside
 *   ipi_wait_all               may spin: not with interrupts off
 *
 * Simplified: the flag belongs to the task, not its CPU: two tasks the
 * scenario puts on one CPU are not serialised by it (nor are they by the
 * scheduler elsewhere).
 */
#ifndef PMM_SCHED_IRQ_H
#define PMM_SCHED_IRQ_H

#include "sched/sched.h"

/* local_irq_save(): a yield point, so a flush may go just before it. */
void local_irq_save_at(const struct pmm_loc *loc);
/* local_irq_restore(): takes effect in the step it is reached in. */
void local_irq_restore_at(const struct pmm_loc *loc);
#define local_irq_save()	local_irq_save_at(PMM_HERE)
#define local_irq_restore()	local_irq_restore_at(PMM_HERE)

/*
 * The yield point of an access that sends an IPI to every other CPU and
 * waits for it: the access happens once no other task has interrupts
 * off. @obj and @kind name the access, as sched_point() does.
 */
void ipi_wait_all_at(const void *obj, enum pmm_access kind,
		     const struct pmm_loc *loc);

#endif /* PMM_SCHED_IRQ_H */
