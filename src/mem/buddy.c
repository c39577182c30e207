// SPDX-License-Identifier: LGPL-2.1-or-later
#include "mem/buddy.h"
#include "mem/phys.h"
#include "sched/atomic.h"

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
	for (o = 0; o < PCP_MAX_CPUS; o++)
		INIT_LIST_HEAD(&zone->pcp[o].list);
	zone->pcp_batch = (int)(nr_pages / 1024);
	if (zone->pcp_batch < 1)
		zone->pcp_batch = 1;
	if (zone->pcp_batch > PCP_MAX_BATCH)
		zone->pcp_batch = PCP_MAX_BATCH;
	zone->pcp_high = 6 * zone->pcp_batch;
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

/* __rmqueue_smallest(), zone->lock held. */
static struct page *rmqueue_smallest(struct zone *zone, unsigned int order)
{
	struct page *page;
	unsigned int o;

	for (o = order; o <= MAX_PAGE_ORDER; o++) {
		if (list_empty(&zone->free_area[o]))
			continue;
		page = list_first_entry(&zone->free_area[o], struct page, lru);
		del_from_free_list(zone, page, o);
		expand(zone, page, order, o);
		return page;
	}
	return NULL;
}

struct page *buddy_alloc(struct zone *zone, unsigned int order)
{
	struct page *page;

	spin_lock(&zone->lock);
	page = rmqueue_smallest(zone, order);
	spin_unlock(&zone->lock);
	return page;
}

/* rmqueue_bulk(): up to @nr order-0 frames under one hold of zone->lock. */
int buddy_alloc_bulk(struct zone *zone, struct page **pages, int nr)
{
	int n = 0;

	spin_lock(&zone->lock);
	while (n < nr && (pages[n] = rmqueue_smallest(zone, 0)))
		n++;
	spin_unlock(&zone->lock);
	return n;
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
	for (o = 0; o < PCP_MAX_CPUS; o++)
		n += (unsigned long)zone->pcp[o].count;
	return n;
}

static void pcp_lock(struct per_cpu_pages *pcp)
{
	if (sched_exploring())
		return;
	while (__atomic_exchange_n(&pcp->lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void pcp_unlock(struct per_cpu_pages *pcp)
{
	if (!sched_exploring())
		__atomic_store_n(&pcp->lock, 0, __ATOMIC_RELEASE);
}

/*
 * Pages on a per-CPU list are PageBuddy too (free, for the oracles), with
 * an order no buddy has, so that merging never takes them.
 */
#define PCP_ORDER (MAX_PAGE_ORDER + 1)
static struct page *pcp_pop(struct per_cpu_pages *pcp)
{
	struct page *page = NULL;

	pcp_lock(pcp);
	if (pcp->count) {
		page = list_first_entry(&pcp->list, struct page, lru);
		list_del(&page->lru);
		clear_buddy(page);
		pcp->count--;
	}
	pcp_unlock(pcp);
	return page;
}

/* rmqueue_bulk(): refill an empty list with a batch from the buddy. */
static void pcp_refill(struct zone *zone, struct per_cpu_pages *pcp)
{
	struct page *batch[PCP_MAX_BATCH];
	int n = buddy_alloc_bulk(zone, batch, zone->pcp_batch);

	pcp_lock(pcp);
	/* Added in reverse, so the first taken from the buddy goes first. */
	while (n--) {
		set_buddy(batch[n], PCP_ORDER);
		list_add(&batch[n]->lru, &pcp->list);
		pcp->count++;
	}
	pcp_unlock(pcp);
}

struct per_cpu_pages *pcp_prepare(struct zone *zone, unsigned int order,
				  int cpu)
{
	struct per_cpu_pages *pcp;

	if (order || cpu < 0 || cpu >= PCP_MAX_CPUS)
		return NULL;
	pcp = &zone->pcp[cpu];
	if (!pcp->count)
		pcp_refill(zone, pcp);
	return pcp->count ? pcp : NULL;
}

struct page *pcp_peek(const struct per_cpu_pages *pcp)
{
	return pcp->count ? list_first_entry(&pcp->list, struct page, lru) :
			    NULL;
}

struct page *alloc_pages_cpu(struct zone *zone, unsigned int order, int cpu)
{
	struct per_cpu_pages *pcp;
	struct page *page;

	if (order || cpu < 0 || cpu >= PCP_MAX_CPUS)
		return buddy_alloc(zone, order);
	pcp = &zone->pcp[cpu];
	page = pcp_pop(pcp);
	if (page)
		return page;
	pcp_refill(zone, pcp);
	page = pcp_pop(pcp);
	return page ? page : buddy_alloc(zone, 0);
}

/* free_unref_page(): onto the CPU's list; past PCP_HIGH, a batch goes back. */
void free_pages_cpu(struct zone *zone, struct page *page, unsigned int order,
		    int cpu)
{
	struct per_cpu_pages *pcp;
	struct page *spill[PCP_MAX_BATCH];
	int i, n = 0;

	if (order || cpu < 0 || cpu >= PCP_MAX_CPUS) {
		buddy_free(zone, page, order);
		return;
	}
	pcp = &zone->pcp[cpu];
	pcp_lock(pcp);
	set_buddy(page, PCP_ORDER);
	list_add(&page->lru, &pcp->list);
	if (++pcp->count > zone->pcp_high) {
		for (; n < zone->pcp_batch; n++) {
			spill[n] = list_entry(pcp->list.prev, struct page, lru);
			list_del(&spill[n]->lru);
			clear_buddy(spill[n]);
			pcp->count--;
		}
	}
	pcp_unlock(pcp);
	for (i = 0; i < n; i++)
		buddy_free(zone, spill[i], 0);
}
