// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sharded and resumed DPOR: on the classic programs and on random ones,
 * N shards of a search explore disjoint sets of traces whose union is the
 * traces of the search in one process with the same split, which are the
 * traces of the unsplit (optimal from the root) search; and a search
 * interrupted and resumed from its checkpoint at several points ends with
 * the counts and the traces of the uninterrupted one.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dpor_progs.h"
#include "protmm/observer.h"
#include "randprog.h"
#include "resume_check.h"

/* The schedules of the traces an explore counted (not the redundant). */
struct seen {
	char **sched;
	size_t n, cap;
	uint64_t counted, stop_after;
	volatile sig_atomic_t *flag;
};

static void on_end(void *arg, const struct pmm_execution *e)
{
	struct seen *s = arg;

	if (s->flag && s->stop_after && ++s->counted == s->stop_after)
		*s->flag = 1;
	if (e->end == PMM_END_ERROR)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->sched = realloc(s->sched, s->cap * sizeof(*s->sched));
		assert_non_null(s->sched);
	}
	s->sched[s->n] = strdup(e->schedule);
	assert_non_null(s->sched[s->n++]);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->sched[i]);
	free(s->sched);
	memset(s, 0, sizeof(*s));
}

/* Sorted, no trace twice, and the same as @b. */
static void assert_same_traces(struct seen *a, struct seen *b)
{
	size_t i;

	qsort(a->sched, a->n, sizeof(*a->sched), cmp);
	qsort(b->sched, b->n, sizeof(*b->sched), cmp);
	for (i = 1; i < a->n; i++)
		if (!strcmp(a->sched[i - 1], a->sched[i]))
			fail_msg("trace %s explored twice", a->sched[i]);
	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++)
		assert_string_equal(a->sched[i], b->sched[i]);
}

static char dir[64], path[128];
static volatile sig_atomic_t flag;

static int search(const struct pmm_program *p, struct pmm_shard shard,
		  struct seen *seen, const char *resume,
		  struct pmm_explore_result *r)
{
	struct pmm_observer obs = { NULL, NULL, on_end, seen };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.strategy = PMM_STRATEGY_DPOR;
	o.shard = shard;
	o.stop_on_violation = false;
	o.trace = false;
	o.observer = &obs;
	o.search_id = 7;
	if (seen->stop_after || resume) {
		flag = 0;
		seen->flag = &flag;
		seen->counted = 0;
		o.interrupt = &flag;
		o.checkpoint = path;
		o.resume = resume;
	}
	return pmm_explore(p, &o, r);
}

/* The unsplit search's traces, for @p. */
static uint64_t unsplit(const struct pmm_program *p, struct seen *seen)
{
	struct pmm_explore_result r;
	uint64_t traces;

	assert_int_equal(search(p, (struct pmm_shard){ 0, 0, 0 }, seen, NULL, &r), 0);
	assert_true(r.complete);
	assert_int_equal(r.shard_depth, 0);
	assert_int_equal(r.traces, seen->n);
	traces = r.traces;
	pmm_explore_result_release(&r);
	return traces;
}

static uint64_t redundant_split, redundant_unsplit;

static void check_split(const struct pmm_program *p, uint32_t count,
			uint32_t depth)
{
	struct seen root = { 0 }, one = { 0 }, all = { 0 };
	struct pmm_explore_result whole, part;
	uint64_t traces = 0, redundant = 0, viol = 0, probes = 0, execs = 0;
	uint32_t k, d = depth ? depth : pmm_shard_default_depth(count);

	unsplit(p, &root);
	assert_int_equal(search(p, (struct pmm_shard){ 0, 1, d }, &one, NULL,
				&whole), 0);
	assert_true(whole.complete);
	assert_int_equal(whole.shard_depth, d);
	/*
	 * Sleep sets above the split: as many traces (check_keys() compares
	 * them as traces; a trace's schedule may differ with the split).
	 */
	assert_int_equal(one.n, root.n);
	for (k = 0; k < count; k++) {
		assert_int_equal(search(p, (struct pmm_shard){ k, count, depth },
					&all, NULL, &part), 0);
		assert_true(part.complete);
		assert_int_equal(part.shard_depth, d);
		assert_int_equal(part.subtrees, whole.subtrees);
		assert_int_equal(part.executions, part.traces + part.redundant);
		traces += part.traces;
		redundant += part.redundant;
		viol += part.violations;
		execs += part.executions;
		probes += part.probes;
		pmm_explore_result_release(&part);
	}
	assert_int_equal(traces, whole.traces);
	assert_int_equal(redundant, whole.redundant);
	assert_int_equal(execs, whole.executions);
	assert_int_equal(viol, whole.violations);
	assert_int_equal(whole.probes, 0);
	/* Each shard probes every subtree but its own, once. */
	assert_int_equal(probes, (uint64_t)(count - 1) * whole.subtrees);
	/* No two shards explore one trace; together they explore them all. */
	assert_same_traces(&all, &one);
	redundant_split += whole.redundant;
	seen_free(&root);
	seen_free(&one);
	seen_free(&all);
	pmm_explore_result_release(&whole);
}

