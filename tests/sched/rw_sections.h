/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The exclusion check the rwsem and rwlock tests share: a reader's and a
 * writer's critical section over a type with fields inside (atomic_t),
 * max_inside and data (int). A reader that finds a writer inside, or a
 * writer that finds anyone, is an "exclusion" violation; max_inside
 * records how many readers were ever inside at once.
 */
#ifndef PMM_TESTS_SCHED_RW_SECTIONS_H
#define PMM_TESTS_SCHED_RW_SECTIONS_H

/* What a writer adds to "inside": readers count 1 each. */
#define WRITER_BIAS 1000

#define DEFINE_RW_SECTIONS(type)					\
static void read_section(type *r)					\
{									\
	int n = atomic_inc_return(&r->inside);				\
	/* Readers race here on the native backend: a relaxed max. */	\
	int m = __atomic_load_n(&r->max_inside, __ATOMIC_RELAXED);	\
									\
	if (n >= WRITER_BIAS)						\
		pmm_violation("exclusion", "reader inside with a writer"); \
	while (n > m && !__atomic_compare_exchange_n(&r->max_inside, &m, \
			n, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))	\
		;							\
	atomic_dec(&r->inside);						\
}									\
									\
static void write_section(type *r)					\
{									\
	int n = atomic_add_return(WRITER_BIAS, &r->inside);		\
									\
	if (n != WRITER_BIAS)						\
		pmm_violation("exclusion", "writer inside with %d others", \
			      n - WRITER_BIAS);				\
	WRITE_ONCE(r->data, READ_ONCE(r->data) + 1);			\
	atomic_sub(WRITER_BIAS, &r->inside);				\
}

#endif /* PMM_TESTS_SCHED_RW_SECTIONS_H */
