// SPDX-License-Identifier: LGPL-2.1-or-later
/* shmem/tmpfs files: the page cache with no disk behind it (mm/shmem.c). */
#include <errno.h>
#include <string.h>

#include "fs/shmem.h"
#include "mm/access.h"
#include "mm/memory.h"
#include "mm/rmap.h"

const struct shmem_swap_ops *shmem_swap_ops;

/* __shmem_get_inode(): a new inode is sealed against sealing. */
struct inode *shmem_inode_alloc(unsigned long max_bytes, long size, int ino)
{
	struct inode *inode = inode_alloc(NULL, 0, max_bytes, ino);
	struct shmem_inode_info *info = pmm_alloc(sizeof(*info));

	info->swap = pmm_alloc(inode->i_max_pages * sizeof(*info->swap));
	info->seals = F_SEAL_SEAL;
	inode->i_shmem = info;
	inode->i_size = size;
	pmm_obj_namef(&info->seals, "shmem%d seals", ino);
	return inode;
}

int shmem_add_to_page_cache(struct inode *inode, struct folio *folio,
			    unsigned long index, unsigned long expected)
{
	struct shmem_inode_info *info = inode->i_shmem;
	int err = 0;

	if (!folio_test_locked(folio))
		pmm_violation("bug-on", "adding unlocked frame %#lx to shmem",
			      folio_pfn(folio));
	folio_ref_add(folio, 1);
	folio->mapping = &inode->i_mapping;
	folio->index = index;
	spin_lock(&inode->i_pages_lock);
	if (READ_ONCE(inode->i_pages[index]) ||
	    READ_ONCE(info->swap[index]) != expected) {
		err = -EEXIST;
	} else {
		WRITE_ONCE(info->swap[index], 0);
		WRITE_ONCE(inode->i_pages[index], folio);
		inode->nrpages++;
		if (expected)
			info->swapped--;
	}
	spin_unlock(&inode->i_pages_lock);
	if (err) {
		folio->mapping = NULL;
		folio_put(folio);
	}
	return err;
}

void shmem_delete_from_page_cache(struct folio *folio, swp_entry_t radswap)
{
	struct inode *inode = mapping_inode(folio->mapping);
	struct shmem_inode_info *info = inode->i_shmem;

	spin_lock(&inode->i_pages_lock);
	WRITE_ONCE(info->swap[folio->index], swp_to_radix(radswap));
	WRITE_ONCE(inode->i_pages[folio->index], NULL);
	folio->mapping = NULL;
	inode->nrpages--;
	info->swapped++;
	spin_unlock(&inode->i_pages_lock);
	folio_put(folio);
}

bool shmem_confirm_swap(struct inode *inode, unsigned long index,
			swp_entry_t entry)
{
	return READ_ONCE(inode->i_shmem->swap[index]) == swp_to_radix(entry);
}

/* The page is past the end, for the callers that may not go there. */
static bool past_eof(struct inode *inode, unsigned long index,
		     enum sgp_type sgp)
{
	return sgp <= SGP_CACHE &&
	       (long)(index << PAGE_SHIFT) >= READ_ONCE(inode->i_size);
}

/*
 * The folio in the slot, locked and still there (*foliop NULL if none);
 * -EAGAIN when it left the slot while we waited for its lock.
 */
static int lock_cached(struct inode *inode, unsigned long index,
		       struct folio **foliop)
{
	struct folio *folio = filemap_get_entry(&inode->i_mapping, index);

	*foliop = folio;
	if (!folio)
		return 0;
	folio_lock(folio);
	if (READ_ONCE(folio->mapping) == &inode->i_mapping)
		return 0;
	folio_unlock(folio);
	folio_put(folio);
	return -EAGAIN;
}

/*
 * shmem_alloc_and_add_folio(): a zeroed folio fills a hole. shmem marks
 * a new folio uptodate once cleared; this one is cleared at allocation.
 */
static int alloc_and_add(struct inode *inode, unsigned long index,
			 struct folio **foliop)
{
	struct folio *folio = folio_alloc(__GFP_ZERO, 0);
	int err;

	if (!folio)
		return -ENOMEM;
	__folio_set_swapbacked(folio);
	__folio_set_locked(folio);
	err = shmem_add_to_page_cache(inode, folio, index, 0);
	if (err) {
		__folio_clear_locked(folio);
		folio_put(folio);
		return err;
	}
	folio_set_uptodate(folio);
	*foliop = folio;
	return 0;
}

/* shmem_get_folio_gfp() (see shmem.h). */
int shmem_get_folio(struct inode *inode, unsigned long index,
		    struct folio **foliop, enum sgp_type sgp)
{
	struct folio *folio;
	unsigned long radix;
	bool alloced = false;
	int err;

