/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MMU notifiers (include/linux/mmu_notifier.h): secondary MMUs (KVM's
 * stage 2) that mirror an mm's page tables learn here when a range of it
 * is about to change, and when the change is done.
 *
 * invalidate_range_start() runs before the PTEs of [start, end) are
 * cleared or changed (with no PTE lock held: it may sleep);
 * invalidate_range_end() after they have been and the TLBs flushed.
 * Between the two, a secondary MMU must not map the range again
 * (KVM: mmu_invalidate_in_progress and mmu_invalidate_seq).
 *
 * Simplified: subscriptions are made in setup() and live as long as the
 * mm, so the list is read without SRCU; no clear_flush_young.
 */
#ifndef PMM_MM_MMU_NOTIFIER_H
#define PMM_MM_MMU_NOTIFIER_H

#include "mm/mm.h"

enum mmu_notifier_event {
	MMU_NOTIFY_UNMAP,		/* munmap, exit, truncate */
	MMU_NOTIFY_CLEAR,		/* reclaim, COW */
	MMU_NOTIFY_PROTECTION_VMA,	/* mprotect */
	MMU_NOTIFY_PROTECTION_PAGE,	/* fork's write-protect, mkclean */
};

struct mmu_notifier_range {
	struct mm_struct *mm;
	unsigned long start, end;
	enum mmu_notifier_event event;
};

struct mmu_notifier;

struct mmu_notifier_ops {
	void (*invalidate_range_start)(struct mmu_notifier *sub,
				       const struct mmu_notifier_range *range);
	void (*invalidate_range_end)(struct mmu_notifier *sub,
				     const struct mmu_notifier_range *range);
	/* The mm is going away (exit_mmap()). */
	void (*release)(struct mmu_notifier *sub, struct mm_struct *mm);
};

struct mmu_notifier {
	const struct mmu_notifier_ops *ops;
	struct mm_struct *mm;
	struct mmu_notifier *next;
};

/* mmu_notifier_register(): setup() only. */
void mmu_notifier_register(struct mmu_notifier *sub, struct mm_struct *mm);

void mmu_notifier_range_init(struct mmu_notifier_range *range,
			     enum mmu_notifier_event event,
			     struct mm_struct *mm, unsigned long start,
			     unsigned long end);
void mmu_notifier_invalidate_range_start(struct mmu_notifier_range *range);
void mmu_notifier_invalidate_range_end(struct mmu_notifier_range *range);
void mmu_notifier_release(struct mm_struct *mm);

#endif /* PMM_MM_MMU_NOTIFIER_H */