/*
 * Above the split every task not asleep branches: with many tasks the
 * sleep-set-blocked (redundant) executions grow fast with the depth.
 */
static void check_splits(const struct pmm_program *p, bool deep)
{
	static const uint32_t counts[] = { 2, 3, 5 };
	static const uint32_t depths[] = { 1, 3, 0, 8 };
	size_t i, j;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		for (j = 0; j < (deep ? 4u : 2u); j++)
			check_split(p, counts[i], depths[j]);
}

static void test_classic_shards(void **state)
{
	static const struct {
		enum dpor_bench which;
		unsigned int n;
		bool deep;
	} b[] = {
		{ BENCH_LASTZERO, 5, true }, { BENCH_READERS, 4, true },
		{ BENCH_INDEXER, 12, false }, { BENCH_FILESYSTEM, 14, false },
	};
	struct pmm_program p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		struct seen s = { 0 };

		dpor_bench_prog(&p, b[i].which, b[i].n);
		/* The classic counts hold split or not. */
		assert_int_equal(unsplit(&p, &s),
				 dpor_bench_optimal(b[i].which, b[i].n));
		fprintf(stderr, "%s(%u): %zu traces\n",
			dpor_bench_name(b[i].which), b[i].n, s.n);
		seen_free(&s);
		check_splits(&p, b[i].deep);
	}
}

/* The trace keys (randprog.h) of a search of @p split at @depth. */
static size_t keys_of(struct rp_prog *p, uint32_t depth, uint64_t **keys)
{
	struct seen s = { 0 };
	struct pmm_explore_result r;

	rp_reset_records(p);
	assert_int_equal(search(&p->prog, (struct pmm_shard){ 0, depth ? 1 : 0,
				depth }, &s, NULL, &r), 0);
	assert_true(r.complete);
	/* Finished executions are keyed (not deadlocks nor violations). */
	assert_true(p->nr_keys <= r.traces);
	*keys = malloc((p->nr_keys + 1) * sizeof(**keys));
	assert_non_null(*keys);
	if (p->nr_keys)
		memcpy(*keys, p->trace_keys, p->nr_keys * sizeof(**keys));
	seen_free(&s);
	pmm_explore_result_release(&r);
	return p->nr_keys;
}

/* Split or not, the same Mazurkiewicz traces, each explored once. */
static void check_keys(struct rp_prog *p, uint32_t depth, uint64_t seed)
{
	uint64_t *a, *b;
	size_t na = keys_of(p, 0, &a), nb = keys_of(p, depth, &b);

	if (rp_distinct(b, nb) != nb)
		fail_msg("seed %llu depth %u: a trace explored twice",
			 (unsigned long long)seed, depth);
	rp_distinct(a, na);
	if (na != nb || (na && memcmp(a, b, na * sizeof(*a))))
		fail_msg("seed %llu depth %u: other traces than unsplit (%zu, %zu)",
			 (unsigned long long)seed, depth, nb, na);
	free(a);
	free(b);
}

static void test_random_shards(void **state)
{
	struct rp_prog p;
	uint64_t seed;
	uint32_t depth;

	(void)state;
	for (seed = 1; seed <= 300; seed++) {
		rp_generate(&p, 0x5eed00 + seed);
		for (depth = 1; depth <= 6; depth++)
			check_keys(&p, depth, 0x5eed00 + seed);
		rp_release(&p);
	}
	for (seed = 1; seed <= 12; seed++) {
		rp_generate(&p, 0x5eed00 + seed);
		check_split(&p.prog, 2, 0);
		check_split(&p.prog, 3, 2);
		check_split(&p.prog, 5, 4);
		rp_release(&p);
	}
}

