/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-CPU TLBs. A CPU's user accesses look up its TLB first and walk the
 * page tables only on a miss, so an entry that survives a PTE change keeps
 * translating until a flush removes it: a missing flush is observable.
 * A protection fault drops the faulting CPU's entry, as x86 does.
 *
 * Entries are tagged with their mm (like PCIDs), so switching between
 * processes on a CPU needs no flush. Flushes reach every CPU (the kernel
 * limits them to mm_cpumask; the result is the same).
 */
#ifndef PMM_MM_TLB_H
#define PMM_MM_TLB_H

#include <stdbool.h>

#include "mm/mm.h"

#define TLB_ENTRIES	64
#define PMM_MAX_CPUS	64

struct tlb_entry {
	const struct mm_struct *mm;
	unsigned long vpn;
	pte_t pte;
};

struct cpu_tlb {
	/*
	 * Native backend: other CPUs flush this one while it looks up.
	 * Updates take the lock and make seq odd; lookups only read, and
	 * look again if seq moved (a seqlock).
	 */
	uint32_t lock;
	uint32_t seq;
	struct tlb_entry e[TLB_ENTRIES];
};

int tlb_init(unsigned int nr_cpus);
unsigned int tlb_nr_cpus(void);
/* CPU @cpu's TLB as it is, to show it (the trace viewer); NULL past the last. */
const struct cpu_tlb *tlb_cpu(unsigned int cpu);
bool tlb_lookup(int cpu, const struct mm_struct *mm, unsigned long addr,
		pte_t *pte);
/*
 * tlb_lookup() to choose which yield point comes next, the step after it
 * looking again: not a read of the TLB by the step running (the audit).
 */
bool tlb_peek(int cpu, const struct mm_struct *mm, unsigned long addr,
	      pte_t *pte);
void tlb_fill(int cpu, const struct mm_struct *mm, unsigned long addr,
	      pte_t pte);
void tlb_drop(int cpu, const struct mm_struct *mm, unsigned long addr);
/*
 * The object the TLBs are for dependence: hits read it; fills, drops and
 * flushes write it.
 */
const void *tlb_dep_obj(void);

/* Whether flushes are IPIs that CPUs with interrupts off hold up (tlb.flush). */
bool tlb_flush_waits_for_irqs(void);
void flush_tlb_range_at(struct mm_struct *mm, unsigned long start,
			unsigned long end, const struct pmm_loc *loc);
#define flush_tlb_page(vma, addr) \
	flush_tlb_range_at((vma)->vm_mm, (addr), (addr) + PAGE_SIZE, PMM_HERE)
#define flush_tlb_range(vma, start, end) \
	flush_tlb_range_at((vma)->vm_mm, (start), (end), PMM_HERE)
#define flush_tlb_mm(mm) flush_tlb_range_at((mm), 0, ~0UL, PMM_HERE)

/* Whether any CPU still caches a translation to @pfn (stale-tlb oracle). */
bool tlb_caches_pfn(unsigned long pfn, unsigned long nr, int *cpu,
		    unsigned long *vaddr);

#endif /* PMM_MM_TLB_H */
