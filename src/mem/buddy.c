// SPDX-License-Identifier: LGPL-2.1-or-later
#include "mem/buddy.h"
#include "mem/phys.h"

static void set_buddy(struct page *page, unsigned int order)
{
	page->private = order;
	page->flags |= 1UL << PG_buddy;
}

static void clear_buddy(struct page *page)
{
	page->private = 0;
	page->flags &= ~(1UL << PG_buddy);
}

/* Lists are touched only under zone->lock: no yield points of their own. */
static void add_to_free_list(struct zone *zone, struct page *page,
			     unsigned int order)
{
	set_buddy(page, order);
	list_add(&page->lru, &zone->free_area[order]);
	zone->nr_free[order]++;
}

static void del_from_free_list(struct zone *zone, struct page *page,
			       unsigned int order)
{
	list_del(&page->lru);
	clear_buddy(page);
	zone->nr_free[order]--;
}

/* page_is_buddy(): free, and a block of exactly this order. */
static bool page_is_buddy(struct zone *zone, unsigned long pfn,
			  unsigned int order)
{
	struct page *page;

	if (pfn < zone->start_pfn || pfn >= zone->start_pfn + zone->nr_pages)
		return false;
	page = pfn_to_page(pfn);
	return PageBuddy(page) && page->private == order;
}

void buddy_init(struct zone *zone, unsigned long start_pfn,
		unsigned long nr_pages)
{
	unsigned long pfn = start_pfn, end = start_pfn + nr_pages;
	unsigned int o;

	spin_lock_init(&zone->lock);
	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		INIT_LIST_HEAD(&zone->free_area[o]);
	zone->start_pfn = start_pfn;
	zone->nr_pages = nr_pages;
	/* memblock_free_all(): the largest aligned blocks that fit. */
	while (pfn < end) {
		o = MAX_PAGE_ORDER;
		while (o && ((pfn & ((1UL << o) - 1)) || pfn + (1UL << o) > end))
			o--;
		add_to_free_list(zone, pfn_to_page(pfn), o);
		pfn += 1UL << o;
	}
}

/* expand(): the halves not handed out go back on the lower lists. */
static void expand(struct zone *zone, struct page *page, unsigned int low,
		   unsigned int high)
{
	while (high > low) {
		high--;
		add_to_free_list(zone, page + (1UL << high), high);
	}
}

struct page *buddy_alloc(struct zone *zone, unsigned int order)
{
	struct page *page = NULL;
	unsigned int o;

	spin_lock(&zone->lock);
	for (o = order; o <= MAX_PAGE_ORDER; o++) {
		if (list_empty(&zone->free_area[o]))
			continue;
		page = list_first_entry(&zone->free_area[o], struct page, lru);
		del_from_free_list(zone, page, o);
		expand(zone, page, order, o);
		break;
	}
	spin_unlock(&zone->lock);
	return page;
}

void buddy_free(struct zone *zone, struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	spin_lock(&zone->lock);
	while (order < MAX_PAGE_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);

		if (!page_is_buddy(zone, buddy_pfn, order))
			break;
		del_from_free_list(zone, pfn_to_page(buddy_pfn), order);
		pfn &= buddy_pfn;
		order++;
	}
	add_to_free_list(zone, pfn_to_page(pfn), order);
	spin_unlock(&zone->lock);
}

unsigned long buddy_nr_free_pages(struct zone *zone)
{
	unsigned long n = 0;
	unsigned int o;

	spin_lock(&zone->lock);
	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		n += zone->nr_free[o] << o;
	spin_unlock(&zone->lock);
	return n;
}
