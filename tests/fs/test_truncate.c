// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shrinking files and punching holes (src/fs/truncate.c): truncate
 * unmaps and drops the pages past the new size (private copies included),
 * so a mapping there faults with SIGBUS (-EIO); reads stop at the new
 * size; the part of the last page past it reads as zeros, also after the
 * file grows again; blocks past it are freed. A hole punch drops the
 * whole pages in the range, zeroes its partial edges, frees its blocks
 * and leaves the size and everything else alone.
 *
 * Each body runs once in a task, every oracle live (fs_test.h); the data
 * oracle is told which ranges now read as zeros.
 */
#include "fs_test.h"

static unsigned char buf[FILE_MAX];

/* Three pages: 'a' pattern, 'b' pattern, 'c' pattern, flushed to disk. */
static void three_pages(struct pmm_file *f)
{
	CHECK(write_pat(f, 'a', 0, PAGE) == PAGE);
	CHECK(write_pat(f, 'b', PAGE, PAGE) == PAGE);
	CHECK(write_pat(f, 'c', 2 * PAGE, PAGE) == PAGE);
	CHECK(pmm_fsync(f) == 0);
}

/*
 * Shrinking to 4196 bytes under a shared mapping of all three pages:
 * page 2 is unmapped and dropped (a load or store there is SIGBUS, and
 * its PTE is gone), its block freed; page 1 stays mapped, its bytes up to
 * the new size kept and the rest of the page zeroed (reads as zeros
 * through the mapping, which may still touch it: SIGBUS is for whole
 * pages past the end); read(2) stops at 4196.
 */
