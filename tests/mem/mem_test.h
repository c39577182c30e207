/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the tests of physical memory (src/mem/): run a body once on
 * a fresh machine, in setup() or in a task, and keep what it saw for the
 * test to assert on afterwards (nothing a program runs may use cmocka's
 * assertions, see ../sched/sched_test.h).
 *
 * The default machine has 4 MiB of RAM: 1024 frames, one order-10 block
 * for the buddy allocator. Order-0 frames go through per-CPU lists whose
 * batch is about a thousandth of the zone (zone_batchsize()): 1 frame
 * here, with a high mark of 6 x batch = 6 (test_buddy.c checks both).
 * pmm_machine_init() allocates the zero page from setup(), that is on CPU
 * 0, whose empty list is refilled with one frame from the buddy: frame 0,
 * which splits the order-10 block into one block of every order 0..9, at
 * pfn 1, 2, 4, ..., 512. The zero page is frame 0.
 *
 * So a fresh machine has 1023 free frames, all in the buddy allocator,
 * fully merged: one block of every order 0..9, the order-k block at pfn
 * 2^k, and every per-CPU list empty. Frames freed at order 0 stay on the
 * freeing CPU's list (up to the high mark); pcp_drain_all() gives them
 * back to the buddy allocator, after which everything must have merged
 * into the fresh layout again.
 */
#ifndef PMM_TESTS_MEM_TEST_H
#define PMM_TESTS_MEM_TEST_H

#include "../sched/sched_test.h"

#include "machine/machine.h"
#include "mem/buddy.h"
#include "mem/folio.h"
#include "mem/phys.h"
#include "protmm/machine.h"

#include "../common/check.h"

#define RAM_PAGES	1024ul
/* A fresh machine: all RAM but the zero page. */
#define FRESH_FREE	(RAM_PAGES - 1)
/* Largest block order a fresh machine has free. */
#define FRESH_TOP	9u

typedef void (*body_fn)(void);

/*
 * A machine with room for a 1 GiB hugetlb folio beside the rest, and the
 * steps a body that walks every page of one may take.
 */
#define HUGE_RAM	((1ul << 30) + (8ul << 20))
#define HUGE_STEPS	(1u << 24)

/*
 * A body run once on a fresh machine of @ram_bytes (0: the default) and
 * @dev_bytes, in setup() or (@in_task) in one task on CPU 0, after
 * @prepare (NULL: nothing) has run in setup(). @step_bound: the steps the
 * execution may take (0: the explorer's default); a body cut short by it
 * would pass without having run, so the run must not be.
 */
struct body_run {
	body_fn body;
	bool in_task;
	unsigned long ram_bytes;
	unsigned long dev_bytes;
	uint32_t step_bound;
	body_fn prepare;
};

static inline void body_task(void *arg)
{
	((body_fn)arg)();
}

static inline void body_setup(void *arg)
{
	const struct body_run *b = arg;
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	if (b->ram_bytes)
		o.ram_bytes = b->ram_bytes;
	o.dev_bytes = b->dev_bytes;
	if (pmm_machine_init(&o)) {
		pmm_violation("setup", "pmm_machine_init failed");
		return;
	}
	if (b->prepare)
		b->prepare();
	if (b->in_task)
		task_new("body", 0, body_task, (void *)b->body);
	else
		b->body();
}

static inline void body_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/*
 * Runs @b: one execution, whole (not cut short at the step bound), no
 * deadlock and no check() failed; it meets @oracle (NULL: no violation
 * at all, the leak oracle at the end included) with @msg_part in its
 * message.
 */
static inline void body_run_expect(const struct body_run *b,
				   const char *oracle, const char *msg_part)
{
	const struct pmm_program p = PROGRAM_ARG("body", body_setup,
						 body_finish, b);
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	failures = 0;
	o.stop_on_violation = false;
	o.trace = false;
	if (b->step_bound)
		o.step_bound = b->step_bound;
	assert_int_equal(pmm_explore(&p, &o, &r), 0);
	if (r.executions != 1 || r.truncated || r.deadlocks ||
	    r.violations != (oracle ? 1u : 0u) ||
	    (oracle && strcmp(r.oracle, oracle)) ||
	    (msg_part && !strstr(r.message, msg_part)))
		explore_report(p.name, &r);
	assert_true(r.complete);
	assert_int_equal(r.truncated, 0);
	assert_int_equal(r.executions, 1);
	assert_int_equal(r.deadlocks, 0);
	assert_int_equal(r.violations, oracle ? 1 : 0);
	if (oracle)
		assert_string_equal(r.oracle, oracle);
	if (msg_part)
		assert_non_null(strstr(r.message, msg_part));
	if (failures)
		fail_msg("%u failed checks, first %s", failures, failure);
	pmm_explore_result_release(&r);
}

