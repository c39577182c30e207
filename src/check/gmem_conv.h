/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The oracles of guest_memfd's in-place conversion (virt/gmem_convert.c),
 * checked on each folio of a range as a conversion to private succeeds:
 *
 *   pin-on-private            a FOLL_PIN pin taken while the page was
 *                             shared is still held: a device may DMA into
 *                             memory the guest now thinks private
 *   convert-while-referenced  something else outside guest_memfd still
 *                             holds the folio: a plain GUP reference (as
 *                             vmsplice() and some O_DIRECT take), a page
 *                             table mapping
 *
 * Ground truth, not the knob's test: the folio's refcount against what
 * guest_memfd holds (its page cache's one per page) and what the caller
 * holds, and the mapcount. A GUP-fast grab between its lockless read of a
 * PTE and its recheck is speculative: it will give the folio back when
 * the recheck sees the PTE gone, so it does not count (gup.c tells the
 * oracle of that window). Large folios are judged whole: core mm does
 * not count pins per subpage (David Hildenbrand in seed 004), so a pin
 * on any page of a folio that goes private is a pin on private memory.
 */
#ifndef PMM_CHECK_GMEM_CONV_H
#define PMM_CHECK_GMEM_CONV_H

struct folio;

/* This execution's empty window table (from the machine's init). */
int gmem_conv_check_init(void);
/*
 * GUP-fast's speculative grab of @folio (with the FOLL_* @flags it took it
 * with) begins (+1) or ends (-1): kept or given back, it is no longer
 * speculative once the recheck is done.
 */
void gmem_conv_speculative(struct folio *folio, unsigned int flags, int delta);
/*
 * @folio is private now, the conversion done; @held: the references the
 * caller itself holds on it. Reports the first oracle that fires.
 */
void gmem_conv_check_private(struct folio *folio, int held);

#endif /* PMM_CHECK_GMEM_CONV_H */
