// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The x86-tdx machine: a host with Intel TDX, running KVM_X86_TDX_VM
 * guests (arch/x86/virt/vmx/tdx/, arch/x86/kvm/vmx/tdx.c,
 * Documentation/arch/x86/tdx.rst). A frame is private to a TD from the
 * TDH.MEM.PAGE.AUG that maps it into the TD's secure EPT until
 * TDH.MEM.PAGE.REMOVE and the host's clearing of it (arch/cc.h keeps the
 * owner; KVM does both at stage-2 map and unmap of a private gfn).
 *
 * A host access to a TD-private frame uses the host's KeyID on memory
 * encrypted and integrity-protected with the TD's: a write poisons the
 * line and the TD's next read machine-checks; a read machine-checks with
 * cryptographic integrity (with logical integrity it reads zeros). The
 * model takes every such access, CPU or DMA, read or write, as the fatal
 * machine check.
 *
 * Simplified: no host memory encryption (page tables as generic), no
 * PAMT, no TDX module metadata pages.
 */
#include "arch/arch.h"
#include "arch/cc.h"
#include "arch/x86/x86.h"
#include "protmm/kvm.h"

static enum cc_verdict tdx_host_access(const struct phys_access *a)
{
	(void)a;
	return CC_FATAL;
}

static const struct arch_cc_ops tdx_cc_ops = {
	.hw = "TDX module",
	.fault = "a machine check",
	.host_access = tdx_host_access,
};

const struct arch_mm_ops x86_tdx_arch_ops = {
	.name = "x86-tdx",
	X86_HOST_OPS,
	.late_init = cc_hw_init,
	.kvm_vm_types = 1u << PMM_VM_SW_PROTECTED | 1u << PMM_VM_TDX,
	.cc = &tdx_cc_ops,
};
