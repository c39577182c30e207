// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SWIOTLB (kernel/dma/swiotlb.c): bounce slots of IO_TLB_SIZE bytes in a
 * pool of RAM the kernel decrypted (swiotlb_update_mem_attributes()), so
 * a device that cannot reach encrypted memory -- under SEV, every device
 * -- reads and writes a copy. The copies (swiotlb_bounce()) run through
 * the kernel's direct map: the original page encrypted, the slot not.
 *
 * Simplified: one pool, made on first use rather than at boot (its
 * set_memory_decrypted() is counted then), 2 KiB slots, a mapping of a
 * page or more starts on a page; no min_align_mask, no areas, no
 * dynamic pools. The kernel never frees the pool; the model frees it at
 * teardown, encrypted again, for the leak oracle.
 */
#include <errno.h>

#include "drivers/dma.h"
#include "mem/folio.h"
#include "mem/phys.h"
#include "mm/arch.h"
#include "mm/set_memory.h"
#include "protmm/x86.h"
#include "sched/spinlock.h"

#define IO_TLB_SHIFT	11
#define IO_TLB_SIZE	(1U << IO_TLB_SHIFT)
#define SWIOTLB_ORDER	4
#define IO_TLB_NSLABS	((PAGE_SIZE << SWIOTLB_ORDER) >> IO_TLB_SHIFT)

struct io_tlb_slot {
	uint64_t orig_addr;	/* the original buffer, for the bounces */
	size_t alloc_size;	/* of the mapping, at its first slot */
	bool used;
};

struct io_tlb_mem {
	unsigned long pfn;
	spinlock_t lock;
	unsigned int used;
	struct io_tlb_slot slots[IO_TLB_NSLABS];
};

static struct io_tlb_mem *io_tlb;

void swiotlb_reset(void)
{
	io_tlb = NULL;
}

/* swiotlb_init() + swiotlb_update_mem_attributes(). */
static struct io_tlb_mem *swiotlb_mem(void)
{
	struct io_tlb_mem *mem = io_tlb;
	struct folio *folio;

	if (mem)
		return mem;
	folio = folio_alloc(0, SWIOTLB_ORDER);
	mem = pmm_alloc(sizeof(*mem));
	if (!folio || !mem)
		return NULL;
	mem->pfn = folio_pfn(folio);
	spin_lock_init(&mem->lock);
	if (arch_ops->sme_me_mask)
		set_memory_decrypted(mem->pfn, 1UL << SWIOTLB_ORDER);
	io_tlb = mem;
	return mem;
}

void swiotlb_teardown(void)
{
	struct io_tlb_mem *mem = io_tlb;

	if (!mem)
		return;
	if (arch_ops->sme_me_mask)
		set_memory_encrypted(mem->pfn, 1UL << SWIOTLB_ORDER);
	folio_put(pfn_folio(mem->pfn));
	io_tlb = NULL;
}

/* is_swiotlb_force_bounce(): swiotlb_force_bounce, set for SEV guests at boot. */
bool is_swiotlb_force_bounce(const struct device *dev)
{
	return cc_guest_mem_encrypt() && force_dma_unencrypted(dev);
}

static uint64_t slot_addr(const struct io_tlb_mem *mem, unsigned int i)
{
	return ((uint64_t)mem->pfn << PAGE_SHIFT) + ((uint64_t)i << IO_TLB_SHIFT);
}

bool is_swiotlb_buffer(struct device *dev, dma_addr_t addr)
{
	const struct io_tlb_mem *mem = io_tlb;
	uint64_t pa = dma_to_phys(dev, addr), base;

	if (!mem)
		return false;
	base = (uint64_t)mem->pfn << PAGE_SHIFT;
	return pa >= base && pa < base + ((uint64_t)IO_TLB_NSLABS << IO_TLB_SHIFT);
}

/*
 * swiotlb_bounce(): copies between the original buffer and the slot,
 * frame by frame, through the kernel's direct map. The original's bytes
 * belong to whoever maps its frame (by_frame, for the data oracle).
 */
static void swiotlb_bounce(uint64_t tlb_addr, uint64_t orig_addr, size_t size,
			   enum dma_data_direction dir)
{
	unsigned char buf[PAGE_SIZE];

