/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whose memory a frame is, for the oracles: the logical locations the
 * bytes (and tags) of a frame are now. A device, or the kernel, reaching
 * a frame through a reference that does not follow the page tables (a
 * FOLL_GET reference, a pin of the zero page or of a page-cache page, a
 * pin whose mapping has gone) moves the bytes of whatever the frame is
 * at the time of the access: the data oracle (shadow.c) and the tag
 * oracles (tags.c) both ask here, as rmap would.
 */
#ifndef PMM_CHECK_OWNERS_H
#define PMM_CHECK_OWNERS_H

#include <stdbool.h>

struct mm_struct;

/*
 * A logical location: an mm and user address (@mm true), or a file's
 * mapping and byte offset.
 */
struct lkey {
	const void *obj;
	unsigned long off;
	bool mm;
};

#define FRAME_MAX_OWNERS 16

/*
 * The locations frame @pfn holds now, each at the frame's first byte: a
 * page-cache page is its file's bytes at its index while it is in the
 * file, nobody's after; an anonymous page is every (mm, address) whose
 * PTE maps it (several after fork, until a COW: from the COW's copy on,
 * what the frame gets no longer reaches the copying mm; for @tags, from
 * the copy's look at PG_mte_tagged on); the zero page and a free frame
 * are nobody's. At most FRAME_MAX_OWNERS. No yield point: an oracle's
 * look.
 */
unsigned int frame_owners(unsigned long pfn, bool tags, struct lkey *keys);

/*
 * Whether a COW fault is copying @mm's page at @addr (page aligned) away
 * from frame @pfn, past the point where what the frame gets (@tags: its
 * tags) still reaches the copy. Until the new PTE is in, @mm still reads
 * that frame: what it finds there may be what the frame's other owners
 * got since.
 */
bool cow_leaving(const struct mm_struct *mm, unsigned long addr,
		 unsigned long pfn, bool tags);

#endif /* PMM_CHECK_OWNERS_H */
