// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Optimal-DPOR, stateless: every execution replays the branch choices on
 * the stack, then follows the wakeup tree below, then picks the lowest
 * enabled task outside the sleep set. Events are recorded as they run
 * (vector clock, hb predecessors); when the execution ends, each race
 * between an earlier event e and a new event e' gives the sequence
 * notdep(e).e', inserted into the wakeup tree before e unless a sleeping
 * task is a weak initial of it (JACM 2017, Algorithm 2).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/dpor.h"

/* Objects the table keeps across executions before it starts over. */
#define DPOR_OBJ_KEEP_MAX 4096

struct dpor_obj {
	const void *obj;
	uint32_t gen;
	uint32_t last_write;	/* event index, or NONE */
	uint32_t last_read;	/* head of the reads since last_write */
	uint32_t last_acq;	/* the last lock acquire, or NONE */
};

static bool kind_writes(enum pmm_access k)
{
	return k != PMM_ACC_READ;
}

/* Whether footprints @a (its own object written: @aw) and @b conflict. */
static inline bool conflict(const struct dpor_fp *a, bool aw,
			    const struct dpor_fp *b, bool bw)
{
	unsigned int i, k;

	/* Most steps name one object. */
	if (a->n == 1 && b->n == 1)
		return a->obj[0] == b->obj[0] && (aw || bw);
	for (i = 0; i < a->n; i++) {
		bool wa = i ? a->wmask >> i & 1 : aw;

		for (k = 0; k < b->n; k++)
			if (a->obj[i] == b->obj[k] &&
			    (wa || (k ? b->wmask >> k & 1 : bw)))
				return true;
	}
	return false;
}

/* Task @t's pending footprint: its yield point's object and sched_also()'s. */
static void task_fp(const struct task *t, struct dpor_fp *fp)
{
	unsigned int i;

	fp->obj[0] = t->obj;
	fp->n = 1;
	fp->wmask = 0;
	for (i = 0; i < t->nr_also; i++) {
		const void *o = t->also_fn[i] ? t->also_fn[i](t->also[i]) : t->also[i];

		if (!o)
			continue;
		if (t->also_write >> i & 1)
			fp->wmask |= (uint8_t)(1u << fp->n);
		fp->obj[fp->n++] = o;
	}
}

