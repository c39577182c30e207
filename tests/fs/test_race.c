// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * File races under the explorer: page-cache lookups, read(2) and page
 * faults against truncation; write(2) against a store through a shared
 * mapping of the same page; writeback (fsync) against such a store. In
 * every execution: no use-after-free, no data corruption (the data oracle
 * checks every byte read), no bug-on, no leak at teardown, and the final
 * state is one a serial order of the two operations could give. Each test
 * also counts which outcomes its executions reached and asserts the
 * interesting ones were reached at all, so a test that never races cannot
 * pass.
 *
 * The files are one or two pages, to keep the executions short. Where
 * every interleaving is few enough they are all run (DFS); elsewhere a
 * fixed number of random-walk and of PCT executions from a fixed seed.
 */
#include "fs_test.h"

enum { SAMPLE = 800 };

static const enum pmm_strategy samplers[] = { PMM_STRATEGY_RANDOM, PMM_STRATEGY_PCT };

/* Outcomes of one program, counted in finish(), by class. */
static unsigned int seen[8];

struct race {
	/* What the tasks saw, written without yield points. */
	ssize_t ret;
	int err;
	unsigned char got[8];
	struct folio *found;
};

static struct race *rc;

/*
 * The machine, with F replaced by a file of @pages pages all of 'a'; with
 * @map, P maps it shared at MAPA and read-faults every page in, so that
 * the races below are with pages already mapped (a fault that has to
 * create a page races truncation differently: see test_regressions.c).
 */
static bool race_machine(unsigned long pages, bool map)
{
	unsigned char c[1];
	unsigned long i;

	if (!fs_machine())
		return false;
	rc = pmm_alloc(sizeof(*rc));
	env->f = pmm_file_create(pages * PAGE);
	if (!env->f || write_byte(env->f, 'a', 0, pages * PAGE) != (ssize_t)(pages * PAGE)) {
		pmm_violation("setup", "no file");
		return false;
	}
	if (map && pmm_mmap(env->p, MAPA, pages * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
			    PMM_MAP_SHARED, env->f, 0)) {
		pmm_violation("setup", "no mapping");
		return false;
	}
	for (i = 0; map && i < pages; i++)
		if (uload(MAPA + i * PAGE, c, 1)) {
			pmm_violation("setup", "no fault");
			return false;
		}
	/* The buffers the tasks use, faulted in now. */
	if (ustore(UOUT, "", 1) || uload(UBUF, c, 1)) {
		pmm_violation("setup", "no buffers");
		return false;
	}
	return true;
}

static void race_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* Runs @prog with both samplers, expecting no violation at all. */
static void sample_clean(const struct pmm_program *prog)
{
	struct pmm_explore_result r;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		explore_sample(prog, samplers[i], SAMPLE, &r);
		if (r.violations)
			explore_report(prog->name, &r);
		assert_int_equal(r.violations, 0);
		pmm_explore_result_release(&r);
	}
}

/*
 * filemap_get_entry() against filemap_remove_folio(), every interleaving.
 * setup() caches page 0 and keeps a reference for T1, which locks the
 * folio, removes it, unlocks and puts. T0 looks page 0 up: it gets the
 * folio with a reference (which it must be able to hold across the
 * removal: the frame stays allocated until T0's put) or NULL, never a
 * freed or foreign folio; after its put the frame is free.
 */
static struct folio *victim;

static void lookup_task(void *arg)
{
	struct folio *c = filemap_get_entry(&ino(env->f)->i_mapping, 0);

	(void)arg;
	rc->found = c;
	if (!c)
		return;
	if (c != victim || PageBuddy((struct page *)c) ||
	    __atomic_load_n(&c->_refcount.counter, __ATOMIC_RELAXED) < 1)
		pmm_violation("lookup", "lookup returned a bad folio");
	folio_put(c);
}

static void remove_task(void *arg)
{
	(void)arg;
	folio_lock(victim);
	filemap_remove_folio(victim);
	folio_unlock(victim);
	folio_put(victim);
}

