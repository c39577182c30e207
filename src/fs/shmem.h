/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * shmem/tmpfs and memfd (mm/shmem.c, mm/memfd.c): files whose pages live
 * only in the page cache, with no disk behind them. Reclaim moves a dirty
 * shmem folio to swap, and the page-cache slot then holds its swap entry
 * (in the kernel a value entry in the same xarray slot; here a parallel
 * array written under the same i_pages_lock, so a slot holds a folio, a
 * swap entry or nothing, never both).
 *
 * The swap side (shmem_writeout(), shmem_swapin_folio()) lives in the swap
 * layer above (src/swap/shmem.c), reached through shmem_swap_ops, which
 * is NULL when the machine has no swap device.
 *
 * Lock table (beside fs.h's):
 *   i_pages_lock      a slot's folio and swap entry, replaced together
 *   i_rwsem           write, truncate, fallocate, seals (inode_lock())
 *   folio lock        moving a folio between the page cache and the
 *                     swap cache
 *
 * Simplified: small folios only, no huge= mount option, no quotas or
 * size limit beyond the file's capacity, no shmem_falloc fault fencing
 * (a fault racing a hole punch may refill the hole, as before 3.17),
 * F_SEAL_EXEC and MFD_HUGETLB not supported.
 */
#ifndef PMM_FS_SHMEM_H
#define PMM_FS_SHMEM_H

#include "fs/fs.h"
#include "mm/swapops.h"

/* include/uapi/linux/fcntl.h */
#define F_SEAL_SEAL		0x0001u
#define F_SEAL_SHRINK		0x0002u
#define F_SEAL_GROW		0x0004u
#define F_SEAL_WRITE		0x0008u
#define F_SEAL_FUTURE_WRITE	0x0010u
#define F_SEAL_EXEC		0x0020u

/* include/uapi/linux/falloc.h */
#define FALLOC_FL_KEEP_SIZE	0x01u
#define FALLOC_FL_PUNCH_HOLE	0x02u

struct shmem_inode_info {
	unsigned int seals;
	/* Per index, the swap entry the slot holds, swp_to_radix(): 0 none. */
	unsigned long *swap;
	unsigned long swapped;
	/*
	 * On shmem_swaplist (swap/shmem.c) since this inode's first
	 * writeout; under shmem_swaplist_mutex.
	 */
	struct inode *swaplist_next;
	bool on_swaplist;
};

/*
 * swp_to_radix_entry(), radix_to_swp_entry(): a slot's value entry (the
 * xarray's tagged value: never 0, even for the entry of slot 0).
 */
static inline unsigned long swp_to_radix(swp_entry_t entry)
{
	return (entry.val << 1) | 1;
}

static inline swp_entry_t radix_to_swp(unsigned long radix)
{
	return (swp_entry_t){ radix >> 1 };
}

/* What shmem asks of the swap layer (registered by swapon()). */
struct shmem_swap_ops {
	/*
	 * shmem_swapin_folio(): the folio for the swap entry @entry found
	 * at @index, back in the page cache, locked, with a reference;
	 * -EEXIST when the slot changed meanwhile (look again).
	 */
	int (*swapin_folio)(struct inode *inode, unsigned long index,
			    swp_entry_t entry, struct folio **foliop);
	/* free_swap_and_cache(): the slot's entry was removed. */
	void (*free_swap)(swp_entry_t entry);
};

extern const struct shmem_swap_ops *shmem_swap_ops;

/* A shmem inode of at most @max_bytes, size @size; seals F_SEAL_SEAL. */
struct inode *shmem_inode_alloc(unsigned long max_bytes, long size, int ino);

static inline bool shmem_mapping(const struct address_space *mapping)
{
	return mapping && mapping_inode((struct address_space *)mapping)->i_shmem;
}

extern const struct vm_operations_struct shmem_vm_ops;

/* shmem_get_folio_gfp()'s sgp_type. */
enum sgp_type {
	SGP_READ,	/* a hole stays a hole: NULL */
	SGP_CACHE,	/* a hole gets a folio; not past i_size */
	SGP_WRITE,	/* a hole gets a folio, for write(2) */
	SGP_FALLOC,	/* a hole gets a folio, for fallocate */
};

/*
 * shmem_get_folio(): the folio at @index, locked, with a reference, swapped
 * in if the slot held a swap entry; *foliop NULL for a hole under
 * SGP_READ. -EINVAL past i_size (SGP_READ, SGP_CACHE), -ENOMEM, -EIO.
 */
int shmem_get_folio(struct inode *inode, unsigned long index,
		    struct folio **foliop, enum sgp_type sgp);

/*
 * shmem_add_to_page_cache(): a locked folio into the slot at @index if the
 * slot holds exactly @expected (swp_to_radix() of a swap entry, or 0 for
 * a hole); -EEXIST.
 * The cache takes a reference.
 */
int shmem_add_to_page_cache(struct inode *inode, struct folio *folio,
			    unsigned long index, unsigned long expected);
/*
 * shmem_delete_from_page_cache(): the locked folio leaves its slot, which
 * holds @radswap instead; the cache's reference goes.
 */
void shmem_delete_from_page_cache(struct folio *folio, swp_entry_t radswap);
/* shmem_confirm_swap(): whether the slot at @index still holds @entry. */
bool shmem_confirm_swap(struct inode *inode, unsigned long index,
			swp_entry_t entry);

/* System calls on a shmem file (-EPERM where a seal forbids). */
ssize_t shmem_file_read(struct inode *inode, struct mm_struct *mm, int cpu,
			loff_t pos, unsigned long ubuf, size_t len);
ssize_t shmem_file_write(struct inode *inode, struct mm_struct *mm, int cpu,
			 loff_t pos, unsigned long ubuf, size_t len);
int shmem_setattr_size(struct inode *inode, loff_t newsize);
int shmem_fallocate(struct inode *inode, unsigned int mode, loff_t offset,
		    loff_t len);
/* shmem_evict_inode(): every folio and swap entry freed. */
void shmem_evict_inode(struct inode *inode);

/* mm/memfd.c */
int memfd_add_seals(struct inode *inode, unsigned int seals);
int memfd_get_seals(struct inode *inode);
/*
 * memfd_check_seals_mmap(): a shared writable mapping of a write-sealed
 * file is -EPERM; a shared read-only one loses VM_MAYWRITE (*may_write).
 */
int memfd_check_seals_mmap(struct inode *inode, bool shared, bool write,
			   bool *may_write);

#endif /* PMM_FS_SHMEM_H */
