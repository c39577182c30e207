/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/atomic.h - atomic variables, READ_ONCE/WRITE_ONCE, acquire and
 * release, for programs the explorer runs (protmm/sched.h).
 *
 * The kernel's operations under a pmm_ prefix, with its ordering
 * (Documentation/atomic_t.txt): operations that return a value
 * (add_return, dec_and_test, cmpxchg, xchg, fetch_add) are fully ordered,
 * void ones (inc, dec, add, sub, set) and plain reads unordered. Each is
 * one yield point annotated with the variable and its access kind, so under
 * the explore backend it is one atomic step of a sequentially consistent
 * machine; natively it is the C11 atomic with that order.
 *
 * Access kinds, which is what partial-order reduction goes by:
 *   read, read_acquire, READ_ONCE, load_acquire     read
 *   set, set_release, WRITE_ONCE, store_release     write
 *   add, sub, inc, dec, *_return, fetch_add, xchg   read-modify-write
 *   cmpxchg, add_unless, inc_not_zero               read-modify-write
 *
 * Context table: every function here may be called from setup(), from a
 * task and from finish(), under either backend; it is a yield point only
 * in a task under the explore backend.
 *
 * Every shared variable must live in memory the program allocates per
 * execution (pmm_alloc()): name it with pmm_obj_name() for traces.
 */
#ifndef PROTMM_ATOMIC_H
#define PROTMM_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protmm/common.h"
#include "protmm/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	int counter;
} pmm_atomic_t;

typedef struct {
	long counter;
} pmm_atomic_long_t;

#define PMM_ATOMIC_INIT(i)	{ (i) }

/* The functions behind the macros: @loc is where the caller is. */
#define PMM_ATOMIC_DECLARE(pfx, atype, type)					\
PMM_API type pfx##_read_at(const atype *v, const struct pmm_loc *loc);	\
PMM_API type pfx##_read_acquire_at(const atype *v,			\
				   const struct pmm_loc *loc);		\
PMM_API void pfx##_set_at(atype *v, type i, const struct pmm_loc *loc);	\
PMM_API void pfx##_set_release_at(atype *v, type i,			\
				  const struct pmm_loc *loc);		\
PMM_API void pfx##_add_at(type i, atype *v, const struct pmm_loc *loc);	\
PMM_API type pfx##_add_return_at(type i, atype *v,			\
				 const struct pmm_loc *loc);		\
PMM_API type pfx##_fetch_add_at(type i, atype *v,			\
				const struct pmm_loc *loc);		\
PMM_API type pfx##_xchg_at(atype *v, type n, const struct pmm_loc *loc);	\
PMM_API type pfx##_cmpxchg_at(atype *v, type o, type n,			\
			      const struct pmm_loc *loc);		\
PMM_API bool pfx##_add_unless_at(atype *v, type a, type u,		\
				 const struct pmm_loc *loc);

PMM_ATOMIC_DECLARE(pmm_atomic, pmm_atomic_t, int)
PMM_ATOMIC_DECLARE(pmm_atomic_long, pmm_atomic_long_t, long)

#undef PMM_ATOMIC_DECLARE

#define pmm_atomic_read(v)		pmm_atomic_read_at((v), PMM_HERE)
#define pmm_atomic_read_acquire(v)	pmm_atomic_read_acquire_at((v), PMM_HERE)
#define pmm_atomic_set(v, i)		pmm_atomic_set_at((v), (i), PMM_HERE)
#define pmm_atomic_set_release(v, i)	pmm_atomic_set_release_at((v), (i), PMM_HERE)
#define pmm_atomic_add(i, v)		pmm_atomic_add_at((i), (v), PMM_HERE)
#define pmm_atomic_sub(i, v)		pmm_atomic_add_at(-(i), (v), PMM_HERE)
#define pmm_atomic_inc(v)		pmm_atomic_add_at(1, (v), PMM_HERE)
#define pmm_atomic_dec(v)		pmm_atomic_add_at(-1, (v), PMM_HERE)
#define pmm_atomic_add_return(i, v)	pmm_atomic_add_return_at((i), (v), PMM_HERE)
#define pmm_atomic_sub_return(i, v)	pmm_atomic_add_return_at(-(i), (v), PMM_HERE)
#define pmm_atomic_inc_return(v)	pmm_atomic_add_return_at(1, (v), PMM_HERE)
#define pmm_atomic_dec_return(v)	pmm_atomic_add_return_at(-1, (v), PMM_HERE)
#define pmm_atomic_dec_and_test(v)	(pmm_atomic_add_return_at(-1, (v), PMM_HERE) == 0)
#define pmm_atomic_sub_and_test(i, v)	(pmm_atomic_add_return_at(-(i), (v), PMM_HERE) == 0)
#define pmm_atomic_fetch_add(i, v)	pmm_atomic_fetch_add_at((i), (v), PMM_HERE)
#define pmm_atomic_xchg(v, n)		pmm_atomic_xchg_at((v), (n), PMM_HERE)
/* Returns the old value; stores @n only if it was @o. */
#define pmm_atomic_cmpxchg(v, o, n)	pmm_atomic_cmpxchg_at((v), (o), (n), PMM_HERE)
/* Adds @a unless the value is @u; returns whether it added. */
#define pmm_atomic_add_unless(v, a, u)	pmm_atomic_add_unless_at((v), (a), (u), PMM_HERE)
#define pmm_atomic_inc_not_zero(v)	pmm_atomic_add_unless_at((v), 1, 0, PMM_HERE)

