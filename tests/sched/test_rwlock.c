// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rwlock_t (src/sched/rwlock.c) under both backends: readers share, a
 * writer excludes readers and writers, the trylocks, the checks on
 * release and the "held" assertions ("bug-on"), no sleeping while held,
 * and what DPOR relies on: a read acquisition is an RMW on the lock, and
 * a reader that meets no writer does not wait, so DPOR explores every
 * order of two readers' critical sections.
 *
 * Stepping: read_lock is one step (the fast path) when no writer holds
 * the lock, else that step and a later one that takes it once the
 * writer is gone; write_lock is one step, waiting until the lock is
 * free; unlocks are one step.
 */
#include "sched/atomic.h"
#include "sched/mutex.h"
#include "sched/rwlock.h"
#include "sched_test.h"

#define CHECK(cond) do { if (!(cond)) return __LINE__; } while (0)

#define WRITER_BIAS 1000

struct rwl {
	rwlock_t lock;
	atomic_t inside;
	int data;
	int max_inside;
	/* The reader count each reader saw right after its read_lock. */
	uint32_t seen[2];
	struct mutex m;
};

static struct rwl *the_rwl;

static struct rwl *rwl_alloc(void)
{
	struct rwl *r = pmm_alloc(sizeof(*r));

	rwlock_init(&r->lock);
	mutex_init(&r->m);
	pmm_obj_name(&r->lock, "lock");
	pmm_obj_name(&r->inside, "inside");
	pmm_obj_name(&r->data, "data");
	the_rwl = r;
	return r;
}

static int rwlock_semantics(rwlock_t *l)
{
	CHECK(!rwlock_is_locked(l));
	read_lock(l);
	CHECK(rwlock_is_locked(l) && !rwlock_is_write_locked(l));
	/* No queue: a reader may always recurse. */
	read_lock(l);
	CHECK(read_trylock(l));
	CHECK(!write_trylock(l));
	CHECK(rwlock_assert_held(l, PMM_HERE));
	read_unlock(l);
	read_unlock(l);
	read_unlock(l);
	CHECK(!rwlock_is_locked(l));

	CHECK(write_trylock(l));
	CHECK(rwlock_is_write_locked(l));
	CHECK(rwlock_assert_held_write(l, PMM_HERE));
	CHECK(!read_trylock(l));
	CHECK(!write_trylock(l));
	write_unlock(l);
	CHECK(!rwlock_is_locked(l));

	write_lock(l);
	CHECK(!read_trylock(l));
	write_unlock(l);
	CHECK(!rwlock_is_locked(l));
	return 0;
}

static void semantics_task(void *arg)
{
	struct rwl *r = arg;
	int line = rwlock_semantics(&r->lock);

	if (line)
		pmm_violation("semantics", "check at line %d failed", line);
}

static void semantics_setup(void *arg)
{
	(void)arg;
	task_new("t", 0, semantics_task, rwl_alloc());
}

static const struct pmm_program semantics_prog =
	PROGRAM("rwlock-semantics", semantics_setup, NULL);

static void test_semantics(void **state)
{
	rwlock_t l;

	(void)state;
	rwlock_init(&l);
	assert_int_equal(rwlock_semantics(&l), 0);
	explore_expect(&semantics_prog, 1, 0, 0);
	native_expect_clean(&semantics_prog, 10);
}

