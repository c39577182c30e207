/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Atomic bit operations on unsigned long bitmaps, as in the kernel's
 * include/asm-generic/bitops/atomic.h and lock.h: test_and_* are fully
 * ordered, set_bit/clear_bit unordered, the _lock/_unlock variants have
 * acquire/release order. Each is one yield point on the word.
 */
#ifndef PMM_SCHED_BITOPS_H
#define PMM_SCHED_BITOPS_H

#include <limits.h>
#include <stdbool.h>

#include "sched/sched.h"

#define BITS_PER_LONG		(CHAR_BIT * (int)sizeof(long))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))

static inline bool test_bit_at(long nr, const unsigned long *addr,
			       const struct pmm_loc *loc)
{
	const unsigned long *w = addr + BIT_WORD(nr);

	sched_point_at(w, PMM_ACC_READ, loc);
	return __atomic_load_n(w, __ATOMIC_RELAXED) & BIT_MASK(nr);
}

static inline bool test_bit_acquire_at(long nr, const unsigned long *addr,
				       const struct pmm_loc *loc)
{
	const unsigned long *w = addr + BIT_WORD(nr);

	/* A load, whatever its order: it conflicts only with writes. */
	sched_point_at(w, PMM_ACC_READ, loc);
	return __atomic_load_n(w, __ATOMIC_ACQUIRE) & BIT_MASK(nr);
}

static inline void set_bit_at(long nr, unsigned long *addr,
			      const struct pmm_loc *loc)
{
	unsigned long *w = addr + BIT_WORD(nr);

	sched_point_at(w, PMM_ACC_RMW, loc);
	__atomic_fetch_or(w, BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void clear_bit_at(long nr, unsigned long *addr,
				const struct pmm_loc *loc)
{
	unsigned long *w = addr + BIT_WORD(nr);

	sched_point_at(w, PMM_ACC_RMW, loc);
	__atomic_fetch_and(w, ~BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void clear_bit_unlock_at(long nr, unsigned long *addr,
				       const struct pmm_loc *loc)
{
	unsigned long *w = addr + BIT_WORD(nr);

	sched_point_at(w, PMM_ACC_RELEASE, loc);
	__atomic_fetch_and(w, ~BIT_MASK(nr), __ATOMIC_RELEASE);
}

static inline bool test_and_set_bit_at(long nr, unsigned long *addr, int order,
				       const struct pmm_loc *loc)
{
	unsigned long *w = addr + BIT_WORD(nr);

	struct sched_bit_probe p = { w, BIT_MASK(nr), true };
	unsigned long old;

	sched_point_cond_at(w, order == __ATOMIC_ACQUIRE ? PMM_ACC_ACQUIRE :
			    PMM_ACC_RMW, loc, sched_bit_would_write, &p);
	old = __atomic_fetch_or(w, BIT_MASK(nr), order);
	/* Setting a bit already set changes nothing: the step only read. */
	if (old & BIT_MASK(nr))
		sched_step_read_only();
	return old & BIT_MASK(nr);
}

static inline bool test_and_clear_bit_at(long nr, unsigned long *addr,
					 const struct pmm_loc *loc)
{
	unsigned long *w = addr + BIT_WORD(nr);

	struct sched_bit_probe p = { w, BIT_MASK(nr), false };
	unsigned long old;

	sched_point_cond_at(w, PMM_ACC_RMW, loc, sched_bit_would_write, &p);
	old = __atomic_fetch_and(w, ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
	if (!(old & BIT_MASK(nr)))
		sched_step_read_only();
	return old & BIT_MASK(nr);
}

#define test_bit(nr, addr)		test_bit_at((nr), (addr), PMM_HERE)
#define test_bit_acquire(nr, addr)	test_bit_acquire_at((nr), (addr), PMM_HERE)
#define set_bit(nr, addr)		set_bit_at((nr), (addr), PMM_HERE)
#define clear_bit(nr, addr)		clear_bit_at((nr), (addr), PMM_HERE)
#define clear_bit_unlock(nr, addr)	clear_bit_unlock_at((nr), (addr), PMM_HERE)
#define test_and_set_bit(nr, addr) \
	test_and_set_bit_at((nr), (addr), __ATOMIC_SEQ_CST, PMM_HERE)
#define test_and_set_bit_lock(nr, addr) \
	test_and_set_bit_at((nr), (addr), __ATOMIC_ACQUIRE, PMM_HERE)
#define test_and_clear_bit(nr, addr)	test_and_clear_bit_at((nr), (addr), PMM_HERE)

#endif /* PMM_SCHED_BITOPS_H */
