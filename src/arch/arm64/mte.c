// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * arm64 MTE: the tag storage beside each frame, the synchronous tag check
 * of user and guest accesses, STG/LDG, and the kernel's page-level
 * protocol (arch/arm64/kernel/mte.c, arch/arm64/include/asm/mte.h,
 * arch/arm64/include/asm/pgtable.h, arch/arm64/mm/copypage.c) in the forms
 * that shipped, and the seed's proposal, chosen by the mte.sync and
 * mte.sync_when knobs.
 *
 * Tags are a byte per 16-byte granule here (the hardware packs two per
 * byte): nothing in the model depends on the packing. A frame's tags are
 * made on its first tag write and kept for the execution: the allocator
 * never clears them, as the hardware's tag storage is not cleared when a
 * page is freed. A fresh page gets cleared tags only where the kernel
 * clears them (mte_sync_tags(), copy_highpage()).
 */
#include <errno.h>
#include <string.h>

#include "arch/arm64/arm64.h"
#include "mm/memory.h"
#include "mm/pgalloc.h"
#include "mm/swap.h"
#include "sched/bitops.h"
#include "sched/knob.h"

DEFINE_KNOB(mte_sync_knob, "mte.sync",
	    "how a page's tags are initialised once (set_pte_at()'s "
	    "mte_sync_tags(), copy_highpage(), KVM): mte_lock is the kernel "
	    "since 6.2 (PG_mte_lock taken by try_page_mte_tagging(), "
	    "PG_mte_tagged set after the tags are written, with the barriers; "
	    "swap tags restored by arch_swap_restore() as since 6.5, or by "
	    "set_pte_at() as in 6.2 to 6.4 per swap.restore_order); bit is "
	    "5.10 to 6.1.17 (test_and_set_bit(PG_mte_tagged) before the tags are "
	    "restored or cleared: a second mapper can see the bit before the "
	    "tags, the race of seed 002); deferred is 6.1.18 and later 6.1.y "
	    "stable, which took 'arm64: mte: Fix/clarify the PG_mte_tagged "
	    "semantics' without PG_mte_lock: test PG_mte_tagged, clear the "
	    "tags, then set it, with no lock, so a late clear wipes the tags "
	    "another mapper stored meanwhile (tag loss; swap restore still "
	    "test_and_set_bit() first in mte_restore_tags(), and the seed's v10 "
	    "patch deferred the bit on that restore path only); page_lock is "
	    "the seed's proposal, lock_page() around that work, modelled "
	    "literally: set_pte_at() runs under the PTE spinlock, so the folio "
	    "lock's might_sleep() reports bug-on, and do_swap_page() already "
	    "holds the folio lock (a self-deadlock)",
	    "mte_lock", "bit", "page_lock", "deferred");

DEFINE_KNOB(mte_sync_when_knob, "mte.sync_when",
	    "which set_pte_at() calls reach mte_sync_tags(): tagged is only "
	    "PTEs with the Tagged attribute (5.10 to 5.13, any present PTE; "
	    "since 6.5 a user-accessible one, the swap restore having moved to "
	    "arch_swap_restore() alone); user is also an untagged "
	    "user-accessible PTE replacing a swap entry (the seed's patch, "
	    "'arm64: mte: Sync tags for pages where PTE is untagged', 5.14 to "
	    "6.4: a KVM guest's tags come back from swap although the VMM "
	    "mapping is not PROT_MTE)",
	    "tagged", "user");

enum mte_sync_mode mte_sync_mode(void)
{
	static const enum mte_sync_mode modes[] = {
		MTE_SYNC_MTE_LOCK, MTE_SYNC_BIT, MTE_SYNC_PAGE_LOCK,
		MTE_SYNC_DEFERRED,
	};

	return modes[knob(&mte_sync_knob)];
}

/* This execution's tag storage: a granule array per frame, made lazily. */
struct mte_storage {
	unsigned long nr_pfns;
	unsigned char **frames;
};

static struct mte_storage *storage;

