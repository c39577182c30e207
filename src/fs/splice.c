// SPDX-License-Identifier: LGPL-2.1-or-later
/* Pipes and splice (fs/pipe.c, fs/splice.c, mm/filemap.c). */
#include <errno.h>

#include "fs/fs.h"
#include "mm/access.h"
#include "mm/arch.h"
#include "sched/knob.h"

/*
 * The seed 001 patch ("fs/splice: add missing callback for inaccessible
 * pages", v2, 30 Apr 2020, Fixes: f28d43636d6f of v5.7) calls
 * arch_make_page_accessible() in page_cache_pipe_buf_confirm(): a pipe
 * buffer's page-cache page may go to a device zero-copy (sendfile,
 * splice to a socket) without GUP or writeback, the two places
 * f28d43636d6f hooked. Mainline's page_cache_pipe_buf_confirm() has no
 * such call to this day (the patch was not merged): "missing" is
 * mainline's code and so the default (issue 12 asked for "present" as
 * the default, calling it today's kernel; the kernel wins); "present"
 * is the patch.
 */
DEFINE_KNOB(splice_accessible, "s390.splice_accessible",
	    "page_cache_pipe_buf_confirm() makes the buffer's page accessible "
	    "before a consumer (a device's DMA, or the kernel) reads it: missing "
	    "(mainline to this day: the seed 001 patch, v2 of 30 Apr 2020, was "
	    "not merged) | present (the seed's patch)",
	    "missing", "present");

struct pipe_inode_info *pipe_alloc(void)
{
	struct pipe_inode_info *pipe = pmm_alloc(sizeof(*pipe));

	mutex_init(&pipe->mutex);
	pmm_obj_name(&pipe->mutex, "pipe->mutex");
	return pipe;
}

static unsigned int pipe_occupancy(const struct pipe_inode_info *pipe)
{
	return pipe->head - pipe->tail;
}

/*
 * splice_folio_into_pipe(): each buffer holds its own reference, the
 * pending-I/O marker until the buffer is released; the page is made
 * accessible when a consumer confirms the buffer.
 */
static int splice_folio(struct pipe_inode_info *pipe, struct folio *folio,
			unsigned int off, unsigned int len)
{
	struct pipe_buffer *buf;

	if (pipe_occupancy(pipe) >= PIPE_BUFFERS)
		return -EAGAIN;
	folio_get(folio);
	buf = &pipe->bufs[pipe->head % PIPE_BUFFERS];
	buf->page = (struct page *)folio;
	buf->offset = off;
	buf->len = len;
	pipe->head++;
	return 0;
}

static int splice_actor(struct folio *folio, unsigned int off,
			unsigned int n, size_t done, void *pipe)
{
	(void)done;
	return splice_folio(pipe, folio, off, n);
}

ssize_t filemap_splice_read(struct inode *inode, loff_t pos,
			    struct pipe_inode_info *pipe, size_t len)
{
	ssize_t ret;

	mutex_lock(&pipe->mutex);
	ret = filemap_read_folios(inode, pos, len, splice_actor, pipe);
	mutex_unlock(&pipe->mutex);
	return ret;
}

/*
 * page_cache_pipe_buf_confirm(): the page is uptodate (the model splices
 * uptodate folios only); with the seed's patch, accessible (-EIO if not).
 */
static int confirm_buf(struct pipe_buffer *buf)
{
	if (knob(&splice_accessible) == 1 &&
	    arch_make_folio_accessible(page_folio(buf->page)))
		return -EIO;
	return 0;
}

/* The buffer's page as the kernel reads it (copy_page_to_iter()). */
static int read_buf(struct pipe_buffer *buf, unsigned char *out, int cpu)
{
	return kernel_read_folio(page_folio(buf->page), buf->offset, out,
				 buf->len, cpu);
}

/* pipe_buf_release(): the buffer's reference goes. */
static void release_buf(struct pipe_inode_info *pipe)
{
	struct pipe_buffer *buf = &pipe->bufs[pipe->tail % PIPE_BUFFERS];

	folio_put(page_folio(buf->page));
	buf->page = NULL;
	pipe->tail++;
}

