/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct page and struct folio (include/linux/mm_types.h, page-flags.h).
 *
 * A struct page is 64 bytes, as in the kernel, and a folio is its head
 * page seen whole: struct folio overlays the head page and, for large
 * folios, the first tail page, which holds the order, the folio mapcount
 * and the pin count. The frame's contents hang off the page (data), and
 * are allocated on the first write: a frame never written reads as zeros.
 *
 * Lock table (what protects what):
 *   flags PG_locked/PG_writeback/...   atomic bit operations; PG_locked is
 *                                      the folio lock itself
 *   _refcount, _mapcount, _pincount    atomic
 *   lru (free lists)                   zone->lock
 *   mapping, index                     folio lock (and the mapping's
 *                                      i_pages lock to change them)
 *   ptl (page-table pages)             is the lock for the PTEs in it
 */
#ifndef PMM_MEM_PAGE_H
#define PMM_MEM_PAGE_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem/list.h"
#include "sched/atomic.h"
#include "sched/bitops.h"
#include "sched/spinlock.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define MAX_PAGE_ORDER	18		/* 1 GiB folios */

/* include/linux/page-flags.h, trimmed to what the model uses. */
enum pageflags {
	PG_locked,
	PG_writeback,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_waiters,
	PG_active,
	PG_owner_priv_1,
	PG_reserved,
	PG_private,
	PG_swapbacked,
	PG_anon_exclusive,	/* per page: PageAnonExclusive */
	PG_arch_1,
	PG_arch_2,
	PG_arch_3,
	/* Model-only types the kernel keeps in page_type. */
	PG_buddy,
	PG_table,
	PG_hugetlb,	/* a hugetlb folio's head (the kernel's PGTY_hugetlb) */
	PG_hugetlb_split,	/* a piece of a split hugetlb folio (mem/hugetlb.h) */
	__NR_PAGEFLAGS,
	PG_swapcache = PG_owner_priv_1,
};

/* The kind of memory behind a frame, kept in the flags' top byte. */
enum mem_type {
	MEM_RAM,
	MEM_DEVICE,
};

#define MEM_TYPE_SHIFT	56

struct page {
	unsigned long flags;
	union {
		struct {	/* free, page cache and anonymous pages */
			struct list_head lru;
			/* address_space, or anon_vma | PAGE_MAPPING_ANON */
			void *mapping;
			unsigned long index;
		};
		struct {	/* tail pages */
			unsigned long compound_head;	/* head | 1 */
			unsigned char folio_order;	/* first tail only */
			atomic_t _large_mapcount;	/* first tail only */
			atomic_t _pincount;		/* first tail only */
			atomic_t _entire_mapcount;	/* first tail only */
		};
		struct {	/* page-table pages */
			unsigned long _pt_pad;
			spinlock_t ptl;
		};
	};
	/*
	 * Buddy order when free; swap entry in the swap cache; a page table's
	 * entries.
	 */
	unsigned long private;
	/* PTEs mapping this page, minus one. */
	atomic_t _mapcount;
	atomic_t _refcount;
	/* The frame's bytes (mem/phys.c), or NULL while never written. */
	struct frame_data *data;
};

static_assert(sizeof(struct page) == 64, "struct page is 64 bytes");

/* A folio: the head page and, when large, the first tail page. */
struct folio {
	unsigned long flags;
	struct list_head lru;
	void *mapping;
	unsigned long index;
	unsigned long private;
	atomic_t _mapcount;
	atomic_t _refcount;
	struct frame_data *data;
	/* page[1] */
	unsigned long _flags_1;
	unsigned long _head_1;
	unsigned char _folio_order;
	atomic_t _large_mapcount;
	atomic_t _pincount;
	atomic_t _entire_mapcount;
};

#define FOLIO_MATCH(pg, fl) \
	static_assert(offsetof(struct page, pg) == offsetof(struct folio, fl), #fl)
FOLIO_MATCH(flags, flags);
FOLIO_MATCH(lru, lru);
FOLIO_MATCH(mapping, mapping);
FOLIO_MATCH(index, index);
FOLIO_MATCH(private, private);
FOLIO_MATCH(_mapcount, _mapcount);
FOLIO_MATCH(_refcount, _refcount);
#define FOLIO_MATCH1(pg, fl) \
	static_assert(offsetof(struct page, pg) + sizeof(struct page) == \
		      offsetof(struct folio, fl), #fl)
FOLIO_MATCH1(flags, _flags_1);
FOLIO_MATCH1(compound_head, _head_1);
FOLIO_MATCH1(folio_order, _folio_order);
FOLIO_MATCH1(_large_mapcount, _large_mapcount);
FOLIO_MATCH1(_pincount, _pincount);
FOLIO_MATCH1(_entire_mapcount, _entire_mapcount);

#define PAGE_MAPPING_ANON	0x1UL

/*
 * Per-CPU page lists (struct per_cpu_pages): order-0 frames freed on a CPU
 * are kept there, last in first out, and handed out again by the same
 * CPU before the buddy allocator is asked: a freed page is reused hot.
 */
#define PCP_MAX_BATCH	63
#define PCP_MAX_CPUS	64

struct per_cpu_pages {
	/* Natively, tasks sharing a CPU number: a raw lock, not a model lock. */
	uint32_t lock;
	int count;
	struct list_head list;
};

/* Physical memory: the frames, their descriptors, the buddy allocator. */
struct zone {
	struct per_cpu_pages pcp[PCP_MAX_CPUS];
	/* zone_batchsize(): about a thousandth of the zone, at most 63. */
	int pcp_batch, pcp_high;
	spinlock_t lock;
	struct list_head free_area[MAX_PAGE_ORDER + 1];
	unsigned long nr_free[MAX_PAGE_ORDER + 1];
	unsigned long start_pfn, nr_pages;
};

struct phys_mem {
	struct page *mem_map;
	unsigned long nr_pfns;
	/* RAM is [0, ram_pages); device memory follows it. */
	unsigned long ram_pages;
	unsigned long dev_pages;
	struct zone zone;
	/* Frames handed out and not yet freed, for the leak oracle. */
	atomic_long_t nr_allocated;
};

/* This execution's physical memory (mem_map and the zone). */
extern struct phys_mem *phys;

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return &phys->mem_map[pfn];
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - phys->mem_map);
}

