// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The explore backend: tasks are coroutines on one OS thread, and at every
 * yield point the strategy picks the next task among those whose guard
 * holds. The scheduler runs on the yielding task's own stack and switches
 * straight to the next task, so a step where the same task goes on costs
 * no context switch at all; the main context is resumed only when the
 * execution ends.
 *
 * An execution: setup() creates the tasks; each task runs its prologue (the
 * local code before its first yield point) in creation order; then every
 * step is one task making its pending access and running on to its next
 * yield point; finish() checks the final state when every task is done.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sched/asan.h"
#include "sched/sched.h"

struct task *pmm_explore_cur;
struct sched *pmm_explore_sched;

static const char *const access_names[] = {
	[PMM_ACC_READ] = "read",
	[PMM_ACC_WRITE] = "write",
	[PMM_ACC_RMW] = "rmw",
	[PMM_ACC_ACQUIRE] = "acquire",
	[PMM_ACC_RELEASE] = "release",
};

const char *pmm_access_name(enum pmm_access kind)
{
	if ((unsigned int)kind >= sizeof(access_names) / sizeof(access_names[0]))
		return "?";
	return access_names[kind];
}

int sched_init(struct sched *s, size_t stack_size, uint32_t bound,
	       size_t memory_limit)
{
	long page = sysconf(_SC_PAGESIZE);

	memset(s, 0, sizeof(*s));
	s->stack_size = (stack_size + (size_t)page - 1) & ~((size_t)page - 1);
	s->bound = bound;
	s->hist = malloc(bound ? bound : 1);
	if (!s->hist)
		return -ENOMEM;
	arena_init(&s->arena, memory_limit);
	return 0;
}

void sched_destroy(struct sched *s)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned int i;

	for (i = 0; i < PMM_MAX_TASKS; i++)
		if (s->tasks[i].stack)
			munmap(s->tasks[i].stack - page,
			       s->tasks[i].stack_size + (size_t)page);
	free(s->hist);
	free(s->names);
	arena_destroy(&s->arena);
}

