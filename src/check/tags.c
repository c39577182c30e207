// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arch/arm64/mte.h"
#include "check/owners.h"
#include "check/tags.h"
#include "mm/mmap.h"

#define TAG_BUCKETS 256

struct tag_page {
	struct tag_page *next;
	const struct mm_struct *mm;
	unsigned long pgidx;
	uint8_t stored[MTE_GRANULES_PER_PAGE / 8];
	uint8_t tag[MTE_GRANULES_PER_PAGE];
};

struct tag_shadow {
	struct tag_page *buckets[TAG_BUCKETS];
};

static struct tag_shadow *tshadow;

static unsigned int hash(const void *mm, unsigned long pgidx)
{
	uint64_t k = ((uintptr_t)mm >> 4) * 0x9E3779B97F4A7C15ull + pgidx;

	return (unsigned int)((k * 0xBF58476D1CE4E5B9ull) >> 56) % TAG_BUCKETS;
}

static struct tag_page *lookup(const struct mm_struct *mm, unsigned long pgidx,
			       bool create)
{
	unsigned int h = hash(mm, pgidx);
	struct tag_page *tp;

	for (tp = tshadow->buckets[h]; tp; tp = tp->next)
		if (tp->mm == mm && tp->pgidx == pgidx)
			return tp;
	if (!create)
		return NULL;
	tp = pmm_alloc(sizeof(*tp));
	if (!tp)
		return NULL;
	tp->mm = mm;
	tp->pgidx = pgidx;
	tp->next = tshadow->buckets[h];
	tshadow->buckets[h] = tp;
	return tp;
}

static bool active(const void *mm)
{
	return tshadow && mm && sched_exploring() &&
	       arch_ops == &arm64_mte_arch_ops;
}

/* S of a granule: its last stored tag, or -1 when none was stored. */
static int expected(const struct mm_struct *mm, unsigned long addr)
{
	struct tag_page *tp = lookup(mm, addr >> PAGE_SHIFT, false);
	unsigned int g = (addr & ~PAGE_MASK) / MTE_GRANULE_SIZE;

	if (!tp || !(tp->stored[g / 8] & (1u << (g % 8))))
		return -1;
	return tp->tag[g];
}

static void record(const struct mm_struct *mm, unsigned long addr,
		   unsigned int tag)
{
	struct tag_page *tp = lookup(mm, addr >> PAGE_SHIFT, true);
	unsigned int g = (addr & ~PAGE_MASK) / MTE_GRANULE_SIZE;

	if (!tp)
		return;
	tp->tag[g] = (uint8_t)(tag & MTE_TAG_MASK);
	tp->stored[g / 8] |= (uint8_t)(1u << (g % 8));
}

static const char *const who_names[] = {
	[ACCESS_USER] = "user", [ACCESS_KERNEL] = "kernel",
	[ACCESS_DMA] = "DMA", [ACCESS_GUEST] = "guest",
};

/*
 * Memory tag @m where @s (-1: never stored) was expected: stale-tags or
 * tag-leak. True when one was reported.
 */
static bool check_tag(const struct mm_struct *mm, unsigned long addr, int s,
		      unsigned int m, unsigned long pfn, const char *what)
{
	if (s >= 0 && m != (unsigned int)s) {
		pmm_violation("stale-tags",
			      "%s at mm%d address %#lx found tag %#x in frame "
			      "%#lx, but tag %#x was last stored there", what,
			      mm->id, addr, m, pfn, s);
		return true;
	}
	if (s < 0 && m) {
		pmm_violation("tag-leak",
			      "%s at mm%d address %#lx found tag %#x in frame "
			      "%#lx, where no tag was ever stored: a previous "
			      "owner's", what, mm->id, addr, m, pfn);
		return true;
	}
	return false;
}

/*
 * A read by @mm of frame @pfn that its COW fault is copying away from:
 * the tags there may be those the frame's owners got since (@m matches
 * one of theirs at granule @g).
 */
