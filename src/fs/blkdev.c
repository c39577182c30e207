// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "fs/blkdev.h"
#include "mm/arch.h"

int folio_submit_write(struct folio *folio, struct bio *bio)
{
	int err;

	folio_start_writeback(folio);
	err = arch_make_folio_accessible(folio);
	folio_unlock(folio);
	if (err) {
		folio_mark_dirty(folio);
		folio_end_writeback(folio);
		return err;
	}
	submit_bio(bio);
	return 0;
}

int folio_submit_read(struct folio *folio, struct bio *bio)
{
	int err = arch_make_folio_accessible(folio);

	if (err) {
		folio_unlock(folio);
		return err;
	}
	submit_bio(bio);
	return 0;
}

struct block_device *bdev_alloc(unsigned long nr_blocks)
{
	struct block_device *b = pmm_alloc(sizeof(*b));

	b->nr_blocks = nr_blocks;
	b->blocks = pmm_alloc(nr_blocks * sizeof(*b->blocks));
	return b;
}

static unsigned char *block_data(struct block_device *b, unsigned long block)
{
	if (!b->blocks[block])
		b->blocks[block] = pmm_alloc(PAGE_SIZE);
	return b->blocks[block];
}

void submit_bio(struct bio *bio)
{
	struct block_device *b = bio->bdev;
	unsigned char buf[PAGE_SIZE];
	struct phys_access a = { .who = ACCESS_DMA, .cpu = -1, .write = !bio->write,
				 .pfn = bio->pfn, .len = PAGE_SIZE, .buf = buf,
				 .mm = bio->mm, .vaddr = bio->vaddr,
				 .check_obj = bio->check_obj, .check_off = bio->check_off,
				 .record_obj = bio->record_obj,
				 .record_off = bio->record_off };
	int status;

	const struct pmm_loc *loc = PMM_HERE;

	if (bio->block >= b->nr_blocks) {
		bio->bi_end_io(bio, -EIO);
		return;
	}
	/* The device reads the disk and writes the frame in one step. */
	sched_point_at(frame_obj(a.pfn), a.write ? PMM_ACC_WRITE : PMM_ACC_READ, loc);
	if (!bio->write) {
		if (b->blocks[bio->block])
			memcpy(buf, b->blocks[bio->block], PAGE_SIZE);
		else
			memset(buf, 0, PAGE_SIZE);
	}
	status = __phys_access(&a, loc);
	if (!status && bio->write)
		memcpy(block_data(b, bio->block), buf, PAGE_SIZE);
	bio->bi_end_io(bio, status);
}

void bdev_discard(struct block_device *b, unsigned long block,
		  unsigned long nr)
{
	unsigned long i;

	for (i = block; i < block + nr && i < b->nr_blocks; i++)
		b->blocks[i] = NULL;
}
