// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The tags of swapped-out pages (arch/arm64/mm/mteswap.c): the swap device
 * keeps a page's data, not its tags, so arch_prepare_to_swap() saves them
 * keyed by the page's swap entry and the swap-in puts them back. They must
 * live exactly as long as the swap entry: arch_swap_invalidate_page/area()
 * free them when the slot, or the device, goes. Freeing them while some PTE
 * still holds the entry (mte.tags_lifetime=swap_cache, Catalin's worry in
 * seed 002) is reported as stale-tags: the next swap-in of that entry
 * would find none and hand out cleared tags.
 *
 * The kernel's xarray is a hash table here, one step per operation under
 * its lock (xa_lock).
 */
#include <errno.h>
#include <string.h>

#include "arch/arm64/arm64.h"
#include "sched/knob.h"
#include "sched/spinlock.h"
#include "swap/swap.h"

DEFINE_KNOB(mte_tags_lifetime_knob, "mte.tags_lifetime",
	    "how long the tags saved by arch_prepare_to_swap() live: "
	    "swap_entry is the kernel (until arch_swap_invalidate_page/area(), "
	    "as long as the swap entry); swap_cache frees them once they are "
	    "restored into the swap-cache folio, while other PTEs may still "
	    "hold the entry (the lifetime Catalin worried about in seed 002): "
	    "reported as stale-tags when it happens",
	    "swap_entry", "swap_cache");

enum mte_tags_lifetime mte_tags_lifetime(void)
{
	return knob(&mte_tags_lifetime_knob) ? MTE_TAGS_SWAP_CACHE :
					       MTE_TAGS_SWAP_ENTRY;
}

#define SAVED_BUCKETS 64

struct saved_tags {
	struct saved_tags *next;
	unsigned long val;
	/*
	 * Freed while the swap entry still lived (mte.tags_lifetime=
	 * swap_cache): what is left is the fact, for the swap-in that then
	 * finds no tags. The slot's invalidation removes it.
	 */
	const char *freed_early;
	unsigned char tags[MTE_GRANULES_PER_PAGE];
};

struct mte_pages {
	spinlock_t lock;
	struct saved_tags *buckets[SAVED_BUCKETS];
};

static struct mte_pages *mte_pages;

int mteswap_init(bool enabled)
{
	mte_pages = NULL;
	if (!enabled)
		return 0;
	mte_pages = pmm_alloc(sizeof(*mte_pages));
	if (!mte_pages)
		return -ENOMEM;
	spin_lock_init(&mte_pages->lock);
	pmm_obj_name(&mte_pages->lock, "mte_pages");
	return 0;
}

static struct saved_tags **slot(unsigned long val)
{
	struct saved_tags **pp = &mte_pages->buckets[(val ^ (val >> 32)) %
						     SAVED_BUCKETS];

	while (*pp && (*pp)->val != val)
		pp = &(*pp)->next;
	return pp;
}

/* xa_store(): replaces (and frees) tags an earlier save left. */
static int saved_store(unsigned long val, const unsigned char *tags)
{
	struct saved_tags *s = pmm_alloc(sizeof(*s)), **pp;

	if (!s)
		return -ENOMEM;
	s->val = val;
	s->freed_early = NULL;
	memcpy(s->tags, tags, sizeof(s->tags));
	spin_lock(&mte_pages->lock);
	pp = slot(val);
	s->next = *pp ? (*pp)->next : NULL;
	*pp = s;
	spin_unlock(&mte_pages->lock);
	return 0;
}

/*
 * xa_load(): a copy of the saved tags, or false; *freed_early says why
 * there are none when they were freed while the entry lived.
 */
static bool saved_load(unsigned long val, unsigned char *tags,
		       const char **freed_early)
{
	struct saved_tags *s;
	bool found;

	spin_lock(&mte_pages->lock);
	s = *slot(val);
	found = s && !s->freed_early;
	*freed_early = s ? s->freed_early : NULL;
	if (found)
		memcpy(tags, s->tags, sizeof(s->tags));
	spin_unlock(&mte_pages->lock);
	return found;
}

/* xa_erase() + mte_free_tag_storage(). */
static void saved_free(swp_entry_t entry)
{
	struct saved_tags **pp, *s;

	spin_lock(&mte_pages->lock);
	pp = slot(entry.val);
	s = *pp;
	if (s)
		*pp = s->next;
	spin_unlock(&mte_pages->lock);
}

/* The tags go, but the entry lives on in other PTEs (or in the slot). */
static void saved_free_early(swp_entry_t entry, const char *why)
{
	struct saved_tags *s;

	spin_lock(&mte_pages->lock);
	s = *slot(entry.val);
	if (s)
		s->freed_early = why;
	spin_unlock(&mte_pages->lock);
}

/*
 * A swap-in that needs the tags of an entry whose saved tags were freed
 * while it lived: the metadata did not live as long as the swap entry.
 */
static void lifetime_violation(swp_entry_t entry, const char *why)
{
	pmm_violation("stale-tags",
		      "saved tags of swap entry %u:%#lx were freed (%s) while "
		      "the entry lived (swap count now %d): this swap-in finds "
		      "none", swp_type(entry), swp_offset(entry), why,
		      __swap_count(entry));
}

/*
 * mte_save_tags(): only a page whose tags are valid has any to save;
 * -ENOMEM keeps the folio dirty and in memory (swap_writepage()).
 */