static bool leaving_frame_matches(const struct mm_struct *mm,
				  unsigned long page, unsigned long pfn,
				  unsigned int g, unsigned int m)
{
	struct lkey keys[FRAME_MAX_OWNERS];
	unsigned int i, n;

	if (!cow_leaving(mm, page, pfn, true))
		return false;
	n = frame_owners(pfn, true, keys);
	for (i = 0; i < n; i++) {
		int s;

		if (!keys[i].mm)
			continue;
		s = expected(keys[i].obj, keys[i].off + g * MTE_GRANULE_SIZE);
		if (s < 0 ? !m : m == (unsigned int)s)
			return true;
	}
	return false;
}

/* A tag-checked data access, before the hardware compares the tags. */
static int tags_access(struct phys_access *a)
{
	const struct mm_struct *mm = a->mm;
	unsigned long page = a->vaddr & PAGE_MASK;
	unsigned int g, first, last, p = a->tag & MTE_TAG_MASK;
	char what[32];

	if (!active(mm) || !(a->attrs & PTE_ATTR_TAGGED) || !a->len ||
	    (a->who != ACCESS_USER && a->who != ACCESS_GUEST))
		return 0;
	snprintf(what, sizeof(what), "%s %s with tag %#x", who_names[a->who],
		 a->write ? "write" : "read", p);
	first = a->offset / MTE_GRANULE_SIZE;
	last = (a->offset + a->len - 1) / MTE_GRANULE_SIZE;
	for (g = first; g <= last; g++) {
		unsigned long addr = page + g * MTE_GRANULE_SIZE;
		int s = expected(mm, addr);
		unsigned int m = mte_peek_tag(a->pfn, g);

		/*
		 * The pointer's tag is the one stored there, yet memory's
		 * differs. (A never-tagged granule's nonzero tag is a
		 * tag-leak instead, named for its cause by check_tag().)
		 */
		if ((s < 0 ? m : m != (unsigned int)s) &&
		    leaving_frame_matches(mm, page, a->pfn, g, m))
			continue;
		if (s >= 0 && (unsigned int)s == p && m != p) {
			pmm_violation("tag-mismatch",
				      "%s at mm%d address %#lx faults: frame "
				      "%#lx has tag %#x, but the tag last "
				      "stored there is %#x", what, mm->id,
				      addr, a->pfn, m, p);
			return 0;
		}
		if (check_tag(mm, addr, s, m, a->pfn, what))
			return 0;
	}
	return 0;
}

/*
 * Through a reference that does not follow the page tables, the tags
 * moved are the frame's: a store records S at every (mm, address) that
 * maps the frame now; a read must have found, in each granule, the S of
 * one of them (any: the owners' shadows only part after a COW, when the
 * frame is one owner's alone). A frame nobody maps is nobody's tags.
 */
static void frame_tags_moved(const struct mte_tag_access *a, const char *what)
{
	struct lkey keys[FRAME_MAX_OWNERS];
	unsigned int n = 0, nr = frame_owners(a->pfn, true, keys), i, g;

	/* Tagged memory is anonymous: a page-cache page has no tag shadow. */
	for (i = 0; i < nr; i++)
		if (keys[i].mm)
			keys[n++] = keys[i];
	for (g = 0; n && g < a->len / MTE_GRANULE_SIZE; g++) {
		unsigned long off = a->offset + g * MTE_GRANULE_SIZE;
		unsigned int m = a->tags[g] & MTE_TAG_MASK;
		bool found = false;

		for (i = 0; i < n; i++) {
			const struct mm_struct *mm = keys[i].obj;
			int s = expected(mm, keys[i].off + off);

			if (a->write)
				record(mm, keys[i].off + off, m);
			else if (s < 0 ? !m : m == (unsigned int)s)
				found = true;
		}
		if (!a->write && !found &&
		    check_tag(keys[0].obj, keys[0].off + off,
			      expected(keys[0].obj, keys[0].off + off), m, a->pfn,
			      what))
			return;
	}
}