/* A bare machine (no processes): one file, its page 0 cached by hand. */
static void lookup_remove_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	if (pmm_machine_init(&o)) {
		pmm_violation("setup", "pmm_machine_init failed");
		return;
	}
	env = pmm_alloc(sizeof(*env));
	rc = pmm_alloc(sizeof(*rc));
	env->f = pmm_file_create(PAGE);
	victim = folio_alloc(__GFP_ZERO, 0);
	if (!env->f || !victim ||
	    filemap_add_folio(&ino(env->f)->i_mapping, victim, 0)) {
		pmm_violation("setup", "no page");
		return;
	}
	__folio_set_uptodate(victim);
	folio_unlock(victim);
	/* The allocation's reference stays, for T1 to put. */
	task_new("lookup", 0, lookup_task, NULL);
	task_new("remove", 1, remove_task, NULL);
}

static void lookup_remove_finish(void *arg)
{
	seen[rc->found != NULL]++;
	if (ino(env->f)->nrpages || !PageBuddy((struct page *)victim))
		pmm_violation("final-state", "folio not freed");
	race_finish(arg);
}

static void test_lookup_vs_remove(void **state)
{
	const struct pmm_program p = PROGRAM("lookup-vs-remove", lookup_remove_setup,
					     lookup_remove_finish);
	struct pmm_explore_result r;

	(void)state;
	memset(seen, 0, sizeof(seen));
	explore_all(&p, &r);
	if (r.violations)
		explore_report(p.name, &r);
	assert_int_equal(r.violations, 0);
	assert_int_equal(seen[0] + seen[1], r.executions);
	assert_true(seen[0] > 0 && seen[1] > 0);
	pmm_explore_result_release(&r);
}

/*
 * read(2) against truncate and hole punching, every interleaving: both
 * take i_rwsem (read, write), so the read sees the file wholly before or
 * wholly after. Reading 8 bytes at 96 against a truncate to 100: 8 bytes
 * of 'a' or 4; against a truncate to 0: 8 or none; against punching the
 * page: 8 bytes of 'a' or of zeros.
 */
enum { TR_TRUNC100, TR_TRUNC0, TR_PUNCH };

static void read_task(void *arg)
{
	(void)arg;
	rc->ret = pmm_file_read(env->p, env->f, 96, UOUT, 8);
	if (rc->ret > 0)
		uload(UOUT, rc->got, (size_t)rc->ret);
}

static void shrink_task(void *arg)
{
	switch ((uintptr_t)arg) {
	case TR_TRUNC100:
		pmm_truncate(env->f, 100);
		break;
	case TR_TRUNC0:
		pmm_truncate(env->f, 0);
		break;
	case TR_PUNCH:
		pmm_punch_hole(env->f, 0, PAGE);
		break;
	}
}

static void read_trunc_setup(void *arg)
{
	if (!race_machine(1, false))
		return;
	task_new("read", 0, read_task, NULL);
	task_new("shrink", 1, shrink_task, arg);
}

static void read_trunc_finish(void *arg)
{
	unsigned int k = (unsigned int)(uintptr_t)arg;
	bool before = rc->ret == 8 && all_is(rc->got, 'a', 8);
	bool after = (k == TR_TRUNC100 && rc->ret == 4 && all_is(rc->got, 'a', 4)) ||
		     (k == TR_TRUNC0 && rc->ret == 0) ||
		     (k == TR_PUNCH && rc->ret == 8 && all_is(rc->got, 0, 8));

	if (!before && !after)
		pmm_violation("final-state", "read returned %zd", rc->ret);
	seen[after]++;
	race_finish(arg);
}

static void test_read_vs_truncate(void **state)
{
	struct pmm_explore_result r;
	uintptr_t k;

	(void)state;
	for (k = TR_TRUNC100; k <= TR_PUNCH; k++) {
		const struct pmm_program p = PROGRAM_ARG("read-vs-truncate",
			read_trunc_setup, read_trunc_finish, k);

		memset(seen, 0, sizeof(seen));
		explore_all(&p, &r);
		if (r.violations)
			explore_report(p.name, &r);
		assert_int_equal(r.violations, 0);
		assert_true(seen[0] > 0 && seen[1] > 0);
		pmm_explore_result_release(&r);
	}
}

