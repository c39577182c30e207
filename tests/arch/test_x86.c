// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The x86-sme and x86-sev machines: the C-bit in vm_get_page_prot(),
 * pgprot_modify()/pte_modify() under x86.pgprot_modify, the encryption
 * engine (XTS-AES as OpenSSL computes it, tweaked by the physical
 * address, lazy), reads through the wrong encryption, set_memory_*() and
 * its TLB flush, device memory, and the enc-mismatch oracle.
 */
#include <openssl/evp.h>

#include "x86_test.h"
#include "mem/memtype.h"
#include "mm/set_memory.h"
#include "sched/completion.h"

/* The engine's XTS is IEEE 1619's: OpenSSL's AES-128-XTS, data unit = frame. */
static void test_xts_matches_openssl(void **state)
{
	unsigned char key[32], iv[16] = { 0 }, in[4096], model[4096], ossl[4096];
	uint64_t paddr = 0x7000;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl, i;

	(void)state;
	for (i = 0; i < 4096; i++)
		in[i] = (unsigned char)(i * 7 + 3);
	memcrypt_key_bytes(2, key);
	memcpy(iv, &paddr, sizeof(paddr));
	assert_non_null(c);
	assert_true(EVP_EncryptInit_ex(c, EVP_aes_128_xts(), NULL, key, iv));
	assert_true(EVP_EncryptUpdate(c, ossl, &outl, in, 4096));
	EVP_CIPHER_CTX_free(c);
	assert_int_equal(memcrypt_xts(2, paddr, 0, in, model, 4096, true), 0);
	assert_memory_equal(model, ossl, 4096);
	/* The model's own tweak arithmetic (all but the first block): the same. */
	assert_int_equal(memcrypt_xts(2, paddr, 16, in + 16, model, 4080, true), 0);
	assert_memory_equal(model, ossl + 16, 4080);
	/* A line alone, from the tweak's alpha^j, is the same bytes. */
	assert_int_equal(memcrypt_xts(2, paddr, 1024, in + 1024, model, 64, true), 0);
	assert_memory_equal(model, ossl + 1024, 64);
	assert_int_equal(memcrypt_xts(2, paddr, 0, ossl, model, 4096, false), 0);
	assert_memory_equal(model, in, 4096);
}

/* Equal plaintext at two frames, or under two keys, encrypts differently. */
static void test_tweak_and_key(void **state)
{
	unsigned char in[64] = "the same plaintext", a[64], b[64], k[64];

	(void)state;
	assert_int_equal(memcrypt_xts(1, 0x5000, 0, in, a, 64, true), 0);
	assert_int_equal(memcrypt_xts(1, 0x6000, 0, in, b, 64, true), 0);
	assert_int_equal(memcrypt_xts(2, 0x5000, 0, in, k, 64, true), 0);
	assert_memory_not_equal(a, b, 64);
	assert_memory_not_equal(a, k, 64);
	assert_memory_not_equal(a, in, 64);
}

/* The x86.pgprot_modify value the test set. */
static bool clobber;

static void prot_setup(void *arg)
{
	pgprot_t dec, p;
	pte_t pte;

	(void)arg;
	x86_machine();
	p = vm_get_page_prot(VM_READ | VM_WRITE | VM_SHARED);
	check(!!(pgprot_val(p) & _PAGE_ENC) == x86_mem_encrypt_active());
	if (!x86_mem_encrypt_active())
		return;
	/* A decrypted mapping (dma_pgprot()), then mprotect's recomputation. */
	dec = pgprot_decrypted(p);
	check(!(pgprot_val(dec) & _PAGE_ENC));
	p = pgprot_modify(dec, vm_get_page_prot(VM_READ | VM_SHARED));
	pte = pte_modify(pfn_pte(5, dec), vm_get_page_prot(VM_READ | VM_SHARED));
	if (!clobber) {
		check(!(pgprot_val(p) & _PAGE_ENC));
		check(!(pte_val(pte) & _PAGE_ENC));
	} else {
		check(pgprot_val(p) & _PAGE_ENC);
		check(pte_val(pte) & _PAGE_ENC);
	}
	check(pte_pfn(pte) == 5 && !pte_write(pte));
	check(pgprot_val(pgprot_encrypted(dec)) & _PAGE_ENC);
}

