// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Optimal DPOR: the classic benchmarks explore exactly their optimal
 * number of traces; on thousands of small random programs DPOR reaches
 * the same final states, traces and violations as plain DFS, one
 * execution per trace; a violation found by DPOR replays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpor_progs.h"
#include "protmm/atomic.h"
#include "protmm/lock.h"
#include "randprog.h"

static struct pmm_explore_opts opts(enum pmm_strategy s)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.strategy = s;
	o.stop_on_violation = false;
	o.trace = false;
	return o;
}

static void check_bench(enum dpor_bench which, unsigned int n, uint64_t want)
{
	struct pmm_explore_opts o = opts(PMM_STRATEGY_DPOR);
	struct pmm_explore_result r;
	struct pmm_program p;

	dpor_bench_prog(&p, which, n);
	assert_int_equal(pmm_explore(&p, &o, &r), 0);
	if (r.traces != want)
		fail_msg("%s(%u): %llu traces, optimal %llu", dpor_bench_name(which),
			 n, (unsigned long long)r.traces, (unsigned long long)want);
	assert_true(r.complete);
	assert_int_equal(r.executions, r.traces + r.redundant);
	assert_int_equal(r.violations, 0);
	pmm_explore_result_release(&r);
}

static void test_lastzero(void **state)
{
	(void)state;
	check_bench(BENCH_LASTZERO, 5, 64);
	check_bench(BENCH_LASTZERO, 10, 3328);
}

static void test_readers(void **state)
{
	unsigned int n;

	(void)state;
	for (n = 1; n <= 10; n++)
		check_bench(BENCH_READERS, n, 1ull << n);
}

/* Keys that collide race for a slot; the loser probes the next one. */
static void test_indexer(void **state)
{
	unsigned int n;

	(void)state;
	for (n = 1; n <= 13; n++)
		check_bench(BENCH_INDEXER, n, dpor_bench_optimal(BENCH_INDEXER, n));
}

/* Needs the races of lock acquires that disable a waiter. */
static void test_filesystem(void **state)
{
	unsigned int n;

	(void)state;
	for (n = 1; n <= 16; n++)
		check_bench(BENCH_FILESYSTEM, n,
			    dpor_bench_optimal(BENCH_FILESYSTEM, n));
}

/* Two cmpxchgs that both fail only read: one trace, not two. */
static pmm_atomic_t *cas_x;

static void cas_task(void *arg)
{
	int expect = (int)(uintptr_t)arg;

	(void)pmm_atomic_cmpxchg(cas_x, expect, expect + 1);
}

static void cas_setup(void *arg)
{
	(void)arg;
	cas_x = pmm_alloc(sizeof(*cas_x));
	pmm_task_create("a", 0, cas_task, (void *)(uintptr_t)5);
	pmm_task_create("b", 1, cas_task, (void *)(uintptr_t)7);
	pmm_task_create("c", 2, cas_task, (void *)(uintptr_t)0);
}

static void test_failed_cmpxchg_reads(void **state)
{
	struct pmm_explore_opts o = opts(PMM_STRATEGY_DPOR);
	struct pmm_program p = { .name = "cas", .setup = cas_setup };
	struct pmm_explore_result r;

	(void)state;
	/* c's succeeds: a and b each read before or after it, 4 traces. */
	assert_int_equal(pmm_explore(&p, &o, &r), 0);
	assert_true(r.complete);
	assert_int_equal(r.traces, 4);
	pmm_explore_result_release(&r);
}

/*
 * Readers and one writer of a shared lock (dpor_shared_prog()). Every step
 * is an acquire or release of the lock;
 * only a read_lock() that finds the writer in (its fast path's failed
 * attempt) merely reads it, and two such reads commute. An observer keys
 * each finished execution by its trace (runs of adjacent reads sorted by
 * task), so DFS's distinct keys are the traces DPOR must explore, one
 * execution each. A reader that took the lock while another held it for
 * reading did not wait for that one's release, nor did synchronize_rcu()
 * for a reader that came in after it began: the traces where it comes in
 * before that release are not covered by those where it comes after
 * (DPOR once skipped those races: 24 of rwsem's 26 traces for 2 readers).
 */
