// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "drivers/dma_dev.h"
#include "mem/memtype.h"
#include "mem/phys.h"
#include "mm/arch.h"

/* A bus address to the frame behind it: a BAR's, or RAM's without the C-bit. */
static int bus_to_pfn(dma_addr_t addr, unsigned long *pfn)
{
	uint64_t pa = __sme_clr(addr);
	unsigned long p = (unsigned long)(pa >> PAGE_SHIFT);
	unsigned long f;

	for (f = phys->ram_pages; f < phys->nr_pfns; f++) {
		const struct devmem_region *r = devmem_region_of(f);

		if (!r) {
			break;
		}
		if (pa >= r->bus_addr && pa < r->bus_addr + (r->nr_pages << PAGE_SHIFT)) {
			*pfn = r->pfn + (unsigned long)((pa - r->bus_addr) >> PAGE_SHIFT);
			return 0;
		}
		f = r->pfn + r->nr_pages - 1;
	}
	if (p >= phys->ram_pages)
		return -EFAULT;
	*pfn = p;
	return 0;
}

int dma_dev_rw(struct device *dev, dma_addr_t addr, void *buf, size_t len,
	       bool write)
{
	unsigned char *b = buf;

	if (len && addr + len - 1 > dev->dma_mask)
		return -EIO;
	while (len) {
		unsigned int off = (unsigned int)(addr & (PAGE_SIZE - 1));
		unsigned int n = len < PAGE_SIZE - off ? (unsigned int)len : PAGE_SIZE - off;
		struct phys_access a = { .who = ACCESS_DMA, .cpu = -1, .write = write,
					 .offset = off, .len = n, .buf = b,
					 .attrs = addr & arch_ops->sme_me_mask,
					 .by_frame = true, .bus_addr = true };
		int err = bus_to_pfn(addr, &a.pfn);

		if (!err)
			err = phys_access(&a);
		if (err)
			return err;
		addr += n;
		b += n;
		len -= n;
	}
	return 0;
}
