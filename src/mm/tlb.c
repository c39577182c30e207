// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "mem/phys.h"
#include "mm/arch.h"
#include "mm/tlb.h"
#include "sched/irq.h"
#include "sched/knob.h"

DEFINE_KNOB(tlb_flush_knob, "tlb.flush",
	    "how a TLB flush reaches the other CPUs: arch (the machine's own: "
	    "broadcast on arm64, ipi on x86 and generic), ipi (an interrupt "
	    "each CPU must take, so the sender waits while any CPU has "
	    "interrupts off, as x86's native_flush_tlb_multi() does; GUP-fast "
	    "relies on it where page tables are not freed through RCU), "
	    "broadcast (a TLBI that completes whatever the CPUs do, arm64, "
	    "and x86 paravirt or INVLPGB flushes)",
	    "arch", "ipi", "broadcast");

static struct cpu_tlb *tlbs;
static unsigned int nr_tlbs;

/* The object every flush names in traces and for dependence. */
static const char tlb_obj = 0;

/*
 * free_pages_prepare() comes after tlb_finish_mmu() in the kernel: a
 * frame freed while a TLB still maps it can be reached through that entry
 * once it belongs to someone else.
 */
static void tlb_freed(struct folio *folio)
{
	unsigned long vaddr;
	int cpu;

	if (tlb_caches_pfn(folio_pfn(folio), folio_nr_pages(folio), &cpu, &vaddr))
		pmm_violation("stale-tlb",
			      "frame %#lx freed while cpu%d's TLB still maps it at %#lx",
			      folio_pfn(folio), cpu, vaddr);
}

static const struct phys_watch tlb_watch = { .freed = tlb_freed };

__attribute__((constructor)) static void tlb_names(void)
{
	sched_static_name(&tlb_obj, "tlb");
}

int tlb_init(unsigned int nr_cpus)
{
	if (!nr_cpus || nr_cpus > PMM_MAX_CPUS)
		return -EINVAL;
	tlbs = pmm_alloc(nr_cpus * sizeof(*tlbs));
	if (!tlbs)
		return -ENOMEM;
	nr_tlbs = nr_cpus;
	phys_watch(&tlb_watch);
	return 0;
}

unsigned int tlb_nr_cpus(void)
{
	return nr_tlbs;
}

const struct cpu_tlb *tlb_cpu(unsigned int cpu)
{
	return cpu < nr_tlbs ? &tlbs[cpu] : NULL;
}

