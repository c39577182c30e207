/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * guest_memfd (virt/kvm/guest_memfd.c, as of torvalds/linux 01f492e1817e):
 * a file whose pages back a VM's memory without being mapped into the
 * VMM by default. The inode is the memory (its flags, its size, its page
 * cache: inaccessible, unevictable, unmigratable); a struct kvm_gmem_file
 * is one VM's view of it (the VM, and which memslots are bound to which
 * range of the file).
 *
 * Lock table:
 *   inode->invalidate_lock   exclusive: hole punching (with the stage-2
 *                            invalidation inside), bind, unbind, release;
 *                            shared: allocation (fallocate), and the
 *                            host fault's shared check and lookup
 *                            (knob gmem.fault_lock: none drops it)
 *   folio lock               a folio's first use (zeroing, uptodate,
 *                            kvm_arch_gmem_prepare())
 *   kvm->mmu_lock (write)    kvm_mmu_invalidate_begin/end and the unmap
 *                            of stage 2 (kvm's)
 *
 * Simplified, each with its reason:
 * - One file per inode, as KVM_CREATE_GUEST_MEMFD makes them; several
 *   VMs' views of one inode (the in-place conversion series) are not
 *   modelled, but the inode keeps a list of files as the kernel does.
 * - Order-0 folios only, as today's guest_memfd (kvm_gmem_get_folio()
 *   WARNs on a large one); with GUEST_MEMFD_FLAG_HUGETLB they are the
 *   pieces of a split hugetlb folio (virt/gmem_huge.h).
 * - No NUMA memory policy (mbind), no memory failure (hwpoison), no
 *   kvm_gmem_populate() (SNP/TDX launch-time copy).
 * - Unmigratable: the model has no page migration, so the refusal of
 *   kvm_gmem_migrate_folio() (and of mm/migrate.c for an inaccessible
 *   mapping) has nothing to refuse. Inaccessible (AS_INACCESSIBLE): the
 *   kernel's one reader that matters, truncate_inode_partial_folio(),
 *   zeroes part of a large folio; guest_memfd's folios are order 0 and
 *   its fallocate page aligned, so its truncation never writes a byte
 *   (gmem_truncate_one()); the flag marks the mapping as guest_memfd's
 *   for the host-access-private oracle (gmem_folio_inode()).
 * - Unevictable (AS_UNEVICTABLE): reclaim (swap/vmscan.c) keeps the
 *   folios, as shrink_folio_list() puts them back on the unevictable list.
 * - The file's last reference is dropped by whoever drops it, and
 *   kvm_gmem_release() runs then, in that task (the kernel defers
 *   __fput() to task work: the same point on return to user space).
 * - kvm->slots_lock is not taken by release: memslots change only in
 *   setup(), so unbind cannot race with it.
 */
#ifndef PMM_VIRT_GUEST_MEMFD_H
#define PMM_VIRT_GUEST_MEMFD_H

#include <stdbool.h>

#include "fs/fs.h"
#include "virt/kvm.h"

/* include/uapi/linux/kvm.h */
#define GUEST_MEMFD_FLAG_MMAP		(1UL << 0)
#define GUEST_MEMFD_FLAG_INIT_SHARED	(1UL << 1)
/* The 1 GiB guest_memfd HugeTLB series (virt/gmem_huge.h). */
#define GUEST_MEMFD_FLAG_HUGETLB	(1UL << 2)

struct kvm_gmem_file;

/* A range of the file's indices bound to a memslot (f->bindings). */
struct gmem_binding {
	unsigned long start, end;	/* [start, end) in pages */
	struct kvm_memory_slot *slot;
};

/* struct gmem_inode: the memory itself. */
struct gmem_inode {
	struct inode *inode;
	unsigned long flags;		/* GUEST_MEMFD_FLAG_* */
	/* The pool's folio order (GUEST_MEMFD_FLAG_HUGETLB), else 0. */
	unsigned int page_order;
	/*
	 * Per index, shared (bit set) or private; NULL: every index as
	 * GUEST_MEMFD_FLAG_INIT_SHARED says. In-place conversion
	 * (virt/gmem_convert.c) allocates and flips it, under the
	 * invalidate lock held exclusive.
	 */
	unsigned long *shared_bitmap;
	/* gmem_file_list: the files (views) of this inode, under invalidate_lock. */
	struct kvm_gmem_file *files;
};