struct shared_obs {
	enum dpor_shared kind;
	unsigned int writer;	/* its task id (the readers come first) */
	uint8_t task[64];
	unsigned int n;
	uint64_t *keys;
	size_t nr_keys, cap;
};

static void shared_begin(void *arg, uint64_t execution)
{
	(void)execution;
	((struct shared_obs *)arg)->n = 0;
}

static void shared_step(void *arg, const struct pmm_step *st)
{
	struct shared_obs *o = arg;

	if (o->n < sizeof(o->task))
		o->task[o->n++] = (uint8_t)st->task;
}

/* The trace's key: read-only steps (read_lock meeting the writer) commute. */
static void shared_end(void *arg, const struct pmm_execution *ex)
{
	struct shared_obs *o = arg;
	uint8_t seen[PMM_MAX_TASKS] = { 0 }, ro[64] = { 0 }, t[64];
	unsigned int i, k, a, b, writer_steps = 0;
	uint64_t h = 1469598103934665603ull;

	if (ex->end != PMM_END_DONE)
		return;
	memcpy(t, o->task, o->n);
	for (i = 0; i < o->n; i++) {
		bool unlocked;

		if (t[i] == o->writer) {
			writer_steps++;
			continue;
		}
		/* The writer holds it from its lock to its unlock (its last step). */
		unlocked = true;
		for (k = i + 1; k < o->n; k++)
			if (t[k] == o->writer)
				unlocked = false;
		ro[i] = o->kind == SHARED_RWLOCK && !seen[t[i]]++ && writer_steps &&
			!unlocked;
	}
	for (i = 0; i < o->n; i = k) {
		for (k = i + 1; k < o->n && ro[i] && ro[k]; k++)
			;
		/* Sort the run [i, k) of reads by task. */
		for (a = i + 1; a < k; a++)
			for (b = a; b > i && t[b - 1] > t[b]; b--) {
				uint8_t x = t[b];

				t[b] = t[b - 1];
				t[b - 1] = x;
			}
		for (a = i; a < k; a++)
			h = (h ^ (uint64_t)(t[a] * 2 + ro[a])) * 1099511628211ull;
	}
	if (o->nr_keys == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->keys = realloc(o->keys, o->cap * sizeof(*o->keys));
		assert_non_null(o->keys);
	}
	o->keys[o->nr_keys++] = h;
}

static void check_shared(enum dpor_shared kind, unsigned int readers,
			 uint64_t want)
{
	struct pmm_explore_opts o = opts(PMM_STRATEGY_DPOR);
	struct pmm_program p;
	struct shared_obs od = { .kind = kind, .writer = readers },
			  of = { .kind = kind, .writer = readers };
	struct pmm_observer obs = { shared_begin, shared_step, shared_end, &od };
	struct pmm_explore_result r, rf;
	size_t nd, nf;

	dpor_shared_prog(&p, kind, readers);
	o.observer = &obs;
	assert_int_equal(pmm_explore(&p, &o, &r), 0);
	o.strategy = PMM_STRATEGY_DFS;
	obs.arg = &of;
	assert_int_equal(pmm_explore(&p, &o, &rf), 0);
	assert_true(r.complete && rf.complete);
	nd = rp_distinct(od.keys, od.nr_keys);
	nf = rp_distinct(of.keys, of.nr_keys);
	if (nd != od.nr_keys || nd != r.traces || nd != nf || nf != want)
		fail_msg("%s, %u readers and a writer: DPOR %llu traces (%zu "
			 "distinct), DFS %zu, %llu expected",
			 (const char *[]){ "rwsem", "rwlock", "rcu" }[kind], readers,
			 (unsigned long long)r.traces, nd, nf,
			 (unsigned long long)want);
	assert_memory_equal(od.keys, of.keys, nd * sizeof(*od.keys));
	assert_int_equal(r.violations + rf.violations, 0);
	free(od.keys);
	free(of.keys);
	pmm_explore_result_release(&r);
	pmm_explore_result_release(&rf);
}

