// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page cache's internals (src/fs/filemap.c), called directly:
 * filemap_add_folio() (the cache's reference, the folio locked, -EEXIST,
 * -EFBIG), filemap_get_entry() (a reference or NULL),
 * __filemap_get_folio() with FGP_LOCK and FGP_CREAT,
 * filemap_remove_folio() and its bug-ons, and ->read_folio.
 *
 * Each body runs once in a task on a fresh fs machine (fs_test.h); the
 * cache is emptied at teardown, and the leak oracle checks every
 * reference taken here was given back.
 */
#include "fs_test.h"

static struct address_space *mapping_of(struct pmm_file *f)
{
	return &ino(f)->i_mapping;
}

/*
 * Adding: the cache takes its own reference (2 with the caller's), the
 * folio is locked, knows its mapping and index, and sits in its slot. A
 * second folio at the same index is refused (-EEXIST) and given back as
 * it came (its one reference, unlocked, no mapping); an index past the
 * file's largest size is -EFBIG.
 */
static void add_body(void)
{
	struct address_space *m = mapping_of(env->f);
	struct folio *f = folio_alloc(0, 0), *g = folio_alloc(0, 0),
		     *h = folio_alloc(0, 0), *e;

	if (!f || !g || !h)
		return;
	CHECK(filemap_add_folio(m, f, 3) == 0);
	CHECK(folio_flag(f, PG_locked) && f->mapping == m && f->index == 3);
	CHECK(folio_ref_count(f) == 2);
	CHECK(ino(env->f)->nrpages == 1 && cached(env->f, 3) == f);
	CHECK(!folio_flag(f, PG_uptodate));
	folio_unlock(f);
	folio_put(f);
	CHECK(folio_ref_count(f) == 1);

	CHECK(filemap_add_folio(m, g, 3) == -EEXIST);
	CHECK(folio_ref_count(g) == 1 && !folio_flag(g, PG_locked) && !g->mapping);
	CHECK(cached(env->f, 3) == f && ino(env->f)->nrpages == 1);
	CHECK(filemap_add_folio(m, h, FILE_MAX / PAGE) == -EFBIG);
	CHECK(folio_ref_count(h) == 1 && !h->mapping);
	folio_put(g);
	folio_put(h);

	/* Lookups: a reference, or NULL for an empty or impossible index. */
	e = filemap_get_entry(m, 3);
	CHECK(e == f && folio_ref_count(f) == 2);
	folio_put(e);
	CHECK(filemap_get_entry(m, 4) == NULL);
	CHECK(filemap_get_entry(m, FILE_MAX / PAGE) == NULL);
	CHECK(filemap_get_entry(m, 1000000) == NULL);
	CHECK(folio_ref_count(f) == 1);
}

static void test_add_and_lookup(void **state)
{
	(void)state;
	fs_run(add_body);
}

/*
 * __filemap_get_folio(): FGP_LOCK returns the folio locked, still in the
 * mapping; FGP_CREAT makes and inserts a new one (not uptodate: nothing
 * read it yet), locked only if FGP_LOCK says so; without FGP_CREAT an
 * empty slot is NULL.
 */
static void get_folio_body(void)
{
	struct address_space *m = mapping_of(env->f);
	struct folio *a, *b, *c;

	CHECK(__filemap_get_folio(m, 5, 0) == NULL);
	CHECK(__filemap_get_folio(m, 5, FGP_LOCK) == NULL);
	CHECK(ino(env->f)->nrpages == 0);

	a = __filemap_get_folio(m, 5, FGP_CREAT);
	CHECK(a && !folio_flag(a, PG_locked) && !folio_flag(a, PG_uptodate));
	CHECK(folio_ref_count(a) == 2 && a->index == 5 && a->mapping == m);
	CHECK(ino(env->f)->nrpages == 1);
	b = __filemap_get_folio(m, 5, FGP_LOCK | FGP_CREAT);
	CHECK(b == a && folio_flag(a, PG_locked) && folio_ref_count(a) == 3);
	folio_unlock(b);
	folio_put(b);
	folio_put(a);
	CHECK(folio_ref_count(a) == 1);

	c = __filemap_get_folio(m, 6, FGP_LOCK | FGP_CREAT);
	CHECK(c && folio_flag(c, PG_locked) && folio_ref_count(c) == 2);
	CHECK(ino(env->f)->nrpages == 2);
	/* Removed under its lock: mapping gone, slot empty, cache ref dropped. */
	filemap_remove_folio(c);
	CHECK(!c->mapping && cached(env->f, 6) == NULL);
	CHECK(ino(env->f)->nrpages == 1 && folio_ref_count(c) == 1);
	CHECK(__filemap_get_folio(m, 6, 0) == NULL);
	folio_unlock(c);
	folio_put(c);
	CHECK(PageBuddy((struct page *)c));
}

static void test_get_folio(void **state)
{
	(void)state;
	fs_run(get_folio_body);
}

/*
 * ->read_folio: a locked folio that is not uptodate is filled from the
 * disk, marked uptodate and unlocked. Here page 0 is written and synced,
 * dropped from the cache (as reclaim drops a clean page), and a fresh
 * folio read back.
 */
static void read_folio_body(void)
{
	struct address_space *m = mapping_of(env->f);
	struct folio *c, *n;
	unsigned char b[16];

	CHECK(write_byte(env->f, 'r', 0, PAGE) == PAGE);
	CHECK(pmm_fsync(env->f) == 0);
	c = filemap_get_entry(m, 0);
	if (!c)
		return;
	folio_lock(c);
	filemap_remove_folio(c);
	folio_unlock(c);
	folio_put(c);
	CHECK(cached(env->f, 0) == NULL);

	n = __filemap_get_folio(m, 0, FGP_LOCK | FGP_CREAT);
	if (!n)
		return;
	CHECK(n != c || !folio_flag(n, PG_uptodate));
	CHECK(filemap_read_folio(ino(env->f), n) == 0);
	CHECK(folio_flag(n, PG_uptodate) && !folio_flag(n, PG_locked));
	frame_peek(folio_pfn(n), 0, b, sizeof(b));
	CHECK(all_is(b, 'r', sizeof(b)));
	folio_put(n);
	CHECK(read_file(env->f, 0, b, sizeof(b)) == sizeof(b) && all_is(b, 'r', sizeof(b)));
}

static void test_read_folio(void **state)
{
	(void)state;
	fs_run(read_folio_body);
}

/* Removing a folio not locked: the folio lock guards mapping and index. */
static void remove_unlocked_body(void)
{
	struct folio *c;

	write_byte(env->f, 'x', 0, 10);
	c = filemap_get_entry(mapping_of(env->f), 0);
	filemap_remove_folio(c);
}

/* Removing a folio still mapped: truncate must unmap first. */
static void remove_mapped_body(void)
{
	struct folio *c;
	char s[1];

	write_byte(env->f, 'x', 0, 10);
	pmm_mmap(env->p, MAPA, PAGE, PMM_PROT_READ, PMM_MAP_SHARED, env->f, 0);
	uload(MAPA, s, 1);
	c = filemap_get_entry(mapping_of(env->f), 0);
	folio_lock(c);
	filemap_remove_folio(c);
}

static void test_remove_bug_ons(void **state)
{
	(void)state;
	fs_run_expect(remove_unlocked_body, "bug-on", "removing unlocked frame");
	fs_run_expect(remove_mapped_body, "bug-on", "removing mapped frame");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_lookup),
		cmocka_unit_test(test_get_folio),
		cmocka_unit_test(test_read_folio),
		cmocka_unit_test(test_remove_bug_ons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
