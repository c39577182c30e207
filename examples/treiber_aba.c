// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * treiber-aba: the ABA problem of a lock-free (Treiber) stack, found by
 * protmm's explorer. Built against the installed library:
 *
 *   cc treiber_aba.c $(pkg-config --cflags --libs protmm) -o treiber-aba
 *
 * The stack holds A -> B -> C. Task "pop" pops one node. Task "juggle"
 * pops two and pushes the first back. pop() reads top (A) and A's next
 * (B), then swings top from A to B with cmpxchg. If "juggle" runs between
 * the read and the cmpxchg (pops A, pops B, pushes A), top is A again, the
 * cmpxchg succeeds, and top becomes B, which "juggle" holds: the stack and
 * a task own the same node. The fix tags top with a generation count that
 * every successful cmpxchg bumps, so a top that went away and came back no
 * longer compares equal.
 *
 *   treiber-aba                 explore both versions: expect the ABA
 *                               violation in the untagged stack and none
 *                               in the tagged one (exit 0 if so)
 *   treiber-aba --replay S      replay schedule S of the untagged stack
 *                               and print its trace
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <protmm/atomic.h>
#include <protmm/explore.h>
#include <protmm/observer.h>

#define NR_NODES 3
#define IDX_MASK 0xffffffffL

struct node {
	int next;		/* index + 1 of the next node, 0 at the bottom */
};

struct stack {
	/* Index + 1 of the top node in the low 32 bits, a tag above. */
	pmm_atomic_long_t top;
	struct node node[NR_NODES];
	/* The node each task holds at the end (index + 1, or 0). */
	int held[2];
	int tagged;
};

static const char *const node_names[NR_NODES] = { "A", "B", "C" };

/* The next value of top: the tagged stack counts every change. */
static long new_top(const struct stack *s, long old, int idx)
{
	long tag = s->tagged ? (old & ~IDX_MASK) + (1L << 32) : 0;

	return tag | idx;
}

static int pop(struct stack *s)
{
	for (;;) {
		long top = pmm_atomic_long_read(&s->top);
		int idx = (int)(top & IDX_MASK);
		int next;

		if (!idx)
			return 0;
		next = PMM_READ_ONCE(s->node[idx - 1].next);
		if (pmm_atomic_long_cmpxchg(&s->top, top,
					    new_top(s, top, next)) == top)
			return idx;
	}
}

static void push(struct stack *s, int idx)
{
	for (;;) {
		long top = pmm_atomic_long_read(&s->top);

		PMM_WRITE_ONCE(s->node[idx - 1].next, (int)(top & IDX_MASK));
		if (pmm_atomic_long_cmpxchg(&s->top, top,
					    new_top(s, top, idx)) == top)
			return;
	}
}

static struct stack *stack;

static void pop_task(void *arg)
{
	struct stack *s = arg;

	s->held[0] = pop(s);
}

static void juggle_task(void *arg)
{
	struct stack *s = arg;
	int first = pop(s);

	s->held[1] = pop(s);
	if (first)
		push(s, first);
}

static void setup(void *arg)
{
	int i;

	stack = pmm_alloc(sizeof(*stack));
	if (!stack)
		return;
	stack->tagged = arg != NULL;
	for (i = 0; i < NR_NODES; i++) {
		stack->node[i].next = i + 1 < NR_NODES ? i + 2 : 0;
		pmm_obj_namef(&stack->node[i].next, "%s.next", node_names[i]);
	}
	pmm_atomic_long_set(&stack->top, 1);
	pmm_obj_name(&stack->top, "top");
	pmm_task_create("pop", 0, pop_task, stack);
	pmm_task_create("juggle", 1, juggle_task, stack);
}

/* Every node is on the stack or held by one task, never both. */
static void finish(void *arg)
{
	int owners[NR_NODES] = { 0 };
	int idx = (int)(pmm_atomic_long_read(&stack->top) & IDX_MASK);
	int i, n;

	(void)arg;
	for (n = 0; idx && n <= NR_NODES; n++) {
		owners[idx - 1]++;
		idx = stack->node[idx - 1].next;
	}
	for (i = 0; i < 2; i++)
		if (stack->held[i])
			owners[stack->held[i] - 1]++;
	for (i = 0; i < NR_NODES; i++)
		if (owners[i] != 1)
			pmm_violation("use-after-free",
				      "node %s has %d owners (stack and tasks)",
				      node_names[i], owners[i]);
}

/* The observer: counts what the explorer ran. */
struct tally {
	uint64_t executions, steps, violations;
};

static void on_step(void *arg, const struct pmm_step *st)
{
	(void)st;
	((struct tally *)arg)->steps++;
}

static void on_end(void *arg, const struct pmm_execution *e)
{
	struct tally *t = arg;

	t->executions++;
	if (e->end == PMM_END_VIOLATION)
		t->violations++;
}

static int explore(int tagged, const char *replay, struct pmm_explore_result *r,
		   struct tally *t)
{
	static const struct pmm_program progs[2] = {
		{ .name = "treiber-aba", .setup = setup, .finish = finish },
		{ .name = "treiber-tagged", .setup = setup, .finish = finish,
		  .arg = (void *)1 },
	};
	struct pmm_observer obs = { NULL, on_step, on_end, t };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;

	o.stop_on_violation = false;
	o.observer = &obs;
	if (replay) {
		o.strategy = PMM_STRATEGY_REPLAY;
		o.schedule = replay;
	}
	return pmm_explore(&progs[tagged], &o, r);
}

int main(int argc, char **argv)
{
	struct pmm_explore_result bad, good;
	struct tally tb = { 0 }, tg = { 0 };
	int err, ok;

	if (argc == 3 && !strcmp(argv[1], "--replay")) {
		err = explore(0, argv[2], &bad, &tb);
		if (err) {
			fprintf(stderr, "treiber-aba: %s\n", bad.message);
			return 2;
		}
		fputs(bad.trace, stdout);
		pmm_explore_result_release(&bad);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: treiber-aba [--replay SCHEDULE]\n");
		return 2;
	}

	if (explore(0, NULL, &bad, &tb) || explore(1, NULL, &good, &tg)) {
		fprintf(stderr, "treiber-aba: exploration failed\n");
		return 2;
	}
	printf("untagged: %llu executions, %llu violating, complete: %s\n",
	       (unsigned long long)bad.executions,
	       (unsigned long long)bad.violations, bad.complete ? "yes" : "no");
	if (bad.violations) {
		printf("first violation: %s: %s\n%s", bad.oracle, bad.message,
		       bad.trace);
		printf("replay: %s --replay %s\n", argv[0], bad.schedule);
	}
	printf("tagged: %llu executions, %llu violating, complete: %s\n",
	       (unsigned long long)good.executions,
	       (unsigned long long)good.violations, good.complete ? "yes" : "no");
	printf("observed: %llu + %llu executions, %llu + %llu steps\n",
	       (unsigned long long)tb.executions, (unsigned long long)tg.executions,
	       (unsigned long long)tb.steps, (unsigned long long)tg.steps);

	/* What was explored is what the observer saw. */
	ok = bad.complete && good.complete && bad.violations > 0 &&
	     !strcmp(bad.oracle, "use-after-free") && good.violations == 0 &&
	     tb.executions == bad.executions && tg.executions == good.executions &&
	     tb.violations == bad.violations &&
	     tb.steps == bad.steps && tg.steps == good.steps;
	printf("%s\n", ok ? "as expected: the tag fixes the ABA race" :
	       "NOT as expected");
	pmm_explore_result_release(&bad);
	pmm_explore_result_release(&good);
	return ok ? 0 : 1;
}
