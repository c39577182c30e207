/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The execution substrate, as model code sees it.
 *
 * Every access model code makes to state another task can see goes through
 * a yield point: sched_point(obj, kind) just before the access. Under the
 * explore backend the running task stops there and the strategy picks which
 * task performs its next access; under the native backend (or outside any
 * task) a yield point costs one load and a branch.
 *
 * A task that must wait names, at its yield point, a guard: a condition on
 * shared state under which it can proceed. The scheduler never picks a task
 * whose guard is false, so waiting never spins, and when every live task
 * waits, the execution is reported as a deadlock.
 */
#ifndef PMM_SCHED_SCHED_H
#define PMM_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "protmm/explore.h"
#include "protmm/sched.h"
#include "sched/arena.h"
#include "sched/ctx.h"

/* struct pmm_loc and PMM_HERE are public: protmm/sched.h. */

struct task;
typedef bool (*sched_guard_fn)(const struct task *waiter, const void *arg);

/* Objects a step may name besides its yield point's (sched_also()). */
#define SCHED_ALSO_MAX 3

struct task {
	struct pmm_ctx ctx;
	char *stack;
	size_t stack_size;
	pmm_task_fn fn;
	void *arg;
	const char *name;
	int id;
	int cpu;
	bool done;
	/* What it is doing, for traces (pmm_task_op()). */
	const char *op;

	/* The access this task makes when next picked. */
	const void *obj;
	enum pmm_access kind;
	const struct pmm_loc *loc;
	/*
	 * Further objects that access touches (sched_also()): DPOR's
	 * dependence is over all of them. Bit i of also_write: also[i] written.
	 */
	const void *also[SCHED_ALSO_MAX];
	/* Set: the object is also_fn[i](also[i]) in the state it is picked in. */
	const void *(*also_fn[SCHED_ALSO_MAX])(const void *arg);
	uint8_t also_write;
	uint8_t nr_also;
	/* The running step's objects, for the footprint audit (sched_audit()). */
	const void *run_obj[1 + SCHED_ALSO_MAX];
	uint8_t run_write;
	uint8_t run_n;
	sched_guard_fn guard;
	const void *guard_arg;
	/* The step that ran last only read its object (a failed cmpxchg). */
	bool step_read_only;
	/*
	 * The next step takes or drops a shared hold (down_read, up_read):
	 * two shared holders do not exclude each other (sched_step_shared()).
	 */
	bool shared;
	/*
	 * Set by a conditional write's yield point (cmpxchg, test_and_set_bit,
	 * trylock): whether, picked in the current state, it would write.
	 */
	bool (*would_write)(const void *arg);
	const void *would_write_arg;

	/* Wait queues: a sleeper runs again only once a wake-up sets woken. */
	const void *sleep_key;
	long sleep_bit;
	bool woken;

	/* Spinlocks held: the task may not sleep (might_sleep()). */
	int atomic_depth;
	/* RCU read side: nesting depth, and outermost unlocks so far. */
	int rcu_nesting;
	uint64_t rcu_exits;
	uint64_t rcu_wait_mask;
	/* local_irq_save() nesting: this CPU takes no IPI meanwhile. */
	int irqs_off;
	/*
	 * synchronize_rcu(): rcu_exits of each reader when it started (read
	 * only under rcu_wait_mask, so a new execution need not clear it).
	 */
	uint64_t rcu_snap[PMM_MAX_TASKS];
};

/*
 * How the strategy is asked: pick one task id out of @enabled (a bit per
 * task, at least one set). Returns the id, or -1 to abandon the execution
 * with an error (a replayed schedule naming a task that cannot run).
 */
struct sched_strategy {
	int (*choose)(void *priv, uint64_t step, uint64_t enabled);
	void *priv;
};

enum sched_end {
	SCHED_END_DONE,		/* every task ran to completion */
	SCHED_END_VIOLATION,	/* an oracle fired */
	SCHED_END_DEADLOCK,	/* live tasks, none can run */
	SCHED_END_BOUND,	/* the step bound was reached */
	SCHED_END_ERROR,	/* the strategy gave up (bad schedule) */
};

enum sched_phase {
	PHASE_IDLE,
	PHASE_SETUP,
	PHASE_PROLOGUE,
	PHASE_RUN,
	PHASE_FINISH,
};

struct sched_name {
	const void *obj;
	const char *name;
};