	*foliop = NULL;
	if (index >= inode->i_max_pages)
		return -EFBIG;
	for (;;) {
		if (past_eof(inode, index, sgp))
			return -EINVAL;
		if (lock_cached(inode, index, &folio))
			continue;
		if (folio)
			break;
		radix = READ_ONCE(inode->i_shmem->swap[index]);
		if (radix) {
			if (!shmem_swap_ops) {
				pmm_violation("bug-on", "shmem swap entry without swap");
				return -EIO;
			}
			err = shmem_swap_ops->swapin_folio(inode, index,
							   radix_to_swp(radix),
							   &folio);
			if (err == -EEXIST)
				continue;
			if (err)
				return err;
			break;
		}
		if (sgp == SGP_READ)
			return 0;
		err = alloc_and_add(inode, index, &folio);
		if (err == -EEXIST)
			continue;
		if (err)
			return err;
		alloced = true;
		break;
	}
	/*
	 * A truncate may have passed meanwhile: a folio we added past the
	 * end goes again (shmem_get_folio_gfp()'s "unacct" path).
	 */
	if (past_eof(inode, index, sgp)) {
		if (alloced && folio->mapping == &inode->i_mapping &&
		    !folio_mapped(folio))
			filemap_remove_folio(folio);
		folio_unlock(folio);
		folio_put(folio);
		return -EINVAL;
	}
	*foliop = folio;
	return 0;
}

/* shmem_fault(): SIGBUS past the end; no ->page_mkwrite (no writeback). */
static vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct inode *inode = mapping_inode(vmf->vma->vm_file);
	struct folio *folio;
	int err = shmem_get_folio(inode, vmf->pgoff, &folio, SGP_CACHE);

	if (err == -ENOMEM)
		return VM_FAULT_OOM;
	if (err)
		return VM_FAULT_SIGBUS;
	vmf->page = (struct page *)folio;
	return VM_FAULT_LOCKED;
}

const struct vm_operations_struct shmem_vm_ops = {
	.name = "shmem",
	.fault = shmem_fault,
};

/* One page of shmem_file_read_iter(): a hole reads as zeroes. */
static int read_one(struct inode *inode, struct mm_struct *mm, int cpu,
		    loff_t pos, unsigned long ubuf, size_t *n)
{
	unsigned char buf[PAGE_SIZE];
	struct folio *folio;
	int err = shmem_get_folio(inode, (unsigned long)(pos >> PAGE_SHIFT),
				  &folio, SGP_READ);

	if (err)
		return err == -EINVAL ? 0 : err;
	if (folio)
		folio_unlock(folio);
	*n = filemap_read_chunk(inode, pos, *n);
	if (*n && folio)
		err = kernel_read_folio(folio, (unsigned int)(pos & ~PAGE_MASK),
					buf, (unsigned int)*n, cpu);
	else
		memset(buf, 0, *n);
	if (folio)
		folio_put(folio);
	if (!err && *n)
		err = access_user(mm, cpu, ubuf, buf, *n, true, ACCESS_KERNEL);
	return err;
}

ssize_t shmem_file_read(struct inode *inode, struct mm_struct *mm, int cpu,
			loff_t pos, unsigned long ubuf, size_t len)
{
	size_t done = 0, n;
	int err = 0;

	while ((n = filemap_read_chunk(inode, pos, len - done))) {
		err = read_one(inode, mm, cpu, pos, ubuf + done, &n);
		if (err || !n)
			break;
		done += n;
		pos += (loff_t)n;
	}
	return done ? (ssize_t)done : err;
}

/* shmem_write_begin(): the write seals, checked per page as the kernel does. */
static int write_sealed(struct inode *inode, loff_t pos, size_t n)
{
	unsigned int seals = READ_ONCE(inode->i_shmem->seals);

	if (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((seals & F_SEAL_GROW) && pos + (loff_t)n > READ_ONCE(inode->i_size))
		return -EPERM;
	return 0;
}

/* One page of generic_perform_write() through shmem_write_begin/end. */
static int write_one(struct inode *inode, struct mm_struct *mm, int cpu,
		     loff_t pos, unsigned long ubuf, size_t n)
{
	unsigned char buf[PAGE_SIZE];
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = cpu, .write = true,
				 .offset = (unsigned int)(pos & ~PAGE_MASK),
				 .len = (unsigned int)n, .buf = buf,
				 .record_obj = &inode->i_mapping,
				 .record_off = (unsigned long)pos };
	struct folio *folio;
	int err = access_user(mm, cpu, ubuf, buf, n, false, ACCESS_KERNEL);

	if (!err)
		err = write_sealed(inode, pos, n);
	if (!err)
		err = shmem_get_folio(inode, (unsigned long)(pos >> PAGE_SHIFT),
				      &folio, SGP_WRITE);
	if (err)
		return err;
	a.pfn = folio_pfn(folio);
	err = phys_access(&a);
	if (!err) {
		folio_mark_dirty(folio);
		if (pos + (loff_t)n > READ_ONCE(inode->i_size))
			WRITE_ONCE(inode->i_size, pos + (loff_t)n);
	}
	folio_unlock(folio);
	folio_put(folio);
	return err;
}

