/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "fatal-host-access" oracle: the host touched a frame that
 * confidential-computing hardware (arch/cc.h) has given a guest, and
 * that hardware makes the access fatal: a host write under SNP (an RMP
 * violation), any host access under TDX (a machine check) or to a page
 * donated under pKVM (a host stage-2 fault). The kernel guarantees that
 * nothing of the host's -- a CPU through a user or kernel mapping, a
 * device by DMA -- reaches a guest's private memory, since on these
 * machines a single such access brings the host down. The report names
 * the access, the frame, the owning VM and the hardware's fault.
 *
 * A host read under SNP is not fatal (it reads ciphertext) and not
 * reported here; the access is the "host-access-private" oracle's, which
 * also covers the sw-protected VM type, where nothing is enforced.
 */
#ifndef PMM_CHECK_CC_H
#define PMM_CHECK_CC_H

/* Registers the watcher; inert on machines without such hardware. */
int cc_check_init(void);

#endif /* PMM_CHECK_CC_H */
