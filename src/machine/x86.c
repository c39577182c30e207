// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The DMA API's public operations (protmm/x86.h): one emulated device
 * per execution, and handles for its coherent buffers and streaming
 * mappings.
 */
#include <errno.h>

#include "drivers/dma.h"
#include "mem/folio.h"
#include "machine/machine.h"
#include "mm/mmap.h"
#include "protmm/x86.h"

#define DMA_MAX_HANDLES	32

enum handle_kind { H_FREE, H_COHERENT, H_POOLED, H_STREAM };

struct dma_handle {
	enum handle_kind kind;
	/* Coherent: mapped to user space (the driver frees it when the VMA goes). */
	bool mmapped;
	unsigned long pfn;		/* coherent: the first frame */
	/* Streaming: the page, referenced by the driver until the unmap. */
	struct folio *folio;
	dma_addr_t dma;
	unsigned long len;
	enum dma_data_direction dir;
};

struct dma_state {
	struct device dev;
	struct dma_page_pool *pool;
	/* Handles are never reused: a stale one fails, never hits another buffer. */
	int nr;
	struct dma_handle h[DMA_MAX_HANDLES];
};

/* This execution's (in its arena; machine_x86_reset() forgets the last one's). */
static struct dma_state *dma_state;

void machine_x86_reset(void)
{
	dma_state = NULL;
}

static struct dma_state *state(void)
{
	if (dma_state)
		return dma_state;
	dma_state = pmm_alloc(sizeof(*dma_state));
	if (!dma_state)
		return NULL;
	dma_state->dev.name = "dev0";
	dma_state->dev.dma_mask = DMA_BIT_MASK(64);
	return dma_state;
}

static struct dma_handle *handle(int h, enum handle_kind kind)
{
	struct dma_state *s = state();

	if (!s || h < 0 || h >= DMA_MAX_HANDLES || s->h[h].kind == H_FREE)
		return NULL;
	if (kind != H_FREE && s->h[h].kind != kind &&
	    !(kind == H_COHERENT && s->h[h].kind == H_POOLED))
		return NULL;
	return &s->h[h];
}

static int handle_new(struct dma_state *s)
{
	return s->nr < DMA_MAX_HANDLES ? s->nr++ : -ENOSPC;
}

int pmm_dma_set_mask(unsigned int bits)
{
	struct dma_state *s = state();

	if (!s)
		return -ENOMEM;
	if (bits < 32 || bits > 64)
		return -EINVAL;
	s->dev.dma_mask = DMA_BIT_MASK(bits);
	return 0;
}

int pmm_dma_alloc_coherent(unsigned long len, bool pooled)
{
	struct dma_state *s = state();
	struct dma_handle *d;
	int h, err;

	if (!s)
		return -ENOMEM;
	if (!len || (pooled && len != PAGE_SIZE))
		return -EINVAL;
	h = handle_new(s);
	if (h < 0)
		return h;
	d = &s->h[h];
	if (pooled) {
		if (!s->pool)
			s->pool = dma_page_pool_create(&s->dev);
		if (!s->pool)
			return -ENOMEM;
		err = dma_page_pool_alloc(s->pool, &d->pfn, &d->dma);
	} else {
		err = dma_alloc_coherent(&s->dev, len, &d->pfn, &d->dma);
	}
	if (err)
		return err;
	d->kind = pooled ? H_POOLED : H_COHERENT;
	d->len = len;
	return h;
}

int pmm_dma_free_coherent(int h)
{
	struct dma_state *s = state();
	struct dma_handle *d = handle(h, H_COHERENT);

	if (!d)
		return -EINVAL;
	/* A driver frees a buffer user space maps only once the VMA is gone. */
	if (d->mmapped)
		return -EBUSY;
	if (d->kind == H_POOLED)
		dma_page_pool_free(s->pool, d->pfn, d->dma);
	else
		dma_free_coherent(&s->dev, d->len, d->pfn, d->dma);
	d->kind = H_FREE;
	return 0;
}

static const struct vm_operations_struct dma_coherent_vm_ops = {
	.name = "dma-coherent",
};

/*
 * mmap_region() with a driver whose f_op->mmap is dma_mmap_coherent():
 * the VMA with vm_get_page_prot()'s protection, then the driver's mmap
 * under mmap_lock, then vma_set_page_prot() as mmap_region() ends. (The
 * model links the VMA first: a fault before the driver's mmap finds no
 * PTE and no ->fault, SIGBUS.)
 */
