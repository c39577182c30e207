/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Memory types. A frame is RAM (the buddy allocator's, cached, encrypted
 * where the machine encrypts and the mapping says so) or device memory:
 * a PCI BAR's aperture (a GPU's VRAM), never in the buddy allocator,
 * never encrypted whatever the C-bit says (the memory controller's engine
 * sits in front of DRAM only), mapped write-combined or uncached.
 * Bounce buffers are RAM whose direct map the kernel has decrypted
 * (drivers/swiotlb.c): a RAM frame, in a decrypted state (arch/x86).
 *
 * Device memory is the [ram_pages, ram_pages + dev_pages) frames of
 * struct pmm_machine_opts dev_bytes; devmem_region_create() carves a
 * region (a BAR) out of them, once per execution and never freed.
 */
#ifndef PMM_MEM_MEMTYPE_H
#define PMM_MEM_MEMTYPE_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/page.h"

/* enum page_cache_mode of arch/x86/include/asm/pgtable_types.h. */
enum page_cache_mode {
	_PAGE_CACHE_MODE_WB,
	_PAGE_CACHE_MODE_WC,
	_PAGE_CACHE_MODE_UC_MINUS,
	_PAGE_CACHE_MODE_UC,
};

#define DEVMEM_MAX_REGIONS	4

struct devmem_region {
	const char *name;
	unsigned long pfn;		/* first frame */
	unsigned long nr_pages;
	/* The BAR's bus address: what a device and ioremap() use. */
	uint64_t bus_addr;
	/* How the CPU maps it (ioremap_wc() for VRAM). */
	enum page_cache_mode pcm;
};

/*
 * A region of @nr_pages frames of device memory, mapped with @pcm:
 * -ENOSPC when the machine's device memory (dev_bytes) has no room left,
 * -EINVAL for zero pages or too many regions.
 */
int devmem_region_create(const char *name, unsigned long nr_pages,
			 enum page_cache_mode pcm, struct devmem_region **out);
/* The region holding @pfn, or NULL (RAM, or device memory not carved). */
const struct devmem_region *devmem_region_of(unsigned long pfn);

static inline bool pfn_is_device_memory(unsigned long pfn)
{
	return page_mem_type(pfn_to_page(pfn)) == MEM_DEVICE;
}

/* phys_init(): no region yet. */
void memtype_reset(void);

#endif /* PMM_MEM_MEMTYPE_H */
