// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "randprog.h"
#include "sched/atomic.h"
#include "sched/mutex.h"
#include "sched/rwsem.h"

#define RP_VARS 3
#define RP_LOCKS 2
#define RP_LOG 64

struct rp_access {
	uint8_t task, idx, obj, write;
};

struct rp_exec {
	atomic_t var[RP_VARS];
	struct mutex lock[RP_LOCKS];
	struct rw_semaphore sem[RP_LOCKS];
	int last_read[RP_MAX_TASKS];
	struct rp_access log[RP_LOG];
	unsigned int nr_log;
	unsigned int idx[RP_MAX_TASKS];
};

static struct rp_prog *cur_prog;
static struct rp_exec *cur;

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void log_access(unsigned int task, unsigned int obj, bool write)
{
	if (cur->nr_log < RP_LOG)
		cur->log[cur->nr_log++] = (struct rp_access){
			(uint8_t)task, (uint8_t)cur->idx[task]++, (uint8_t)obj, write };
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t rp_distinct(uint64_t *keys, size_t n)
{
	size_t i, k = 0;

	qsort(keys, n, sizeof(*keys), cmp_u64);
	for (i = 0; i < n; i++)
		if (!k || keys[k - 1] != keys[i])
			keys[k++] = keys[i];
	return k;
}

/* The trace: each access with the number of writes to its object before. */
static uint64_t trace_key(void)
{
	uint64_t keys[RP_LOG], h = 0;
	unsigned int writes[16] = { 0 }, i;

	for (i = 0; i < cur->nr_log; i++) {
		const struct rp_access *a = &cur->log[i];

		keys[i] = (uint64_t)a->task << 40 | (uint64_t)a->idx << 32 |
			  (uint64_t)a->obj << 24 | (uint64_t)a->write << 16 |
			  writes[a->obj];
		if (a->write)
			writes[a->obj]++;
	}
	qsort(keys, cur->nr_log, sizeof(keys[0]), cmp_u64);
	for (i = 0; i < cur->nr_log; i++)
		h = mix(h, keys[i]);
	return h;
}

static uint64_t state_key(void)
{
	uint64_t h = 1;
	unsigned int i;

	for (i = 0; i < RP_VARS; i++)
		h = mix(h, (uint64_t)(uint32_t)cur->var[i].counter);
	for (i = 0; i < RP_MAX_TASKS; i++)
		h = mix(h, (uint64_t)(uint32_t)cur->last_read[i]);
	return h;
}

static void push(uint64_t **arr, size_t *n, size_t *cap, uint64_t v)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		uint64_t *a = realloc(*arr, c * sizeof(*a));

		if (!a)
			return;
		*arr = a;
		*cap = c;
	}
	(*arr)[(*n)++] = v;
}

static void rp_task(void *arg)
{
	unsigned int t = (unsigned int)(uintptr_t)arg, k;
	const struct rp_prog *p = cur_prog;

	for (k = 0; k < p->nr_ins[t]; k++) {
		const struct rp_ins *in = &p->ins[t][k];
		atomic_t *v = &cur->var[in->obj % RP_VARS];
		int old;

		switch (in->op) {
		case RP_READ:
			old = atomic_read(v);
			log_access(t, in->obj, false);
			cur->last_read[t] = old * 7 + cur->last_read[t];
			if ((int)t == p->bad_task && old == p->bad_val) {
				/* Which read saw what: prefixes before it vary. */
				push(&cur_prog->viol_keys, &cur_prog->nr_viol,
				     &cur_prog->cap_viol,
				     (uint64_t)t << 40 | (uint64_t)k << 32 |
				     (uint32_t)cur->last_read[t]);
				pmm_violation("data-corruption", "task %u read %d", t, old);
			}
			break;
		case RP_WRITE:
			atomic_set(v, in->val + cur->last_read[t] % 3);
			log_access(t, in->obj, true);
			break;
		case RP_CMPXCHG:
			old = atomic_cmpxchg(v, in->val, (int)t + 10);
			log_access(t, in->obj, old == in->val);
			cur->last_read[t] = old * 5 + cur->last_read[t];
			break;
		case RP_ADD:
			atomic_add(in->val, v);
			log_access(t, in->obj, true);
			break;
		case RP_LOCK:
			if (!p->rw)
				mutex_lock(&cur->lock[in->obj % RP_LOCKS]);
			else if (in->val)
				down_read(&cur->sem[in->obj % RP_LOCKS]);
			else
				down_write(&cur->sem[in->obj % RP_LOCKS]);
			log_access(t, 8 + in->obj % RP_LOCKS, true);
			break;
		case RP_UNLOCK:
			if (!p->rw)
				mutex_unlock(&cur->lock[in->obj % RP_LOCKS]);
			else if (in->val)
				up_read(&cur->sem[in->obj % RP_LOCKS]);
			else
				up_write(&cur->sem[in->obj % RP_LOCKS]);
			log_access(t, 8 + in->obj % RP_LOCKS, true);
			break;
		}
	}
}

