// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Regression tests for bugs found in the model (src/fs/ and its data oracle), one each,
 * named on the command line by meson.build. Each asserts what the kernel
 * does and failed before its fix. The story of each:
 *
 * 1. punch_hole_keeps_private_cow
 *
 *    FALLOC_FL_PUNCH_HOLE goes through truncate_pagecache_range(), which
 *    calls unmap_mapping_range(..., even_cows = 0): "hole-punching should
 *    not remove private COWed pages from the hole". punch_hole()
 *    (truncate.c) calls unmap_mapping_range(), which zaps every PTE in
 *    range, anonymous COW copies included (rmap.c has no even_cows): a
 *    MAP_PRIVATE mapping loses what the process wrote and refaults the
 *    (now zero) file page. The data oracle reports the process's own
 *    read as corrupt.
 *
 * 2. truncate_zeroes_uncached_partial_page
 *
 *    Shrinking to a size inside a page must leave the rest of that page
 *    reading as zeros when the file grows again (POSIX; ext4 does it in
 *    ext4_block_truncate_page(), iomap filesystems in
 *    iomap_truncate_page(), both reading the block in if need be).
 *    zero_partial() zeroes the tail only if the page is in the cache, and
 *    the block is not discarded (it is partial), so a file written with
 *    O_DIRECT (nothing cached), shrunk to 100 bytes and grown again reads
 *    its old bytes back at 100..4095. The oracle is not told either.
 *
 * 3. punch_hole_zeroes_uncached_partial_edge
 *
 *    The same for a hole's partial edges (ext4_zero_partial_blocks()).
 *
 * 4. direct_write_drops_mapped_page
 *
 *    Before an O_DIRECT write the kernel invalidates the range's cached
 *    pages (kiocb_invalidate_pages() -> invalidate_inode_pages2_range(),
 *    which unmaps mapped folios first) and again after it
 *    (kiocb_invalidate_post_direct_write()); if that fails, the write
 *    falls back to buffered I/O. invalidate_range() (direct.c) skips
 *    mapped folios and runs only before the write, so a page that is
 *    mmapped keeps the old bytes: read(2) and the mapping return stale
 *    data after the direct write returned. The data oracle reports it.
 *
 * 5. direct_read_stops_at_eof
 *
 *    An O_DIRECT read returns at most i_size - pos bytes, and 0 at or
 *    past the end of the file (__iomap_dio_rw(), iomap_dio_complete():
 *    "check for short read"). direct_io() ignores i_size for reads and
 *    returns the whole page-aligned length.
 *
 * 6. fault_vs_truncate_no_stale_page
 *
 *    A page fault that has to create a page races truncate: T0's
 *    filemap_fault() checks i_size before T1 sets it, finds the old page,
 *    waits for its lock while T1 truncates it, looks again, creates a new
 *    page and reads it from the disk, before T1 discards the blocks; only
 *    then does it recheck i_size and return SIGBUS, leaving a page full
 *    of the truncated data in the cache past the end of the file. T1
 *    grows the file again: read(2) returns the old data where there must
 *    be zeros. The kernel excludes this with mapping->invalidate_lock:
 *    filemap_fault() (and filemap_create_folio() for read and splice)
 *    adds pages under it shared; the filesystem's truncate holds it
 *    exclusively across truncate_pagecache() and freeing the blocks.
 *    The model has no invalidate_lock. PCT finds the interleaving within
 *    a few hundred executions; a random walk did not in 20000.
 *
 * 7. pipe_read_vs_truncate
 *
 *    The data oracle checks a pipe buffer's bytes against the file only
 *    while the page still belongs to the file (its mapping is set). But
 *    read_buf() (splice.c) reads folio->mapping while building the
 *    access, one yield point before the access itself: a truncate in
 *    between removes the page and records the range as zeros, and the
 *    read of the (legitimately old) bytes the pipe still holds is then
 *    reported as "data-corruption". A false positive; the check must
 *    look at the mapping in the step that moves the bytes.
 *
 * 8. evict_reread_under_oracle
 *
 *    truncate_inode_pages_final() (inode eviction) drops the cache and
 *    tells the data oracle that the whole file now reads as zeros
 *    (truncate_range() calls phys_logical_zero()). That is harmless at
 *    teardown, where it is used today, but any eviction in mid-run (as a
 *    scenario dropping caches would do) makes the next read of data
 *    written back to the disk a false "data-corruption". Eviction must
 *    not touch the oracle: only truncation and hole punching zero.
 */