/*
 * A raw page-cache lookup (no i_rwsem) that reads the folio it found,
 * against a truncate to 0. The reference keeps the frame allocated while
 * it is read, even after the truncate has removed it from the cache: no
 * use-after-free. The data oracle checks the bytes while the folio still
 * belongs to the file (its mapping, read in the same step as the access,
 * as the kernel's read would see it).
 */
static void raw_read_task(void *arg)
{
	struct folio *c = filemap_get_entry(&ino(env->f)->i_mapping, 0);
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = 0, .len = 8,
				 .buf = rc->got };

	(void)arg;
	rc->found = c;
	if (!c)
		return;
	a.pfn = folio_pfn(c);
	sched_point(frame_obj(a.pfn), PMM_ACC_READ);
	a.check_obj = __atomic_load_n(&c->mapping, __ATOMIC_RELAXED);
	a.check_off = 0;
	__phys_access(&a, PMM_HERE);
	folio_put(c);
}

static void raw_read_setup(void *arg)
{
	(void)arg;
	if (!race_machine(1, false))
		return;
	task_new("lookup", 0, raw_read_task, NULL);
	task_new("truncate", 1, shrink_task, (void *)(uintptr_t)TR_TRUNC0);
}

static void raw_read_finish(void *arg)
{
	if (rc->found && !all_is(rc->got, 'a', 8))
		pmm_violation("final-state", "read %#x from a cached page", rc->got[0]);
	seen[rc->found != NULL]++;
	race_finish(arg);
}

static void test_lookup_vs_truncate(void **state)
{
	const struct pmm_program p = PROGRAM("lookup-vs-truncate", raw_read_setup,
					     raw_read_finish);

	(void)state;
	memset(seen, 0, sizeof(seen));
	sample_clean(&p);
	assert_true(seen[0] > 0 && seen[1] > 0);
}

/*
 * Mapped pages against truncate (which unmaps them; faults take no
 * i_rwsem). A shared mapping of a two-page file, read-faulted in:
 *
 *   a load of page 1 against a truncate to one page: the bytes of 'a', or
 *   SIGBUS (-EIO); never anything else
 *   a load of 8 bytes at 96 against a truncate to 100: the bytes past 100
 *   are 'a' or zero (the partial page's tail is zeroed in place, and the
 *   load is one access); never SIGBUS, the page stays within the file
 *   a store to page 1 against a truncate to one page: done or SIGBUS;
 *   afterwards page 1 is gone either way and page 0 is intact
 */
enum { FT_LOAD_GONE, FT_LOAD_TAIL, FT_STORE_GONE };

static void fault_task(void *arg)
{
	switch ((uintptr_t)arg) {
	case FT_LOAD_GONE:
		rc->err = uload(MAPA + PAGE + 8, rc->got, 8);
		break;
	case FT_LOAD_TAIL:
		rc->err = uload(MAPA + 96, rc->got, 8);
		break;
	case FT_STORE_GONE:
		rc->err = ustore(MAPA + PAGE + 8, "xyz", 3);
		break;
	}
}

static void fault_shrink_task(void *arg)
{
	pmm_truncate(env->f, (uintptr_t)arg == FT_LOAD_TAIL ? 100 : PAGE);
}

static void fault_setup(void *arg)
{
	if (!race_machine(2, true))
		return;
	task_new("fault", 0, fault_task, arg);
	task_new("truncate", 1, fault_shrink_task, arg);
}

