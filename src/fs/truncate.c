// SPDX-License-Identifier: LGPL-2.1-or-later
/* Truncation and hole punching (mm/truncate.c). */
#include <errno.h>
#include <string.h>

#include "fs/fs.h"
#include "mm/rmap.h"

/*
 * truncate_inode_folio() with its caller's waits: locked, writeback over,
 * PTEs gone, dirty cancelled, out of the cache.
 */
static void truncate_one(struct inode *inode, unsigned long index)
{
	struct address_space *mapping = &inode->i_mapping;
	struct folio *folio = filemap_get_entry(mapping, index);

	if (!folio)
		return;
	folio_lock(folio);
	if (READ_ONCE(folio->mapping) == mapping) {
		folio_wait_writeback(folio);
		if (folio_mapped(folio))
			unmap_mapping_range(mapping, index, 1);
		folio_clear_dirty(folio);
		filemap_remove_folio(folio);
	}
	folio_unlock(folio);
	folio_put(folio);
}

/* truncate_inode_pages_range(), whole pages [start, end). */
static void truncate_range(struct inode *inode, unsigned long start,
			   unsigned long end)
{
	unsigned long index;

	if (end > inode->i_max_pages)
		end = inode->i_max_pages;
	for (index = start; index < end; index++)
		truncate_one(inode, index);
	if (start < end)
		phys_logical_zero(&inode->i_mapping, start << PAGE_SHIFT,
				  (end - start) << PAGE_SHIFT);
}

/*
 * folio_zero_range() of [from, to) within one page that stays in the
 * cache (truncate_inode_partial_folio()); nothing if it is not cached.
 */
static void zero_partial(struct inode *inode, loff_t from, loff_t to)
{
	unsigned long index = (unsigned long)(from >> PAGE_SHIFT);
	unsigned int off = (unsigned int)(from & ~PAGE_MASK);
	unsigned char zeros[PAGE_SIZE] = { 0 };
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = pmm_task_cpu(),
				 .write = true, .offset = off, .buf = zeros };
	struct folio *folio;

	if (to <= from || index >= inode->i_max_pages)
		return;
	folio = __filemap_get_folio(&inode->i_mapping, index, FGP_LOCK);
	if (!folio)
		return;
	folio_wait_writeback(folio);
	a.pfn = folio_pfn(folio);
	a.len = (unsigned int)((to - from) < (loff_t)(PAGE_SIZE - off) ?
			       (to - from) : (loff_t)(PAGE_SIZE - off));
	a.record_obj = &inode->i_mapping;
	a.record_off = (unsigned long)from;
	phys_access(&a);
	folio_mark_dirty(folio);
	folio_unlock(folio);
	folio_put(folio);
}

/*
 * truncate_setsize() + truncate_pagecache(): the size first, then the
 * mappings (private COW copies included), then the cache, then the
 * mappings again for COWs made meanwhile.
 */
int truncate_setsize(struct inode *inode, loff_t newsize)
{
	unsigned long first = (unsigned long)((newsize + PAGE_SIZE - 1) >> PAGE_SHIFT);

	if (newsize < 0 || (unsigned long)newsize > inode->i_max_pages * PAGE_SIZE)
		return -EINVAL;
	down_write(&inode->i_rwsem);
	WRITE_ONCE(inode->i_size, newsize);
	if (first < inode->i_max_pages) {
		unmap_mapping_range(&inode->i_mapping, first,
				    inode->i_max_pages - first);
		truncate_range(inode, first, inode->i_max_pages);
		unmap_mapping_range(&inode->i_mapping, first,
				    inode->i_max_pages - first);
	}
	if (newsize & ~PAGE_MASK)
		zero_partial(inode, newsize, (loff_t)first << PAGE_SHIFT);
	bdev_discard(inode->i_bdev, inode->i_first_block + first,
		     inode->i_max_pages - first);
	up_write(&inode->i_rwsem);
	return 0;
}

/* FALLOC_FL_PUNCH_HOLE: whole pages go, edges are zeroed, blocks freed. */
int punch_hole(struct inode *inode, loff_t start, loff_t len)
{
	unsigned long first = (unsigned long)((start + PAGE_SIZE - 1) >> PAGE_SHIFT);
	unsigned long end = (unsigned long)((start + len) >> PAGE_SHIFT);

	if (start < 0 || len <= 0 ||
	    (unsigned long)(start + len) > inode->i_max_pages * PAGE_SIZE)
		return -EINVAL;
	down_write(&inode->i_rwsem);
	if (start & ~PAGE_MASK)
		zero_partial(inode, start, start + len);
	if (first < end) {
		unmap_mapping_range(&inode->i_mapping, first, end - first);
		truncate_range(inode, first, end);
		bdev_discard(inode->i_bdev, inode->i_first_block + first,
			     end - first);
	}
	/* The tail edge, unless the head edge's page already covered it. */
	if (((start + len) & ~PAGE_MASK) && (unsigned long)((start + len) >> PAGE_SHIFT) >= first)
		zero_partial(inode, (start + len) & (loff_t)PAGE_MASK, start + len);
	up_write(&inode->i_rwsem);
	return 0;
}

void truncate_inode_pages_final(struct inode *inode)
{
	truncate_range(inode, 0, inode->i_max_pages);
}
