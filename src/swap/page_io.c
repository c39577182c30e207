// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Swap I/O (mm/page_io.c): a slot is a block of the swap device. Writes
 * carry PG_writeback from before arch_make_folio_accessible() until the
 * DMA is done; reads keep the folio locked until it is uptodate.
 *
 * Simplified: bios complete synchronously (fs/blkdev.h), on every device
 * (a SWP_SYNCHRONOUS_IO one differs only in do_swap_page() bypassing the
 * swap cache); no zswap.
 */
#include "fs/blkdev.h"
#include "mm/arch.h"
#include "swap/swap.h"

/* end_swap_bio_write(): an error leaves the folio dirty to be retried. */
static void end_swap_bio_write(struct bio *bio, int status)
{
	struct folio *folio = bio->bi_private;

	if (status)
		folio_mark_dirty(folio);
	folio_end_writeback(folio);
}

/*
 * swap_writeout(): a locked folio in the swap cache, PG_dirty cleared for
 * I/O. No PTE holds the entry any more: drop it instead of writing.
 * arch_prepare_to_swap() saves what the device does not keep (MTE tags);
 * if it cannot, the folio stays dirty and in memory.
 */
int swap_writepage(struct folio *folio)
{
	swp_entry_t entry = folio_swap_entry(folio);
	struct bio bio = {
		.bdev = swap_info->bdev,
		.write = true,
		.block = swp_offset(entry),
		.pfn = folio_pfn(folio),
		.bi_end_io = end_swap_bio_write,
		.bi_private = folio,
	};
	int err;

	if (folio_free_swap(folio)) {
		folio_unlock(folio);
		return 0;
	}
	err = arch_prepare_to_swap(folio);
	if (err) {
		folio_mark_dirty(folio);
		folio_unlock(folio);
		return err;
	}
	return folio_submit_write(folio, &bio);
}

/* end_swap_bio_read(): uptodate on success; unlocked either way. */
static void end_swap_bio_read(struct bio *bio, int status)
{
	struct folio *folio = bio->bi_private;

	if (!status)
		set_bit(PG_uptodate, &folio->flags);
	folio_unlock(folio);
}

/*
 * swap_read_folio(): a locked, new folio from its slot: a swap-cache one,
 * or do_swap_page()'s direct one with folio->swap set for the read only.
 */
int swap_read_folio(struct folio *folio)
{
	swp_entry_t entry = folio_swap_entry(folio);
	struct bio bio = {
		.bdev = swap_info->bdev,
		.block = swp_offset(entry),
		.pfn = folio_pfn(folio),
		.bi_end_io = end_swap_bio_read,
		.bi_private = folio,
	};

	return folio_submit_read(folio, &bio);
}