ssize_t shmem_file_write(struct inode *inode, struct mm_struct *mm, int cpu,
			 loff_t pos, unsigned long ubuf, size_t len)
{
	size_t done = 0;
	int err = 0;

	if (pos < 0 || (unsigned long)pos + len > inode->i_max_pages * PAGE_SIZE)
		return -EFBIG;
	down_write(&inode->i_rwsem);
	while (done < len) {
		size_t n = PAGE_SIZE - (size_t)(pos & ~PAGE_MASK);

		if (n > len - done)
			n = len - done;
		err = write_one(inode, mm, cpu, pos, ubuf + done, n);
		if (err)
			break;
		done += n;
		pos += (loff_t)n;
	}
	up_write(&inode->i_rwsem);
	return done ? (ssize_t)done : err;
}

/* shmem_free_swap(): the slot's entry goes, if it is still there. */
static bool shmem_free_swap(struct inode *inode, unsigned long index,
			    swp_entry_t entry)
{
	struct shmem_inode_info *info = inode->i_shmem;
	bool mine;

	spin_lock(&inode->i_pages_lock);
	mine = READ_ONCE(info->swap[index]) == swp_to_radix(entry);
	if (mine) {
		WRITE_ONCE(info->swap[index], 0);
		info->swapped--;
	}
	spin_unlock(&inode->i_pages_lock);
	if (mine)
		shmem_swap_ops->free_swap(entry);
	return mine;
}

/*
 * shmem_undo_range() for one whole page: its folio leaves the cache (its
 * PTEs zapped first, private COW copies kept), or its swap entry is freed;
 * a swap-in that won the slot meanwhile is met again as a folio.
 */
static void undo_one(struct inode *inode, unsigned long index)
{
	struct folio *folio;
	unsigned long radix;

	for (;;) {
		if (lock_cached(inode, index, &folio))
			continue;
		if (folio) {
			folio_wait_writeback(folio);
			if (folio_mapped(folio))
				unmap_mapping_range(&inode->i_mapping, index, 1,
						    false);
			folio_clear_dirty(folio);
			filemap_remove_folio(folio);
			folio_unlock(folio);
			folio_put(folio);
			return;
		}
		radix = READ_ONCE(inode->i_shmem->swap[index]);
		if (!radix || shmem_free_swap(inode, index, radix_to_swp(radix)))
			return;
	}
}

/* Zero [from, to) within one page, if the page exists (a hole stays one). */
static int zero_partial(struct inode *inode, loff_t from, loff_t to)
{
	unsigned char zeros[PAGE_SIZE] = { 0 };
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = pmm_task_cpu(),
				 .write = true,
				 .offset = (unsigned int)(from & ~PAGE_MASK),
				 .len = (unsigned int)(to - from), .buf = zeros,
				 .record_obj = &inode->i_mapping,
				 .record_off = (unsigned long)from };
	struct folio *folio;
	int err;

	if (to <= from)
		return 0;
	err = shmem_get_folio(inode, (unsigned long)(from >> PAGE_SHIFT),
			      &folio, SGP_READ);
	if (err || !folio)
		return err == -EINVAL ? 0 : err;
	folio_wait_writeback(folio);
	a.pfn = folio_pfn(folio);
	err = phys_access(&a);
	if (!err)
		folio_mark_dirty(folio);
	folio_unlock(folio);
	folio_put(folio);
	return err;
}

/*
 * shmem_truncate_range(): bytes [lstart, lend) go: partial pages zeroed,
 * whole pages freed, swapped-out ones too.
 */
static int shmem_truncate_range(struct inode *inode, loff_t lstart, loff_t lend)
{
	unsigned long first = (unsigned long)((lstart + PAGE_SIZE - 1) >> PAGE_SHIFT);
	unsigned long last = (unsigned long)(lend >> PAGE_SHIFT);
	loff_t e = (lstart | (loff_t)(PAGE_SIZE - 1)) + 1;
	unsigned long index;
	int err = 0;

	if (last > inode->i_max_pages)
		last = inode->i_max_pages;
	if (lstart & ~PAGE_MASK)
		err = zero_partial(inode, lstart, e < lend ? e : lend);
	if (!err && (lend & ~PAGE_MASK) && (unsigned long)(lend >> PAGE_SHIFT) >= first &&
	    (lend >> PAGE_SHIFT) < (loff_t)inode->i_max_pages)
		err = zero_partial(inode, lend & (loff_t)PAGE_MASK, lend);
	/*
	 * The data oracle learns of the zeros before the first page goes: a
	 * fault that finds the hole while the punch is still going reads
	 * zeros inside the punch's window, which is legal.
	 */
	if (first < last)
		phys_logical_zero(&inode->i_mapping, first << PAGE_SHIFT,
				  (last - first) << PAGE_SHIFT);
	for (index = first; index < last; index++)
		undo_one(inode, index);
	return err;
}

