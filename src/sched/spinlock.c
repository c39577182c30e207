// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sched/atomic.h"
#include "sched/bitops.h"
#include "sched/spinlock.h"

void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
	l->owner = -1;
}

static bool spin_free(const struct task *t, const void *arg)
{
	const spinlock_t *l = arg;

	(void)t;
	return !l->locked;
}

/* Test-and-test-and-set: spin reading until the lock looks free. */
static void native_spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
}

/* do_raw_spin_lock() */
void spin_lock_at(spinlock_t *l, const struct pmm_loc *loc)
{
	if (sched_exploring()) {
		sched_wait_at(l, PMM_ACC_ACQUIRE, loc, spin_free, l);
		l->locked = 1;
	} else {
		native_spin_lock(l);
	}
	l->owner = pmm_task_id();
	sched_atomic_enter();
}

bool spin_trylock_at(spinlock_t *l, const struct pmm_loc *loc)
{
	struct sched_cas_probe p = { &l->locked, 0, sizeof(l->locked) };

	sched_point_cond_at(l, PMM_ACC_ACQUIRE, loc, sched_cas_would_write, &p);
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		sched_step_read_only();
		return false;
	}
	l->owner = pmm_task_id();
	sched_atomic_enter();
	return true;
}

/* do_raw_spin_unlock(): with CONFIG_DEBUG_SPINLOCK's owner checks. */
void spin_unlock_at(spinlock_t *l, const struct pmm_loc *loc)
{
	sched_point_at(l, PMM_ACC_RELEASE, loc);
	if (!__atomic_load_n(&l->locked, __ATOMIC_RELAXED) ||
	    l->owner != pmm_task_id()) {
		pmm_violation("bug-on", "spin_unlock of a lock %s at %s:%d",
			      l->locked ? "held by another task" : "not held",
			      loc->file, loc->line);
		return;
	}
	l->owner = -1;
	sched_atomic_exit("spin_unlock", loc);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

bool spin_is_locked(spinlock_t *l)
{
	sched_point(l, PMM_ACC_READ);
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}

struct bitlock {
	const unsigned long *word;
	unsigned long mask;
};

static bool bit_free(const struct task *t, const void *arg)
{
	const struct bitlock *b = arg;

	(void)t;
	return !(*b->word & b->mask);
}

/* bit_spin_lock(): test_and_set_bit_lock, spinning on test_bit between. */
void bit_spin_lock_at(int bitnum, unsigned long *addr, const struct pmm_loc *loc)
{
	unsigned long *w = addr + BIT_WORD(bitnum);

	if (sched_exploring()) {
		struct bitlock b = { w, BIT_MASK(bitnum) };

		sched_wait_at(w, PMM_ACC_ACQUIRE, loc, bit_free, &b);
		*w |= BIT_MASK(bitnum);
	} else {
		while (__atomic_fetch_or(w, BIT_MASK(bitnum), __ATOMIC_ACQUIRE) &
		       BIT_MASK(bitnum))
			while (__atomic_load_n(w, __ATOMIC_RELAXED) & BIT_MASK(bitnum))
				cpu_relax();
	}
	sched_atomic_enter();
}

bool bit_spin_trylock_at(int bitnum, unsigned long *addr,
			 const struct pmm_loc *loc)
{
	if (test_and_set_bit_at(bitnum, addr, __ATOMIC_ACQUIRE, loc))
		return false;
	sched_atomic_enter();
	return true;
}

/* bit_spin_unlock(): BUG_ON(!test_bit()) then clear_bit_unlock(). */
void bit_spin_unlock_at(int bitnum, unsigned long *addr,
			const struct pmm_loc *loc)
{
	unsigned long *w = addr + BIT_WORD(bitnum);

	sched_point_at(w, PMM_ACC_RELEASE, loc);
	if (!(__atomic_load_n(w, __ATOMIC_RELAXED) & BIT_MASK(bitnum))) {
		pmm_violation("bug-on", "bit_spin_unlock of bit %d not held at %s:%d",
			      bitnum, loc->file, loc->line);
		return;
	}
	if (!sched_atomic_exit("bit_spin_unlock", loc))
		return;
	__atomic_fetch_and(w, ~BIT_MASK(bitnum), __ATOMIC_RELEASE);
}
