// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Memory encryption on the x86-sme and x86-sev machines: which key
 * domain each access goes through (the engine is mem/memcrypt.c), the
 * kernel direct map's C-bit per frame, and set_memory_decrypted() /
 * set_memory_encrypted() (arch/x86/mm/pat/set_memory.c).
 *
 * The direct map is not a page table in the model: its C-bit per frame
 * is an array, and each CPU caches the C-bit it last translated a frame
 * with (its TLB entry for the direct map), which only a flush removes.
 * So set_memory_*() without its TLB flush leaves a CPU writing a
 * bounce buffer or coherent buffer through the old encryption.
 * CPU caches are not modelled: the cache flush before the change is
 * counted, and contents written before the change read as the hardware
 * would return them afterwards (ciphertext, or garbage) -- the kernel
 * does not preserve them, nor does the model.
 */
#include <errno.h>
#include <string.h>

#include "arch/x86/x86.h"
#include "mem/memtype.h"
#include "mem/phys.h"
#include "mm/set_memory.h"
#include "protmm/x86.h"
#include "sched/sched.h"

/* Per-CPU direct-map TLB entries: none, or the C-bit they carry. */
enum { DMAP_TLB_NONE, DMAP_TLB_ENC, DMAP_TLB_DEC };

struct x86_me {
	unsigned int nr_cpus;
	unsigned long nr_pfns;
	/* Per frame: the direct map maps it decrypted (C-bit clear). */
	uint8_t *decrypted;
	/* [cpu * nr_pfns + pfn]: the CPU's cached direct-map translation. */
	uint8_t *tlb;
	struct pmm_x86_counts counts;
};

static struct x86_me *me;

static int x86_access_key(const struct phys_access *a);

/* This execution's machine encrypts (me may be a past execution's). */
static bool active(void)
{
	return me && phys_access_key == x86_access_key;
}

bool x86_direct_map_encrypted(unsigned long pfn)
{
	return !active() || !__atomic_load_n(&me->decrypted[pfn], __ATOMIC_RELAXED);
}

/* The C-bit a kernel access from @cpu uses: its TLB's, or the direct map's. */
static bool direct_map_cbit(int cpu, unsigned long pfn)
{
	uint8_t *e, v;

	if (cpu < 0 || (unsigned int)cpu >= me->nr_cpus)
		return x86_direct_map_encrypted(pfn);
	e = &me->tlb[(unsigned long)cpu * me->nr_pfns + pfn];
	v = __atomic_load_n(e, __ATOMIC_RELAXED);
	if (v == DMAP_TLB_NONE) {
		v = x86_direct_map_encrypted(pfn) ? DMAP_TLB_ENC : DMAP_TLB_DEC;
		__atomic_store_n(e, v, __ATOMIC_RELAXED);
	}
	return v == DMAP_TLB_ENC;
}

static unsigned int x86_direct_key(unsigned long pfn)
{
	if (pfn_is_device_memory(pfn) || !x86_direct_map_encrypted(pfn))
		return X86_KEY_NONE;
	return (unsigned int)x86_cpu_key();
}

/*
 * The key domain of an access. Device memory is never encrypted. A CPU
 * access through a PTE follows its C-bit; the kernel's own accesses
 * follow its direct map. A device's DMA to a bus address follows the
 * address's C-bit under SME (the memory controller encrypts for the
 * device with the host's key); under SEV the device is the hypervisor's,
 * which never has the guest's key: it moves DRAM's bytes. Other DMA (the
 * block device, pinned pages) stands for a correct DMA API mapping: it
 * sees what the kernel's direct map sees (phys_to_dma() with the C-bit
 * under SME, a SWIOTLB bounce under SEV).
 */
