// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The generic machine: x86-64 page protections with no memory protection
 * hardware. arch_make_folio_accessible() has nothing to do.
 */
#include "arch/arch.h"
#include "protmm/kvm.h"

/* protection_map[] of arch/x86/mm/pgprot.c. */
static pgprot_t generic_vm_get_page_prot(unsigned long vm_flags)
{
	uint64_t prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return __pgprot(_PAGE_PROTNONE | _PAGE_ACCESSED);
	if ((vm_flags & VM_WRITE) && (vm_flags & VM_SHARED))
		prot |= _PAGE_RW;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return __pgprot(prot);
}

const struct arch_mm_ops generic_arch_ops = {
	.name = "generic",
	.kvm_vm_types = 1u << PMM_VM_SW_PROTECTED,
	.vm_get_page_prot = generic_vm_get_page_prot,
	.page_chg_mask = PTE_PFN_MASK | _PAGE_PCD | _PAGE_PWT | _PAGE_SPECIAL |
			 _PAGE_ACCESSED | _PAGE_DIRTY,
};
