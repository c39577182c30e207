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

/* Drops cached pages of a written range (kiocb_invalidate_pages()). */
static void invalidate_range(struct inode *inode, unsigned long first,
			     unsigned long nr)
{
	unsigned long i;

	for (i = first; i < first + nr && i < inode->i_max_pages; i++) {
		struct folio *folio = filemap_get_entry(&inode->i_mapping, i);

		if (!folio)
			continue;
		folio_lock(folio);
		if (READ_ONCE(folio->mapping) == &inode->i_mapping &&
		    !folio_mapped(folio) && !folio_test_dirty(folio) &&
		    !folio_test_writeback(folio))
			filemap_remove_folio(folio);
		folio_unlock(folio);
		folio_put(folio);
	}
}

/* Page-aligned transfers only, as most filesystems require for O_DIRECT. */
ssize_t direct_io(struct inode *inode, struct mm_struct *mm, loff_t pos,
		  unsigned long ubuf, size_t len, bool write)
{
	unsigned long first = (unsigned long)(pos >> PAGE_SHIFT);
	unsigned long nr = len >> PAGE_SHIFT, i;
	struct page *pages[DIO_MAX_PAGES];
	long got;
	bool failed = false;

	if ((pos | (loff_t)ubuf | (loff_t)len) & ~PAGE_MASK || !nr ||
	    nr > DIO_MAX_PAGES || first + nr > inode->i_max_pages)
		return -EINVAL;
	if (write)
		down_write(&inode->i_rwsem);
	else
		down_read(&inode->i_rwsem);
	filemap_write_and_wait_range(inode, pos, pos + (loff_t)len - 1);
	if (write)
		invalidate_range(inode, first, nr);
	got = pin_user_pages_fast(mm, ubuf, nr, write ? 0 : FOLL_WRITE, pages);
	for (i = 0; got > 0 && i < (unsigned long)got; i++) {
		struct dio d = { pages[i], false };
		struct bio bio = {
			.bdev = inode->i_bdev,
			.write = write,
			.block = inode->i_first_block + first + i,
			.pfn = page_to_pfn(pages[i]),
			.bi_end_io = dio_end_io,
			.bi_private = &d,
		};
		unsigned long foff = (first + i) << PAGE_SHIFT;

		/* The user's bytes become the file's, or the file's the user's. */
		bio.mm = mm;
		bio.vaddr = ubuf + (i << PAGE_SHIFT);
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
	if (got > 0)
		unpin_user_pages_dirty_lock(pages, (unsigned long)got, !write);
	if (write && got > 0 && pos + (got << PAGE_SHIFT) > READ_ONCE(inode->i_size))
		WRITE_ONCE(inode->i_size, pos + (got << PAGE_SHIFT));
	if (write)
		up_write(&inode->i_rwsem);
	else
		up_read(&inode->i_rwsem);
	if (got < 0)
		return got;
	if (failed)
		return -EIO;
	return got << PAGE_SHIFT;
}
