// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The DMA API's direct mapping (kernel/dma/direct.c, mapping.c) and TTM's
 * pool of coherent pages (drivers/gpu/drm/ttm/ttm_pool.c). See dma.h.
 */
#include <errno.h>
#include <string.h>

#include "drivers/dma.h"
#include "mem/folio.h"
#include "mem/phys.h"
#include "mm/arch.h"
#include "mm/memory.h"
#include "mm/set_memory.h"
#include "protmm/x86.h"
#include "sched/knob.h"
#include "sched/spinlock.h"

DEFINE_KNOB(dma_pool_knob, "dma.decrypted_pool",
	    "what freeing a page of a pool of coherent DMA pages does: pool "
	    "(keep it, still decrypted, for the next allocation: seed 003's "
	    "patch 4 \"drm/ttm: Cache dma pool decrypted pages\", and TTM's "
	    "ttm_pool with use_dma_alloc today; only the shrinker frees) | "
	    "none (dma_free_coherent() at once, so under SEV every allocation "
	    "pays set_memory_decrypted() and every free set_memory_encrypted())",
	    "pool", "none");

DEFINE_KNOB(dma_sev_knob, "dma.sev_bounce",
	    "how DMA works inside an SEV guest: force (since d7b417fa08d1 "
	    "\"x86/mm: Add DMA support for SEV memory encryption\", v4.15: "
	    "SWIOTLB bounces every streaming mapping through decrypted memory and "
	    "coherent buffers are decrypted) | off (the DMA API as on an SME "
	    "host: the device is given the guest page's own address, so the "
	    "hypervisor's device reads and writes ciphertext)",
	    "force", "off");

bool force_dma_unencrypted(const struct device *dev)
{
	uint64_t enc = arch_ops->sme_me_mask;

	if (!enc)
		return false;
	if (cc_guest_mem_encrypt() && knob(&dma_sev_knob) == 0)
		return true;
	/* SME: the device's mask cannot carry the C-bit. */
	return dev->dma_mask <= DMA_BIT_MASK(__builtin_ctzll(enc));
}

dma_addr_t phys_to_dma_unencrypted(const struct device *dev, uint64_t paddr)
{
	(void)dev;
	return paddr;
}

dma_addr_t phys_to_dma(const struct device *dev, uint64_t paddr)
{
	return __sme_set(phys_to_dma_unencrypted(dev, paddr));
}

uint64_t dma_to_phys(const struct device *dev, dma_addr_t addr)
{
	(void)dev;
	return __sme_clr(addr);
}

/* phys_to_dma_direct(). */
static dma_addr_t phys_to_dma_direct(const struct device *dev, uint64_t paddr)
{
	if (force_dma_unencrypted(dev))
		return phys_to_dma_unencrypted(dev, paddr);
	return phys_to_dma(dev, paddr);
}

static unsigned int size_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* memset(cpu_addr, 0, size) through the direct map. */
static void zero_frames(unsigned long pfn, unsigned long n)
{
	static const unsigned char zeros[PAGE_SIZE];
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct phys_access a = { .who = ACCESS_KERNEL, .cpu = pmm_task_cpu(),
					 .write = true, .pfn = pfn + i,
					 .len = PAGE_SIZE, .buf = (void *)zeros };

		phys_access(&a);
	}
}

/*
 * dma_direct_alloc(): pages from the buddy allocator; dma_set_decrypted()
 * for a device that needs decrypted memory; zeroed (after the decryption:
 * what was there before reads as garbage through the new mapping).
 */
int dma_alloc_coherent(struct device *dev, size_t size, unsigned long *pfn,
		       dma_addr_t *handle)
{
	unsigned int order = size_order(size);
	struct folio *folio = folio_alloc(0, order);

	if (!size || !folio)
		return -ENOMEM;
	*pfn = folio_pfn(folio);
	if (force_dma_unencrypted(dev) && set_memory_decrypted(*pfn, 1UL << order)) {
		/* dma_set_decrypted() failed: the pages may be in either state. */
		return -ENOMEM;
	}
	zero_frames(*pfn, 1UL << order);
	*handle = phys_to_dma_direct(dev, (uint64_t)*pfn << PAGE_SHIFT);
	return 0;
}

/*
 * dma_direct_free(): encrypted again before the buddy allocator has them
 * (dma_set_encrypted(); if that fails the kernel leaks them rather than
 * hand out decrypted pages).
 */
void dma_free_coherent(struct device *dev, size_t size, unsigned long pfn,
		       dma_addr_t handle)
{
	unsigned int order = size_order(size);

	(void)handle;
	if (force_dma_unencrypted(dev) && set_memory_encrypted(pfn, 1UL << order))
		return;
	folio_put(pfn_folio(pfn));
}

/*
 * dma_pgprot(): the C-bit cleared where the buffer is decrypted ("dma-
 * mapping: Fix dma_pgprot() for unencrypted coherent pages", 2020); x86
 * devices are coherent, so the caching stays as it is.
 */
pgprot_t dma_pgprot(struct device *dev, pgprot_t prot, unsigned long attrs)
{
	(void)attrs;
	if (force_dma_unencrypted(dev))
		prot = pgprot_decrypted(prot);
	return prot;
}

/*
 * dma_direct_mmap(): vm_page_prot from dma_pgprot(), then
 * remap_pfn_range() of the buffer's frames with it (x86's PAT tracking of
 * the range, track_pfn_remap(), is not modelled).
 */
