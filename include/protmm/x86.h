/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/x86.h - the x86-sme and x86-sev machines: AMD memory
 * encryption, the DMA API over it (coherent buffers, SWIOTLB, the
 * decrypted pool) and an emulated DMA device. Operations fail with
 * -ENOTSUP on other machines.
 */
#ifndef PROTMM_X86_H
#define PROTMM_X86_H

#include <stdbool.h>

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
 * The kernel's set_memory_decrypted()/set_memory_encrypted() of @numpages frames of
 * RAM from @pfn, through the kernel's direct map (the kernel takes a
 * virtual address; the model's direct map is indexed by frame). The old
 * contents are not preserved. -EINVAL outside RAM, -ENOTSUP without
 * memory encryption.
 */
PMM_API int pmm_set_memory_decrypted(unsigned long pfn, unsigned long numpages);
PMM_API int pmm_set_memory_encrypted(unsigned long pfn, unsigned long numpages);

/*
 * The DMA API on an emulated device (every machine; it means something
 * under memory encryption). Buffers and mappings are handles (>= 0) of
 * this execution; teardown releases what is left, as closing a driver's
 * file would. Errors are negative errnos.
 */
enum pmm_dma_dir {
	PMM_DMA_BIDIRECTIONAL,
	PMM_DMA_TO_DEVICE,
	PMM_DMA_FROM_DEVICE,
};

struct pmm_process;
struct pmm_pin;

/* The device's DMA mask (32 to 64 bits; 64 by default) for this execution. */
PMM_API int pmm_dma_set_mask(unsigned int bits);
/*
 * dma_alloc_coherent() of @len bytes, or (@pooled) a page from the pool
 * of coherent pages (dma.decrypted_pool). Returns a handle.
 */
PMM_API int pmm_dma_alloc_coherent(unsigned long len, bool pooled);
PMM_API int pmm_dma_free_coherent(int h);
/*
 * dma_mmap_coherent() of coherent buffer @h at [@addr, +@len) of @p,
 * MAP_SHARED with @prot (PMM_PROT_*): the driver's mmap, under mmap_lock.
 */
PMM_API int pmm_dma_mmap_coherent(struct pmm_process *p, int h,
				  unsigned long addr, unsigned long len,
				  unsigned int prot);
/* dma_map_page() of [@off, +@len) of a pin's pages (one page). Returns a handle. */
PMM_API int pmm_dma_map_pin(struct pmm_pin *pin, unsigned long off,
			    unsigned long len, enum pmm_dma_dir dir);
PMM_API int pmm_dma_unmap(int h);
/* dma_sync_single_for_device() (@for_device) or _for_cpu(). */
PMM_API int pmm_dma_sync(int h, bool for_device);
/* The device reads or writes at the handle's DMA address + @off. */
PMM_API int pmm_dma_device_rw(int h, unsigned long off, void *buf,
			      unsigned long len, bool write);
/*
 * The device reads or writes a pinned page at its physical address, as a
 * driver that hands page_to_phys() to its device (no DMA API) makes it.
 */
PMM_API int pmm_dma_device_rw_phys(struct pmm_pin *pin, unsigned long off,
				   void *buf, unsigned long len, bool write);
/* The handle's DMA address (tests, traces). */
PMM_API int pmm_dma_addr(int h, unsigned long long *addr);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_X86_H */