static void read_section(struct rwl *r)
{
	int n = atomic_inc_return(&r->inside);
	int m = __atomic_load_n(&r->max_inside, __ATOMIC_RELAXED);

	if (n >= WRITER_BIAS)
		pmm_violation("exclusion", "reader inside with a writer");
	while (n > m && !__atomic_compare_exchange_n(&r->max_inside, &m, n, false,
						     __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	atomic_dec(&r->inside);
}

static void write_section(struct rwl *r)
{
	int n = atomic_add_return(WRITER_BIAS, &r->inside);

	if (n != WRITER_BIAS)
		pmm_violation("exclusion", "writer inside with %d others",
			      n - WRITER_BIAS);
	WRITE_ONCE(r->data, READ_ONCE(r->data) + 1);
	atomic_sub(WRITER_BIAS, &r->inside);
}

static void reader_task(void *arg)
{
	struct rwl *r = arg;

	read_lock(&r->lock);
	read_section(r);
	read_unlock(&r->lock);
}

static void writer_task(void *arg)
{
	struct rwl *r = arg;

	write_lock(&r->lock);
	write_section(r);
	write_unlock(&r->lock);
}

static unsigned int shared_seen;

static void rwl_finish(void *arg)
{
	struct rwl *r = the_rwl;

	(void)arg;
	if (r->lock.cnts || r->lock.owner != -1 || atomic_read(&r->inside))
		pmm_violation("final-state", "lock word %#x, owner %d",
			      r->lock.cnts, r->lock.owner);
	if (r->max_inside == 2)
		shared_seen++;
}

/*
 * Two readers, 4 steps each (read_lock, inc, dec, read_unlock), never
 * blocking: C(8,4) = 70 executions, 36 with both inside at once (the
 * count of test_rwsem.c: the same steps).
 */
static void two_readers_setup(void *arg)
{
	struct rwl *r = rwl_alloc();

	(void)arg;
	task_new("r0", 0, reader_task, r);
	task_new("r1", 1, reader_task, r);
}

static const struct pmm_program two_readers_prog =
	PROGRAM("rwlock-two-readers", two_readers_setup, rwl_finish);

static void test_readers_share(void **state)
{
	(void)state;
	shared_seen = 0;
	explore_expect(&two_readers_prog, 70, 0, 0);
	assert_int_equal(shared_seen, 36);
	native_expect_clean(&two_readers_prog, 300);
}

/*
 * A reader (read_lock, 2 section steps, read_unlock) and a writer
 * (write_lock, 4 section steps, write_unlock). Reader first: the writer's
 * write_lock waits until read_unlock: 1 execution. Writer first: the
 * reader's fast path comes before one of the writer's 5 remaining steps
 * (it fails, and the reader waits until write_unlock) or after them all:
 * 6 executions. 7, never both inside.
 */
static void reader_writer_setup(void *arg)
{
	struct rwl *r = rwl_alloc();

	(void)arg;
	task_new("reader", 0, reader_task, r);
	task_new("writer", 1, writer_task, r);
}

static const struct pmm_program reader_writer_prog =
	PROGRAM("rwlock-reader-writer", reader_writer_setup, rwl_finish);

static void test_writer_excludes_reader(void **state)
{
	(void)state;
	explore_expect(&reader_writer_prog, 7, 0, 0);
	native_expect_clean(&reader_writer_prog, 300);
}

static void data_finish(void *arg)
{
	rwl_finish(arg);
	if (the_rwl->data != 2)
		pmm_violation("final-state", "data %d after two writers",
			      the_rwl->data);
}

static void two_writers_setup(void *arg)
{
	struct rwl *r = rwl_alloc();

	(void)arg;
	task_new("w0", 0, writer_task, r);
	task_new("w1", 1, writer_task, r);
}

static const struct pmm_program two_writers_prog =
	PROGRAM("rwlock-two-writers", two_writers_setup, data_finish);

static void test_writers_exclude(void **state)
{
	(void)state;
	explore_expect(&two_writers_prog, 2, 0, 0);
	native_expect_clean(&two_writers_prog, 300);
}

/* Two readers and a writer: never a reader with the writer. */
static void two_readers_writer_setup(void *arg)
{
	struct rwl *r = rwl_alloc();

	(void)arg;
	task_new("r0", 0, reader_task, r);
	task_new("r1", 1, reader_task, r);
	task_new("w", 2, writer_task, r);
}

static const struct pmm_program two_readers_writer_prog =
	PROGRAM("rwlock-2r1w", two_readers_writer_setup, rwl_finish);

static void test_two_readers_writer(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	shared_seen = 0;
	explore_all(&two_readers_writer_prog, &r);
	if (r.violations)
		explore_report("rwlock-2r1w", &r);
	assert_int_equal(r.violations, 0);
	assert_true(shared_seen > 0);
	pmm_explore_result_release(&r);
	native_expect_clean(&two_readers_writer_prog, 300);
}

/*
 * Reader order under DPOR: each reader notes the reader count right after
 * its read_lock (in the same step). The outcomes are {1,2}, {2,1} and
 * {1,1}, and DPOR must find them all, as DFS does. It finds {1,2} (r1
 * in while r0 still reads) only because a reader that met no writer took
 * the lock in an unguarded step: as one guarded step, DPOR took r1's
 * acquisition to have waited for r0's read_unlock and never put it
 * before (0x90 found, not 0xb0).
 */
static void counting_reader(struct rwl *r, int i)
{
	read_lock(&r->lock);
	r->seen[i] = __atomic_load_n(&r->lock.cnts, __ATOMIC_RELAXED);
	read_unlock(&r->lock);
}

static void counting_reader0(void *arg)
{
	counting_reader(arg, 0);
}

static void counting_reader1(void *arg)
{
	counting_reader(arg, 1);
}

static unsigned int outcomes;

static void counting_finish(void *arg)
{
	(void)arg;
	outcomes |= 1u << (the_rwl->seen[0] * 3 + the_rwl->seen[1]);
}

static void counting_setup(void *arg)
{
	struct rwl *r = rwl_alloc();

	(void)arg;
	task_new("r0", 0, counting_reader0, r);
	task_new("r1", 1, counting_reader1, r);
}

static const struct pmm_program counting_prog =
	PROGRAM("rwlock-reader-order", counting_setup, counting_finish);

static void outcomes_under(enum pmm_strategy s)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	outcomes = 0;
	o.strategy = s;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&counting_prog, &o, &r), 0);
	assert_true(r.complete);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

