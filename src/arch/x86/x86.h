/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the x86-sme and x86-sev machines: AMD Secure Memory Encryption
 * and Secure Encrypted Virtualization. Other layers use the
 * machine-neutral helpers of mm/arch.h (pgprot_encrypted(), __sme_set(),
 * ...), which are no-ops where arch_ops->sme_me_mask is 0, and the
 * operations of mem/memcrypt.h and drivers/dma.h.
 *
 * The C-bit: on hardware, bit 47 (Zen 1-3) or 51 of a PTE and of a
 * physical address (CPUID 0x8000001f EBX[5:0]). The model's PFN field is
 * bits 12-51 and not reduced, so the bit lives in its architecture field
 * (mm/pgtable.h): bit 57 of a PTE, and of a DMA or physical address, so
 * that one mask (sme_me_mask) serves both, as in the kernel.
 */
#ifndef PMM_ARCH_X86_X86_H
#define PMM_ARCH_X86_X86_H

#include <stdbool.h>

#include "arch/arch.h"

#define _PAGE_BIT_ENC	57
#define _PAGE_ENC	(1ULL << _PAGE_BIT_ENC)

extern const struct arch_mm_ops x86_sme_arch_ops;
extern const struct arch_mm_ops x86_sev_arch_ops;
extern const struct arch_mm_ops x86_snp_arch_ops;
extern const struct arch_mm_ops x86_tdx_arch_ops;

/*
 * The x86-snp and x86-tdx hosts: generic x86-64 page tables (their own
 * memory encryption is not modelled), the tlb flush by IPI.
 */
#define X86_HOST_OPS							\
	.tlb_flush_broadcast = false,					\
	.vm_get_page_prot = x86_host_vm_get_page_prot,			\
	.page_chg_mask = PTE_PFN_MASK | _PAGE_PCD | _PAGE_PWT |		\
			 _PAGE_SPECIAL | _PAGE_ACCESSED | _PAGE_DIRTY

/* protection_map[] without the C-bit: the generic machine's. */
static inline pgprot_t x86_host_vm_get_page_prot(unsigned long vm_flags)
{
	return generic_arch_ops.vm_get_page_prot(vm_flags);
}

/* The key domains of the encryption engine (mem/memcrypt.h). */
enum {
	X86_KEY_NONE = 0,	/* C-bit clear: bytes go to DRAM as they are */
	X86_KEY_HOST = 1,	/* SME: the host's key */
	X86_KEY_GUEST = 2,	/* SEV: the guest's (ASID 1) key */
};

static inline bool x86_mem_encrypt_active(void)
{
	return arch_ops == &x86_sme_arch_ops || arch_ops == &x86_sev_arch_ops;
}

/* cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT): the processes run in an SEV guest. */
static inline bool sev_active(void)
{
	return arch_ops->cc_guest_mem_encrypt;
}

/* The key the CPU uses for a C-bit access: the host's, or the guest's under SEV. */
static inline int x86_cpu_key(void)
{
	return sev_active() ? X86_KEY_GUEST : X86_KEY_HOST;
}

/* Per-execution state: the direct map's C-bit per frame, the engine. */
int x86_mem_encrypt_init(unsigned int nr_cpus);
/* Whether the kernel's direct map has @pfn encrypted (set_memory_*). */
bool x86_direct_map_encrypted(unsigned long pfn);

#endif /* PMM_ARCH_X86_X86_H */