#include "fs_test.h"

static unsigned char buf[FILE_MAX];

/* 1. */
static void punch_cow_body(void)
{
	CHECK(write_byte(env->f, 'f', 0, 2 * PAGE) == 2 * PAGE);
	CHECK(pmm_mmap(env->p, MAPA, 2 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_PRIVATE, env->f, 0) == 0);
	CHECK(ustore(MAPA + 10, "PRIV", 4) == 0);
	CHECK(pmm_punch_hole(env->f, 0, PAGE) == 0);
	CHECK(uload(MAPA + 10, buf, 4) == 0 && !memcmp(buf, "PRIV", 4));
	CHECK(read_file(env->f, 10, buf, 4) == 4 && all_is(buf, 0, 4));
}

static void test_punch_hole_keeps_private_cow(void **state)
{
	(void)state;
	fs_run(punch_cow_body);
}

/* A page of 'f' written with O_DIRECT: on the disk, not in the cache. */
static void direct_page(unsigned char c)
{
	memset(buf, c, PAGE);
	CHECK(ustore(UBUF, buf, PAGE) == 0);
	CHECK(pmm_file_write_direct(env->p, env->f, 0, UBUF, PAGE) == PAGE);
	CHECK(cached(env->f, 0) == NULL);
}

/* 2. */
static void truncate_uncached_body(void)
{
	direct_page('f');
	CHECK(pmm_truncate(env->f, 100) == 0);
	CHECK(pmm_truncate(env->f, PAGE) == 0);
	CHECK(read_file(env->f, 0, buf, PAGE) == PAGE);
	CHECK(all_is(buf, 'f', 100));
	CHECK(all_is(buf + 100, 0, PAGE - 100));
}

static void test_truncate_zeroes_uncached_partial_page(void **state)
{
	(void)state;
	fs_run(truncate_uncached_body);
}

/* 3. */
static void punch_uncached_body(void)
{
	direct_page('f');
	CHECK(pmm_punch_hole(env->f, 100, 100) == 0);
	CHECK(read_file(env->f, 0, buf, PAGE) == PAGE);
	CHECK(all_is(buf, 'f', 100) && all_is(buf + 200, 'f', PAGE - 200));
	CHECK(all_is(buf + 100, 0, 100));
}

static void test_punch_hole_zeroes_uncached_partial_edge(void **state)
{
	(void)state;
	fs_run(punch_uncached_body);
}

/* 4. */
static void direct_mapped_body(void)
{
	CHECK(write_byte(env->f, 'o', 0, PAGE) == PAGE);
	CHECK(pmm_mmap(env->p, MAPA, PAGE, PMM_PROT_READ, PMM_MAP_SHARED,
		       env->f, 0) == 0);
	CHECK(uload(MAPA, buf, 1) == 0 && buf[0] == 'o');
	memset(buf, 'N', PAGE);
	CHECK(ustore(UBUF, buf, PAGE) == 0);
	CHECK(pmm_file_write_direct(env->p, env->f, 0, UBUF, PAGE) == PAGE);
	CHECK(read_file(env->f, 0, buf, PAGE) == PAGE && all_is(buf, 'N', PAGE));
	CHECK(uload(MAPA, buf, 1) == 0 && buf[0] == 'N');
}

static void test_direct_write_drops_mapped_page(void **state)
{
	(void)state;
	fs_run(direct_mapped_body);
}

/* 5. */
static void direct_eof_body(void)
{
	CHECK(write_byte(env->f, 'e', 0, 100) == 100);
	CHECK(pmm_file_read_direct(env->p, env->f, 0, UOUT, PAGE) == 100);
	CHECK(pmm_file_read_direct(env->p, env->f, PAGE, UOUT, PAGE) == 0);
	CHECK(pmm_file_read_direct(env->p, env->f, 4 * PAGE, UOUT, PAGE) == 0);
}

static void test_direct_read_stops_at_eof(void **state)
{
	(void)state;
	fs_run(direct_eof_body);
}