static void test_pgprot_c_bit(void **state)
{
	(void)state;
	x86_clean(prot_setup);
	assert_int_equal(pmm_knob_set("x86.pgprot_modify", "clobber_enc"), 0);
	clobber = true;
	x86_clean(prot_setup);
	clobber = false;
	pmm_knob_reset();
	x86_arch = "x86-sme";
	x86_clean(prot_setup);
	x86_arch = "generic";
	x86_clean(prot_setup);
}

/*
 * A user store through the C-bit leaves ciphertext in DRAM; a read
 * through the same mapping gets the plaintext back, and DRAM at another
 * frame with the same bytes differs.
 */
static void dram_setup(void *arg)
{
	struct pmm_process *p;
	char got[8] = { 0 };
	unsigned char d0[64], d1[64];
	unsigned long pfn0, pfn1;
	spinlock_t *ptl;

	(void)arg;
	x86_machine();
	p = pmm_process_create();
	check(!pmm_mmap(p, UA, 8192, RW, PMM_MAP_PRIVATE, NULL, 0));
	check(!pmm_store(p, UA, "secret!", 8));
	check(!pmm_store(p, UA + 4096, "secret!", 8));
	check(!pmm_load(p, UA, got, 8));
	check(!strcmp(got, "secret!"));
	pfn0 = pte_pfn(ptep_get(pte_offset_map(p->mm, UA, &ptl)));
	pfn1 = pte_pfn(ptep_get(pte_offset_map(p->mm, UA + 4096, &ptl)));
	dram_line(pfn0, 0, d0);
	dram_line(pfn1, 0, d1);
	check(memcmp(d0, "secret!", 8));
	check(memcmp(d0, d1, 64));
}

static void test_dram_holds_ciphertext(void **state)
{
	(void)state;
	x86_clean(dram_setup);
	x86_arch = "x86-sme";
	x86_clean(dram_setup);
}

/*
 * A device reading encrypted guest memory at its physical address reads
 * DRAM's bytes: the ciphertext, and enc-mismatch reports it.
 */
static unsigned char device_saw[16];

static void device_setup(void *arg)
{
	struct pmm_process *p;
	struct pmm_pin *pin;
	spinlock_t *ptl;
	unsigned char dram[64];

	(void)arg;
	x86_machine();
	p = pmm_process_create();
	check(!pmm_mmap(p, UA, 4096, RW, PMM_MAP_PRIVATE, NULL, 0));
	check(!pmm_store(p, UA, "guest secret", 12));
	check(!pmm_pin(p, UA, 1, 0, &pin));
	dram_line(pte_pfn(ptep_get(pte_offset_map(p->mm, UA, &ptl))), 0, dram);
	check(!pmm_dma_device_rw_phys(pin, 0, device_saw, 12, false));
	check(!memcmp(device_saw, dram, 12));
	pmm_unpin(pin);
}

static void test_device_reads_ciphertext(void **state)
{
	(void)state;
	x86_expect(device_setup, "enc-mismatch");
	assert_memory_not_equal(device_saw, "guest secret", 12);
}

/*
 * set_memory_decrypted() of a frame, while cpu 1 reads the frame through
 * the direct map (caching its translation) and, once the call returned,
 * writes it for the device. Whenever cpu 1's read came, its later write
 * goes through the new translation, decrypted, and the device reads the
 * plaintext: the TLB flush after the change drops a translation cached
 * between the first flush and the change.
 */
static struct {
	unsigned long pfn;
	struct completion done;
} fl;

static void flip_task(void *arg)
{
	struct pmm_x86_counts c0, c1;

	(void)arg;
	check(!pmm_x86_counts(&c0));
	check(!set_memory_decrypted(fl.pfn, 1));
	check(!pmm_x86_counts(&c1));
	check(c1.set_memory_decrypted == c0.set_memory_decrypted + 1);
	check(c1.tlb_flushes == c0.tlb_flushes + 2 && c1.cache_flushes == c0.cache_flushes + 1);
	check(c1.hypercalls == c0.hypercalls + 1);
	check(!x86_direct_map_encrypted(fl.pfn));
	complete(&fl.done);
}

static void user_task(void *arg)
{
	unsigned char buf[16], dram[64];

	(void)arg;
	kernel_rw(1, fl.pfn, 0, buf, 16, false);
	wait_for_completion(&fl.done);
	kernel_rw(1, fl.pfn, 0, "shared with host", 16, true);
	dram_line(fl.pfn, 0, dram);
	check(!memcmp(dram, "shared with host", 16));
}

