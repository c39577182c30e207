// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The x86-snp machine: a host with AMD SEV-SNP, running KVM_X86_SNP_VM
 * guests (arch/x86/virt/svm/sev.c, arch/x86/kvm/svm/sev.c). The Reverse
 * Map Table records, per frame, whether it is the hypervisor's or
 * assigned to a guest (arch/cc.h keeps the owner); RMPUPDATE changes it
 * (rmp_make_private() in sev_gmem_prepare(), rmp_make_shared() in
 * sev_gmem_invalidate()).
 *
 * The RMP check on a host access to an assigned frame (AMD APM vol. 2,
 * "Reverse Map Table", and the kernel's RMP #PF handling): a CPU write
 * faults (#PF with PFERR_RMP), which the host cannot fix up: fatal. A
 * CPU read is not refused; it returns the frame as encrypted with the
 * guest's key. The IOMMU checks DMA the same way: writes are blocked,
 * reads get ciphertext.
 *
 * Simplified: the host's own memory encryption (SME) is not modelled on
 * this machine (page tables as generic), nor the Validated bit, the
 * page-size field of RMP entries, or RMP entries of firmware pages.
 */
#include "arch/arch.h"
#include "arch/cc.h"
#include "arch/x86/x86.h"
#include "protmm/kvm.h"

static enum cc_verdict snp_host_access(const struct phys_access *a)
{
	return a->write ? CC_FATAL : CC_CIPHERTEXT;
}

static const struct arch_cc_ops snp_cc_ops = {
	.hw = "RMP",
	.fault = "an RMP violation",
	.host_access = snp_host_access,
};

const struct arch_mm_ops x86_snp_arch_ops = {
	.name = "x86-snp",
	X86_HOST_OPS,
	.late_init = cc_hw_init,
	.kvm_vm_types = 1u << PMM_VM_SW_PROTECTED | 1u << PMM_VM_SNP,
	.cc = &snp_cc_ops,
};
