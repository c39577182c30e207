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

/* Index of @addr's entry at @level (0 = PGD ... 3 = PTE). */
static inline unsigned int pgtable_index(unsigned long addr, int level)
{
	return (addr >> (PAGE_SHIFT + 9 * (PGTABLE_LEVELS - 1 - level))) &
	       (PTRS_PER_TABLE - 1);
}

#endif /* PMM_MM_PGTABLE_H */
