// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness: random sequences of the public operations of
 * protmm/machine.h and protmm/kvm.h on one machine (FUZZ_MACHINE, set at
 * build time: one binary per machine, one corpus each; without it the
 * file is the library fuzz_ops_one() the benchmark drives).
 *
 * The input is decoded into a machine (RAM, swap, a VM on arm64-mte), a
 * few operations run in setup() and up to three tasks' operations, then
 * run once under the explore backend: a random schedule whose seed comes
 * from the input, so an input is one execution, reproducible.
 *
 * The operations are used as a legal program uses them: every pin is
 * released once, by the task that took it, and a device writes only
 * through a pin taken for writing. Then an oracle firing is an expected
 * result (the model's verdict), not a failure of the harness; what is a
 * failure, and aborts, is what no legal program may cause: a "bug-on" (a
 * broken model invariant, what the kernel would VM_BUG_ON), a deadlock
 * (nothing a program does here blocks for good), the explorer refusing
 * (-EPROTO: not deterministic), and of course a crash or a sanitizer
 * report.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ops.h"
#include "protmm/explore.h"
#include "protmm/knob.h"
#include "protmm/kvm.h"
#include "protmm/machine.h"


#define K4		4096ul
#define BASE		0x100000ul
#define REGION		0x10000ul	/* 16 pages apart: 8 regions */
#define NR_REGIONS	8
#define NR_BASE_PROCS	2
#define MAX_PROCS	8
#define NR_FILES	2
#define MAX_TASKS	3
#define MAX_OPS		48		/* per task, and in setup */
#define MAX_PINS	4		/* held by one task at once */
#define GPA_SLOT	(4 * K4)

/* One decoded operation: its code and its argument bytes. */
struct op {
	uint8_t code;
	uint8_t a[6];
};

struct task_ops {
	struct op ops[MAX_OPS];
	unsigned int nr;
};

/* The decoded input; read by setup() and the tasks, never written. */
static struct {
	bool mte_vm;
	unsigned long ram, swap;
	uint64_t seed;
	struct task_ops init, task[MAX_TASKS];
	unsigned int nr_tasks;
	const uint8_t *bytes;	/* data written by stores, DMA, guest */
	size_t nr_bytes;
} in;

/* One execution's objects (setup() makes them; tasks may add children). */
struct world {
	struct pmm_process *procs[MAX_PROCS];
	unsigned int nr_procs;
	struct pmm_file *files[NR_FILES];
	struct pmm_pipe *pipe;
	struct pmm_vm *vm;
};

static struct world *w;
/* The machine the operations run on. */
static const char *machine;

static bool mte_machine(void)
{
	return !strcmp(machine, "arm64-mte");
}

struct task_state {
	unsigned int id;
	struct pmm_process *home;
	struct pmm_process *children[2];
	unsigned int nr_children;
	struct pmm_pin *pins[MAX_PINS];
	bool pin_write[MAX_PINS];
};

static void decode(const uint8_t *data, size_t size)
{
	size_t i = 0;

	memset(&in, 0, sizeof(in));
	in.ram = (size >= 1 && (data[0] & 1)) ? 2ul << 20 : 1ul << 20;
	in.swap = (size >= 1 && (data[0] & 2)) ? 1ul << 20 : 0;
	in.mte_vm = size >= 1 && (data[0] & 4);
	in.nr_tasks = size >= 1 ? 1 + (data[0] >> 3) % MAX_TASKS : 2;
	in.seed = size >= 3 ? (uint64_t)data[1] | (uint64_t)data[2] << 8 : 1;
	i = size >= 3 ? 3 : size;
	/* The first byte of each op says whose it is: init or a task. */
	while (i + 1 + sizeof(((struct op *)0)->a) <= size) {
		uint8_t who = data[i] >> 6;
		struct task_ops *to = who == 0 ? &in.init :
				      &in.task[(who - 1) % in.nr_tasks];
		struct op *op;

		if (to->nr == MAX_OPS)
			break;
		op = &to->ops[to->nr++];
		op->code = data[i] & 0x3f;
		memcpy(op->a, data + i + 1, sizeof(op->a));
		i += 1 + sizeof(op->a);
	}
	in.bytes = data;
	in.nr_bytes = size;
}

/* Bytes to write: a window of the input itself. */
static const void *payload(uint8_t at, size_t *len, uint8_t n)
{
	static const char fill[] = "protmm-fuzz-bytes";

	*len = 1 + n % 16;
	if (in.nr_bytes >= *len + at)
		return in.bytes + at;
	*len = *len < sizeof(fill) - 1 ? *len : sizeof(fill) - 1;
	return fill;
}

static unsigned long addr_of(const uint8_t *a)
{
	return BASE + (a[0] % NR_REGIONS) * REGION + ((a[0] >> 3) % 5) * K4 +
	       ((a[1] & 0x80) ? 0 : a[1] * 16ul % K4);
}

static unsigned long page_addr(const uint8_t *a)
{
	return addr_of(a) & ~(K4 - 1);
}

static struct pmm_process *proc_of(struct task_state *ts, uint8_t sel)
{
	if (!ts)
		return w->procs[sel % w->nr_procs];
	if ((sel & 3) == 3 && ts->nr_children)
		return ts->children[(sel >> 2) % ts->nr_children];
	return ts->home;
}

static struct pmm_file *file_of(uint8_t sel)
{
	return w->files[sel % NR_FILES];
}

static unsigned int prot_of(uint8_t v)
{
	unsigned int prot = v & (PMM_PROT_READ | PMM_PROT_WRITE | PMM_PROT_EXEC);

	if ((v & 8) && mte_machine())
		prot |= PMM_PROT_MTE;
	return prot;
}

static void op_pin(struct task_state *ts, struct pmm_process *p, const uint8_t *a)
{
	unsigned int slot = a[3] % MAX_PINS;
	unsigned int flags = a[2] & (PMM_GUP_WRITE | PMM_GUP_LONGTERM | PMM_GUP_FAST |
				     PMM_GUP_GET);

	if (!ts || ts->pins[slot])
		return;
	if (pmm_pin(p, page_addr(a), 1 + a[4] % 2, flags, &ts->pins[slot]))
		ts->pins[slot] = NULL;
	ts->pin_write[slot] = flags & PMM_GUP_WRITE;
}

static void op_unpin(struct task_state *ts, uint8_t slot)
{
	slot %= MAX_PINS;
	if (!ts || !ts->pins[slot])
		return;
	pmm_unpin(ts->pins[slot]);
	ts->pins[slot] = NULL;
}

static void op_dma(struct task_state *ts, const uint8_t *a)
{
	unsigned int slot = a[0] % MAX_PINS;
	unsigned char buf[16];
	const void *src;
	size_t len;

	if (!ts || !ts->pins[slot])
		return;
	src = payload(a[2], &len, a[3]);
	/* A device writes only through a pin taken for writing. */
	if ((a[1] & 1) && ts->pin_write[slot])
		pmm_pin_dma(ts->pins[slot], a[4] * 16ul % K4, (void *)src, len, true);
	else
		pmm_pin_dma(ts->pins[slot], a[4] * 16ul % K4, buf, len, false);
}

static void op_fork(struct task_state *ts, struct pmm_process *p)
{
	struct pmm_process *c;

	if (ts ? ts->nr_children == 2 : w->nr_procs == MAX_PROCS)
		return;
	c = pmm_fork(p);
	if (!c)
		return;
	if (ts)
		ts->children[ts->nr_children++] = c;
	else
		w->procs[w->nr_procs++] = c;
}

/*
 * exit() of a process no task acts in: a task's own children, or in
 * setup() a child setup() forked. Since issue 9 item 1 an mm goes with
 * its last user (mmput()), but a C program's task racing pmm_exit() must
 * hold a user of its own (pmm_process_get()), as a scenario's threads
 * do; these tasks do not yet, so -DFUZZ_EXIT_SHARED (any process may
 * exit) is for when they do.
 */
static void op_exit(struct task_state *ts, struct pmm_process *p)
{
#ifndef FUZZ_EXIT_SHARED
	unsigned int i;

	if (ts && p == ts->home)
		return;
	for (i = 0; !ts && i < NR_BASE_PROCS; i++)
		if (p == w->procs[i])
			return;
#endif
	pmm_exit(p);
}

static void op_file(struct pmm_process *p, uint8_t code, const uint8_t *a)
{
	struct pmm_file *f = file_of(a[2]);
	unsigned long off = (a[3] % 6) * K4 + ((a[3] & 0x80) ? 0ul : a[4] % 64ul);
	size_t len = (a[5] & 1) ? K4 * (1 + a[5] % 2) : 1ul + a[5] % 64ul;

	switch (code) {
	case OPS_FILE_READ:
		pmm_file_read(p, f, off, addr_of(a), len);
		break;
	case OPS_FILE_WRITE:
		pmm_file_write(p, f, off, addr_of(a), len);
		break;
	case OPS_FILE_READ_DIRECT:
		pmm_file_read_direct(p, f, off & ~(K4 - 1), page_addr(a), K4);
		break;
	case OPS_FILE_WRITE_DIRECT:
		pmm_file_write_direct(p, f, off & ~(K4 - 1), page_addr(a), K4);
		break;
	case OPS_FSYNC:
		pmm_fsync(f);
		break;
	case OPS_TRUNCATE:
		pmm_truncate(f, off);
		break;
	case OPS_PUNCH:
		pmm_punch_hole(f, off, len);
		break;
	case OPS_SPLICE_TO_PIPE:
		pmm_splice_to_pipe(f, off, w->pipe, len);
		break;
	case OPS_SPLICE_FROM_PIPE:
		pmm_splice_from_pipe(w->pipe, f, off, len);
		break;
	case OPS_PIPE_READ:
		pmm_pipe_read(p, w->pipe, addr_of(a), len);
		break;
	}
}

static void op_guest(uint8_t code, const uint8_t *a)
{
	unsigned long gpa = (a[0] % 5) * K4 + a[1] * 16ul % K4;
	unsigned char buf[K4 / 16 * 2];
	const void *src;
	size_t len;

	if (!w->vm)
		return;
	if (a[5] & 1)
		gpa = pmm_tag_addr(gpa, a[5] >> 4);
	switch (code) {
	case OPS_GUEST_STORE:
		src = payload(a[2], &len, a[3]);
		pmm_guest_store(w->vm, gpa, src, len);
		break;
	case OPS_GUEST_LOAD:
		pmm_guest_load(w->vm, gpa, buf, 1 + a[3] % 16);
		break;
	case OPS_GUEST_STORE_TAGS:
		pmm_guest_store_tags(w->vm, gpa & ~15ul, 16 * (1 + a[3] % 8), a[4] & 0xf);
		break;
	case OPS_GUEST_LOAD_TAGS:
		pmm_guest_load_tags(w->vm, gpa & ~15ul, 16 * (1 + a[3] % 8), buf);
		break;
	case OPS_COPY_TAGS:
		memset(buf, a[4] & 0xf, sizeof(buf));
		pmm_vm_copy_tags(w->vm, gpa & ~(K4 - 1), K4 * (1 + a[3] % 2), buf, a[2] & 1);
		break;
	}
}

/* One operation, in setup() (@ts NULL) or in a task. */
static void run_op(struct task_state *ts, const struct op *op)
{
	const uint8_t *a = op->a;
	struct pmm_process *p = proc_of(ts, a[5]);
	struct pmm_page_state ps;
	unsigned char buf[K4 / 16 * 2];
	const void *src;
	size_t len;

	switch (op->code % OPS_NR) {
	case OPS_MMAP:
		pmm_mmap(p, page_addr(a), K4 * (1 + a[2] % 4), prot_of(a[3]),
			 (a[4] & 1) ? PMM_MAP_SHARED : PMM_MAP_PRIVATE,
			 (a[4] & 2) ? file_of(a[4] >> 2) : NULL, ((a[4] >> 3) % 4) * K4);
		break;
	case OPS_MUNMAP:
		pmm_munmap(p, page_addr(a), K4 * (1 + a[2] % 4));
		break;
	case OPS_MPROTECT:
		pmm_mprotect(p, page_addr(a), K4 * (1 + a[2] % 4), prot_of(a[3]));
		break;
	case OPS_STORE:
		src = payload(a[2], &len, a[3]);
		pmm_store(p, (a[4] & 1) ? pmm_tag_addr(addr_of(a), a[4] >> 4) : addr_of(a),
			  src, len);
		break;
	case OPS_LOAD:
		pmm_load(p, (a[4] & 1) ? pmm_tag_addr(addr_of(a), a[4] >> 4) : addr_of(a),
			 buf, 1 + a[3] % 16);
		break;
	case OPS_STORE_TAGS:
		pmm_store_tags(p, addr_of(a) & ~15ul, 16 * (1 + a[3] % 8), a[4] & 0xf);
		break;
	case OPS_LOAD_TAGS:
		pmm_load_tags(p, addr_of(a) & ~15ul, 16 * (1 + a[3] % 8), buf);
		break;
	case OPS_RECLAIM:
		pmm_reclaim(p, page_addr(a), K4 * (1 + a[2] % 2));
		break;
	case OPS_FORK:
		op_fork(ts, p);
		break;
	case OPS_EXIT:
		op_exit(ts, p);
		break;
	case OPS_PIN:
		op_pin(ts, p, a);
		break;
	case OPS_UNPIN:
		op_unpin(ts, a[0]);
		break;
	case OPS_DMA:
		op_dma(ts, a);
		break;
	case OPS_PAGE_STATE:
		pmm_page_state(p, addr_of(a), &ps);
		pmm_swapped(p, addr_of(a));
		pmm_mem_tag(p, addr_of(a));
		break;
	case OPS_GUEST_STORE:
	case OPS_GUEST_LOAD:
	case OPS_GUEST_STORE_TAGS:
	case OPS_GUEST_LOAD_TAGS:
	case OPS_COPY_TAGS:
		op_guest(op->code % OPS_NR, a);
		break;
	default:
		op_file(p, op->code % OPS_NR, a);
		break;
	}
}

static void task_fn(void *arg)
{
	struct task_state ts = { .id = (unsigned int)(uintptr_t)arg };
	const struct task_ops *to = &in.task[ts.id];
	unsigned int i;

	ts.home = w->procs[ts.id % NR_BASE_PROCS];
	for (i = 0; i < to->nr; i++)
		run_op(&ts, &to->ops[i]);
	/* What a task pinned it releases before it ends, as a driver must. */
	for (i = 0; i < MAX_PINS; i++)
		op_unpin(&ts, (uint8_t)i);
}

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned int i;

	(void)arg;
	o.arch = machine;
	o.ram_bytes = in.ram;
	o.swap_bytes = in.swap;
	o.disk_bytes = 1ul << 20;
	o.nr_cpus = MAX_TASKS;
	if (pmm_machine_init(&o))
		return;
	w = pmm_alloc(sizeof(*w));
	if (!w)
		return;
	for (i = 0; i < NR_BASE_PROCS; i++)
		w->procs[w->nr_procs++] = pmm_process_create();
	for (i = 0; i < NR_FILES; i++)
		w->files[i] = pmm_file_create(6 * K4);
	w->pipe = pmm_pipe_create();
	/* Region 0 of the first process is the guest's memory. */
	if (mte_machine() && w->procs[0]) {
		w->vm = pmm_vm_create(w->procs[0], in.mte_vm ? PMM_VM_MTE : 0);
		if (w->vm)
			pmm_vm_set_memslot(w->vm, 0, BASE, GPA_SLOT);
	}
	for (i = 0; i < w->nr_procs; i++)
		if (!w->procs[i])
			return;
	for (i = 0; i < in.init.nr; i++)
		run_op(NULL, &in.init.ops[i]);
	for (i = 0; i < in.nr_tasks; i++)
		pmm_task_create("fuzz", (int)i, task_fn, (void *)(uintptr_t)i);
}