struct sched {
	struct task tasks[PMM_MAX_TASKS];
	unsigned int nr_tasks;
	uint64_t live;
	/* Live tasks waiting at a guard (the others are enabled). */
	uint64_t guarded;
	struct pmm_ctx main_ctx;
	enum sched_phase phase;
	enum sched_end end;

	const struct sched_strategy *strategy;
	uint64_t step;
	uint32_t bound;
	/* The task picked at each step: the schedule string. */
	uint8_t *hist;

	char oracle[32];
	char msg[PMM_MSG_MAX];

	/* Trace of this execution, when asked for: text and JSON. */
	FILE *trace;
	FILE *trace_json;
	/* The step being traced: printed when it ends, with its after value. */
	struct {
		bool active;
		uint64_t step;
		const struct task *t;
		const char *op;
		const void *obj;
		enum pmm_access kind;
		const struct pmm_loc *loc;
		unsigned int width;
		uint64_t before;
		char label[64];
		unsigned int json_n;
	} pend;
	struct sched_name *names;
	unsigned int nr_names, names_cap;
	/* Told of each step as it is picked (pmm_explore_opts.observer). */
	const struct pmm_observer *observer;

	struct arena arena;
	size_t stack_size;
};

/* Non-NULL while a task runs under the explore backend. */
extern struct task *pmm_explore_cur;
/* Set for the whole of an explore run, setup and finish included. */
extern struct sched *pmm_explore_sched;

static inline bool sched_exploring(void)
{
	return pmm_explore_sched != NULL;
}

void __sched_point(const void *obj, enum pmm_access kind,
		   const struct pmm_loc *loc);
void __sched_wait(const void *obj, enum pmm_access kind,
		  const struct pmm_loc *loc, sched_guard_fn guard,
		  const void *arg);

static inline void sched_point_at(const void *obj, enum pmm_access kind,
				  const struct pmm_loc *loc)
{
	if (__builtin_expect(pmm_explore_cur != NULL, 1))
		__sched_point(obj, kind, loc);
}

#define sched_point(obj, kind) sched_point_at((obj), (kind), PMM_HERE)

/*
 * The running step's yield point named @obj: a further access to it in
 * the same step needs no yield point of its own (it adds no dependence).
 */
static inline bool sched_step_named(const void *obj)
{
	return pmm_explore_cur && pmm_explore_cur->obj == obj;
}

/*
 * The running step turned out to only read the object its yield point
 * named as written (a cmpxchg that failed, a trylock that did not take
 * the lock): DPOR then lets it commute with other reads.
 */
/*
 * A conditional write: what the yield point at @obj would do if picked
 * now. Exploring, the step is a write exactly when @would_write(@arg)
 * holds in the state where it runs (@arg must live until the step does).
 */
void __sched_point_cond(const void *obj, enum pmm_access kind,
			const struct pmm_loc *loc,
			bool (*would_write)(const void *arg), const void *arg);

static inline void sched_point_cond_at(const void *obj, enum pmm_access kind,
				       const struct pmm_loc *loc,
				       bool (*would_write)(const void *arg),
				       const void *arg)
{
	if (__builtin_expect(pmm_explore_cur != NULL, 1))
		__sched_point_cond(obj, kind, loc, would_write, arg);
}

/* Would-write tests: a value of @width bytes at @p equals @expect ... */
struct sched_cas_probe {
	const void *p;
	long expect;
	unsigned int width;
};
bool sched_cas_would_write(const void *arg);
/* ... a bit of a word is clear (@set) or set (!@set). */
struct sched_bit_probe {
	const unsigned long *w;
	unsigned long mask;
	bool set;
};
bool sched_bit_would_write(const void *arg);

/*
 * The next yield point's step also touches @obj (@kind): a step that does
 * more than the access its yield point names (a store through the TLB
 * reads the TLB as well as writing the frame). Call just before it.
 */
void sched_also(const void *obj, enum pmm_access kind);
/*
 * The same for an object that depends on the state the step runs in (the
 * frame a PTE points to when the walk runs): @fn(@arg) gives it, or NULL
 * for none, whenever the explorer asks.
 */
void sched_also_fn(const void *(*fn)(const void *arg), const void *arg,
		   enum pmm_access kind);
/*
 * Footprint audit (PMM_FOOTPRINT_AUDIT=1): the running step touches @obj
 * (@what, for the report); reported on stderr unless its yield point
 * named it so. A no-op otherwise.
 */
