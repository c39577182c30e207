/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building and tearing down address spaces: mmap, munmap, mprotect,
 * fork and exit (mm/mmap.c, mm/vma.c, mm/mprotect.c, kernel/fork.c).
 *
 * Simplifications: mappings are always at a fixed address that must be
 * free (MAP_FIXED_NOREPLACE), VMAs are never merged, anonymous shared
 * mappings (shmem) are not supported, page tables live until exit.
 */
#ifndef PMM_MM_MMAP_H
#define PMM_MM_MMAP_H

#include "mm/mm.h"

#define mmap_read_lock(mm)	down_read(&(mm)->mmap_lock)
#define mmap_read_unlock(mm)	up_read(&(mm)->mmap_lock)
#define mmap_write_lock(mm)	down_write(&(mm)->mmap_lock)
#define mmap_write_unlock(mm)	up_write(&(mm)->mmap_lock)

/* PROT_* and MAP_* as in the uapi headers. */
#define PROT_READ	0x1u
#define PROT_WRITE	0x2u
#define PROT_EXEC	0x4u
#define MAP_SHARED	0x01u
#define MAP_PRIVATE	0x02u

struct mm_struct *mm_alloc(void);
void mm_ids_reset(void);

/* find_vma(): the first VMA ending above @addr (it may start above it). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);

/* What a mapping of a file or a device brings to do_mmap(). */
struct mmap_source {
	struct address_space *mapping;
	const struct vm_operations_struct *vm_ops;
	unsigned long pgoff;
	void *private_data;
	unsigned long extra_flags;	/* VM_PFNMAP, VM_IO, arch flags */
	bool may_write;			/* file opened for writing */
	bool shmem;			/* a shmem file: tags allowed (arm64) */
};

/*
 * do_mmap() at exactly @addr: -EINVAL for bad arguments, -EEXIST when the
 * range is not free, -EOPNOTSUPP for shared anonymous memory.
 */
int do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	    unsigned int prot, unsigned int flags,
	    const struct mmap_source *src);
/*
 * vma_set_page_prot(): vm_page_prot from vm_flags through pgprot_modify(),
 * keeping the bits of the old protection in _PAGE_CHG_MASK (what a driver's
 * mmap set: caching, and the C-bit unless x86.pgprot_modify=clobber_enc).
 */
void vma_set_page_prot(struct vm_area_struct *vma);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len,
		unsigned int prot);
/* dup_mm(): fork's copy of @oldmm; NULL on -ENOMEM. */
struct mm_struct *dup_mm(struct mm_struct *oldmm);
/* exit_mmap(): unmap everything and free the page tables. */
void exit_mmap(struct mm_struct *mm);
/* mmput(): drop a user of @mm; the last one tears it down (__mmput()). */
void mmput(struct mm_struct *mm);
/* __mmput(): the teardown, once mm_users has reached zero. */
void __mmput(struct mm_struct *mm);

/*
 * Watchers of address spaces: forked() runs inside fork once the parent's
 * PTEs are write-protected and flushed, before mmap_lock is released, so
 * what it copies is the child's content exactly.
 */
struct mm_watch {
	/*
	 * fork: @mm starts as a copy of @oldmm (forked(), before any page
	 * is copied), then each page is copied or shared in turn
	 * (forked_page(), in the step the child's page became what it is:
	 * the PTE copy of a shared page; for a page fork copies, the read
	 * of its bytes, and (@tags) the look at or read of its tags): the
	 * parent's as of that moment, what it got since fork began included.
	 */
	void (*forked)(struct mm_struct *oldmm, struct mm_struct *mm);
	void (*forked_page)(struct mm_struct *oldmm, struct mm_struct *mm,
			    unsigned long addr, bool tags);
	/*
	 * [start, end) of @mm lost what it held: unmapped (munmap, exit), or
	 * a private COW copy of a file page zapped (truncation's even_cows).
	 */
	void (*unmapped)(struct mm_struct *mm, unsigned long start,
			 unsigned long end);
	/*
	 * @mm now maps at @addr frame @pfn, a private copy of a file page
	 * (a COW fault of a MAP_PRIVATE file mapping), made by the faulting
	 * task: the page is the process's own from now on.
	 */
	void (*private_copy)(struct mm_struct *mm, unsigned long addr,
			     unsigned long pfn);
	/*
	 * @mm's PTE at @addr, which mapped @page, was zapped (munmap, exit,
	 * truncation): the page is no longer the process's memory there.
	 */
	void (*zapped)(struct mm_struct *mm, unsigned long addr,
		       struct page *page);
};
void mm_watch_register(const struct mm_watch *w);
void mm_notify_forked(struct mm_struct *oldmm, struct mm_struct *mm);
void mm_notify_forked_page(struct mm_struct *oldmm, struct mm_struct *mm,
			   unsigned long addr, bool tags);
void mm_notify_unmapped(struct mm_struct *mm, unsigned long start,
			unsigned long end);
void mm_notify_private_copy(struct mm_struct *mm, unsigned long addr,
			    unsigned long pfn);
void mm_notify_zapped(struct mm_struct *mm, unsigned long addr,
		      struct page *page);

/* vm_flags from PROT_* / MAP_* (calc_vm_prot_bits, calc_vm_flag_bits). */
unsigned long calc_vm_flags(unsigned int prot, unsigned int flags,
			    bool may_write);

#endif /* PMM_MM_MMAP_H */
