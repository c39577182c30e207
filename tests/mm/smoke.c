// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>
#include <string.h>

#include "protmm/protmm.h"

static struct pmm_process *P, *C;
static struct pmm_file *F;
static int which;

#define A 0x100000ul

static void t_parent(void *arg)
{
	(void)arg;
	if (pmm_store(P, A, "B", 1))
		pmm_violation("final-state", "store failed");
}

static void t_child(void *arg)
{
	char c = 0;

	(void)arg;
	if (pmm_load(C, A, &c, 1) || c != 'A')
		pmm_violation("final-state", "child read %c", c);
}

static void t_pin(void *arg)
{
	struct pmm_pin *pin;

	(void)arg;
	if (!pmm_pin(P, A, 1, PMM_GUP_FAST | PMM_GUP_WRITE, &pin))
		pmm_unpin(pin);
}

static void t_unmap(void *arg)
{
	(void)arg;
	pmm_munmap(P, A, 4096);
}

static void t_fwrite(void *arg)
{
	(void)arg;
	pmm_file_write(P, F, 0, A, 5);
}

static void t_trunc(void *arg)
{
	(void)arg;
	pmm_truncate(F, 0);
}

static void t_fread(void *arg)
{
	char buf[8];
	(void)arg;
	pmm_file_read(P, F, 0, A + 4096, 5);
	pmm_load(P, A + 4096, buf, 5);
}

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	if (pmm_machine_init(&o))
		return;
	P = pmm_process_create();
	pmm_mmap(P, A, 2 * 4096, PMM_PROT_READ | PMM_PROT_WRITE, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "A", 1);
	switch (which) {
	case 0:
		C = pmm_fork(P);
		pmm_task_create("parent", 0, t_parent, NULL);
		pmm_task_create("child", 1, t_child, NULL);
		break;
	case 1:
		pmm_task_create("pin", 0, t_pin, NULL);
		pmm_task_create("unmap", 1, t_unmap, NULL);
		break;
	case 2:
		F = pmm_file_create(8192);
		pmm_store(P, A, "hello", 5);
		pmm_task_create("write", 0, t_fwrite, NULL);
		pmm_task_create("trunc", 1, t_trunc, NULL);
		pmm_task_create("read", 2, t_fread, NULL);
		break;
	}
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

int main(int argc, char **argv)
{
	struct pmm_program prog = { "smoke", "", setup, finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	int err;

	which = argc > 1 ? argv[1][0] - '0' : 0;
	o.stop_on_violation = true;
	if (argc > 2) {
		o.strategy = PMM_STRATEGY_RANDOM;
		o.max_executions = 20000;
	}
	err = pmm_explore(&prog, &o, &r);
	printf("err=%d execs=%llu viol=%llu complete=%d steps=%llu %.2fs\n", err,
	       (unsigned long long)r.executions, (unsigned long long)r.violations,
	       r.complete, (unsigned long long)r.steps, r.seconds);
	if (r.violations)
		printf("%s: %s\nschedule %s\n%s", r.oracle, r.message, r.schedule, r.trace);
	if (err)
		printf("msg: %s\n", r.message);
	pmm_explore_result_release(&r);
	return 0;
}
