// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pmm_explore(): runs executions as the chosen strategy says, counts what
 * they end in, keeps the first violation, and gives it a trace by
 * replaying its schedule with tracing on. Tracing is off while exploring,
 * so the per-execution path does no I/O and no allocation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/checkpoint.h"
#include "explore/dpor.h"
#include "explore/strategy.h"
#include "sched/sched.h"

static const char *const strategy_names[] = {
	[PMM_STRATEGY_DFS] = "dfs",
	[PMM_STRATEGY_RANDOM] = "random",
	[PMM_STRATEGY_REPLAY] = "replay",
	[PMM_STRATEGY_PCT] = "pct",
	[PMM_STRATEGY_DPOR] = "dpor",
};

const char *pmm_strategy_name(enum pmm_strategy s)
{
	if ((unsigned int)s > PMM_STRATEGY_DPOR)
		return "?";
	return strategy_names[s];
}

int pmm_strategy_parse(const char *name, enum pmm_strategy *out)
{
	unsigned int i;

	for (i = 0; i <= PMM_STRATEGY_DPOR; i++) {
		if (!strcmp(name, strategy_names[i])) {
			*out = (enum pmm_strategy)i;
			return 0;
		}
	}
	return -EINVAL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct explorer {
	struct sched sched;
	const struct pmm_program *prog;
	const struct pmm_explore_opts *opts;
	struct pmm_explore_result *res;
	struct dfs dfs;
	struct dpor dpor;
	struct random_walk rnd;
	struct pct pct;
	struct replay replay;
	uint8_t *replay_steps;
	struct sched_strategy strategy;
	/* With opts->live: the strategy's own choose(), wrapped by live_choose(). */
	struct sched_strategy inner;
	double next_progress;
	/* Exhaustive strategies: their hooks, and this shard's part. */
	const struct search_ops *search;
	void *search_priv;
	struct shard_state shard;
	/* Executions run, probes included; seconds a resumed search had. */
	uint64_t runs;
	double seconds_before;
	int err;
};

static const char *const end_names[] = {
	[SCHED_END_DONE] = "every task finished",
	[SCHED_END_VIOLATION] = "violation",
	[SCHED_END_DEADLOCK] = "deadlock",
	[SCHED_END_BOUND] = "step bound reached",
	[SCHED_END_ERROR] = "schedule could not be followed",
};

static const char *const pmm_end_names[] = {
	[PMM_END_DONE] = "done",
	[PMM_END_VIOLATION] = "violation",
	[PMM_END_DEADLOCK] = "deadlock",
	[PMM_END_BOUND] = "bound",
	[PMM_END_ERROR] = "error",
};

_Static_assert((int)PMM_END_DONE == (int)SCHED_END_DONE &&
	       (int)PMM_END_VIOLATION == (int)SCHED_END_VIOLATION &&
	       (int)PMM_END_DEADLOCK == (int)SCHED_END_DEADLOCK &&
	       (int)PMM_END_BOUND == (int)SCHED_END_BOUND &&
	       (int)PMM_END_ERROR == (int)SCHED_END_ERROR,
	       "enum pmm_end is enum sched_end");

const char *pmm_end_name(enum pmm_end end)
{
	if ((unsigned int)end > PMM_END_ERROR)
		return "?";
	return pmm_end_names[end];
}

/* Where a traced execution writes: memory streams, or the caller's. */
struct trace_bufs {
	char *buf, *jbuf;
	size_t len, jlen;
};

/* The caller's streams (opts->trace_stream) or memory ones, headed. */
static int trace_begin(struct explorer *x, struct trace_bufs *b)
{
	struct sched *s = &x->sched;

	memset(b, 0, sizeof(*b));
	if (x->opts->trace_stream) {
		s->trace = x->opts->trace_stream;
		s->trace_json = x->opts->trace_json_stream;
	} else {
		s->trace = open_memstream(&b->buf, &b->len);
		s->trace_json = open_memstream(&b->jbuf, &b->jlen);
	}
	if (!s->trace || !s->trace_json) {
		if (s->trace)
			fclose(s->trace);
		if (s->trace_json)
			fclose(s->trace_json);
		free(b->buf);
		free(b->jbuf);
		s->trace = s->trace_json = NULL;
		return -ENOMEM;
	}
	fprintf(s->trace, "  step  task            cpu  operation      access   object"
		"                 before -> after                          where\n");
	fputs("[\n", s->trace_json);
	return 0;
}

/* Ends the trace; what memory streams hold goes to res->trace{,_json}. */
static void trace_end(struct explorer *x, enum sched_end end, struct trace_bufs *b)
{
	struct sched *s = &x->sched;

	fprintf(s->trace, "   end  %s after %llu steps\n", end_names[end],
		(unsigned long long)s->step);
	fprintf(s->trace_json, "%s{\"kind\":\"end\",\"end\":\"%s\",\"steps\":%llu}\n]",
		s->pend.json_n ? ",\n" : "", end_names[end],
		(unsigned long long)s->step);
	if (x->opts->trace_stream) {
		fflush(s->trace);
		fflush(s->trace_json);
	} else {
		fclose(s->trace);
		fclose(s->trace_json);
	}
	s->trace = s->trace_json = NULL;
	free(x->res->trace);
	free(x->res->trace_json);
	x->res->trace = b->buf;
	x->res->trace_json = b->jbuf;
}

/* Runs @steps once more with tracing, into res->trace and res->trace_json. */
static int trace_execution(struct explorer *x, const uint8_t *steps, size_t n,
			   enum sched_end *end)
{
	struct replay rp = { .steps = steps, .n = n };
	struct sched_strategy st = { replay_choose, &rp };
	struct trace_bufs b;

	if (trace_begin(x, &b))
		return -ENOMEM;
	*end = sched_run(&x->sched, x->prog, &st);
	trace_end(x, *end, &b);
	if (*end == SCHED_END_ERROR) {
		snprintf(x->res->message, sizeof(x->res->message), "%s", rp.err);
		return -EINVAL;
	}
	return 0;
}

/* A replay whose trace streams out is traced as it first runs. */
static bool streaming(const struct explorer *x)
{
	return x->opts->trace && x->opts->trace_stream;
}

static void record_violation(struct explorer *x)
{
	struct pmm_explore_result *res = x->res;
	struct sched *s = &x->sched;

	res->violations++;
	if (s->end == SCHED_END_DEADLOCK)
		res->deadlocks++;
	if (res->violations > 1)
		return;
	snprintf(res->oracle, sizeof(res->oracle), "%s", s->oracle);
	snprintf(res->message, sizeof(res->message), "%s", s->msg);
	res->violation_execution = res->executions;
	res->violation_subtree = x->shard.subtree;
	res->schedule = pmm_schedule_format(s->hist, s->step);
}

/* The first violation's trace: the replay must retrace the same steps. */
static int trace_violation(struct explorer *x)
{
	struct pmm_explore_result *res = x->res;
	uint8_t *steps;
	size_t cap = x->opts->step_bound;
	long n;
	size_t col;
	enum sched_end end;
	int err;

	if (!res->schedule)
		return -ENOMEM;
	steps = malloc(cap ? cap : 1);
	if (!steps)
		return -ENOMEM;
	n = pmm_schedule_parse(res->schedule, steps, cap, &col);
	err = n < 0 ? (int)n : trace_execution(x, steps, (size_t)n, &end);
	free(steps);
	if (!err && (end != SCHED_END_VIOLATION && end != SCHED_END_DEADLOCK))
		err = -EPROTO;
	return err;
}

/* Publishes each step as it is chosen (opts->live). */
static int live_choose(void *priv, uint64_t step, uint64_t enabled)
{
	struct explorer *x = priv;
	struct pmm_explore_live *live = x->opts->live;
	int id = x->inner.choose(x->inner.priv, step, enabled);

	if (id >= 0) {
		__atomic_store_n(&live->steps[step], (uint8_t)id, __ATOMIC_RELAXED);
		__atomic_store_n(&live->nr_steps, step + 1, __ATOMIC_RELAXED);
	}
	return id;
}

static void live_begin(struct explorer *x)
{
	struct pmm_explore_live *live = x->opts->live;

	if (!live)
		return;
	__atomic_store_n(&live->nr_steps, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&live->execution, x->res->executions + 1, __ATOMIC_RELAXED);
}

static int setup_strategy(struct explorer *x)
{
	const struct pmm_explore_opts *o = x->opts;
	size_t col = 0;
	long n;

	switch (o->strategy) {
	case PMM_STRATEGY_DFS:
		x->strategy = (struct sched_strategy){ dfs_choose, &x->dfs };
		x->search = &dfs_search;
		x->search_priv = &x->dfs;
		return dfs_init(&x->dfs, o->step_bound, o->preemptions);
	case PMM_STRATEGY_DPOR:
		x->strategy = (struct sched_strategy){ dpor_choose, &x->dpor };
		x->search = &dpor_search;
		x->search_priv = &x->dpor;
		/* Full branching above the shards' prefixes only. */
		return dpor_init(&x->dpor, &x->sched, x->shard.depth);
	case PMM_STRATEGY_RANDOM:
		random_init(&x->rnd, o->seed);
		x->strategy = (struct sched_strategy){ random_choose, &x->rnd };
		return 0;
	case PMM_STRATEGY_PCT:
		if (!o->pct_depth || o->pct_depth > PCT_MAX_DEPTH)
			return -EINVAL;
		pct_init(&x->pct, o->seed, o->pct_depth);
		x->strategy = (struct sched_strategy){ pct_choose, &x->pct };
		return 0;
	case PMM_STRATEGY_REPLAY:
		if (!o->schedule)
			return -EINVAL;
		x->replay_steps = malloc(o->step_bound ? o->step_bound : 1);
		if (!x->replay_steps)
			return -ENOMEM;
		n = pmm_schedule_parse(o->schedule, x->replay_steps,
				       o->step_bound, &col);
		if (n == -E2BIG) {
			snprintf(x->res->message, sizeof(x->res->message),
				 "schedule is longer than the step bound (%u)",
				 o->step_bound);
			return -EINVAL;
		}
		if (n < 0) {
			snprintf(x->res->message, sizeof(x->res->message),
				 "malformed schedule at column %zu", col);
			return -EINVAL;
		}
		x->replay = (struct replay){ .steps = x->replay_steps,
					     .n = (size_t)n };
		x->strategy = (struct sched_strategy){ replay_choose, &x->replay };
		return 0;
	}
	return -EINVAL;
}

/*
 * Whether another execution should run after the one just counted. DFS
 * first learns whether any interleaving is left, so that an exploration
 * whose last execution hit a limit still counts as complete.
 */
/* Stopped by *opts->interrupt: the state goes to opts->checkpoint. */
static void interrupted(struct explorer *x)
{
	const struct pmm_explore_opts *o = x->opts;
	struct pmm_explore_result *res = x->res;
	struct checkpoint c = { x->prog, o, res, &x->shard, x->search,
				x->search_priv };
	double seconds = res->seconds;
	int err;

	res->interrupted = true;
	if (!x->search)
		return;
	res->done_fraction = x->search->done_fraction(x->search_priv);
	if (!o->checkpoint)
		return;
	res->subtrees = x->shard.subtree + 1;
	err = checkpoint_save(&c, o->checkpoint);
	res->seconds = seconds;
	if (err) {
		snprintf(res->message, sizeof(res->message),
			 "cannot write the checkpoint %s: %s", o->checkpoint,
			 err == -EXDEV ? "the search names an object outside "
			 "the arena, the task stacks and the loaded modules" :
			 strerror(-err));
		x->err = err;
		return;
	}
	res->checkpointed = true;
}

static bool more(struct explorer *x, double t0)
{
	const struct pmm_explore_opts *o = x->opts;
	struct pmm_explore_result *res = x->res;

	if (x->search && !shard_next(&x->shard, x->search, x->search_priv)) {
		res->complete = o->strategy != PMM_STRATEGY_DPOR ||
				(!x->dpor.oom && !x->dpor.nondeterministic);
		res->done_fraction = res->complete ? 1 : res->done_fraction;
		return false;
	}
	if (o->strategy == PMM_STRATEGY_REPLAY)
		return false;
	if (o->stop_on_violation && res->violations)
		return false;
	if (o->max_executions && res->executions >= o->max_executions)
		return false;
	if (!(x->runs & 255) && (o->max_seconds > 0 || o->progress)) {
		double t = now() - t0;

		if (o->max_seconds > 0 && t >= o->max_seconds)
			return false;
		if (o->progress && t >= x->next_progress) {
			res->seconds = x->seconds_before + t;
			res->subtrees = x->shard.subtree + 1;
			if (x->search)
				res->done_fraction =
					x->search->done_fraction(x->search_priv);
			o->progress(res, o->progress_arg);
			x->next_progress = t + 0.25;
		}
	}
	/* Only an exploration that had more to do was interrupted. */
	if (o->interrupt && *o->interrupt) {
		res->seconds = x->seconds_before + now() - t0;
		interrupted(x);
		return false;
	}
	if (o->strategy == PMM_STRATEGY_PCT)
		pct_next(&x->pct, x->sched.step);
	return true;
}

/* A replayed schedule must not name steps the execution never took. */
static int replay_leftover(struct explorer *x)
{
	if (x->opts->strategy != PMM_STRATEGY_REPLAY ||
	    x->sched.step >= x->replay.n)
		return 0;
	snprintf(x->res->message, sizeof(x->res->message),
		 "schedule names %zu steps but the execution ended after %llu",
		 x->replay.n, (unsigned long long)x->sched.step);
	return -EINVAL;
}

/* The observer's view of the execution that just ended. */
static void observe_end(struct explorer *x, enum sched_end end)
{
	const struct pmm_observer *o = x->opts->observer;
	struct sched *s = &x->sched;
	bool bad = end == SCHED_END_VIOLATION || end == SCHED_END_DEADLOCK;
	char *schedule;

	if (!o->end)
		return;
	schedule = pmm_schedule_format(s->hist, s->step);
	o->end(o->arg, &(struct pmm_execution){
		.execution = x->res->executions,
		.end = (enum pmm_end)end,
		.steps = s->step,
		.schedule = schedule ? schedule : "",
		.oracle = bad ? s->oracle : "",
		.message = bad ? s->msg : "",
	});
	free(schedule);
}

/*
 * An execution into a subtree of another shard: run to learn the tree's
 * top, and counted only as a probe (its violations are that shard's).
 */
static int run_probe(struct explorer *x)
{
	struct sched *s = &x->sched;
	enum sched_end end;

	live_begin(x);
	end = sched_run(s, x->prog, &x->strategy);
	x->res->probes++;
	/* A DPOR probe may be a redundant execution: it still ran the prefix. */
	if (end != SCHED_END_ERROR ||
	    (x->opts->strategy == PMM_STRATEGY_DPOR && x->dpor.abandoned))
		return 0;
	if (x->opts->strategy == PMM_STRATEGY_DPOR && x->dpor.oom)
		return -ENOMEM;
	snprintf(x->res->message, sizeof(x->res->message),
		 "program is not deterministic: probe %llu offered other "
		 "runnable tasks than before at step %llu",
		 (unsigned long long)x->res->probes, (unsigned long long)s->step);
	return -EPROTO;
}

static int run_one(struct explorer *x)
{
	const struct pmm_observer *obs = x->opts->observer;
	struct sched *s = &x->sched;
	struct trace_bufs b;
	enum sched_end end;

	x->runs++;
	if (x->search && !x->shard.own)
		return run_probe(x);
	live_begin(x);
	if (streaming(x) && trace_begin(x, &b))
		return -ENOMEM;
	if (obs && obs->begin)
		obs->begin(obs->arg, x->res->executions + 1);
	s->observer = obs;
	end = sched_run(s, x->prog, &x->strategy);
	s->observer = NULL;
	if (streaming(x))
		trace_end(x, end, &b);

	x->res->executions++;
	x->res->steps += s->step;
	if (obs)
		observe_end(x, end);
	if (x->opts->strategy == PMM_STRATEGY_DPOR) {
		if (end == SCHED_END_ERROR && x->dpor.abandoned) {
			x->res->redundant++;
			return 0;
		}
		if (end == SCHED_END_ERROR && x->dpor.oom)
			return -ENOMEM;
		x->res->traces++;
	}
	switch (end) {
	case SCHED_END_ERROR:
		if (x->opts->strategy == PMM_STRATEGY_DFS ||
		    x->opts->strategy == PMM_STRATEGY_DPOR) {
			snprintf(x->res->message, sizeof(x->res->message),
				 "program is not deterministic: execution %llu "
				 "offered other runnable tasks than before at step %llu",
				 (unsigned long long)x->res->executions,
				 (unsigned long long)s->step);
			return -EPROTO;
		}
		snprintf(x->res->message, sizeof(x->res->message), "%s",
			 x->replay.err);
		return -EINVAL;
	case SCHED_END_BOUND:
		x->res->truncated++;
		return 0;
	case SCHED_END_VIOLATION:
	case SCHED_END_DEADLOCK:
		record_violation(x);
		return 0;
	case SCHED_END_DONE:
		return replay_leftover(x);
	}
	return 0;
}

static int explore(struct explorer *x)
{
	double t0 = now();
	int err;

	do {
		err = run_one(x);
	} while (!err && more(x, t0));
	if (!err)
		err = x->err;
	x->res->seconds = x->seconds_before + now() - t0;
	if (x->search) {
		x->res->shard_depth = x->shard.depth;
		x->res->subtrees = x->shard.subtree + 1;
	}
	if (err || !x->opts->trace || streaming(x))
		return err;
	if (x->opts->strategy == PMM_STRATEGY_REPLAY) {
		enum sched_end end;

		return trace_execution(x, x->replay.steps, x->replay.n, &end);
	}
	return x->res->violations ? trace_violation(x) : 0;
}

/* Sharding and checkpoints need an exhaustive strategy's hooks. */
static int search_opts_valid(struct explorer *x)
{
	const struct pmm_explore_opts *o = x->opts;
	const char *what = NULL;

	if (o->shard.count > 1 || o->shard.index || o->shard.depth)
		what = "sharding";
	else if (o->checkpoint || o->resume)
		what = "checkpoints";
	if (!what)
		return 0;
	if (!x->search) {
		snprintf(x->res->message, sizeof(x->res->message),
			 "%s: not supported with strategy %s", what,
			 pmm_strategy_name(o->strategy));
		return -EINVAL;
	}
	if (o->shard.index >= (o->shard.count ? o->shard.count : 1)) {
		snprintf(x->res->message, sizeof(x->res->message),
			 "shard %u of %u: no such shard", o->shard.index,
			 o->shard.count);
		return -EINVAL;
	}
	return o->nr_counters && !o->counters ? -EINVAL : 0;
}

/* Goes on from opts->resume: counts, shard and strategy state. */
static int resume(struct explorer *x)
{
	struct checkpoint c = { x->prog, x->opts, x->res, &x->shard, x->search,
				x->search_priv };
	int err = checkpoint_load(&c, x->opts->resume, x->res->message,
				  sizeof(x->res->message));

	x->seconds_before = x->res->seconds;
	return err;
}

static bool opts_valid(const struct pmm_program *prog,
		       const struct pmm_explore_opts *o)
{
	bool sampling = o && (o->strategy == PMM_STRATEGY_RANDOM ||
			      o->strategy == PMM_STRATEGY_PCT);

	/* A random walk or PCT without a limit would never end. */
	return prog && prog->setup && o && o->step_bound > 0 &&
	       o->stack_size >= 16 * 1024 && o->max_seconds >= 0 &&
	       o->memory_limit > 0 &&
	       (unsigned int)o->strategy <= PMM_STRATEGY_DPOR &&
	       (o->strategy != PMM_STRATEGY_DPOR ||
		o->preemptions == PMM_PREEMPTIONS_ALL) &&
	       (!sampling || o->max_executions || o->max_seconds > 0) &&
	       (!o->live || o->live->steps) &&
	       !o->trace_stream == !o->trace_json_stream &&
	       (!o->trace_stream || o->strategy == PMM_STRATEGY_REPLAY);
}

int pmm_explore(const struct pmm_program *prog,
		const struct pmm_explore_opts *opts,
		struct pmm_explore_result *res)
{
	struct explorer *x;
	int err;

	memset(res, 0, sizeof(*res));
	if (!opts_valid(prog, opts) || sched_exploring() || native_running())
		return -EINVAL;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->prog = prog;
	x->opts = opts;
	x->res = res;
	err = sched_init(&x->sched, opts->stack_size, opts->step_bound,
			 opts->memory_limit);
	shard_init(&x->shard, &opts->shard);
	/* Unsplit, DPOR is optimal from the root: no prefix to own. */
	if (opts->strategy == PMM_STRATEGY_DPOR && x->shard.count == 1 &&
	    !opts->shard.depth)
		x->shard.depth = 0;
	if (!err)
		err = setup_strategy(x);
	if (!err)
		err = search_opts_valid(x);
	if (!err && opts->resume)
		err = resume(x);
	if (!err && opts->live) {
		x->inner = x->strategy;
		x->strategy = (struct sched_strategy){ live_choose, x };
	}
	if (!err)
		err = explore(x);
	if (opts->strategy == PMM_STRATEGY_DFS)
		dfs_destroy(&x->dfs);
	if (opts->strategy == PMM_STRATEGY_DPOR) {
		dpor_search_release(&x->dpor);
		dpor_destroy(&x->dpor);
	}
	free(x->replay_steps);
	sched_destroy(&x->sched);
	free(x);
	return err;
}

void pmm_explore_result_release(struct pmm_explore_result *res)
{
	free(res->schedule);
	free(res->trace);
	free(res->trace_json);
	res->schedule = NULL;
	res->trace = NULL;
	res->trace_json = NULL;
}
