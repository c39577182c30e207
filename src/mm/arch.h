/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the memory manager asks of the architecture, as one ops table per
 * machine (arch/<arch>/ backends fill it in; "generic" is plain x86-64
 * without any protection). Everything that differs between machines goes
 * through here, never through #ifdef.
 */
#ifndef PMM_MM_ARCH_H
#define PMM_MM_ARCH_H

#include "mm/mm.h"

struct arch_mm_ops {
	const char *name;
	/* vm_get_page_prot(): the PTE protection for these vm_flags. */
	pgprot_t (*vm_get_page_prot)(unsigned long vm_flags);
	/* _PAGE_CHG_MASK: the PTE bits pte_modify() keeps. */
	uint64_t page_chg_mask;
	/*
	 * Called by set_pte_at() before the entry is stored (arm64's
	 * __sync_cache_and_tags()/mte_sync_tags(), for instance). May be NULL.
	 */
	void (*set_pte_hook)(struct mm_struct *mm, unsigned long addr,
			   pte_t *ptep, pte_t pte);
	/*
	 * arch_make_folio_accessible(): makes the folio's frames readable by
	 * the host and devices before I/O (s390 exports secure pages).
	 * Returns 0 or a negative errno. May be NULL: nothing to do.
	 */
	int (*make_folio_accessible)(struct folio *folio);
};

/* This execution's machine. */
extern const struct arch_mm_ops *arch_ops;

static inline pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	return arch_ops->vm_get_page_prot(vm_flags);
}

/* pte_modify(): keep the _PAGE_CHG_MASK bits, take the rest from @prot. */
static inline pte_t pte_modify(pte_t pte, pgprot_t prot)
{
	uint64_t keep = arch_ops->page_chg_mask;

	return __pte((pte_val(pte) & keep) | (pgprot_val(prot) & ~keep));
}

static inline int arch_make_folio_accessible(struct folio *folio)
{
	if (!arch_ops->make_folio_accessible)
		return 0;
	return arch_ops->make_folio_accessible(folio);
}

#endif /* PMM_MM_ARCH_H */
