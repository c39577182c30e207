// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * struct rw_semaphore (src/sched/rwsem.c) under both backends: readers
 * share, a writer excludes readers and writers, a queued writer holds new
 * readers back, downgrade_write() lets readers in, the trylocks, the
 * owner and state checks on release ("bug-on"), might_sleep() in
 * down_read/down_write, and the documented simplification that a read
 * recursion with a writer queued in between always deadlocks.
 *
 * Stepping: down_read is one step that waits until no writer holds or
 * waits. down_write is one step that takes a free lock, else queues (from
 * then on new readers wait) and waits for a later step that takes it.
 */
#include "sched/atomic.h"
#include "sched/completion.h"
#include "sched/rcu.h"
#include "sched/rwsem.h"
#include "sched/spinlock.h"
#include "rw_sections.h"
#include "sched_test.h"

#define CHECK(cond) do { if (!(cond)) return __LINE__; } while (0)

struct rw {
	struct rw_semaphore sem;
	atomic_t inside;
	int data;
	int flag;
	struct completion reader_in;
	spinlock_t spin;
	int ok, fail;
	int max_inside;
	int loops;
};

static struct rw *the_rw;

static struct rw *rw_alloc(void)
{
	struct rw *r = pmm_alloc(sizeof(*r));

	init_rwsem(&r->sem);
	init_completion(&r->reader_in);
	spin_lock_init(&r->spin);
	pmm_obj_name(&r->sem, "sem");
	pmm_obj_name(&r->inside, "inside");
	pmm_obj_name(&r->data, "data");
	the_rw = r;
	return r;
}

/* What one task may do with an rwsem by itself. */
static int rwsem_semantics(struct rw_semaphore *sem)
{
	CHECK(!rwsem_is_locked(sem));
	down_read(sem);
	CHECK(rwsem_is_locked(sem));
	/* No writer waits: a reader may recurse. */
	down_read(sem);
	CHECK(down_read_trylock(sem));
	CHECK(!down_write_trylock(sem));
	up_read(sem);
	up_read(sem);
	up_read(sem);
	CHECK(!rwsem_is_locked(sem));

	CHECK(down_write_trylock(sem));
	CHECK(rwsem_is_locked(sem));
	CHECK(!down_read_trylock(sem));
	CHECK(!down_write_trylock(sem));
	/* Downgraded, the task is a reader: others may read, none write. */
	downgrade_write(sem);
	CHECK(rwsem_is_locked(sem));
	CHECK(down_read_trylock(sem));
	CHECK(!down_write_trylock(sem));
	up_read(sem);
	up_read(sem);
	CHECK(!rwsem_is_locked(sem));

	down_write(sem);
	CHECK(!down_read_trylock(sem));
	up_write(sem);
	CHECK(!rwsem_is_locked(sem));
	return 0;
}

static void semantics_task(void *arg)
{
	struct rw *r = arg;
	int line = rwsem_semantics(&r->sem);

	if (line)
		pmm_violation("semantics", "check at line %d failed", line);
}

static void semantics_setup(void *arg)
{
	(void)arg;
	task_new("sem", 0, semantics_task, rw_alloc());
}

static const struct pmm_program semantics_prog =
	PROGRAM("rwsem-semantics", semantics_setup, NULL);

static void test_semantics(void **state)
{
	struct rw_semaphore sem;

	(void)state;
	init_rwsem(&sem);
	assert_int_equal(rwsem_semantics(&sem), 0);
	explore_expect(&semantics_prog, 1, 0, 0);
	native_expect_clean(&semantics_prog, 10);
}

DEFINE_RW_SECTIONS(struct rw)

static void reader_task(void *arg)
{
	struct rw *r = arg;

	down_read(&r->sem);
	read_section(r);
	up_read(&r->sem);
}

static void writer_task(void *arg)
{
	struct rw *r = arg;

	down_write(&r->sem);
	write_section(r);
	up_write(&r->sem);
}

static unsigned int shared_seen;

static void rw_finish(void *arg)
{
	struct rw *r = the_rw;

	(void)arg;
	if (r->sem.state || r->sem.writers_waiting ||
	    atomic_read(&r->inside))
		pmm_violation("final-state", "state %#x, %u writers waiting",
			      r->sem.state, r->sem.writers_waiting);
	if (r->max_inside == 2)
		shared_seen++;
}

