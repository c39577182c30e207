/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * atomic_t, atomic_long_t, READ_ONCE/WRITE_ONCE and barriers, with the
 * kernel's names and ordering (Documentation/atomic_t.txt): operations that
 * return a value (add_return, dec_and_test, cmpxchg, xchg, fetch_*) are
 * fully ordered; void operations (inc, dec, add, sub, set) and plain reads
 * are unordered. Each is one yield point on the variable, so under the
 * explore backend it is one atomic step of a sequentially consistent
 * machine; under the native backend it is the C11 atomic with that order.
 */
#ifndef PMM_SCHED_ATOMIC_H
#define PMM_SCHED_ATOMIC_H

#include <stdbool.h>

#include "sched/sched.h"

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_INIT(i) { (i) }

#define PMM_RELAXED __ATOMIC_RELAXED
#define PMM_FULL __ATOMIC_SEQ_CST

/* One family of operations for @type, named @pfx_*. */
#define PMM_ATOMIC_OPS(pfx, atype, type)				\
static inline type pfx##_read_at(const atype *v,			\
				 const struct pmm_loc *loc)		\
{									\
	sched_point_at(v, PMM_ACC_READ, loc);				\
	return __atomic_load_n(&v->counter, PMM_RELAXED);		\
}									\
static inline void pfx##_set_at(atype *v, type i,			\
				const struct pmm_loc *loc)		\
{									\
	sched_point_at(v, PMM_ACC_WRITE, loc);				\
	__atomic_store_n(&v->counter, i, PMM_RELAXED);			\
}									\
static inline void pfx##_add_at(type i, atype *v,			\
				const struct pmm_loc *loc)		\
{									\
	sched_point_at(v, PMM_ACC_RMW, loc);				\
	__atomic_fetch_add(&v->counter, i, PMM_RELAXED);		\
}									\
static inline type pfx##_add_return_at(type i, atype *v,		\
				       const struct pmm_loc *loc)	\
{									\
	sched_point_at(v, PMM_ACC_RMW, loc);				\
	return __atomic_add_fetch(&v->counter, i, PMM_FULL);		\
}									\
static inline type pfx##_fetch_add_at(type i, atype *v,		\
				      const struct pmm_loc *loc)	\
{									\
	sched_point_at(v, PMM_ACC_RMW, loc);				\
	return __atomic_fetch_add(&v->counter, i, PMM_FULL);		\
}									\
static inline type pfx##_xchg_at(atype *v, type n,			\
				 const struct pmm_loc *loc)		\
{									\
	sched_point_at(v, PMM_ACC_RMW, loc);				\
	return __atomic_exchange_n(&v->counter, n, PMM_FULL);		\
}									\
/* Returns the old value; stores @n only if it was @o. */		\
static inline type pfx##_cmpxchg_at(atype *v, type o, type n,		\
				    const struct pmm_loc *loc)		\
{									\
	struct sched_cas_probe __p = { &v->counter, o, sizeof(type) };	\
									\
	sched_point_cond_at(v, PMM_ACC_RMW, loc, sched_cas_would_write, &__p);	\
	if (!__atomic_compare_exchange_n(&v->counter, &o, n, false,	\
					 PMM_FULL, PMM_FULL))		\
		sched_step_read_only();					\
	return o;							\
}									\
/* Adds @a unless the value is @u; returns whether it added. */	\
static inline bool pfx##_add_unless_at(atype *v, type a, type u,	\
				       const struct pmm_loc *loc)	\
{									\
	type c;								\
									\
	sched_point_at(v, PMM_ACC_RMW, loc);				\
	c = __atomic_load_n(&v->counter, PMM_RELAXED);			\
	do {								\
		if (c == u) {						\
			sched_step_read_only();				\
			return false;					\
		}							\
	} while (!__atomic_compare_exchange_n(&v->counter, &c, c + a,	\
					      false, PMM_FULL,		\
					      PMM_RELAXED));		\
	return true;							\
}

PMM_ATOMIC_OPS(atomic, atomic_t, int)
PMM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

