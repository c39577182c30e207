// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writeback (src/fs/writeback.c): fsync writes every dirty page-cache
 * folio to the disk and leaves it clean, not under writeback and not
 * locked; a folio mapped shared is write-protected and cleaned first
 * (folio_mkclean()), so the next store through the mapping faults and
 * dirties it again; clean folios are not written; and once the cache is
 * dropped, the data comes back from the disk.
 *
 * The explored bodies run once in a task with every oracle live
 * (fs_test.h). The eviction test runs natively (one thread); its twin
 * under the explorer, with the data oracle, is a regression test (see
 * test_regressions.c).
 */
#include "fs_test.h"

static unsigned char buf[FILE_MAX];

/*
 * Two and a half pages written: three dirty folios, nothing on the disk.
 * fsync: all clean, none under writeback or locked, each held by the
 * cache alone, and the disk holds the bytes (the half page's tail as
 * zeros, which is what the page holds past the end of the file).
 */
static void fsync_body(void)
{
	unsigned int i;

	CHECK(write_pat(env->f, 'w', 0, 2 * PAGE + PAGE / 2) == 2 * PAGE + PAGE / 2);
	for (i = 0; i < 3; i++) {
		struct folio *c = cached(env->f, i);

		CHECK(c && folio_flag(c, PG_dirty) && folio_flag(c, PG_uptodate));
		CHECK(!folio_flag(c, PG_writeback) && !folio_flag(c, PG_locked));
		CHECK(disk_page(env->f, i) == NULL);
	}
	CHECK(pmm_fsync(env->f) == 0);
	for (i = 0; i < 3; i++) {
		struct folio *c = cached(env->f, i);

		CHECK(c == cached(env->f, i) && folio_flag(c, PG_uptodate));
		CHECK(!folio_flag(c, PG_dirty) && !folio_flag(c, PG_writeback));
		CHECK(!folio_flag(c, PG_locked) && folio_ref_count(c) == 1);
		CHECK(disk_page(env->f, i) != NULL);
	}
	CHECK(pat_is(disk_page(env->f, 0), 'w', 0, PAGE));
	CHECK(pat_is(disk_page(env->f, 1), 'w', PAGE, PAGE));
	CHECK(pat_is(disk_page(env->f, 2), 'w', 2 * PAGE, PAGE / 2));
	CHECK(disk_is(env->f, 2 * PAGE + PAGE / 2, 0, PAGE / 2));
	CHECK(disk_page(env->f, 3) == NULL);
	/* The other file was not touched. */
	CHECK(disk_page(env->g, 0) == NULL);

	/* Dirtying one page again: only it is written. */
	CHECK(write_byte(env->f, 'X', PAGE + 10, 5) == 5);
	CHECK(folio_flag(cached(env->f, 1), PG_dirty));
	CHECK(!folio_flag(cached(env->f, 0), PG_dirty));
	CHECK(pat_is(disk_page(env->f, 1) + 10, 'w', PAGE + 10, 5));
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(disk_is(env->f, PAGE + 10, 'X', 5));
	CHECK(!folio_flag(cached(env->f, 1), PG_dirty));
}

static void test_fsync(void **state)
{
	(void)state;
	fs_run(fsync_body);
}

/*
 * fsync of a clean file writes nothing: the disk's blocks are the same
 * buffers with the same bytes, and an fsync of an empty file is fine.
 */
static void fsync_clean_body(void)
{
	const unsigned char *d;

	CHECK(pmm_fsync(env->f) == 0);
	CHECK(write_byte(env->f, 'c', 0, PAGE) == PAGE);
	CHECK(pmm_fsync(env->f) == 0);
	d = disk_page(env->f, 0);
	/* Change the disk behind the cache's back: a rewrite would undo it. */
	((unsigned char *)d)[0] = 'Q';
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(disk_page(env->f, 0) == d && d[0] == 'Q');
	((unsigned char *)d)[0] = 'c';
}

static void test_fsync_clean(void **state)
{
	(void)state;
	fs_run(fsync_clean_body);
}

/*
 * A shared mapping's stores and writeback. A store dirties the folio
 * (write fault, page_mkwrite) and makes the PTE writable. fsync's
 * folio_clear_dirty_for_io() write-protects and cleans the PTE before
 * clearing PG_dirty, then writes: the disk has the store, the PTE is
 * read-only. The next store faults again and dirties the folio again, so
 * the next fsync writes it too.
 */