/* Grows *p (n elements of @size) to hold at least @need, doubling. */
static int grow(void *pp, uint32_t *cap, uint32_t need, size_t size)
{
	void **p = pp;
	uint32_t c = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	q = realloc(*p, (size_t)c * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

static uint32_t tree_alloc(struct dpor *d, uint8_t task,
			   const struct dpor_fp *fp, bool write)
{
	uint32_t i;

	if (d->tree_free != DPOR_NONE) {
		i = d->tree_free;
		d->tree_free = d->tree[i].sibling;
	} else {
		if (grow(&d->tree, &d->tree_cap, d->tree_used + 1, sizeof(*d->tree))) {
			d->oom = true;
			return DPOR_NONE;
		}
		i = d->tree_used++;
	}
	d->tree[i] = (struct dpor_wnode){ .fp = *fp, .child = DPOR_NONE,
		.sibling = DPOR_NONE, .task = task, .write = write };
	return i;
}

/* Frees @i and everything below it (not its siblings). */
static void tree_free(struct dpor *d, uint32_t i)
{
	uint32_t c = d->tree[i].child;

	while (c != DPOR_NONE) {
		uint32_t next = d->tree[c].sibling;

		tree_free(d, c);
		c = next;
	}
	d->tree[i].sibling = d->tree_free;
	d->tree_free = i;
}

static void begin_execution(struct dpor *d);

int dpor_init(struct dpor *d, struct sched *s, uint32_t split_depth)
{
	memset(d, 0, sizeof(*d));
	d->sched = s;
	d->split_depth = split_depth;
	d->tree_free = DPOR_NONE;
	d->root = tree_alloc(d, 0, &(struct dpor_fp){ .n = 0 }, false);
	if (d->root == DPOR_NONE)
		return -ENOMEM;
	d->obj_cap = 256;
	d->objs = calloc(d->obj_cap, sizeof(*d->objs));
	if (!d->objs)
		return -ENOMEM;
	d->obj_gen = 1;
	begin_execution(d);
	return 0;
}

void dpor_destroy(struct dpor *d)
{
	free(d->node);
	free(d->ev);
	free(d->pend);
	free(d->vc);
	free(d->cand);
	free(d->tree);
	free(d->objs);
	free(d->seq);
	free(d->seq_task);
	free(d->dis);
	free(d->nr_dis);
	memset(d, 0, sizeof(*d));
}

/* Room for position @pos in the per-position arrays. */
static int reserve(struct dpor *d, uint32_t pos)
{
	uint32_t cap;

	if (pos < d->cap)
		return 0;
	cap = d->cap ? d->cap * 2 : 256;
	while (cap <= pos)
		cap *= 2;
	d->node = realloc(d->node, (size_t)cap * sizeof(*d->node));
	d->ev = realloc(d->ev, (size_t)cap * sizeof(*d->ev));
	d->pend = realloc(d->pend, (size_t)cap * d->nt * sizeof(*d->pend));
	d->vc = realloc(d->vc, (size_t)cap * d->nt * sizeof(*d->vc));
	if (!d->node || !d->ev || !d->pend || !d->vc)
		return -ENOMEM;
	d->cap = cap;
	return 0;
}

static struct dpor_obj *obj_lookup(struct dpor *d, const void *obj)
{
	uint64_t h = (uint64_t)(uintptr_t)obj * 0x9E3779B97F4A7C15ull;
	uint32_t mask = d->obj_cap - 1, i = (uint32_t)(h >> 40) & mask;

	for (;; i = (i + 1) & mask) {
		struct dpor_obj *o = &d->objs[i];

		if (o->gen != d->obj_gen) {
			o->obj = obj;
			o->gen = d->obj_gen;
			o->last_write = DPOR_NONE;
			o->last_read = DPOR_NONE;
			o->last_acq = DPOR_NONE;
			d->obj_used++;
			return o;
		}
		if (o->obj == obj)
			return o;
	}
}

/* Keeps the object table at most half full (rehashes this execution's). */
static int obj_room(struct dpor *d)
{
	struct dpor_obj *old = d->objs;
	uint32_t cap = d->obj_cap, gen = d->obj_gen, i;

	if (2 * (d->obj_used + 1) <= d->obj_cap)
		return 0;
	d->objs = calloc((size_t)cap * 2, sizeof(*d->objs));
	if (!d->objs) {
		d->objs = old;
		return -ENOMEM;
	}
	d->obj_cap = cap * 2;
	d->obj_used = 0;
	for (i = 0; i < cap; i++) {
		if (old[i].gen == gen) {
			struct dpor_obj *o = obj_lookup(d, old[i].obj);

			*o = old[i];
		}
	}
	free(old);
	return 0;
}

static void add_cand(struct dpor *d, uint32_t e)
{
	if (grow(&d->cand, &d->cand_cap, d->nr_cand_used + 1, sizeof(*d->cand))) {
		d->oom = true;
		return;
	}
	d->cand[d->nr_cand_used++] = e;
}

static inline uint32_t *vc_of(const struct dpor *d, uint32_t e)
{
	return &d->vc[(size_t)e * d->nt];
}

/* Whether event @a happens before (or is) event @b. */
static inline bool hb(const struct dpor *d, uint32_t a, uint32_t b)
{
	return vc_of(d, b)[d->ev[a].task] > a;
}

static void join(struct dpor *d, uint32_t *vc, uint32_t e)
{
	const uint32_t *o = vc_of(d, e);
	unsigned int t;

	for (t = 0; t < d->nt; t++)
		if (o[t] > vc[t])
			vc[t] = o[t];
}

static unsigned int fp_slot(const struct dpor_fp *fp, const void *obj);

/*
 * The events @obj's access (@write) depends on directly: the last write,
 * and for a write the reads since. Appended to the candidate pool.
 */
static void gather(struct dpor *d, const struct dpor_obj *o, bool write,
		   uint8_t task)
{
	uint32_t r;

	if (o->last_write != DPOR_NONE && d->ev[o->last_write].task != task)
		add_cand(d, o->last_write);
	if (!write)
		return;
	for (r = o->last_read; r != DPOR_NONE;
	     r = d->ev[r].prev_read[fp_slot(&d->ev[r].fp, o->obj)])
		if (d->ev[r].task != task)
			add_cand(d, r);
}

/* The first place of @obj in @fp (it is there). */
static unsigned int fp_slot(const struct dpor_fp *fp, const void *obj)
{
	unsigned int i;

	for (i = 0; i + 1 < fp->n; i++)
		if (fp->obj[i] == obj)
			return i;
	return i;
}

/* Object @k of footprint @fp (the first one's write: @w0) is written. */
static bool fp_writes(const struct dpor_fp *fp, unsigned int k, bool w0)
{
	return k ? fp->wmask >> k & 1 : w0;
}

/*
 * Gathers the candidates of every object of @fp, each once: an object
 * named twice counts as written if either names it so.
 */
static int gather_fp(struct dpor *d, const struct dpor_fp *fp, bool write,
		     uint8_t task)
{
	unsigned int k, m;

	for (k = 0; k < fp->n; k++) {
		bool w = fp_writes(fp, k, write), dup = false;

		for (m = 0; m < fp->n; m++) {
			if (m != k && fp->obj[m] == fp->obj[k]) {
				w |= fp_writes(fp, m, write);
				dup |= m < k;
			}
		}
		if (dup)
			continue;
		if (obj_room(d))
			return -ENOMEM;
		gather(d, obj_lookup(d, fp->obj[k]), w, task);
	}
	return 0;
}

/* Records event @i (task @task, its executed access) and its clock. */
static void record_event(struct dpor *d, uint32_t i, uint8_t task,
			 const struct dpor_pend *p, bool write)
{
	struct dpor_event *e = &d->ev[i];
	uint32_t *vc = vc_of(d, i), k;
	struct dpor_obj *o;

	if (obj_room(d)) {
		d->oom = true;
		return;
	}
	o = obj_lookup(d, p->fp.obj[0]);
	e->fp = p->fp;
	e->task = task;
	e->write = write;
	e->dwrite = p->dwrite;
	e->acquire = write && p->kind == PMM_ACC_ACQUIRE;
	e->guarded = p->guarded;
	e->release = p->kind == PMM_ACC_RELEASE;
	e->shared = p->shared;
	e->prev_acq = DPOR_NONE;
	if (e->acquire) {
		e->old_acq = o->last_acq;
		if (o->last_acq != DPOR_NONE && d->ev[o->last_acq].task != task)
			e->prev_acq = o->last_acq;
		o->last_acq = i;
	}
	e->prev_po = d->last_ev[task];
	d->last_ev[task] = i;
	if (e->prev_po != DPOR_NONE)
		memcpy(vc, vc_of(d, e->prev_po), d->nt * sizeof(*vc));
	else
		memset(vc, 0, d->nt * sizeof(*vc));
	e->cand = d->nr_cand_used;
	if (gather_fp(d, &e->fp, write, task)) {
		d->oom = true;
		return;
	}
	e->nr_cand = (uint16_t)(d->nr_cand_used - e->cand);
	for (k = 0; k < e->nr_cand; k++)
		join(d, vc, d->cand[e->cand + k]);
	vc[task] = i + 1;
	for (k = 0; k < e->fp.n; k++) {
		unsigned int m;
		bool w = false;

		e->prev_read[k] = DPOR_NONE;
		/* An object named twice: its first slot carries it. */
		if (fp_slot(&e->fp, e->fp.obj[k]) != k)
			continue;
		for (m = 0; m < e->fp.n; m++)
			if (e->fp.obj[m] == e->fp.obj[k])
				w |= fp_writes(&e->fp, m, write);
		o = obj_lookup(d, e->fp.obj[k]);
		e->old_write[k] = o->last_write;
		e->old_read[k] = o->last_read;
		if (w) {
			o->last_write = i;
			o->last_read = DPOR_NONE;
		} else {
			e->prev_read[k] = o->last_read;
			o->last_read = i;
		}
	}
}

/* Starting a new execution: the event records are rebuilt as it runs. */
static void begin_execution(struct dpor *d)
{
	d->n = 0;
	d->nr_cand_used = 0;
	d->obj_gen++;
	d->obj_used = 0;
	d->abandoned = false;
	d->blocked_at = DPOR_NONE;
	d->nrec = 0;
	d->rec_from = 0;
	memset(d->last_ev, 0xff, sizeof(d->last_ev));
}

/* Takes back what recording event @i did to the object table. */
static void undo_event(struct dpor *d, uint32_t i)
{
	const struct dpor_event *e = &d->ev[i];
	unsigned int k;

	for (k = 0; k < e->fp.n; k++) {
		struct dpor_obj *o;

		if (fp_slot(&e->fp, e->fp.obj[k]) != k)
			continue;
		o = obj_lookup(d, e->fp.obj[k]);
		o->last_write = e->old_write[k];
		o->last_read = e->old_read[k];
	}
	if (e->acquire)
		obj_lookup(d, e->fp.obj[0])->last_acq = e->old_acq;
	d->last_ev[e->task] = e->prev_po;
}

/*
 * The next execution replays events [0, @keep) as they ran: their records
 * (clocks, candidates, the object table's state after them) stay, and
 * only the events from @keep on are recorded again. An object table grown
 * past a bound (objects of executions no longer on the stack) starts over.
 */
static void begin_execution_from(struct dpor *d, uint32_t keep)
{
	uint32_t i;

	if (keep > d->nrec || d->obj_used > DPOR_OBJ_KEEP_MAX) {
		begin_execution(d);
		return;
	}
	for (i = d->nrec; i-- > keep;)
		undo_event(d, i);
	d->nr_cand_used = keep < d->nrec ? d->ev[keep].cand : d->nr_cand_used;
	d->n = 0;
	d->abandoned = false;
	d->blocked_at = DPOR_NONE;
	d->nrec = keep;
	d->rec_from = keep;
}

static int first_use(struct dpor *d)
{
	unsigned int nt = d->sched->nr_tasks;

	if (d->nt)
		return d->nt == nt ? 0 : -EPROTO;
	d->nt = nt ? nt : 1;
	d->nr_dis = calloc(d->nt, sizeof(*d->nr_dis));
	d->dis_cap = 64;
	d->dis = malloc((size_t)d->nt * d->dis_cap * sizeof(*d->dis));
	if (!d->nr_dis || !d->dis)
		return -ENOMEM;
	return 0;
}

static void note_disabled(struct dpor *d, unsigned int t, uint32_t pos)
{
	if (d->nr_dis[t] == d->dis_cap) {
		uint32_t cap = d->dis_cap * 2, *n = malloc((size_t)d->nt * cap * sizeof(*n));
		unsigned int i;

		if (!n) {
			d->oom = true;
			return;
		}
		for (i = 0; i < d->nt; i++)
			memcpy(&n[i * cap], &d->dis[i * d->dis_cap],
			       d->nr_dis[i] * sizeof(*n));
		free(d->dis);
		d->dis = n;
		d->dis_cap = cap;
	}
	d->dis[t * d->dis_cap + d->nr_dis[t]++] = pos;
}

/* The step that just ran (event n - 1) is over: record what it did. */
static void finish_event(struct dpor *d)
{
	uint32_t i = d->n - 1;
	uint8_t task = d->node[i].task;
	const struct task *t = &d->sched->tasks[task];
	const struct dpor_pend *p = &d->pend[(size_t)i * d->nt + task];
	bool write = p->write && !t->step_read_only;

	record_event(d, i, task, p, write);
	d->nrec = d->n;
}

/* Sleep set after event @i, from the one before it. */
static uint64_t sleep_after(const struct dpor *d, uint32_t i)
{
	uint64_t sl = d->node[i].sleep & ~d->node[i].halt &
		      ~(1ull << d->ev[i].task), out = 0;
	const struct dpor_pend *p = &d->pend[(size_t)i * d->nt];

	while (sl) {
		unsigned int q = (unsigned int)__builtin_ctzll(sl);

		sl &= sl - 1;
		if (!conflict(&p[q].fp, p[q].write, &d->ev[i].fp, d->ev[i].write))
			out |= 1ull << q;
	}
	return out;
}

static int abandon(struct dpor *d)
{
	d->abandoned = true;
	return -1;
}

static uint64_t top_sleepers(const struct dpor *d, uint32_t pos);
static bool top_initial(const struct dpor *d, unsigned int p,
			unsigned int pwrite, uint32_t len);

int dpor_choose(void *priv, uint64_t step, uint64_t enabled)
{
	struct dpor *d = priv;
	struct sched *s = d->sched;
	uint32_t pos = (uint32_t)step, tnode, c;
	struct dpor_node *n;
	struct dpor_pend *pd;
	unsigned int t;
	uint64_t avail;

	if (pos == 0 && first_use(d)) {
		d->nondeterministic = true;
		return -1;
	}
	if (reserve(d, pos + 1)) {
		d->oom = true;
		return -1;
	}
	if (pos > d->rec_from)
		finish_event(d);
	n = &d->node[pos];
	pd = &d->pend[(size_t)pos * d->nt];
	/* Only live tasks have a pending access (and may sleep). */
	for (avail = pos >= d->rec_from ? s->live : 0; avail; avail &= avail - 1) {
		const struct task *tk;

		t = (unsigned int)__builtin_ctzll(avail);
		tk = &s->tasks[t];
		task_fp(tk, &pd[t].fp);
		pd[t].kind = (uint8_t)tk->kind;
		pd[t].guarded = tk->guard != NULL;
		pd[t].shared = tk->shared;
		pd[t].dwrite = kind_writes(tk->kind);
		pd[t].write = pd[t].dwrite;
		/* What a cmpxchg or trylock would do now, not what it might. */
		if (tk->would_write)
			pd[t].write = tk->would_write(tk->would_write_arg);
	}
	if (pos < d->replay) {
		/* The same prefix must offer the same choices. */
		if (n->enabled != enabled || !(enabled >> n->task & 1)) {
			d->nondeterministic = true;
			return -1;
		}
		d->n = pos + 1;
		return n->task;
	}
	if (pos > d->replay || pos >= d->depth) {
		n->sleep = pos ? sleep_after(d, pos - 1) & s->live : 0;
		n->top = top_sleepers(d, pos);
		n->halt = 0;
		n->tree = pos ? d->tree[d->node[pos - 1].tree].child : d->root;
	}
	n->enabled = enabled;
	tnode = n->tree;
	if (tnode == DPOR_NONE) {
		d->oom = true;
		return -1;
	}
	c = d->tree[tnode].child;
	if (c != DPOR_NONE) {
		t = d->tree[c].task;
		/* A wakeup sequence that cannot go on here is redundant. */
		n->task = (uint8_t)t;
		if (!(enabled >> t & 1) || (n->sleep >> t & 1)) {
			d->blocked_at = pos;
			return abandon(d);
		}
		d->n = pos + 1;
		return (int)t;
	}
	avail = enabled & ~n->sleep;
	if (!avail)
		return abandon(d);
	t = (unsigned int)__builtin_ctzll(avail);
	c = tree_alloc(d, (uint8_t)t, &pd[t].fp, pd[t].write);
	if (c == DPOR_NONE)
		return -1;
	d->tree[tnode].child = c;
	n->task = (uint8_t)t;
	d->n = pos + 1;
	return (int)t;
}

/* Task @p is a weak initial of seq[0..len) (skipping those in @gone). */
static bool weak_initial(const struct dpor *d, unsigned int p,
			 const struct dpor_fp *pfp, unsigned int pwrite, uint32_t len,
			 const uint8_t *gone)
{
	uint32_t k, m;

	if (pwrite == DPOR_HALT)
		return false;
	for (k = 0; k < len; k++) {
		if (gone[k] || d->seq_task[k] != p)
			continue;
		/* p's first event in the sequence must have no predecessor. */
		for (m = 0; m < k; m++)
			if (!gone[m] && conflict(&d->seq[m].fp, d->seq[m].write,
						 &d->seq[k].fp, d->seq[k].write))
				return false;
		return true;
	}
	for (k = 0; k < len; k++)
		if (!gone[k] && conflict(&d->seq[k].fp, d->seq[k].write, pfp, pwrite))
			return false;
	return true;
}

/* The tree node of the current execution's state @k, or NONE. */
static uint32_t path_node(const struct dpor *d, uint32_t k)
{
	if (k < d->n)
		return d->node[k].tree;
	if (k == d->n && d->n)
		return d->tree[d->node[d->n - 1].tree].child;
	return DPOR_NONE;
}

/*
 * insert_[E](v, wut(E)) for v = seq[0..len), below tree node @u (the
 * state before event @j). Where the walk ends on a leaf that is still to
 * be explored, the rest of v goes below it: that branch then starts the
 * way v does, instead of relying on races found under it, which a
 * sleeping conditional write (a cmpxchg that failed here and succeeds
 * later) can hide.
 */
static void wut_insert(struct dpor *d, uint32_t u, uint32_t j, uint32_t len,
		       uint8_t *gone)
{
	uint32_t left = len, k, c, last, depth = j;

	for (;;) {
		bool descended = false;

		for (c = d->tree[u].child; c != DPOR_NONE; c = d->tree[c].sibling) {
			const struct dpor_wnode *w = &d->tree[c];

			if (!weak_initial(d, w->task, &w->fp, w->write, len, gone))
				continue;
			for (k = 0; k < len; k++) {
				if (!gone[k] && d->seq_task[k] == w->task) {
					gone[k] = 1;
					left--;
					break;
				}
			}
			u = c;
			depth++;
			descended = true;
			break;
		}
		if (!descended)
			break;
		if (!left || (d->tree[u].child == DPOR_NONE &&
			      path_node(d, depth) == u)) {
#ifdef DPOR_DEBUG
			fprintf(stderr, "    covered (left %u)\n", left);
#endif
			return;
		}
		if (d->tree[u].child == DPOR_NONE)
			break;
	}
	last = DPOR_NONE;
	for (c = d->tree[u].child; c != DPOR_NONE; c = d->tree[c].sibling)
		last = c;
	for (k = 0; k < len; k++) {
		uint32_t nn;

		if (gone[k])
			continue;
		nn = tree_alloc(d, d->seq_task[k], &d->seq[k].fp, d->seq[k].write);
		if (nn == DPOR_NONE)
			return;
		if (last == DPOR_NONE)
			d->tree[u].child = nn;
		else
			d->tree[last].sibling = nn;
		u = nn;
		last = DPOR_NONE;
	}
	d->inserted++;
#ifdef DPOR_DEBUG
	fprintf(stderr, "    inserted\n");
#endif
}

/*
 * Reverses the race of event @j with the next event of task @q (executed
 * as event @i, or pending at the end when @i is n): v = notdep(j).e' at
 * the state before j.
 */
static void reverse(struct dpor *d, uint32_t j, uint32_t i, unsigned int q,
		    uint32_t prev_q, const struct dpor_fp *fp, bool write)
{
	const struct dpor_node *nj = &d->node[j];
	const struct dpor_pend *pj = &d->pend[(size_t)j * d->nt];
	uint32_t len = 0, k, need = d->n + 1;
	uint64_t sl;
	uint8_t *gone;

	if (j < d->split_depth)
		return;	/* fully branched there already */
	/* Pending at j already: what it does there is known exactly. */
	if (prev_q == DPOR_NONE || prev_q < j)
		write = pj[q].write;
	if (need > d->seq_cap &&
	    (grow(&d->seq, &d->seq_cap, need, sizeof(*d->seq)) ||
	     !(d->seq_task = realloc(d->seq_task, d->seq_cap * 2)))) {
		d->oom = true;
		return;
	}
	gone = d->seq_task + d->seq_cap;
	for (k = j + 1; k < d->n; k++) {
		if (k == i || hb(d, j, k) || (i < d->n && hb(d, i, k)) ||
		    (k == d->n - 1 && d->sched->end == SCHED_END_VIOLATION))
			continue;
		d->seq[len] = (struct dpor_pend){ .fp = d->ev[k].fp,
						   .write = d->ev[k].write };
		d->seq_task[len++] = d->ev[k].task;
	}
	d->seq[len] = (struct dpor_pend){ .fp = *fp, .write = write };
	d->seq_task[len++] = (uint8_t)q;
	memset(gone, 0, len);
#ifdef DPOR_DEBUG
	fprintf(stderr, "  race j=%u i=%u q=%u sleep=%llx v=", j, i, q,
		(unsigned long long)nj->sleep);
	for (k = 0; k < len; k++)
		fprintf(stderr, " %u%c", d->seq_task[k], d->seq[k].write ? 'w' : 'r');
	fprintf(stderr, "\n");
#endif
	/* A sleeping task that is a weak initial: explored already. */
	for (sl = nj->sleep; sl; sl &= sl - 1) {
		unsigned int p = (unsigned int)__builtin_ctzll(sl);
		unsigned int pw = (nj->halt >> p & 1) ? DPOR_HALT :
				  (unsigned int)pj[p].write;

		if ((nj->top >> p & 1) ? top_initial(d, p, pw, len) :
		    weak_initial(d, p, &pj[p].fp, pw, len, gone)) {
#ifdef DPOR_DEBUG
			fprintf(stderr, "    sleeping %u is a weak initial\n", p);
#endif
			return;
		}
	}
	wut_insert(d, nj->tree, j, len, gone);
}

/* Whether task @q's next event could run before event @j. */
static bool feasible_before(const struct dpor *d, uint32_t j, unsigned int q,
			    uint32_t prev_q)
{
	/* q waits at j for this very event: it must have been enabled. */
	if (prev_q == DPOR_NONE || prev_q < j)
		return d->node[j].enabled >> q & 1;
	return true;
}

/* Races of new event @i with the events before it. */
static void races_of(struct dpor *d, uint32_t i)
{
	const struct dpor_event *e = &d->ev[i];
	const uint32_t *cand = &d->cand[e->cand];
	unsigned int q = e->task;
	uint32_t a, b;

	for (a = 0; a < e->nr_cand; a++) {
		uint32_t j = cand[a];
		bool immediate = true;

		if (e->prev_po != DPOR_NONE && hb(d, j, e->prev_po))
			continue;
		for (b = 0; b < e->nr_cand && immediate; b++)
			if (b != a && cand[b] != j && hb(d, j, cand[b]))
				immediate = false;
		if (!immediate || !feasible_before(d, j, q, e->prev_po))
			continue;
		/*
		 * A blocking acquire cannot pass the release it waited for,
		 * unless both are shared (a reader does not wait for another
		 * reader's up_read(): it could come in before it).
		 */
		if (e->guarded && d->ev[j].release &&
		    !(e->shared && d->ev[j].shared))
			continue;
		reverse(d, j, i, q, e->prev_po, &e->fp, e->dwrite);
	}
	/*
	 * Taking a lock races with the previous taking of it (the release
	 * between is what hb goes through): reversed, this acquire comes
	 * before that one's critical section, where the lock was free.
	 */
	if (e->acquire && e->prev_acq != DPOR_NONE &&
	    (e->prev_po == DPOR_NONE || !hb(d, e->prev_acq, e->prev_po)))
		reverse(d, e->prev_acq, i, q, e->prev_po, &e->fp, e->dwrite);
}

/* Events that disabled task @q before its event @i (or pending at end). */
static void disabling_races(struct dpor *d, uint32_t i, unsigned int q,
			    uint32_t prev_q, const uint32_t *pos, uint32_t nr,
			    const struct dpor_fp *fp, bool write)
{
	uint32_t k;

	for (k = 0; k < nr; k++)
		reverse(d, pos[k], i, q, prev_q, fp, write);
}

/*
 * The tasks still live at the end: each one's pending event races as if
 * it came next (an execution cut short by a violation, the step bound or
 * a deadlock).
 */
static void pending_races(struct dpor *d)
{
	struct sched *s = d->sched;
	uint64_t live = s->live;
	uint32_t nsave = d->nr_cand_used;

	while (live) {
		unsigned int q = (unsigned int)__builtin_ctzll(live);
		const struct task *t = &s->tasks[q];
		bool w = kind_writes(t->kind);
		bool w_now = t->would_write ? t->would_write(t->would_write_arg) : w;
		uint32_t prev = d->last_ev[q], c0, nc, a, b;
		struct dpor_fp fp;

		live &= live - 1;
		task_fp(t, &fp);
		disabling_races(d, d->n, q, prev, &d->dis[q * d->dis_cap],
				d->nr_dis[q], &fp, w);
		c0 = d->nr_cand_used;
		if (gather_fp(d, &fp, w_now, (uint8_t)q))
			return;
		nc = d->nr_cand_used - c0;
		for (a = 0; a < nc; a++) {
			uint32_t j = d->cand[c0 + a];
			bool immediate = true;

			if (prev != DPOR_NONE && hb(d, j, prev))
				continue;
			for (b = 0; b < nc && immediate; b++)
				if (b != a && d->cand[c0 + b] != j &&
				    hb(d, j, d->cand[c0 + b]))
					immediate = false;
			if (immediate && feasible_before(d, j, q, prev))
				reverse(d, j, d->n, q, prev, &fp, w);
		}
		d->nr_cand_used = nsave;
	}
}

/*
 * A violation ends the execution in its step, as if that step wrote a
 * "halted" flag every other step reads: each task that could have run
 * instead races with it, or executions that go on past where this one
 * stopped would never be looked at.
 */
static void violation_races(struct dpor *d)
{
	const struct sched *s = d->sched;
	uint32_t j = d->n - 1;
	uint64_t live;

	if (!d->n || d->n - 1 < d->first_new)
		return;
	live = s->live & d->node[j].enabled & ~(1ull << d->ev[j].task);
	while (live) {
		unsigned int q = (unsigned int)__builtin_ctzll(live);
		const struct dpor_pend *p = &d->pend[(size_t)j * d->nt + q];
		uint32_t prev = d->last_ev[q];

		live &= live - 1;
		reverse(d, j, d->n, q, prev, &p->fp, p->dwrite);
	}
}

/* Race detection over the events this execution added. */
static void detect_races(struct dpor *d, uint64_t end_enabled)
{
	uint32_t i;
	unsigned int q;

	memset(d->nr_dis, 0, d->nt * sizeof(*d->nr_dis));
	for (i = 0; i < d->n; i++) {
		const struct dpor_event *e = &d->ev[i];
		uint64_t gone;

		if (i >= d->first_new) {
			races_of(d, i);
			disabling_races(d, i, e->task, e->prev_po,
					&d->dis[e->task * d->dis_cap],
					d->nr_dis[e->task], &e->fp, e->dwrite);
		}
		d->nr_dis[e->task] = 0;
		gone = d->node[i].enabled &
		       ~(i + 1 < d->n ? d->node[i + 1].enabled : end_enabled) &
		       ~(1ull << e->task);
		while (gone) {
			q = (unsigned int)__builtin_ctzll(gone);
			gone &= gone - 1;
			note_disabled(d, q, i);
		}
	}
	pending_races(d);
	if (d->sched->end == SCHED_END_VIOLATION)
		violation_races(d);
}

/* The live tasks that could run in the final state. */
static uint64_t final_enabled(const struct dpor *d)
{
	const struct sched *s = d->sched;
	uint64_t live = s->live, en = 0;

	if (d->blocked_at != DPOR_NONE)
		return d->node[d->blocked_at].enabled;
	while (live) {
		unsigned int i = (unsigned int)__builtin_ctzll(live);
		const struct task *t = &s->tasks[i];

		live &= live - 1;
		if (!t->guard || t->guard(t, t->guard_arg))
			en |= 1ull << i;
	}
	return en;
}

/* Unlinks and frees the leftmost child of @u (the branch just explored). */
static void drop_first_child(struct dpor *d, uint32_t u)
{
	uint32_t c = d->tree[u].child;

	d->tree[u].child = d->tree[c].sibling;
	d->tree[c].sibling = DPOR_NONE;
	tree_free(d, c);
}

/* Above the split depth every enabled task outside the sleep set branches. */
static bool full_branch(struct dpor *d, uint32_t i)
{
	struct dpor_node *nd = &d->node[i];
	uint64_t avail = nd->enabled & ~nd->sleep;
	const struct dpor_pend *p;
	unsigned int t;
	uint32_t c;

	if (i >= d->split_depth || !avail)
		return false;
	t = (unsigned int)__builtin_ctzll(avail);
	p = &d->pend[(size_t)i * d->nt + t];
	c = tree_alloc(d, (uint8_t)t, &p->fp, p->write);
	if (c == DPOR_NONE)
		return false;
	d->tree[nd->tree].child = c;
	return true;
}

static bool backtrack(struct dpor *d, uint32_t prune, uint32_t *diverged);

bool dpor_next_pruned(struct dpor *d, uint32_t prune, uint32_t *diverged)
{
#ifdef DPOR_DEBUG
	uint32_t i;
#endif

	if (d->nondeterministic || d->oom || !d->nt)
		return false;
	if (d->nrec < d->n)
		finish_event(d);
#ifdef DPOR_DEBUG
	fprintf(stderr, "exec:");
	for (i = 0; i < d->n; i++)
		fprintf(stderr, " %u%c", d->ev[i].task, d->ev[i].write ? 'w' : 'r');
	fprintf(stderr, "%s\n", d->abandoned ? " (abandoned)" : "");
#endif
	if (d->sched->end == SCHED_END_VIOLATION && d->n && d->blocked_at == DPOR_NONE)
		d->tree[d->tree[d->node[d->n - 1].tree].child].write = DPOR_HALT;
	detect_races(d, final_enabled(d));
	if (d->oom)
		return false;
	return backtrack(d, prune, diverged);
}

uint32_t dpor_prefix(const struct dpor *d, uint8_t *out, uint32_t cap)
{
	uint32_t i, k = 0;

	for (i = 0; i < d->n && i < d->split_depth && k < cap; i++)
		out[k++] = d->node[i].task;
	return k;
}

/* Sharding and checkpoints (the search_ops of dpor_search.c). */

/* Unlinks and frees every child of @u: nothing is left to try there. */
static void drop_children(struct dpor *d, uint32_t u)
{
	while (d->tree[u].child != DPOR_NONE)
		drop_first_child(d, u);
}

/* The branch at position @i is the leftmost child of its tree node. */
static bool go_on_at(struct dpor *d, uint32_t i, uint32_t *diverged)
{
	struct dpor_node *nd = &d->node[i];
	uint32_t k;

	/* Every position below is new in the next execution. */
	for (k = i + 1; k < d->done_valid; k++)
		d->node[k].done = 0;
	d->done_valid = i + 1;
	nd->task = d->tree[d->tree[nd->tree].child].task;
	d->replay = d->first_new = i;
	d->depth = i + 1;
	*diverged = i;
	begin_execution_from(d, i);
	return true;
}

/*
 * After race detection: the deepest position with a branch left goes on
 * with it. Positions at @prune or deeper lose every branch left, so a
 * subtree below a prefix of @prune positions is left after one execution.
 */
static bool backtrack(struct dpor *d, uint32_t prune, uint32_t *diverged)
{
	uint32_t i, top = d->n;

	for (i = d->done_valid; i < d->n; i++)
		d->node[i].done = 0;
	if (d->done_valid < d->n)
		d->done_valid = d->n;
	if (d->blocked_at != DPOR_NONE) {
		/* The infeasible branch goes; it never ran, so it does not sleep. */
		struct dpor_node *nd = &d->node[d->blocked_at];

		if (d->blocked_at >= prune)
			drop_children(d, nd->tree);
		else if (d->tree[nd->tree].child != DPOR_NONE)
			drop_first_child(d, nd->tree);
		if (d->blocked_at < prune &&
		    (d->tree[nd->tree].child != DPOR_NONE ||
		     full_branch(d, d->blocked_at)))
			return go_on_at(d, d->blocked_at, diverged);
		top = d->blocked_at;
	}
	for (i = top; i-- > 0;) {
		struct dpor_node *nd = &d->node[i];

		if (i >= prune) {
			drop_children(d, nd->tree);
			nd->done = 0;
			continue;
		}
		if (d->tree[d->tree[nd->tree].child].write == DPOR_HALT)
			nd->halt |= 1ull << nd->task;
		drop_first_child(d, nd->tree);
		nd->sleep |= 1ull << nd->task;
		nd->done |= 1ull << nd->task;
		if (d->tree[nd->tree].child == DPOR_NONE && !full_branch(d, i)) {
			nd->done = 0;
			continue;
		}
		return go_on_at(d, i, diverged);
	}
	return false;
}

bool dpor_next(struct dpor *d)
{
	uint32_t diverged;

	return dpor_next_pruned(d, DPOR_NONE, &diverged);
}

int dpor_restore_room(struct dpor *d, unsigned int nt, uint32_t positions,
		      uint32_t tree_nodes)
{
	if (d->nt || !nt || nt > PMM_MAX_TASKS)
		return -EINVAL;
	d->nt = nt;
	d->nr_dis = calloc(d->nt, sizeof(*d->nr_dis));
	d->dis_cap = 64;
	d->dis = malloc((size_t)d->nt * d->dis_cap * sizeof(*d->dis));
	if (!d->nr_dis || !d->dis || reserve(d, positions) ||
	    grow(&d->tree, &d->tree_cap, tree_nodes, sizeof(*d->tree)))
		return -ENOMEM;
	return 0;
}

/*
 * The sleepers at new position @pos that went to sleep above the split
 * depth. Their traces are explored in other subtrees, whose races with
 * events above the split are not reversed (no wakeup sequence crosses
 * into another subtree), so they block a branch but do not stand for
 * the sequence of a race below: race reversal ignores them.
 */
static uint64_t top_sleepers(const struct dpor *d, uint32_t pos)
{
	const struct dpor_node *n = &d->node[pos];

	/* Above the split, sleepers the backtracking adds are top ones too. */
	if (pos < d->split_depth)
		return UINT64_MAX;
	return pos ? n->sleep & d->node[pos - 1].top : 0;
}

/*
 * A sleeper from above the split covers a race's sequence only when it is
 * an initial of it (it occurs in seq[0..len) with nothing before it that
 * it depends on): every trace that goes on from the sequence then starts
 * with it, in its own subtree. Independent of the whole sequence, it
 * covers some extensions only, whose other ones this subtree must explore.
 */
static bool top_initial(const struct dpor *d, unsigned int p,
			unsigned int pwrite, uint32_t len)
{
	uint32_t k, m;

	if (pwrite == DPOR_HALT)
		return false;
	for (k = 0; k < len; k++) {
		if (d->seq_task[k] != p)
			continue;
		for (m = 0; m < k; m++)
			if (conflict(&d->seq[m].fp, d->seq[m].write,
				     &d->seq[k].fp, d->seq[k].write))
				return false;
		return true;
	}
	return false;
}
