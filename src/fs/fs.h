/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Files: inodes, the page cache and the I/O paths (mm/filemap.c,
 * mm/truncate.c, mm/page-writeback.c, fs/splice.c, fs/iomap/direct-io.c).
 *
 * Every path that lets a device or the kernel read a page follows the
 * protocol the s390 thread (seed 001) spells out: mark it pending I/O (a
 * reference, a pin, or PG_writeback), then arch_make_folio_accessible(),
 * then start the I/O, and drop the marker only when the I/O is done.
 *
 * Lock table:
 *   inode->i_rwsem            write, truncate, hole punch (write);
 *                             O_DIRECT and buffered reads (read)
 *   inode->invalidate_lock    (mapping->invalidate_lock) shared while a
 *                             fault, read or splice creates or reads in a
 *                             page; exclusive while truncate and hole
 *                             punching change the size, unmap, remove
 *                             pages and free blocks
 *   inode->i_pages_lock       the page cache's slots (xa_lock); lookups
 *                             take none (RCU + folio_try_get + recheck)
 *   folio lock                a folio's mapping, uptodate, and adding it
 *                             to or removing it from the cache
 *   pipe->mutex               a pipe's buffers
 *
 * Simplifications: a file is a fixed run of blocks on one block device
 * (its size is bounded when it is created; shmem files, fs/shmem.h, have
 * no blocks and swap instead), small folios only in the page
 * cache, no readahead (one folio per miss), synchronous bios, no
 * writeback throttling.
 */
#ifndef PMM_FS_FS_H
#define PMM_FS_FS_H

#include <stdbool.h>
#include <sys/types.h>

#include "fs/blkdev.h"
#include "mm/mm.h"
#include "sched/mutex.h"

struct shmem_inode_info;
struct gmem_inode;

struct inode {
	struct address_space i_mapping;
	/* The page cache: one slot per page index, like an xarray. */
	struct folio **i_pages;
	spinlock_t i_pages_lock;
	unsigned long i_max_pages;
	unsigned long nrpages;
	long i_size;
	struct rw_semaphore i_rwsem;
	struct rw_semaphore invalidate_lock;
	struct block_device *i_bdev;
	unsigned long i_first_block;
	int i_ino;
	/* SHMEM_I(): shmem's part of a shmem inode (fs/shmem.h), else NULL. */
	struct shmem_inode_info *i_shmem;
	/* GMEM_I(): guest_memfd's part of its inode (virt/guest_memfd.h), else NULL. */
	struct gmem_inode *i_gmem;
};

static inline struct inode *mapping_inode(struct address_space *mapping)
{
	return container_of(mapping, struct inode, i_mapping);
}

/* A file of at most @max_bytes on @bdev, from block @first_block on. */
struct inode *inode_alloc(struct block_device *bdev, unsigned long first_block,
			  unsigned long max_bytes, int ino);

/* The vm_ops a file mapping gets (filemap_fault, filemap_page_mkwrite). */
extern const struct vm_operations_struct generic_file_vm_ops;

/* filemap_get_entry(): the folio at @index with a reference, or NULL. */
struct folio *filemap_get_entry(struct address_space *mapping,
				unsigned long index);

#define FGP_LOCK	0x1u
#define FGP_CREAT	0x2u

/* __filemap_get_folio(): ERR-free: NULL when absent (or -ENOMEM). */
struct folio *__filemap_get_folio(struct address_space *mapping,
				  unsigned long index, unsigned int fgp);

/* filemap_add_folio(): a new locked folio enters the cache; -EEXIST. */
int filemap_add_folio(struct address_space *mapping, struct folio *folio,
		      unsigned long index);
/* filemap_remove_folio(): the locked folio leaves the cache. */
void filemap_remove_folio(struct folio *folio);
/* __filemap_remove_folio(): the same, leaving the cache's reference to the caller. */
void __filemap_remove_folio(struct folio *folio);

/*
 * filemap_get_pages() for one index: the uptodate folio with a reference,
 * read in (under the invalidate lock) if needed; NULL with *err.
 */
struct folio *filemap_get_uptodate(struct inode *inode, unsigned long index,
				   int *err);

/*
 * The loop filemap_read() and filemap_splice_read() share: for each page
 * of [pos, pos + len) up to the end of the file, the uptodate folio
 * (filemap_get_pages()) goes to @actor with a reference held for the call
 * (as the read_actor_t of do_generic_file_read() once did): its part at
 * @off, @n bytes, @done bytes of the read before it. The caller holds
 * what the read needs (i_rwsem, or the pipe). Returns the bytes read, or
 * the error when none were.
 */