static void mapped_body(void)
{
	struct pmm_page_state st;
	struct folio *c;

	CHECK(pmm_truncate(env->f, PAGE) == 0);
	CHECK(pmm_mmap(env->p, MAPA, PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	CHECK(uload(MAPA, buf, 1) == 0);
	c = cached(env->f, 0);
	CHECK(c && !folio_flag(c, PG_dirty));
	CHECK(pmm_page_state(env->p, MAPA, &st) == 0 && !st.writable);

	CHECK(ustore(MAPA + 100, "one", 3) == 0);
	CHECK(folio_flag(c, PG_dirty));
	CHECK(pmm_page_state(env->p, MAPA, &st) == 0 && st.writable);
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(!folio_flag(c, PG_dirty));
	CHECK(pmm_page_state(env->p, MAPA, &st) == 0 && !st.writable);
	CHECK(disk_page(env->f, 0) && !memcmp(disk_page(env->f, 0) + 100, "one", 3));

	CHECK(ustore(MAPA + 200, "two", 3) == 0);
	CHECK(folio_flag(c, PG_dirty));
	CHECK(pmm_page_state(env->p, MAPA, &st) == 0 && st.writable);
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(!memcmp(disk_page(env->f, 0) + 200, "two", 3));
	CHECK(cached(env->f, 0) == c && folio_ref_count(c) == 2);

	/* Unmapping a dirty mapped page keeps its data for writeback. */
	CHECK(ustore(MAPA + 300, "six", 3) == 0);
	CHECK(pmm_munmap(env->p, MAPA, PAGE) == 0);
	CHECK(folio_flag(c, PG_dirty) && folio_ref_count(c) == 1);
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(!memcmp(disk_page(env->f, 0) + 300, "six", 3));
}

static void test_fsync_mapped(void **state)
{
	(void)state;
	fs_run(mapped_body);
}

/*
 * The last page of a 21-byte file, mapped shared: a store past the end
 * (byte 35) is the page's, not the file's. fsync writes the page and,
 * as block_write_full_folio() and iomap do for the page straddling
 * i_size, zeroes it from i_size on first, in the page itself: the
 * mapping reads 0 there, and so does the disk once the file grows.
 */
static void eof_tail_body(void)
{
	unsigned char c = 0xff;

	CHECK(write_pat(env->f, 'a', 0, 21) == 21);
	CHECK(pmm_mmap(env->p, MAPA, PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		       PMM_MAP_SHARED, env->f, 0) == 0);
	CHECK(ustore(MAPA + 35, "u", 1) == 0);
	CHECK(pmm_fsync(env->f) == 0);
	CHECK(uload(MAPA + 35, &c, 1) == 0 && c == 0);
	CHECK(uload(MAPA + 20, &c, 1) == 0 && c == pat('a', 20));
	CHECK(disk_page(env->f, 0) && disk_page(env->f, 0)[35] == 0 &&
	      disk_page(env->f, 0)[20] == pat('a', 20));
}

static void test_fsync_eof_tail(void **state)
{
	(void)state;
	fs_run(eof_tail_body);
}

/*
 * The cache dropped (inode eviction), the data comes back from the disk:
 * fsync, truncate_inode_pages_final(), read(2). Natively, on one thread,
 * with the data oracle off (see the top of this file); the body reports
 * through pmm_violation().
 */
static void evict_task(void *arg)
{
	struct inode *in = ino(env->f);
	unsigned long free0;

	(void)arg;
	if (write_pat(env->f, 'e', 0, 2 * PAGE + 5) != 2 * PAGE + 5 ||
	    pmm_fsync(env->f))
		pmm_violation("evict", "write or fsync failed");
	free0 = pmm_free_pages();
	truncate_inode_pages_final(in);
	if (in->nrpages || cached(env->f, 0) || pmm_free_pages() != free0 + 3)
		pmm_violation("evict", "cache not dropped: %lu pages", in->nrpages);
	if (read_file(env->f, 0, buf, 3 * PAGE) != 2 * PAGE + 5 ||
	    !pat_is(buf, 'e', 0, 2 * PAGE + 5))
		pmm_violation("evict", "data did not come back from the disk");
	if (in->nrpages != 3 || folio_flag(cached(env->f, 0), PG_dirty))
		pmm_violation("evict", "re-read pages: %lu", in->nrpages);
}

static void evict_setup(void *arg)
{
	(void)arg;
	if (fs_machine())
		task_new("evict", 0, evict_task, NULL);
}

static void test_evict_reread(void **state)
{
	const struct pmm_program p = PROGRAM("evict", evict_setup, fs_finish);

	(void)state;
	native_expect_clean(&p, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fsync),
		cmocka_unit_test(test_fsync_clean),
		cmocka_unit_test(test_fsync_mapped),
		cmocka_unit_test(test_fsync_eof_tail),
		cmocka_unit_test(test_evict_reread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
