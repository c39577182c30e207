/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/x86.h - the x86-sme and x86-sev machines: AMD memory
 * encryption, the DMA API over it (coherent buffers, SWIOTLB, the
 * decrypted pool) and an emulated DMA device. Operations fail with
 * -ENOTSUP on other machines.
 */
#ifndef PROTMM_X86_H
#define PROTMM_X86_H

#include "protmm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What set_memory_*() and the flushes that go with them cost so far. */
struct pmm_x86_counts {
	unsigned long set_memory_decrypted;	/* calls */
	unsigned long set_memory_encrypted;
	unsigned long tlb_flushes;		/* cpa_flush()es */
	unsigned long cache_flushes;
	unsigned long hypercalls;		/* SEV: page state notifications */
};

PMM_API int pmm_x86_counts(struct pmm_x86_counts *c);

/*
 * set_memory_decrypted()/set_memory_encrypted() of @numpages frames of
 * RAM from @pfn, through the kernel's direct map (the kernel takes a
 * virtual address; the model's direct map is indexed by frame). The old
 * contents are not preserved. -EINVAL outside RAM, -ENOTSUP without
 * memory encryption.
 */
PMM_API int set_memory_decrypted(unsigned long pfn, unsigned long numpages);
PMM_API int set_memory_encrypted(unsigned long pfn, unsigned long numpages);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_X86_H */