/*
 * Two readers: 4 steps each (down_read, inc, dec, up_read), never
 * blocking: C(8,4) = 70 executions. Both are inside at once unless one's
 * dec comes before the other's inc. Executions with T0's dec before T1's
 * inc: T1 may have made 0 or 1 step (its down_read) before T0's dec:
 * C(2,0) x C(5,1) + C(3,1) x C(4,1) = 5 + 12 = 17; as many the other way
 * round; so 70 - 34 = 36 executions see both readers inside.
 */
static void two_readers_setup(void *arg)
{
	struct rw *r = rw_alloc();

	(void)arg;
	task_new("r0", 0, reader_task, r);
	task_new("r1", 1, reader_task, r);
}

static const struct pmm_program two_readers_prog =
	PROGRAM("rwsem-two-readers", two_readers_setup, rw_finish);

static void test_readers_share(void **state)
{
	(void)state;
	shared_seen = 0;
	explore_expect(&two_readers_prog, 70, 0, 0);
	assert_int_equal(shared_seen, 36);
}

/*
 * A reader and a writer, each: lock, 2 (reader) or 3 (writer) section
 * steps, unlock.
 *
 *   Writer's down_write first: it takes the lock; the reader cannot run
 *   until up_write: 1 execution.
 *   Reader's down_read first: the writer's down_write comes before one of
 *   the reader's 3 remaining steps (the writer queues, then waits) or
 *   after up_read (takes it at once): 4 executions.
 *
 * 5 executions, never reader and writer inside together.
 */
static void reader_writer_setup(void *arg)
{
	struct rw *r = rw_alloc();

	(void)arg;
	task_new("reader", 0, reader_task, r);
	task_new("writer", 1, writer_task, r);
}

static const struct pmm_program reader_writer_prog =
	PROGRAM("rwsem-reader-writer", reader_writer_setup, rw_finish);

static void test_writer_excludes_reader(void **state)
{
	(void)state;
	explore_expect(&reader_writer_prog, 5, 0, 0);
}

/*
 * Two writers, each: down_write, 4 section steps, up_write. The second
 * writer's down_write is a step even while the lock is held (it queues),
 * so it comes before one of the first writer's 5 remaining steps, or
 * after its up_write: 6 executions per first writer, 12 in all.
 */
static void data_finish(void *arg)
{
	rw_finish(arg);
	if (the_rw->data != 2)
		pmm_violation("final-state", "data %d after two writers",
			      the_rw->data);
}

static void two_writers_setup(void *arg)
{
	struct rw *r = rw_alloc();

	(void)arg;
	task_new("w0", 0, writer_task, r);
	task_new("w1", 1, writer_task, r);
}

static const struct pmm_program two_writers_prog =
	PROGRAM("rwsem-two-writers", two_writers_setup, data_finish);

static void test_writers_exclude(void **state)
{
	(void)state;
	explore_expect(&two_writers_prog, 12, 0, 0);
}

/*
 * Two readers and a writer: no interleaving lets the writer in with a
 * reader, and some let both readers in together.
 */
static void two_readers_writer_setup(void *arg)
{
	struct rw *r = rw_alloc();

	(void)arg;
	task_new("r0", 0, reader_task, r);
	task_new("r1", 1, reader_task, r);
	task_new("w", 2, writer_task, r);
}

static const struct pmm_program two_readers_writer_prog =
	PROGRAM("rwsem-2r1w", two_readers_writer_setup, rw_finish);

static void test_two_readers_writer(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	shared_seen = 0;
	explore_all(&two_readers_writer_prog, &r);
	if (r.violations)
		explore_report("rwsem-2r1w", &r);
	assert_int_equal(r.violations, 0);
	assert_true(shared_seen > 0);
	pmm_explore_result_release(&r);
}

/*
 * downgrade_write() lets readers in. The writer takes the lock, writes,
 * downgrades and then waits (as a reader) for the reader to signal that
 * it got in; only then does it release.
 *
 *   Writer first (its down_write, write, downgrade run alone, the reader
 *   blocked): the reader's down_read, then its complete(); then the
 *   reader's up_read and the writer's wait-then-up_read interleave: the
 *   reader's up_read before the wait, between wait and up_read, or after:
 *   3 executions.
 *   Reader first: the writer's down_write (queueing) before the reader's
 *   complete(), before its up_read, or after: 3 executions.
 *
 * 6 executions, no deadlock; and a reader that got in after a downgrade
 * sees the writer's data.
 *
 * Without the downgrade (the writer waits still holding it for writing),
 * "writer first" is a deadlock: 1 + 3 = 4 executions, 1 deadlock.
 */
