// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench: the substrate's speed, one `name=value` line per figure,
 * the unit in the name. Each figure is the median of several runs.
 *
 *   ctx_switch_ns             one coroutine switch, the switch protmm uses
 *   ctx_switch_ucontext_ns    the same with glibc swapcontext, for scale
 *   explore_exec_per_s_2x10   exhaustive DFS of 2 tasks x 10 steps
 *   explore_executions_2x10   ... and how many executions that is
 *   explore_exec_per_s_3x5    the same for 3 tasks x 5 steps
 *   explore_executions_3x5
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>

#include "bench_util.h"
#include "explore/selfcheck.h"
#include "sched/ctx.h"

#define SWITCHES 20000000ul
#define STACK (64 * 1024)

/* Ping-pong: the coroutine switches back at once, SWITCHES times in all. */
static struct pmm_ctx main_ctx, co_ctx;

static void pingpong(void *arg)
{
	(void)arg;
	for (;;)
		ctx_switch(&co_ctx, &main_ctx);
}

static double ctx_switch_ns(void *stack)
{
	unsigned long i;
	double t0;

	ctx_init(&co_ctx, stack, STACK, pingpong, NULL);
	t0 = now();
	for (i = 0; i < SWITCHES / 2; i++)
		ctx_switch(&main_ctx, &co_ctx);
	return (now() - t0) * 1e9 / SWITCHES;
}

static ucontext_t uc_main, uc_co;

static void uc_pingpong(void)
{
	for (;;)
		swapcontext(&uc_co, &uc_main);
}

static double ucontext_switch_ns(void *stack)
{
	unsigned long i, n = SWITCHES / 10;
	double t0;

	getcontext(&uc_co);
	uc_co.uc_stack.ss_sp = stack;
	uc_co.uc_stack.ss_size = STACK;
	uc_co.uc_link = NULL;
	makecontext(&uc_co, uc_pingpong, 0);
	t0 = now();
	for (i = 0; i < n / 2; i++)
		swapcontext(&uc_main, &uc_co);
	return (now() - t0) * 1e9 / (double)n;
}

static void bench_switch(void)
{
	void *stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double a[RUNS], u[RUNS];
	int i;

	if (stack == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	for (i = 0; i < RUNS; i++) {
		a[i] = ctx_switch_ns(stack);
		u[i] = ucontext_switch_ns(stack);
	}
	printf("ctx_switch_ns=%.2f\n", median(a));
	printf("ctx_switch_ucontext_ns=%.2f\n", median(u));
	munmap(stack, STACK);
}

static void bench_explore(const char *program, const char *tag)
{
	const struct selfcheck *c = selfcheck_find(program);
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	double rate[RUNS];
	uint64_t execs = 0;
	int i;

	for (i = 0; i < RUNS; i++) {
		if (pmm_explore(c->prog, &o, &r) || !r.complete) {
			fprintf(stderr, "bench: exploring %s failed\n", program);
			exit(1);
		}
		rate[i] = (double)r.executions / r.seconds;
		execs = r.executions;
		pmm_explore_result_release(&r);
	}
	printf("explore_exec_per_s_%s=%.0f\n", tag, median(rate));
	printf("explore_executions_%s=%llu\n", tag, (unsigned long long)execs);
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: protmm-bench\n");
		return 2;
	}
	bench_switch();
	bench_explore("independent-2x10", "2x10");
	bench_explore("independent-3x5", "3x5");
	return 0;
}