static void rp_setup(void *arg)
{
	struct rp_prog *p = arg;
	unsigned int i;

	cur_prog = p;
	cur = pmm_alloc(sizeof(*cur));
	if (!cur)
		return;
	for (i = 0; i < RP_LOCKS; i++) {
		mutex_init(&cur->lock[i]);
		init_rwsem(&cur->sem[i]);
	}
	for (i = 0; i < p->nr_tasks; i++)
		pmm_task_create("rp", (int)i, rp_task, (void *)(uintptr_t)i);
}

static void rp_finish(void *arg)
{
	struct rp_prog *p = arg;

	push(&p->trace_keys, &p->nr_keys, &p->cap_keys, trace_key());
#ifdef RP_DEBUG
	{
		unsigned int i;

		printf("%016llx:", (unsigned long long)trace_key());
		for (i = 0; i < cur->nr_log; i++)
			printf(" %u%c%u", cur->log[i].task, cur->log[i].write ? 'w' : 'r', cur->log[i].obj);
		printf("\n");
	}
#endif
	push(&p->state_keys, &p->nr_state, &p->cap_state, state_key());
}

void rp_generate(struct rp_prog *p, uint64_t seed)
{
	uint64_t s = seed;
	unsigned int t, k, budget;

	memset(p, 0, sizeof(*p));
	p->prog = (struct pmm_program){ .name = "random", .setup = rp_setup,
		.finish = rp_finish, .arg = p };
	p->nr_tasks = 2 + (unsigned int)(splitmix(&s) % 2);
	p->nr_vars = 1 + (unsigned int)(splitmix(&s) % RP_VARS);
	budget = p->nr_tasks == 2 ? 8 : 7;
	for (t = 0; t < p->nr_tasks; t++) {
		unsigned int n = 1 + (unsigned int)(splitmix(&s) % 3);
		int held = -1, held2 = -1;

		for (k = 0; k < n && p->nr_ins[t] + 2 < RP_MAX_OPS && budget; k++) {
			struct rp_ins *in = &p->ins[t][p->nr_ins[t]++];
			unsigned int r = (unsigned int)(splitmix(&s) % 10);

			budget--;
			in->obj = (uint8_t)(splitmix(&s) % p->nr_vars);
			in->val = (int8_t)(splitmix(&s) % 3);
			if (r < 3)
				in->op = RP_READ;
			else if (r < 5)
				in->op = RP_WRITE;
			else if (r < 7)
				in->op = RP_CMPXCHG;
			else if (r < 8)
				in->op = RP_ADD;
			else {
				in->op = RP_LOCK;
				in->obj = (uint8_t)(splitmix(&s) % RP_LOCKS);
				if (held < 0)
					held = in->obj;
				else if (held2 < 0 && in->obj != held)
					held2 = in->obj;
				else
					in->op = RP_READ, in->obj = 0;
			}
		}
		if (held2 >= 0)
			p->ins[t][p->nr_ins[t]++] = (struct rp_ins){ RP_UNLOCK, (uint8_t)held2, 0 };
		if (held >= 0)
			p->ins[t][p->nr_ins[t]++] = (struct rp_ins){ RP_UNLOCK, (uint8_t)held, 0 };
	}
	p->bad_task = (int)(splitmix(&s) % (p->nr_tasks + 1)) - 1;
	p->bad_val = (int)(splitmix(&s) % 13);
}

void rp_generate_rw(struct rp_prog *p, uint64_t seed)
{
	uint64_t s = seed ^ 0x5DEECE66Dull;
	unsigned int t, k, m;

	rp_generate(p, seed);
	p->rw = true;
	for (t = 0; t < p->nr_tasks; t++) {
		for (k = 0; k < p->nr_ins[t]; k++) {
			struct rp_ins *in = &p->ins[t][k];

			if (in->op != RP_LOCK)
				continue;
			in->val = (int8_t)(splitmix(&s) % 2);
			/* Its unlock (the last one of that lock) matches. */
			for (m = p->nr_ins[t]; m-- > k + 1;) {
				if (p->ins[t][m].op == RP_UNLOCK &&
				    p->ins[t][m].obj == in->obj) {
					p->ins[t][m].val = in->val;
					break;
				}
			}
		}
	}
}

void rp_reset_records(struct rp_prog *p)
{
	p->nr_keys = 0;
	p->nr_state = 0;
	p->nr_viol = 0;
}

void rp_release(struct rp_prog *p)
{
	free(p->trace_keys);
	free(p->state_keys);
	free(p->viol_keys);
	p->trace_keys = p->state_keys = p->viol_keys = NULL;
}