	while (size) {
		unsigned int to = (unsigned int)(tlb_addr & (PAGE_SIZE - 1));
		unsigned int oo = (unsigned int)(orig_addr & (PAGE_SIZE - 1));
		unsigned int n = (unsigned int)(size < PAGE_SIZE ? size : PAGE_SIZE);
		struct phys_access src = { .who = ACCESS_KERNEL, .cpu = pmm_task_cpu(),
					   .buf = buf };
		struct phys_access dst;

		if (n > PAGE_SIZE - to)
			n = PAGE_SIZE - to;
		if (n > PAGE_SIZE - oo)
			n = PAGE_SIZE - oo;
		src.len = n;
		if (dir == DMA_TO_DEVICE) {
			src.pfn = (unsigned long)(orig_addr >> PAGE_SHIFT);
			src.offset = oo;
			src.by_frame = true;
		} else {
			src.pfn = (unsigned long)(tlb_addr >> PAGE_SHIFT);
			src.offset = to;
		}
		dst = src;
		dst.write = true;
		dst.by_frame = !src.by_frame;
		dst.pfn = (unsigned long)((dir == DMA_TO_DEVICE ? tlb_addr : orig_addr) >>
					  PAGE_SHIFT);
		dst.offset = dir == DMA_TO_DEVICE ? to : oo;
		phys_access(&src);
		phys_access(&dst);
		tlb_addr += n;
		orig_addr += n;
		size -= n;
	}
}

/*
 * swiotlb_tbl_map_single(): free slots for the mapping, the original's
 * address recorded in each; then the whole buffer is copied to the slots
 * whatever the direction, so that a device writing only part of it does
 * not hand back the slot's stale bytes (the kernel does so since "swiotlb:
 * rework 'fix info leak with DMA_FROM_DEVICE'", 2022).
 */
dma_addr_t swiotlb_map(struct device *dev, uint64_t paddr, size_t size,
		       enum dma_data_direction dir)
{
	struct io_tlb_mem *mem = swiotlb_mem();
	unsigned int nslots = (unsigned int)((size + IO_TLB_SIZE - 1) >> IO_TLB_SHIFT);
	unsigned int stride = size >= PAGE_SIZE ? PAGE_SIZE >> IO_TLB_SHIFT : 1;
	unsigned int i, j;
	uint64_t tlb_addr;

	(void)dir;
	if (!mem || !size || nslots > IO_TLB_NSLABS)
		return DMA_MAPPING_ERROR;
	spin_lock(&mem->lock);
	for (i = 0; i + nslots <= IO_TLB_NSLABS; i += stride) {
		for (j = 0; j < nslots && !mem->slots[i + j].used; j++)
			;
		if (j == nslots)
			break;
	}
	if (i + nslots > IO_TLB_NSLABS) {
		spin_unlock(&mem->lock);
		return DMA_MAPPING_ERROR;
	}
	for (j = 0; j < nslots; j++) {
		mem->slots[i + j].used = true;
		mem->slots[i + j].orig_addr = paddr + ((uint64_t)j << IO_TLB_SHIFT);
	}
	mem->slots[i].alloc_size = size;
	mem->used += nslots;
	spin_unlock(&mem->lock);
	tlb_addr = slot_addr(mem, i);
	swiotlb_bounce(tlb_addr, paddr, size, DMA_TO_DEVICE);
	return phys_to_dma_unencrypted(dev, tlb_addr);
}

static unsigned int slot_index(struct device *dev, dma_addr_t addr)
{
	uint64_t pa = dma_to_phys(dev, addr);

	return (unsigned int)((pa - ((uint64_t)io_tlb->pfn << PAGE_SHIFT)) >> IO_TLB_SHIFT);
}

static void bounce_from_device(struct device *dev, dma_addr_t addr, size_t size)
{
	unsigned int i = slot_index(dev, addr);

	swiotlb_bounce(dma_to_phys(dev, addr), io_tlb->slots[i].orig_addr, size,
		       DMA_FROM_DEVICE);
}

/* swiotlb_tbl_unmap_single(): the device's bytes back, then the slots freed. */
void swiotlb_tbl_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
			      enum dma_data_direction dir)
{
	struct io_tlb_mem *mem = io_tlb;
	unsigned int i = slot_index(dev, addr), j, nslots;

	if (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL)
		bounce_from_device(dev, addr, size);
	spin_lock(&mem->lock);
	nslots = (unsigned int)((mem->slots[i].alloc_size + IO_TLB_SIZE - 1) >> IO_TLB_SHIFT);
	for (j = 0; j < nslots; j++) {
		mem->slots[i + j].used = false;
		mem->slots[i + j].orig_addr = 0;
	}
	mem->slots[i].alloc_size = 0;
	mem->used -= nslots;
	spin_unlock(&mem->lock);
}

void swiotlb_sync_single_for_cpu(struct device *dev, dma_addr_t addr,
				 size_t size, enum dma_data_direction dir)
{
	if (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL)
		bounce_from_device(dev, addr, size);
}

void swiotlb_sync_single_for_device(struct device *dev, dma_addr_t addr,
				    size_t size, enum dma_data_direction dir)
{
	unsigned int i = slot_index(dev, addr);

	if (dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL)
		swiotlb_bounce(dma_to_phys(dev, addr), io_tlb->slots[i].orig_addr, size,
			       DMA_TO_DEVICE);
}

unsigned int swiotlb_used(void)
{
	return io_tlb ? io_tlb->used : 0;
}