static int mte_save_tags(struct page *page, swp_entry_t entry)
{
	unsigned char tags[MTE_GRANULES_PER_PAGE];
	bool tagged = mte_sync_mode() == MTE_SYNC_MTE_LOCK ||
		      mte_sync_mode() == MTE_SYNC_DEFERRED ?
		      page_mte_tagged(page) :
		      test_bit(PG_mte_tagged, &page->flags);

	if (!tagged)
		return 0;
	mte_read_tags(page_to_pfn(page), 0, PAGE_SIZE, tags);
	return saved_store(entry.val, tags);
}

/* arch_prepare_to_swap(): the folio is in the swap cache (folio->swap). */
int mte_prepare_to_swap(struct folio *folio)
{
	swp_entry_t entry = folio_swap_entry(folio);
	unsigned long i, nr = folio_nr_pages(folio);
	int err = 0;

	if (!mte_pages)
		return 0;
	for (i = 0; i < nr && !err; i++)
		err = mte_save_tags(folio_page(folio, i),
				    (swp_entry_t){ entry.val + i });
	return err;
}

/*
 * mte_restore_tags(): since 6.2 under try_page_mte_tagging() (a page whose
 * tags are already valid keeps them); in 6.1.y, deferred included,
 * test_and_set_bit(PG_mte_tagged) first ("arm64: mte: Avoid setting
 * PG_mte_tagged if no tags cleared or restored"), which 6.1.18's backport
 * left as it was; bit and page_lock unconditionally (their caller has set
 * PG_mte_tagged already, the 5.10 form).
 */
bool mte_restore_tags(swp_entry_t entry, struct page *page)
{
	unsigned char tags[MTE_GRANULES_PER_PAGE];
	const char *freed_early;

	if (!mte_pages)
		return false;
	if (!saved_load(entry.val, tags, &freed_early)) {
		if (freed_early && (mte_sync_mode() != MTE_SYNC_MTE_LOCK ||
				    !page_mte_tagged(page)))
			lifetime_violation(entry, freed_early);
		return false;
	}
	if (mte_sync_mode() == MTE_SYNC_DEFERRED) {
		if (!test_and_set_bit(PG_mte_tagged, &page->flags))
			mte_write_tags(page_to_pfn(page), 0, PAGE_SIZE, tags);
	} else if (mte_sync_mode() != MTE_SYNC_MTE_LOCK) {
		mte_write_tags(page_to_pfn(page), 0, PAGE_SIZE, tags);
	} else if (try_page_mte_tagging(page)) {
		mte_write_tags(page_to_pfn(page), 0, PAGE_SIZE, tags);
		set_page_mte_tagged(page);
	}
	if (mte_tags_lifetime() == MTE_TAGS_SWAP_CACHE)
		saved_free_early(entry, "once restored from the swap cache");
	return true;
}

/*
 * arch_swap_restore() (arm64 since 5.10, "mm: Add arch hooks for
 * saving/restoring tags"): called by shmem's swap-in since 5.10, and by
 * do_swap_page() and unuse_pte() only when swap.restore_order says so.
 * Under mte_lock mte_restore_tags() sets PG_mte_tagged itself; in 5.10
 * to 6.1.y the hook set the bit after a restore.
 */
void mte_swap_restore(swp_entry_t entry, struct folio *folio)
{
	unsigned long i, nr = folio_nr_pages(folio);

	for (i = 0; i < nr; i++) {
		struct page *page = folio_page(folio, i);

		if (mte_restore_tags((swp_entry_t){ entry.val + i }, page) &&
		    mte_sync_mode() != MTE_SYNC_MTE_LOCK)
			set_page_mte_tagged(page);
	}
}

/* swap.restore_order=auto: the order of the kernels of mte.sync's protocol. */
int mte_swap_restore_era(void)
{
	return mte_sync_mode() == MTE_SYNC_MTE_LOCK ? SWAP_RESTORE_FIRST :
						     SWAP_FREE_FIRST;
}

/* arch_swap_invalidate_page() -> mte_invalidate_tags(). */
void mte_swap_invalidate_page(unsigned int type, unsigned long offset)
{
	if (mte_pages)
		saved_free(swp_entry(type, offset));
}

/* arch_swap_invalidate_area() -> mte_invalidate_tags_area(). */
void mte_swap_invalidate_area(unsigned int type)
{
	unsigned int b;

	if (!mte_pages)
		return;
	for (b = 0; b < SAVED_BUCKETS; b++) {
		struct saved_tags *s, *next;

		spin_lock(&mte_pages->lock);
		s = mte_pages->buckets[b];
		mte_pages->buckets[b] = NULL;
		for (; s; s = next) {
			next = s->next;
			if (swp_type((swp_entry_t){ s->val }) != type) {
				s->next = mte_pages->buckets[b];
				mte_pages->buckets[b] = s;
			}
		}
		spin_unlock(&mte_pages->lock);
	}
}

unsigned long mte_saved_tags_count(void)
{
	unsigned long n = 0;
	unsigned int b;

	if (!mte_pages)
		return 0;
	spin_lock(&mte_pages->lock);
	for (b = 0; b < SAVED_BUCKETS; b++)
		for (struct saved_tags *s = mte_pages->buckets[b]; s; s = s->next)
			n++;
	spin_unlock(&mte_pages->lock);
	return n;
}
