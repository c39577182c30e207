// SPDX-License-Identifier: LGPL-2.1-or-later
#include "mm/mmu_notifier.h"

/* mmu_notifier_register(): no mm_take_all_locks(), setup() runs alone. */
void mmu_notifier_register(struct mmu_notifier *sub, struct mm_struct *mm)
{
	sub->mm = mm;
	sub->next = mm->notifiers;
	mm->notifiers = sub;
}

/* mmu_notifier_range_init(): no owner, no flags. */
void mmu_notifier_range_init(struct mmu_notifier_range *range,
			     enum mmu_notifier_event event,
			     struct mm_struct *mm, unsigned long start,
			     unsigned long end)
{
	range->mm = mm;
	range->start = start;
	range->end = end;
	range->event = event;
}

/* __mmu_notifier_invalidate_range_start(): each subscriber, in turn. */
void mmu_notifier_invalidate_range_start(struct mmu_notifier_range *range)
{
	struct mmu_notifier *sub;

	for (sub = range->mm->notifiers; sub; sub = sub->next)
		if (sub->ops->invalidate_range_start)
			sub->ops->invalidate_range_start(sub, range);
}

/* __mmu_notifier_invalidate_range_end(): each subscriber, in turn. */
void mmu_notifier_invalidate_range_end(struct mmu_notifier_range *range)
{
	struct mmu_notifier *sub;

	for (sub = range->mm->notifiers; sub; sub = sub->next)
		if (sub->ops->invalidate_range_end)
			sub->ops->invalidate_range_end(sub, range);
}

/* __mmu_notifier_release(): exit_mmap() tears the secondary MMUs down. */
void mmu_notifier_release(struct mm_struct *mm)
{
	struct mmu_notifier *sub;

	for (sub = mm->notifiers; sub; sub = sub->next)
		if (sub->ops->release)
			sub->ops->release(sub, mm);
}