static void downgrader_task(void *arg)
{
	struct rw *r = arg;

	down_write(&r->sem);
	WRITE_ONCE(r->data, 1);
	downgrade_write(&r->sem);
	wait_for_completion(&r->reader_in);
	up_read(&r->sem);
}

static void holder_task(void *arg)
{
	struct rw *r = arg;

	down_write(&r->sem);
	WRITE_ONCE(r->data, 1);
	wait_for_completion(&r->reader_in);
	up_write(&r->sem);
}

static void signalling_reader(void *arg)
{
	struct rw *r = arg;

	down_read(&r->sem);
	/* Readers inside when it got in (a peek, no step). */
	r->flag = (int)__atomic_load_n(&r->sem.state, __ATOMIC_RELAXED);
	complete(&r->reader_in);
	up_read(&r->sem);
}

static unsigned int joined_downgraded;

static void downgrade_finish(void *arg)
{
	rw_finish(arg);
	/* The reader got in while the downgraded writer still read. */
	if (the_rw->flag == 2)
		joined_downgraded++;
}

static void downgrade_setup(void *arg)
{
	struct rw *r = rw_alloc();

	(void)arg;
	task_new("writer", 0, downgrader_task, r);
	task_new("reader", 1, signalling_reader, r);
}

static void holder_setup(void *arg)
{
	struct rw *r = rw_alloc();

	(void)arg;
	task_new("writer", 0, holder_task, r);
	task_new("reader", 1, signalling_reader, r);
}

static const struct pmm_program downgrade_prog =
	PROGRAM("rwsem-downgrade", downgrade_setup, downgrade_finish);
static const struct pmm_program holder_prog =
	PROGRAM("rwsem-no-downgrade", holder_setup, NULL);

static void test_downgrade_lets_readers_in(void **state)
{
	(void)state;
	joined_downgraded = 0;
	explore_expect(&downgrade_prog, 6, 0, 0);
	/* The 3 "writer first" executions. */
	assert_int_equal(joined_downgraded, 3);
	explore_expect_oracle(&holder_prog, 4, 1, 1, "deadlock", NULL);
	native_expect_clean(&downgrade_prog, 300);
}

/*
 * down_read_trylock fails while a writer holds the lock. T0: down_write,
 * flag = 1, flag = 0, up_write. T1: trylock and, if it got in, checks
 * the flag and up_reads.
 *
 *   T1's trylock first: it succeeds; T0's down_write (queueing) before
 *   T1's check, before its up_read, or after: 3 executions.
 *   T0's down_write first: T1's trylock before one of T0's 3 remaining
 *   steps fails (3 executions), after up_write succeeds (1).
 *
 * 7 executions: 4 successes, 3 failures, the flag never seen set.
 */
static void flag_writer(void *arg)
{
	struct rw *r = arg;

	down_write(&r->sem);
	WRITE_ONCE(r->flag, 1);
	WRITE_ONCE(r->flag, 0);
	up_write(&r->sem);
}

static void try_reader(void *arg)
{
	struct rw *r = arg;

	if (!down_read_trylock(&r->sem)) {
		r->fail++;
		return;
	}
	r->ok++;
	if (READ_ONCE(r->flag))
		pmm_violation("exclusion", "trylock reader saw the writer");
	up_read(&r->sem);
}

static unsigned int try_ok, try_fail;

static void try_finish(void *arg)
{
	rw_finish(arg);
	try_ok += the_rw->ok;
	try_fail += the_rw->fail;
}

static void try_writer_setup(void *arg)
{
	struct rw *r = rw_alloc();

	(void)arg;
	task_new("writer", 0, flag_writer, r);
	task_new("reader", 1, try_reader, r);
}

static const struct pmm_program try_writer_prog =
	PROGRAM("rwsem-read-trylock-writer", try_writer_setup, try_finish);

static void test_read_trylock_with_writer(void **state)
{
	(void)state;
	try_ok = try_fail = 0;
	explore_expect(&try_writer_prog, 7, 0, 0);
	assert_int_equal(try_ok, 4);
	assert_int_equal(try_fail, 3);
}