/* Stacks are mapped once per slot, with a guard page below. */
static int task_stack(struct sched *s, struct task *t)
{
	long page;
	char *p;

	if (t->stack)
		return 0;
	page = sysconf(_SC_PAGESIZE);
	p = mmap(NULL, s->stack_size + (size_t)page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	if (mprotect(p, (size_t)page, PROT_NONE)) {
		munmap(p, s->stack_size + (size_t)page);
		return -ENOMEM;
	}
	t->stack = p + page;
	t->stack_size = s->stack_size;
	return 0;
}

static void switch_to(struct pmm_ctx *from, struct task *to)
{
	void *fake;

	asan_start_switch(&fake, to->stack, to->stack_size);
	ctx_switch(from, &to->ctx);
	asan_finish_switch(fake);
}

/* Leaves the running task for good or for now, back to sched_run(). */
static void switch_to_main(struct sched *s, struct task *from)
{
	void *fake;

	pmm_explore_cur = NULL;
	asan_start_switch(&fake, NULL, 0);
	ctx_switch(&from->ctx, &s->main_ctx);
	asan_finish_switch(fake);
}

static bool task_can_run(const struct task *t)
{
	return !t->guard || t->guard(t, t->guard_arg);
}

static uint64_t enabled_mask(const struct sched *s)
{
	uint64_t live = s->live & s->guarded, en = s->live & ~s->guarded;

	while (live) {
		unsigned int i = (unsigned int)__builtin_ctzll(live);

		live &= live - 1;
		if (task_can_run(&s->tasks[i]))
			en |= 1ull << i;
	}
	return en;
}

static uint64_t peek(const void *obj, unsigned int width)
{
	uint64_t v = 0;

	if (width == 4)
		v = __atomic_load_n((const uint32_t *)obj, __ATOMIC_RELAXED);
	else if (width == 8)
		v = __atomic_load_n((const uint64_t *)obj, __ATOMIC_RELAXED);
	return v;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* Counters (4 bytes) in signed decimal, words (flags, PTEs) in hex. */
static void format_value(char *buf, size_t len, unsigned int width, uint64_t v)
{
	if (width == 4)
		snprintf(buf, len, "%d", (int32_t)(uint32_t)v);
	else
		snprintf(buf, len, "%#llx", (unsigned long long)v);
}

static void format_values(char *buf, size_t len, unsigned int width,
			  uint64_t before, uint64_t after)
{
	char b[24], a[24];

	buf[0] = '\0';
	if (!width)
		return;
	format_value(b, sizeof(b), width, before);
	format_value(a, sizeof(a), width, after);
	snprintf(buf, len, "%s -> %s", b, a);
}

/* Separates JSON trace entries: none before the first. */
static void json_sep(struct sched *s)
{
	if (s->pend.json_n++)
		fputs(",\n", s->trace_json);
}

/* The step traced last is over: print it with the value it left. */
static void trace_flush(struct sched *s)
{
	const struct task *t = s->pend.t;
	const struct pmm_loc *loc = s->pend.loc;
	char vals[64] = "";
	const char *op = s->pend.op ? s->pend.op : "";
	uint64_t after;

	if (!s->pend.active)
		return;
	s->pend.active = false;
	after = peek(s->pend.obj, s->pend.width);
	format_values(vals, sizeof(vals), s->pend.width, s->pend.before, after);
	fprintf(s->trace, "%6llu  T%-2d %-12s cpu%-2d %-14s %-8s %-22s %-40s %s:%d %s\n",
		(unsigned long long)s->pend.step, t->id, t->name, t->cpu, op,
		pmm_access_name(s->pend.kind), s->pend.label, vals,
		loc ? loc->file : "?", loc ? loc->line : 0, loc ? loc->func : "?");
	json_sep(s);
	fprintf(s->trace_json, "{\"kind\":\"step\",\"step\":%llu,\"task\":%d,"
		"\"name\":", (unsigned long long)s->pend.step, t->id);
	json_str(s->trace_json, t->name);
	fprintf(s->trace_json, ",\"cpu\":%d,\"operation\":", t->cpu);
	json_str(s->trace_json, op);
	fprintf(s->trace_json, ",\"access\":\"%s\",\"object\":",
		pmm_access_name(s->pend.kind));
	json_str(s->trace_json, s->pend.label);
	if (s->pend.width) {
		char b[24], a[24];

		format_value(b, sizeof(b), s->pend.width, s->pend.before);
		format_value(a, sizeof(a), s->pend.width, after);
		fprintf(s->trace_json, ",\"before\":\"%s\",\"after\":\"%s\"", b, a);
	}
	fprintf(s->trace_json, ",\"file\":");
	json_str(s->trace_json, loc ? loc->file : "?");
	fprintf(s->trace_json, ",\"line\":%d,\"function\":", loc ? loc->line : 0);
	json_str(s->trace_json, loc ? loc->func : "?");
	fputc('}', s->trace_json);
}

static void trace_step(struct sched *s, const struct task *t)
{
	trace_flush(s);
	s->pend.active = true;
	s->pend.step = s->step;
	s->pend.t = t;
	s->pend.op = t->op;
	s->pend.obj = t->obj;
	s->pend.kind = t->kind;
	s->pend.loc = t->loc;
	sched_obj_label(s, t->obj, s->pend.label, sizeof(s->pend.label),
			&s->pend.width);
	s->pend.before = peek(t->obj, s->pend.width);
}

static void observe_step(struct sched *s, const struct task *t)
{
	char label[64];
	unsigned int width;
	struct pmm_step st = {
		.step = s->step,
		.task = t->id,
		.task_name = t->name,
		.cpu = t->cpu,
		.obj = t->obj,
		.obj_label = label,
		.access = t->kind,
		.op = t->op,
		.loc = t->loc,
	};

	sched_obj_label(s, t->obj, label, sizeof(label), &width);
	s->observer->step(s->observer->arg, &st);
}

static void trace_deadlock(struct sched *s)
{
	uint64_t live = s->live;

	trace_flush(s);
	while (live) {
		const struct task *t = &s->tasks[__builtin_ctzll(live)];
		char obj[64];
		unsigned int width;

		live &= live - 1;
		sched_obj_label(s, t->obj, obj, sizeof(obj), &width);
		fprintf(s->trace, "        T%-2d %-12s blocked: %s %s at %s:%d %s\n",
			t->id, t->name, pmm_access_name(t->kind), obj,
			t->loc ? t->loc->file : "?", t->loc ? t->loc->line : 0,
			t->loc ? t->loc->func : "?");
		json_sep(s);
		fprintf(s->trace_json, "{\"kind\":\"blocked\",\"task\":%d,\"name\":", t->id);
		json_str(s->trace_json, t->name);
		fprintf(s->trace_json, ",\"access\":\"%s\",\"object\":",
			pmm_access_name(t->kind));
		json_str(s->trace_json, obj);
		fprintf(s->trace_json, ",\"file\":");
		json_str(s->trace_json, t->loc ? t->loc->file : "?");
		fprintf(s->trace_json, ",\"line\":%d}", t->loc ? t->loc->line : 0);
	}
}

static void set_end(struct sched *s, enum sched_end end, const char *oracle,
		    const char *msg)
{
	s->end = end;
	snprintf(s->oracle, sizeof(s->oracle), "%s", oracle);
	snprintf(s->msg, sizeof(s->msg), "%s", msg);
}

/*
 * Picks the task for the next step, or NULL when the execution is over
 * (s->end says why). Called on the stack of the task that yields.
 */
static struct task *pick_next(struct sched *s)
{
	uint64_t en;
	int id;

	if (!s->live) {
		s->end = SCHED_END_DONE;
		return NULL;
	}
	en = enabled_mask(s);
	if (!en) {
		set_end(s, SCHED_END_DEADLOCK, "deadlock",
			"every live task is blocked");
		if (s->trace)
			trace_deadlock(s);
		return NULL;
	}
	if (s->step >= s->bound) {
		s->end = SCHED_END_BOUND;
		return NULL;
	}
	id = s->strategy->choose(s->strategy->priv, s->step, en);
	if (id < 0) {
		s->end = SCHED_END_ERROR;
		return NULL;
	}
	s->hist[s->step] = (uint8_t)id;
	s->tasks[id].step_read_only = false;
	if (s->trace)
		trace_step(s, &s->tasks[id]);
	if (s->observer && s->observer->step)
		observe_step(s, &s->tasks[id]);
	s->step++;
	return &s->tasks[id];
}

/* Hands the CPU from @cur (which may be done) to whoever runs next. */
static void schedule_from(struct sched *s, struct task *cur)
{
	struct task *next = pick_next(s);

	if (!next) {
		switch_to_main(s, cur);
		return;
	}
	pmm_explore_cur = next;
	if (next != cur)
		switch_to(&cur->ctx, next);
	pmm_explore_cur = cur;
}

/*
 * The footprint audit (PMM_FOOTPRINT_AUDIT=1 in the environment): each
 * step keeps the objects its yield point named, as of when it runs, and
 * the model's shared-state accessors that call sched_audit() report on
 * stderr any object a step touches without naming it (a gap in what DPOR
 * takes as the step's dependences).
 */
static int audit_on = -1;

static bool audit_enabled(void)
{
	if (audit_on < 0) {
		const char *e = getenv("PMM_FOOTPRINT_AUDIT");

		audit_on = e && *e == '1';
	}
	return audit_on;
}

/* What the step about to run touches by its annotation (for the audit). */
static void note_running_fp(struct task *t)
{
	unsigned int i;

	t->run_obj[0] = t->obj;
	t->run_n = 1;
	t->run_write = t->kind != PMM_ACC_READ;
	for (i = 0; i < t->nr_also; i++) {
		const void *o = t->also_fn[i] ? t->also_fn[i](t->also[i]) : t->also[i];

		if (!o)
			continue;
		if (t->also_write >> i & 1)
			t->run_write |= (uint8_t)(1u << t->run_n);
		t->run_obj[t->run_n++] = o;
	}
}

void sched_audit(const void *obj, bool write, const char *what)
{
	const struct task *t = pmm_explore_cur;
	unsigned int i;

	if (!t || !pmm_explore_sched || pmm_explore_sched->phase != PHASE_RUN ||
	    !audit_enabled())
		return;
	for (i = 0; i < t->run_n; i++)
		if (t->run_obj[i] == obj && (!write || (t->run_write >> i & 1)))
			return;
	fprintf(stderr, "footprint: the step of task %d from %s:%d %s %s "
		"(%p) without naming it\n", t->id, t->loc ? t->loc->file : "?",
		t->loc ? t->loc->line : 0, write ? "writes" : "reads", what, obj);
}

static void yield(struct task *t)
{
	struct sched *s = pmm_explore_sched;

	if (s->phase == PHASE_PROLOGUE) {
		switch_to_main(s, t);
		pmm_explore_cur = t;
		t->nr_also = 0;
		t->run_n = 0;
		return;
	}
	schedule_from(s, t);
	if (audit_enabled())
		note_running_fp(t);
	t->nr_also = 0;
}

void sched_also(const void *obj, enum pmm_access kind)
{
	sched_also_fn(NULL, obj, kind);
}

void sched_also_fn(const void *(*fn)(const void *arg), const void *arg,
		   enum pmm_access kind)
{
	struct task *t = pmm_explore_cur;

	if (!t)
		return;
	if (t->nr_also == SCHED_ALSO_MAX) {
		pmm_violation("bug-on", "a step names more than %d objects",
			      SCHED_ALSO_MAX + 1);
		return;
	}
	if (kind != PMM_ACC_READ)
		t->also_write |= (uint8_t)(1u << t->nr_also);
	else
		t->also_write &= (uint8_t)~(1u << t->nr_also);
	t->also_fn[t->nr_also] = fn;
	t->also[t->nr_also++] = arg;
}

void __sched_point(const void *obj, enum pmm_access kind,
		   const struct pmm_loc *loc)
{
	struct task *t = pmm_explore_cur;

	t->obj = obj;
	t->kind = kind;
	t->loc = loc;
	t->guard = NULL;
	t->would_write = NULL;
	yield(t);
	t->shared = false;
}

void __sched_point_cond(const void *obj, enum pmm_access kind,
			const struct pmm_loc *loc,
			bool (*would_write)(const void *arg), const void *arg)
{
	struct task *t = pmm_explore_cur;

	t->obj = obj;
	t->kind = kind;
	t->loc = loc;
	t->guard = NULL;
	t->would_write = would_write;
	t->would_write_arg = arg;
	yield(t);
	t->would_write = NULL;
	t->shared = false;
}

bool sched_cas_would_write(const void *arg)
{
	const struct sched_cas_probe *c = arg;

	if (c->width == sizeof(int))
		return *(const int *)c->p == (int)c->expect;
	return *(const long *)c->p == c->expect;
}

bool sched_bit_would_write(const void *arg)
{
	const struct sched_bit_probe *b = arg;
	bool clear = !(*b->w & b->mask);

	return b->set ? clear : !clear;
}

void __sched_wait(const void *obj, enum pmm_access kind,
		  const struct pmm_loc *loc, sched_guard_fn guard,
		  const void *arg)
{
	struct task *t = pmm_explore_cur;

	if (!t) {
		if (!guard(NULL, arg))
			pmm_violation("bug-on",
				      "would block outside any task at %s:%d",
				      loc->file, loc->line);
		return;
	}
	t->obj = obj;
	t->kind = kind;
	t->loc = loc;
	t->guard = guard;
	t->guard_arg = arg;
	t->would_write = NULL;
	pmm_explore_sched->guarded |= 1ull << t->id;
	yield(t);
	pmm_explore_sched->guarded &= ~(1ull << t->id);
	t->guard = NULL;
	t->shared = false;
}

void spin_until_at(const void *obj, const struct pmm_loc *loc,
		   sched_guard_fn guard, const void *arg)
{
	if (pmm_explore_sched) {
		__sched_wait(obj, PMM_ACC_READ, loc, guard, arg);
		return;
	}
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static bool woken_guard(const struct task *t, const void *arg)
{
	(void)arg;
	return t && t->woken;
}

void sched_prepare_sleep(const void *key, long bit)
{
	struct task *t = pmm_explore_cur;

	if (!t)
		return;
	t->sleep_key = key;
	t->sleep_bit = bit;
	t->woken = false;
}

bool sched_sleep(const void *key, const struct pmm_loc *loc)
{
	__sched_wait(key, PMM_ACC_ACQUIRE, loc, woken_guard, NULL);
	return pmm_explore_cur != NULL;
}

void sched_finish_sleep(void)
{
	struct task *t = pmm_explore_cur;

	if (t)
		t->sleep_key = NULL;
}

void sched_wake(const void *key, long bit)
{
	struct sched *s = pmm_explore_sched;
	uint64_t live = s->live;

	while (live) {
		struct task *t = &s->tasks[__builtin_ctzll(live)];

		live &= live - 1;
		if (t->sleep_key == key && t->sleep_bit == bit)
			t->woken = true;
	}
}

void __sched_might_sleep(const struct pmm_loc *loc)
{
	struct task *t = pmm_explore_cur;

	if (!t->atomic_depth && !t->rcu_nesting)
		return;
	pmm_violation("bug-on",
		      "sleeping function called from invalid context at %s:%d (%s)",
		      loc->file, loc->line,
		      t->atomic_depth ? "spinlock held" : "in RCU read-side critical section");
}

void sched_atomic_enter(void)
{
	if (pmm_explore_cur)
		pmm_explore_cur->atomic_depth++;
}

bool sched_atomic_exit(const char *what, const struct pmm_loc *loc)
{
	struct task *t = pmm_explore_cur;

	if (!t)
		return true;
	if (!t->atomic_depth) {
		pmm_violation("bug-on", "%s at %s:%d by a task holding no "
			      "spinlock (preempt count underflow)", what,
			      loc->file, loc->line);
		return false;
	}
	t->atomic_depth--;
	return true;
}

#define MAX_STATIC_NAMES 32
static struct sched_name static_names[MAX_STATIC_NAMES];
static unsigned int nr_static_names;

#define MAX_LABELLERS 4
static sched_labeller_fn labellers[MAX_LABELLERS];
static unsigned int nr_labellers;

void sched_labeller(sched_labeller_fn fn)
{
	unsigned int i;

	for (i = 0; i < nr_labellers; i++)
		if (labellers[i] == fn)
			return;
	if (nr_labellers < MAX_LABELLERS)
		labellers[nr_labellers++] = fn;
}

void sched_static_name(const void *obj, const char *name)
{
	if (nr_static_names < MAX_STATIC_NAMES)
		static_names[nr_static_names++] = (struct sched_name){ obj, name };
}

struct sched *sched_current(void)
{
	return pmm_explore_sched;
}

static void task_entry(void *arg)
{
	struct task *t = arg;
	struct sched *s = pmm_explore_sched;

	asan_finish_switch(NULL);
	pmm_explore_cur = t;
	t->fn(t->arg);
	if (t->atomic_depth || t->rcu_nesting)
		pmm_violation("bug-on", "task %s exits with %s", t->name,
			      t->atomic_depth ? "a spinlock held" :
			      "an RCU read-side critical section open");
	t->done = true;
	s->live &= ~(1ull << t->id);
	if (s->phase == PHASE_PROLOGUE) {
		switch_to_main(s, t);
		return;
	}
	schedule_from(s, t);
	/* Nothing resumes a finished task: schedule_from() never returns. */
	abort();
}

static int explore_task_create(struct sched *s, const char *name, int cpu,
			       pmm_task_fn fn, void *arg)
{
	struct task *t;
	int err;

	if (s->phase != PHASE_SETUP)
		return -EPERM;
	if (s->nr_tasks >= PMM_MAX_TASKS)
		return -EAGAIN;
	t = &s->tasks[s->nr_tasks];
	err = task_stack(s, t);
	if (err)
		return err;
	t->fn = fn;
	t->arg = arg;
	t->name = name;
	t->id = (int)s->nr_tasks;
	t->cpu = cpu;
	asan_unpoison(t->stack, t->stack_size);
	ctx_init(&t->ctx, t->stack, t->stack_size, task_entry, t);
	s->live |= 1ull << t->id;
	return (int)s->nr_tasks++;
}

static void reset_tasks(struct sched *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_tasks; i++) {
		struct task *t = &s->tasks[i];
		char *stack = t->stack;
		size_t size = t->stack_size;

		memset(t, 0, offsetof(struct task, rcu_snap));
		t->stack = stack;
		t->stack_size = size;
	}
	s->nr_tasks = 0;
	s->live = 0;
	s->guarded = 0;
}

static void run_prologues(struct sched *s)
{
	unsigned int i;

	s->phase = PHASE_PROLOGUE;
	for (i = 0; i < s->nr_tasks && s->end == SCHED_END_DONE; i++) {
		pmm_explore_cur = &s->tasks[i];
		switch_to(&s->main_ctx, &s->tasks[i]);
		pmm_explore_cur = NULL;
	}
}

static void run_steps(struct sched *s)
{
	struct task *next;

	s->phase = PHASE_RUN;
	next = pick_next(s);
	if (!next)
		return;
	pmm_explore_cur = next;
	switch_to(&s->main_ctx, next);
	pmm_explore_cur = NULL;
}

enum sched_end sched_run(struct sched *s, const struct pmm_program *prog,
			 const struct sched_strategy *strategy)
{
	reset_tasks(s);
	arena_reset(&s->arena);
	s->nr_names = 0;
	s->step = 0;
	s->pend.active = false;
	s->pend.json_n = 0;
	s->end = SCHED_END_DONE;
	s->oracle[0] = s->msg[0] = '\0';
	s->strategy = strategy;
	pmm_explore_sched = s;

	s->phase = PHASE_SETUP;
	prog->setup(prog->arg);
	if (s->end == SCHED_END_DONE)
		run_prologues(s);
	if (s->end == SCHED_END_DONE)
		run_steps(s);
	if (s->trace)
		trace_flush(s);
	if (s->end == SCHED_END_DONE && prog->finish) {
		s->phase = PHASE_FINISH;
		prog->finish(prog->arg);
	}
	s->phase = PHASE_IDLE;
	pmm_explore_sched = NULL;
	pmm_explore_cur = NULL;
	return s->end;
}

void sched_obj_label(const struct sched *s, const void *obj, char *buf,
		     size_t len, unsigned int *width)
{
	unsigned int i;
	size_t off;

	*width = 0;
	for (i = 0; i < s->nr_names; i++) {
		if (s->names[i].obj == obj) {
			snprintf(buf, len, "%s", s->names[i].name);
			return;
		}
	}
	for (i = 0; i < nr_static_names; i++) {
		if (static_names[i].obj == obj) {
			snprintf(buf, len, "%s", static_names[i].name);
			return;
		}
	}
	for (i = 0; i < nr_labellers; i++)
		if (labellers[i](obj, buf, len, width))
			return;
	if (arena_offset(&s->arena, obj, &off))
		snprintf(buf, len, "arena+%#zx", off);
	else
		snprintf(buf, len, "%s", obj ? "(static)" : "-");
}

/* Public API: one entry point, both backends. */

int pmm_task_create(const char *name, int cpu, pmm_task_fn fn, void *arg)
{
	if (!fn || !name || cpu < 0)
		return -EINVAL;
	if (pmm_explore_sched)
		return explore_task_create(pmm_explore_sched, name, cpu, fn, arg);
	return native_task_create(name, cpu, fn, arg);
}

void pmm_task_op(const char *op)
{
	if (pmm_explore_cur)
		pmm_explore_cur->op = op;
}

int pmm_task_id(void)
{
	if (pmm_explore_cur)
		return pmm_explore_cur->id;
	return native_current_id();
}

int pmm_task_cpu(void)
{
	if (pmm_explore_cur)
		return pmm_explore_cur->cpu;
	return native_current_cpu();
}

static void *alloc(size_t size, bool zero)
{
	struct sched *s = pmm_explore_sched;
	void *p;

	if (!s)
		return native_alloc(size, zero);
	p = zero ? arena_alloc(&s->arena, size) : arena_alloc_raw(&s->arena, size);
	if (!p)
		pmm_violation("bug-on",
			      "execution memory exhausted (%zu bytes asked, limit %zu)",
			      size, s->arena.limit);
	return p;
}

void *pmm_alloc(size_t size)
{
	return alloc(size, true);
}

void *pmm_alloc_raw(size_t size)
{
	return alloc(size, false);
}

void pmm_obj_name(const void *obj, const char *name)
{
	struct sched *s = pmm_explore_sched;

	/* Names matter only in traces; executions without one skip this. */
	if (!s || (!s->trace && !s->observer))
		return;
	if (s->nr_names == s->names_cap) {
		unsigned int cap = s->names_cap ? s->names_cap * 2 : 64;
		struct sched_name *n = realloc(s->names, cap * sizeof(*n));

		if (!n)
			return;
		s->names = n;
		s->names_cap = cap;
	}
	s->names[s->nr_names].obj = obj;
	s->names[s->nr_names].name = name;
	s->nr_names++;
}

void pmm_obj_namef(const void *obj, const char *fmt, ...)
{
	struct sched *s = pmm_explore_sched;
	char *name;
	va_list ap;
	int n;

	if (!s || (!s->trace && !s->observer))
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	name = n >= 0 ? arena_alloc(&s->arena, (size_t)n + 1) : NULL;
	if (!name)
		return;
	va_start(ap, fmt);
	vsnprintf(name, (size_t)n + 1, fmt, ap);
	va_end(ap);
	pmm_obj_name(obj, name);
}

void pmm_violation(const char *oracle, const char *fmt, ...)
{
	struct sched *s = pmm_explore_sched;
	char msg[PMM_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (!s) {
		native_violation(oracle, msg);
		return;
	}
	/* The first violation of an execution is the one reported. */
	if (s->end != SCHED_END_VIOLATION)
		set_end(s, SCHED_END_VIOLATION, oracle, msg);
	if (s->trace) {
		const struct task *t = pmm_explore_cur;
		const char *where = t ? t->name : s->phase == PHASE_SETUP ?
				    "in setup" : "in the final state";

		trace_flush(s);
		fprintf(s->trace, "    !!  violation %s: %s", oracle, msg);
		if (t)
			fprintf(s->trace, " (in T%d %s)\n", t->id, t->name);
		else
			fprintf(s->trace, " (%s)\n", where);
		json_sep(s);
		fprintf(s->trace_json, "{\"kind\":\"violation\",\"oracle\":");
		json_str(s->trace_json, oracle);
		fprintf(s->trace_json, ",\"message\":");
		json_str(s->trace_json, msg);
		fprintf(s->trace_json, ",\"task\":%d,\"where\":", t ? t->id : -1);
		json_str(s->trace_json, where);
		fputc('}', s->trace_json);
	}
	if (pmm_explore_cur)
		switch_to_main(s, pmm_explore_cur);
}