/* Natively, a raw lock: this is hardware, not a modelled kernel lock. */
static void tlb_lock(struct cpu_tlb *t)
{
	if (sched_exploring())
		return;
	while (__atomic_exchange_n(&t->lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void tlb_unlock(struct cpu_tlb *t)
{
	if (sched_exploring())
		return;
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&t->lock, 0, __ATOMIC_RELEASE);
}

static struct tlb_entry *slot(struct cpu_tlb *t, const struct mm_struct *mm,
			      unsigned long vpn)
{
	return &t->e[(vpn ^ ((unsigned long)mm->id * 7)) % TLB_ENTRIES];
}

static bool lookup(int cpu, const struct mm_struct *mm, unsigned long addr,
		   pte_t *pte, bool audit)
{
	struct cpu_tlb *t = &tlbs[cpu];
	unsigned long vpn = addr >> PAGE_SHIFT;
	struct tlb_entry *e = slot(t, mm, vpn);
	uint32_t seq;
	bool hit;

	if (sched_exploring()) {
		if (audit)
			sched_audit(&tlb_obj, false, "the TLB");
		hit = e->mm == mm && e->vpn == vpn;
		if (hit)
			*pte = e->pte;
		return hit;
	}
	do {
		seq = __atomic_load_n(&t->seq, __ATOMIC_ACQUIRE);
		hit = __atomic_load_n(&e->mm, __ATOMIC_RELAXED) == mm &&
		      __atomic_load_n(&e->vpn, __ATOMIC_RELAXED) == vpn;
		if (hit)
			pte->pte = __atomic_load_n(&e->pte.pte, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1) || __atomic_load_n(&t->seq, __ATOMIC_RELAXED) != seq);
	return hit;
}

bool tlb_lookup(int cpu, const struct mm_struct *mm, unsigned long addr,
		pte_t *pte)
{
	return lookup(cpu, mm, addr, pte, true);
}

bool tlb_peek(int cpu, const struct mm_struct *mm, unsigned long addr,
	      pte_t *pte)
{
	return lookup(cpu, mm, addr, pte, false);
}

void tlb_fill(int cpu, const struct mm_struct *mm, unsigned long addr,
	      pte_t pte)
{
	struct cpu_tlb *t = &tlbs[cpu];
	unsigned long vpn = addr >> PAGE_SHIFT;
	struct tlb_entry *e;

	sched_audit(&tlb_obj, true, "the TLB");
	tlb_lock(t);
	e = slot(t, mm, vpn);
	e->mm = mm;
	e->vpn = vpn;
	e->pte = pte;
	tlb_unlock(t);
}

void tlb_drop(int cpu, const struct mm_struct *mm, unsigned long addr)
{
	struct cpu_tlb *t = &tlbs[cpu];
	unsigned long vpn = addr >> PAGE_SHIFT;
	struct tlb_entry *e;

	sched_audit(&tlb_obj, true, "the TLB");
	tlb_lock(t);
	e = slot(t, mm, vpn);
	if (e->mm == mm && e->vpn == vpn)
		e->mm = NULL;
	tlb_unlock(t);
}

const void *tlb_dep_obj(void)
{
	return &tlb_obj;
}

bool tlb_flush_waits_for_irqs(void)
{
	switch (knob(&tlb_flush_knob)) {
	case 1:
		return true;
	case 2:
		return false;
	default:
		return !arch_ops->tlb_flush_broadcast;
	}
}

/*
 * flush_tlb_mm_range(): every CPU drops the mm's entries in the range.
 * Through IPIs, the flush is done only once every other CPU took its
 * interrupt: not while one has interrupts off.
 */
void flush_tlb_range_at(struct mm_struct *mm, unsigned long start,
			unsigned long end, const struct pmm_loc *loc)
{
	unsigned long lo = start >> PAGE_SHIFT, hi = (end - 1) >> PAGE_SHIFT;
	unsigned int c, i;

	if (tlb_flush_waits_for_irqs())
		ipi_wait_all_at(&tlb_obj, PMM_ACC_WRITE, loc);
	else
		sched_point_at(&tlb_obj, PMM_ACC_WRITE, loc);
	for (c = 0; c < nr_tlbs; c++) {
		struct cpu_tlb *t = &tlbs[c];

		tlb_lock(t);
		for (i = 0; i < TLB_ENTRIES; i++) {
			struct tlb_entry *e = &t->e[i];

			if (e->mm == mm && e->vpn >= lo && e->vpn <= hi)
				e->mm = NULL;
		}
		tlb_unlock(t);
	}
}

bool tlb_caches_pfn(unsigned long pfn, unsigned long nr, int *cpu,
		    unsigned long *vaddr)
{
	unsigned int c, i;
	bool found = false;

	for (c = 0; c < nr_tlbs && !found; c++) {
		struct cpu_tlb *t = &tlbs[c];

		tlb_lock(t);
		for (i = 0; i < TLB_ENTRIES && !found; i++) {
			const struct tlb_entry *e = &t->e[i];
			unsigned long p = pte_pfn(e->pte);

			if (e->mm && p >= pfn && p < pfn + nr) {
				found = true;
				*cpu = (int)c;
				*vaddr = e->vpn << PAGE_SHIFT;
			}
		}
		tlb_unlock(t);
	}
	return found;
}