/*
 * Takes whole buffers off the pipe while they fit in what is left of
 * @len: the kernel reads each buffer's bytes, hands them to @actor, and
 * the buffer's reference goes. Returns the bytes moved, or the error.
 */
static ssize_t drain_pipe(struct pipe_inode_info *pipe, size_t len, int cpu,
			  int (*actor)(const unsigned char *data, size_t at,
				       unsigned int n, void *ctx),
			  void *ctx)
{
	size_t done = 0;
	int err = 0;

	mutex_lock(&pipe->mutex);
	while (pipe_occupancy(pipe)) {
		struct pipe_buffer *buf = &pipe->bufs[pipe->tail % PIPE_BUFFERS];
		unsigned char data[PAGE_SIZE];

		if (buf->len > len - done)
			break;
		err = confirm_buf(buf);
		if (!err)
			err = read_buf(buf, data, cpu);
		if (!err)
			err = actor(data, done, buf->len, ctx);
		if (err)
			break;
		done += buf->len;
		release_buf(pipe);
	}
	mutex_unlock(&pipe->mutex);
	return done ? (ssize_t)done : err;
}

struct to_user {
	struct mm_struct *mm;
	int cpu;
	unsigned long ubuf;
};

static int copy_to_user_actor(const unsigned char *data, size_t at,
			      unsigned int n, void *ctx)
{
	struct to_user *u = ctx;

	return access_user(u->mm, u->cpu, u->ubuf + at, (void *)data, n, true,
			   ACCESS_KERNEL);
}

/* pipe_read(): whole buffers only, for simplicity. */
ssize_t pipe_read(struct pipe_inode_info *pipe, struct mm_struct *mm, int cpu,
		  unsigned long ubuf, size_t len)
{
	struct to_user u = { mm, cpu, ubuf };

	return drain_pipe(pipe, len, cpu, copy_to_user_actor, &u);
}

struct to_file {
	struct inode *inode;
	loff_t pos;
};

static int write_file_actor(const unsigned char *data, size_t at,
			    unsigned int n, void *ctx)
{
	struct to_file *f = ctx;

	return kernel_write_at(f->inode, f->pos + (loff_t)at, data, n);
}

/*
 * iter_file_splice_write(): each buffer's bytes go through the buffered
 * write path of @inode, read by the kernel from the buffer's page.
 */
ssize_t iter_file_splice_write(struct pipe_inode_info *pipe,
			       struct inode *inode, loff_t pos, size_t len)
{
	struct to_file f = { inode, pos };

	return drain_pipe(pipe, len, pmm_task_cpu(), write_file_actor, &f);
}

/*
 * A device sending the pipe's buffers zero-copy (splice to a socket with
 * MSG_SPLICE_PAGES, sendfile): the buffer is confirmed, then the device
 * reads its page by DMA; the bytes are the frame's (a reference that
 * does not follow page tables).
 */
static int dma_buf(struct pipe_buffer *buf)
{
	unsigned char data[PAGE_SIZE];
	struct phys_access a = { .who = ACCESS_DMA, .cpu = -1, .write = false,
				 .pfn = page_to_pfn(buf->page), .offset = buf->offset,
				 .len = buf->len, .buf = data, .by_frame = true };
	int err = confirm_buf(buf);

	return err ? err : phys_access(&a);
}

ssize_t splice_to_device(struct pipe_inode_info *pipe, size_t len)
{
	size_t done = 0;
	int err = 0;

	mutex_lock(&pipe->mutex);
	while (pipe_occupancy(pipe)) {
		struct pipe_buffer *buf = &pipe->bufs[pipe->tail % PIPE_BUFFERS];

		if (buf->len > len - done)
			break;
		err = dma_buf(buf);
		if (err)
			break;
		done += buf->len;
		release_buf(pipe);
	}
	mutex_unlock(&pipe->mutex);
	return done ? (ssize_t)done : err;
}

void pipe_release(struct pipe_inode_info *pipe)
{
	mutex_lock(&pipe->mutex);
	while (pipe_occupancy(pipe))
		release_buf(pipe);
	mutex_unlock(&pipe->mutex);
}
