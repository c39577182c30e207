// SPDX-License-Identifier: LGPL-2.1-or-later
/* Truncation, hole punching and eviction (mm/truncate.c). */
#include <errno.h>
#include <string.h>

#include "fs/fs.h"
#include "mm/rmap.h"

/*
 * truncate_inode_folio() with its caller's waits: locked, writeback over,
 * PTEs gone (unmap_mapping_folio(): the page-cache PTEs, not COW copies),
 * dirty cancelled, out of the cache.
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
			unmap_mapping_range(mapping, index, 1, false);
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
}

/*
 * Zeroes [from, to) within one page, reading the page in first if it is
 * not cached (block_truncate_page(), iomap_zero_range()): the bytes on
 * disk past the new end must not come back when the file grows again.
 */
static int zero_partial(struct inode *inode, loff_t from, loff_t to)
{
	unsigned int off = (unsigned int)(from & ~PAGE_MASK);
	unsigned char zeros[PAGE_SIZE] = { 0 };
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = pmm_task_cpu(),
				 .write = true, .offset = off, .buf = zeros,
				 .record_obj = &inode->i_mapping,
				 .record_off = (unsigned long)from };
	struct folio *folio;
	int err = 0;

	if (to <= from || (unsigned long)(from >> PAGE_SHIFT) >= inode->i_max_pages)
		return 0;
	a.len = (unsigned int)(to - from);
	folio = filemap_write_begin(inode, from, a.len, &err);
	if (!folio)
		return err;
	a.pfn = folio_pfn(folio);
	err = phys_access(&a);
	if (!err)
		folio_mark_dirty(folio);
	folio_unlock(folio);
	folio_put(folio);
	return err;
}

/*
 * truncate_inode_partial_folio() of the page holding @from, if it is
 * cached: [from, to) zeroed, waiting for writeback first. An extending
 * truncate_setsize() still calls truncate_pagecache(newsize), which does
 * this: bytes past the new end that a mapping wrote past the old one go.
 */
static int zero_cached_partial(struct inode *inode, loff_t from, loff_t to)
{
	struct address_space *mapping = &inode->i_mapping;
	unsigned char zeros[PAGE_SIZE] = { 0 };
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = pmm_task_cpu(),
				 .write = true,
				 .offset = (unsigned int)(from & ~PAGE_MASK),
				 .len = (unsigned int)(to - from), .buf = zeros,
				 .record_obj = mapping,
				 .record_off = (unsigned long)from };
	struct folio *folio = filemap_get_entry(mapping,
						(unsigned long)(from >> PAGE_SHIFT));
	int err = 0;

	if (!folio)
		return 0;
	folio_lock(folio);
	if (READ_ONCE(folio->mapping) == mapping) {
		folio_wait_writeback(folio);
		a.pfn = folio_pfn(folio);
		err = phys_access(&a);
	}
	folio_unlock(folio);
	folio_put(folio);
	return err;
}

/* The end of the page holding @pos, or @end if that comes first. */
static loff_t page_end(loff_t pos, loff_t end)
{
	loff_t e = (pos | (loff_t)(PAGE_SIZE - 1)) + 1;

	return e < end ? e : end;
}

/*
 * truncate_setsize() + truncate_pagecache() under the invalidate lock: the
 * size first; then every mapping of what is cut, private COW copies
 * included; the cache; the mappings again, for COWs made meanwhile; the
 * tail of the last page zeroed; the blocks freed.
 */
int truncate_setsize(struct inode *inode, loff_t newsize)
{
	unsigned long first = (unsigned long)((newsize + PAGE_SIZE - 1) >> PAGE_SHIFT);
	loff_t max = (loff_t)(inode->i_max_pages * PAGE_SIZE);
	long oldsize;
	int err = 0;

	if (newsize < 0 || newsize > max)
		return -EINVAL;
	down_write(&inode->i_rwsem);
	filemap_invalidate_lock(inode);
	oldsize = READ_ONCE(inode->i_size);
	WRITE_ONCE(inode->i_size, newsize);
	if (first < inode->i_max_pages) {
		unmap_mapping_range(&inode->i_mapping, first,
				    inode->i_max_pages - first, true);
		truncate_range(inode, first, inode->i_max_pages);
		unmap_mapping_range(&inode->i_mapping, first,
				    inode->i_max_pages - first, true);
		bdev_discard(inode->i_bdev, inode->i_first_block + first,
			     inode->i_max_pages - first);
	}
	/* Shrinking to mid-page zeroes the rest of that page (ext4, iomap). */
	if (newsize < oldsize && (newsize & ~PAGE_MASK))
		err = zero_partial(inode, newsize, page_end(newsize, max));
	else if (newsize > oldsize && (newsize & ~PAGE_MASK))
		err = zero_cached_partial(inode, newsize, page_end(newsize, max));
	phys_logical_zero(&inode->i_mapping, (unsigned long)newsize,
			  (unsigned long)(max - newsize));
	filemap_invalidate_unlock(inode);
	up_write(&inode->i_rwsem);
	return err;
}

/*
 * FALLOC_FL_PUNCH_HOLE: the partial edges are zeroed in the cache, whole
 * pages leave the cache and the disk; private COW copies of the file in
 * the hole stay (truncate_pagecache_range() with even_cows = 0).
 */
int punch_hole(struct inode *inode, loff_t start, loff_t len)
{
	loff_t end = start + len;
	unsigned long first = (unsigned long)((start + PAGE_SIZE - 1) >> PAGE_SHIFT);
	unsigned long last = (unsigned long)(end >> PAGE_SHIFT);
	int err = 0;

	if (start < 0 || len <= 0 ||
	    (unsigned long)end > inode->i_max_pages * PAGE_SIZE)
		return -EINVAL;
	down_write(&inode->i_rwsem);
	filemap_invalidate_lock(inode);
	if (start & ~PAGE_MASK)
		err = zero_partial(inode, start, page_end(start, end));
	if (!err && (end & ~PAGE_MASK) && (unsigned long)(end >> PAGE_SHIFT) >= first)
		err = zero_partial(inode, end & (loff_t)PAGE_MASK, end);
	if (first < last) {
		unmap_mapping_range(&inode->i_mapping, first, last - first, false);
		truncate_range(inode, first, last);
		bdev_discard(inode->i_bdev, inode->i_first_block + first,
			     last - first);
		phys_logical_zero(&inode->i_mapping, first << PAGE_SHIFT,
				  (last - first) << PAGE_SHIFT);
	}
	filemap_invalidate_unlock(inode);
	up_write(&inode->i_rwsem);
	return err;
}

/* Eviction drops the cache; the file's content stays what it is. */
void truncate_inode_pages_final(struct inode *inode)
{
	truncate_range(inode, 0, inode->i_max_pages);
}
