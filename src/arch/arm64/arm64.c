// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The arm64-mte machine. Its page tables reuse the generic x86-64-style
 * PTE layout of mm/pgtable.h (present, RW, user, accessed, dirty, NX...):
 * what seed 002 argues about is not the arm64 bit positions but the
 * Tagged memory attribute, which this machine adds as an arch bit
 * (PTE_ATTR_TAGGED, bit 52, for MAIR's MT_NORMAL_TAGGED), and the MTE
 * hooks: PROT_MTE, VM_MTE/VM_MTE_ALLOWED, top-byte-ignore, tag storage
 * and checks, mte_sync_tags() in set_pte_at(), and the swap tag hooks.
 */
#include "arch/cc.h"
#include "protmm/kvm.h"
#include "arch/arch.h"
#include "arch/arm64/arm64.h"

/* vm_get_page_prot(): protection_map[], plus MT_NORMAL_TAGGED for VM_MTE. */
static pgprot_t arm64_vm_get_page_prot(unsigned long vm_flags)
{
	pgprot_t prot = generic_arch_ops.vm_get_page_prot(vm_flags);

	if (vm_flags & VM_MTE)
		prot = __pgprot(pgprot_val(prot) | PTE_ATTR_TAGGED);
	return prot;
}

/* arch_calc_vm_prot_bits(): PROT_MTE asks for VM_MTE. */
static unsigned long arm64_calc_vm_prot_bits(unsigned int prot)
{
	return (prot & PROT_MTE) ? VM_MTE : 0;
}

/*
 * arch_calc_vm_flag_bits(): anonymous memory and shmem may be tagged
 * (MAP_ANONYMOUS or shmem_file(), since "mm: refactor
 * arch_calc_vm_flag_bits() and arm64 MTE handling"; before it,
 * shmem_mmap() set VM_MTE_ALLOWED itself). hugetlbfs, which also may, is
 * not modelled.
 */
static unsigned long arm64_calc_vm_flag_bits(bool ram_backed, unsigned int flags)
{
	(void)flags;
	return ram_backed ? VM_MTE_ALLOWED : 0;
}

/* arch_validate_flags(): VM_MTE only where VM_MTE_ALLOWED. */
static bool arm64_validate_flags(unsigned long vm_flags)
{
	return !(vm_flags & VM_MTE) || (vm_flags & VM_MTE_ALLOWED);
}

/*
 * page_chg_mask leaves the Tagged attribute out: pte_modify() takes it
 * from the new protection, so mprotect(PROT_MTE) tags a mapping's PTEs
 * and mprotect() without it untags them (arm64's PTE_ATTRINDX_MASK is
 * not in _PAGE_CHG_MASK either).
 */
/* MAIR's MT_NORMAL_TAGGED attribute, as arm64 calls it. */
static const struct arch_bit_name arm64_pte_bits[] = {
	{ PTE_ATTR_TAGGED, "Tagged" },
	{ 0, NULL },
};

const struct arch_mm_ops arm64_mte_arch_ops = {
	.name = "arm64-mte",
	.pte_arch_bits = arm64_pte_bits,
	/* PG_arch_1 is PG_dcache_clean, which the model does not use. */
	.pg_arch_names = { NULL, "mte_tagged", "mte_lock" },
	.late_init = cc_hw_init,
	.kvm_vm_types = 1u << PMM_VM_PKVM,
	.cc = &pkvm_cc_ops,
	.tlb_flush_broadcast = true,
	.vm_get_page_prot = arm64_vm_get_page_prot,
	.page_chg_mask = PTE_PFN_MASK | _PAGE_PCD | _PAGE_PWT | _PAGE_SPECIAL |
			 _PAGE_ACCESSED | _PAGE_DIRTY,
	.set_pte_hook = mte_set_pte_hook,
	.calc_vm_prot_bits = arm64_calc_vm_prot_bits,
	.calc_vm_flag_bits = arm64_calc_vm_flag_bits,
	.validate_flags = arm64_validate_flags,
	.prot_arch_bits = PROT_MTE,
	/*
	 * VM_ARCH_CLEAR is VM_ARM64_BTI (not modelled): mprotect() without
	 * PROT_MTE keeps VM_MTE, and tag checking with it (the selftest
	 * check_clear_prot_mte_flag relies on that).
	 */
	.vm_arch_clear = 0,
	.tbi_mask = 0xffUL << 56,
	.user_tags = mte_user_tags,
	.copy_highpage = mte_copy_highpage,
	.peek_tag = mte_peek_tag,
	.prepare_to_swap = mte_prepare_to_swap,
	.swap_restore = mte_swap_restore,
	.swap_restore_era = mte_swap_restore_era,
	.swap_invalidate_page = mte_swap_invalidate_page,
	.swap_invalidate_area = mte_swap_invalidate_area,
};
