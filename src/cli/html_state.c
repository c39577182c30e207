// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The states behind the viewer's steps. The trace records, for each step,
 * the object touched and, for a plain value, the value before and after.
 * The viewer also shows what that value means: the whole folio around a
 * refcount, a PTE's bits, every CPU's TLB, a frame's tags. Recording that
 * while exploring would slow every execution, so the one execution shown
 * is replayed once more (deterministic: the same steps) with an observer
 * that decodes the touched object when its step is picked (before) and
 * when the next step is picked or the execution ends (after).
 *
 * The observer reads model memory only, with relaxed loads, and calls no
 * function that yields (protmm/observer.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "cli/html.h"
#include "cli/report.h"
#include "mem/folio.h"
#include "mem/phys.h"
#include "mm/pgtable.h"
#include "mm/swapops.h"
#include "mm/tlb.h"

/* include/trace/events/mmflags.h's names, the model's own types after. */
static const char *const pageflag_names[__NR_PAGEFLAGS] = {
	[PG_locked] = "locked",
	[PG_writeback] = "writeback",
	[PG_referenced] = "referenced",
	[PG_uptodate] = "uptodate",
	[PG_dirty] = "dirty",
	[PG_lru] = "lru",
	[PG_head] = "head",
	[PG_waiters] = "waiters",
	[PG_active] = "active",
	[PG_owner_priv_1] = "owner_priv_1",
	[PG_reserved] = "reserved",
	[PG_private] = "private",
	[PG_swapbacked] = "swapbacked",
	[PG_anon_exclusive] = "anon_exclusive",
	[PG_arch_1] = "arch_1",
	[PG_arch_2] = "arch_2",
	[PG_arch_3] = "arch_3",
	[PG_buddy] = "buddy",
	[PG_table] = "table",
	[PG_hugetlb] = "hugetlb",
	[PG_hugetlb_split] = "hugetlb_split",
};

/* The generic PTE layout of mm/pgtable.h; the machine names its ARCH bits. */
static const struct arch_bit_name pte_bit_names[] = {
	{ _PAGE_PRESENT, "present" },
	{ _PAGE_RW, "rw" },
	{ _PAGE_USER, "user" },
	{ _PAGE_PWT, "pwt" },
	{ _PAGE_PCD, "pcd" },
	{ _PAGE_ACCESSED, "accessed" },
	{ _PAGE_DIRTY, "dirty" },
	{ _PAGE_PAT, "pat" },
	{ _PAGE_PROTNONE, "protnone" },
	{ _PAGE_SPECIAL, "special" },
	{ _PAGE_NX, "nx" },
	{ 0, NULL },
};

static const char *flag_name(unsigned int bit)
{
	if (bit >= PG_arch_1 && bit <= PG_arch_3 &&
	    arch_ops->pg_arch_names[bit - PG_arch_1])
		return arch_ops->pg_arch_names[bit - PG_arch_1];
	return pageflag_names[bit];
}

static int load32(const atomic_t *a)
{
	return __atomic_load_n(&a->counter, __ATOMIC_RELAXED);
}

static void flags_json(FILE *f, unsigned long flags)
{
	unsigned int bit, n = 0;

	fputc('[', f);
	for (bit = 0; bit < __NR_PAGEFLAGS; bit++) {
		/* PG_swapcache is PG_owner_priv_1 on a swap-backed folio. */
		const char *name = bit == PG_owner_priv_1 &&
				   (flags & (1UL << PG_swapbacked)) ?
				   "swapcache" : flag_name(bit);

		if (flags & (1UL << bit))
			fprintf(f, "%s\"%s\"", n++ ? "," : "", name);
	}
	fputc(']', f);
}

/* folio_ref_count(), folio_mapcount(), folio_maybe_dma_pinned() and flags. */
static void folio_json(FILE *f, const struct folio *folio)
{
	unsigned long flags = __atomic_load_n(&folio->flags, __ATOMIC_RELAXED);
	bool large = flags & (1UL << PG_head);
	int ref = load32(&folio->_refcount);

	fprintf(f, "{\"pfn\":\"%#lx\",\"order\":%u,\"refcount\":%d,\"mapcount\":%d,",
		folio_pfn(folio), large ? folio->_folio_order : 0, ref,
		(large ? load32(&folio->_large_mapcount) :
			 load32(&folio->_mapcount)) + 1);
	if (large)
		fprintf(f, "\"pincount\":%d,\"maybe_pinned\":%s,",
			load32(&folio->_pincount),
			load32(&folio->_pincount) > 0 ? "true" : "false");
	else
		fprintf(f, "\"pincount\":null,\"maybe_pinned\":%s,",
			ref >= (int)GUP_PIN_COUNTING_BIAS ? "true" : "false");
	fprintf(f, "\"memory\":\"%s\",\"flags_raw\":\"%#lx\",\"flags\":",
		page_mem_type((const struct page *)folio) == MEM_DEVICE ?
		"device" : "ram", flags & ((1UL << MEM_TYPE_SHIFT) - 1));
	flags_json(f, flags & ((1UL << MEM_TYPE_SHIFT) - 1));
	fputc('}', f);
}

/* A frame's tags as runs of granules: [[first, last, tag], ...]. */
static void tags_json(FILE *f, unsigned long pfn)
{
	unsigned int g, first = 0, tag = 0, n = 0;
	const unsigned int nr = PAGE_SIZE / 16;

	if (!arch_ops->peek_tag) {
		fputs("null", f);
		return;
	}
	fputc('[', f);
	for (g = 0; g <= nr; g++) {
		unsigned int t = g < nr ? arch_ops->peek_tag(pfn, g) : ~0u;

		if (g && t == tag)
			continue;
		if (g)
			fprintf(f, "%s[%u,%u,%u]", n++ ? "," : "", first, g - 1, tag);
		first = g;
		tag = t;
	}
	fputc(']', f);
}

static void bits_json(FILE *f, uint64_t v)
{
	const struct arch_bit_name *b;
	unsigned int n = 0;

	fputc('[', f);
	for (b = pte_bit_names; b->mask; b++)
		if (v & b->mask)
			fprintf(f, "%s\"%s\"", n++ ? "," : "", b->name);
	for (b = arch_ops->pte_arch_bits; b && b->mask; b++)
		if (v & b->mask)
			fprintf(f, "%s\"%s\"", n++ ? "," : "", b->name);
	fputc(']', f);
}

/* A PTE: its bits, and the frame it maps or the swap entry it holds. */
static void pte_fields(FILE *f, uint64_t v)
{
	pte_t pte = __pte(v);
	unsigned long pfn = (unsigned long)((v & PTE_PFN_MASK) >> PTE_PFN_SHIFT);

	fprintf(f, "\"value\":\"%#llx\",\"bits\":", (unsigned long long)v);
	bits_json(f, v);
	if (pte_none(pte)) {
		fputs(",\"none\":true", f);
	} else if (is_swap_pte(pte)) {
		swp_entry_t e = pte_to_swp_entry(pte);

		fprintf(f, ",\"swap\":{\"type\":%u,\"offset\":\"%#lx\",\"exclusive\":%s}",
			swp_type(e), swp_offset(e),
			pte_swp_exclusive(pte) ? "true" : "false");
	} else {
		fprintf(f, ",\"pfn\":\"%#lx\"", pfn);
	}
}

static void pte_json(FILE *f, unsigned long table, unsigned long index,
		     const uint64_t *p)
{
	uint64_t v = __atomic_load_n(p, __ATOMIC_RELAXED);
	unsigned long pfn = (unsigned long)((v & PTE_PFN_MASK) >> PTE_PFN_SHIFT);

	fprintf(f, "{\"kind\":\"pte\",\"table\":\"%#lx\",\"index\":\"%#lx\",",
		table, index);
	pte_fields(f, v);
	if (pte_present(__pte(v)) && pfn_valid(pfn)) {
		fputs(",\"folio\":", f);
		folio_json(f, pfn_folio(pfn));
		fputs(",\"tags\":", f);
		tags_json(f, pfn);
	}
	fputc('}', f);
}

static void tlb_json(FILE *f)
{
	unsigned int cpu, i, n;
	const struct cpu_tlb *t;

	fputs("{\"kind\":\"tlb\",\"cpus\":[", f);
	for (cpu = 0; (t = tlb_cpu(cpu)); cpu++) {
		fprintf(f, "%s{\"cpu\":%u,\"entries\":[", cpu ? "," : "", cpu);
		for (i = n = 0; i < TLB_ENTRIES; i++) {
			const struct tlb_entry *e = &t->e[i];

			if (!e->mm)
				continue;
			fprintf(f, "%s{\"mm\":%d,\"vaddr\":\"%#lx\",", n++ ? "," : "",
				e->mm->id, e->vpn << PAGE_SHIFT);
			pte_fields(f, pte_val(e->pte));
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("]}", f);
}

/* What @obj is, decoded: a folio, a frame, a PTE, the TLBs, or other. */
static void object_json(FILE *f, const void *obj)
{
	uintptr_t o = (uintptr_t)obj, base;
	unsigned long table, index;

	if (obj && obj == tlb_dep_obj()) {
		tlb_json(f);
		return;
	}
	if (!phys || !obj) {
		fputs("{\"kind\":\"other\"}", f);
		return;
	}
	base = (uintptr_t)phys->mem_map;
	if (o >= base && o < base + phys->nr_pfns * sizeof(struct page)) {
		unsigned long pfn = (o - base) / sizeof(struct page);
		size_t off = o - base - pfn * sizeof(struct page);
		const struct page *page = &phys->mem_map[pfn];

		if (page->flags & (1UL << PG_table) && !PageTail(page)) {
			fprintf(f, "{\"kind\":\"table\",\"pfn\":\"%#lx\",\"ptl\":%u}",
				pfn, __atomic_load_n(&page->ptl.locked,
						     __ATOMIC_RELAXED));
			return;
		}
		fprintf(f, "{\"kind\":\"%s\",\"page\":\"%#lx\",\"folio\":",
			off == offsetof(struct page, data) ? "frame" : "folio", pfn);
		folio_json(f, page_folio(page));
		fputs(",\"tags\":", f);
		tags_json(f, pfn);
		fputc('}', f);
		return;
	}
	if (phys_pte_slot((const void *)o, &table, &index)) {
		pte_json(f, table, index, obj);
		return;
	}
	fputs("{\"kind\":\"other\"}", f);
}

struct recorder {
	FILE *f;
	const void *obj;	/* the object of the step in flight */
	bool open;		/* its entry awaits "after" */
	uint64_t steps;
};

static void close_step(struct recorder *r)
{
	if (!r->open)
		return;
	fputs(",\"after\":", r->f);
	object_json(r->f, r->obj);
	fputc('}', r->f);
	r->open = false;
}

static void rec_step(void *arg, const struct pmm_step *st)
{
	struct recorder *r = arg;

	close_step(r);
	fprintf(r->f, "%s{\"step\":%llu,\"before\":", r->steps++ ? ",\n" : "",
		(unsigned long long)st->step);
	object_json(r->f, st->obj);
	r->obj = st->obj;
	r->open = true;
}

static void rec_end(void *arg, const struct pmm_execution *e)
{
	(void)e;
	close_step(arg);
}

char *html_record_states(const struct target *t, const char *schedule)
{
	struct pmm_explore_opts o = t->opts;
	struct recorder r = { 0 };
	struct pmm_observer obs = { .step = rec_step, .end = rec_end, .arg = &r };
	struct pmm_explore_result res;
	char *buf = NULL;
	size_t len = 0;
	int err;

	r.f = open_memstream(&buf, &len);
	if (!r.f)
		return NULL;
	fputc('[', r.f);
	replay_opts(&o, schedule);
	o.trace = false;
	o.trace_stream = o.trace_json_stream = NULL;
	o.observer = &obs;
	o.counters = NULL;
	o.nr_counters = 0;
	err = pmm_explore(&t->prog, &o, &res);
	if (!err)
		pmm_explore_result_release(&res);
	fputs("]", r.f);
	if (fclose(r.f) || err) {
		free(buf);
		return NULL;
	}
	return buf;
}