/*
 * down_read_trylock also fails with a writer queued. T0: down_read,
 * down_read_trylock (+ up_read if it worked), up_read. T1: down_write,
 * up_write.
 *
 *   T1's down_write first: T1 runs whole, then T0: trylock succeeds: 1.
 *   T0's down_read first; T1's down_write then queues before T0's
 *   trylock (which fails: 1 execution), or comes after it (before either
 *   up_read or after both: 3 executions, trylock succeeded).
 *
 * 5 executions: 4 successes, 1 failure.
 */
static void recursive_try_reader(void *arg)
{
	struct rw *r = arg;

	down_read(&r->sem);
	if (down_read_trylock(&r->sem)) {
		r->ok++;
		up_read(&r->sem);
	} else {
		r->fail++;
	}
	up_read(&r->sem);
}

static void plain_writer(void *arg)
{
	struct rw *r = arg;

	down_write(&r->sem);
	up_write(&r->sem);
}

static void try_queued_setup(void *arg)
{
	struct rw *r = rw_alloc();

	(void)arg;
	task_new("reader", 0, recursive_try_reader, r);
	task_new("writer", 1, plain_writer, r);
}

static const struct pmm_program try_queued_prog =
	PROGRAM("rwsem-read-trylock-queued", try_queued_setup, try_finish);

static void test_read_trylock_with_queued_writer(void **state)
{
	(void)state;
	try_ok = try_fail = 0;
	explore_expect(&try_queued_prog, 5, 0, 0);
	assert_int_equal(try_ok, 4);
	assert_int_equal(try_fail, 1);
	/* Pinned: T0 down_read, T1 queues, T0's trylock fails. */
	try_ok = try_fail = 0;
	replay_expect(&try_queued_prog, "0.1.0", NULL, NULL);
	assert_int_equal(try_fail, 1);
}

/*
 * The documented simplification (rwsem.h): a reader queues behind a
 * waiting writer, so a read recursion with a writer queued in between
 * always deadlocks, as lockdep would report it.
 *
 * T0: down_read, down_read, up_read, up_read. T1: down_write, up_write.
 *
 *   T1 first: it takes the lock, T0 waits for up_write: 1 execution.
 *   T0's first down_read first; T1's down_write then comes
 *     before T0's second down_read: T1 queues, T0's second down_read
 *       waits behind it, T1 waits for T0: deadlock (1 execution);
 *     before the first up_read, the second, or after both: 3 executions.
 *
 * 5 executions, 1 deadlock, pinned by its schedule "0.1": T0 one step,
 * T1 one step.
 */
static void recursive_reader(void *arg)
{
	struct rw *r = arg;

	down_read(&r->sem);
	down_read(&r->sem);
	up_read(&r->sem);
	up_read(&r->sem);
}

static void recursion_setup(void *arg)
{
	struct rw *r = rw_alloc();

	(void)arg;
	task_new("reader", 0, recursive_reader, r);
	task_new("writer", 1, plain_writer, r);
}

static const struct pmm_program recursion_prog =
	PROGRAM("rwsem-read-recursion", recursion_setup, NULL);

static void test_read_recursion_deadlocks(void **state)
{
	(void)state;
	explore_expect_oracle(&recursion_prog, 5, 1, 1, "deadlock",
			      "every live task is blocked");
	replay_expect(&recursion_prog, "0.1", "deadlock", NULL);
	/* T0 recursing before T1 queues is fine. */
	replay_expect(&recursion_prog, "0x2.1", NULL, NULL);
}

/*
 * Releases that do not match the state are "bug-on" under both
 * backends: up_read of a free rwsem, up_write of a free one, up_read of
 * a write-held one, downgrade_write of a read-held one, up_write by a
 * task that is not the owner (setup took it).
 */
enum bad_op {
	BAD_UP_READ_FREE,
	BAD_UP_WRITE_FREE,
	BAD_UP_READ_WRITER,
	BAD_DOWNGRADE_READER,
	BAD_UP_WRITE_READER,
	BAD_UP_WRITE_NOT_OWNER,
};