static void test_shared_readers(void **state)
{
	(void)state;
	check_shared(SHARED_RWSEM, 1, 3);
	check_shared(SHARED_RWSEM, 2, 26);
	check_shared(SHARED_RWSEM, 3, 462);
	check_shared(SHARED_RWLOCK, 1, 3);
	check_shared(SHARED_RWLOCK, 2, 34);
	check_shared(SHARED_RWLOCK, 3, 918);
	check_shared(SHARED_RCU, 1, 3);
	check_shared(SHARED_RCU, 2, 36);
	check_shared(SHARED_RCU, 3, 912);
}

/* DFS visits every interleaving: its distinct traces are DPOR's. */
static void test_lastzero_against_dfs(void **state)
{
	struct pmm_explore_opts o = opts(PMM_STRATEGY_DFS);
	struct pmm_explore_result r, rd;
	struct pmm_program p;

	(void)state;
	dpor_bench_prog(&p, BENCH_LASTZERO, 3);
	assert_int_equal(pmm_explore(&p, &o, &r), 0);
	o.strategy = PMM_STRATEGY_DPOR;
	assert_int_equal(pmm_explore(&p, &o, &rd), 0);
	assert_true(r.complete && rd.complete);
	assert_true(rd.executions * 10 < r.executions);
	pmm_explore_result_release(&r);
	pmm_explore_result_release(&rd);
}

struct run_rec {
	uint64_t *trace, *state, *viol;
	size_t nt, ns, nv;
	uint64_t execs, traces, deadlocks;
};

static void run_rp(struct rp_prog *p, enum pmm_strategy s, struct run_rec *rec)
{
	struct pmm_explore_opts o = opts(s);
	struct pmm_explore_result r;

	rp_reset_records(p);
	assert_int_equal(pmm_explore(&p->prog, &o, &r), 0);
	assert_true(r.complete);
	rec->execs = r.executions;
	rec->traces = r.traces;
	rec->deadlocks = r.deadlocks;
	rec->nt = p->nr_keys;
	rec->trace = malloc((p->nr_keys + 1) * sizeof(uint64_t));
	rec->state = malloc((p->nr_state + 1) * sizeof(uint64_t));
	rec->viol = malloc((p->nr_viol + 1) * sizeof(uint64_t));
	assert_non_null(rec->trace);
	assert_non_null(rec->state);
	assert_non_null(rec->viol);
	if (p->nr_keys)
		memcpy(rec->trace, p->trace_keys, p->nr_keys * sizeof(uint64_t));
	if (p->nr_state)
		memcpy(rec->state, p->state_keys, p->nr_state * sizeof(uint64_t));
	if (p->nr_viol)
		memcpy(rec->viol, p->viol_keys, p->nr_viol * sizeof(uint64_t));
	rec->ns = p->nr_state;
	rec->nv = p->nr_viol;
	pmm_explore_result_release(&r);
}

