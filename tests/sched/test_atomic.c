// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * atomic_t and atomic_long_t (src/sched/atomic.h) under both backends:
 * the value each operation returns and stores, from one task and outside
 * any run; that racing read-modify-writes never lose an update in any
 * interleaving and on real threads; that exactly one of two racing
 * cmpxchg/add_unless/xchg/inc_not_zero callers wins as the kernel's
 * semantics say; and, as a control, that a read followed by a set does
 * lose updates, so the counting programs can fail.
 *
 * Every atomic operation is one yield point, so a task making k of them
 * has k steps, and two tasks of a and b steps that never block have
 * C(a + b, a) interleavings.
 */
#include <limits.h>

#include "sched/atomic.h"
#include "sched_test.h"

/* Returns 0, or the line of the first check that failed. */
#define CHECK(cond) do { if (!(cond)) return __LINE__; } while (0)

struct sem_state {
	atomic_t a;
	atomic_long_t l;
	int x;
	long y;
};

static int atomic_int_semantics(atomic_t *a)
{
	atomic_set(a, 5);
	CHECK(atomic_read(a) == 5);
	atomic_add(3, a);
	CHECK(atomic_read(a) == 8);
	atomic_sub(2, a);
	CHECK(atomic_read(a) == 6);
	atomic_inc(a);
	atomic_dec(a);
	atomic_dec(a);
	CHECK(atomic_read(a) == 5);
	CHECK(atomic_add_return(10, a) == 15);
	CHECK(atomic_sub_return(5, a) == 10);
	CHECK(atomic_inc_return(a) == 11);
	CHECK(atomic_dec_return(a) == 10);
	CHECK(atomic_fetch_add(4, a) == 10);
	CHECK(atomic_read(a) == 14);
	CHECK(!atomic_sub_and_test(13, a));
	CHECK(atomic_dec_and_test(a));
	CHECK(atomic_read(a) == 0);
	CHECK(!atomic_dec_and_test(a));
	CHECK(atomic_read(a) == -1);
	CHECK(atomic_sub_and_test(-1, a));

	/* cmpxchg: returns the old value, stores only on a match. */
	CHECK(atomic_cmpxchg(a, 0, 7) == 0);
	CHECK(atomic_read(a) == 7);
	CHECK(atomic_cmpxchg(a, 0, 9) == 7);
	CHECK(atomic_read(a) == 7);
	CHECK(atomic_xchg(a, -3) == 7);
	CHECK(atomic_read(a) == -3);

	/* add_unless: adds unless the value is u; says whether it did. */
	CHECK(atomic_add_unless(a, 2, -3) == false);
	CHECK(atomic_read(a) == -3);
	CHECK(atomic_add_unless(a, 2, 0) == true);
	CHECK(atomic_read(a) == -1);
	CHECK(atomic_inc_not_zero(a));
	CHECK(atomic_read(a) == 0);
	CHECK(!atomic_inc_not_zero(a));
	CHECK(atomic_read(a) == 0);

	/* Wrapping at INT_MAX is the kernel's two's complement. */
	atomic_set(a, INT_MAX);
	CHECK(atomic_inc_return(a) == INT_MIN);
	return 0;
}

static int atomic_long_semantics(atomic_long_t *l)
{
	const long big = 1L << 40;

	atomic_long_set(l, big);
	CHECK(atomic_long_read(l) == big);
	atomic_long_add(big, l);
	CHECK(atomic_long_read(l) == 2 * big);
	atomic_long_sub(big, l);
	atomic_long_inc(l);
	atomic_long_dec(l);
	atomic_long_dec(l);
	CHECK(atomic_long_read(l) == big - 1);
	CHECK(atomic_long_add_return(1, l) == big);
	CHECK(atomic_long_sub_return(big, l) == 0);
	CHECK(atomic_long_fetch_add(big + 1, l) == 0);
	CHECK(!atomic_long_dec_and_test(l));
	CHECK(atomic_long_read(l) == big);
	CHECK(atomic_long_cmpxchg(l, 0, 1) == big);
	CHECK(atomic_long_read(l) == big);
	CHECK(atomic_long_cmpxchg(l, big, 1) == big);
	CHECK(atomic_long_dec_and_test(l));
	CHECK(atomic_long_xchg(l, -big) == 0);
	CHECK(atomic_long_read(l) == -big);
	CHECK(!atomic_long_add_unless(l, 1, -big));
	CHECK(atomic_long_read(l) == -big);
	CHECK(atomic_long_add_unless(l, big, 0));
	CHECK(atomic_long_read(l) == 0);
	CHECK(!atomic_long_inc_not_zero(l));
	atomic_long_set(l, big);
	CHECK(atomic_long_inc_not_zero(l));
	CHECK(atomic_long_read(l) == big + 1);
	return 0;
}