static unsigned char *frame_tags(unsigned long pfn, bool create)
{
	unsigned char *t, *fresh;

	if (!storage || pfn >= storage->nr_pfns)
		return NULL;
	t = __atomic_load_n(&storage->frames[pfn], __ATOMIC_ACQUIRE);
	if (t || !create)
		return t;
	fresh = pmm_alloc(MTE_GRANULES_PER_PAGE);	/* zeroed: tag 0 */
	if (!fresh)
		return NULL;
	/* Natively two CPUs may make the array at once: one wins. */
	if (__atomic_compare_exchange_n(&storage->frames[pfn], &t, fresh, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return fresh;
	return t;
}

unsigned int mte_peek_tag(unsigned long pfn, unsigned int granule)
{
	unsigned char *t = frame_tags(pfn, false);

	return t && granule < MTE_GRANULES_PER_PAGE ? t[granule] : 0;
}

static void tags_get(unsigned long pfn, unsigned int off, unsigned int len,
		     unsigned char *tags)
{
	unsigned char *t = frame_tags(pfn, false);
	unsigned int n = len / MTE_GRANULE_SIZE;

	if (t)
		memcpy(tags, t + off / MTE_GRANULE_SIZE, n);
	else
		memset(tags, 0, n);
}

static void tags_put(unsigned long pfn, unsigned int off, unsigned int len,
		     const unsigned char *tags)
{
	unsigned char *t = frame_tags(pfn, true);
	unsigned int i, n = len / MTE_GRANULE_SIZE;

	if (!t)
		return;
	for (i = 0; i < n; i++)
		t[off / MTE_GRANULE_SIZE + i] = tags[i] & MTE_TAG_MASK;
}

void mte_read_tags(unsigned long pfn, unsigned int off, unsigned int len,
		   unsigned char *tags)
{
	sched_point_at(frame_obj(pfn), PMM_ACC_READ, PMM_HERE);
	tags_get(pfn, off, len, tags);
}

void mte_write_tags(unsigned long pfn, unsigned int off, unsigned int len,
		    const unsigned char *tags)
{
	sched_point_at(frame_obj(pfn), PMM_ACC_WRITE, PMM_HERE);
	tags_put(pfn, off, len, tags);
}

/* mte_clear_page_tags(): DC GZVA over the page. */
void mte_clear_page_tags(unsigned long pfn)
{
	static const unsigned char zeros[MTE_GRANULES_PER_PAGE];

	mte_write_tags(pfn, 0, PAGE_SIZE, zeros);
}

#define MTE_MAX_WATCH 4
static const struct mte_tag_watch *tag_watches[MTE_MAX_WATCH];
static unsigned int nr_tag_watches;

void mte_tag_watch(const struct mte_tag_watch *w)
{
	unsigned int i;

	for (i = 0; i < nr_tag_watches; i++)
		if (tag_watches[i] == w)
			return;
	if (nr_tag_watches < MTE_MAX_WATCH)
		tag_watches[nr_tag_watches++] = w;
}

static void tell_watchers(const struct mte_tag_access *a)
{
	unsigned int i;

	for (i = 0; i < nr_tag_watches; i++)
		if (tag_watches[i]->accessed)
			tag_watches[i]->accessed(a);
}

/* The move itself and the watchers, in the caller's step. */
static void __mte_access_tags(struct mte_tag_access *a)
{
	if (a->write)
		tags_put(a->pfn, a->offset, a->len, a->tags);
	else
		tags_get(a->pfn, a->offset, a->len, a->tags);
	if (!(a->write && a->unpublished))
		tell_watchers(a);
}

void mte_tags_published(struct mte_tag_access *a)
{
	a->unpublished = false;
	tell_watchers(a);
}

void mte_access_tags(struct mte_tag_access *a)
{
	sched_point_at(frame_obj(a->pfn), a->write ? PMM_ACC_WRITE : PMM_ACC_READ,
		       PMM_HERE);
	__mte_access_tags(a);
}

/*
 * STG/LDG (and their multi-granule forms): through a Tagged mapping the
 * tags move; elsewhere the tag storage is not reachable, and the
 * instructions read as zero and ignore writes (RAZ/WI). Runs in the step
 * that translated the address, like a data access.
 */
int mte_user_tags(struct phys_access *a, unsigned char *tags)
{
	struct mte_tag_access ta = {
		.who = a->who, .mm = a->mm, .vaddr = a->vaddr, .pfn = a->pfn,
		.offset = a->offset, .len = a->len, .tags = tags,
		.write = a->write,
	};

	if (a->attrs & PTE_ATTR_TAGGED)
		__mte_access_tags(&ta);
	else if (!a->write)
		memset(tags, 0, a->len / MTE_GRANULE_SIZE);
	return 0;
}

/*
 * The synchronous tag check (SCTLR_EL1.TCF0 = sync): a user or guest access
 * through a Tagged mapping compares the pointer's tag with the tag of every
 * granule it touches and faults (SIGSEGV, SEGV_MTESERR) on a mismatch.
 * Kernel accesses (the model's copy_{to,from}_user and kmap) and DMA are
 * not checked: the kernel's own copies run with tag checks suppressed in
 * the model, and devices never check tags.
 */
static int mte_check_access(struct phys_access *a)
{
	unsigned int g, first, last;

	if (arch_ops != &arm64_mte_arch_ops || !(a->attrs & PTE_ATTR_TAGGED) ||
	    (a->who != ACCESS_USER && a->who != ACCESS_GUEST) || !a->len)
		return 0;
	first = a->offset / MTE_GRANULE_SIZE;
	last = (a->offset + a->len - 1) / MTE_GRANULE_SIZE;
	for (g = first; g <= last; g++)
		if (mte_peek_tag(a->pfn, g) != (a->tag & MTE_TAG_MASK))
			return -EFAULT;
	return 0;
}

static const struct phys_watch mte_phys_watch = {
	.access = mte_check_access,
};

int mte_init(void)
{
	storage = NULL;
	if (arch_ops != &arm64_mte_arch_ops)
		return mteswap_init(false);
	storage = pmm_alloc(sizeof(*storage));
	if (!storage)
		return -ENOMEM;
	storage->nr_pfns = phys->nr_pfns;
	storage->frames = pmm_alloc(phys->nr_pfns * sizeof(*storage->frames));
	if (!storage->frames)
		return -ENOMEM;
	phys_watch(&mte_phys_watch);
	return mteswap_init(true);
}

/* page_mte_tagged(): test_bit() then smp_rmb(), one acquire read here. */
bool page_mte_tagged(struct page *page)
{
	return test_bit_acquire(PG_mte_tagged, &page->flags);
}

/* set_page_mte_tagged(): smp_wmb() then set_bit(), one release RMW here. */
void set_page_mte_tagged(struct page *page)
{
	sched_point_at(&page->flags, PMM_ACC_RELEASE, PMM_HERE);
	__atomic_fetch_or(&page->flags, 1UL << PG_mte_tagged, __ATOMIC_RELEASE);
}

static bool page_tagged_guard(const struct task *waiter, const void *arg)
{
	const struct page *page = arg;

	(void)waiter;
	return __atomic_load_n(&page->flags, __ATOMIC_ACQUIRE) &
	       (1UL << PG_mte_tagged);
}

/*
 * try_page_mte_tagging(): PG_mte_lock is the once-only lock of the page's
 * tag initialisation; a loser waits (smp_cond_load_acquire()) until the
 * winner has set PG_mte_tagged.
 */
bool try_page_mte_tagging(struct page *page)
{
	if (!test_and_set_bit(PG_mte_lock, &page->flags))
		return true;
	while (!page_mte_tagged(page))
		spin_until(&page->flags, page_tagged_guard, page);
	return false;
}

/*
 * mte_sync_page_tags() of 5.10 to 6.1: restore from the old swap PTE if
 * tags were saved, else clear them when the new PTE is tagged. The caller
 * has already set PG_mte_tagged (bit, page_lock). Simplified: since
 * "arm64: mte: Avoid setting PG_mte_tagged if no tags cleared or restored"
 * (6.1, and 5.15+ stable) the test_and_set_bit() moved from the caller to
 * just before the clear or the restore; the bit still comes first.
 */
static void mte_sync_page_tags_2021(struct page *page, pte_t old_pte,
				    bool check_swap, bool pte_is_tagged)
{
	if (check_swap && is_swap_pte(old_pte) &&
	    mte_restore_tags(pte_to_swp_entry(old_pte), page))
		return;
	if (!pte_is_tagged)
		return;
	smp_wmb();
	mte_clear_page_tags(page_to_pfn(page));
}

/*
 * mte_sync_tags()'s work for one page since 6.2: clear the tags of a page
 * not yet tagged, under PG_mte_lock. Since 6.5 swapped tags are restored
 * earlier, by arch_swap_restore() in do_swap_page(), and the old PTE
 * plays no part; 6.2 to 6.4 restored from it here first
 * (swap.restore_order other than restore_first).
 */
static void mte_sync_page_tags_locked(struct page *page, pte_t old_pte,
				      bool check_swap, bool pte_is_tagged)
{
	if (check_swap && is_swap_pte(old_pte) &&
	    swap_restore_order() != SWAP_RESTORE_FIRST)
		mte_restore_tags(pte_to_swp_entry(old_pte), page);
	if (!pte_is_tagged)
		return;
	if (try_page_mte_tagging(page)) {
		mte_clear_page_tags(page_to_pfn(page));
		set_page_mte_tagged(page);
	}
}

/*
 * mte_sync_page_tags() of 6.1.y stable from 6.1.18 (the backport of "arm64:
 * mte: Fix/clarify the PG_mte_tagged semantics" without PG_mte_lock): the
 * restore sets PG_mte_tagged after mte_restore_tags() (which still
 * test_and_set_bit()s before writing), the clear tests the flag again,
 * clears, then sets it. Nothing stops a second mapper between the test
 * and the clear: its tags, stored once it saw the flag, are wiped.
 */
static void mte_sync_page_tags_deferred(struct page *page, pte_t old_pte,
					bool check_swap, bool pte_is_tagged)
{
	if (check_swap && is_swap_pte(old_pte) &&
	    mte_restore_tags(pte_to_swp_entry(old_pte), page)) {
		set_page_mte_tagged(page);
		return;
	}
	if (!pte_is_tagged)
		return;
	if (!page_mte_tagged(page)) {
		mte_clear_page_tags(page_to_pfn(page));
		set_page_mte_tagged(page);
	}
}

/*
 * mte_sync_tags()'s loop in 6.1.y since 6.1.30. Simplified: 6.1.18 to
 * 6.1.29 also set PG_mte_tagged here after the work, whatever it did, so
 * an untagged PTE replacing a swap or migration entry marked the page
 * tagged with its tags never initialised, until "arm64: mte: Do not set
 * PG_mte_tagged if tags were not initialized" (6.1.30) removed that set.
 */
static void sync_pages_deferred(struct page *page, unsigned long nr,
				pte_t old_pte, bool check_swap, bool tagged)
{
	unsigned long i;

	for (i = 0; i < nr; i++, page++)
		if (!page_mte_tagged(page))
			mte_sync_page_tags_deferred(page, old_pte, check_swap,
						    tagged);
}

static void sync_pages_bit(struct page *page, unsigned long nr, pte_t old_pte,
			   bool check_swap, bool tagged)
{
	unsigned long i;

	for (i = 0; i < nr; i++, page++)
		if (!test_and_set_bit(PG_mte_tagged, &page->flags))
			mte_sync_page_tags_2021(page, old_pte, check_swap,
						tagged);
}

/*
 * mte_sync_tags(): initialise each page's tags once (PG_mte_tagged).
 * Simplified: folios are small or whole (compound_nr() of the head), and
 * the swap check is for small folios only, as in the kernel.
 */
static void mte_sync_tags(pte_t old_pte, pte_t pte)
{
	struct page *page = pte_page(pte);
	struct folio *folio = page_folio(page);
	unsigned long i, nr = folio_nr_pages(folio);
	bool check_swap = nr == 1, tagged = pte_tagged(pte);

	if (!check_swap && !tagged)
		return;
	switch (mte_sync_mode()) {
	case MTE_SYNC_MTE_LOCK:
		for (i = 0; i < nr; i++)
			if (!page_mte_tagged(page + i))
				mte_sync_page_tags_locked(page + i, old_pte,
							  check_swap, tagged);
		break;
	case MTE_SYNC_BIT:
		sync_pages_bit(page, nr, old_pte, check_swap, tagged);
		break;
	case MTE_SYNC_DEFERRED:
		sync_pages_deferred(page, nr, old_pte, check_swap, tagged);
		break;
	case MTE_SYNC_PAGE_LOCK:
		folio_lock(folio);
		sync_pages_bit(page, nr, old_pte, check_swap, tagged);
		folio_unlock(folio);
		break;
	}
	/* The tags are visible before the PTE is. */
	smp_wmb();
}

/* pte_access_permitted(pte, false): valid and user-readable. */
static bool pte_user_accessible(pte_t pte)
{
	return pte_hw_present(pte) && (pte_val(pte) & _PAGE_USER);
}

/*
 * set_pte_at()'s __sync_cache_and_tags(): which new PTEs sync their page's
 * tags (mte.sync_when). The old PTE is read here, before the store.
 */
void mte_set_pte_hook(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		      pte_t pte)
{
	pte_t old_pte;

	(void)mm;
	(void)addr;
	if (pte_special(pte))
		return;
	/*
	 * 5.10 to 5.13: pte_present(), PROT_NONE included, and pte_tagged().
	 * (deferred is a 6.1.y protocol: it never met this condition.)
	 */
	if (knob(&mte_sync_when_knob) == 0 &&
	    (mte_sync_mode() == MTE_SYNC_BIT ||
	     mte_sync_mode() == MTE_SYNC_PAGE_LOCK)) {
		if (pte_present(pte) && pte_tagged(pte))
			mte_sync_tags(ptep_get(ptep), pte);
		return;
	}
	/* Since 5.14: pte_access_permitted(), so PROT_NONE does not sync. */
	if (!pte_user_accessible(pte))
		return;
	if (knob(&mte_sync_when_knob) == 0) {
		if (pte_tagged(pte))
			mte_sync_tags(ptep_get(ptep), pte);
		return;
	}
	old_pte = ptep_get(ptep);
	if (pte_tagged(pte) || is_swap_pte(old_pte))
		mte_sync_tags(old_pte, pte);
}

static void copy_page_tags(struct page *to, struct page *from)
{
	unsigned char tags[MTE_GRANULES_PER_PAGE];

	mte_read_tags(page_to_pfn(from), 0, PAGE_SIZE, tags);
	/* The copy's tags are the source's as of this read (oracles). */
	copy_tags_point();
	mte_write_tags(page_to_pfn(to), 0, PAGE_SIZE, tags);
}

/*
 * copy_highpage()'s tag part: a tagged source gives the new page its tags.
 * Today: under try_page_mte_tagging() (the kernel WARNs if the new page is
 * already tagged; the model copies anyway, as the kernel does). 6.1.18+
 * stable (deferred): the tags, then set_page_mte_tagged(), no lock. Up to
 * 6.1 (bit): the bit first, then the tags.
 */
void mte_copy_highpage(struct page *to, struct page *from)
{
	bool tagged;

	if (mte_sync_mode() == MTE_SYNC_DEFERRED) {
		if (!page_mte_tagged(from)) {
			copy_tags_point();
			return;
		}
		copy_page_tags(to, from);
		set_page_mte_tagged(to);
		return;
	}
	if (mte_sync_mode() == MTE_SYNC_MTE_LOCK) {
		tagged = page_mte_tagged(from);
		/* Untagged: tags published from now on stay in @from. */
		if (!tagged) {
			copy_tags_point();
			return;
		}
		try_page_mte_tagging(to);
		copy_page_tags(to, from);
		set_page_mte_tagged(to);
		return;
	}
	tagged = test_bit(PG_mte_tagged, &from->flags);
	if (!tagged) {
		copy_tags_point();
		return;
	}
	set_bit(PG_mte_tagged, &to->flags);
	copy_page_tags(to, from);
}