static bool same_set(uint64_t *a, size_t na, uint64_t *b, size_t nb)
{
	na = rp_distinct(a, na);
	nb = rp_distinct(b, nb);
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

static void free_rec(struct run_rec *r)
{
	free(r->trace);
	free(r->state);
	free(r->viol);
}

static void differential(void (*generate)(struct rp_prog *, uint64_t),
			 const char *what)
{
	const char *env = getenv("PMM_DPOR_SEED");
	const char *n = getenv("PMM_DPOR_PROGRAMS");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 20261203;
	unsigned int i, count = n ? (unsigned int)strtoul(n, NULL, 0) : 2000;
	uint64_t dfs_execs = 0, dpor_execs = 0;

	assert_true(count > 0);
	printf("differential%s: seed %llu, %u programs (PMM_DPOR_SEED, "
	       "PMM_DPOR_PROGRAMS to change)\n", what,
	       (unsigned long long)seed, count);
	for (i = 0; i < count; i++) {
		struct rp_prog p;
		struct run_rec a, b;
		size_t distinct_dpor;

		generate(&p, seed + i);
		run_rp(&p, PMM_STRATEGY_DFS, &a);
		run_rp(&p, PMM_STRATEGY_DPOR, &b);
		dfs_execs += a.execs;
		dpor_execs += b.execs;
		/*
		 * DPOR's finished executions are distinct traces (the log of
		 * a contended down_write() is one access for its two steps,
		 * so there the keys are coarser than traces) ...
		 */
		distinct_dpor = b.nt;
		if (!p.rw && rp_distinct(b.trace, b.nt) != distinct_dpor)
			fail_msg("seed %llu: DPOR explored a trace twice",
				 (unsigned long long)(seed + i));
		/* ... and the very traces, final states, violations of DFS. */
		if (!same_set(a.trace, a.nt, b.trace, b.nt))
			fail_msg("seed %llu: DFS and DPOR traces differ (%zu vs %zu)",
				 (unsigned long long)(seed + i),
				 rp_distinct(a.trace, a.nt), rp_distinct(b.trace, b.nt));
		if (!same_set(a.state, a.ns, b.state, b.ns))
			fail_msg("seed %llu: final states differ",
				 (unsigned long long)(seed + i));
		if (!same_set(a.viol, a.nv, b.viol, b.nv))
			fail_msg("seed %llu: violations differ",
				 (unsigned long long)(seed + i));
		if (!a.deadlocks != !b.deadlocks)
			fail_msg("seed %llu: deadlock found by one strategy only",
				 (unsigned long long)(seed + i));
		free_rec(&a);
		free_rec(&b);
		rp_release(&p);
	}
	printf("differential%s: DFS %llu executions, DPOR %llu\n", what,
	       (unsigned long long)dfs_execs, (unsigned long long)dpor_execs);
	assert_true(dpor_execs < dfs_execs);
}

static void test_differential(void **state)
{
	(void)state;
	differential(rp_generate, "");
}

/*
 * The same programs with rwsems, each lock taken for read or write:
 * readers that overlap are traces of their own (test_shared_readers()).
 */
static void test_differential_rw(void **state)
{
	(void)state;
	differential(rp_generate_rw, " (rwsems)");
}

/* A violation DPOR finds has a schedule that replays to it. */
static void test_violation_replays(void **state)
{
	struct pmm_explore_opts o = opts(PMM_STRATEGY_DPOR);
	struct pmm_explore_result r, rr;
	struct rp_prog p;
	uint64_t seed;

	(void)state;
	o.stop_on_violation = true;
	o.trace = true;
	for (seed = 1; seed < 1000; seed++) {
		rp_generate(&p, seed);
		assert_int_equal(pmm_explore(&p.prog, &o, &r), 0);
		if (r.violations)
			break;
		pmm_explore_result_release(&r);
		rp_release(&p);
	}
	assert_true(r.violations > 0);
	assert_non_null(r.schedule);
	o.strategy = PMM_STRATEGY_REPLAY;
	o.schedule = r.schedule;
	assert_int_equal(pmm_explore(&p.prog, &o, &rr), 0);
	assert_int_equal(rr.violations, 1);
	assert_string_equal(rr.oracle, r.oracle);
	assert_string_equal(rr.trace, r.trace);
	pmm_explore_result_release(&r);
	pmm_explore_result_release(&rr);
	rp_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lastzero),
		cmocka_unit_test(test_readers),
		cmocka_unit_test(test_indexer),
		cmocka_unit_test(test_filesystem),
		cmocka_unit_test(test_failed_cmpxchg_reads),
		cmocka_unit_test(test_shared_readers),
		cmocka_unit_test(test_lastzero_against_dfs),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_differential_rw),
		cmocka_unit_test(test_violation_replays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
