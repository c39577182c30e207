// SPDX-License-Identifier: LGPL-2.1-or-later
/* guest_memfd from the hugetlb pools (virt/gmem_huge.h). */
#include <errno.h>

#include "mem/hugetlb.h"
#include "sched/knob.h"
#include "virt/gmem_huge.h"

DEFINE_KNOB(gmem_huge, "gmem.huge",
	    "How guest_memfd holds a hugetlb folio (GUEST_MEMFD_FLAG_HUGETLB). "
	    "split_4k (the 1 GiB guest_memfd HugeTLB series, checked against "
	    "its guest_memfd.c with __maybe_split_fresh_folio() and "
	    "gmem_hugetlb_restructure_folio(), and its linux-mm posting of "
	    "October 2024: a folio loses its hugetlb status before it is "
	    "mapped to userspace): the folio is split into 4 KiB folios that "
	    "remember their origin; conversions work per page; stage 2 still "
	    "maps the range as one block; the folio goes back to the pool only "
	    "when every page is free of pins and mappings. The model splits at "
	    "allocation. whole: a large folio converts as a unit; a conversion "
	    "that cuts a folio fails with -EINVAL at its offset, and a pin on "
	    "any subpage blocks converting the folio",
	    "split_4k", "whole");

enum { HUGE_SPLIT_4K, HUGE_WHOLE };

bool kvm_gmem_huge_whole(const struct gmem_inode *gi)
{
	return gi->page_order && knob(&gmem_huge) == HUGE_WHOLE;
}

int kvm_gmem_huge_order(unsigned long flags)
{
	unsigned long log2 = (flags >> GUESTMEM_HUGETLB_FLAG_SHIFT) &
			     GUESTMEM_HUGETLB_FLAG_MASK;
	struct hstate *h;

	if (!(flags & GUEST_MEMFD_FLAG_HUGETLB))
		return log2 ? -EINVAL : 0;
	/* kvm_gmem_hugetlb_setup(): no size is the default hstate's, 2 MiB. */
	h = size_to_hstate(log2 ? 1UL << log2 : HPAGE_PMD_SIZE);
	return h ? (int)h->order : -EINVAL;
}

/* The pieces go into the cache together, or none (-EEXIST). */
static int insert_pieces(struct inode *inode, struct folio *head,
			 unsigned long base, unsigned long nr)
{
	unsigned long i;
	int err = 0;

	spin_lock(&inode->i_pages_lock);
	for (i = 0; i < nr; i++)
		if (READ_ONCE(inode->i_pages[base + i]))
			err = -EEXIST;
	for (i = 0; !err && i < nr; i++)
		WRITE_ONCE(inode->i_pages[base + i],
			   (struct folio *)folio_page(head, i));
	if (!err)
		inode->nrpages += nr;
	spin_unlock(&inode->i_pages_lock);
	return err;
}

/* A lost race: the pieces leave no trace and reassemble into the pool. */
static void drop_pieces(struct folio *head, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		folio_page(head, i)->mapping = NULL;
	folio_put(head);
	for (i = 0; i < nr; i++)
		folio_put((struct folio *)folio_page(head, i));
}

/*
 * gmem_hugetlb_alloc_folio() then __filemap_add_folio() and the split
 * (gmem_hugetlb_restructure_folio() to order 0).
 */
struct folio *kvm_gmem_huge_alloc(struct inode *inode, unsigned long index,
				  bool *raced)
{
	struct gmem_inode *gi = GMEM_I(inode);
	unsigned long nr = 1UL << gi->page_order;
	unsigned long base = index & ~(nr - 1);
	struct hstate *h = size_to_hstate(PAGE_SIZE << gi->page_order);
	struct hugetlb_split *s;
	struct folio *folio, *piece;

	*raced = false;
	folio = h ? dequeue_hugetlb_folio(h, false) : NULL;
	if (!folio)
		return NULL;
	folio->mapping = &inode->i_mapping;
	folio->index = base;
	/* The cache's reference per page, and ours. */
	folio_ref_add(folio, (int)nr);
	if (hugetlb_split_folio(folio, (int)nr + 1, &s)) {
		pmm_violation("bug-on", "guest_memfd: a fresh hugetlb folio %#lx "
			      "would not split", folio_pfn(folio));
		return NULL;
	}
	if (insert_pieces(inode, folio, base, nr)) {
		drop_pieces(folio, nr);
		*raced = true;
		return NULL;
	}
	piece = (struct folio *)folio_page(folio, index - base);
	if (piece != folio) {
		folio_get(piece);
		folio_put(folio);
	}
	__folio_set_locked(piece);
	return piece;
}

int kvm_gmem_huge_max_order(struct gmem_inode *gi, struct folio *folio,
			    unsigned long bstart, unsigned long bend)
{
	struct hugetlb_split *s = hugetlb_split_origin((struct page *)folio);
	unsigned long nr, base, i;
	bool priv;

	if (!s)
		return 0;
	nr = 1UL << s->h->order;
	base = folio->index & ~(nr - 1);
	if (base < bstart || base + nr > bend)
		return 0;
	priv = kvm_gmem_is_private(gi, base);
	for (i = 1; i < nr; i++)
		if (kvm_gmem_is_private(gi, base + i) != priv)
			return 0;
	return (int)s->h->order;
}