int pmm_dma_mmap_coherent(struct pmm_process *p, int h, unsigned long addr,
			  unsigned long len, unsigned int prot)
{
	struct dma_state *s = state();
	struct dma_handle *d = handle(h, H_COHERENT);
	struct mmap_source src = { .vm_ops = &dma_coherent_vm_ops, .may_write = true,
				   .extra_flags = VM_IO | VM_PFNMAP | VM_DONTEXPAND };
	struct vm_area_struct *vma;
	int err;

	if (!d)
		return -EINVAL;
	if (process_gone(p))
		return -ESRCH;
	err = do_mmap(p->mm, addr, len, prot, MAP_SHARED, &src);
	if (err)
		return err;
	mmap_write_lock(p->mm);
	vma = find_vma(p->mm, addr);
	if (!vma || vma->vm_start != addr) {
		err = -EFAULT;
	} else {
		err = dma_mmap_coherent(&s->dev, vma, d->pfn, d->dma, d->len);
		vma_set_page_prot(vma);
		d->mmapped = true;
	}
	mmap_write_unlock(p->mm);
	return err;
}

static const enum dma_data_direction dirs[] = {
	[PMM_DMA_BIDIRECTIONAL] = DMA_BIDIRECTIONAL,
	[PMM_DMA_TO_DEVICE] = DMA_TO_DEVICE,
	[PMM_DMA_FROM_DEVICE] = DMA_FROM_DEVICE,
};

int pmm_dma_map_pin(struct pmm_pin *pin, unsigned long off, unsigned long len,
		    enum pmm_dma_dir dir)
{
	struct dma_state *s = state();
	unsigned long i = off >> PAGE_SHIFT;
	struct dma_handle *d;
	dma_addr_t addr;
	int h;

	if (!s)
		return -ENOMEM;
	if (!pin || pin->released || i >= pin->nr || !len ||
	    (off & (PAGE_SIZE - 1)) + len > PAGE_SIZE || (unsigned int)dir > PMM_DMA_FROM_DEVICE)
		return -EINVAL;
	h = handle_new(s);
	if (h < 0)
		return h;
	d = &s->h[h];
	d->folio = page_folio(pin->pages[i]);
	folio_get(d->folio);
	addr = dma_map_page(&s->dev, pin->pages[i], (unsigned int)(off & (PAGE_SIZE - 1)),
			    len, dirs[dir]);
	if (addr == DMA_MAPPING_ERROR) {
		folio_put(d->folio);
		return -EIO;
	}
	d->kind = H_STREAM;
	d->dma = addr;
	d->len = len;
	d->dir = dirs[dir];
	return h;
}

int pmm_dma_unmap(int h)
{
	struct dma_state *s = state();
	struct dma_handle *d = handle(h, H_STREAM);

	if (!d)
		return -EINVAL;
	dma_unmap_page(&s->dev, d->dma, d->len, d->dir);
	folio_put(d->folio);
	d->kind = H_FREE;
	return 0;
}

int pmm_dma_sync(int h, bool for_device)
{
	struct dma_state *s = state();
	struct dma_handle *d = handle(h, H_STREAM);

	if (!d)
		return -EINVAL;
	if (for_device)
		dma_sync_single_for_device(&s->dev, d->dma, d->len, d->dir);
	else
		dma_sync_single_for_cpu(&s->dev, d->dma, d->len, d->dir);
	return 0;
}

int pmm_dma_device_rw(int h, unsigned long off, void *buf, unsigned long len,
		      bool write)
{
	struct dma_state *s = state();
	struct dma_handle *d = handle(h, H_FREE);

	if (!d)
		return -EINVAL;
	if (off > d->len || len > d->len - off)
		return -EINVAL;
	return dma_dev_rw(&s->dev, d->dma + off, buf, len, write);
}

int pmm_dma_device_rw_phys(struct pmm_pin *pin, unsigned long off, void *buf,
			   unsigned long len, bool write)
{
	struct dma_state *s = state();
	unsigned long i = off >> PAGE_SHIFT;

	if (!s)
		return -ENOMEM;
	if (!pin || pin->released || i >= pin->nr ||
	    (off & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
		return -EINVAL;
	return dma_dev_rw(&s->dev, ((uint64_t)page_to_pfn(pin->pages[i]) << PAGE_SHIFT) +
			  (off & (PAGE_SIZE - 1)), buf, len, write);
}

int pmm_dma_addr(int h, unsigned long long *addr)
{
	struct dma_handle *d = handle(h, H_FREE);

	if (!d)
		return -EINVAL;
	*addr = d->dma;
	return 0;
}

/* What the driver still holds when its file closes: unmapped, freed. */
void machine_x86_teardown(void)
{
	struct dma_state *s = dma_state;
	int i;

	if (!s)
		return;
	for (i = 0; i < DMA_MAX_HANDLES; i++) {
		/* The processes have exited: no VMA maps a buffer any more. */
		s->h[i].mmapped = false;
		if (s->h[i].kind == H_STREAM)
			pmm_dma_unmap(i);
		else if (s->h[i].kind != H_FREE)
			pmm_dma_free_coherent(i);
	}
	if (s->pool)
		dma_page_pool_destroy(s->pool);
	dma_state = NULL;
}
