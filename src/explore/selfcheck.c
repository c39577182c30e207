// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "explore/selfcheck.h"
#include "sched/atomic.h"
#include "sched/mutex.h"
#include "sched/spinlock.h"

/*
 * lost-update: two tasks increment a counter with a plain load and store.
 * Of the C(4,2) = 6 interleavings of (load, store) x 2, the 4 in which both
 * loads come before both stores lose an update.
 */
struct counter {
	int value;
	spinlock_t lock;
	struct mutex mutex;
};

static void inc_racy(void *arg)
{
	struct counter *c = arg;
	int v = READ_ONCE(c->value);

	WRITE_ONCE(c->value, v + 1);
}

static struct counter *counter_setup(pmm_task_fn fn)
{
	struct counter *c = pmm_alloc(sizeof(*c));

	spin_lock_init(&c->lock);
	mutex_init(&c->mutex);
	pmm_obj_name(&c->value, "counter");
	pmm_obj_name(&c->lock, "lock");
	pmm_obj_name(&c->mutex, "mutex");
	pmm_task_create("inc0", 0, fn, c);
	pmm_task_create("inc1", 1, fn, c);
	return c;
}

static struct counter *the_counter;

static void counter_finish(void *arg)
{
	(void)arg;
	if (the_counter->value != 2)
		pmm_violation("final-state",
			      "counter is %d after two increments",
			      the_counter->value);
}

static void lost_update_setup(void *arg)
{
	(void)arg;
	the_counter = counter_setup(inc_racy);
}

static const struct pmm_program lost_update = {
	.name = "lost-update",
	.description = "Two tasks increment a counter with a plain load and "
		       "store; an update is lost.",
	.setup = lost_update_setup,
	.finish = counter_finish,
};

/* spinlock-increment: lock, load, store, unlock; only 2 orders remain. */
static void inc_spin(void *arg)
{
	struct counter *c = arg;

	spin_lock(&c->lock);
	inc_racy(c);
	spin_unlock(&c->lock);
}

static void spin_setup(void *arg)
{
	(void)arg;
	the_counter = counter_setup(inc_spin);
}

static const struct pmm_program spin_increment = {
	.name = "spinlock-increment",
	.description = "The lost update, with the increment under a spinlock.",
	.setup = spin_setup,
	.finish = counter_finish,
};

static void inc_mutex(void *arg)
{
	struct counter *c = arg;

	mutex_lock(&c->mutex);
	inc_racy(c);
	mutex_unlock(&c->mutex);
}

static void mutex_setup(void *arg)
{
	(void)arg;
	the_counter = counter_setup(inc_mutex);
}

static const struct pmm_program mutex_increment = {
	.name = "mutex-increment",
	.description = "The lost update, with the increment under a mutex.",
	.setup = mutex_setup,
	.finish = counter_finish,
};

/*
 * abba-deadlock: T0 takes a then b, T1 takes b then a. First steps: if T0
 * takes a, then T0 takes b (2 endings: T0 releases a before or after T1
 * takes b) or T1 takes b (deadlock); the mirror image for T1 first: 6
 * executions, 2 of them deadlocks.
 */
struct abba {
	struct mutex a, b;
};

static void abba_task(struct mutex *first, struct mutex *second)
{
	mutex_lock(first);
	mutex_lock(second);
	mutex_unlock(second);
	mutex_unlock(first);
}

static void ab(void *arg)
{
	struct abba *x = arg;

	abba_task(&x->a, &x->b);
}

static void ba(void *arg)
{
	struct abba *x = arg;

	abba_task(&x->b, &x->a);
}

static void abba_setup(void *arg)
{
	struct abba *x = pmm_alloc(sizeof(*x));

	(void)arg;
	mutex_init(&x->a);
	mutex_init(&x->b);
	pmm_obj_name(&x->a, "A");
	pmm_obj_name(&x->b, "B");
	pmm_task_create("ab", 0, ab, x);
	pmm_task_create("ba", 1, ba, x);
}

static const struct pmm_program abba = {
	.name = "abba-deadlock",
	.description = "Two tasks take two mutexes in opposite orders.",
	.setup = abba_setup,
};

/*
 * store-buffering: x = 1; r0 = y  ||  y = 1; r1 = x. Under sequential
 * consistency r0 == r1 == 0 is forbidden; the 6 interleavings give the
 * other three outcomes.
 */
struct sb {
	int x, y, r0, r1;
};

static struct sb *the_sb;
static unsigned int sb_seen;

static void sb0(void *arg)
{
	struct sb *s = arg;

	WRITE_ONCE(s->x, 1);
	s->r0 = READ_ONCE(s->y);
}

static void sb1(void *arg)
{
	struct sb *s = arg;

	WRITE_ONCE(s->y, 1);
	s->r1 = READ_ONCE(s->x);
}

static void sb_setup(void *arg)
{
	struct sb *s = pmm_alloc(sizeof(*s));

	(void)arg;
	pmm_obj_name(&s->x, "x");
	pmm_obj_name(&s->y, "y");
	pmm_task_create("sb0", 0, sb0, s);
	pmm_task_create("sb1", 1, sb1, s);
	the_sb = s;
}

static void sb_finish(void *arg)
{
	(void)arg;
	sb_seen |= 1u << (the_sb->r0 * 2 + the_sb->r1);
	if (!the_sb->r0 && !the_sb->r1)
		pmm_violation("final-state",
			      "r0 == 0 && r1 == 0: forbidden under SC");
}

static void sb_reset(void)
{
	sb_seen = 0;
}