static int once_semantics(struct sem_state *s)
{
	WRITE_ONCE(s->x, 42);
	CHECK(READ_ONCE(s->x) == 42);
	smp_store_release(&s->y, -7L);
	CHECK(smp_load_acquire(&s->y) == -7L);
	smp_mb();
	smp_rmb();
	smp_wmb();
	return 0;
}

static int all_semantics(struct sem_state *s)
{
	int line;

	line = atomic_int_semantics(&s->a);
	if (!line)
		line = atomic_long_semantics(&s->l);
	if (!line)
		line = once_semantics(s);
	return line;
}

static void semantics_task(void *arg)
{
	int line = all_semantics(arg);

	if (line)
		pmm_violation("semantics", "check at line %d failed", line);
}

static void semantics_setup(void *arg)
{
	(void)arg;
	task_new("sem", 0, semantics_task, pmm_alloc(sizeof(struct sem_state)));
}

static const struct pmm_program semantics_prog =
	PROGRAM("atomic-semantics", semantics_setup, NULL);

/* Outside any run, a yield point is nothing: plain atomics. */
static void test_semantics_outside_run(void **state)
{
	struct sem_state s = { 0 };

	(void)state;
	assert_int_equal(all_semantics(&s), 0);
}

/* One task never interleaves with anything: exactly 1 execution. */
static void test_semantics_explore(void **state)
{
	(void)state;
	explore_expect(&semantics_prog, 1, 0, 0);
}

static void test_semantics_native(void **state)
{
	(void)state;
	native_expect_clean(&semantics_prog, 10);
}

/*
 * Counting: two tasks, each two increments. Every increment is one step,
 * so the executions are the C(4,2) = 6 orders of 2 + 2 steps, and the
 * final value is 4 in all of them.
 */
struct counter {
	atomic_t v;
	atomic_long_t l;
	int nr, loops;
};

static struct counter *the_counter;

static void inc2_task(void *arg)
{
	struct counter *c = arg;

	atomic_inc(&c->v);
	atomic_inc(&c->v);
}

static void long_inc2_task(void *arg)
{
	struct counter *c = arg;

	/* Past 32 bits, to catch a truncating atomic_long. */
	atomic_long_add(1L << 33, &c->l);
	atomic_long_add(1L << 33, &c->l);
}

/* Control: read then set is two steps, and not atomic together. */
static void read_set2_task(void *arg)
{
	struct counter *c = arg;

	atomic_set(&c->v, atomic_read(&c->v) + 1);
	atomic_set(&c->v, atomic_read(&c->v) + 1);
}

static void counter2_setup(pmm_task_fn fn)
{
	struct counter *c = pmm_alloc(sizeof(*c));

	pmm_obj_name(&c->v, "v");
	c->nr = 2;
	c->loops = 2;
	task_new("t0", 0, fn, c);
	task_new("t1", 1, fn, c);
	the_counter = c;
}

static void inc2_setup(void *arg)
{
	(void)arg;
	counter2_setup(inc2_task);
}

static void long_inc2_setup(void *arg)
{
	(void)arg;
	counter2_setup(long_inc2_task);
}

static void read_set2_setup(void *arg)
{
	(void)arg;
	counter2_setup(read_set2_task);
}

static void counter_finish(void *arg)
{
	int want = the_counter->nr * the_counter->loops;

	(void)arg;
	if (atomic_read(&the_counter->v) != want)
		pmm_violation("final-state", "counter %d, want %d",
			      atomic_read(&the_counter->v), want);
}

static void long_counter_finish(void *arg)
{
	long want = (long)the_counter->nr * the_counter->loops << 33;

	(void)arg;
	if (atomic_long_read(&the_counter->l) != want)
		pmm_violation("final-state", "counter %#lx, want %#lx",
			      atomic_long_read(&the_counter->l), want);
}

static const struct pmm_program inc2_prog =
	PROGRAM("atomic-inc-2x2", inc2_setup, counter_finish);
