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
#include "mm/swapops.h"

struct phys_access;

struct arch_mm_ops {
	const char *name;
	/* Sets up the machine's hardware for an execution. May be NULL. */
	int (*init)(void);
	/* vm_get_page_prot(): the PTE protection for these vm_flags. */
	pgprot_t (*vm_get_page_prot)(unsigned long vm_flags);
	/* _PAGE_CHG_MASK: the PTE bits pte_modify() keeps. */
	uint64_t page_chg_mask;
	/*
	 * The TLB flush is a broadcast invalidation (arm64's TLBI ...IS) that
	 * no CPU's disabled interrupts delay; false: an IPI to each CPU that
	 * waits for them (x86's native_flush_tlb_multi()). tlb.flush=arch.
	 */
	bool tlb_flush_broadcast;
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

	/*
	 * Memory tagging and top-byte-ignore. Every member below may be NULL:
	 * the machine has no such thing (generic).
	 */
	/* arch_calc_vm_prot_bits(): VM_ flags for arch PROT_ bits (PROT_MTE). */
	unsigned long (*calc_vm_prot_bits)(unsigned int prot);
	/*
	 * arch_calc_vm_flag_bits(): VM_ flags a new mapping gets
	 * (VM_MTE_ALLOWED); @ram_backed: anonymous or shmem.
	 */
	unsigned long (*calc_vm_flag_bits)(bool ram_backed, unsigned int flags);
	/* arch_validate_flags(): may a VMA have these flags (VM_MTE needs ALLOWED)? */
	bool (*validate_flags)(unsigned long vm_flags);
	/* arch_validate_prot(): the arch PROT_ bits it accepts (PROT_MTE). */
	unsigned int prot_arch_bits;
	/* VM_ARCH_CLEAR: the arch VM_ flags mprotect() recomputes (VM_MTE). */
	unsigned long vm_arch_clear;
	/*
	 * Top-byte-ignore: the bits of a user address the MMU ignores (the
	 * pointer tag lives there). 0: an address with them set faults.
	 */
	unsigned long tbi_mask;
	/*
	 * A user access's tags (STG/LDG): @tags holds a tag per granule of
	 * a->len bytes at a->offset of frame a->pfn, through a mapping with
	 * a->attrs. Returns 0 or a negative errno. Runs in the step that
	 * translated the address.
	 */
	int (*user_tags)(struct phys_access *a, unsigned char *tags);
	/* The tag of granule @granule of frame @pfn, without a yield. */
	unsigned int (*peek_tag)(unsigned long pfn, unsigned int granule);
	/* copy_highpage()'s arch part: COW and fork copies take the tags. */
	void (*copy_highpage)(struct page *to, struct page *from);

	/* Swap metadata (arch/arm64/mm/mteswap.c), each may be NULL. */
	/* arch_prepare_to_swap(): save what the swap device will not keep. */
	int (*prepare_to_swap)(struct folio *folio);
	/* arch_swap_restore(): do_swap_page() puts it back, folio locked. */
	void (*swap_restore)(swp_entry_t entry, struct folio *folio);
	/*
	 * The swap.restore_order of the kernels whose protocol this
	 * machine's knobs select (swap.restore_order=auto); NULL: the
	 * kernel of today.
	 */
	int (*swap_restore_era)(void);
	/* arch_swap_invalidate_page/area(): the slot, or the device, is gone. */
	void (*swap_invalidate_page)(unsigned int type, unsigned long offset);
	void (*swap_invalidate_area)(unsigned int type);
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

static inline unsigned long arch_calc_vm_prot_bits(unsigned int prot)
{
	return arch_ops->calc_vm_prot_bits ? arch_ops->calc_vm_prot_bits(prot) : 0;
}

static inline unsigned long arch_calc_vm_flag_bits(bool ram_backed,
						   unsigned int flags)
{
	return arch_ops->calc_vm_flag_bits ?
	       arch_ops->calc_vm_flag_bits(ram_backed, flags) : 0;
}

static inline bool arch_validate_flags(unsigned long vm_flags)
{
	return !arch_ops->validate_flags || arch_ops->validate_flags(vm_flags);
}

/* arch_validate_prot(): read, write, exec and the machine's own bits. */
static inline bool arch_validate_prot(unsigned int prot)
{
	return !(prot & ~(0x7u | arch_ops->prot_arch_bits));
}

static inline int arch_prepare_to_swap(struct folio *folio)
{
	return arch_ops->prepare_to_swap ? arch_ops->prepare_to_swap(folio) : 0;
}

static inline void arch_swap_restore(swp_entry_t entry, struct folio *folio)
{
	if (arch_ops->swap_restore)
		arch_ops->swap_restore(entry, folio);
}

static inline void arch_swap_invalidate_page(unsigned int type,
					     unsigned long offset)
{
	if (arch_ops->swap_invalidate_page)
		arch_ops->swap_invalidate_page(type, offset);
}

static inline void arch_swap_invalidate_area(unsigned int type)
{
	if (arch_ops->swap_invalidate_area)
		arch_ops->swap_invalidate_area(type);
}

static inline void arch_copy_highpage(struct page *to, struct page *from)
{
	if (arch_ops->copy_highpage)
		arch_ops->copy_highpage(to, from);
}

#endif /* PMM_MM_ARCH_H */