/* Outcomes seen, as bit (r0 * 2 + r1): exactly 01, 10 and 11. */
static bool sb_check(char *why, size_t len)
{
	if (sb_seen == 0xe)
		return true;
	snprintf(why, len, "outcomes seen %#x, expected 0xe "
		 "(r0r1 = 01, 10, 11)", sb_seen);
	return false;
}

static const struct pmm_program store_buffering = {
	.name = "store-buffering",
	.description = "The SB litmus test under sequential consistency.",
	.setup = sb_setup,
	.finish = sb_finish,
};

/*
 * independent-NxM: tasks that each write their own variable, steps[i]
 * times: every interleaving is distinct, (sum)! / prod(steps[i]!) of them.
 */
struct indep {
	unsigned int nr;
	unsigned int steps[3];
};

struct indep_task {
	unsigned int steps;
	int var;
};

static void indep_task(void *arg)
{
	struct indep_task *t = arg;
	unsigned int i;

	for (i = 0; i < t->steps; i++)
		WRITE_ONCE(t->var, (int)i);
}

static const char *const indep_names[] = { "t0", "t1", "t2" };

static void indep_setup(void *arg)
{
	const struct indep *p = arg;
	unsigned int i;

	for (i = 0; i < p->nr; i++) {
		struct indep_task *t = pmm_alloc(sizeof(*t));

		t->steps = p->steps[i];
		pmm_task_create(indep_names[i], (int)i, indep_task, t);
	}
}

static const struct indep indep_2x3 = { 2, { 3, 3 } };
static const struct indep indep_2x10 = { 2, { 10, 10 } };
static const struct indep indep_3x5 = { 3, { 5, 5, 5 } };

#define INDEP(n, p) {							\
	.name = n,							\
	.description = "Tasks making independent steps: every "	\
		       "interleaving is visited.",			\
	.setup = indep_setup,						\
	.arg = (void *)&(p),						\
}

static const struct pmm_program indep_programs[] = {
	INDEP("independent-2x3", indep_2x3),
	INDEP("independent-2x10", indep_2x10),
	INDEP("independent-3x5", indep_3x5),
};

const struct selfcheck selfchecks[] = {
	{ "lost-update", &lost_update, "final-state", 6, 4,
	  "C(4,2) = 6 orders; 4 put both loads before both stores", NULL, NULL },
	{ "spinlock-increment", &spin_increment, NULL, 2, 0,
	  "one critical section runs whole before the other", NULL, NULL },
	{ "mutex-increment", &mutex_increment, NULL, 2, 0,
	  "one critical section runs whole before the other", NULL, NULL },
	{ "abba-deadlock", &abba, "deadlock", 6, 2,
	  "3 executions for each first locker, 1 of them deadlocks", NULL, NULL },
	{ "store-buffering", &store_buffering, NULL, 6, 0,
	  "C(4,2) = 6 orders; outcomes 01, 10, 11 and never 00",
	  sb_reset, sb_check },
	{ "independent-2x3", &indep_programs[0], NULL, 20, 0,
	  "C(6,3) = 20", NULL, NULL },
	{ "independent-2x10", &indep_programs[1], NULL, 184756, 0,
	  "C(20,10) = 184756", NULL, NULL },
	{ "independent-3x5", &indep_programs[2], NULL, 756756, 0,
	  "15! / (5!)^3 = 756756", NULL, NULL },
};

const unsigned int nr_selfchecks = sizeof(selfchecks) / sizeof(selfchecks[0]);

const struct selfcheck *selfcheck_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_selfchecks; i++)
		if (!strcmp(selfchecks[i].name, name))
			return &selfchecks[i];
	return NULL;
}

static bool counts_match(const struct selfcheck *c, struct selfcheck_verdict *v)
{
	const struct pmm_explore_result *r = &v->res;

	if (!r->complete || r->truncated) {
		snprintf(v->why, sizeof(v->why), "exploration incomplete");
		return false;
	}
	if (r->executions != c->expect_executions ||
	    r->violations != c->expect_violations) {
		snprintf(v->why, sizeof(v->why),
			 "%llu executions with %llu violating, expected %llu with %llu",
			 (unsigned long long)r->executions,
			 (unsigned long long)r->violations,
			 (unsigned long long)c->expect_executions,
			 (unsigned long long)c->expect_violations);
		return false;
	}
	if (c->expect_oracle && strcmp(r->oracle, c->expect_oracle)) {
		snprintf(v->why, sizeof(v->why), "found %s, expected %s",
			 r->oracle, c->expect_oracle);
		return false;
	}
	return true;
}

/* The first violation's schedule, replayed, must end in the same oracle. */
static bool replays(const struct selfcheck *c, struct selfcheck_verdict *v)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	bool same;

	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = v->res.schedule;
	o.trace = false;
	if (pmm_explore(c->prog, &o, &r)) {
		snprintf(v->why, sizeof(v->why), "replay failed: %.200s", r.message);
		return false;
	}
	same = r.violations == 1 && !strcmp(r.oracle, v->res.oracle);
	if (!same)
		snprintf(v->why, sizeof(v->why),
			 "replaying %s did not reproduce %s", v->res.schedule,
			 v->res.oracle);
	pmm_explore_result_release(&r);
	return same;
}

int selfcheck_run(const struct selfcheck *c, struct selfcheck_verdict *v)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	int err;

	memset(v, 0, sizeof(*v));
	o.stop_on_violation = false;
	if (c->reset)
		c->reset();
	err = pmm_explore(c->prog, &o, &v->res);
	if (err)
		return err;
	v->pass = counts_match(c, v) &&
		  (!c->check_seen || c->check_seen(v->why, sizeof(v->why))) &&
		  (!v->res.violations || replays(c, v));
	return 0;
}