static void flush_setup(void *arg)
{
	(void)arg;
	x86_machine();
	fl.pfn = folio_pfn(folio_alloc(0, 0));
	init_completion(&fl.done);
	pmm_task_create("flip", 0, flip_task, NULL);
	pmm_task_create("user", 1, user_task, NULL);
}

static void flush_finish(void *arg)
{
	check(!set_memory_encrypted(fl.pfn, 1));
	folio_put(pfn_folio(fl.pfn));
	x86_finish(arg);
}

static void test_set_memory_decrypted_flushes(void **state)
{
	struct pmm_program prog = { "flush", "", flush_setup, flush_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	failures = 0;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	assert_true(r.executions > 1);
	check_clean(&r);
}

/* The old contents are not preserved: they read as garbage afterwards. */
static void contents_setup(void *arg)
{
	struct folio *f;
	unsigned char buf[16];
	unsigned long pfn;

	(void)arg;
	x86_machine();
	f = folio_alloc(0, 0);
	pfn = folio_pfn(f);
	kernel_rw(0, pfn, 0, "before the flip!", 16, true);
	check(!set_memory_decrypted(pfn, 1));
	kernel_rw(0, pfn, 0, buf, 16, false);
	check(memcmp(buf, "before the flip!", 16));
	check(!set_memory_encrypted(pfn, 1));
	folio_put(f);
}

static void test_set_memory_old_contents_lost(void **state)
{
	(void)state;
	/* The read of the old bytes is itself the mismatch the oracle reports. */
	x86_expect(contents_setup, "enc-mismatch");
}

/* On machines without encryption the engine never runs. */
static unsigned long converted_before, converted_after;

static void plain_setup(void *arg)
{
	struct pmm_process *p;
	char got[8];

	(void)arg;
	x86_machine();
	converted_before = memcrypt_lines_converted();
	p = pmm_process_create();
	check(!pmm_mmap(p, UA, 4096, RW, PMM_MAP_PRIVATE, NULL, 0));
	check(!pmm_store(p, UA, "plain", 6));
	check(!pmm_load(p, UA, got, 6));
	check(x86_mem_encrypt_active() || set_memory_decrypted(0, 1) == -ENOTSUP);
	converted_after = memcrypt_lines_converted();
}

static void test_plain_machines_pay_nothing(void **state)
{
	(void)state;
	x86_arch = "generic";
	x86_clean(plain_setup);
	assert_int_equal(converted_before, converted_after);
	/* On an encrypted machine the same program converts nothing either: */
	x86_arch = "x86-sev";
	x86_clean(plain_setup);
	assert_int_equal(converted_before, converted_after);
}

/* Device memory is never encrypted, whatever the C-bit of the mapping. */
static void devmem_setup(void *arg)
{
	struct devmem_region *r;
	unsigned char dram[64];
	struct phys_access a = { .who = ACCESS_USER, .cpu = 0, .write = true,
				 .offset = 0, .len = 5, .buf = "vram", .attrs = _PAGE_ENC,
				 .via_pte = true };

	(void)arg;
	x86_machine();
	check(!devmem_region_create("vram", 4, _PAGE_CACHE_MODE_WC, &r));
	check(pfn_is_device_memory(r->pfn) && devmem_region_of(r->pfn + 3) == r);
	check(devmem_region_create("big", 100, _PAGE_CACHE_MODE_WC, &r) == -ENOSPC);
	check(devmem_region_create("vram", 4, _PAGE_CACHE_MODE_WC, &r) == 0);
	a.pfn = r->pfn;
	check(!phys_access(&a));
	dram_line(r->pfn, 0, dram);
	check(!memcmp(dram, "vram", 5));
}

static void test_device_memory_plain(void **state)
{
	(void)state;
	x86_clean(devmem_setup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_xts_matches_openssl, knobs_default),
		cmocka_unit_test_setup(test_tweak_and_key, knobs_default),
		cmocka_unit_test_setup(test_pgprot_c_bit, knobs_default),
		cmocka_unit_test_setup(test_dram_holds_ciphertext, knobs_default),
		cmocka_unit_test_setup(test_device_reads_ciphertext, knobs_default),
		cmocka_unit_test_setup(test_set_memory_decrypted_flushes, knobs_default),
		cmocka_unit_test_setup(test_set_memory_old_contents_lost, knobs_default),
		cmocka_unit_test_setup(test_plain_machines_pay_nothing, knobs_default),
		cmocka_unit_test_setup(test_device_memory_plain, knobs_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