/*
 * shmem_setattr(ATTR_SIZE): the size seals, then i_size; shrinking unmaps
 * (private COW copies too), frees, and unmaps again for faults that raced.
 */
int shmem_setattr_size(struct inode *inode, loff_t newsize)
{
	loff_t max = (loff_t)(inode->i_max_pages * PAGE_SIZE);
	unsigned long hole;
	long oldsize;
	int err = 0;

	if (newsize < 0)
		return -EINVAL;
	if (newsize > max)
		return -EFBIG;
	down_write(&inode->i_rwsem);
	oldsize = READ_ONCE(inode->i_size);
	if ((newsize < oldsize && (inode->i_shmem->seals & F_SEAL_SHRINK)) ||
	    (newsize > oldsize && (inode->i_shmem->seals & F_SEAL_GROW))) {
		up_write(&inode->i_rwsem);
		return -EPERM;
	}
	WRITE_ONCE(inode->i_size, newsize);
	if (newsize < oldsize) {
		hole = (unsigned long)((newsize + PAGE_SIZE - 1) >> PAGE_SHIFT);
		if (hole < inode->i_max_pages)
			unmap_mapping_range(&inode->i_mapping, hole,
					    inode->i_max_pages - hole, true);
		err = shmem_truncate_range(inode, newsize, max);
		if (hole < inode->i_max_pages)
			unmap_mapping_range(&inode->i_mapping, hole,
					    inode->i_max_pages - hole, true);
		phys_logical_zero(&inode->i_mapping, (unsigned long)newsize,
				  (unsigned long)(max - newsize));
	}
	up_write(&inode->i_rwsem);
	return err;
}

/* FALLOC_FL_PUNCH_HOLE: the PTEs of whole pages (not COW copies), then the pages. */
static int shmem_punch_hole(struct inode *inode, loff_t offset, loff_t len)
{
	unsigned long first = (unsigned long)((offset + PAGE_SIZE - 1) >> PAGE_SHIFT);
	unsigned long last = (unsigned long)((offset + len) >> PAGE_SHIFT);

	if (inode->i_shmem->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if (first < last)
		unmap_mapping_range(&inode->i_mapping, first, last - first, false);
	return shmem_truncate_range(inode, offset, offset + len);
}

/*
 * Allocation: every page of the range gets a folio, dirty so that memory
 * pressure swaps it rather than dropping it; the size grows unless
 * FALLOC_FL_KEEP_SIZE.
 */
static int allocate_range(struct inode *inode, unsigned int mode, loff_t offset,
			  loff_t len)
{
	unsigned long index, end = (unsigned long)((offset + len + PAGE_SIZE - 1) >> PAGE_SHIFT);
	struct folio *folio;
	int err;

	if (!(mode & FALLOC_FL_KEEP_SIZE) && (inode->i_shmem->seals & F_SEAL_GROW) &&
	    offset + len > READ_ONCE(inode->i_size))
		return -EPERM;
	for (index = (unsigned long)(offset >> PAGE_SHIFT); index < end; index++) {
		err = shmem_get_folio(inode, index, &folio, SGP_FALLOC);
		if (err)
			return err;
		folio_mark_dirty(folio);
		folio_unlock(folio);
		folio_put(folio);
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && offset + len > READ_ONCE(inode->i_size))
		WRITE_ONCE(inode->i_size, offset + len);
	return 0;
}

/* shmem_fallocate(): modes other than these two are -EOPNOTSUPP. */
int shmem_fallocate(struct inode *inode, unsigned int mode, loff_t offset,
		    loff_t len)
{
	int err;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if ((unsigned long)(offset + len) > inode->i_max_pages * PAGE_SIZE)
		return -EFBIG;
	down_write(&inode->i_rwsem);
	if (mode & FALLOC_FL_PUNCH_HOLE)
		err = shmem_punch_hole(inode, offset, len);
	else
		err = allocate_range(inode, mode, offset, len);
	up_write(&inode->i_rwsem);
	return err;
}

void shmem_evict_inode(struct inode *inode)
{
	unsigned long index;

	for (index = 0; index < inode->i_max_pages; index++)
		undo_one(inode, index);
}
