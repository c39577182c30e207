// SPDX-License-Identifier: LGPL-2.1-or-later
/* Writeback of dirty page-cache folios (mm/page-writeback.c, mpage). */
#include <errno.h>

#include "fs/fs.h"
#include "mm/arch.h"
#include "mm/rmap.h"

/*
 * folio_clear_dirty_for_io(): a mapped folio's PTEs are write-protected
 * and cleaned first (folio_mkclean()), so a write after this faults and
 * dirties the folio again; then PG_dirty is cleared for the I/O.
 */
bool folio_clear_dirty_for_io(struct folio *folio)
{
	if (folio_mapped(folio) && folio_mkclean(folio))
		folio_mark_dirty(folio);
	return test_and_clear_bit(PG_dirty, &folio->flags);
}

static void write_end_io(struct bio *bio, int status)
{
	struct folio *folio = bio->bi_private;

	if (status)
		folio_mark_dirty(folio);
	folio_end_writeback(folio);
}

/*
 * The page straddling i_size has its tail zeroed at each writeback
 * (block_write_full_folio(), iomap_writepage_handle_eof(): "it may be
 * mmapped", and what a mapping wrote past the end is not the file's), in
 * the page itself, before the write.
 */
static int zero_eof_tail(struct inode *inode, struct folio *folio)
{
	loff_t isize = READ_ONCE(inode->i_size);
	unsigned char zeros[PAGE_SIZE] = { 0 };
	unsigned int off = (unsigned int)(isize & ~PAGE_MASK);
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = pmm_task_cpu(),
				 .write = true, .pfn = folio_pfn(folio),
				 .offset = off, .len = PAGE_SIZE - off,
				 .buf = zeros, .record_obj = &inode->i_mapping,
				 .record_off = (unsigned long)isize };

	if (!off || folio->index != (unsigned long)(isize >> PAGE_SHIFT))
		return 0;
	return phys_access(&a);
}

/*
 * writepage for one locked, dirty folio: PG_writeback is its pending-I/O
 * marker, set before arch_make_folio_accessible() and cleared only when
 * the write completes.
 */
static int write_folio(struct inode *inode, struct folio *folio)
{
	struct bio bio = {
		.bdev = inode->i_bdev,
		.write = true,
		.block = inode->i_first_block + folio->index,
		.pfn = folio_pfn(folio),
		.bi_end_io = write_end_io,
		.bi_private = folio,
		.check_obj = &inode->i_mapping,
		.check_off = folio->index << PAGE_SHIFT,
	};
	int err = zero_eof_tail(inode, folio);

	if (err) {
		folio_mark_dirty(folio);
		folio_unlock(folio);
		return err;
	}
	return folio_submit_write(folio, &bio);
}

int filemap_writeout(struct folio *folio)
{
	return write_folio(mapping_inode(folio->mapping), folio);
}

/*
 * folio_prepare_writeback() for WB_SYNC_ALL: a folio truncated away or
 * cleaned by someone else is skipped; one under writeback is waited on,
 * since its bytes may have changed since that write began.
 */
static bool folio_prepare_writeback(struct inode *inode, struct folio *folio)
{
	if (READ_ONCE(folio->mapping) != &inode->i_mapping ||
	    !folio_test_dirty(folio))
		return false;
	folio_wait_writeback(folio);
	return folio_clear_dirty_for_io(folio);
}

/* write_cache_pages() with WB_SYNC_ALL: start writing every dirty folio. */
static int filemap_fdatawrite_range(struct inode *inode, unsigned long first,
				    unsigned long last)
{
	unsigned long index;
	int err = 0, ret;

	for (index = first; index <= last; index++) {
		struct folio *folio = filemap_get_entry(&inode->i_mapping, index);

		if (!folio)
			continue;
		folio_lock(folio);
		if (!folio_prepare_writeback(inode, folio)) {
			folio_unlock(folio);
			folio_put(folio);
			continue;
		}
		/* folio_submit_write() unlocks the folio. */
		ret = write_folio(inode, folio);
		if (ret && !err)
			err = ret;
		folio_put(folio);
	}
	return err;
}

/*
 * __filemap_fdatawait_range(): wait on every folio under writeback in the
 * range, whoever started it. A folio that reclaim or another fsync is
 * writing is clean already, and the write above skipped it; until its
 * write completes the disk still holds the old bytes. (The kernel finds
 * them by PAGECACHE_TAG_WRITEBACK; the model looks at each index.)
 */
static void filemap_fdatawait_range(struct inode *inode, unsigned long first,
				    unsigned long last)
{
	unsigned long index;

	for (index = first; index <= last; index++) {
		struct folio *folio = filemap_get_entry(&inode->i_mapping, index);

		if (!folio)
			continue;
		folio_wait_writeback(folio);
		folio_put(folio);
	}
}

/* filemap_write_and_wait_range(): start writeback, then wait on the range. */
int filemap_write_and_wait_range(struct inode *inode, loff_t start, loff_t end)
{
	unsigned long first = (unsigned long)(start >> PAGE_SHIFT);
	unsigned long last = (unsigned long)(end >> PAGE_SHIFT);
	int err;

	if (last >= inode->i_max_pages)
		last = inode->i_max_pages - 1;
	err = filemap_fdatawrite_range(inode, first, last);
	/* Even a failed write may have started some: wait, but for -EIO. */
	if (err != -EIO)
		filemap_fdatawait_range(inode, first, last);
	return err;
}
