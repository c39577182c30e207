/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The data oracle ("data-corruption"): a shadow of what every logical
 * location should hold -- a file's byte, a process's private byte -- keyed
 * by that identity, never by frame, so data moved by COW, fork, writeback
 * or a refault is still checked. Every write records its bytes at the
 * location it is for, with the window of the operation making it; every
 * read is checked against them.
 *
 * Operations (pmm_op_begin()/pmm_op_end(): a scenario statement) have a
 * window [start, end] on a per-execution clock; an access outside one is
 * an instant. A write takes effect at some point of its window; a read may
 * return any value current at some point between its window's start and
 * the read: the value of a write w such that no other write to the byte
 * began after w ended and ended before the read's window began (or the
 * byte's unknown content before its first write, until a write ended
 * before the window). The last value written always is; the history is
 * looked at only when a byte differs from it.
 *
 * A device reaching an anonymous page through a pin reaches the
 * process's memory at the pinned address (phys_access mm, vaddr) until
 * the process's PTE there is zapped; then nobody's (pmm_pin_dma()).
 *
 * A device reaching memory through a reference that does not follow the
 * page tables (struct phys_access by_frame) moves the frame's bytes: a
 * page-cache page's file's while the page is in the file, an anonymous
 * page's every (mm, address) whose PTE maps it then, the zero page's
 * nobody's (check/owners.h). A write lands in each; a read is checked
 * against any.
 *
 * User addresses resolve through the VMA at the time of the access:
 * anonymous memory is (mm, address); a shared file mapping is (file,
 * offset); a private file mapping is the file's until the model installs
 * a private copy of the page (mm_watch private_copy(), the COW fault:
 * the copied page is checked as a read of the file when copied, and is
 * the private location's content from then on), and (mm, address) until
 * that copy is zapped (truncation: mm_watch unmapped()). fork gives the
 * child a copy of the parent's private shadow and history.
 *
 * Only under the explore backend: native runs race by design.
 */
#ifndef PMM_CHECK_SHADOW_H
#define PMM_CHECK_SHADOW_H

/* A fresh, empty shadow for this execution; registers the watchers. */
int shadow_init(void);

#endif /* PMM_CHECK_SHADOW_H */
