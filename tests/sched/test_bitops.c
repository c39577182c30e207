// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Atomic bit operations (src/sched/bitops.h) under both backends: what each
 * returns and stores, bits past the first word included; that exactly one
 * of several racing test_and_set_bit (or test_and_clear_bit) callers wins
 * in every interleaving; that set_bit/clear_bit on different bits of one
 * word never lose each other's update; and that test_and_set_bit_lock /
 * clear_bit_unlock make a lock, explored and on real threads.
 *
 * Every bit operation is one yield point on its word.
 */
#include <sched.h>

#include "sched/atomic.h"
#include "sched/bitops.h"
#include "sched_test.h"

#define CHECK(cond) do { if (!(cond)) return __LINE__; } while (0)

/* A two-word bitmap: bit 70 lives in word 1, at bit 70 - 64. */
#define HIGH_BIT (BITS_PER_LONG + 6)

static int bit_semantics(unsigned long *map)
{
	CHECK(BIT_WORD(HIGH_BIT) == 1);
	CHECK(BIT_MASK(HIGH_BIT) == 1UL << 6);
	CHECK(!test_bit(3, map));
	set_bit(3, map);
	CHECK(test_bit(3, map) && map[0] == 1UL << 3 && !map[1]);
	set_bit(HIGH_BIT, map);
	CHECK(test_bit(HIGH_BIT, map) && map[1] == 1UL << 6);
	CHECK(map[0] == 1UL << 3);
	CHECK(!test_bit(6, map));
	clear_bit(3, map);
	CHECK(!test_bit(3, map) && !map[0]);
	CHECK(test_bit_acquire(HIGH_BIT, map));
	clear_bit_unlock(HIGH_BIT, map);
	CHECK(!test_bit_acquire(HIGH_BIT, map) && !map[1]);

	/* test_and_*: the old bit, and the new one stored. */
	CHECK(!test_and_set_bit(BITS_PER_LONG - 1, map));
	CHECK(map[0] == 1UL << (BITS_PER_LONG - 1));
	CHECK(test_and_set_bit(BITS_PER_LONG - 1, map));
	CHECK(test_and_clear_bit(BITS_PER_LONG - 1, map));
	CHECK(!map[0]);
	CHECK(!test_and_clear_bit(BITS_PER_LONG - 1, map));
	CHECK(!test_and_set_bit_lock(HIGH_BIT, map));
	CHECK(test_and_set_bit_lock(HIGH_BIT, map));
	clear_bit_unlock(HIGH_BIT, map);
	CHECK(!map[0] && !map[1]);

	/* Clearing a clear bit and setting a set one change nothing. */
	clear_bit(0, map);
	set_bit(1, map);
	set_bit(1, map);
	CHECK(map[0] == 2);
	clear_bit(1, map);
	return 0;
}

struct bits {
	unsigned long map[2];
	atomic_t inside;
	atomic_t winners;
	bool won[3];
	bool saw[2];
	int data;
	int got;
	int counter;
	int loops;
	int nr;
};

static struct bits *the_bits;
static unsigned int seen;

static void semantics_task(void *arg)
{
	struct bits *b = arg;
	int line = bit_semantics(b->map);

	if (line)
		pmm_violation("semantics", "check at line %d failed", line);
}

static struct bits *bits_alloc(void)
{
	struct bits *b = pmm_alloc(sizeof(*b));

	pmm_obj_name(&b->map[0], "map[0]");
	pmm_obj_name(&b->map[1], "map[1]");
	pmm_obj_name(&b->inside, "inside");
	the_bits = b;
	return b;
}

static void semantics_setup(void *arg)
{
	(void)arg;
	task_new("sem", 0, semantics_task, bits_alloc());
}

static const struct pmm_program semantics_prog =
	PROGRAM("bitops-semantics", semantics_setup, NULL);

static void test_semantics_outside_run(void **state)
{
	unsigned long map[2] = { 0, 0 };

	(void)state;
	assert_int_equal(bit_semantics(map), 0);
}

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
 * test_and_set_bit exclusivity: three tasks, one step each (the winner
 * notes its win in plain memory, which is no step): 3! = 6 executions,
 * exactly one winner in each, and each task wins in 2 of them.
 */
static unsigned int wins_by[3];

static void tas_task(void *arg)
{
	struct bits *b = arg;

	if (!test_and_set_bit(HIGH_BIT, b->map))
		b->won[pmm_task_id()] = true;
}

static void tas_setup(void *arg)
{
	struct bits *b = bits_alloc();

	(void)arg;
	task_new("t0", 0, tas_task, b);
	task_new("t1", 1, tas_task, b);
	task_new("t2", 2, tas_task, b);
}

static void tas_finish(void *arg)
{
	struct bits *b = the_bits;
	int i, n = 0;

	(void)arg;
	for (i = 0; i < 3; i++) {
		if (b->won[i]) {
			n++;
			wins_by[i]++;
		}
	}
	if (n != 1 || b->map[0] || b->map[1] != BIT_MASK(HIGH_BIT))
		pmm_violation("final-state", "%d winners, map %#lx %#lx", n,
			      b->map[0], b->map[1]);
}