static void bad_task(void *arg)
{
	struct rw *r = arg;

	switch ((enum bad_op)r->loops) {
	case BAD_UP_READ_FREE:
		up_read(&r->sem);
		break;
	case BAD_UP_WRITE_FREE:
		up_write(&r->sem);
		break;
	case BAD_UP_READ_WRITER:
		down_write(&r->sem);
		up_read(&r->sem);
		break;
	case BAD_DOWNGRADE_READER:
		down_read(&r->sem);
		downgrade_write(&r->sem);
		break;
	case BAD_UP_WRITE_READER:
		down_read(&r->sem);
		up_write(&r->sem);
		break;
	case BAD_UP_WRITE_NOT_OWNER:
		up_write(&r->sem);
		break;
	}
}

static const enum bad_op bad_ops[] = {
	BAD_UP_READ_FREE, BAD_UP_WRITE_FREE, BAD_UP_READ_WRITER,
	BAD_DOWNGRADE_READER, BAD_UP_WRITE_READER, BAD_UP_WRITE_NOT_OWNER,
};

static const char *const bad_msgs[] = {
	"up_read of an rwsem in state 0 ",
	"up_write of an rwsem in state 0 ",
	"up_read of an rwsem in state 0x80000000",
	"downgrade_write of an rwsem in state 0x1",
	"up_write of an rwsem in state 0x1",
	"up_write of an rwsem in state 0x80000000",
};

static void bad_setup(void *arg)
{
	struct rw *r = rw_alloc();

	r->loops = (int)*(const enum bad_op *)arg;
	if (r->loops == BAD_UP_WRITE_NOT_OWNER)
		down_write(&r->sem);
	task_new("bad", 0, bad_task, r);
}

static void test_bad_release(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad_ops) / sizeof(bad_ops[0]); i++) {
		const struct pmm_program p = PROGRAM_ARG("rwsem-bad-release",
			bad_setup, NULL, &bad_ops[i]);

		explore_expect_oracle(&p, 1, 1, 0, "bug-on", bad_msgs[i]);
		native_expect_oracle(&p, 3, "bug-on", bad_msgs[i]);
	}
}

/*
 * might_sleep(): down_read and down_write with a spinlock held or inside
 * an RCU reader are "bug-on" under the explore backend; the trylocks are
 * fine there.
 */
enum ctx_op { CTX_READ_SPIN, CTX_WRITE_SPIN, CTX_READ_RCU, CTX_WRITE_RCU,
	      CTX_TRY_SPIN, CTX_TRY_RCU };

static void ctx_task(void *arg)
{
	struct rw *r = arg;
	enum ctx_op op = (enum ctx_op)r->loops;
	bool spin = op == CTX_READ_SPIN || op == CTX_WRITE_SPIN ||
		    op == CTX_TRY_SPIN;

	if (spin)
		spin_lock(&r->spin);
	else
		rcu_read_lock();
	switch (op) {
	case CTX_READ_SPIN:
	case CTX_READ_RCU:
		down_read(&r->sem);
		up_read(&r->sem);
		break;
	case CTX_WRITE_SPIN:
	case CTX_WRITE_RCU:
		down_write(&r->sem);
		up_write(&r->sem);
		break;
	case CTX_TRY_SPIN:
	case CTX_TRY_RCU:
		if (!down_read_trylock(&r->sem) || down_write_trylock(&r->sem))
			pmm_violation("semantics", "trylock results");
		up_read(&r->sem);
		if (!down_write_trylock(&r->sem))
			pmm_violation("semantics", "write trylock failed");
		up_write(&r->sem);
		break;
	}
	if (spin)
		spin_unlock(&r->spin);
	else
		rcu_read_unlock();
}

static const enum ctx_op ctx_ops[] = {
	CTX_READ_SPIN, CTX_WRITE_SPIN, CTX_READ_RCU, CTX_WRITE_RCU,
	CTX_TRY_SPIN, CTX_TRY_RCU,
};

static void ctx_setup(void *arg)
{
	struct rw *r = rw_alloc();

	r->loops = (int)*(const enum ctx_op *)arg;
	task_new("ctx", 0, ctx_task, r);
}

static void test_might_sleep(void **state)
{
	static const char *const why[] = {
		"spinlock held", "spinlock held",
		"in RCU read-side critical section",
		"in RCU read-side critical section",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(ctx_ops) / sizeof(ctx_ops[0]); i++) {
		const struct pmm_program p = PROGRAM_ARG("rwsem-context",
			ctx_setup, NULL, &ctx_ops[i]);

		if (i < 4)
			explore_expect_oracle(&p, 1, 1, 0, "bug-on", why[i]);
		else
			explore_expect(&p, 1, 0, 0);
	}
}