static void fault_finish(void *arg)
{
	unsigned int k = (unsigned int)(uintptr_t)arg;
	unsigned char b[8];
	unsigned int cls = 7;

	switch (k) {
	case FT_LOAD_GONE:
		if (!rc->err && all_is(rc->got, 'a', 8))
			cls = 0;
		else if (rc->err == -EIO)
			cls = 1;
		break;
	case FT_LOAD_TAIL:
		if (!rc->err && all_is(rc->got, 'a', 8))
			cls = 0;
		else if (!rc->err && all_is(rc->got, 'a', 4) && all_is(rc->got + 4, 0, 4))
			cls = 1;
		break;
	case FT_STORE_GONE:
		if (!rc->err || rc->err == -EIO)
			cls = !rc->err ? 0 : 1;
		if (cached(env->f, 1) || ino(env->f)->nrpages != 1 ||
		    read_file(env->f, 0, b, 8) != 8 || !all_is(b, 'a', 8))
			cls = 7;
		break;
	}
	if (cls == 7)
		pmm_violation("final-state", "fault returned %d, %#x", rc->err,
			      rc->got[0]);
	seen[cls]++;
	race_finish(arg);
}

static void test_fault_vs_truncate(void **state)
{
	uintptr_t k;

	(void)state;
	for (k = FT_LOAD_GONE; k <= FT_STORE_GONE; k++) {
		const struct pmm_program p = PROGRAM_ARG("fault-vs-truncate",
			fault_setup, fault_finish, k);

		memset(seen, 0, sizeof(seen));
		sample_clean(&p);
		assert_true(seen[0] > 0 && seen[1] > 0);
	}
}

/*
 * write(2) of "WWWWWWWW" at 0 against a store of "xyz" at 0 through a
 * shared mapping (read-faulted in setup, so the store write-faults). Each
 * moves its bytes in one access under the folio (write_begin locks it,
 * the fault's page_mkwrite takes the lock too, the store itself is one
 * instruction), so the page ends as one order or the other: "xyzWWWWW"
 * (store last) or "WWWWWWWW" (write last), followed by the rest of the
 * 'a's, dirty either way.
 */
static void write_task(void *arg)
{
	(void)arg;
	rc->ret = pmm_file_write(env->p, env->f, 0, UBUF, 8);
}

static void store_task(void *arg)
{
	(void)arg;
	rc->err = ustore(MAPA, "xyz", 3);
}

static void write_store_setup(void *arg)
{
	(void)arg;
	if (!race_machine(1, true) || ustore(UBUF, "WWWWWWWW", 8)) {
		pmm_violation("setup", "setup failed");
		return;
	}
	task_new("write", 0, write_task, NULL);
	task_new("store", 1, store_task, NULL);
}

static void write_store_finish(void *arg)
{
	struct folio *c = cached(env->f, 0);
	unsigned char b[16];

	frame_peek(folio_pfn(c), 0, b, sizeof(b));
	if (rc->ret != 8 || rc->err || !folio_flag(c, PG_dirty) ||
	    !all_is(b + 8, 'a', 8))
		pmm_violation("final-state", "write %zd, store %d", rc->ret, rc->err);
	else if (!memcmp(b, "xyzWWWWW", 8))
		seen[0]++;
	else if (!memcmp(b, "WWWWWWWW", 8))
		seen[1]++;
	else
		pmm_violation("final-state", "page holds %.8s", b);
	race_finish(arg);
}

static void test_write_vs_store(void **state)
{
	const struct pmm_program p = PROGRAM("write-vs-store", write_store_setup,
					     write_store_finish);

	(void)state;
	memset(seen, 0, sizeof(seen));
	sample_clean(&p);
	assert_true(seen[0] > 0 && seen[1] > 0);
	native_expect_clean(&p, 300);
}

/*
 * fsync against a store through a shared mapping. setup() writes the page
 * (dirty) and read-faults the mapping. Writeback write-protects and
 * cleans the PTE (folio_mkclean()) before it clears PG_dirty, under the
 * folio lock, and the store's write fault dirties the folio under the
 * same lock and waits out the writeback (stable pages), so either the
 * store made it into what was written, or the folio is dirty again
 * afterwards; never clean with the store missing from the disk. Another
 * fsync after both then always puts the store on the disk.
 *
 * Classes: 0, clean with the store on the disk (the store came before
 * folio_mkclean()); 1, dirty with the old bytes on the disk (the store
 * faulted after it, and waited for the write to finish). Dirty with the
 * store already on the disk would be a spurious redirty: nothing can
 * dirty the folio after a write that included the store, so it is
 * counted (2) to show it never happens.
 */
