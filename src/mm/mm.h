/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Address spaces: mm_struct, VMAs, faults (include/linux/mm_types.h, mm.h).
 *
 * Lock table:
 *   mm->mmap_lock (rwsem)     the VMA list and each VMA's fields; read for
 *                             faults and GUP, write for mmap, munmap,
 *                             mprotect, fork
 *   mm->page_table_lock       populating upper-level page-table entries
 *   PTE table's ptl           the PTEs in that table (pte_offset_map_lock)
 *   anon_vma->rwsem           its VMA list (rmap walks of anonymous folios)
 *   mapping->i_mmap_rwsem     the VMAs mapping a file (rmap walks of file
 *                             folios, unmap_mapping_range)
 *   folio lock                a folio's mapping and index; try_to_unmap
 */
#ifndef PMM_MM_MM_H
#define PMM_MM_MM_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "mem/folio.h"
#include "mm/pgtable.h"
#include "protmm/sched.h"
#include "sched/atomic.h"
#include "sched/rwsem.h"

/* vm_flags (include/linux/mm.h) */
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_PFNMAP	0x00000400UL
#define VM_IO		0x00004000UL
#define VM_DONTCOPY	0x00020000UL
#define VM_DONTEXPAND	0x00040000UL
#define VM_MIXEDMAP	0x10000000UL
#define VM_HUGEPAGE	0x20000000UL	/* MADV_HUGEPAGE */
#define VM_NOHUGEPAGE	0x40000000UL	/* MADV_NOHUGEPAGE */
/* Architecture flags: arm64 VM_MTE and VM_MTE_ALLOWED, for instance. */
#define VM_ARCH_1	0x01000000UL
#define VM_ARCH_2	0x02000000UL

struct mm_struct;
struct vm_area_struct;
struct address_space;
struct anon_vma;
struct mmu_notifier;

/* Fault flags and results (include/linux/mm_types.h). */
#define FAULT_FLAG_WRITE	0x01u
#define FAULT_FLAG_UNSHARE	0x400u
#define FAULT_FLAG_REMOTE	0x80u

typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM		0x000001u
#define VM_FAULT_SIGBUS		0x000002u
#define VM_FAULT_SIGSEGV	0x000040u
#define VM_FAULT_NOPAGE		0x000100u
#define VM_FAULT_LOCKED		0x000200u
#define VM_FAULT_RETRY		0x000400u
#define VM_FAULT_FALLBACK	0x000800u	/* no huge page: use PTEs */
#define VM_FAULT_ERROR		(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;		/* page aligned */
	unsigned long pgoff;		/* in the file, in pages */
	unsigned int flags;
	pte_t orig_pte;
	pte_t *pte;
	spinlock_t *ptl;
	/* ->fault returns the page here, with a reference. */
	struct page *page;
	struct folio *cow_folio;
};

struct vm_operations_struct {
	const char *name;
	vm_fault_t (*fault)(struct vm_fault *vmf);
	/* ->page_mkwrite: a shared page is about to become writable. */
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
	/* ->pfn_mkwrite: the same for a special PTE of VM_PFNMAP/VM_MIXEDMAP. */
	vm_fault_t (*pfn_mkwrite)(struct vm_fault *vmf);
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
};

struct vm_area_struct {
	unsigned long vm_start, vm_end;
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	pgprot_t vm_page_prot;
	const struct vm_operations_struct *vm_ops;
	struct address_space *vm_file;	/* the file's mapping, if any */
	unsigned long vm_pgoff;		/* in pages */
	struct anon_vma *anon_vma;
	void *vm_private_data;
	/* mm->mmap (sorted by address), anon_vma and i_mmap lists */
	struct list_head vm_list;
	struct list_head anon_list;
	struct list_head file_list;
};

/*
 * One anon_vma per fork tree: a simplification of the kernel's anon_vma
 * chains, under which an rmap walk may visit VMAs that cannot map the
 * folio; it then finds no PTE for it there, as the kernel also may.
 */
struct anon_vma {
	struct rw_semaphore rwsem;
	struct list_head vmas;
};