ssize_t filemap_read_folios(struct inode *inode, loff_t pos, size_t len,
			    int (*actor)(struct folio *folio, unsigned int off,
					 unsigned int n, size_t done, void *arg),
			    void *arg);

/* The kernel reads bytes of a page-cache folio (checked as the file's). */
int kernel_read_folio(struct folio *folio, unsigned int off, void *buf,
		      unsigned int n, int cpu);

/* ->read_folio: fills a locked, !uptodate folio from the disk, unlocks it. */
int filemap_read_folio(struct inode *inode, struct folio *folio);
/*
 * How many of @left bytes at @pos a read takes from @pos's page: no
 * further than that page or i_size; 0 at or past i_size.
 */
size_t filemap_read_chunk(struct inode *inode, loff_t pos, size_t left);

/*
 * The system calls, on behalf of @mm on @cpu: the user buffer is
 * [ubuf, ubuf + len) of @mm. They return bytes moved or a negative errno.
 */
ssize_t filemap_read(struct inode *inode, struct mm_struct *mm, int cpu,
		     loff_t pos, unsigned long ubuf, size_t len);
ssize_t generic_perform_write(struct inode *inode, struct mm_struct *mm,
			      int cpu, loff_t pos, unsigned long ubuf,
			      size_t len);
#define filemap_invalidate_lock(inode)		down_write(&(inode)->invalidate_lock)
#define filemap_invalidate_unlock(inode)	up_write(&(inode)->invalidate_lock)
#define filemap_invalidate_lock_shared(inode)	down_read(&(inode)->invalidate_lock)
#define filemap_invalidate_unlock_shared(inode)	up_read(&(inode)->invalidate_lock)

/*
 * ->write_begin: the locked folio for writing @len bytes at @pos, read in
 * first when only part of it is written; NULL with *err set on failure.
 */
struct folio *filemap_write_begin(struct inode *inode, loff_t pos, size_t len,
				  int *err);

/* A write of a kernel buffer through the buffered path (splice, kernel_write). */
int kernel_write_at(struct inode *inode, loff_t pos, const void *buf,
		    size_t len);
ssize_t direct_io(struct inode *inode, struct mm_struct *mm, loff_t pos,
		  unsigned long ubuf, size_t len, bool write);

/* Writeback of every dirty folio (fsync, filemap_write_and_wait_range). */
int filemap_write_and_wait_range(struct inode *inode, loff_t start, loff_t end);
/* folio_clear_dirty_for_io(): write-protect the PTEs, then clear PG_dirty. */
bool folio_clear_dirty_for_io(struct folio *folio);
/*
 * filemap_writeout() (pageout()'s ->writepage): a locked page-cache folio,
 * PG_dirty already cleared for I/O, is written; it is unlocked here.
 */
int filemap_writeout(struct folio *folio);

int truncate_setsize(struct inode *inode, loff_t newsize);
int punch_hole(struct inode *inode, loff_t start, loff_t len);
/* Drop every page of the cache (inode eviction at the end of a run). */
void truncate_inode_pages_final(struct inode *inode);

/* Pipes and splice (fs/pipe.c, fs/splice.c). */
#define PIPE_BUFFERS 16

struct pipe_buffer {
	struct page *page;
	unsigned int offset, len;
};

struct pipe_inode_info {
	struct mutex mutex;
	unsigned int head, tail;
	struct pipe_buffer bufs[PIPE_BUFFERS];
};

struct pipe_inode_info *pipe_alloc(void);
/* filemap_splice_read(): page-cache pages into the pipe, by reference. */
ssize_t filemap_splice_read(struct inode *inode, loff_t pos,
			    struct pipe_inode_info *pipe, size_t len);
/* pipe_read(): copy out of the pipe's pages into user memory. */
ssize_t pipe_read(struct pipe_inode_info *pipe, struct mm_struct *mm, int cpu,
		  unsigned long ubuf, size_t len);
/* iter_file_splice_write(): the pipe's pages written into a file. */
ssize_t iter_file_splice_write(struct pipe_inode_info *pipe,
			       struct inode *inode, loff_t pos, size_t len);
/* A device sends the pipe's buffers by DMA, zero-copy (whole buffers). */
ssize_t splice_to_device(struct pipe_inode_info *pipe, size_t len);
/* Releases whatever the pipe still holds. */
void pipe_release(struct pipe_inode_info *pipe);

#endif /* PMM_FS_FS_H */
