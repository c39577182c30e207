/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * guest_memfd backed by the hugetlb pools: the 1 GiB guest_memfd HugeTLB
 * series (Ackerley Tng et al.; its uAPI: GUEST_MEMFD_FLAG_HUGETLB and the
 * page size as log2 at bit 58, GUESTMEM_HUGETLB_FLAG_2MB/_1GB).
 *
 * Knob gmem.huge:
 *   split_4k  the series' design (default): a hugetlb folio taken for the
 *             file is split into order-0 folios that remember their origin
 *             (mem/hugetlb.h), so core mm counts pins and mappings per
 *             4 KiB; a conversion works on any page range; the folio goes
 *             back to the pool only when every piece has left the file and
 *             lost its last pin and reference.
 *   whole     a large folio converts as a unit: a conversion must cover
 *             whole folios (else -EINVAL at the offset of the first folio
 *             it cuts) and every page of the folio must be free, so a pin
 *             on one subpage blocks converting any other.
 *
 * Simplified, each with its reason:
 * - The series splits a fresh folio unless all of it is private
 *   (__maybe_split_fresh_folio()) and splits a private one on its first
 *   partial conversion; the model splits every folio when it is
 *   allocated. Private pages are never in a host page table, so before
 *   that point nothing could pin or map a piece: no verdict changes.
 * - whole is modelled on the same pieces: the conversion's check treats
 *   the origin as one folio (its refcount is the sum of its pages'), so
 *   the verdicts are a large folio's; the pool gets it back when its last
 *   reference goes, as a large folio's free would.
 * - No reservation at creation (the series charges a hugetlb subpool):
 *   an allocation the free pool cannot serve fails with -ENOMEM.
 * - The series merges the pieces back while the file still holds them
 *   (on truncation, after a conversion back); here only on the way back
 *   to the pool.
 */
#ifndef PMM_VIRT_GMEM_HUGE_H
#define PMM_VIRT_GMEM_HUGE_H

#include <stdbool.h>

#include "virt/guest_memfd.h"

/* include/uapi/linux/guestmem.h of the series */
#define GUESTMEM_HUGETLB_FLAG_SHIFT	58
#define GUESTMEM_HUGETLB_FLAG_MASK	0x3fUL
#define GUESTMEM_HUGETLB_FLAG_2MB	(21UL << GUESTMEM_HUGETLB_FLAG_SHIFT)
#define GUESTMEM_HUGETLB_FLAG_1GB	(30UL << GUESTMEM_HUGETLB_FLAG_SHIFT)

/*
 * The folio order @flags ask for: 0 without GUEST_MEMFD_FLAG_HUGETLB,
 * -EINVAL for a size flag without it or a size with no pool.
 */
int kvm_gmem_huge_order(unsigned long flags);

/*
 * The folio at @index of huge guest_memfd @inode after a miss: a hugetlb
 * folio for the aligned range, split, its pieces in the page cache; the
 * piece at @index locked with a reference. NULL: the pool had none (or a
 * racing allocation won and this one should look again: *@raced).
 */
struct folio *kvm_gmem_huge_alloc(struct inode *inode, unsigned long index,
				  bool *raced);

/*
 * The order stage 2 may map @index with: the origin's, when the folio at
 * @index came from a pool, the binding [@bstart, @bend) holds all of it
 * and all of it is private or all shared; else 0.
 */
int kvm_gmem_huge_max_order(struct gmem_inode *gi, struct folio *folio,
			    unsigned long bstart, unsigned long bend);

/* gmem.huge = whole: a conversion of [start, end) cuts no folio. */
bool kvm_gmem_huge_whole(const struct gmem_inode *gi);

#endif /* PMM_VIRT_GMEM_HUGE_H */