/* Tag stores record S; tag reads compare with it. */
static void tags_moved(const struct mte_tag_access *a)
{
	const struct mm_struct *mm = a->mm;
	unsigned long page = a->vaddr & PAGE_MASK;
	unsigned int i, n = a->len / MTE_GRANULE_SIZE;
	char what[32];

	if (!active(mm))
		return;
	snprintf(what, sizeof(what), "%s tag read", who_names[a->who]);
	if (a->by_frame) {
		frame_tags_moved(a, what);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned long addr = page + a->offset + i * MTE_GRANULE_SIZE;

		unsigned int m = a->tags[i] & MTE_TAG_MASK;
		int s = expected(mm, addr);

		if (a->write)
			record(mm, addr, a->tags[i]);
		else if ((s < 0 ? m : m != (unsigned int)s) &&
			 leaving_frame_matches(mm, page, a->pfn,
					       (a->offset / MTE_GRANULE_SIZE) + i, m))
			continue;
		else if (check_tag(mm, addr, s, m, a->pfn, what))
			return;
	}
}

/* @mm's page of the parent's @tp becomes a copy of it. */
static bool fork_page(const struct tag_page *tp, struct mm_struct *mm)
{
	struct tag_page *c = lookup(mm, tp->pgidx, true);

	if (!c)
		return false;
	memcpy(c->tag, tp->tag, sizeof(c->tag));
	memcpy(c->stored, tp->stored, sizeof(c->stored));
	return true;
}

/* The child's shadow starts as a copy of the parent's. */
static void tags_forked(struct mm_struct *oldmm, struct mm_struct *mm)
{
	unsigned int h;

	if (!tshadow)
		return;
	for (h = 0; h < TAG_BUCKETS; h++) {
		struct tag_page *tp;

		for (tp = tshadow->buckets[h]; tp; tp = tp->next)
			if (tp->mm == oldmm && !fork_page(tp, mm))
				return;
	}
}

/* fork copied the PTE at @addr: the child's tags are the parent's now. */
static void tags_forked_page(struct mm_struct *oldmm, struct mm_struct *mm,
			     unsigned long addr, bool tags)
{
	const struct tag_page *tp;

	if (!tshadow || !tags)
		return;
	tp = lookup(oldmm, addr >> PAGE_SHIFT, false);
	if (tp)
		fork_page(tp, mm);
}

/* An unmapped range's tags are gone: a new mapping there starts fresh. */
static void tags_unmapped(struct mm_struct *mm, unsigned long start,
			  unsigned long end)
{
	unsigned int h;

	if (!tshadow)
		return;
	for (h = 0; h < TAG_BUCKETS; h++) {
		struct tag_page *tp;

		for (tp = tshadow->buckets[h]; tp; tp = tp->next)
			if (tp->mm == mm &&
			    tp->pgidx >= start >> PAGE_SHIFT &&
			    tp->pgidx <= (end - 1) >> PAGE_SHIFT)
				memset(tp->stored, 0, sizeof(tp->stored));
	}
}

static const struct phys_watch tags_phys_watch = {
	.access = tags_access,
};

static const struct mte_tag_watch tags_tag_watch = {
	.accessed = tags_moved,
};

static const struct mm_watch tags_mm_watch = {
	.forked = tags_forked,
	.forked_page = tags_forked_page,
	.unmapped = tags_unmapped,
};

int tags_init(void)
{
	tshadow = NULL;
	if (arch_ops == &arm64_mte_arch_ops) {
		tshadow = pmm_alloc(sizeof(*tshadow));
		if (!tshadow)
			return -ENOMEM;
		phys_watch(&tags_phys_watch);
		mte_tag_watch(&tags_tag_watch);
		mm_watch_register(&tags_mm_watch);
	}
	return mte_init();
}