void sched_audit(const void *obj, bool write, const char *what);

static inline void sched_step_read_only(void)
{
	if (pmm_explore_cur)
		pmm_explore_cur->step_read_only = true;
}

/*
 * The next yield point of this task takes or drops a shared hold of its
 * lock (down_read(), up_read()): DPOR then knows that a reader waiting
 * there did not wait for another reader's release.
 */
static inline void sched_step_shared(void)
{
	if (pmm_explore_cur)
		pmm_explore_cur->shared = true;
}

/*
 * Explore backend only: yield, and run again only when guard(arg) holds.
 * Outside a task (setup, finish) a false guard is a bug-on: nothing could
 * ever make it true.
 */
static inline void sched_wait_at(const void *obj, enum pmm_access kind,
				 const struct pmm_loc *loc,
				 sched_guard_fn guard, const void *arg)
{
	__sched_wait(obj, kind, loc, guard, arg);
}

/*
 * spin_until(): a kernel loop that spins re-reading shared state until it
 * changes (filemap_get_entry() meeting a frozen folio, say). Exploring, the
 * task waits until @guard holds, which is the same set of outcomes without
 * unbounded spinning; natively it relaxes the CPU and lets the caller look
 * again.
 */
void spin_until_at(const void *obj, const struct pmm_loc *loc,
		   sched_guard_fn guard, const void *arg);
#define spin_until(obj, guard, arg) spin_until_at((obj), PMM_HERE, (guard), (arg))

/*
 * Wait queues under the explore backend: sched_prepare_sleep() marks the
 * task asleep on @key before it tests its condition (as the kernel's
 * prepare_to_wait sets the task state first), sched_sleep() yields until a
 * sched_wake(key) has come, sched_wake() wakes every sleeper on @key.
 */
void sched_prepare_sleep(const void *key, long bit);
/* False when there is no task to put to sleep (the bug-on is reported). */
bool sched_sleep(const void *key, const struct pmm_loc *loc);
void sched_finish_sleep(void);
/* Wakes sleepers on (@key, @bit); @bit is -1 for a plain wait queue. */
void sched_wake(const void *key, long bit);

/*
 * might_sleep(): under the explore backend, sleeping with a spinlock held
 * or inside an RCU read-side critical section is reported as a bug-on, as
 * CONFIG_DEBUG_ATOMIC_SLEEP would. The native backend does not check.
 */
void __sched_might_sleep(const struct pmm_loc *loc);
static inline void sched_might_sleep(const struct pmm_loc *loc)
{
	if (pmm_explore_cur)
		__sched_might_sleep(loc);
}
void sched_atomic_enter(void);
/* False, with a bug-on reported, when the task holds no spinlock. */
bool sched_atomic_exit(const char *what, const struct pmm_loc *loc);

/* Names for objects that outlive executions (the RCU state, ...). */
void sched_static_name(const void *obj, const char *name);

/*
 * A labeller names objects of a layer's own kinds in traces (a page's
 * refcount, a PTE): true if it knew @obj, with the width in bytes of the
 * value there (0 if it is not one value), which the trace shows before
 * and after each step. Registered once per process.
 */
typedef bool (*sched_labeller_fn)(const void *obj, char *buf, size_t len,
				  unsigned int *width);
void sched_labeller(sched_labeller_fn fn);

/* The explore-backend task table, for RCU's grace periods. */
struct sched *sched_current(void);

/* Runs one execution of @prog. The caller resets nothing: this does. */
enum sched_end sched_run(struct sched *s, const struct pmm_program *prog,
			 const struct sched_strategy *strategy);

int sched_init(struct sched *s, size_t stack_size, uint32_t bound,
	       size_t memory_limit);
void sched_destroy(struct sched *s);

/* A printable label for @obj: its name, else its arena offset. */
void sched_obj_label(const struct sched *s, const void *obj, char *buf,
		     size_t len, unsigned int *width);

/* Native backend hooks (native.c). */
struct native_task;
int native_task_create(const char *name, int cpu, pmm_task_fn fn, void *arg);
int native_current_id(void);
int native_current_cpu(void);
bool native_running(void);
void native_violation(const char *oracle, const char *msg);
void *native_alloc(size_t size, bool zero);

#endif /* PMM_SCHED_SCHED_H */