/*
 * Natively: 2 writers and 3 readers, many rounds each. Writers
 * alternate a plain write section and a downgraded one (they turn their
 * count into a reader's before downgrading); readers alternate
 * down_read and down_read_trylock. Nobody is ever inside with a writer;
 * every write is counted.
 */
#define NATIVE_WRITERS 2
#define NATIVE_READERS 3
#define NATIVE_LOOPS 20000

static void native_writer(void *arg)
{
	struct rw *r = arg;
	int i, d;

	for (i = 0; i < r->loops; i++) {
		down_write(&r->sem);
		write_section(r);
		if (i & 1) {
			up_write(&r->sem);
			continue;
		}
		/* Count as a reader while still alone, then let readers in. */
		atomic_inc(&r->inside);
		d = READ_ONCE(r->data);
		downgrade_write(&r->sem);
		if (READ_ONCE(r->data) != d)
			pmm_violation("exclusion", "data changed after downgrade");
		atomic_dec(&r->inside);
		up_read(&r->sem);
	}
}

static void native_reader(void *arg)
{
	struct rw *r = arg;
	int i, d;

	for (i = 0; i < r->loops; i++) {
		if (i & 1) {
			if (!down_read_trylock(&r->sem))
				continue;
		} else {
			down_read(&r->sem);
		}
		d = READ_ONCE(r->data);
		read_section(r);
		if (READ_ONCE(r->data) != d)
			pmm_violation("exclusion", "data changed under a reader");
		up_read(&r->sem);
	}
}

struct mixed_cfg {
	int writers, readers, loops;
};

static void native_setup(void *arg)
{
	const struct mixed_cfg *cfg = arg;
	struct rw *r = rw_alloc();
	int i;

	r->loops = cfg->loops;
	for (i = 0; i < cfg->writers; i++)
		task_new("writer", i, native_writer, r);
	for (i = 0; i < cfg->readers; i++)
		task_new("reader", cfg->writers + i, native_reader, r);
}

static void native_finish(void *arg)
{
	const struct mixed_cfg *cfg = arg;
	struct rw *r = the_rw;

	rw_finish(arg);
	if (r->data != cfg->writers * cfg->loops)
		pmm_violation("final-state", "data %d, want %d", r->data,
			      cfg->writers * cfg->loops);
}

static const struct mixed_cfg native_loops = {
	NATIVE_WRITERS, NATIVE_READERS, NATIVE_LOOPS
};
static const struct mixed_cfg native_short_loops = {
	NATIVE_WRITERS, NATIVE_READERS, 20
};
/* Explored: two writers (one downgraded round each) and a reader. */
static const struct mixed_cfg explore_loops = { 2, 1, 1 };

static void test_native_mixed(void **state)
{
	const struct pmm_program p = PROGRAM_ARG("rwsem-native", native_setup,
						 native_finish, &native_loops);
	const struct pmm_program s = PROGRAM_ARG("rwsem-native-short",
		native_setup, native_finish, &native_short_loops);

	(void)state;
	native_expect_clean(&p, 2);
	native_expect_clean(&s, 300);
}

/* The same program explored, small enough to finish. */
static void test_mixed_explore(void **state)
{
	const struct pmm_program p = PROGRAM_ARG("rwsem-mixed", native_setup,
						 native_finish, &explore_loops);
	struct pmm_explore_result r;

	(void)state;
	explore_all(&p, &r);
	if (r.violations)
		explore_report(p.name, &r);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semantics),
		cmocka_unit_test(test_readers_share),
		cmocka_unit_test(test_writer_excludes_reader),
		cmocka_unit_test(test_writers_exclude),
		cmocka_unit_test(test_two_readers_writer),
		cmocka_unit_test(test_downgrade_lets_readers_in),
		cmocka_unit_test(test_read_trylock_with_writer),
		cmocka_unit_test(test_read_trylock_with_queued_writer),
		cmocka_unit_test(test_read_recursion_deadlocks),
		cmocka_unit_test(test_bad_release),
		cmocka_unit_test(test_might_sleep),
		cmocka_unit_test(test_native_mixed),
		cmocka_unit_test(test_mixed_explore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
