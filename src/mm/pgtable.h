/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Page-table entries. The generic encoding follows x86-64, whose bits the
 * seed threads argue about; an architecture backend adds its attribute
 * bits (encryption, memory type, tags) in the ARCH field and names them
 * through its ops table (mm/arch.h).
 *
 *   bit 0      present           bit 6      dirty
 *   bit 1      writable          bit 9      special (no struct page use)
 *   bit 2      user              bits 12-51 page frame number
 *   bits 3,4,7 cache attributes  bits 52-62 architecture attributes
 *   bit 5      accessed          bit 8      PROT_NONE (x86's _PAGE_PROTNONE)
 *                                bit 63     no-execute
 *
 * Tables are real frames from the buddy allocator, 512 entries each, four
 * levels (PGD, PUD, PMD, PTE). Upper-level entries only ever go from none
 * to a table (tables are freed with the mm), so a lockless walk can read
 * them without a yield point; PTEs are read and written at yield points.
 */
#ifndef PMM_MM_PGTABLE_H
#define PMM_MM_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/page.h"

typedef struct { uint64_t pte; } pte_t;
typedef struct { uint64_t pgprot; } pgprot_t;

#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_USER	(1ULL << 2)
#define _PAGE_PWT	(1ULL << 3)
#define _PAGE_PCD	(1ULL << 4)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PAT	(1ULL << 7)
#define _PAGE_PROTNONE	(1ULL << 8)	/* PROT_NONE: present to the kernel only */
/* In a PMD or PUD entry, bit 7 makes it a leaf (x86's PSE), not a table. */
#define _PAGE_PSE	(1ULL << 7)
#define _PAGE_SPECIAL	(1ULL << 9)
#define _PAGE_NX	(1ULL << 63)
#define PTE_PFN_SHIFT	PAGE_SHIFT
#define PTE_PFN_MASK	(((1ULL << 52) - 1) & ~((1ULL << PAGE_SHIFT) - 1))
#define PTE_ARCH_MASK	(((1ULL << 63) - 1) & ~((1ULL << 52) - 1))
#define _PAGE_CACHE_MASK (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT)

#define PTRS_PER_TABLE	512
#define PGTABLE_LEVELS	4

#define __pte(x)	((pte_t){ (x) })
#define pte_val(p)	((p).pte)
#define __pgprot(x)	((pgprot_t){ (x) })
#define pgprot_val(p)	((p).pgprot)

static inline bool pte_none(pte_t p)	{ return !pte_val(p); }
/* pte_present(): the kernel's view, PROT_NONE entries included. */
static inline bool pte_present(pte_t p)
{
	return pte_val(p) & (_PAGE_PRESENT | _PAGE_PROTNONE);
}
/* What the MMU walker accepts. */
static inline bool pte_hw_present(pte_t p) { return pte_val(p) & _PAGE_PRESENT; }
static inline bool pte_write(pte_t p)	{ return pte_val(p) & _PAGE_RW; }
static inline bool pte_dirty(pte_t p)	{ return pte_val(p) & _PAGE_DIRTY; }
static inline bool pte_young(pte_t p)	{ return pte_val(p) & _PAGE_ACCESSED; }
static inline bool pte_special(pte_t p)	{ return pte_val(p) & _PAGE_SPECIAL; }
static inline bool pte_same(pte_t a, pte_t b) { return pte_val(a) == pte_val(b); }

static inline unsigned long pte_pfn(pte_t p)
{
	return (unsigned long)((pte_val(p) & PTE_PFN_MASK) >> PTE_PFN_SHIFT);
}

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte(((uint64_t)pfn << PTE_PFN_SHIFT) | pgprot_val(prot));
}

static inline pgprot_t pte_pgprot(pte_t p)
{
	return __pgprot(pte_val(p) & ~PTE_PFN_MASK);
}

static inline pte_t pte_mkwrite(pte_t p)   { return __pte(pte_val(p) | _PAGE_RW); }
static inline pte_t pte_wrprotect(pte_t p) { return __pte(pte_val(p) & ~_PAGE_RW); }
static inline pte_t pte_mkdirty(pte_t p)   { return __pte(pte_val(p) | _PAGE_DIRTY); }
static inline pte_t pte_mkclean(pte_t p)   { return __pte(pte_val(p) & ~_PAGE_DIRTY); }
static inline pte_t pte_mkyoung(pte_t p)   { return __pte(pte_val(p) | _PAGE_ACCESSED); }
static inline pte_t pte_mkold(pte_t p)     { return __pte(pte_val(p) & ~_PAGE_ACCESSED); }
static inline pte_t pte_mkspecial(pte_t p) { return __pte(pte_val(p) | _PAGE_SPECIAL); }

static inline struct page *pte_page(pte_t p)
{
	return pfn_to_page(pte_pfn(p));
}

