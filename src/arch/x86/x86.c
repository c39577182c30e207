// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The x86-sme and x86-sev machines: x86-64 page tables with AMD's
 * encryption bit. The PTE layout is that of mm/pgtable.h (present, RW,
 * user, PWT/PCD/PAT, accessed, dirty, special, NX) plus the C-bit
 * (x86.h). Under x86-sme the kernel and processes run on the host and
 * encrypt with the host's key; under x86-sev they run inside an SEV guest
 * whose private memory is encrypted with the guest's key and whose shared
 * (C-bit clear) memory is what the hypervisor and emulated devices read.
 */
#include "arch/arch.h"
#include "arch/x86/x86.h"
#include "protmm/kvm.h"
#include "sched/knob.h"

DEFINE_KNOB(x86_pgprot_modify_knob, "x86.pgprot_modify",
	    "whether pgprot_modify()/pte_modify() keep the encryption bit: "
	    "keep_enc (since 6db73f17c5f1, v5.7: _PAGE_ENC in _PAGE_CHG_MASK) | "
	    "clobber_enc (before: the C-bit of vm_get_page_prot() wins, so "
	    "mprotect() of a decrypted mapping encrypts it again)",
	    "keep_enc", "clobber_enc");

/* _PAGE_CHG_MASK of arch/x86/include/asm/pgtable_types.h, without the C-bit. */
#define X86_CHG_MASK_NOENC (PTE_PFN_MASK | _PAGE_PCD | _PAGE_PWT | _PAGE_PAT | \
			    _PAGE_SPECIAL | _PAGE_ACCESSED | _PAGE_DIRTY)

static bool keep_enc(void)
{
	return knob(&x86_pgprot_modify_knob) == 0;
}

/* _PAGE_CHG_MASK: _PAGE_ENC joined it with 6db73f17c5f1. */
static uint64_t x86_chg_mask(void)
{
	return X86_CHG_MASK_NOENC | (keep_enc() ? _PAGE_ENC : 0);
}

/*
 * arch/x86 pgprot_modify(): today the old _PAGE_CHG_MASK bits and the
 * new protection's others; before 6db73f17c5f1 every bit of the new one
 * was ORed in, the C-bit that vm_get_page_prot() sets included.
 */
static pgprot_t x86_pgprot_modify(pgprot_t oldprot, pgprot_t newprot)
{
	uint64_t keep = x86_chg_mask();
	uint64_t add = pgprot_val(newprot);

	if (keep_enc())
		add &= ~keep;
	return __pgprot((pgprot_val(oldprot) & keep) | add);
}

/* arch/x86/mm/pgprot.c vm_get_page_prot(): protection_map[], then __sme_set(). */
static pgprot_t x86_vm_get_page_prot(unsigned long vm_flags)
{
	pgprot_t prot = generic_arch_ops.vm_get_page_prot(vm_flags);

	return __pgprot(pgprot_val(prot) | _PAGE_ENC);
}

/* The C-bit, by the name the threads give it (the kernel's _PAGE_ENC). */
static const struct arch_bit_name x86_enc_bits[] = {
	{ _PAGE_ENC, "C-bit" },
	{ 0, NULL },
};

#define X86_MEM_ENCRYPT_OPS						\
	.tlb_flush_broadcast = false,					\
	.vm_get_page_prot = x86_vm_get_page_prot,			\
	.page_chg_mask = X86_CHG_MASK_NOENC | _PAGE_ENC,		\
	.chg_mask = x86_chg_mask,					\
	.pgprot_modify = x86_pgprot_modify,				\
	.sme_me_mask = _PAGE_ENC,					\
	.machine_init = x86_mem_encrypt_init,				\
	.pte_arch_bits = x86_enc_bits

const struct arch_mm_ops x86_sme_arch_ops = {
	.name = "x86-sme",
	X86_MEM_ENCRYPT_OPS,
	.kvm_vm_types = 1u << PMM_VM_SW_PROTECTED,
};

const struct arch_mm_ops x86_sev_arch_ops = {
	.name = "x86-sev",
	X86_MEM_ENCRYPT_OPS,
	.cc_guest_mem_encrypt = true,
};
