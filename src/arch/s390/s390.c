// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The s390-pv machine: an s390 host running protected (PV) guests. Its
 * page tables reuse the generic PTE layout of mm/pgtable.h: what seed 001
 * argues about is not s390's invalid/protect bits but the secure state
 * of frames, which the Ultravisor keeps (uv.c), and the one hook the
 * memory manager calls, arch_make_folio_accessible().
 */
#include "arch/arch.h"
#include "arch/s390/uv.h"

/* vm_get_page_prot(): protection_map[] has nothing PV-specific. */
static pgprot_t s390_vm_get_page_prot(unsigned long vm_flags)
{
	return generic_arch_ops.vm_get_page_prot(vm_flags);
}

/* IPTE and IDTE invalidate every CPU's TLB without an IPI. */
const struct arch_mm_ops s390_pv_arch_ops = {
	.name = "s390-pv",
	.late_init = uv_init,
	.tlb_flush_broadcast = true,
	.vm_get_page_prot = s390_vm_get_page_prot,
	.page_chg_mask = PTE_PFN_MASK | _PAGE_PCD | _PAGE_PWT | _PAGE_SPECIAL |
			 _PAGE_ACCESSED | _PAGE_DIRTY,
	.make_folio_accessible = s390_make_folio_accessible,
};