static void setup_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/protmm-dpor-ckpt.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/search.ckpt", dir);
}

static void cleanup_dir(void)
{
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/* The resumed search's end: as the whole one's, nothing re-run or skipped. */
static void check_resumed(struct seen *parts, struct pmm_explore_result *r,
			  struct seen *whole_seen,
			  struct pmm_explore_result *whole)
{
	assert_resumed_equal(r, whole);
	assert_same_traces(parts, whole_seen);
	seen_free(whole_seen);
	seen_free(parts);
	pmm_explore_result_release(whole);
	pmm_explore_result_release(r);
}

/* Interrupted after each of @stops executions in turn, resumed each time. */
static void check_resume(const struct pmm_program *p, struct pmm_shard shard,
			 const uint64_t *stops, size_t n)
{
	struct seen whole_seen = { 0 }, parts = { 0 };
	struct pmm_explore_result whole, r;
	size_t i;

	assert_int_equal(search(p, shard, &whole_seen, NULL, &whole), 0);
	assert_true(whole.complete);
	for (i = 0; i < n; i++) {
		parts.stop_after = stops[i];
		assert_int_equal(search(p, shard, &parts, i ? path : NULL, &r), 0);
		assert_interrupted(&r);
		assert_true(r.done_fraction < 1);
		pmm_explore_result_release(&r);
	}
	parts.stop_after = 0;
	assert_int_equal(search(p, shard, &parts, path, &r), 0);
	check_resumed(&parts, &r, &whole_seen, &whole);
}

static void test_classic_resume(void **state)
{
	static const uint64_t stops[] = { 1, 3, 10, 2 };
	struct pmm_program p;

	(void)state;
	setup_dir();
	dpor_bench_prog(&p, BENCH_LASTZERO, 5);
	check_resume(&p, (struct pmm_shard){ 0, 0, 0 }, stops, 4);
	check_resume(&p, (struct pmm_shard){ 1, 3, 3 }, stops, 3);
	dpor_bench_prog(&p, BENCH_READERS, 5);
	check_resume(&p, (struct pmm_shard){ 0, 0, 0 }, stops, 4);
	dpor_bench_prog(&p, BENCH_FILESYSTEM, 15);
	check_resume(&p, (struct pmm_shard){ 0, 0, 0 }, stops, 1);
	dpor_bench_prog(&p, BENCH_INDEXER, 12);
	check_resume(&p, (struct pmm_shard){ 0, 2, 0 }, stops, 2);
	cleanup_dir();
}

static void test_random_resume(void **state)
{
	static const uint64_t stops[] = { 2, 1, 5 };
	struct pmm_explore_result r;
	struct rp_prog p;
	uint64_t seed;

	(void)state;
	setup_dir();
	for (seed = 1; seed <= 12; seed++) {
		struct seen s = { 0 };

		rp_generate(&p, 0xc4ec00 + seed);
		assert_int_equal(search(&p.prog, (struct pmm_shard){ 0, 0, 0 }, &s,
					NULL, &r), 0);
		seen_free(&s);
		/* Room for every stop: otherwise the search just ends. */
		if (r.executions > 9)
			check_resume(&p.prog, (struct pmm_shard){ 0, 0, 0 }, stops, 3);
		pmm_explore_result_release(&r);
		rp_release(&p);
	}
	cleanup_dir();
}

/*
 * Interrupted after every execution, and resumed each time. A checkpoint
 * taken just before a redundant execution names, as its last node's next
 * branch, a task a wakeup sequence put there that is not enabled (the
 * resumed execution is the blocked one); a resume once refused it as
 * "not a node of this search" (cli-search met it on seed002's
 * tags-freed-early). Programs with blocked executions are required.
 */
static void check_resume_each(const struct pmm_program *p,
			      struct pmm_shard shard, uint64_t *redundant)
{
	struct seen whole_seen = { 0 }, parts = { 0 };
	struct pmm_explore_result whole, r;
	uint64_t stops = 0;

	assert_int_equal(search(p, shard, &whole_seen, NULL, &whole), 0);
	assert_true(whole.complete);
	*redundant += whole.redundant;
	for (;;) {
		parts.stop_after = 1;
		if (search(p, shard, &parts, stops ? path : NULL, &r))
			fail_msg("resume %llu refused: %s",
				 (unsigned long long)stops, r.message);
		if (r.complete)
			break;
		assert_interrupted(&r);
		pmm_explore_result_release(&r);
		stops++;
	}
	assert_int_equal(stops + 1, whole.executions);
	check_resumed(&parts, &r, &whole_seen, &whole);
}

static void test_resume_each_execution(void **state)
{
	struct pmm_program p;
	struct rp_prog rp;
	uint64_t seed, redundant = 0;
	unsigned int readers;

	(void)state;
	setup_dir();
	/* A writer blocked by a reader: the wakeup sequences that name it. */
	for (readers = 1; readers <= 3; readers++) {
		dpor_shared_prog(&p, SHARED_RWSEM, readers);
		check_resume_each(&p, (struct pmm_shard){ 0, 0, 0 }, &redundant);
	}
	dpor_bench_prog(&p, BENCH_LASTZERO, 3);
	check_resume_each(&p, (struct pmm_shard){ 0, 0, 0 }, &redundant);
	check_resume_each(&p, (struct pmm_shard){ 0, 1, 3 }, &redundant);
	for (seed = 1; seed <= 20; seed++) {
		rp_generate(&rp, 0xeac400 + seed);
		check_resume_each(&rp.prog, (struct pmm_shard){ 0, 0, 0 }, &redundant);
		check_resume_each(&rp.prog, (struct pmm_shard){ 0, 1, 3 }, &redundant);
		rp_release(&rp);
		rp_generate_rw(&rp, 0xeac400 + seed);
		check_resume_each(&rp.prog, (struct pmm_shard){ 0, 0, 0 }, &redundant);
		rp_release(&rp);
	}
	fprintf(stderr, "redundant executions resumed: %llu\n", (unsigned long long)redundant);
	/* Else the case this test is for was never met. */
	assert_true(redundant > 0);
	cleanup_dir();
}

/* A checkpoint's search must be this one, the nodes a path of its tree. */
static void test_bad_checkpoint(void **state)
{
	static const uint64_t stops[] = { 4 };
	struct seen s = { 0 };
	struct pmm_explore_result r;
	struct pmm_program p;
	char *text, *at;
	FILE *f;
	long len;

	(void)state;
	setup_dir();
	dpor_bench_prog(&p, BENCH_LASTZERO, 4);
	s.stop_after = stops[0];
	assert_int_equal(search(&p, (struct pmm_shard){ 0, 0, 0 }, &s, NULL, &r), 0);
	assert_true(r.checkpointed);
	pmm_explore_result_release(&r);
	seen_free(&s);
	/* Another split depth is another search. */
	assert_int_equal(search(&p, (struct pmm_shard){ 0, 2, 3 }, &s, path, &r),
			 -EINVAL);
	assert_non_null(strstr(r.message, "checkpoint of another search"));
	seen_free(&s);
	/* A wakeup-tree node pointing at itself. */
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	at = strstr(text, "\"tree\":[\n  [");
	assert_non_null(at);
	at = strchr(at + 12, ',');		/* after the task */
	at = strchr(at + 1, ',');		/* after write: the child */
	memcpy(at + 1, "0", 1);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	free(text);
	assert_int_equal(search(&p, (struct pmm_shard){ 0, 0, 0 }, &s, path, &r),
			 -EINVAL);
	if (!strstr(r.message, "the wakeup tree is not a tree") &&
	    !strstr(r.message, "is lost") && !strstr(r.message, "in use") &&
	    !strstr(r.message, "path"))
		fail_msg("accepted: %s", r.message);
	/* file:line:col */
	assert_true(!strncmp(r.message, path, strlen(path)) &&
		    r.message[strlen(path)] == ':');
	seen_free(&s);
	cleanup_dir();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic_shards),
		cmocka_unit_test(test_random_shards),
		cmocka_unit_test(test_classic_resume),
		cmocka_unit_test(test_random_resume),
		cmocka_unit_test(test_resume_each_execution),
		cmocka_unit_test(test_bad_checkpoint),
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);

	fprintf(stderr, "redundant executions summed over the splits: %llu\n",
		(unsigned long long)redundant_split);
	(void)redundant_unsplit;
	return ret;
}
