/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The tag oracles (arm64 MTE), on a shadow of the allocation tag every
 * logical granule should carry — keyed by (mm, user address of the
 * granule), never by frame, so tags moved by swap, COW and fork are still
 * checked. A guest's tags are keyed by the VMM's mm and host virtual
 * address. fork gives the child a copy of the parent's shadow; munmap and
 * exit forget the range.
 *
 * S is the last tag stored to the granule (an STG, a guest's tag store, a
 * copy-tags write) or "never stored", when a fresh page's cleared tag (0)
 * is expected; M is the frame's tag now; P the pointer's tag.
 *
 *   tag-mismatch  a tag-checked access whose tags should match (P == S)
 *                 finds another memory tag: it faults although the
 *                 program did nothing wrong.
 *   stale-tags    the memory tag (on a checked access or a tag read)
 *                 differs from the tag last stored there: tags lost or
 *                 left behind across swap, COW or fork; also, saved swap
 *                 tags freed while their entry lives (mteswap.c).
 *   tag-leak      a granule never given a tag reads nonzero: the page
 *                 reached its owner with a previous owner's tags.
 *
 * The kernel reaching a frame through a reference that does not follow
 * the page tables (KVM_ARM_MTE_COPY_TAGS: FOLL_GET) moves the frame's
 * tags (struct mte_tag_access by_frame): a store records S at every
 * (mm, address) mapping the frame then (check/owners.h), a read must
 * match one of them; as the data oracle does for DMA.
 *
 * Only under the explore backend (native runs race by design), and only
 * on the arm64-mte machine.
 */
#ifndef PMM_CHECK_TAGS_H
#define PMM_CHECK_TAGS_H

/*
 * A fresh, empty tag shadow for this execution; registers the watchers,
 * then sets up the machine's tag hardware (mte_init()) so that the oracle
 * sees each checked access before the hardware can refuse it.
 */
int tags_init(void);

#endif /* PMM_CHECK_TAGS_H */
