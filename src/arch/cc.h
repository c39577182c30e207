/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Confidential-computing hardware that takes guest frames away from the
 * host: AMD SEV-SNP's Reverse Map Table (x86-snp), the Intel TDX module
 * (x86-tdx), and pKVM's host stage 2 (arm64). One table per execution
 * says which VM owns each frame (0: the host); each machine says, in its
 * ops, what the hardware does when the host touches a frame a VM owns.
 *
 * What the hardware does to a host access of a guest-owned frame:
 *   x86-snp  a CPU write is an RMP violation (#PF with the RMP bit): the
 *            kernel cannot fix it up; a user write gets SIGBUS, a kernel
 *            write oopses: fatal. A CPU read is not RMP checked: it reads
 *            ciphertext (the frame is encrypted with the guest's key;
 *            the model scrambles the bytes read). DMA is checked by the
 *            IOMMU against the RMP: a write is blocked (an IO page fault,
 *            the transfer fails), a read gets ciphertext.
 *   x86-tdx  any access with the host's KeyID to a TD-private frame is
 *            fatal in the model: a write poisons the line (the next TD
 *            read machine-checks), a read machine-checks on platforms
 *            with cryptographic integrity (with logical integrity it
 *            reads zeros; the model takes the machine check for both).
 *            DMA likewise.
 *   pkvm     the hypervisor unmapped the frame from the host's stage 2
 *            when it was donated: any CPU access takes a stage-2 fault
 *            the hypervisor reflects as an abort the host cannot fix up;
 *            a device is blocked by the hypervisor's IOMMU: fatal.
 * A guest's own accesses (ACCESS_GUEST) are never refused here.
 */
#ifndef PMM_ARCH_CC_H
#define PMM_ARCH_CC_H

#include <stdbool.h>

#include "mem/phys.h"
#include "mm/arch.h"

enum cc_verdict {
	CC_ALLOW,	/* the access goes ahead */
	CC_CIPHERTEXT,	/* it goes ahead, but reads the guest's ciphertext */
	CC_FATAL,	/* the hardware faults it, and nothing recovers */
};

struct arch_cc_ops {
	/* What the hardware is called, and its fault, for messages. */
	const char *hw;
	const char *fault;
	/* The hardware's answer to @a, on a frame some VM owns. */
	enum cc_verdict (*host_access)(const struct phys_access *a);
};

/* Sets up this execution's ownership table and the hardware's watcher. */
int cc_hw_init(void);

/* The VM owning @pfn, 0 for the host (no yield: the hardware's look). */
int cc_frame_owner(unsigned long pfn);
/*
 * Frames [pfn, pfn + nr) become VM @owner's (RMPUPDATE assigned,
 * TDH.MEM.PAGE.AUG, __pkvm_host_donate_guest()). -EBUSY (and nothing
 * changed) when one is already some VM's: RMPUPDATE of an assigned page
 * fails with FAIL_INUSE, pKVM refuses a page the host does not own.
 */
int cc_make_private(unsigned long pfn, unsigned long nr, int owner);
/*
 * Frames back to the host (RMPUPDATE shared, TDH.PHYMEM.PAGE.RECLAIM,
 * pKVM's reclaim). Frames the host owns are left alone.
 */
void cc_make_shared(unsigned long pfn, unsigned long nr);

/* The hardware's verdict on @a (CC_ALLOW when nothing owns the frame). */
enum cc_verdict cc_host_verdict(const struct phys_access *a);

#endif /* PMM_ARCH_CC_H */