static void shrink_body(void)
{
	struct pmm_page_state st;
	struct folio *c2;
	unsigned long free0;
	unsigned int i;

	three_pages(env->f);
	CHECK(pmm_mmap(env->p, MAPA, 3 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	for (i = 0; i < 3; i++)
		CHECK(uload(MAPA + i * PAGE, buf, 1) == 0);
	c2 = cached(env->f, 2);
	CHECK(c2 && folio_mapcount(c2) == 1 && folio_ref_count(c2) == 2);
	CHECK(disk_page(env->f, 2) != NULL);
	free0 = pmm_free_pages();

	CHECK(pmm_truncate(env->f, PAGE + 100) == 0);
	CHECK(pmm_file_size(env->f) == PAGE + 100);
	/* Page 2: out of the cache, unmapped, freed; its block discarded. */
	CHECK(cached(env->f, 2) == NULL && ino(env->f)->nrpages == 2);
	CHECK(PageBuddy((struct page *)c2));
	CHECK(pmm_free_pages() == free0 + 1);
	CHECK(disk_page(env->f, 2) == NULL);
	CHECK(pmm_page_state(env->p, MAPA + 2 * PAGE, &st) == -EFAULT);
	CHECK(uload(MAPA + 2 * PAGE, buf, 1) == -EIO);
	CHECK(ustore(MAPA + 2 * PAGE + 10, "x", 1) == -EIO);
	/* Page 1: kept up to the size, zero after it, still mapped. */
	CHECK(uload(MAPA + PAGE, buf, PAGE) == 0);
	CHECK(pat_is(buf, 'b', PAGE, 100) && all_is(buf + 100, 0, PAGE - 100));
	CHECK(pmm_page_state(env->p, MAPA + PAGE, &st) == 0);
	CHECK(uload(MAPA, buf, PAGE) == 0 && pat_is(buf, 'a', 0, PAGE));
	/* read(2) stops at the size. */
	CHECK(read_file(env->f, 0, buf, 3 * PAGE) == PAGE + 100);
	CHECK(pat_is(buf, 'a', 0, PAGE) && pat_is(buf + PAGE, 'b', PAGE, 100));
	CHECK(read_file(env->f, PAGE + 100, buf, 10) == 0);
	CHECK(read_file(env->f, 2 * PAGE, buf, 10) == 0);
	/* The zeroed tail is dirty: fsync zeroes it on disk too. */
	CHECK(folio_flag(cached(env->f, 1), PG_dirty));
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(disk_page(env->f, 1) && pat_is(disk_page(env->f, 1), 'b', PAGE, 100));
	CHECK(disk_is(env->f, PAGE + 100, 0, PAGE - 100));
}

static void test_truncate_shrink(void **state)
{
	(void)state;
	fs_run(shrink_body);
}

/*
 * Shrink to 100 bytes, then grow again, by truncate and by a write past
 * the end: what lay past 100 before the shrink reads as zeros, the first
 * 100 bytes are kept, and a re-extended mapping faults pages in again.
 */
static void regrow_body(void)
{
	three_pages(env->f);
	CHECK(pmm_mmap(env->p, MAPA, 3 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	CHECK(uload(MAPA, buf, 1) == 0);
	CHECK(pmm_truncate(env->f, 100) == 0);
	CHECK(uload(MAPA + PAGE, buf, 1) == -EIO);
	CHECK(pmm_truncate(env->f, 3 * PAGE) == 0);
	CHECK(pmm_file_size(env->f) == 3 * PAGE);
	CHECK(read_file(env->f, 0, buf, 3 * PAGE) == 3 * PAGE);
	CHECK(pat_is(buf, 'a', 0, 100) && all_is(buf + 100, 0, 3 * PAGE - 100));
	/* The mapping reaches the pages again, as zeros. */
	CHECK(uload(MAPA + PAGE, buf, PAGE) == 0 && all_is(buf, 0, PAGE));
	CHECK(uload(MAPA + 50, buf, 100) == 0);
	CHECK(pat_is(buf, 'a', 50, 50) && all_is(buf + 50, 0, 50));

	/* Shrink again, then grow by writing past the end. */
	CHECK(write_byte(env->f, 'q', 0, 3 * PAGE) == 3 * PAGE);
	CHECK(pmm_truncate(env->f, 10) == 0);
	CHECK(write_byte(env->f, 'z', 2 * PAGE, 10) == 10);
	CHECK(pmm_file_size(env->f) == 2 * PAGE + 10);
	CHECK(read_file(env->f, 0, buf, 2 * PAGE + 10) == 2 * PAGE + 10);
	CHECK(all_is(buf, 'q', 10) && all_is(buf + 10, 0, 2 * PAGE - 10) &&
	      all_is(buf + 2 * PAGE, 'z', 10));
}

static void test_truncate_regrow(void **state)
{
	(void)state;
	fs_run(regrow_body);
}

/*
 * Private copies past the new size go too (truncate_pagecache()'s
 * even_cows): a COWed page of a MAP_PRIVATE mapping is SIGBUS after a
 * shrink below it, like the file's own pages; a private copy below the
 * new size is kept.
 */
static void private_beyond_body(void)
{
	struct pmm_page_state st;

	three_pages(env->f);
	CHECK(pmm_mmap(env->p, MAPA, 3 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_PRIVATE, env->f, 0) == 0);
	CHECK(ustore(MAPA + 10, "PRIV", 4) == 0);
	CHECK(ustore(MAPA + 2 * PAGE + 10, "PRIV", 4) == 0);
	CHECK(pmm_page_state(env->p, MAPA + 2 * PAGE, &st) == 0 && st.anon_exclusive);
	CHECK(pmm_truncate(env->f, PAGE) == 0);
	CHECK(pmm_page_state(env->p, MAPA + 2 * PAGE, &st) == -EFAULT);
	CHECK(uload(MAPA + 2 * PAGE + 10, buf, 4) == -EIO);
	CHECK(uload(MAPA + 10, buf, 4) == 0 && !memcmp(buf, "PRIV", 4));
	CHECK(read_file(env->f, 0, buf, 20) == 20 && pat_is(buf, 'a', 0, 20));
}

static void test_truncate_private_copies(void **state)
{
	(void)state;
	fs_run(private_beyond_body);
}

/* Growing an empty file: all zeros, no pages made by the truncate. */
static void grow_empty_body(void)
{
	CHECK(pmm_truncate(env->f, 2 * PAGE + 7) == 0);
	CHECK(pmm_file_size(env->f) == 2 * PAGE + 7);
	CHECK(ino(env->f)->nrpages == 0);
	CHECK(read_file(env->f, 0, buf, 3 * PAGE) == 2 * PAGE + 7);
	CHECK(all_is(buf, 0, 2 * PAGE + 7));
	/* Past the file's largest size: refused, nothing changes. */
	CHECK(pmm_truncate(env->f, FILE_MAX + 1) == -EINVAL);
	CHECK(pmm_file_size(env->f) == 2 * PAGE + 7);
	CHECK(pmm_truncate(env->f, FILE_MAX) == 0);
	CHECK(pmm_truncate(env->f, 0) == 0);
	CHECK(read_file(env->f, 0, buf, 1) == 0 && ino(env->f)->nrpages == 0);
}

static void test_truncate_grow_empty(void **state)
{
	(void)state;
	fs_run(grow_empty_body);
}

/*
 * Growing a file whose last page is cached and mapped: a store through
 * the mapping past the old end (byte 35 of a 21-byte file) is the page's,
 * not the file's; growing the file to 23 bytes zeroes the cached page
 * from the new end on (truncate_pagecache(newsize) ->
 * truncate_inode_partial_folio()), so the mapping reads 0 there. An
 * uncached last page is not read in for that.
 */
static void grow_tail_body(void)
{
	unsigned char c = 0xff;

	CHECK(write_pat(env->f, 'a', 0, 21) == 21);
	CHECK(pmm_mmap(env->p, MAPA, PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	CHECK(ustore(MAPA + 35, "u", 1) == 0);
	CHECK(pmm_truncate(env->f, 23) == 0);
	CHECK(uload(MAPA + 35, &c, 1) == 0 && c == 0);
	CHECK(read_file(env->f, 0, buf, PAGE) == 23);
	CHECK(pat_is(buf, 'a', 0, 21) && all_is(buf + 21, 0, 2));
	CHECK(pmm_munmap(env->p, MAPA, PAGE) == 0);
	CHECK(pmm_truncate(env->g, 10) == 0);
	CHECK(pmm_truncate(env->g, 20) == 0 && ino(env->g)->nrpages == 0);
}

static void test_truncate_grow_tail(void **state)
{
	(void)state;
	fs_run(grow_tail_body);
}

/*
 * Punching whole page 1 of three: it reads as zeros (read(2), and a
 * mapping, which faults in a fresh page), pages 0 and 2 are intact, the
 * size is unchanged, page 1 left the cache and its block was freed.
 */
static void punch_page_body(void)
{
	struct folio *c1;

	three_pages(env->f);
	CHECK(pmm_mmap(env->p, MAPA, 3 * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	CHECK(uload(MAPA + PAGE, buf, 1) == 0);
	c1 = cached(env->f, 1);
	CHECK(pmm_punch_hole(env->f, PAGE, PAGE) == 0);
	CHECK(pmm_file_size(env->f) == 3 * PAGE);
	CHECK(cached(env->f, 1) == NULL && PageBuddy((struct page *)c1));
	CHECK(disk_page(env->f, 1) == NULL);
	CHECK(read_file(env->f, 0, buf, 3 * PAGE) == 3 * PAGE);
	CHECK(pat_is(buf, 'a', 0, PAGE) && all_is(buf + PAGE, 0, PAGE) &&
	      pat_is(buf + 2 * PAGE, 'c', 2 * PAGE, PAGE));
	CHECK(uload(MAPA + PAGE, buf, PAGE) == 0 && all_is(buf, 0, PAGE));
	CHECK(uload(MAPA + 2 * PAGE, buf, 8) == 0 && pat_is(buf, 'c', 2 * PAGE, 8));
	/* The hole takes new data like any other part of the file. */
	CHECK(ustore(MAPA + PAGE + 1, "h", 1) == 0);
	CHECK(read_file(env->f, PAGE, buf, 3) == 3 && !memcmp(buf, "\0h\0", 3));
}

static void test_punch_page(void **state)
{
	(void)state;
	fs_run(punch_page_body);
}

/*
 * Partial punches on cached pages: within one page (100, 50), and across
 * pages 0..1 unaligned at both ends (2000, 6000): exactly the range reads
 * as zeros.
 */
static void punch_partial_body(void)
{
	three_pages(env->f);
	CHECK(read_file(env->f, 0, buf, 3 * PAGE) == 3 * PAGE);
	CHECK(pmm_punch_hole(env->f, 100, 50) == 0);
	CHECK(read_file(env->f, 0, buf, 3 * PAGE) == 3 * PAGE);
	CHECK(pat_is(buf, 'a', 0, 100) && all_is(buf + 100, 0, 50) &&
	      pat_is(buf + 150, 'a', 150, PAGE - 150));
	CHECK(pat_is(buf + PAGE, 'b', PAGE, PAGE));

	CHECK(pmm_punch_hole(env->f, 2000, 6000) == 0);
	CHECK(read_file(env->f, 0, buf, 3 * PAGE) == 3 * PAGE);
	CHECK(pat_is(buf, 'a', 0, 100) && all_is(buf + 100, 0, 50) &&
	      pat_is(buf + 150, 'a', 150, 1850));
	CHECK(all_is(buf + 2000, 0, 6000));
	CHECK(pat_is(buf + 8000, 'b', 8000, 2 * PAGE - 8000));
	CHECK(pat_is(buf + 2 * PAGE, 'c', 2 * PAGE, PAGE));
	/* Both pages stay cached (partly zeroed); nothing was freed. */
	CHECK(cached(env->f, 0) && cached(env->f, 1));
	CHECK(pmm_file_size(env->f) == 3 * PAGE);

	/* Ending exactly at a page boundary, and the last byte alone. */
	CHECK(pmm_punch_hole(env->f, 2 * PAGE - 1, 1) == 0);
	CHECK(pmm_punch_hole(env->f, 3 * PAGE - 1, 1) == 0);
	CHECK(read_file(env->f, 2 * PAGE - 2, buf, PAGE + 2) == PAGE + 2);
	CHECK(pat_is(buf, 'b', 2 * PAGE - 2, 1) && buf[1] == 0);
	CHECK(pat_is(buf + 2, 'c', 2 * PAGE, PAGE - 1) && buf[PAGE + 1] == 0);
}

static void test_punch_partial(void **state)
{
	(void)state;
	fs_run(punch_partial_body);
}

/* Bad ranges are -EINVAL and change nothing. */
static void punch_einval_body(void)
{
	three_pages(env->f);
	CHECK(pmm_punch_hole(env->f, 0, 0) == -EINVAL);
	CHECK(pmm_punch_hole(env->f, FILE_MAX - PAGE, 2 * PAGE) == -EINVAL);
	CHECK(read_file(env->f, 0, buf, 3 * PAGE) == 3 * PAGE);
	CHECK(pat_is(buf, 'a', 0, PAGE) && pat_is(buf + PAGE, 'b', PAGE, PAGE));
	/* Past the end of the file but within its largest size: fine, a no-op. */
	CHECK(pmm_punch_hole(env->f, 4 * PAGE, PAGE) == 0);
	CHECK(pmm_file_size(env->f) == 3 * PAGE);
}

static void test_punch_einval(void **state)
{
	(void)state;
	fs_run(punch_einval_body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncate_shrink),
		cmocka_unit_test(test_truncate_regrow),
		cmocka_unit_test(test_truncate_private_copies),
		cmocka_unit_test(test_truncate_grow_empty),
		cmocka_unit_test(test_truncate_grow_tail),
		cmocka_unit_test(test_punch_page),
		cmocka_unit_test(test_punch_partial),
		cmocka_unit_test(test_punch_einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
