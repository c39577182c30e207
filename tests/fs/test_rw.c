// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Moving file data (src/fs/filemap.c, direct.c, splice.c): read(2) and
 * write(2) through the page cache, shared and private file mappings
 * against read(2)/write(2), O_DIRECT against the page cache, splice
 * through a pipe and the references a pipe's buffers hold.
 *
 * Each body runs once in a task with every oracle live (fs_test.h): the
 * data oracle checks every byte a read returns against what was last
 * written at that file offset (or to that private page), and the leak
 * oracle runs when the machine is torn down. The bodies check the bytes
 * themselves as well.
 */
#include "fs_test.h"

static unsigned char buf[FILE_MAX];

/*
 * write(2) then read(2): 6000 bytes at offset 100 make a 6100-byte file
 * in two cached pages, uptodate and dirty, each held by the cache alone.
 * The hole before offset 100 reads as zeros; reads stop at the end of the
 * file (short reads), and past it return 0.
 */
static void write_read_body(void)
{
	struct inode *in = ino(env->f);
	unsigned int i;

	CHECK(pmm_file_size(env->f) == 0);
	CHECK(read_file(env->f, 0, buf, 100) == 0);
	CHECK(write_pat(env->f, 'a', 100, 6000) == 6000);
	CHECK(pmm_file_size(env->f) == 6100);
	CHECK(in->nrpages == 2);
	for (i = 0; i < 2; i++) {
		struct folio *c = cached(env->f, i);

		CHECK(c && c->index == i && c->mapping == &in->i_mapping);
		CHECK(folio_flag(c, PG_uptodate) && folio_flag(c, PG_dirty));
		CHECK(!folio_flag(c, PG_locked) && !folio_flag(c, PG_writeback));
		CHECK(folio_ref_count(c) == 1);
	}
	CHECK(cached(env->f, 2) == NULL);

	CHECK(read_file(env->f, 0, buf, 6100) == 6100);
	CHECK(all_is(buf, 0, 100));
	CHECK(pat_is(buf + 100, 'a', 100, 6000));
	/* Across the page boundary. */
	CHECK(read_file(env->f, 4000, buf, 200) == 200);
	CHECK(pat_is(buf, 'a', 4000, 200));
	/* Short at the end of the file, nothing past it. */
	CHECK(read_file(env->f, 6000, buf, 8192) == 100);
	CHECK(pat_is(buf, 'a', 6000, 100));
	CHECK(read_file(env->f, 6100, buf, 10) == 0);
	CHECK(read_file(env->f, 10000, buf, 10) == 0);
	/* Reading changed nothing in the cache. */
	CHECK(in->nrpages == 2 && folio_ref_count(cached(env->f, 0)) == 1);

	/* Overwrite across the boundary; the rest stays. */
	CHECK(write_byte(env->f, 'Z', 4090, 12) == 12);
	CHECK(read_file(env->f, 4080, buf, 40) == 40);
	CHECK(pat_is(buf, 'a', 4080, 10) && all_is(buf + 10, 'Z', 12) &&
	      pat_is(buf + 22, 'a', 4102, 18));
	CHECK(pmm_file_size(env->f) == 6100);
	/* Extending write into a third page, past a hole in the second. */
	CHECK(write_byte(env->f, 'E', 9000, 10) == 10);
	CHECK(pmm_file_size(env->f) == 9010 && in->nrpages == 3);
	CHECK(read_file(env->f, 6090, buf, 3000) == 2920);
	CHECK(pat_is(buf, 'a', 6090, 10) && all_is(buf + 10, 0, 2900) &&
	      all_is(buf + 2910, 'E', 10));
}

static void test_write_read(void **state)
{
	(void)state;
	fs_run(write_read_body);
}

/*
 * Errors: a write past the largest size the file may have is -EFBIG; a
 * user buffer that is not mapped is -EFAULT for both directions, and a
 * failed write changes neither the size nor the cache.
 */
