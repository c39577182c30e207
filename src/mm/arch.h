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
#include "mem/memtype.h"
#include "mm/swapops.h"

struct phys_access;
struct arch_cc_ops;

/* A bit (or field) of a machine's own, and its name. */
struct arch_bit_name {
	uint64_t mask;
	const char *name;
};

struct arch_mm_ops {
	const char *name;
	/*
	 * Sets up the machine's hardware for an execution, after the oracles'
	 * own set-up (s390: the Ultravisor's frame states). May be NULL.
	 */
	int (*late_init)(void);
	/* vm_get_page_prot(): the PTE protection for these vm_flags. */
	pgprot_t (*vm_get_page_prot)(unsigned long vm_flags);
	/* _PAGE_CHG_MASK: the PTE bits pte_modify() keeps. */
	uint64_t page_chg_mask;
	/*
	 * _PAGE_CHG_MASK when a knob decides it (x86.pgprot_modify: the
	 * C-bit in it or not); NULL: page_chg_mask.
	 */
	uint64_t (*chg_mask)(void);
	/*
	 * pgprot_modify(): the protection vma_set_page_prot() gives a VMA
	 * from its old one and vm_get_page_prot()'s; NULL: x86's, which
	 * keeps the old _PAGE_CHG_MASK bits.
	 */
	pgprot_t (*pgprot_modify)(pgprot_t oldprot, pgprot_t newprot);
	/*
	 * sme_me_mask: the encryption bit (AMD's C-bit) in a PTE and in a
	 * physical or DMA address; 0 on machines without memory encryption.
	 */
	uint64_t sme_me_mask;
	/*
	 * cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT): the processes run in a
	 * guest whose memory is encrypted (x86-sev).
	 */
	bool cc_guest_mem_encrypt;
	/*
	 * The KVM VM types (enum pmm_vm_type, a bit each) this machine's
	 * hardware runs besides the default one.
	 */
	unsigned int kvm_vm_types;
	/*
	 * Confidential-computing hardware that owns guest frames (SNP's
	 * RMP, the TDX module, pKVM's host stage 2: arch/cc.h); NULL: none.
	 */
	const struct arch_cc_ops *cc;
	/*
	 * The machine's own state for an execution, once physical memory
	 * exists (x86: the direct map's encryption, the engine's hook).
	 * May be NULL.
	 */
	int (*machine_init)(unsigned int nr_cpus);
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

	/*
	 * Names for what shows a PTE or a page's flags (the trace viewer):
	 * the PTE bits of the ARCH field this machine uses, ended by a zero
	 * mask (NULL: none); what PG_arch_1..3 mean here (NULL: "arch_N").
	 */
	const struct arch_bit_name *pte_arch_bits;
	const char *pg_arch_names[3];
};

/* This execution's machine. */
extern const struct arch_mm_ops *arch_ops;

static inline pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	return arch_ops->vm_get_page_prot(vm_flags);
}

static inline uint64_t page_chg_mask(void)
{
	return arch_ops->chg_mask ? arch_ops->chg_mask() : arch_ops->page_chg_mask;
}

/* pte_modify(): keep the _PAGE_CHG_MASK bits, take the rest from @prot. */
static inline pte_t pte_modify(pte_t pte, pgprot_t prot)
{
	uint64_t keep = page_chg_mask();

	return __pte((pte_val(pte) & keep) | (pgprot_val(prot) & ~keep));
}

/* arch/x86 pgprot_modify(): the old _PAGE_CHG_MASK bits, the rest new. */
static inline pgprot_t pgprot_modify(pgprot_t oldprot, pgprot_t newprot)
{
	uint64_t keep = page_chg_mask();

	if (arch_ops->pgprot_modify)
		return arch_ops->pgprot_modify(oldprot, newprot);
	return __pgprot((pgprot_val(oldprot) & keep) |
			(pgprot_val(newprot) & ~keep));
}

/* __sme_set()/__sme_clr(): an address (or PTE value) with the C-bit or not. */
static inline uint64_t __sme_set(uint64_t x)
{
	return x | arch_ops->sme_me_mask;
}

static inline uint64_t __sme_clr(uint64_t x)
{
	return x & ~arch_ops->sme_me_mask;
}

/* pgprot_encrypted()/pgprot_decrypted(): a protection with the C-bit or not. */
static inline pgprot_t pgprot_encrypted(pgprot_t prot)
{
	return __pgprot(__sme_set(pgprot_val(prot)));
}

static inline pgprot_t pgprot_decrypted(pgprot_t prot)
{
	return __pgprot(__sme_clr(pgprot_val(prot)));
}

/*
 * cachemode2protval() under the PAT layout Linux programs (pat_bp_init():
 * WB 0, WC PWT, UC- PCD, UC PCD|PWT).
 */
static inline uint64_t cachemode2protval(enum page_cache_mode pcm)
{
	static const uint64_t bits[] = {
		[_PAGE_CACHE_MODE_WB] = 0,
		[_PAGE_CACHE_MODE_WC] = _PAGE_PWT,
		[_PAGE_CACHE_MODE_UC_MINUS] = _PAGE_PCD,
		[_PAGE_CACHE_MODE_UC] = _PAGE_PCD | _PAGE_PWT,
	};

	return bits[pcm];
}

/* pgprot_writecombine()/pgprot_noncached() (arch/x86/mm/pat/memtype.c). */
static inline pgprot_t pgprot_writecombine(pgprot_t prot)
{
	return __pgprot((pgprot_val(prot) & ~_PAGE_CACHE_MASK) |
			cachemode2protval(_PAGE_CACHE_MODE_WC));
}

static inline pgprot_t pgprot_noncached(pgprot_t prot)
{
	return __pgprot((pgprot_val(prot) & ~_PAGE_CACHE_MASK) |
			cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS));
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