static const struct pmm_program long_inc2_prog =
	PROGRAM("atomic-long-add-2x2", long_inc2_setup, long_counter_finish);
static const struct pmm_program read_set2_prog =
	PROGRAM("atomic-read-set-2x2", read_set2_setup, counter_finish);

static void test_inc_2x2(void **state)
{
	(void)state;
	/* C(4,2) = 6 orders of two tasks' two steps, none loses an update. */
	explore_expect(&inc2_prog, 6, 0, 0);
}

static void test_long_add_2x2(void **state)
{
	(void)state;
	explore_expect(&long_inc2_prog, 6, 0, 0);
}

/*
 * Each task makes 4 steps (read, set, read, set): C(8,4) = 70 orders. The
 * final value is 4 only when each read-set pair runs back to back, i.e.
 * the order of the four pairs as units: C(4,2) = 6 orders of the pairs.
 * The other 64 lose at least one update.
 */
static void test_read_set_loses_updates(void **state)
{
	(void)state;
	explore_expect_oracle(&read_set2_prog, 70, 64, 0, "final-state",
			      "want 4");
}

/*
 * cmpxchg from 0: each task tries once, and the winner records itself.
 * T0 first: T0 wins, then T0's record and T1's (failing) try in either
 * order; T1 first, the same mirrored: 4 executions, one winner in each.
 */
struct race {
	atomic_t v;
	atomic_t winners;
	atomic_long_t l;
	int old[2];
	long lold[2];
	bool won[2];
	atomic_t refs;
	atomic_t frees;
	int freed;
	bool got;
};

static struct race *the_race;
static unsigned int race_seen;

static struct race *race_setup2(pmm_task_fn fn)
{
	struct race *r = pmm_alloc(sizeof(*r));

	pmm_obj_name(&r->v, "v");
	pmm_obj_name(&r->l, "l");
	task_new("t0", 0, fn, r);
	task_new("t1", 1, fn, r);
	the_race = r;
	return r;
}

static void cmpxchg_task(void *arg)
{
	struct race *r = arg;
	int me = pmm_task_id();

	if (atomic_cmpxchg(&r->v, 0, me + 1) == 0) {
		r->won[me] = true;
		atomic_inc(&r->winners);
	}
}

static void cmpxchg_setup(void *arg)
{
	(void)arg;
	race_setup2(cmpxchg_task);
}

static void cmpxchg_finish(void *arg)
{
	struct race *r = the_race;
	int v = atomic_read(&r->v);

	(void)arg;
	if (atomic_read(&r->winners) != 1)
		pmm_violation("final-state", "%d winners",
			      atomic_read(&r->winners));
	else if (v < 1 || v > 2 || !r->won[v - 1] || r->won[2 - v])
		pmm_violation("final-state", "value %d, winners %d %d", v,
			      r->won[0], r->won[1]);
	else
		race_seen |= 1u << (v - 1);
}

static const struct pmm_program cmpxchg_prog =
	PROGRAM("atomic-cmpxchg-race", cmpxchg_setup, cmpxchg_finish);

static void test_cmpxchg_race(void **state)
{
	(void)state;
	race_seen = 0;
	explore_expect(&cmpxchg_prog, 4, 0, 0);
	/* Each task wins in some interleaving. */
	assert_int_equal(race_seen, 3);
}

/* The same race on atomic_long_t, with values wider than 32 bits. */
static void long_cmpxchg_task(void *arg)
{
	struct race *r = arg;
	long me = pmm_task_id();

	if (atomic_long_cmpxchg(&r->l, 0, (me + 1) << 35) == 0) {
		r->won[me] = true;
		atomic_inc(&r->winners);
	}
}

static void long_cmpxchg_setup(void *arg)
{
	(void)arg;
	race_setup2(long_cmpxchg_task);
}

static void long_cmpxchg_finish(void *arg)
{
	struct race *r = the_race;
	long v = atomic_long_read(&r->l) >> 35;

	(void)arg;
	if (atomic_read(&r->winners) != 1 || v < 1 || v > 2 ||
	    !r->won[v - 1] || (atomic_long_read(&r->l) & ((1L << 35) - 1)))
		pmm_violation("final-state", "%d winners, value %#lx",
			      atomic_read(&r->winners),
			      atomic_long_read(&r->l));
	else
		race_seen |= 1u << (v - 1);
}