static const struct pmm_program tas_prog =
	PROGRAM("bitops-tas-race", tas_setup, tas_finish);

static void test_test_and_set_exclusive(void **state)
{
	(void)state;
	memset(wins_by, 0, sizeof(wins_by));
	explore_expect(&tas_prog, 6, 0, 0);
	assert_int_equal(wins_by[0], 2);
	assert_int_equal(wins_by[1], 2);
	assert_int_equal(wins_by[2], 2);
}

static void test_test_and_set_exclusive_native(void **state)
{
	(void)state;
	native_expect_clean(&tas_prog, 2000);
}

/* test_and_clear_bit of a set bit by two tasks: 2 executions, 1 winner. */
static void tac_task(void *arg)
{
	struct bits *b = arg;

	if (test_and_clear_bit(5, b->map))
		b->won[pmm_task_id()] = true;
}

static void tac_setup(void *arg)
{
	struct bits *b = bits_alloc();

	(void)arg;
	b->map[0] = 1UL << 5 | 1UL << 4;
	task_new("t0", 0, tac_task, b);
	task_new("t1", 1, tac_task, b);
}

static void tac_finish(void *arg)
{
	struct bits *b = the_bits;

	(void)arg;
	if (b->won[0] == b->won[1] || b->map[0] != 1UL << 4)
		pmm_violation("final-state", "winners %d %d, map %#lx",
			      b->won[0], b->won[1], b->map[0]);
	seen |= b->won[0] ? 1 : 2;
}

static const struct pmm_program tac_prog =
	PROGRAM("bitops-tac-race", tac_setup, tac_finish);

static void test_test_and_clear_exclusive(void **state)
{
	(void)state;
	seen = 0;
	explore_expect(&tac_prog, 2, 0, 0);
	assert_int_equal(seen, 3);
}

/*
 * set_bit and clear_bit are atomic read-modify-writes of the whole word:
 * T0 sets bit 0 and clears bit 2, T1 sets bit 1 and clears bit 3, from
 * 0b1100. C(4,2) = 6 executions, every one ends in 0b0011.
 */
static void setclear0(void *arg)
{
	struct bits *b = arg;

	set_bit(0, b->map);
	clear_bit(2, b->map);
}

static void setclear1(void *arg)
{
	struct bits *b = arg;

	set_bit(1, b->map);
	clear_bit(3, b->map);
}

static void setclear_setup(void *arg)
{
	struct bits *b = bits_alloc();

	(void)arg;
	b->map[0] = 0xc;
	task_new("t0", 0, setclear0, b);
	task_new("t1", 1, setclear1, b);
}

static void setclear_finish(void *arg)
{
	(void)arg;
	if (the_bits->map[0] != 0x3)
		pmm_violation("final-state", "map %#lx, want 0x3",
			      the_bits->map[0]);
}

static const struct pmm_program setclear_prog =
	PROGRAM("bitops-set-clear", setclear_setup, setclear_finish);

static void test_set_clear_no_lost_update(void **state)
{
	(void)state;
	explore_expect(&setclear_prog, 6, 0, 0);
}

/*
 * test_bit sees the bit or not depending on the order: T0 sets bit 7, T1
 * tests it: 2 executions, one of each outcome.
 */
static void setter(void *arg)
{
	set_bit(7, ((struct bits *)arg)->map);
}

static void tester(void *arg)
{
	struct bits *b = arg;

	b->saw[test_bit(7, b->map)] = true;
}

static void test_bit_setup(void *arg)
{
	struct bits *b = bits_alloc();

	(void)arg;
	task_new("set", 0, setter, b);
	task_new("test", 1, tester, b);
}

static void test_bit_finish(void *arg)
{
	(void)arg;
	seen |= the_bits->saw[0] ? 1 : 0;
	seen |= the_bits->saw[1] ? 2 : 0;
}

static const struct pmm_program test_bit_prog =
	PROGRAM("bitops-test-bit", test_bit_setup, test_bit_finish);

static void test_test_bit_orders(void **state)
{
	(void)state;
	seen = 0;
	explore_expect(&test_bit_prog, 2, 0, 0);
	assert_int_equal(seen, 3);
}

/*
 * test_and_set_bit_lock / clear_bit_unlock as a trylock around a critical
 * section of two steps (inc_return and dec of "inside"), then the unlock:
 * T0: A I D U, T1 the same, A failing while the bit is held.
 *
 *   T0's A first: it wins; T1's A comes before I, before D, before U (and
 *   fails), or after U (and wins, then runs alone): 4 executions.
 *   T1's A first: the mirror image, 4.
 *
 * 8 executions; no two tasks ever inside; both got the lock in 2 of them.
 */
static unsigned int both_locked;

