// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The "indep" test program: independent writers that log the order in
 * which their steps ran, and a record of every execution's log.
 */
#include <stdlib.h>
#include <string.h>

#include "progs.h"
#include "sched/atomic.h"

struct indep_exec {
	unsigned int len;
	uint8_t log[INDEP_MAX_STEPS + 1];
};

struct indep_task {
	struct indep_exec *ex;
	unsigned int id;
	unsigned int steps;
	int var;
};

/*
 * A step is "make the pending access, then run to the next yield point",
 * so logging right after the write puts the id at the step's position.
 */
static void indep_fn(void *arg)
{
	struct indep_task *t = arg;
	unsigned int i;

	for (i = 0; i < t->steps; i++) {
		WRITE_ONCE(t->var, (int)i);
		if (t->ex->len <= INDEP_MAX_STEPS)
			t->ex->log[t->ex->len++] = (uint8_t)t->id;
	}
}

static const char *const indep_names[INDEP_MAX_TASKS] = {
	"w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7",
};

static void indep_setup(void *arg)
{
	struct indep_prog *p = arg;
	unsigned int i;

	p->cur = pmm_alloc(sizeof(*p->cur));
	for (i = 0; i < p->nr; i++) {
		struct indep_task *t = pmm_alloc(sizeof(*t));

		t->ex = p->cur;
		t->id = i;
		t->steps = p->steps[i];
		pmm_obj_name(&t->var, indep_names[i]);
		pmm_task_create(indep_names[i], (int)i, indep_fn, t);
	}
}

/* The log must hold each task's id exactly steps[i] times. */
static bool log_valid(const struct indep_prog *p, const struct indep_exec *ex)
{
	unsigned int count[INDEP_MAX_TASKS] = { 0 };
	unsigned int i;

	if (ex->len != indep_total_steps(p))
		return false;
	for (i = 0; i < ex->len; i++)
		count[ex->log[i]]++;
	for (i = 0; i < p->nr; i++)
		if (count[i] != p->steps[i])
			return false;
	return true;
}

static void record(struct indep_prog *p, uint64_t key)
{
	if (p->nr_seen == p->cap_seen) {
		size_t cap = p->cap_seen ? p->cap_seen * 2 : 1024;
		uint64_t *n = realloc(p->seen, cap * sizeof(*n));

		if (!n) {
			p->bad++;
			return;
		}
		p->seen = n;
		p->cap_seen = cap;
	}
	p->seen[p->nr_seen++] = key;
}

static void indep_finish(void *arg)
{
	struct indep_prog *p = arg;
	struct indep_exec *ex = p->cur;
	uint64_t key;

	if (!log_valid(p, ex)) {
		p->bad++;
		pmm_violation("test-log", "log of %u steps is no interleaving",
			      ex->len);
		return;
	}
	key = indep_key(ex->log, ex->len);
	record(p, key);
	if (p->has_target && key == p->target)
		pmm_violation("target", "the target interleaving ran");
}

void indep_init(struct indep_prog *p, unsigned int nr,
		const unsigned int *steps)
{
	memset(p, 0, sizeof(*p));
	p->nr = nr;
	memcpy(p->steps, steps, nr * sizeof(*steps));
	p->prog = (struct pmm_program){
		.name = "indep",
		.description = "independent logged writers",
		.setup = indep_setup,
		.finish = indep_finish,
		.arg = p,
	};
}

void indep_release(struct indep_prog *p)
{
	free(p->seen);
	p->seen = NULL;
	p->nr_seen = p->cap_seen = 0;
}

unsigned int indep_total_steps(const struct indep_prog *p)
{
	unsigned int i, sum = 0;

	for (i = 0; i < p->nr; i++)
		sum += p->steps[i];
	return sum;
}

uint64_t indep_key(const uint8_t *ids, size_t n)
{
	uint64_t key = 0;
	size_t i;

	for (i = 0; i < n; i++)
		key = key << 3 | ids[i];
	return key;
}

void indep_set_target(struct indep_prog *p, const uint8_t *ids, size_t n)
{
	p->has_target = true;
	p->target = indep_key(ids, n);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t indep_distinct(const struct indep_prog *p)
{
	uint64_t *copy;
	size_t i, n = 0;

	if (!p->nr_seen)
		return 0;
	copy = malloc(p->nr_seen * sizeof(*copy));
	if (!copy)
		return 0;
	memcpy(copy, p->seen, p->nr_seen * sizeof(*copy));
	qsort(copy, p->nr_seen, sizeof(*copy), cmp_u64);
	for (i = 0; i < p->nr_seen; i++)
		if (!i || copy[i] != copy[i - 1])
			n++;
	free(copy);
	return n;
}

bool indep_increasing(const struct indep_prog *p)
{
	size_t i;

	for (i = 1; i < p->nr_seen; i++)
		if (p->seen[i] <= p->seen[i - 1])
			return false;
	return true;
}