static const struct pmm_program long_cmpxchg_prog =
	PROGRAM("atomic-long-cmpxchg-race", long_cmpxchg_setup,
		long_cmpxchg_finish);

static void test_long_cmpxchg_race(void **state)
{
	(void)state;
	race_seen = 0;
	explore_expect(&long_cmpxchg_prog, 4, 0, 0);
	assert_int_equal(race_seen, 3);
}

/*
 * add_unless(v, 1, 2) from 1 by two tasks: whoever goes first adds
 * (1 -> 2) and then records its win (a second step), the other then sees
 * u == 2 and does not add. As for cmpxchg: the winner's record and the
 * loser's try in either order, for either winner: 4 executions, exactly
 * one success in each, final value 2.
 */
static void add_unless_task(void *arg)
{
	struct race *r = arg;

	if (atomic_add_unless(&r->v, 1, 2)) {
		r->won[pmm_task_id()] = true;
		atomic_inc(&r->winners);
	}
}

static void add_unless_setup(void *arg)
{
	(void)arg;
	atomic_set(&race_setup2(add_unless_task)->v, 1);
}

static void add_unless_finish(void *arg)
{
	struct race *r = the_race;

	(void)arg;
	if (atomic_read(&r->winners) != 1 || atomic_read(&r->v) != 2)
		pmm_violation("final-state", "%d winners, value %d",
			      atomic_read(&r->winners), atomic_read(&r->v));
	else
		race_seen |= r->won[0] ? 1 : 2;
}

static const struct pmm_program add_unless_prog =
	PROGRAM("atomic-add-unless-race", add_unless_setup, add_unless_finish);

static void test_add_unless_race(void **state)
{
	(void)state;
	race_seen = 0;
	explore_expect(&add_unless_prog, 4, 0, 0);
	assert_int_equal(race_seen, 3);
}

/*
 * xchg: each task swaps in its id + 1 and keeps the old value, then does
 * the same on an atomic_long_t (values past 32 bits). For each variable,
 * whoever swaps first gets 0 and the second gets the first's value, which
 * the second's replaces. Two tasks of 2 steps: C(4,2) = 6 executions, in
 * which each task is first on each variable in some.
 */
static void xchg_task(void *arg)
{
	struct race *r = arg;
	int me = pmm_task_id();

	r->old[me] = atomic_xchg(&r->v, me + 1);
	r->lold[me] = atomic_long_xchg(&r->l, (long)(me + 1) << 40);
}

static void xchg_setup(void *arg)
{
	(void)arg;
	race_setup2(xchg_task);
}

static void xchg_finish(void *arg)
{
	struct race *r = the_race;
	int first = r->old[0] == 0 ? 0 : 1, second = 1 - first;

	(void)arg;
	if (r->old[first] != 0 || r->old[second] != first + 1 ||
	    atomic_read(&r->v) != second + 1)
		pmm_violation("final-state", "old %d %d, value %d", r->old[0],
			      r->old[1], atomic_read(&r->v));
	race_seen |= 1u << first;
	/* The long exchange raced on its own: the same chain rule. */
	first = r->lold[0] == 0 ? 0 : 1;
	second = 1 - first;
	if (r->lold[first] != 0 || r->lold[second] != (long)(first + 1) << 40 ||
	    atomic_long_read(&r->l) != (long)(second + 1) << 40)
		pmm_violation("final-state", "long old %#lx %#lx", r->lold[0],
			      r->lold[1]);
	race_seen |= 4u << first;
}

static const struct pmm_program xchg_prog =
	PROGRAM("atomic-xchg-race", xchg_setup, xchg_finish);

static void test_xchg_race(void **state)
{
	(void)state;
	race_seen = 0;
	explore_expect(&xchg_prog, 6, 0, 0);
	/* Either task was first, for both variables. */
	assert_int_equal(race_seen, 0xf);
}

/*
 * The refcount pattern: refs starts at 1, owned by T0. T0 drops it
 * (dec_and_test, frees at zero); T1 tries to get a reference with
 * inc_not_zero, checks the object is not freed, and drops it.
 *
 * A free is two steps (mark freed, count the free).
 *
 *   T0 dec first: 0, T0 frees; T1's failing get goes before, between or
 *     after T0's two free steps: 3 executions.
 *   T1 get first: 2; T0's drop goes before T1's check, between check and
 *     drop (T1 then drops to 0 and frees, alone), or after T1's drop (T0
 *     then frees, alone): 3 executions.
 *
 * 6 executions; the object is freed exactly once and never seen freed by
 * a holder of a reference.
 */