static inline bool pfn_valid(unsigned long pfn)
{
	return phys && pfn < phys->nr_pfns;
}

static inline enum mem_type page_mem_type(const struct page *page)
{
	return (enum mem_type)(page->flags >> MEM_TYPE_SHIFT);
}

/* compound_head(): tails point at their head with bit 0 set. */
static inline struct page *compound_head(const struct page *page)
{
	unsigned long head = __atomic_load_n(&page->compound_head,
					     __ATOMIC_RELAXED);

	if (head & 1)
		return (struct page *)(head - 1);
	return (struct page *)page;
}

static inline bool PageTail(const struct page *page)
{
	return __atomic_load_n(&page->compound_head, __ATOMIC_RELAXED) & 1;
}

static inline struct folio *page_folio(const struct page *page)
{
	return (struct folio *)compound_head(page);
}

static inline struct page *folio_page(struct folio *folio, unsigned long n)
{
	return (struct page *)folio + n;
}

static inline unsigned long folio_pfn(const struct folio *folio)
{
	return page_to_pfn((const struct page *)folio);
}

static inline struct folio *pfn_folio(unsigned long pfn)
{
	return page_folio(pfn_to_page(pfn));
}

static inline bool folio_test_large(const struct folio *folio)
{
	return folio->flags & (1UL << PG_head);
}

static inline unsigned int folio_order(const struct folio *folio)
{
	return folio_test_large(folio) ? folio->_folio_order : 0;
}

static inline unsigned long folio_nr_pages(const struct folio *folio)
{
	return 1UL << folio_order(folio);
}

static inline size_t folio_size(const struct folio *folio)
{
	return PAGE_SIZE << folio_order(folio);
}

/*
 * Flag tests and updates. Each is one yield point on the flags word, like
 * the atomic bitops they are; the __ versions are for folios no other task
 * can see yet and are no yield point.
 */
#define FOLIO_FLAG(name, bit)						\
static inline bool folio_test_##name(struct folio *f)			\
{									\
	return test_bit(bit, &f->flags);				\
}									\
static inline void folio_set_##name(struct folio *f)			\
{									\
	set_bit(bit, &f->flags);					\
}									\
static inline void folio_clear_##name(struct folio *f)			\
{									\
	clear_bit(bit, &f->flags);					\
}									\
static inline void __folio_set_##name(struct folio *f)			\
{									\
	f->flags |= 1UL << (bit);					\
}									\
static inline void __folio_clear_##name(struct folio *f)		\
{									\
	f->flags &= ~(1UL << (bit));					\
}

FOLIO_FLAG(locked, PG_locked)
FOLIO_FLAG(writeback, PG_writeback)
FOLIO_FLAG(uptodate, PG_uptodate)
FOLIO_FLAG(dirty, PG_dirty)
FOLIO_FLAG(lru, PG_lru)
FOLIO_FLAG(swapbacked, PG_swapbacked)
FOLIO_FLAG(swapcache, PG_swapcache)
FOLIO_FLAG(reserved, PG_reserved)
FOLIO_FLAG(arch_1, PG_arch_1)
FOLIO_FLAG(arch_2, PG_arch_2)
FOLIO_FLAG(arch_3, PG_arch_3)

static inline bool folio_test_anon(const struct folio *folio)
{
	return ((unsigned long)folio->mapping & PAGE_MAPPING_ANON) != 0;
}

/* folio_test_hugetlb(): set on the head for the folio's life in the pool. */
static inline bool folio_test_hugetlb(const struct folio *folio)
{
	return __atomic_load_n(&folio->flags, __ATOMIC_RELAXED) &
	       (1UL << PG_hugetlb);
}

/*
 * PageAnonExclusive: only this mm maps it; may be pinned R/O safely. A
 * hugetlb folio keeps the bit on its head, as the kernel does.
 */
static inline struct page *anon_exclusive_page(struct page *page)
{
	struct page *head = compound_head(page);

	return folio_test_hugetlb((struct folio *)head) ? head : page;
}

static inline bool PageAnonExclusive(struct page *page)
{
	return test_bit(PG_anon_exclusive, &anon_exclusive_page(page)->flags);
}

static inline void SetPageAnonExclusive(struct page *page)
{
	set_bit(PG_anon_exclusive, &anon_exclusive_page(page)->flags);
}

static inline void ClearPageAnonExclusive(struct page *page)
{
	clear_bit(PG_anon_exclusive, &anon_exclusive_page(page)->flags);
}

static inline bool PageBuddy(const struct page *page)
{
	return __atomic_load_n(&page->flags, __ATOMIC_RELAXED) &
	       (1UL << PG_buddy);
}

#endif /* PMM_MEM_PAGE_H */
