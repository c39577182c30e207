// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stddef.h>

#include "dpor_progs.h"
#include "protmm/atomic.h"
#include "protmm/lock.h"
#include "protmm/rcu.h"
#include "sched/rwlock.h"

#define MAX_N 64

struct bench_arg {
	enum dpor_bench which;
	unsigned int n;
};

static struct bench_arg args[4][MAX_N + 1];

/* lastzero: array[0..n], task 0 the reader, tasks 1..n the writers. */
struct lastzero {
	int array[MAX_N + 1];
	unsigned int n;
};

static struct lastzero *lz;

static void lz_reader(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = lz->n; i > 0 && PMM_READ_ONCE(lz->array[i]) != 0; i--)
		;
}

static void lz_writer(void *arg)
{
	unsigned int j = (unsigned int)(uintptr_t)arg;
	int v = PMM_READ_ONCE(lz->array[j - 1]);

	PMM_WRITE_ONCE(lz->array[j], v + 1);
}

static void lz_setup(unsigned int n)
{
	unsigned int j;

	lz = pmm_alloc(sizeof(*lz));
	lz->n = n;
	pmm_task_create("reader", 0, lz_reader, NULL);
	for (j = 1; j <= n; j++)
		pmm_task_create("writer", (int)j, lz_writer, (void *)(uintptr_t)j);
}

/* readers: task 0 writes x, tasks 1..n read it. */
static int *rd_x;

static void rd_writer(void *arg)
{
	(void)arg;
	PMM_WRITE_ONCE(*rd_x, 42);
}

static void rd_reader(void *arg)
{
	(void)arg;
	(void)PMM_READ_ONCE(*rd_x);
}

static void rd_setup(unsigned int n)
{
	unsigned int j;

	rd_x = pmm_alloc(sizeof(*rd_x));
	pmm_task_create("writer", 0, rd_writer, NULL);
	for (j = 1; j <= n; j++)
		pmm_task_create("reader", (int)j, rd_reader, NULL);
}

/* indexer: 4 keys per task, hashed into 128 slots, probing on collision. */
#define IDX_SIZE 128
#define IDX_MAX 4

static pmm_atomic_t *idx_table;

static void idx_task(void *arg)
{
	int tid = (int)(uintptr_t)arg, i;

	for (i = 0; i < IDX_MAX; i++) {
		int w = i * 11 + tid;
		int h = (w * 7) % IDX_SIZE;

		while (pmm_atomic_cmpxchg(&idx_table[h], 0, w) != 0)
			h = (h + 1) % IDX_SIZE;
	}
}

static void idx_setup(unsigned int n)
{
	unsigned int j;

	idx_table = pmm_alloc(IDX_SIZE * sizeof(*idx_table));
	for (j = 0; j < n; j++)
		pmm_task_create("indexer", (int)j, idx_task, (void *)(uintptr_t)j);
}

/* filesystem: inode i = tid, its block found from 2i mod 26 on. */
#define FS_BLOCKS 26
#define FS_INODES 32

struct fs {
	pmm_mutex_t locki[FS_INODES];
	int inode[FS_INODES];
	pmm_mutex_t lockb[FS_BLOCKS];
	int busy[FS_BLOCKS];
};

static struct fs *fs;

static void fs_task(void *arg)
{
	int i = (int)(uintptr_t)arg % FS_INODES, b;

	pmm_mutex_lock(&fs->locki[i]);
	if (PMM_READ_ONCE(fs->inode[i]) == 0) {
		for (b = (i * 2) % FS_BLOCKS;; b = (b + 1) % FS_BLOCKS) {
			pmm_mutex_lock(&fs->lockb[b]);
			if (!PMM_READ_ONCE(fs->busy[b])) {
				PMM_WRITE_ONCE(fs->busy[b], 1);
				PMM_WRITE_ONCE(fs->inode[i], b + 1);
				pmm_mutex_unlock(&fs->lockb[b]);
				break;
			}
			pmm_mutex_unlock(&fs->lockb[b]);
		}
	}
	pmm_mutex_unlock(&fs->locki[i]);
}