/* struct gmem_file: one VM's view, the file descriptor's private data. */
struct kvm_gmem_file {
	struct pmm_vm *kvm;
	struct gmem_inode *gi;
	struct kvm_gmem_file *next;	/* gmem_file_list */
	/*
	 * The struct file's reference count: the descriptor holds one,
	 * kvm_gmem_get_pfn() one while it runs (get_file_active()); the
	 * last one goes through kvm_gmem_release().
	 */
	atomic_t f_count;
	/* kvm_gmem_release() ran: the kernel would have freed the file. */
	bool released;
	/* xarray bindings: index -> memslot, as ranges; under invalidate_lock. */
	unsigned int nr_bindings;
	struct gmem_binding bindings[KVM_MAX_MEMSLOTS];
};

/* GMEM_I() of a guest_memfd inode, or NULL for any other inode. */
static inline struct gmem_inode *GMEM_I(const struct inode *inode)
{
	return inode ? inode->i_gmem : NULL;
}

/*
 * kvm_gmem_get_supported_flags(): MMAP, and INIT_SHARED (KVM_CAP_GUEST_MEMFD_FLAGS;
 * HUGETLB and its size are accepted too, the series' own capability).
 */
unsigned long kvm_gmem_get_supported_flags(struct pmm_vm *kvm);

/*
 * kvm_gmem_create(): a new guest_memfd of @size bytes (page aligned, > 0)
 * for @kvm into *@out: -EINVAL for an unsupported flag or a bad size,
 * -ENOMEM. Its file is also machine file @ino's (the caller's pmm_file).
 */
int kvm_gmem_create(struct pmm_vm *kvm, unsigned long size,
		    unsigned long flags, struct kvm_gmem_file **out);
/* The struct file's inode, for the machine's file table. */
struct inode *kvm_gmem_file_inode(struct kvm_gmem_file *f);

/*
 * kvm_gmem_fallocate(): KEEP_SIZE is required and PUNCH_HOLE the only
 * other mode (-EOPNOTSUPP); offset and length page aligned (-EINVAL); an
 * allocation past i_size is -EINVAL, a hole punched there is a no-op.
 */
int kvm_gmem_fallocate(struct inode *inode, unsigned int mode, loff_t offset,
		       loff_t len);
/*
 * kvm_gmem_mmap(): -ENODEV without GUEST_MEMFD_FLAG_MMAP, -EINVAL for a
 * mapping that is not MAP_SHARED; else the VMA gets kvm_gmem_vm_ops.
 */
int kvm_gmem_mmap(struct inode *inode, bool shared);
extern const struct vm_operations_struct kvm_gmem_vm_ops;

/*
 * kvm_gmem_invalidate_begin/end(): every file of @gi (each VM's view)
 * invalidates its bound gfns of indices [start, end) in stage 2, under
 * mmu_lock; the caller holds the invalidate lock (exclusive for a hole
 * punch or a conversion), so the bindings stay put between the two.
 */
void kvm_gmem_invalidate_begin(struct gmem_inode *gi, unsigned long start,
			       unsigned long end);
void kvm_gmem_invalidate_end(struct gmem_inode *gi, unsigned long start,
			     unsigned long end);

/*
 * The file descriptor closed (fput() of its reference): the last
 * reference runs kvm_gmem_release(), which clears slot->gmem.file of
 * every binding, zaps stage 2 for them, and keeps the memory with the
 * inode.
 */
void kvm_gmem_fput(struct kvm_gmem_file *f);
/* The inode's last reference (machine teardown): every folio goes. */
void kvm_gmem_evict_inode(struct inode *inode);

/*
 * kvm_gmem_bind(): @slot (new, not yet visible) is backed by @f from
 * byte @offset: -EINVAL for another VM's file, a bad offset, a range past
 * i_size or overlapping another binding.
 */
int kvm_gmem_bind(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
		  struct kvm_gmem_file *f, unsigned long offset);
void kvm_gmem_unbind(struct kvm_memory_slot *slot);

/*
 * kvm_gmem_get_pfn(): the frame backing @gfn of @slot, allocated on first
 * use, zeroed and prepared (kvm_arch_gmem_prepare()) the first time, with
 * a reference in *@page the caller drops (put_page()) after mapping it.
 * -EFAULT when the file is closed, -EIO when the binding went, -ENOMEM,
 * or the architecture's error.
 */
int kvm_gmem_get_pfn(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
		     unsigned long gfn, unsigned long *pfn, struct page **page,
		     int *max_order);

/*
 * Whether index @index of the file is private (the guest's only): as its
 * bit in shared_bitmap says once conversion made one, else (today's
 * kernel) a file without GUEST_MEMFD_FLAG_INIT_SHARED is private
 * everywhere, one with it shared everywhere. No yield: an oracle may ask.
 */
bool kvm_gmem_is_private(const struct gmem_inode *gi, unsigned long index);
/* The guest_memfd inode whose page cache @folio is in, or NULL. */
struct gmem_inode *gmem_folio_inode(const struct folio *folio);

#endif /* PMM_VIRT_GUEST_MEMFD_H */