static void finish(void *arg)
{
	(void)arg;
	if (w)
		pmm_machine_finish();
	w = NULL;
}

static const struct pmm_program prog = {
	.name = "fuzz-ops",
	.setup = setup,
	.finish = finish,
};

int fuzz_ops_one(const char *arch, const uint8_t *data, size_t size, char *oracle,
		 size_t cap)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;
	int err;

	machine = arch;
	decode(data, size);
	o.strategy = PMM_STRATEGY_RANDOM;
	o.seed = in.seed;
	o.max_executions = 1;
	o.step_bound = 50000;
	o.trace = false;
	o.memory_limit = (size_t)64 << 20;
	err = pmm_explore(&prog, &o, &r);
	if (oracle && cap)
		snprintf(oracle, cap, "%s", err ? "explore-error" : r.violations ? r.oracle : "");
	if (!err && r.violations &&
	    (!strcmp(r.oracle, "bug-on") || !strcmp(r.oracle, "deadlock"))) {
		fprintf(stderr, "fuzz-ops-%s: %s: %s\n", machine, r.oracle, r.message);
		pmm_explore_result_release(&r);
		return -EFAULT;
	}
	if (err) {
		fprintf(stderr, "fuzz-ops-%s: pmm_explore: %s: %s\n", machine,
			strerror(-err), r.message);
		return err;
	}
	pmm_explore_result_release(&r);
	return 0;
}

#ifdef FUZZ_MACHINE
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_ops_one(FUZZ_MACHINE, data, size, NULL, 0))
		abort();
	return 0;
}
#endif