/*
 * PMD entries (include/linux/pgtable.h, arch/x86 pgtable.h). A PMD points
 * at a PTE table, or is itself a leaf mapping 2 MiB (bit 7, x86's
 * _PAGE_PSE, which in a leaf is not the PAT bit): a transparent huge page
 * or a hugetlb page. A lockless walker tells the two apart from one read.
 * The upper-level rule above has this exception: a PMD goes from none to
 * a leaf, and from a leaf back to none or to a table (split_huge_pmd()),
 * always under the PMD lock.
 */
typedef struct { uint64_t pmd; } pmd_t;

/* As mem/hugetlb.h has them (it sits below mm/): identical definitions. */
#define HPAGE_PMD_ORDER		9
#define HPAGE_PMD_SIZE		(PAGE_SIZE << HPAGE_PMD_ORDER)
#define PMD_SHIFT		(PAGE_SHIFT + HPAGE_PMD_ORDER)
#define PMD_SIZE		(1UL << PMD_SHIFT)
#define PMD_MASK		(~(PMD_SIZE - 1))
#define HPAGE_PMD_NR		(1UL << HPAGE_PMD_ORDER)
#define HPAGE_PMD_MASK		PMD_MASK

#define __pmd(x)	((pmd_t){ (x) })
#define pmd_val(p)	((p).pmd)

static inline bool pmd_none(pmd_t p)	{ return !pmd_val(p); }
static inline bool pmd_present(pmd_t p)
{
	return pmd_val(p) & (_PAGE_PRESENT | _PAGE_PROTNONE);
}
/* pmd_leaf(): maps memory itself (pmd_trans_huge(), pmd_huge()). */
static inline bool pmd_leaf(pmd_t p)
{
	return pmd_present(p) && (pmd_val(p) & _PAGE_PSE);
}
static inline bool pmd_write(pmd_t p)	{ return pmd_val(p) & _PAGE_RW; }
static inline bool pmd_dirty(pmd_t p)	{ return pmd_val(p) & _PAGE_DIRTY; }
static inline bool pmd_young(pmd_t p)	{ return pmd_val(p) & _PAGE_ACCESSED; }
static inline bool pmd_special(pmd_t p)	{ return pmd_val(p) & _PAGE_SPECIAL; }
static inline bool pmd_same(pmd_t a, pmd_t b) { return pmd_val(a) == pmd_val(b); }
static inline unsigned long pmd_pfn(pmd_t p)
{
	return (unsigned long)((pmd_val(p) & PTE_PFN_MASK) >> PTE_PFN_SHIFT);
}
/* pfn_pmd() + pmd_mkhuge(): a leaf mapping @pfn (2 MiB aligned). */
static inline pmd_t pfn_pmd_leaf(unsigned long pfn, pgprot_t prot)
{
	return __pmd(((uint64_t)pfn << PTE_PFN_SHIFT) | pgprot_val(prot) |
		     _PAGE_PSE);
}
static inline pmd_t pmd_mkwrite(pmd_t p)   { return __pmd(pmd_val(p) | _PAGE_RW); }
static inline pmd_t pmd_wrprotect(pmd_t p) { return __pmd(pmd_val(p) & ~_PAGE_RW); }
static inline pmd_t pmd_mkdirty(pmd_t p)   { return __pmd(pmd_val(p) | _PAGE_DIRTY); }
static inline pmd_t pmd_mkyoung(pmd_t p)   { return __pmd(pmd_val(p) | _PAGE_ACCESSED); }
static inline pmd_t pmd_mkold(pmd_t p)     { return __pmd(pmd_val(p) & ~_PAGE_ACCESSED); }
static inline pmd_t pmd_mkspecial(pmd_t p) { return __pmd(pmd_val(p) | _PAGE_SPECIAL); }
static inline struct page *pmd_page(pmd_t p) { return pfn_to_page(pmd_pfn(p)); }

/*
 * The PTE the subpage at @addr of a leaf mapping @size bytes would have
 * (a THP's PMD, a hugetlb PMD or PUD): what the TLB caches for a 4 KiB
 * access through it, and what split_huge_pmd() writes. A non-present
 * leaf, or a PTE (@size PAGE_SIZE), is returned as it is.
 */
static inline pte_t leaf_subpage_pte(pte_t leaf, unsigned long addr,
				     unsigned long size)
{
	uint64_t v = pte_val(leaf) & ~(_PAGE_PSE | PTE_PFN_MASK);
	unsigned long pfn = pte_pfn(leaf) + ((addr & (size - 1)) >> PAGE_SHIFT);

	if (size == PAGE_SIZE || !pte_present(leaf))
		return leaf;
	return __pte(((uint64_t)pfn << PTE_PFN_SHIFT) | v);
}

static inline pte_t pmd_subpage_pte(pmd_t p, unsigned long addr)
{
	return leaf_subpage_pte(__pte(pmd_val(p)), addr, PMD_SIZE);
}

/* Index of @addr's entry at @level (0 = PGD ... 3 = PTE). */
static inline unsigned int pgtable_index(unsigned long addr, int level)
{
	return (addr >> (PAGE_SHIFT + 9 * (PGTABLE_LEVELS - 1 - level))) &
	       (PTRS_PER_TABLE - 1);
}

#endif /* PMM_MM_PGTABLE_H */