static void fs_setup(unsigned int n)
{
	unsigned int j;

	fs = pmm_alloc(sizeof(*fs));
	for (j = 0; j < FS_INODES; j++)
		pmm_mutex_init(&fs->locki[j]);
	for (j = 0; j < FS_BLOCKS; j++)
		pmm_mutex_init(&fs->lockb[j]);
	for (j = 0; j < n; j++)
		pmm_task_create("fs", (int)j, fs_task, (void *)(uintptr_t)j);
}

static void bench_setup(void *arg)
{
	const struct bench_arg *a = arg;

	switch (a->which) {
	case BENCH_LASTZERO:
		lz_setup(a->n);
		break;
	case BENCH_READERS:
		rd_setup(a->n);
		break;
	case BENCH_INDEXER:
		idx_setup(a->n);
		break;
	case BENCH_FILESYSTEM:
		fs_setup(a->n);
		break;
	}
}

static const char *const names[] = { "lastzero", "readers", "indexer", "filesystem" };

const char *dpor_bench_name(enum dpor_bench which)
{
	return names[which];
}

void dpor_bench_prog(struct pmm_program *prog, enum dpor_bench which,
		     unsigned int n)
{
	struct bench_arg *a = &args[which][n <= MAX_N ? n : MAX_N];

	a->which = which;
	a->n = n;
	*prog = (struct pmm_program){ .name = names[which],
		.setup = bench_setup, .arg = a };
}

uint64_t dpor_bench_optimal(enum dpor_bench which, unsigned int n)
{
	static const uint64_t lastzero[] = { [5] = 64, [10] = 3328,
					     [15] = 147456 };

	switch (which) {
	case BENCH_LASTZERO:
		return n < sizeof(lastzero) / sizeof(lastzero[0]) ? lastzero[n] : 0;
	case BENCH_READERS:
		return 1ull << n;
	case BENCH_INDEXER:
		return n <= 11 ? 1 : 1ull << (3 * (n - 11));
	case BENCH_FILESYSTEM:
		return n <= 13 ? 1 : 1ull << (n - 13);
	}
	return 0;
}

/* dpor_shared_prog()'s lock, taken as its program's arg says. */
static pmm_rwsem_t *shared_sem;
static rwlock_t *shared_rwlock;
static enum dpor_shared shared_kind;

static void shared_reader(void *arg)
{
	(void)arg;
	switch (shared_kind) {
	case SHARED_RCU:
		pmm_rcu_read_lock();
		pmm_rcu_read_unlock();
		break;
	case SHARED_RWLOCK:
		read_lock(shared_rwlock);
		read_unlock(shared_rwlock);
		break;
	case SHARED_RWSEM:
		pmm_down_read(shared_sem);
		pmm_up_read(shared_sem);
		break;
	}
}

static void shared_writer(void *arg)
{
	(void)arg;
	switch (shared_kind) {
	case SHARED_RCU:
		pmm_synchronize_rcu();
		break;
	case SHARED_RWLOCK:
		write_lock(shared_rwlock);
		write_unlock(shared_rwlock);
		break;
	case SHARED_RWSEM:
		pmm_down_write(shared_sem);
		pmm_up_write(shared_sem);
		break;
	}
}

/* @arg: the number of readers, and the kind of lock above bit 8. */
static void shared_setup(void *arg)
{
	unsigned int n = (unsigned int)(uintptr_t)arg & 0xff, i;

	shared_kind = (enum dpor_shared)((uintptr_t)arg >> 8);
	shared_sem = pmm_alloc(sizeof(*shared_sem));
	shared_rwlock = pmm_alloc(sizeof(*shared_rwlock));
	pmm_rwsem_init(shared_sem);
	rwlock_init(shared_rwlock);
	for (i = 0; i < n; i++)
		pmm_task_create("reader", (int)i, shared_reader, NULL);
	pmm_task_create("writer", (int)n, shared_writer, NULL);
}

void dpor_shared_prog(struct pmm_program *prog, enum dpor_shared kind,
		      unsigned int readers)
{
	*prog = (struct pmm_program){ .name = "shared", .setup = shared_setup,
		.arg = (void *)(uintptr_t)(readers | (unsigned int)kind << 8) };
}