static void ref_put(struct race *r)
{
	if (atomic_dec_and_test(&r->refs)) {
		WRITE_ONCE(r->freed, 1);
		atomic_inc(&r->frees);
	}
}

static void ref_owner(void *arg)
{
	ref_put(arg);
}

static void ref_getter(void *arg)
{
	struct race *r = arg;

	if (!atomic_inc_not_zero(&r->refs))
		return;
	r->got = true;
	if (READ_ONCE(r->freed))
		pmm_violation("use-after-free", "got a reference to a freed object");
	ref_put(r);
}

static void ref_setup(void *arg)
{
	struct race *r = pmm_alloc(sizeof(*r));

	(void)arg;
	atomic_set(&r->refs, 1);
	pmm_obj_name(&r->refs, "refs");
	pmm_obj_name(&r->freed, "freed");
	task_new("owner", 0, ref_owner, r);
	task_new("getter", 1, ref_getter, r);
	the_race = r;
}

static void ref_finish(void *arg)
{
	struct race *r = the_race;

	(void)arg;
	if (atomic_read(&r->frees) != 1 || atomic_read(&r->refs) != 0)
		pmm_violation("final-state", "%d frees, %d refs",
			      atomic_read(&r->frees), atomic_read(&r->refs));
	race_seen |= r->got ? 1 : 2;
}

static const struct pmm_program ref_prog =
	PROGRAM("atomic-refcount", ref_setup, ref_finish);

static void test_refcount_race(void **state)
{
	(void)state;
	race_seen = 0;
	explore_expect(&ref_prog, 6, 0, 0);
	/* The get both succeeded and failed in some interleaving. */
	assert_int_equal(race_seen, 3);
}

/*
 * fetch_add hands out tickets: three tasks, one step each, 3! = 6
 * executions, each a different permutation of the tickets 0, 1, 2.
 */
struct tickets {
	atomic_t next;
	int got[3];
};

static struct tickets *the_tickets;
static uint64_t perms_seen;

static void ticket_task(void *arg)
{
	struct tickets *t = arg;

	t->got[pmm_task_id()] = atomic_fetch_add(1, &t->next);
}

static void tickets_setup(void *arg)
{
	struct tickets *t = pmm_alloc(sizeof(*t));

	(void)arg;
	task_new("t0", 0, ticket_task, t);
	task_new("t1", 1, ticket_task, t);
	task_new("t2", 2, ticket_task, t);
	the_tickets = t;
}

static void tickets_finish(void *arg)
{
	const int *g = the_tickets->got;

	(void)arg;
	if ((1 << g[0] | 1 << g[1] | 1 << g[2]) != 7 ||
	    atomic_read(&the_tickets->next) != 3) {
		pmm_violation("final-state", "tickets %d %d %d", g[0], g[1], g[2]);
		return;
	}
	perms_seen |= 1ull << (g[0] * 9 + g[1] * 3 + g[2]);
}

static const struct pmm_program tickets_prog =
	PROGRAM("atomic-fetch-add-tickets", tickets_setup, tickets_finish);

static void test_fetch_add_tickets(void **state)
{
	(void)state;
	perms_seen = 0;
	explore_expect(&tickets_prog, 6, 0, 0);
	assert_int_equal(__builtin_popcountll(perms_seen), 6);
}

/*
 * Natively: 2, 3 and 4 threads, 100000 rounds each, of atomic_inc,
 * atomic_long_add and an increment by a cmpxchg loop. Any lost update
 * shows in the totals.
 */
struct native_cfg {
	int nr;
	int loops;
};

struct native_counter {
	atomic_t inc;
	atomic_long_t ladd;
	atomic_t cas;
	atomic_long_t lcas;
	atomic_t zeros;
	atomic_t down;
	const struct native_cfg *cfg;
};

static struct native_counter *the_native;

static void native_count_task(void *arg)
{
	struct native_counter *c = arg;
	int i, old;
	long lold;

	for (i = 0; i < c->cfg->loops; i++) {
		atomic_inc(&c->inc);
		atomic_long_add(3, &c->ladd);
		do {
			old = atomic_read(&c->cas);
		} while (atomic_cmpxchg(&c->cas, old, old + 1) != old);
		do {
			lold = atomic_long_read(&c->lcas);
		} while (atomic_long_cmpxchg(&c->lcas, lold, lold + 2) != lold);
		if (atomic_dec_and_test(&c->down))
			atomic_inc(&c->zeros);
	}
}

