/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A block device of 4 KiB blocks that moves data by DMA: a read DMAs from
 * the disk into a frame, a write DMAs from a frame to the disk. Each bio
 * completes before submit_bio() returns (bio_endio() is called in the
 * submitter's context); the frame access is the step in which the device
 * touches memory, so everything that runs between marking a folio pending
 * I/O and that step is explored.
 */
#ifndef PMM_FS_BLKDEV_H
#define PMM_FS_BLKDEV_H

#include <stdbool.h>

#include "mem/phys.h"

struct block_device {
	unsigned long nr_blocks;
	unsigned char **blocks;		/* NULL: a block never written (zeros) */
};

struct bio {
	struct block_device *bdev;
	bool write;
	unsigned long block;
	unsigned long pfn;
	/* bio_endio(): called once the DMA is done, with its status. */
	void (*bi_end_io)(struct bio *bio, int status);
	void *bi_private;
	/*
	 * For the data oracle (see struct phys_access): the user address the
	 * frame is mapped at, if any, and the logical location its bytes
	 * must equal or become.
	 */
	const void *mm;
	unsigned long vaddr;
	const void *check_obj, *record_obj;
	unsigned long check_off, record_off;
};

struct block_device *bdev_alloc(unsigned long nr_blocks);
/* submit_bio(): DMA now, then bi_end_io. */
void submit_bio(struct bio *bio);
/*
 * The pending-I/O protocol every path that lets the device at a folio
 * follows (DESIGN.md; seed 001): the folio is marked, then made
 * accessible (arch_make_folio_accessible()), then the I/O starts, and the
 * marker goes only when it completes.
 *
 * folio_submit_write(): a locked folio, PG_dirty cleared for I/O, is
 * written with PG_writeback as the marker; it is unlocked before the DMA.
 * If it cannot be made accessible it is dirty again, and the error is
 * returned. folio_submit_read(): a locked folio being read (the lock is
 * the marker; bi_end_io unlocks it), or the error with it unlocked.
 */
struct folio;
int folio_submit_write(struct folio *folio, struct bio *bio);
int folio_submit_read(struct folio *folio, struct bio *bio);

/* Discards (hole punching): the blocks read as zeros again. */
void bdev_discard(struct block_device *bdev, unsigned long block,
		  unsigned long nr);

#endif /* PMM_FS_BLKDEV_H */
