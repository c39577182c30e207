// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * O_DIRECT (fs/iomap/direct-io.c): the cache is written back (and, for a
 * write, dropped) over the range, the user pages are pinned — the pin is
 * the pending-I/O marker, and pin_user_pages made them accessible — and
 * the device DMAs straight to or from them.
 */
#include <errno.h>

#include "fs/fs.h"
#include "mm/gup.h"
#include "mm/rmap.h"

#define DIO_MAX_PAGES 64

struct dio {
	struct page *page;
	bool failed;
};

static void dio_end_io(struct bio *bio, int status)
{
	struct dio *d = bio->bi_private;

	if (status)
		d->failed = true;
}

/*
 * invalidate_inode_pages2_range() over the pages a direct write covers:
 * each cached page is unmapped and dropped, so that neither read(2) nor a
 * mapping sees the old bytes after the device wrote new ones. A page
 * that is dirty again (written after the writeback) cannot go: -EBUSY.
 */
static int invalidate_range(struct inode *inode, unsigned long first,
			    unsigned long nr)
{
	unsigned long i;
	int err = 0;

	for (i = first; i < first + nr && i < inode->i_max_pages; i++) {
		struct folio *folio = filemap_get_entry(&inode->i_mapping, i);

		if (!folio)
			continue;
		folio_lock(folio);
		if (READ_ONCE(folio->mapping) == &inode->i_mapping) {
			folio_wait_writeback(folio);
			if (folio_mapped(folio))
				unmap_mapping_range(&inode->i_mapping, i, 1, false);
			if (folio_test_dirty(folio))
				err = -EBUSY;
			else
				filemap_remove_folio(folio);
		}
		folio_unlock(folio);
		folio_put(folio);
	}
	return err;
}

/* Bytes a direct read at @pos may return: none past the end of the file. */
static size_t read_limit(struct inode *inode, loff_t pos, size_t len)
{
	long isize = READ_ONCE(inode->i_size);

	if (pos >= isize)
		return 0;
	return (size_t)(isize - pos) < len ? (size_t)(isize - pos) : len;
}

static int dio_transfer(struct inode *inode, struct mm_struct *mm, loff_t pos,
			unsigned long ubuf, struct page **pages,
			unsigned long nr, bool write)
{
	unsigned long first = (unsigned long)(pos >> PAGE_SHIFT), i;
	bool failed = false;

	for (i = 0; i < nr; i++) {
		struct dio d = { pages[i], false };
		unsigned long foff = (first + i) << PAGE_SHIFT;
		struct bio bio = {
			.bdev = inode->i_bdev,
			.write = write,
			.block = inode->i_first_block + first + i,
			.pfn = page_to_pfn(pages[i]),
			.bi_end_io = dio_end_io,
			.bi_private = &d,
			/* The user's bytes become the file's, or the reverse. */
			.mm = mm,
			.vaddr = ubuf + (i << PAGE_SHIFT),
		};

		if (write) {
			bio.record_obj = &inode->i_mapping;
			bio.record_off = foff;
		} else {
			bio.check_obj = &inode->i_mapping;
			bio.check_off = foff;
		}
		submit_bio(&bio);
		failed |= d.failed;
	}
	return failed ? -EIO : 0;
}

/*
 * iomap_dio_rw(), page-aligned transfers only, as most filesystems want
 * for O_DIRECT: write back the cached range; for a write, invalidate it
 * before and after; pin the user pages (the pending-I/O marker; pinning
 * made them accessible); DMA; unpin, dirtying what the device wrote.
 */
ssize_t direct_io(struct inode *inode, struct mm_struct *mm, loff_t pos,
		  unsigned long ubuf, size_t len, bool write)
{
	unsigned long first = (unsigned long)(pos >> PAGE_SHIFT), nr;
	struct page *pages[DIO_MAX_PAGES];
	size_t bytes = len;
	long got = 0;
	int err = 0;

	if ((pos | (loff_t)ubuf | (loff_t)len) & ~PAGE_MASK || !len ||
	    (len >> PAGE_SHIFT) > DIO_MAX_PAGES ||
	    first + (len >> PAGE_SHIFT) > inode->i_max_pages)
		return -EINVAL;
	if (write)
		down_write(&inode->i_rwsem);
	else
		down_read(&inode->i_rwsem);
	if (!write)
		bytes = read_limit(inode, pos, len);
	nr = (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (nr)
		err = filemap_write_and_wait_range(inode, pos, pos + (loff_t)len - 1);
	if (!err && nr && write)
		err = invalidate_range(inode, first, nr);
	if (!err && nr)
		got = pin_user_pages_fast(mm, ubuf, nr, write ? 0 : FOLL_WRITE, pages);
	if (got < 0)
		err = (int)got;
	else if ((unsigned long)got < nr)
		err = -EFAULT;
	if (!err && nr)
		err = dio_transfer(inode, mm, pos, ubuf, pages, nr, write);
	if (got > 0)
		unpin_user_pages_dirty_lock(pages, (unsigned long)got, !write);
	if (!err && write) {
		/* kiocb_invalidate_post_direct_write(): pages read in meanwhile. */
		invalidate_range(inode, first, nr);
		if (pos + (loff_t)len > READ_ONCE(inode->i_size))
			WRITE_ONCE(inode->i_size, pos + (loff_t)len);
	}
	if (write)
		up_write(&inode->i_rwsem);
	else
		up_read(&inode->i_rwsem);
	return err ? err : (ssize_t)bytes;
}