/* 6. */
static int fault_err;

static void fault_task(void *arg)
{
	(void)arg;
	fault_err = uload(MAPA + PAGE, buf, 8);
}

static void shrink_regrow_task(void *arg)
{
	(void)arg;
	pmm_truncate(env->f, PAGE);
	pmm_truncate(env->f, 2 * PAGE);
}

static void fault_trunc_setup(void *arg)
{
	(void)arg;
	if (!fs_machine())
		return;
	env->f = pmm_file_create(2 * PAGE);
	if (!env->f || write_byte(env->f, 'a', 0, 2 * PAGE) != 2 * PAGE ||
	    pmm_fsync(env->f) || ustore(UOUT, "", 1) ||
	    pmm_mmap(env->p, MAPA, 2 * PAGE, PMM_PROT_READ, PMM_MAP_SHARED,
		     env->f, 0)) {
		pmm_violation("setup", "setup failed");
		return;
	}
	task_new("fault", 0, fault_task, NULL);
	task_new("truncate", 1, shrink_regrow_task, NULL);
}

static void fault_trunc_finish(void *arg)
{
	unsigned char b[8];

	if (read_file(env->f, PAGE, b, 8) != 8 || !all_is(b, 0, 8))
		pmm_violation("final-state", "page 1 reads %#x after truncate and regrow",
			      b[0]);
	fs_finish(arg);
}

static void test_fault_vs_truncate_no_stale_page(void **state)
{
	const struct pmm_program p = PROGRAM("fault-vs-truncate-regrow",
					     fault_trunc_setup, fault_trunc_finish);
	struct pmm_explore_result r;

	(void)state;
	explore_sample(&p, PMM_STRATEGY_PCT, 2000, &r);
	if (r.violations)
		explore_report(p.name, &r);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

/* 7. */
static void pipe_read_task(void *arg)
{
	(void)arg;
	pmm_pipe_read(env->p, env->pipe, UOUT, PAGE);
}

static void truncate0_task(void *arg)
{
	(void)arg;
	pmm_truncate(env->f, 0);
}

static void pipe_trunc_setup(void *arg)
{
	(void)arg;
	if (!fs_machine())
		return;
	env->f = pmm_file_create(PAGE);
	if (!env->f || write_byte(env->f, 'a', 0, PAGE) != PAGE ||
	    ustore(UOUT, "", 1) ||
	    pmm_splice_to_pipe(env->f, 0, env->pipe, PAGE) != PAGE) {
		pmm_violation("setup", "setup failed");
		return;
	}
	task_new("pipe_read", 0, pipe_read_task, NULL);
	task_new("truncate", 1, truncate0_task, NULL);
}

static void test_pipe_read_vs_truncate(void **state)
{
	const struct pmm_program p = PROGRAM("pipe-read-vs-truncate",
					     pipe_trunc_setup, fs_finish);
	struct pmm_explore_result r;

	(void)state;
	explore_sample(&p, PMM_STRATEGY_PCT, 2000, &r);
	if (r.violations)
		explore_report(p.name, &r);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

/* 8. */
static void evict_body(void)
{
	CHECK(write_byte(env->f, 'k', 0, PAGE) == PAGE);
	CHECK(pmm_fsync(env->f) == 0);
	truncate_inode_pages_final(ino(env->f));
	CHECK(ino(env->f)->nrpages == 0);
	CHECK(read_file(env->f, 0, buf, PAGE) == PAGE && all_is(buf, 'k', PAGE));
}

static void test_evict_reread_under_oracle(void **state)
{
	(void)state;
	fs_run(evict_body);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_punch_hole_keeps_private_cow),
		cmocka_unit_test(test_truncate_zeroes_uncached_partial_page),
		cmocka_unit_test(test_punch_hole_zeroes_uncached_partial_edge),
		cmocka_unit_test(test_direct_write_drops_mapped_page),
		cmocka_unit_test(test_direct_read_stops_at_eof),
		cmocka_unit_test(test_fault_vs_truncate_no_stale_page),
		cmocka_unit_test(test_pipe_read_vs_truncate),
		cmocka_unit_test(test_evict_reread_under_oracle),
	};

	/* One bug per meson test: the argument names it. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
