// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pKVM on the arm64-mte machine (arch/arm64/kvm/hyp/nvhe/mem_protect.c):
 * the hypervisor at EL2 keeps a stage 2 for the host too. A page donated
 * to a protected guest (__pkvm_host_donate_guest(), when KVM maps a
 * private gfn into the guest's stage 2) is unmapped from the host's
 * stage 2 until the guest's teardown or a reclaim gives it back
 * (arch/cc.h keeps the owner).
 *
 * A host CPU access to a donated page takes a stage-2 fault at EL2,
 * which hands the host an abort it cannot fix up (a kernel access
 * oopses, a user one gets a signal): fatal. A device behind the
 * hypervisor's IOMMU is blocked the same way.
 */
#include "arch/arm64/arm64.h"
#include "arch/cc.h"

static enum cc_verdict pkvm_host_access(const struct phys_access *a)
{
	(void)a;
	return CC_FATAL;
}

const struct arch_cc_ops pkvm_cc_ops = {
	.hw = "pKVM's host stage 2",
	.fault = "a host stage-2 fault",
	.host_access = pkvm_host_access,
};
