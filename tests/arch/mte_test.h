/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the arm64-mte tests: an arm64-mte machine, explored
 * programs whose oracle verdict the test inspects, and a hand-made
 * swap-out (the swap layer is another layer's: these tests drive the arch
 * hooks directly, as do_swap_page() and reclaim would).
 */
#ifndef PMM_TESTS_ARCH_MTE_TEST_H
#define PMM_TESTS_ARCH_MTE_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protmm/protmm.h"

#include "../common/check.h"
#include "arch/arm64/arm64.h"
#include "machine/machine.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "mm/tlb.h"
#include "sched/spinlock.h"

#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)
#define RWT	(RW | PMM_PROT_MTE)
#define A	0x100000ul
#define B	0x400000ul


static inline void mte_machine(const char *arch)
{
	test_machine(arch, 0);
}

/* Each test starts from the default knobs, whatever a failed one left. */
static inline int knobs_default(void **state)
{
	(void)state;
	pmm_knob_reset();
	return 0;
}

static inline void mte_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/*
 * The DFS preemption bound of mte_explore(); unless set, every trace
 * (DPOR).
 */
static unsigned int mte_preemptions = PMM_PREEMPTIONS_ALL;

/* Explores @setup; the first violation's oracle and message, if any. */
static inline struct verdict mte_explore(void (*setup)(void *), bool stop)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.stop_on_violation = stop;
	o.preemptions = mte_preemptions;
	if (mte_preemptions == PMM_PREEMPTIONS_ALL)
		o.strategy = PMM_STRATEGY_DPOR;
	return explore_verdict("mte", setup, mte_finish, &o, "MTE_TRACE");
}

/* No oracle fired in any execution, and the exploration was exhaustive. */
static inline uint64_t mte_clean(void (*setup)(void *))
{
	struct verdict v = mte_explore(setup, false);

	return verdict_clean(&v, true);
}

/* Some execution fired @oracle. */
static inline void mte_expect(void (*setup)(void *), const char *oracle)
{
	struct verdict v = mte_explore(setup, true);

	verdict_expect(&v, oracle);
}

static inline pte_t *pte_of(struct pmm_process *p, unsigned long addr,
			    spinlock_t **ptl)
{
	return pte_offset_map(p->mm, addr, ptl);
}

static inline struct folio *folio_at(struct pmm_process *p, unsigned long addr)
{
	spinlock_t *ptl;
	pte_t pte = ptep_get(pte_of(p, addr, &ptl));

	return pte_present(pte) ? page_folio(pte_page(pte)) : NULL;
}

/*
 * Reclaim's part, by hand: the folio's tags are saved under @entry
 * (arch_prepare_to_swap() with the folio in the swap cache), then each of
 * @procs' PTEs at @addr is replaced by the swap entry and the folio goes.
 */
static inline void fake_swap_out(struct pmm_process **procs, unsigned int n,
				 unsigned long addr, swp_entry_t entry)
{
	struct folio *folio = folio_at(procs[0], addr);
	unsigned int i;

	folio->private = entry.val;
	check(arch_prepare_to_swap(folio) == 0);
	folio->private = 0;
	for (i = 0; i < n; i++) {
		struct vm_area_struct *vma = find_vma(procs[i]->mm, addr);
		spinlock_t *ptl;
		pte_t *ptep = pte_of(procs[i], addr, &ptl);

		spin_lock(ptl);
		ptep_get_and_clear(procs[i]->mm, addr, ptep);
		set_pte_at(procs[i]->mm, addr, ptep, swp_entry_to_pte(entry));
		spin_unlock(ptl);
		flush_tlb_range_at(procs[i]->mm, addr, addr + PAGE_SIZE, PMM_HERE);
		folio_remove_rmap_pte(folio, folio_page(folio, 0), vma);
		folio_put(folio);
	}
}

/*
 * The swap-in's new folio @folio: fresh (PG_mte_tagged clear), allocated
 * before the old one was freed so that it is another frame (a freed frame
 * keeps its tags, which would hide lost ones), holding @data as the read
 * from the device would, already counted as mapped by each of @procs
 * (whose PTEs the test then sets).
 */
static inline struct folio *swapin_folio(struct folio *folio,
					 struct pmm_process **procs,
					 unsigned int n, unsigned long addr,
					 const unsigned char *data)
{
	unsigned int i;

	frame_poke(folio_pfn(folio), 0, data, PAGE_SIZE);
	folio_add_new_anon_rmap(folio, find_vma(procs[0]->mm, addr), addr);
	for (i = 1; i < n; i++) {
		folio_get(folio);
		folio_add_anon_rmap_pte(folio, folio_page(folio, 0),
					find_vma(procs[i]->mm, addr), addr);
	}
	if (n > 1)
		ClearPageAnonExclusive(folio_page(folio, 0));
	return folio;
}

/* do_swap_page()'s mapping: the PTE lock, set_pte_at(), unlock. */
static inline void map_folio(struct pmm_process *p, unsigned long addr,
			     struct folio *folio)
{
	struct vm_area_struct *vma = find_vma(p->mm, addr);
	spinlock_t *ptl;
	pte_t *ptep = pte_of(p, addr, &ptl);

	spin_lock(ptl);
	set_pte_at(p->mm, addr, ptep, pfn_pte(folio_pfn(folio),
					      vma->vm_page_prot));
	spin_unlock(ptl);
}

#endif /* PMM_TESTS_ARCH_MTE_TEST_H */