static void fsync_task(void *arg)
{
	(void)arg;
	rc->ret = pmm_fsync(env->f);
}

static void fsync_store_setup(void *arg)
{
	(void)arg;
	if (!race_machine(1, true)) {
		pmm_violation("setup", "setup failed");
		return;
	}
	task_new("fsync", 0, fsync_task, NULL);
	task_new("store", 1, store_task, NULL);
}

static void fsync_store_finish(void *arg)
{
	struct folio *c = cached(env->f, 0);
	const unsigned char *d = disk_page(env->f, 0);
	bool dirty = folio_flag(c, PG_dirty);
	bool has = d && !memcmp(d, "xyz", 3);

	if (rc->ret || rc->err || folio_flag(c, PG_writeback) ||
	    folio_flag(c, PG_locked) || (!dirty && !has)) {
		pmm_violation("final-state", "dirty %d, disk %.3s", dirty,
			      d ? (const char *)d : "(none)");
		return;
	}
	seen[!dirty ? 0 : has ? 2 : 1]++;
	if (pmm_fsync(env->f) || !(d = disk_page(env->f, 0)) ||
	    memcmp(d, "xyzaaaaa", 8) || folio_flag(c, PG_dirty)) {
		pmm_violation("final-state", "the store never reached the disk");
		return;
	}
	race_finish(arg);
}

static void test_fsync_vs_store(void **state)
{
	const struct pmm_program p = PROGRAM("fsync-vs-store", fsync_store_setup,
					     fsync_store_finish);

	(void)state;
	memset(seen, 0, sizeof(seen));
	sample_clean(&p);
	assert_true(seen[0] > 0 && seen[1] > 0);
	assert_int_equal(seen[2], 0);
	native_expect_clean(&p, 300);
}

/*
 * Two fsyncs of one dirty page. The first to lock the folio clears
 * PG_dirty and starts the write; the other may find the folio clean but
 * still under writeback. fsync returns only once the bytes are on the
 * disk, whoever wrote them, so it must wait for that write too
 * (__filemap_fdatawait_range() waits on every folio under writeback in
 * the range): each fsync, when it returns, finds the page on the disk.
 *
 * Classes: 0, the other fsync had not started or had returned; 1, it was
 * still running: the race where one may have found the other's write in
 * flight.
 */
static bool in_fsync[2];

static void fsync_wait_task(void *arg)
{
	int i = (int)(intptr_t)arg;

	in_fsync[i] = true;
	if (pmm_fsync(env->f) || !disk_is(env->f, 0, 'a', PAGE))
		rc->err = 1;
	in_fsync[i] = false;
	seen[in_fsync[!i]]++;
}

static void fsync_fsync_setup(void *arg)
{
	(void)arg;
	in_fsync[0] = in_fsync[1] = false;
	if (!race_machine(1, false)) {
		pmm_violation("setup", "setup failed");
		return;
	}
	task_new("fsync0", 0, fsync_wait_task, (void *)(intptr_t)0);
	task_new("fsync1", 1, fsync_wait_task, (void *)(intptr_t)1);
}

static void fsync_fsync_finish(void *arg)
{
	if (rc->err) {
		pmm_violation("final-state", "fsync returned before the page was "
			      "on the disk");
		return;
	}
	race_finish(arg);
}

static void test_fsync_waits_for_writeback(void **state)
{
	const struct pmm_program p = PROGRAM("fsync-vs-fsync", fsync_fsync_setup,
					     fsync_fsync_finish);

	(void)state;
	memset(seen, 0, sizeof(seen));
	sample_clean(&p);
	assert_true(seen[0] > 0 && seen[1] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_vs_remove),
		cmocka_unit_test(test_read_vs_truncate),
		cmocka_unit_test(test_lookup_vs_truncate),
		cmocka_unit_test(test_fault_vs_truncate),
		cmocka_unit_test(test_write_vs_store),
		cmocka_unit_test(test_fsync_vs_store),
		cmocka_unit_test(test_fsync_waits_for_writeback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
