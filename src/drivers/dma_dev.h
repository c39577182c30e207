/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An emulated DMA device: what it reaches is a bus address, and it moves
 * the raw bytes there. Shared by the DMA API's users (drivers/dma.h) and
 * any device model (the TTM GPU's copy engine): a device is a struct
 * device (its name, its DMA mask) and reads or writes bytes at DMA
 * addresses with dma_dev_rw().
 *
 * A DMA address is a physical address of RAM, with the C-bit
 * (sme_me_mask) where the DMA API put it (phys_to_dma() under SME), or a
 * bus address in a device memory region (a BAR, mem/memtype.h). What the
 * bytes are: under SME a C-bit address is encrypted and decrypted with
 * the host's key by the memory controller, a clear one moves DRAM's raw
 * bytes; under SEV the device is the hypervisor's and always moves raw
 * bytes, so only memory the guest decrypted (C-bit clear) means anything
 * to it; device memory is never encrypted. The enc-mismatch oracle
 * reports a device reading bytes written through another encryption.
 */
#ifndef PMM_DRIVERS_DMA_DEV_H
#define PMM_DRIVERS_DMA_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t dma_addr_t;

#define DMA_MAPPING_ERROR	(~(dma_addr_t)0)
#define DMA_BIT_MASK(n)		((n) == 64 ? ~0ULL : ((1ULL << (n)) - 1))

struct device {
	const char *name;
	/* The addresses it can reach (dma_set_mask_and_coherent()). */
	uint64_t dma_mask;
};

/*
 * The device reads (@write false) or writes @len bytes at @addr, which
 * may cross frames; each frame is one access (one yield point). 0,
 * -EFAULT for an address that is neither RAM nor a device region, or
 * -EIO for one beyond the device's mask.
 */
int dma_dev_rw(struct device *dev, dma_addr_t addr, void *buf, size_t len,
	       bool write);

#endif /* PMM_DRIVERS_DMA_DEV_H */