static void native_count_setup(void *arg)
{
	const struct native_cfg *cfg = arg;
	struct native_counter *c = pmm_alloc(sizeof(*c));
	int i;

	c->cfg = cfg;
	atomic_set(&c->down, cfg->nr * cfg->loops);
	for (i = 0; i < cfg->nr; i++)
		task_new("count", i, native_count_task, c);
	the_native = c;
}

static void native_count_finish(void *arg)
{
	const struct native_cfg *cfg = arg;
	struct native_counter *c = the_native;
	long n = (long)cfg->nr * cfg->loops;

	if (atomic_read(&c->inc) != n || atomic_long_read(&c->ladd) != 3 * n ||
	    atomic_read(&c->cas) != n || atomic_long_read(&c->lcas) != 2 * n ||
	    atomic_read(&c->down) != 0 || atomic_read(&c->zeros) != 1)
		pmm_violation("final-state",
			      "inc %d add %ld cas %d lcas %ld down %d zeros %d, n %ld",
			      atomic_read(&c->inc), atomic_long_read(&c->ladd),
			      atomic_read(&c->cas), atomic_long_read(&c->lcas),
			      atomic_read(&c->down), atomic_read(&c->zeros), n);
}

static const struct native_cfg native_cfgs[] = {
	{ 2, 100000 }, { 3, 100000 }, { 4, 100000 },
};

static void test_native_counting(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(native_cfgs) / sizeof(native_cfgs[0]); i++) {
		const struct pmm_program p = PROGRAM_ARG("atomic-native-count",
			native_count_setup, native_count_finish, &native_cfgs[i]);

		native_expect_clean(&p, 1);
	}
}

/*
 * An increment by a cmpxchg loop, two tasks, one increment each: a read
 * (R) and a cmpxchg (C), again if C found another value. Of the C(4,2) = 6
 * orders of R0 C0 and R1 C1, the 2 that run one loop whole before the
 * other succeed at once; in the 4 where both read before either cmpxchg,
 * the second cmpxchg fails and its task, now alone, retries R and C. 6
 * executions, 4 of them with one retry, the value always 2.
 */
struct cas_counter {
	atomic_t v;
	int retries;
};

static struct cas_counter *the_cas;
static unsigned int cas_retry_execs;

static void cas_inc_task(void *arg)
{
	struct cas_counter *c = arg;
	int old;

	for (;;) {
		old = atomic_read(&c->v);
		if (atomic_cmpxchg(&c->v, old, old + 1) == old)
			break;
		c->retries++;
	}
}

static void cas_setup(void *arg)
{
	struct cas_counter *c = pmm_alloc(sizeof(*c));

	(void)arg;
	task_new("t0", 0, cas_inc_task, c);
	task_new("t1", 1, cas_inc_task, c);
	the_cas = c;
}

static void cas_finish(void *arg)
{
	(void)arg;
	if (atomic_read(&the_cas->v) != 2 || the_cas->retries > 1)
		pmm_violation("final-state", "value %d after %d retries",
			      atomic_read(&the_cas->v), the_cas->retries);
	if (the_cas->retries)
		cas_retry_execs++;
}

static const struct pmm_program cas_prog =
	PROGRAM("atomic-cmpxchg-loop", cas_setup, cas_finish);

static void test_cmpxchg_loop(void **state)
{
	(void)state;
	cas_retry_execs = 0;
	explore_expect(&cas_prog, 6, 0, 0);
	assert_int_equal(cas_retry_execs, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semantics_outside_run),
		cmocka_unit_test(test_semantics_explore),
		cmocka_unit_test(test_semantics_native),
		cmocka_unit_test(test_inc_2x2),
		cmocka_unit_test(test_long_add_2x2),
		cmocka_unit_test(test_read_set_loses_updates),
		cmocka_unit_test(test_cmpxchg_race),
		cmocka_unit_test(test_long_cmpxchg_race),
		cmocka_unit_test(test_add_unless_race),
		cmocka_unit_test(test_xchg_race),
		cmocka_unit_test(test_refcount_race),
		cmocka_unit_test(test_fetch_add_tickets),
		cmocka_unit_test(test_native_counting),
		cmocka_unit_test(test_cmpxchg_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
