/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * In-place conversion of a guest_memfd range between shared and private
 * (the in-place conversion series of Ackerley Tng, Fuad Tabba and Sean
 * Christopherson, as of v8, June 2026: KVM_SET_MEMORY_ATTRIBUTES2 on the
 * guest_memfd, struct kvm_memory_attributes2 with error_offset; -EAGAIN
 * with the offset of the page whose references are unexpected).
 *
 * Shared -> private, under the inode's invalidate lock held exclusive (a
 * host fault of the file takes it shared: refaults block until the end):
 *   1. stage 2 loses the range (kvm_gmem_invalidate_begin()),
 *   2. every host page table loses it (unmap_mapping_range()),
 *   3. nothing else may hold its folios: how that is checked is the knob
 *      gmem.convert; on failure the call fails with the index and the
 *      range stays shared,
 *   4. the range turns private (the shared bitmap), and the oracles
 *      look at what holds its folios then (check/gmem_conv.h),
 *   5. stage 2's invalidation ends, the lock goes.
 * Private -> shared: stage 2 loses the range and the architecture gives
 * its frames back to the host (kvm_arch_gmem_invalidate()), then it turns
 * shared.
 *
 * Simplified: the model has no per-CPU LRU batches, so the series' one
 * lru_add_drain_all() before its second look is only the second look.
 */
#ifndef PMM_VIRT_GMEM_CONVERT_H
#define PMM_VIRT_GMEM_CONVERT_H

#include <stdbool.h>

struct folio;
struct gmem_inode;

/*
 * For the oracles (check/gmem_conv.c): @folio went private, the caller
 * holding @held references on it. NULL when no oracle listens.
 */
extern void (*gmem_convert_private_hook)(struct folio *folio, int held);

/*
 * Converts pages [@start, @start + @nr) of @gi. 0, or -EAGAIN with the
 * first index whose folio is held elsewhere in *@err_index; -EINVAL (with
 * the first folio cut in *@err_index under gmem.huge = whole) for
 * a range past the file.
 */
int kvm_gmem_convert(struct gmem_inode *gi, unsigned long start,
		     unsigned long nr, bool to_private,
		     unsigned long *err_index);

#endif /* PMM_VIRT_GMEM_CONVERT_H */