#define atomic_read(v)			atomic_read_at((v), PMM_HERE)
#define atomic_set(v, i)		atomic_set_at((v), (i), PMM_HERE)
#define atomic_add(i, v)		atomic_add_at((i), (v), PMM_HERE)
#define atomic_sub(i, v)		atomic_add_at(-(i), (v), PMM_HERE)
#define atomic_inc(v)			atomic_add_at(1, (v), PMM_HERE)
#define atomic_dec(v)			atomic_add_at(-1, (v), PMM_HERE)
#define atomic_add_return(i, v)		atomic_add_return_at((i), (v), PMM_HERE)
#define atomic_sub_return(i, v)		atomic_add_return_at(-(i), (v), PMM_HERE)
#define atomic_inc_return(v)		atomic_add_return_at(1, (v), PMM_HERE)
#define atomic_dec_return(v)		atomic_add_return_at(-1, (v), PMM_HERE)
#define atomic_dec_and_test(v)		(atomic_add_return_at(-1, (v), PMM_HERE) == 0)
#define atomic_sub_and_test(i, v)	(atomic_add_return_at(-(i), (v), PMM_HERE) == 0)
#define atomic_fetch_add(i, v)		atomic_fetch_add_at((i), (v), PMM_HERE)
#define atomic_xchg(v, n)		atomic_xchg_at((v), (n), PMM_HERE)
#define atomic_cmpxchg(v, o, n)		atomic_cmpxchg_at((v), (o), (n), PMM_HERE)
#define atomic_add_unless(v, a, u)	atomic_add_unless_at((v), (a), (u), PMM_HERE)
#define atomic_inc_not_zero(v)		atomic_add_unless_at((v), 1, 0, PMM_HERE)

#define atomic_long_read(v)		atomic_long_read_at((v), PMM_HERE)
#define atomic_long_set(v, i)		atomic_long_set_at((v), (i), PMM_HERE)
#define atomic_long_add(i, v)		atomic_long_add_at((i), (v), PMM_HERE)
#define atomic_long_sub(i, v)		atomic_long_add_at(-(i), (v), PMM_HERE)
#define atomic_long_inc(v)		atomic_long_add_at(1, (v), PMM_HERE)
#define atomic_long_dec(v)		atomic_long_add_at(-1, (v), PMM_HERE)
#define atomic_long_add_return(i, v)	atomic_long_add_return_at((i), (v), PMM_HERE)
#define atomic_long_sub_return(i, v)	atomic_long_add_return_at(-(i), (v), PMM_HERE)
#define atomic_long_inc_return(v)	atomic_long_add_return_at(1, (v), PMM_HERE)
#define atomic_long_dec_return(v)	atomic_long_add_return_at(-1, (v), PMM_HERE)
#define atomic_long_sub_and_test(i, v)	(atomic_long_add_return_at(-(i), (v), PMM_HERE) == 0)
#define atomic_long_dec_and_test(v)	(atomic_long_add_return_at(-1, (v), PMM_HERE) == 0)
#define atomic_long_fetch_add(i, v)	atomic_long_fetch_add_at((i), (v), PMM_HERE)
#define atomic_long_xchg(v, n)		atomic_long_xchg_at((v), (n), PMM_HERE)
#define atomic_long_cmpxchg(v, o, n)	atomic_long_cmpxchg_at((v), (o), (n), PMM_HERE)
#define atomic_long_add_unless(v, a, u)	atomic_long_add_unless_at((v), (a), (u), PMM_HERE)
#define atomic_long_inc_not_zero(v)	atomic_long_add_unless_at((v), 1, 0, PMM_HERE)

/*
 * READ_ONCE/WRITE_ONCE: a single untorn access the compiler may not merge
 * or repeat; no ordering. Scalars only.
 */
#define READ_ONCE(x) ({							\
	__typeof__(&(x)) __ro_p = &(x);					\
	sched_point(__ro_p, PMM_ACC_READ);				\
	__atomic_load_n(__ro_p, PMM_RELAXED); })

#define WRITE_ONCE(x, val) do {						\
	__typeof__(&(x)) __wo_p = &(x);					\
	sched_point(__wo_p, PMM_ACC_WRITE);				\
	__atomic_store_n(__wo_p, (val), PMM_RELAXED);			\
} while (0)

/* An acquire load is a read: ordering is moot on the explored SC machine. */
#define smp_load_acquire(p) ({						\
	__typeof__(p) __la_p = (p);					\
	sched_point(__la_p, PMM_ACC_READ);				\
	__atomic_load_n(__la_p, __ATOMIC_ACQUIRE); })

#define smp_store_release(p, val) do {					\
	__typeof__(p) __sr_p = (p);					\
	sched_point(__sr_p, PMM_ACC_RELEASE);				\
	__atomic_store_n(__sr_p, (val), __ATOMIC_RELEASE);		\
} while (0)

/*
 * Fences touch no object, so they are no yield point: the explore backend
 * is sequentially consistent and needs none.
 */
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

#endif /* PMM_SCHED_ATOMIC_H */