#define pmm_atomic_long_read(v)		pmm_atomic_long_read_at((v), PMM_HERE)
#define pmm_atomic_long_read_acquire(v)	pmm_atomic_long_read_acquire_at((v), PMM_HERE)
#define pmm_atomic_long_set(v, i)	pmm_atomic_long_set_at((v), (i), PMM_HERE)
#define pmm_atomic_long_set_release(v, i) \
	pmm_atomic_long_set_release_at((v), (i), PMM_HERE)
#define pmm_atomic_long_add(i, v)	pmm_atomic_long_add_at((i), (v), PMM_HERE)
#define pmm_atomic_long_sub(i, v)	pmm_atomic_long_add_at(-(i), (v), PMM_HERE)
#define pmm_atomic_long_inc(v)		pmm_atomic_long_add_at(1, (v), PMM_HERE)
#define pmm_atomic_long_dec(v)		pmm_atomic_long_add_at(-1, (v), PMM_HERE)
#define pmm_atomic_long_add_return(i, v) \
	pmm_atomic_long_add_return_at((i), (v), PMM_HERE)
#define pmm_atomic_long_inc_return(v)	pmm_atomic_long_add_return_at(1, (v), PMM_HERE)
#define pmm_atomic_long_dec_return(v)	pmm_atomic_long_add_return_at(-1, (v), PMM_HERE)
#define pmm_atomic_long_dec_and_test(v)	(pmm_atomic_long_add_return_at(-1, (v), PMM_HERE) == 0)
#define pmm_atomic_long_fetch_add(i, v)	pmm_atomic_long_fetch_add_at((i), (v), PMM_HERE)
#define pmm_atomic_long_xchg(v, n)	pmm_atomic_long_xchg_at((v), (n), PMM_HERE)
#define pmm_atomic_long_cmpxchg(v, o, n) \
	pmm_atomic_long_cmpxchg_at((v), (o), (n), PMM_HERE)
#define pmm_atomic_long_add_unless(v, a, u) \
	pmm_atomic_long_add_unless_at((v), (a), (u), PMM_HERE)
#define pmm_atomic_long_inc_not_zero(v)	pmm_atomic_long_add_unless_at((v), 1, 0, PMM_HERE)

/*
 * Plain scalars (integers and pointers of 1, 2, 4 or 8 bytes; 4 or 8 for
 * cmpxchg and xchg), accessed whole: the functions behind the macros
 * below, which pass the size and the value as a uint64_t.
 */
PMM_API uint64_t pmm_load_at(const void *p, size_t size, bool acquire,
			     const struct pmm_loc *loc);
PMM_API void pmm_store_at(void *p, size_t size, uint64_t v, bool release,
			  const struct pmm_loc *loc);
PMM_API uint64_t pmm_xchg_at(void *p, size_t size, uint64_t n,
			     const struct pmm_loc *loc);
PMM_API uint64_t pmm_cmpxchg_at(void *p, size_t size, uint64_t o, uint64_t n,
				const struct pmm_loc *loc);

/* A compile-time error for an object of the wrong size. */
#define __PMM_SIZE_OK(x, ok) (sizeof(char[(ok) ? 1 : -1]) * 0 + sizeof(x))
#define __PMM_ANY_SIZE(x) __PMM_SIZE_OK(x, sizeof(x) == 1 || sizeof(x) == 2 || \
					   sizeof(x) == 4 || sizeof(x) == 8)
#define __PMM_WORD_SIZE(x) __PMM_SIZE_OK(x, sizeof(x) == 4 || sizeof(x) == 8)

/* One untorn access the compiler may not merge or repeat; no ordering. */
#define PMM_READ_ONCE(x)						\
	((__typeof__(x))pmm_load_at(&(x), __PMM_ANY_SIZE(x), false, PMM_HERE))
#define PMM_WRITE_ONCE(x, val)						\
	pmm_store_at(&(x), __PMM_ANY_SIZE(x), (uint64_t)(val), false, PMM_HERE)

/* smp_load_acquire(), smp_store_release(): @p points to the scalar. */
#define pmm_load_acquire(p)						\
	((__typeof__(*(p)))pmm_load_at((p), __PMM_ANY_SIZE(*(p)), true, PMM_HERE))
#define pmm_store_release(p, val)					\
	pmm_store_at((p), __PMM_ANY_SIZE(*(p)), (uint64_t)(val), true, PMM_HERE)

/* Fully ordered; cmpxchg returns the old value, storing @n if it was @o. */
#define pmm_xchg(p, n)							\
	((__typeof__(*(p)))pmm_xchg_at((p), __PMM_WORD_SIZE(*(p)),	\
				       (uint64_t)(n), PMM_HERE))
#define pmm_cmpxchg(p, o, n)						\
	((__typeof__(*(p)))pmm_cmpxchg_at((p), __PMM_WORD_SIZE(*(p)),	\
					  (uint64_t)(o), (uint64_t)(n),	\
					  PMM_HERE))

/*
 * Fences touch no object, so they are no yield point: the explore backend
 * is sequentially consistent and needs none; natively they are C11 fences.
 */
#define pmm_smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define pmm_smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define pmm_smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_ATOMIC_H */
