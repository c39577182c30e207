// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The DMA API over memory encryption: coherent buffers decrypted and
 * encrypted again under SEV, the pool that spares set_memory_decrypted(),
 * SWIOTLB's bounces in the direction each sync and unmap says, the C-bit
 * in DMA addresses under SME, and dma_mmap_coherent()'s protection.
 */
#include "../arch/x86_test.h"
#include "drivers/dma.h"
#include "mm/set_memory.h"

static struct pmm_x86_counts counts(void)
{
	struct pmm_x86_counts c = { 0 };

	check(!pmm_x86_counts(&c));
	return c;
}

/* Under SEV a coherent buffer is decrypted: the device and the kernel agree. */
static void coherent_setup(void *arg)
{
	struct device dev = { "dev", DMA_BIT_MASK(64) };
	struct pmm_x86_counts c0, c1, c2;
	unsigned char buf[8] = { 0 };
	unsigned long pfn;
	dma_addr_t dma;

	(void)arg;
	x86_machine();
	c0 = counts();
	check(!dma_alloc_coherent(&dev, 4096, &pfn, &dma));
	c1 = counts();
	check(c1.set_memory_decrypted == c0.set_memory_decrypted + 1);
	check(!(dma & _PAGE_ENC) && dma == (uint64_t)pfn << PAGE_SHIFT);
	check(!dma_dev_rw(&dev, dma + 8, "device", 7, true));
	kernel_rw(0, pfn, 8, buf, 7, false);
	check(!memcmp(buf, "device", 7));
	kernel_rw(0, pfn, 0, buf, 8, false);
	check(!memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
	dma_free_coherent(&dev, 4096, pfn, dma);
	c2 = counts();
	check(c2.set_memory_encrypted == c1.set_memory_encrypted + 1);
	check(x86_direct_map_encrypted(pfn));
}

static void test_coherent_decrypted_under_sev(void **state)
{
	(void)state;
	x86_clean(coherent_setup);
}

/* Under SME a device that reaches the C-bit uses encrypted memory itself. */
static void sme_setup(void *arg)
{
	struct device dev = { "dev", DMA_BIT_MASK(64) }, dev32 = { "dev32", DMA_BIT_MASK(32) };
	struct pmm_x86_counts c0;
	unsigned char buf[8] = { 0 }, dram[64];
	unsigned long pfn;
	dma_addr_t dma;

	(void)arg;
	x86_machine();
	c0 = counts();
	check(!force_dma_unencrypted(&dev) && force_dma_unencrypted(&dev32));
	check(!dma_alloc_coherent(&dev, 4096, &pfn, &dma));
	check(counts().set_memory_decrypted == c0.set_memory_decrypted);
	check(dma == ((uint64_t)pfn << PAGE_SHIFT | _PAGE_ENC));
	check(!dma_dev_rw(&dev, dma, "host", 5, true));
	kernel_rw(0, pfn, 0, buf, 5, false);
	check(!memcmp(buf, "host", 5));
	dram_line(pfn, 0, dram);
	check(memcmp(dram, "host", 5));
	dma_free_coherent(&dev, 4096, pfn, dma);
	/* A 32-bit device cannot carry the C-bit: its buffer is decrypted. */
	check(!dma_alloc_coherent(&dev32, 4096, &pfn, &dma));
	check(counts().set_memory_decrypted == c0.set_memory_decrypted + 1);
	check(!(dma & _PAGE_ENC));
	dma_free_coherent(&dev32, 4096, pfn, dma);
}

static void test_coherent_sme(void **state)
{
	(void)state;
	x86_arch = "x86-sme";
	x86_clean(sme_setup);
}

/*
 * The pool: a freed page stays decrypted and the next allocation takes
 * it, so N allocate/free pairs cost one set_memory_decrypted(); without
 * it, one each (and as many set_memory_encrypted()).
 */
static unsigned long pool_dec, pool_enc;
static bool pool_same_page;

static void pool_setup(void *arg)
{
	struct device dev = { "dev", DMA_BIT_MASK(64) };
	struct pmm_x86_counts c0, c1;
	struct dma_page_pool *pool;
	unsigned long pfn, first = 0;
	dma_addr_t dma;
	int i;

	(void)arg;
	x86_machine();
	pool = dma_page_pool_create(&dev);
	c0 = counts();
	pool_same_page = true;
	for (i = 0; i < 10; i++) {
		unsigned char buf[4];

		check(!dma_page_pool_alloc(pool, &pfn, &dma));
		if (!i)
			first = pfn;
		pool_same_page &= pfn == first;
		/* A reused page comes back zeroed, and still decrypted. */
		kernel_rw(0, pfn, 0, buf, 4, false);
		check(!memcmp(buf, "\0\0\0\0", 4));
		check(!dma_dev_rw(&dev, dma, "old!", 4, true));
		dma_page_pool_free(pool, pfn, dma);
	}
	c1 = counts();
	pool_dec = c1.set_memory_decrypted - c0.set_memory_decrypted;
	pool_enc = c1.set_memory_encrypted - c0.set_memory_encrypted;
	dma_page_pool_destroy(pool);
}

static void test_pool_reuses_decrypted_pages(void **state)
{
	(void)state;
	x86_clean(pool_setup);
	assert_int_equal(pool_dec, 1);
	assert_int_equal(pool_enc, 0);
	assert_true(pool_same_page);
	assert_int_equal(pmm_knob_set("dma.decrypted_pool", "none"), 0);
	x86_clean(pool_setup);
	assert_int_equal(pool_dec, 10);
	assert_int_equal(pool_enc, 10);
}

/*
 * SWIOTLB under SEV: the device sees the page's bytes only through the
 * bounce slot, copied at map and sync_for_device (to the device) and at
 * sync_for_cpu and unmap (from it), never otherwise.
 */
static void swiotlb_setup(void *arg)
{
	struct device dev = { "dev", DMA_BIT_MASK(64) };
	struct pmm_process *p;
	struct pmm_pin *pin;
	unsigned char buf[8];
	spinlock_t *ptl;
	struct page *page;
	dma_addr_t dma;

	(void)arg;
	x86_machine();
	p = pmm_process_create();
	check(!pmm_mmap(p, UA, 4096, RW, PMM_MAP_PRIVATE, NULL, 0));
	check(!pmm_store(p, UA, "orig", 5));
	check(!pmm_pin(p, UA, 1, PMM_GUP_WRITE, &pin));
	page = pte_page(ptep_get(pte_offset_map(p->mm, UA, &ptl)));
	check(is_swiotlb_force_bounce(&dev));

	/* from_device: the device's bytes reach the page at sync_for_cpu. */
	dma = dma_map_page(&dev, page, 0, 5, DMA_FROM_DEVICE);
	check(dma != DMA_MAPPING_ERROR && is_swiotlb_buffer(&dev, dma));
	check(dma != (uint64_t)page_to_pfn(page) << PAGE_SHIFT);
	check(!dma_dev_rw(&dev, dma, "dev!", 5, true));
	check(!pmm_load(p, UA, buf, 5) && !memcmp(buf, "orig", 5));
	dma_sync_single_for_cpu(&dev, dma, 5, DMA_FROM_DEVICE);
	check(!pmm_load(p, UA, buf, 5) && !memcmp(buf, "dev!", 5));
	dma_unmap_page(&dev, dma, 5, DMA_FROM_DEVICE);

	/* to_device: the page's bytes reach the device at map and sync_for_device. */
	dma = dma_map_page(&dev, page, 0, 5, DMA_TO_DEVICE);
	check(!dma_dev_rw(&dev, dma, buf, 5, false) && !memcmp(buf, "dev!", 5));
	check(!pmm_store(p, UA, "cpu2", 5));
	check(!dma_dev_rw(&dev, dma, buf, 5, false) && !memcmp(buf, "dev!", 5));
	dma_sync_single_for_device(&dev, dma, 5, DMA_TO_DEVICE);
	check(!dma_dev_rw(&dev, dma, buf, 5, false) && !memcmp(buf, "cpu2", 5));
	/* A to_device unmap copies nothing back. */
	check(!dma_dev_rw(&dev, dma, "junk", 5, true));
	dma_unmap_page(&dev, dma, 5, DMA_TO_DEVICE);
	check(!pmm_load(p, UA, buf, 5) && !memcmp(buf, "cpu2", 5));

	/* bidirectional: unmap copies back. */
	dma = dma_map_page(&dev, page, 0, 5, DMA_BIDIRECTIONAL);
	check(!dma_dev_rw(&dev, dma, "both", 5, true));
	dma_unmap_page(&dev, dma, 5, DMA_BIDIRECTIONAL);
	check(!pmm_load(p, UA, buf, 5) && !memcmp(buf, "both", 5));
	check(swiotlb_used() == 0);
	pmm_unpin(pin);
}

static void test_swiotlb_bounce_directions(void **state)
{
	(void)state;
	x86_clean(swiotlb_setup);
}

/* Under SME a 64-bit device maps the page itself (C-bit), a 32-bit one bounces. */
static void sme_stream_setup(void *arg)
{
	struct device dev = { "dev", DMA_BIT_MASK(64) }, dev32 = { "dev32", DMA_BIT_MASK(32) };
	struct pmm_process *p;
	struct pmm_pin *pin;
	unsigned char buf[8];
	spinlock_t *ptl;
	struct page *page;
	dma_addr_t dma;

	(void)arg;
	x86_machine();
	p = pmm_process_create();
	check(!pmm_mmap(p, UA, 4096, RW, PMM_MAP_PRIVATE, NULL, 0));
	check(!pmm_store(p, UA, "host", 5));
	check(!pmm_pin(p, UA, 1, PMM_GUP_WRITE, &pin));
	page = pte_page(ptep_get(pte_offset_map(p->mm, UA, &ptl)));
	dma = dma_map_page(&dev, page, 0, 5, DMA_BIDIRECTIONAL);
	check(dma == ((uint64_t)page_to_pfn(page) << PAGE_SHIFT | _PAGE_ENC));
	check(!dma_dev_rw(&dev, dma, buf, 5, false) && !memcmp(buf, "host", 5));
	dma_unmap_page(&dev, dma, 5, DMA_BIDIRECTIONAL);
	dma = dma_map_page(&dev32, page, 0, 5, DMA_BIDIRECTIONAL);
	check(is_swiotlb_buffer(&dev32, dma) && !(dma & _PAGE_ENC));
	check(!dma_dev_rw(&dev32, dma, buf, 5, false) && !memcmp(buf, "host", 5));
	dma_unmap_page(&dev32, dma, 5, DMA_BIDIRECTIONAL);
	pmm_unpin(pin);
}

static void test_sme_streaming(void **state)
{
	(void)state;
	x86_arch = "x86-sme";
	x86_clean(sme_stream_setup);
}

/* dma_mmap_coherent(): the user's PTE has the buffer's encryption. */
static bool mmap_cbit;

static void mmap_setup(void *arg)
{
	struct pmm_process *p;
	unsigned char buf[8];
	spinlock_t *ptl;
	int h;

	(void)arg;
	x86_machine();
	p = pmm_process_create();
	h = pmm_dma_alloc_coherent(4096, false);
	check(h >= 0);
	check(!pmm_dma_mmap_coherent(p, h, UA, 4096, RW));
	check(!pmm_dma_device_rw(h, 0, "to user", 8, true));
	check(!pmm_load(p, UA, buf, 8) && !memcmp(buf, "to user", 8));
	mmap_cbit = pte_val(ptep_get(pte_offset_map(p->mm, UA, &ptl))) & _PAGE_ENC;
	check(pmm_dma_free_coherent(h) == -EBUSY);
}

static void test_dma_mmap_pgprot(void **state)
{
	(void)state;
	x86_clean(mmap_setup);
	assert_false(mmap_cbit);
	x86_arch = "x86-sme";
	x86_clean(mmap_setup);
	assert_true(mmap_cbit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_coherent_decrypted_under_sev, knobs_default),
		cmocka_unit_test_setup(test_coherent_sme, knobs_default),
		cmocka_unit_test_setup(test_pool_reuses_decrypted_pages, knobs_default),
		cmocka_unit_test_setup(test_swiotlb_bounce_directions, knobs_default),
		cmocka_unit_test_setup(test_sme_streaming, knobs_default),
		cmocka_unit_test_setup(test_dma_mmap_pgprot, knobs_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
