/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The buddy allocator (mm/page_alloc.c): free blocks of 2^order frames on
 * per-order lists under zone->lock; freeing merges a block with its buddy
 * while the buddy is free and of the same order.
 *
 * Order-0 frames go through per-CPU lists first (rmqueue_pcplist(),
 * free_unref_page()): CPU-local, so no yield points of their own, as the
 * kernel touches them with preemption disabled.
 *
 * Simplifications: one zone, no migrate types, no watermarks or reclaim
 * on failure (an allocation that finds no block fails), per-CPU lists are
 * drained only when they grow past their high mark.
 */
#ifndef PMM_MEM_BUDDY_H
#define PMM_MEM_BUDDY_H

#include "mem/page.h"

void buddy_init(struct zone *zone, unsigned long start_pfn,
		unsigned long nr_pages);
/* __rmqueue_smallest(): the first frame of a free 2^order block, or NULL. */
struct page *buddy_alloc(struct zone *zone, unsigned int order);
int buddy_alloc_bulk(struct zone *zone, struct page **pages, int nr);
/* __free_one_page(): gives back a 2^order block starting at @page. */
void buddy_free(struct zone *zone, struct page *page, unsigned int order);
unsigned long buddy_nr_free_pages(struct zone *zone);

/* rmqueue()/free_unref_page(): order 0 through this CPU's list. */
struct page *alloc_pages_cpu(struct zone *zone, unsigned int order, int cpu);
/*
 * The list alloc_pages_cpu() takes an order-0 frame from, refilled first
 * if empty (zone->lock's own steps), so that taking the frame from it
 * takes no lock; NULL when the allocation goes to the buddy instead.
 */
struct per_cpu_pages *pcp_prepare(struct zone *zone, unsigned int order,
				  int cpu);
/* The frame the next order-0 allocation from @pcp takes, or NULL. */
struct page *pcp_peek(const struct per_cpu_pages *pcp);
void free_pages_cpu(struct zone *zone, struct page *page, unsigned int order,
		    int cpu);

#endif /* PMM_MEM_BUDDY_H */