static void bitlock_try_task(void *arg)
{
	struct bits *b = arg;

	if (test_and_set_bit_lock(0, b->map))
		return;
	b->won[pmm_task_id()] = true;
	if (atomic_inc_return(&b->inside) != 1)
		pmm_violation("exclusion", "two tasks hold the bit lock");
	atomic_dec(&b->inside);
	clear_bit_unlock(0, b->map);
}

static void bitlock_try_setup(void *arg)
{
	struct bits *b = bits_alloc();

	(void)arg;
	task_new("t0", 0, bitlock_try_task, b);
	task_new("t1", 1, bitlock_try_task, b);
}

static void bitlock_try_finish(void *arg)
{
	(void)arg;
	if (the_bits->map[0])
		pmm_violation("final-state", "lock bit left set");
	if (the_bits->won[0] && the_bits->won[1])
		both_locked++;
}

static const struct pmm_program bitlock_try_prog =
	PROGRAM("bitops-lock-trylock", bitlock_try_setup, bitlock_try_finish);

static void test_lock_unlock_trylock(void **state)
{
	(void)state;
	both_locked = 0;
	explore_expect(&bitlock_try_prog, 8, 0, 0);
	assert_int_equal(both_locked, 2);
}

/*
 * Message passing through a lock bit: T0 writes data, then clears the
 * (initially set) bit with release order; T1 tests it with acquire order
 * and, if clear, must see the data. T1's test goes before T0's write,
 * between write and clear, or after the clear: 3 executions, and in the
 * last T1 reads the data.
 */
static void publisher(void *arg)
{
	struct bits *b = arg;

	WRITE_ONCE(b->data, 42);
	clear_bit_unlock(0, b->map);
}

static void subscriber(void *arg)
{
	struct bits *b = arg;

	if (test_bit_acquire(0, b->map))
		return;
	b->got = READ_ONCE(b->data);
	if (b->got != 42)
		pmm_violation("message-passing", "bit clear but data %d", b->got);
}

static void mp_setup(void *arg)
{
	struct bits *b = bits_alloc();

	(void)arg;
	pmm_obj_name(&b->data, "data");
	b->map[0] = 1;
	task_new("pub", 0, publisher, b);
	task_new("sub", 1, subscriber, b);
}

static void mp_finish(void *arg)
{
	(void)arg;
	if (the_bits->got)
		seen++;
}

static const struct pmm_program mp_prog =
	PROGRAM("bitops-message-passing", mp_setup, mp_finish);

static void test_acquire_release_message(void **state)
{
	(void)state;
	seen = 0;
	explore_expect(&mp_prog, 3, 0, 0);
	assert_int_equal(seen, 1);
}

/*
 * Natively: four threads; each toggles its own bit of one shared word
 * (set, then clear, then set again at the end), and increments a plain
 * counter under a test_and_set_bit_lock spin lock on bit 63 of the same
 * word. A lost word update shows in the final word, a broken lock in the
 * counter.
 */
#define NATIVE_THREADS 4
#define NATIVE_LOOPS 50000

static void native_bits_task(void *arg)
{
	struct bits *b = arg;
	int me = pmm_task_id(), i;

	for (i = 0; i < NATIVE_LOOPS; i++) {
		set_bit(me, b->map);
		if (!test_bit(me, b->map))
			pmm_violation("bit-lost", "own bit %d not set", me);
		clear_bit(me, b->map);
		while (test_and_set_bit_lock(BITS_PER_LONG - 1, b->map)) {
			while (test_bit(BITS_PER_LONG - 1, b->map))
				sched_yield();
		}
		b->counter++;
		clear_bit_unlock(BITS_PER_LONG - 1, b->map);
	}
	set_bit(me, b->map);
}

static void native_bits_setup(void *arg)
{
	struct bits *b = bits_alloc();
	int i;

	(void)arg;
	for (i = 0; i < NATIVE_THREADS; i++)
		task_new("bits", i, native_bits_task, b);
}

static void native_bits_finish(void *arg)
{
	struct bits *b = the_bits;

	(void)arg;
	if (b->map[0] != (1UL << NATIVE_THREADS) - 1 ||
	    b->counter != NATIVE_THREADS * NATIVE_LOOPS)
		pmm_violation("final-state", "map %#lx, counter %d", b->map[0],
			      b->counter);
}

static const struct pmm_program native_bits_prog =
	PROGRAM("bitops-native", native_bits_setup, native_bits_finish);

static void test_native_stress(void **state)
{
	(void)state;
	native_expect_clean(&native_bits_prog, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semantics_outside_run),
		cmocka_unit_test(test_semantics_explore),
		cmocka_unit_test(test_semantics_native),
		cmocka_unit_test(test_test_and_set_exclusive),
		cmocka_unit_test(test_test_and_set_exclusive_native),
		cmocka_unit_test(test_test_and_clear_exclusive),
		cmocka_unit_test(test_set_clear_no_lost_update),
		cmocka_unit_test(test_test_bit_orders),
		cmocka_unit_test(test_lock_unlock_trylock),
		cmocka_unit_test(test_acquire_release_message),
		cmocka_unit_test(test_native_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