static void test_dpor_orders_readers(void **state)
{
	const unsigned int all = 1u << (1 * 3 + 2) | 1u << (2 * 3 + 1) |
				 1u << (1 * 3 + 1);

	(void)state;
	outcomes_under(PMM_STRATEGY_DFS);
	assert_int_equal(outcomes, all);
	outcomes_under(PMM_STRATEGY_DPOR);
	assert_int_equal(outcomes, all);
}

/* Bad releases and assertions are bug-ons; a holder may not sleep. */
static void unlock_unheld_task(void *arg)
{
	struct rwl *r = arg;

	read_unlock(&r->lock);
}

static void unlock_unheld_setup(void *arg)
{
	(void)arg;
	task_new("t", 0, unlock_unheld_task, rwl_alloc());
}

static const struct pmm_program unlock_unheld_prog =
	PROGRAM("rwlock-read-unlock-unheld", unlock_unheld_setup, NULL);

static void write_unlock_by_reader_task(void *arg)
{
	struct rwl *r = arg;

	read_lock(&r->lock);
	write_unlock(&r->lock);
}

static void write_unlock_by_reader_setup(void *arg)
{
	(void)arg;
	task_new("t", 0, write_unlock_by_reader_task, rwl_alloc());
}

static const struct pmm_program write_unlock_by_reader_prog =
	PROGRAM("rwlock-write-unlock-by-reader", write_unlock_by_reader_setup,
		NULL);

static void assert_write_task(void *arg)
{
	struct rwl *r = arg;

	read_lock(&r->lock);
	rwlock_assert_held_write(&r->lock, PMM_HERE);
	read_unlock(&r->lock);
}

static void assert_write_setup(void *arg)
{
	(void)arg;
	task_new("t", 0, assert_write_task, rwl_alloc());
}

static const struct pmm_program assert_write_prog =
	PROGRAM("rwlock-assert-write", assert_write_setup, NULL);

static void sleep_task(void *arg)
{
	struct rwl *r = arg;

	read_lock(&r->lock);
	mutex_lock(&r->m);
	mutex_unlock(&r->m);
	read_unlock(&r->lock);
}

static void sleep_setup(void *arg)
{
	(void)arg;
	task_new("t", 0, sleep_task, rwl_alloc());
}

static const struct pmm_program sleep_prog =
	PROGRAM("rwlock-sleep-in-reader", sleep_setup, NULL);

static void test_misuse(void **state)
{
	(void)state;
	explore_expect_oracle(&unlock_unheld_prog, 1, 1, 0, "bug-on",
			      "read_unlock");
	explore_expect_oracle(&write_unlock_by_reader_prog, 1, 1, 0, "bug-on",
			      "write_unlock");
	explore_expect_oracle(&assert_write_prog, 1, 1, 0, "bug-on",
			      "not held for write");
	explore_expect_oracle(&sleep_prog, 1, 1, 0, "bug-on", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semantics),
		cmocka_unit_test(test_readers_share),
		cmocka_unit_test(test_writer_excludes_reader),
		cmocka_unit_test(test_writers_exclude),
		cmocka_unit_test(test_two_readers_writer),
		cmocka_unit_test(test_dpor_orders_readers),
		cmocka_unit_test(test_misuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