struct mm_struct {
	/*
	 * Users of the address space: each thread that runs in it, the
	 * process itself until it exits, and whoever borrows it for a while
	 * (get_task_mm()). The last one to go tears it down (mmput()).
	 */
	atomic_t mm_users;
	struct rw_semaphore mmap_lock;
	spinlock_t page_table_lock;
	/* The PGD's frame. */
	unsigned long pgd_pfn;
	struct list_head mmap;
	/* Frames of page tables, for exit_mmap(). */
	unsigned long nr_ptes;
	/*
	 * Odd while fork write-protects this mm's PTEs: GUP-fast pinning
	 * backs off then (raw_write_seqcount_begin() in copy_page_range()).
	 */
	unsigned int write_protect_seq;
	/* MMF_HAS_PINNED: some FOLL_PIN happened; fork must then check pins. */
	unsigned long flags;
	int id;
	bool dead;
	/* Secondary MMUs mirroring this mm (mm/mmu_notifier.h). */
	struct mmu_notifier *notifiers;
	/*
	 * Per task, a PTE its holder of the PTE lock has cleared only for
	 * the time of its update, and its old value: between
	 * ptep_modify_prot_start() and _commit() (mprotect), and between
	 * try_to_unmap_one()'s clear and its swap entry. An rmap walker
	 * takes the PTE lock, so to it the page stays mapped (for the
	 * oracles' owner lookups); ptep NULL: none.
	 */
	struct {
		pte_t *ptep;
		pte_t old;
	} pte_transit[PMM_MAX_TASKS];
	/*
	 * Per task, the frame a COW fault of that task is copying away
	 * from, and where (wp_page_copy(), from the copy until the new PTE
	 * or the abort): bytes that land in the old frame from then on do
	 * not reach this mm there, nor do tags from the copy's look at
	 * PG_mte_tagged on (@tags). For the oracles' owner lookups; pfn 0:
	 * none.
	 */
	struct {
		unsigned long addr, pfn;
		bool tags;
	} cow_leaving[PMM_MAX_TASKS];
};

/* The mapping a file's VMAs and page cache hang off (include/linux/fs.h). */
struct address_space {
	void *host;
	struct rw_semaphore i_mmap_rwsem;
	struct list_head i_mmap;
	/*
	 * i_mmap_writable: VMAs that are shared and may write, when
	 * positive; negative once writable mappings are denied (F_SEAL_WRITE).
	 */
	atomic_t i_mmap_writable;
	/* AS_* bits (mapping->flags), set when the file is made. */
	unsigned long flags;
};

/* enum mapping_flags: the two the model uses (its own bit numbers). */
#define AS_UNEVICTABLE	0	/* reclaim leaves its folios alone */
#define AS_INACCESSIBLE	1	/* the kernel must not touch its folios' bytes */

static inline void mapping_set_unevictable(struct address_space *mapping)
{
	mapping->flags |= 1UL << AS_UNEVICTABLE;
}

static inline bool mapping_unevictable(const struct address_space *mapping)
{
	return mapping && (mapping->flags & (1UL << AS_UNEVICTABLE));
}

/*
 * mapping_set_inaccessible(): guest_memfd's (only its). Implies
 * unevictable and unmigratable in the kernel.
 */
static inline void mapping_set_inaccessible(struct address_space *mapping)
{
	mapping->flags |= 1UL << AS_INACCESSIBLE;
}

static inline bool mapping_inaccessible(const struct address_space *mapping)
{
	return mapping && (mapping->flags & (1UL << AS_INACCESSIBLE));
}

/* mapping_map_writable(): one more shared VMA that may write; -EPERM if denied. */
static inline int mapping_map_writable(struct address_space *mapping)
{
	for (;;) {
		int n = atomic_read(&mapping->i_mmap_writable);

		if (n < 0)
			return -EPERM;
		if (atomic_cmpxchg(&mapping->i_mmap_writable, n, n + 1) == n)
			return 0;
	}
}

static inline void mapping_unmap_writable(struct address_space *mapping)
{
	atomic_dec(&mapping->i_mmap_writable);
}

/* mapping_allow_writable(): a copy of a VMA already counted (split, fork). */
static inline void mapping_allow_writable(struct address_space *mapping)
{
	atomic_inc(&mapping->i_mmap_writable);
}

/* mapping_deny_writable(): no shared writable VMA now or later; -EBUSY. */
static inline int mapping_deny_writable(struct address_space *mapping)
{
	for (;;) {
		int n = atomic_read(&mapping->i_mmap_writable);

		if (n > 0)
			return -EBUSY;
		if (atomic_cmpxchg(&mapping->i_mmap_writable, n, n - 1) == n)
			return 0;
	}
}

#define MMF_HAS_PINNED	27

/* vma_is_shared_maywrite(): the VMAs i_mmap_writable counts. */
static inline bool vma_is_shared_maywrite(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) ==
	       (VM_SHARED | VM_MAYWRITE);
}

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}

/* is_cow_mapping(): private and may be written. */
static inline bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

static inline unsigned long linear_page_index(const struct vm_area_struct *vma,
					      unsigned long address)
{
	return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* The one zero page, mapped read-only by anonymous read faults. */
extern unsigned long zero_pfn;
static inline bool is_zero_pfn(unsigned long pfn)
{
	return pfn == zero_pfn;
}

#endif /* PMM_MM_MM_H */