static void rw_errors_body(void)
{
	CHECK(write_pat(env->f, 'a', 0, 100) == 100);
	CHECK(pmm_file_write(env->p, env->f, FILE_MAX - 10, UBUF, 11) == -EFBIG);
	CHECK(pmm_file_write(env->p, env->f, FILE_MAX, UBUF, 1) == -EFBIG);
	CHECK(pmm_file_write(env->p, env->f, 0, 0x10000000ul, 10) == -EFAULT);
	CHECK(pmm_file_read(env->p, env->f, 0, 0x10000000ul, 10) == -EFAULT);
	CHECK(pmm_file_size(env->f) == 100 && ino(env->f)->nrpages == 1);
	/* The last byte the file may hold is fine. */
	CHECK(pmm_file_write(env->p, env->f, FILE_MAX - 1, UBUF, 1) == 1);
	CHECK(pmm_file_size(env->f) == FILE_MAX);
}

static void test_rw_errors(void **state)
{
	(void)state;
	fs_run(rw_errors_body);
}

/*
 * MAP_SHARED: a mapping and read(2)/write(2) share the page cache. The
 * file is sized first (a mapping past the end of the file is SIGBUS).
 * write(2) is seen by a load at once (same frame); a store through the
 * mapping is seen by read(2) and dirties the folio; a second process's
 * shared mapping of the same file sees both. Each mapped page is held by
 * the cache and by every PTE: refcount 1 + mapcount.
 */