static int x86_access_key(const struct phys_access *a)
{
	if (pfn_is_device_memory(a->pfn))
		return X86_KEY_NONE;
	if (a->who == ACCESS_DMA) {
		if (!a->bus_addr)
			return (int)x86_direct_key(a->pfn);
		if (sev_active() || !(a->attrs & _PAGE_ENC))
			return X86_KEY_NONE;
		return X86_KEY_HOST;
	}
	if (a->who == ACCESS_KERNEL && !a->via_pte)
		return direct_map_cbit(a->cpu, a->pfn) ? x86_cpu_key() : X86_KEY_NONE;
	return (a->attrs & _PAGE_ENC) ? x86_cpu_key() : X86_KEY_NONE;
}

int x86_mem_encrypt_init(unsigned int nr_cpus)
{
	me = pmm_alloc(sizeof(*me));
	if (!me)
		return -ENOMEM;
	me->nr_cpus = nr_cpus;
	me->nr_pfns = phys->nr_pfns;
	me->decrypted = pmm_alloc(phys->nr_pfns);
	me->tlb = pmm_alloc((size_t)nr_cpus * phys->nr_pfns);
	if (!me->decrypted || !me->tlb)
		return -ENOMEM;
	phys_access_key = x86_access_key;
	phys_direct_key = x86_direct_key;
	return 0;
}

/* cpa_flush(): every CPU's direct-map entries for the range go. */
static void cpa_flush(unsigned long pfn, unsigned long n, bool cache)
{
	unsigned long i;
	unsigned int cpu;

	for (cpu = 0; cpu < me->nr_cpus; cpu++)
		for (i = pfn; i < pfn + n; i++)
			__atomic_store_n(&me->tlb[(unsigned long)cpu * me->nr_pfns + i],
					 DMAP_TLB_NONE, __ATOMIC_RELAXED);
	me->counts.tlb_flushes++;
	if (cache)
		me->counts.cache_flushes++;
}

/*
 * __set_memory_enc_pgtable(): flush the TLB and, unless the CPU keeps
 * caches coherent across keys (SME_COHERENT, not modelled: never), the
 * caches; tell the hypervisor (enc_status_change_prepare: SNP only, not
 * modelled); flip the direct map's C-bit; flush the TLB again; tell the
 * hypervisor the range is now shared or private (SEV's
 * enc_status_change_finish hypercall, counted).
 */
static int set_memory_enc_dec(unsigned long pfn, unsigned long n, bool enc)
{
	unsigned long i;

	if (!active())
		return -ENOTSUP;
	if (!n || pfn + n > phys->ram_pages)
		return -EINVAL;
	for (i = pfn; i < pfn + n; i++)
		sched_point(frame_obj(i), PMM_ACC_WRITE);
	cpa_flush(pfn, n, true);
	/* __change_page_attr_set_clr(): each PTE of the direct map, a step of its own. */
	for (i = pfn; i < pfn + n; i++) {
		sched_point(frame_obj(i), PMM_ACC_WRITE);
		__atomic_store_n(&me->decrypted[i], !enc, __ATOMIC_RELAXED);
	}
	cpa_flush(pfn, n, false);
	if (sev_active())
		me->counts.hypercalls++;
	if (enc)
		me->counts.set_memory_encrypted++;
	else
		me->counts.set_memory_decrypted++;
	return 0;
}

/* set_memory_decrypted(): __set_memory_enc_dec(addr, numpages, false). */
int set_memory_decrypted(unsigned long pfn, unsigned long numpages)
{
	return set_memory_enc_dec(pfn, numpages, false);
}

int set_memory_encrypted(unsigned long pfn, unsigned long numpages)
{
	return set_memory_enc_dec(pfn, numpages, true);
}

int pmm_set_memory_decrypted(unsigned long pfn, unsigned long numpages)
{
	return set_memory_decrypted(pfn, numpages);
}

int pmm_set_memory_encrypted(unsigned long pfn, unsigned long numpages)
{
	return set_memory_encrypted(pfn, numpages);
}

int pmm_x86_counts(struct pmm_x86_counts *c)
{
	if (!active())
		return -ENOTSUP;
	*c = me->counts;
	return 0;
}