/*
 * Runs @body once (setup, or its one task) and expects @oracle (NULL: no
 * violation at all, the leak oracle at the end included) with @msg_part
 * in its message.
 */
static inline void run_body_expect(body_fn body, bool in_task,
				   const char *oracle, const char *msg_part)
{
	const struct body_run b = { .body = body, .in_task = in_task };

	body_run_expect(&b, oracle, msg_part);
}

static inline void run_body(body_fn body)
{
	run_body_expect(body, false, NULL, NULL);
}

/*
 * Runs @body once in a task on a machine with room for a 1 GiB folio,
 * with the steps to walk every page of one (a 1 GiB split takes a step
 * per piece's reference), and expects no violation.
 */
static inline void run_body_huge(body_fn body)
{
	const struct body_run b = {
		.body = body, .in_task = true, .ram_bytes = HUGE_RAM,
		.step_bound = HUGE_STEPS,
	};

	body_run_expect(&b, NULL, NULL);
}

/* Free blocks per order, for comparing the buddy allocator's layout. */
struct layout {
	unsigned long nr_free[MAX_PAGE_ORDER + 1];
};

static inline void layout_get(struct layout *l)
{
	memcpy(l->nr_free, phys->zone.nr_free, sizeof(l->nr_free));
}

static inline bool layout_equal(const struct layout *a, const struct layout *b)
{
	return !memcmp(a->nr_free, b->nr_free, sizeof(a->nr_free));
}

/* Pages on a per-CPU list are PageBuddy with this order (buddy.c PCP_ORDER). */
#define PCP_PAGE_ORDER	(MAX_PAGE_ORDER + 1)

/* A fresh machine's layout (see the top of this file). */
static inline bool layout_is_fresh(void)
{
	unsigned int o;

	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		if (phys->zone.nr_free[o] != (o <= FRESH_TOP ? 1u : 0u))
			return false;
	for (o = 0; o < PCP_MAX_CPUS; o++)
		if (phys->zone.pcp[o].count)
			return false;
	return true;
}

/* Every free frame in the buddy allocator: the per-CPU lists emptied. */
static inline void pcp_drain_all(void)
{
	struct zone *z = &phys->zone;
	unsigned int cpu;

	/* A non-empty list pops without refilling. */
	for (cpu = 0; cpu < PCP_MAX_CPUS; cpu++)
		while (z->pcp[cpu].count)
			buddy_free(z, alloc_pages_cpu(z, 0, (int)cpu), 0);
}

/* Frames on the per-CPU lists, all CPUs together. */
static inline int pcp_total(void)
{
	int n = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < PCP_MAX_CPUS; cpu++)
		n += phys->zone.pcp[cpu].count;
	return n;
}

/* Every byte of frame @pfn equals @c (no yield, no watcher). */
static inline bool frame_is(unsigned long pfn, unsigned char c)
{
	unsigned char buf[PAGE_SIZE];
	unsigned int i;

	frame_peek(pfn, 0, buf, PAGE_SIZE);
	for (i = 0; i < PAGE_SIZE; i++)
		if (buf[i] != c)
			return false;
	return true;
}

/* A check in a program: record the first failing line, go on. */
static int failed_line __attribute__((unused));
#define CHECK(cond) do {						\
	if (!(cond) && !failed_line)					\
		failed_line = __LINE__;					\
} while (0)

/* Asserts that no CHECK() of the last run failed, naming the line if one did. */
static inline void assert_checks(void)
{
	if (failed_line)
		print_message("CHECK failed at line %d\n", failed_line);
	assert_int_equal(failed_line, 0);
}

static inline void checks_reset(void)
{
	failed_line = 0;
}

#endif /* PMM_TESTS_MEM_TEST_H */
