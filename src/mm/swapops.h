/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Swap entries and their place in non-present PTEs (include/linux/swapops.h,
 * arch/x86/include/asm/pgtable_64.h __swp_entry()).
 *
 * A swap entry names a slot: a device (type) and a page offset on it. A PTE
 * holding one is neither none nor present:
 *
 *   bit 0, bit 8   clear (not present, not PROT_NONE)
 *   bits 1-5       the swap type
 *   bit 10         always set, so type 0 offset 0 is not pte_none()
 *   bit 11         exclusive: the page was PageAnonExclusive when unmapped
 *   bits 12-51     the offset
 *
 * Simplified: no migration, hwpoison or device-private entries; a swap
 * entry is the only non-present, non-none PTE.
 */
#ifndef PMM_MM_SWAPOPS_H
#define PMM_MM_SWAPOPS_H

#include "mm/pgtable.h"

typedef struct { unsigned long val; } swp_entry_t;

#define MAX_SWAPFILES		8
#define SWP_TYPE_SHIFT		58
#define SWP_OFFSET_MASK		((1UL << SWP_TYPE_SHIFT) - 1)

#define _PAGE_SWP_TYPE_SHIFT	1
#define _PAGE_SWP_TYPE_MASK	(0x1fULL << _PAGE_SWP_TYPE_SHIFT)
#define _PAGE_SWP_MARK		(1ULL << 10)
#define _PAGE_SWP_EXCLUSIVE	(1ULL << 11)

static inline swp_entry_t swp_entry(unsigned int type, unsigned long offset)
{
	return (swp_entry_t){ ((unsigned long)type << SWP_TYPE_SHIFT) |
			      (offset & SWP_OFFSET_MASK) };
}

static inline unsigned int swp_type(swp_entry_t e)
{
	return (unsigned int)(e.val >> SWP_TYPE_SHIFT);
}

static inline unsigned long swp_offset(swp_entry_t e)
{
	return e.val & SWP_OFFSET_MASK;
}

/* is_swap_pte(): neither none nor present. */
static inline bool is_swap_pte(pte_t pte)
{
	return !pte_none(pte) && !pte_present(pte);
}

static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return __pte(((uint64_t)swp_offset(e) << PTE_PFN_SHIFT) |
		     ((uint64_t)swp_type(e) << _PAGE_SWP_TYPE_SHIFT) |
		     _PAGE_SWP_MARK);
}

static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry((unsigned int)((pte_val(pte) & _PAGE_SWP_TYPE_MASK) >>
					_PAGE_SWP_TYPE_SHIFT),
			 (unsigned long)((pte_val(pte) & PTE_PFN_MASK) >>
					 PTE_PFN_SHIFT));
}

static inline pte_t pte_swp_mkexclusive(pte_t pte)
{
	return __pte(pte_val(pte) | _PAGE_SWP_EXCLUSIVE);
}

static inline bool pte_swp_exclusive(pte_t pte)
{
	return pte_val(pte) & _PAGE_SWP_EXCLUSIVE;
}

#endif /* PMM_MM_SWAPOPS_H */
