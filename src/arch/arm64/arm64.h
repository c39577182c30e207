/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the arm64-mte machine: what its files (arm64.c, the ops table;
 * mte.c, the tag hardware and mte_sync_tags(); mteswap.c, the saved tags
 * of swapped-out pages) share. Not for other layers: they use mte.h.
 */
#ifndef PMM_ARCH_ARM64_ARM64_H
#define PMM_ARCH_ARM64_ARM64_H

#include "arch/arm64/mte.h"

/* The mte.tags_lifetime knob: when saved tags are freed. */
enum mte_tags_lifetime {
	MTE_TAGS_SWAP_ENTRY,	/* by arch_swap_invalidate_page/area only */
	MTE_TAGS_SWAP_CACHE,	/* once restored into the swap-cache folio */
};
enum mte_tags_lifetime mte_tags_lifetime(void);

/* set_pte_at()'s hook: __sync_cache_and_tags() -> mte_sync_tags(). */
void mte_set_pte_hook(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		      pte_t pte);
/* arch/arm64/mm/copypage.c copy_highpage()'s tag part. */
void mte_copy_highpage(struct page *to, struct page *from);
/* The user_tags op: STG/LDG through a translated user address. */
int mte_user_tags(struct phys_access *a, unsigned char *tags);

/* pkvm.c: pKVM's host stage 2, the hardware owner of donated pages. */
struct arch_cc_ops;
extern const struct arch_cc_ops pkvm_cc_ops;

/* mteswap.c: the ops, and the restore mte_sync_tags() and KVM share. */
int mte_prepare_to_swap(struct folio *folio);
void mte_swap_restore(swp_entry_t entry, struct folio *folio);
int mte_swap_restore_era(void);
void mte_swap_invalidate_page(unsigned int type, unsigned long offset);
void mte_swap_invalidate_area(unsigned int type);
/*
 * mte_restore_tags(): puts @entry's saved tags into @page; false when
 * none were saved. Follows mte.sync (under PG_mte_lock for mte_lock).
 */
bool mte_restore_tags(swp_entry_t entry, struct page *page);
/* This execution's saved-tags store (none on other machines). */
int mteswap_init(bool enabled);
/* How many swap entries have tags saved now (for tests of their lifetime). */
unsigned long mte_saved_tags_count(void);

#endif /* PMM_ARCH_ARM64_ARM64_H */