static void shared_map_body(void)
{
	struct pmm_page_state st;
	struct folio *c;
	char s[4];

	CHECK(pmm_truncate(env->f, 2 * PAGE) == 0);
	CHECK(pmm_mmap(env->p, MAPA, 2 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	CHECK(pmm_mmap(env->q, MAPB, 2 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	CHECK(uload(MAPA + 10, s, 3) == 0 && all_is((unsigned char *)s, 0, 3));
	c = cached(env->f, 0);
	CHECK(c && folio_ref_count(c) == 2 && folio_mapcount(c) == 1);
	CHECK(!folio_flag(c, PG_dirty));

	CHECK(write_byte(env->f, 'w', 10, 3) == 3);
	CHECK(uload(MAPA + 10, s, 3) == 0 && !memcmp(s, "www", 3));
	CHECK(cached(env->f, 0) == c);

	CHECK(ustore(MAPA + PAGE + 5, "xyz", 3) == 0);
	c = cached(env->f, 1);
	CHECK(c && folio_flag(c, PG_dirty));
	CHECK(read_file(env->f, PAGE + 5, buf, 3) == 3 && !memcmp(buf, "xyz", 3));
	CHECK(pmm_page_state(env->p, MAPA + PAGE, &st) == 0);
	CHECK(st.pfn == folio_pfn(c) && st.refcount == 2 && st.mapcount == 1);
	CHECK(st.writable && !st.maybe_pinned);

	/* Q's mapping: the same frames. */
	CHECK(pmm_load(env->q, MAPB + PAGE + 5, s, 3) == 0 && !memcmp(s, "xyz", 3));
	CHECK(pmm_load(env->q, MAPB + 10, s, 3) == 0 && !memcmp(s, "www", 3));
	CHECK(pmm_page_state(env->q, MAPB + PAGE, &st) == 0);
	CHECK(st.pfn == folio_pfn(c) && st.refcount == 3 && st.mapcount == 2);
	CHECK(pmm_store(env->q, MAPB + 20, "qq", 2) == 0);
	CHECK(uload(MAPA + 20, s, 2) == 0 && !memcmp(s, "qq", 2));
	CHECK(read_file(env->f, 18, buf, 6) == 6 && !memcmp(buf, "\0\0qq\0\0", 6));
	/* The mapping does not grow the file. */
	CHECK(pmm_file_size(env->f) == 2 * PAGE);

	/* Unmapped, the cache's reference is all that is left. */
	CHECK(pmm_munmap(env->q, MAPB, 2 * PAGE) == 0);
	CHECK(folio_ref_count(c) == 2 && folio_mapcount(c) == 1);
	CHECK(pmm_munmap(env->p, MAPA, 2 * PAGE) == 0);
	CHECK(folio_ref_count(c) == 1 && folio_mapcount(c) == 0);
	CHECK(read_file(env->f, PAGE + 5, buf, 3) == 3 && !memcmp(buf, "xyz", 3));
}

static void test_shared_mapping(void **state)
{
	(void)state;
	fs_run(shared_map_body);
}

/*
 * MAP_PRIVATE: until P writes a page it maps the cache's frame, so
 * write(2) shows through; P's first store copies the page (COW) into an
 * anonymous folio of its own, invisible to the file, to read(2) and to
 * Q's shared mapping, and later write(2)s no longer show through. fsync
 * writes the file's data, never P's copy.
 */
static void private_map_body(void)
{
	struct pmm_page_state st;
	struct folio *c;
	char s[8];

	CHECK(write_byte(env->f, 'o', 0, PAGE) == PAGE);
	CHECK(write_byte(env->f, 'p', PAGE, PAGE) == PAGE);
	CHECK(pmm_mmap(env->p, MAPA, 2 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_PRIVATE, env->f, 0) == 0);
	CHECK(pmm_mmap(env->q, MAPB, 2 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	c = cached(env->f, 0);
	CHECK(uload(MAPA, s, 4) == 0 && !memcmp(s, "oooo", 4));
	CHECK(pmm_page_state(env->p, MAPA, &st) == 0);
	CHECK(st.pfn == folio_pfn(c) && !st.writable && st.refcount == 2);

	/* Not yet written: write(2) shows through. */
	CHECK(write_byte(env->f, 'n', 0, 4) == 4);
	CHECK(uload(MAPA, s, 4) == 0 && !memcmp(s, "nnnn", 4));

	/* The first store copies. */
	CHECK(ustore(MAPA + 1, "PP", 2) == 0);
	CHECK(uload(MAPA, s, 5) == 0 && !memcmp(s, "nPPno", 5));
	CHECK(pmm_page_state(env->p, MAPA, &st) == 0);
	CHECK(st.pfn != folio_pfn(c) && st.writable && st.anon_exclusive);
	CHECK(st.refcount == 1 && st.mapcount == 1);
	CHECK(folio_ref_count(c) == 1 && folio_mapcount(c) == 0);
	CHECK(!folio_test_anon(c) && folio_test_anon(pfn_folio(st.pfn)));
	CHECK(read_file(env->f, 0, buf, 5) == 5 && !memcmp(buf, "nnnno", 5));
	CHECK(pmm_load(env->q, MAPB, s, 5) == 0 && !memcmp(s, "nnnno", 5));

	/* Written: the file's later changes stay out of P's copy. */
	CHECK(write_byte(env->f, 'a', 0, 8) == 8);
	CHECK(pmm_store(env->q, MAPB + 5, "QQ", 2) == 0);
	CHECK(uload(MAPA, s, 8) == 0 && !memcmp(s, "nPPnoooo", 8));
	CHECK(read_file(env->f, 0, buf, 8) == 8 && !memcmp(buf, "aaaaaQQa", 8));

	/* Page 1: Q's store first, then P's copy, which starts from it. */
	CHECK(pmm_store(env->q, MAPB + PAGE, "qqq", 3) == 0);
	CHECK(ustore(MAPA + PAGE + 1, "X", 1) == 0);
	CHECK(uload(MAPA + PAGE, s, 4) == 0 && !memcmp(s, "qXqp", 4));
	CHECK(pmm_load(env->q, MAPB + PAGE, s, 4) == 0 && !memcmp(s, "qqqp", 4));

	/* fsync writes the file, not P's copies. */
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(disk_page(env->f, 0) && !memcmp(disk_page(env->f, 0), "aaaaaQQa", 8));
	CHECK(disk_page(env->f, 1) && !memcmp(disk_page(env->f, 1), "qqqp", 4));
	CHECK(pmm_file_size(env->f) == 2 * PAGE);
}

static void test_private_mapping(void **state)
{
	(void)state;
	fs_run(private_map_body);
}

/*
 * A PROT_READ shared mapping cannot be written: the store is -EFAULT
 * (SIGSEGV), and the page stays clean, its bytes and the file's unchanged.
 */
static void map_prot_body(void)
{
	char s[2];

	CHECK(write_byte(env->f, 'r', 0, 10) == 10);
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(pmm_mmap(env->p, MAPA, PAGE, PMM_PROT_READ, PMM_MAP_SHARED,
		       env->f, 0) == 0);
	CHECK(ustore(MAPA, "x", 1) == -EFAULT);
	CHECK(uload(MAPA, s, 1) == 0 && s[0] == 'r');
	CHECK(ustore(MAPA, "x", 1) == -EFAULT);
	CHECK(!folio_flag(cached(env->f, 0), PG_dirty));
	CHECK(read_file(env->f, 0, buf, 1) == 1 && buf[0] == 'r');
	/* Nor can a mapping of no pages be reached at all. */
	CHECK(uload(MAPA + PAGE, s, 1) == -EFAULT);
}

static void test_mapping_protection(void **state)
{
	(void)state;
	fs_run(map_prot_body);
}

/*
 * O_DIRECT (direct_io()): the device moves bytes straight between the
 * user's pinned pages and the disk, so a direct write leaves nothing in
 * the page cache, and a buffered read then reads the disk. Before moving
 * anything, direct I/O writes back dirty cached pages of the range (no
 * fsync needed), and a direct write drops the range's clean, unmapped
 * cached pages, so neither direction sees stale data.
 */
static void direct_body(void)
{
	struct inode *in = ino(env->f);
	struct folio *c;

	/* Direct write, buffered read. */
	pat_fill(buf, 'd', 0, 2 * PAGE);
	CHECK(ustore(UBUF, buf, 2 * PAGE) == 0);
	CHECK(pmm_file_write_direct(env->p, env->f, 0, UBUF, 2 * PAGE) == 2 * PAGE);
	CHECK(pmm_file_size(env->f) == 2 * PAGE);
	CHECK(in->nrpages == 0);
	CHECK(disk_page(env->f, 0) && pat_is(disk_page(env->f, 0), 'd', 0, PAGE));
	CHECK(disk_page(env->f, 1) && pat_is(disk_page(env->f, 1), 'd', PAGE, PAGE));
	CHECK(read_file(env->f, 0, buf, 2 * PAGE) == 2 * PAGE);
	CHECK(pat_is(buf, 'd', 0, 2 * PAGE));
	CHECK(in->nrpages == 2);
	CHECK(!folio_flag(cached(env->f, 0), PG_dirty));

	/* Buffered write (dirty in the cache), direct read: no fsync. */
	CHECK(write_pat(env->f, 'b', PAGE, PAGE) == PAGE);
	c = cached(env->f, 1);
	CHECK(folio_flag(c, PG_dirty));
	CHECK(pmm_file_read_direct(env->p, env->f, 0, UOUT, 2 * PAGE) == 2 * PAGE);
	CHECK(uload(UOUT, buf, 2 * PAGE) == 0);
	CHECK(pat_is(buf, 'd', 0, PAGE) && pat_is(buf + PAGE, 'b', PAGE, PAGE));
	CHECK(!folio_flag(c, PG_dirty) && !folio_flag(c, PG_writeback));
	CHECK(pat_is(disk_page(env->f, 1), 'b', PAGE, PAGE));
	/* A direct read leaves the cache alone. */
	CHECK(in->nrpages == 2 && cached(env->f, 1) == c);

	/* Direct write over clean cached pages: they are dropped. */
	pat_fill(buf, 'e', 0, 2 * PAGE);
	CHECK(ustore(UBUF, buf, 2 * PAGE) == 0);
	CHECK(pmm_file_write_direct(env->p, env->f, 0, UBUF, 2 * PAGE) == 2 * PAGE);
	CHECK(in->nrpages == 0);
	CHECK(read_file(env->f, 0, buf, 2 * PAGE) == 2 * PAGE);
	CHECK(pat_is(buf, 'e', 0, 2 * PAGE));

	/* Direct write over a dirty cached page: written back, then dropped. */
	CHECK(write_byte(env->f, 'D', 0, PAGE) == PAGE);
	memset(buf, 'E', PAGE);
	CHECK(ustore(UBUF, buf, PAGE) == 0);
	CHECK(pmm_file_write_direct(env->p, env->f, 0, UBUF, PAGE) == PAGE);
	CHECK(cached(env->f, 0) == NULL);
	CHECK(read_file(env->f, 0, buf, PAGE) == PAGE && all_is(buf, 'E', PAGE));
	CHECK(disk_is(env->f, 0, 'E', PAGE));

	/* A direct write past the end extends the file. */
	memset(buf, 'X', PAGE);
	CHECK(ustore(UBUF, buf, PAGE) == 0);
	CHECK(pmm_file_write_direct(env->p, env->f, 4 * PAGE, UBUF, PAGE) == PAGE);
	CHECK(pmm_file_size(env->f) == 5 * PAGE);
	CHECK(read_file(env->f, 2 * PAGE, buf, 3 * PAGE) == 3 * PAGE);
	CHECK(all_is(buf, 0, 2 * PAGE) && all_is(buf + 2 * PAGE, 'X', PAGE));
}

static void test_direct_io(void **state)
{
	(void)state;
	fs_run(direct_body);
}

/*
 * O_DIRECT needs page-aligned offset, buffer and length (this model's
 * filesystem, like most, requires block alignment): anything else is
 * -EINVAL, as are an empty transfer, more than 64 pages at once, and a
 * range past the file's largest size. Nothing moves.
 */
static void direct_einval_body(void)
{
	struct pmm_process *p = env->p;
	struct pmm_file *f = env->f;

	CHECK(write_byte(f, 'k', 0, 2 * PAGE) == 2 * PAGE);
	CHECK(pmm_file_write_direct(p, f, 100, UBUF, PAGE) == -EINVAL);
	CHECK(pmm_file_write_direct(p, f, 0, UBUF + 1, PAGE) == -EINVAL);
	CHECK(pmm_file_write_direct(p, f, 0, UBUF, 100) == -EINVAL);
	CHECK(pmm_file_write_direct(p, f, 0, UBUF, 0) == -EINVAL);
	CHECK(pmm_file_write_direct(p, f, 0, UBUF, 65 * PAGE) == -EINVAL);
	CHECK(pmm_file_write_direct(p, f, FILE_MAX, UBUF, PAGE) == -EINVAL);
	CHECK(pmm_file_read_direct(p, f, PAGE / 2, UOUT, PAGE) == -EINVAL);
	CHECK(pmm_file_read_direct(p, f, 0, UOUT + 512, PAGE) == -EINVAL);
	CHECK(pmm_file_read_direct(p, f, 0, UOUT, PAGE + 512) == -EINVAL);
	CHECK(pmm_file_read_direct(p, f, 0, UOUT, 0) == -EINVAL);
	CHECK(pmm_file_size(f) == 2 * PAGE);
	CHECK(read_file(f, 0, buf, 2 * PAGE) == 2 * PAGE && all_is(buf, 'k', 2 * PAGE));
	/* Nothing was written back either: the pages are still dirty. */
	CHECK(folio_flag(cached(f, 0), PG_dirty) && !disk_page(f, 0));
}

static void test_direct_io_einval(void **state)
{
	(void)state;
	fs_run(direct_einval_body);
}

/*
 * O_DIRECT reads into user memory, so the buffer is pinned for writing:
 * a read-only buffer makes the pin, and the read, fail with nothing
 * transferred.
 */
#define URO (UBUF + (UBUF_PAGES - 1) * PAGE)

static void direct_ro_body(void)
{
	CHECK(write_byte(env->f, 'k', 0, PAGE) == PAGE);
	CHECK(pmm_mprotect(env->p, URO, PAGE, PMM_PROT_READ) == 0);
	CHECK(pmm_file_read_direct(env->p, env->f, 0, URO, PAGE) == -EFAULT);
	CHECK(uload(URO, buf, 1) == 0 && buf[0] == 0);
	/* A direct write reads the buffer: read-only is fine. */
	CHECK(pmm_file_write_direct(env->p, env->f, 0, URO, PAGE) == PAGE);
	CHECK(read_file(env->f, 0, buf, PAGE) == PAGE && all_is(buf, 0, PAGE));
}

static void test_direct_io_readonly_buffer(void **state)
{
	(void)state;
	fs_run(direct_ro_body);
}

/*
 * splice(file -> pipe): page-cache pages go into the pipe by reference,
 * one buffer per page piece, each holding a reference (the cache's count
 * goes from 1 to 2); read(pipe) copies them out to user memory and drops
 * the references (back to 1). The pieces follow the file's pages.
 */
static void splice_read_body(void)
{
	struct pipe_inode_info *pipe = env->pipe->pipe;
	struct folio *c0, *c1;

	CHECK(write_pat(env->f, 's', 0, 6000) == 6000);
	c0 = cached(env->f, 0);
	c1 = cached(env->f, 1);
	CHECK(folio_ref_count(c0) == 1 && folio_ref_count(c1) == 1);

	CHECK(pmm_splice_to_pipe(env->f, 0, env->pipe, 6000) == 6000);
	CHECK(pipe->head - pipe->tail == 2);
	CHECK(pipe->bufs[0].page == (struct page *)c0 && pipe->bufs[0].len == PAGE);
	CHECK(pipe->bufs[1].page == (struct page *)c1 && pipe->bufs[1].len == 6000 - PAGE);
	CHECK(folio_ref_count(c0) == 2 && folio_ref_count(c1) == 2);
	CHECK(pmm_pipe_read(env->p, env->pipe, UOUT, 8192) == 6000);
	CHECK(uload(UOUT, buf, 6000) == 0 && pat_is(buf, 's', 0, 6000));
	CHECK(pipe->head == pipe->tail);
	CHECK(folio_ref_count(c0) == 1 && folio_ref_count(c1) == 1);

	/* From the middle: pieces [100, 4096) and [4096, 5100). */
	CHECK(pmm_splice_to_pipe(env->f, 100, env->pipe, 5000) == 5000);
	CHECK(pipe->bufs[pipe->tail % PIPE_BUFFERS].offset == 100);
	CHECK(pipe->bufs[pipe->tail % PIPE_BUFFERS].len == PAGE - 100);
	CHECK(folio_ref_count(c0) == 2 && folio_ref_count(c1) == 2);
	CHECK(pmm_pipe_read(env->p, env->pipe, UOUT, 8192) == 5000);
	CHECK(uload(UOUT, buf, 5000) == 0 && pat_is(buf, 's', 100, 5000));
	CHECK(folio_ref_count(c0) == 1 && folio_ref_count(c1) == 1);

	/* Short at the end of the file, nothing past it. */
	CHECK(pmm_splice_to_pipe(env->f, 5000, env->pipe, PAGE) == 1000);
	CHECK(pmm_splice_to_pipe(env->f, 6000, env->pipe, PAGE) == 0);
	CHECK(pmm_pipe_read(env->p, env->pipe, UOUT, PAGE) == 1000);
	CHECK(uload(UOUT, buf, 1000) == 0 && pat_is(buf, 's', 5000, 1000));

	/* An uncached page is read from the disk first. */
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(pmm_splice_to_pipe(env->g, 0, env->pipe, PAGE) == 0);
	CHECK(write_pat(env->g, 't', 0, 10) == 10);
	CHECK(pmm_splice_to_pipe(env->g, 0, env->pipe, PAGE) == 10);
	CHECK(folio_ref_count(cached(env->g, 0)) == 2);
	/* Left in the pipe: the pipe's release at teardown drops it. */
}

static void test_splice_to_pipe(void **state)
{
	(void)state;
	fs_run(splice_read_body);
}

/*
 * splice(pipe -> file): each buffer's bytes are written into the other
 * file through the buffered write path; the source pages' references go
 * when their buffers are consumed.
 */
static void splice_write_body(void)
{
	struct folio *c0;

	CHECK(write_pat(env->f, 'u', 0, 6000) == 6000);
	c0 = cached(env->f, 0);
	CHECK(pmm_splice_to_pipe(env->f, 0, env->pipe, 6000) == 6000);
	CHECK(folio_ref_count(c0) == 2);
	CHECK(pmm_splice_from_pipe(env->pipe, env->g, 100, 6000) == 6000);
	CHECK(folio_ref_count(c0) == 1);
	CHECK(pmm_file_size(env->g) == 6100);
	CHECK(read_file(env->g, 0, buf, 6100) == 6100);
	CHECK(all_is(buf, 0, 100) && pat_is(buf + 100, 'u', 0, 6000));
	CHECK(env->pipe->pipe->head == env->pipe->pipe->tail);
	/* An empty pipe writes nothing. */
	CHECK(pmm_splice_from_pipe(env->pipe, env->g, 0, 100) == 0);
	/* The source is untouched. */
	CHECK(read_file(env->f, 0, buf, 6000) == 6000 && pat_is(buf, 'u', 0, 6000));
}

static void test_splice_from_pipe(void **state)
{
	(void)state;
	fs_run(splice_write_body);
}

/*
 * A pipe buffer's reference outlives the page's place in the cache:
 * truncate removes the page from the file, but the frame stays allocated
 * (one reference, the pipe's) and read(pipe) still gets the bytes that
 * were spliced; only then is the frame freed.
 */
static void splice_truncate_body(void)
{
	struct folio *c0;
	unsigned long free0;

	CHECK(write_pat(env->f, 'v', 0, PAGE) == PAGE);
	/* Fault the reading buffer in first: it takes a frame too. */
	CHECK(ustore(UOUT, "", 1) == 0);
	c0 = cached(env->f, 0);
	CHECK(pmm_splice_to_pipe(env->f, 0, env->pipe, PAGE) == PAGE);
	free0 = pmm_free_pages();
	CHECK(pmm_truncate(env->f, 0) == 0);
	CHECK(cached(env->f, 0) == NULL && ino(env->f)->nrpages == 0);
	CHECK(c0->mapping == NULL && folio_ref_count(c0) == 1);
	CHECK(!PageBuddy((struct page *)c0));
	CHECK(pmm_free_pages() == free0);
	CHECK(pmm_pipe_read(env->p, env->pipe, UOUT, PAGE) == PAGE);
	CHECK(uload(UOUT, buf, PAGE) == 0 && pat_is(buf, 'v', 0, PAGE));
	CHECK(pmm_free_pages() == free0 + 1);
	CHECK(PageBuddy((struct page *)c0));
	CHECK(read_file(env->f, 0, buf, 1) == 0);
}

static void test_splice_truncate(void **state)
{
	(void)state;
	fs_run(splice_truncate_body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_rw_errors),
		cmocka_unit_test(test_shared_mapping),
		cmocka_unit_test(test_private_mapping),
		cmocka_unit_test(test_mapping_protection),
		cmocka_unit_test(test_direct_io),
		cmocka_unit_test(test_direct_io_einval),
		cmocka_unit_test(test_direct_io_readonly_buffer),
		cmocka_unit_test(test_splice_to_pipe),
		cmocka_unit_test(test_splice_from_pipe),
		cmocka_unit_test(test_splice_truncate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
