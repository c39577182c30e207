/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The data oracle ("data-corruption"): a shadow of what every logical
 * location should hold — a file's byte, a process's private byte — keyed
 * by that identity, never by frame, so data moved by COW, fork, writeback
 * or a refault is still checked. Every write records the bytes at the
 * location it is for; every read compares with what was recorded last.
 *
 * User addresses resolve through the VMA at the time of the access:
 * anonymous memory is (mm, address); a shared file mapping is (file,
 * offset); a private file mapping reads the file until the process first
 * writes the page, and (mm, address) from then on. fork gives the child a
 * copy of the parent's private shadow.
 *
 * Only under the explore backend: native runs race by design.
 */
#ifndef PMM_CHECK_SHADOW_H
#define PMM_CHECK_SHADOW_H

/* A fresh, empty shadow for this execution; registers the watchers. */
int shadow_init(void);

#endif /* PMM_CHECK_SHADOW_H */