int dma_mmap_coherent(struct device *dev, struct vm_area_struct *vma,
		      unsigned long pfn, dma_addr_t handle, size_t size)
{
	unsigned long count = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	unsigned long nr = (size + PAGE_SIZE - 1) >> PAGE_SHIFT, i;

	(void)handle;
	vma->vm_page_prot = dma_pgprot(dev, vma->vm_page_prot, 0);
	if (vma->vm_pgoff >= nr || count > nr - vma->vm_pgoff)
		return -ENXIO;
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND;
	for (i = 0; i < count; i++) {
		vm_fault_t ret = vmf_insert_pfn_prot(vma, vma->vm_start + (i << PAGE_SHIFT),
						     pfn + vma->vm_pgoff + i,
						     vma->vm_page_prot);

		if (ret & VM_FAULT_ERROR)
			return -ENOMEM;
	}
	return 0;
}

/*
 * dma_direct_map_page(): the page's own address if the device can reach
 * it, else (and always when swiotlb is forced, as under SEV) a bounce
 * slot.
 */
dma_addr_t dma_map_page(struct device *dev, struct page *page,
			unsigned int offset, size_t size,
			enum dma_data_direction dir)
{
	uint64_t paddr = ((uint64_t)page_to_pfn(page) << PAGE_SHIFT) + offset;
	dma_addr_t addr;

	if (is_swiotlb_force_bounce(dev))
		return swiotlb_map(dev, paddr, size, dir);
	addr = phys_to_dma(dev, paddr);
	if (addr + size - 1 > dev->dma_mask)
		return swiotlb_map(dev, paddr, size, dir);
	return addr;
}

void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir)
{
	if (is_swiotlb_buffer(dev, addr))
		swiotlb_tbl_unmap_single(dev, addr, size, dir);
}

void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir)
{
	if (is_swiotlb_buffer(dev, addr))
		swiotlb_sync_single_for_cpu(dev, addr, size, dir);
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr,
				size_t size, enum dma_data_direction dir)
{
	if (is_swiotlb_buffer(dev, addr))
		swiotlb_sync_single_for_device(dev, addr, size, dir);
}

/* The pool: TTM's ttm_pool_type list of one caching, order 0. */
#define POOL_MAX_PAGES	1024
#define MAX_POOLS	8

struct pool_page {
	unsigned long pfn;
	dma_addr_t dma;
};

struct dma_page_pool {
	struct device *dev;
	spinlock_t lock;
	unsigned long nr;
	struct pool_page pages[POOL_MAX_PAGES];
};

/* This execution's pools, for teardown. */
static struct dma_page_pool **pools;

struct dma_page_pool *dma_page_pool_create(struct device *dev)
{
	struct dma_page_pool *pool;
	unsigned int i;

	if (!pools)
		pools = pmm_alloc(MAX_POOLS * sizeof(*pools));
	for (i = 0; pools && i < MAX_POOLS && pools[i]; i++)
		;
	if (!pools || i == MAX_POOLS)
		return NULL;
	pool = pmm_alloc(sizeof(*pool));
	if (!pool)
		return NULL;
	pool->dev = dev;
	spin_lock_init(&pool->lock);
	pools[i] = pool;
	return pool;
}

/* ttm_pool_alloc(): a pooled page (ttm_pool_type_take()), else a new one. */
int dma_page_pool_alloc(struct dma_page_pool *pool, unsigned long *pfn,
			dma_addr_t *handle)
{
	spin_lock(&pool->lock);
	if (pool->nr) {
		struct pool_page *p = &pool->pages[--pool->nr];

		*pfn = p->pfn;
		*handle = p->dma;
		spin_unlock(&pool->lock);
		/* ttm_pool_alloc() clears pages it takes from the pool. */
		zero_frames(*pfn, 1);
		return 0;
	}
	spin_unlock(&pool->lock);
	return dma_alloc_coherent(pool->dev, PAGE_SIZE, pfn, handle);
}

/* ttm_pool_free(): back to the pool (ttm_pool_type_give()), if it keeps pages. */
void dma_page_pool_free(struct dma_page_pool *pool, unsigned long pfn,
			dma_addr_t handle)
{
	if (knob(&dma_pool_knob) == 0) {
		spin_lock(&pool->lock);
		if (pool->nr < POOL_MAX_PAGES) {
			pool->pages[pool->nr].pfn = pfn;
			pool->pages[pool->nr].dma = handle;
			pool->nr++;
			spin_unlock(&pool->lock);
			return;
		}
		spin_unlock(&pool->lock);
	}
	dma_free_coherent(pool->dev, PAGE_SIZE, pfn, handle);
}

unsigned long dma_page_pool_shrink(struct dma_page_pool *pool, unsigned long nr)
{
	unsigned long freed = 0;

	while (freed < nr) {
		struct pool_page p;

		spin_lock(&pool->lock);
		if (!pool->nr) {
			spin_unlock(&pool->lock);
			break;
		}
		p = pool->pages[--pool->nr];
		spin_unlock(&pool->lock);
		dma_free_coherent(pool->dev, PAGE_SIZE, p.pfn, p.dma);
		freed++;
	}
	return freed;
}

unsigned long dma_page_pool_count(struct dma_page_pool *pool)
{
	return __atomic_load_n(&pool->nr, __ATOMIC_RELAXED);
}

void dma_page_pool_destroy(struct dma_page_pool *pool)
{
	unsigned int i;

	dma_page_pool_shrink(pool, ~0UL);
	for (i = 0; pools && i < MAX_POOLS; i++)
		if (pools[i] == pool)
			pools[i] = NULL;
}

void dma_reset(void)
{
	pools = NULL;
	swiotlb_reset();
}

void dma_teardown(void)
{
	unsigned int i;

	for (i = 0; pools && i < MAX_POOLS; i++)
		if (pools[i])
			dma_page_pool_destroy(pools[i]);
	pools = NULL;
	swiotlb_teardown();
}
