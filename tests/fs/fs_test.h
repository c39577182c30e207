/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the tests of files (src/fs/): a machine with a process, a
 * user buffer, two files and a pipe; moving bytes between the test and
 * user memory; looking at the page cache and the disk without yielding.
 *
 * Bodies run in one task on CPU 0 (the I/O paths name the task's CPU):
 * one execution, in which every oracle is live, the data oracle included
 * (a read that returns bytes other than the ones last written to that
 * file offset is "data-corruption"), and the leak oracle runs in finish.
 */
#ifndef PMM_TESTS_FS_TEST_H
#define PMM_TESTS_FS_TEST_H

#include <errno.h>

#include "../mem/mem_test.h"
#include "fs/fs.h"

/* P's private anonymous buffer: 32 pages, read-write. */
#define UBUF		0x100000ul
#define UBUF_PAGES	32ul
/* A second buffer half, for reading into. */
#define UOUT		(UBUF + 16 * PAGE_SIZE)
/* Where file mappings go. */
#define MAPA		0x400000ul
#define MAPB		0x800000ul
/* Largest file the tests make: 16 pages. */
#define FILE_MAX	(16 * PAGE_SIZE)

#define PAGE		PAGE_SIZE

struct fsenv {
	struct pmm_process *p, *q;
	struct pmm_file *f, *g;
	struct pmm_pipe *pipe;
};

static struct fsenv *env __attribute__((unused));

/* Builds the machine: P (with its buffer) and Q, files F and G, a pipe. */
static inline bool fs_machine(void)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	env = NULL;
	if (pmm_machine_init(&o)) {
		pmm_violation("setup", "pmm_machine_init failed");
		return false;
	}
	env = pmm_alloc(sizeof(*env));
	env->p = pmm_process_create();
	env->q = pmm_process_create();
	env->f = pmm_file_create(FILE_MAX);
	env->g = pmm_file_create(FILE_MAX);
	env->pipe = pmm_pipe_create();
	if (!env->p || !env->q || !env->f || !env->g || !env->pipe ||
	    pmm_mmap(env->p, UBUF, UBUF_PAGES * PAGE, PMM_PROT_READ | PMM_PROT_WRITE,
		     PMM_MAP_PRIVATE, NULL, 0)) {
		pmm_violation("setup", "building the machine failed");
		return false;
	}
	return true;
}

static inline void fs_body_setup(void *arg)
{
	if (fs_machine())
		task_new("body", 0, body_task, arg);
}

static inline void fs_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

/* Runs @body in a task on a fresh fs machine; expects @oracle or none. */
static inline void fs_run_expect(body_fn body, const char *oracle,
				 const char *msg_part)
{
	const struct pmm_program p = PROGRAM_ARG("fs-body", fs_body_setup,
						 fs_finish, body);

	if (oracle)
		explore_expect_oracle(&p, 1, 1, 0, oracle, msg_part);
	else
		explore_expect(&p, 1, 0, 0);
}

static inline void fs_run(body_fn body)
{
	checks_reset();
	fs_run_expect(body, NULL, NULL);
	assert_checks();
}

/*
 * A bounded exploration: @n executions chosen by @strategy (random walk or
 * PCT) from a fixed seed, so the run is the same every time; violations
 * are counted, not stopped at.
 */
static inline void explore_sample(const struct pmm_program *prog,
				  enum pmm_strategy strategy, uint64_t n,
				  struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	int err;

	o.strategy = strategy;
	o.seed = 42;
	o.max_executions = n;
	o.stop_on_violation = false;
	/* As in explore_all(): a trace would run setup and finish once more. */
	o.trace = false;
	err = pmm_explore(prog, &o, r);
	if (err || r->executions != n || r->truncated)
		explore_report(prog->name, r);
	assert_int_equal(err, 0);
	assert_int_equal(r->executions, n);
	assert_int_equal(r->truncated, 0);
}

/* The byte a pattern puts at file offset @off: seed 'a' gives a..z runs. */
static inline unsigned char pat(unsigned char seed, unsigned long off)
{
	return (unsigned char)(seed + (off * 7 + off / PAGE) % 26);
}

static inline void pat_fill(unsigned char *buf, unsigned char seed,
			    unsigned long off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pat(seed, off + i);
}

static inline bool pat_is(const unsigned char *buf, unsigned char seed,
			  unsigned long off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != pat(seed, off + i))
			return false;
	return true;
}

static inline bool all_is(const unsigned char *buf, unsigned char c, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != c)
			return false;
	return true;
}

/* The test's bytes into P's memory at @uaddr, and back. */
static inline int ustore(unsigned long uaddr, const void *buf, size_t len)
{
	return pmm_store(env->p, uaddr, buf, len);
}

static inline int uload(unsigned long uaddr, void *buf, size_t len)
{
	return pmm_load(env->p, uaddr, buf, len);
}

/* write(2) of @len bytes of pattern @seed at @off, through P's buffer. */
static inline ssize_t write_pat(struct pmm_file *f, unsigned char seed,
				unsigned long off, size_t len)
{
	static unsigned char buf[FILE_MAX];

	pat_fill(buf, seed, off, len);
	if (ustore(UBUF, buf, len))
		return -1000;
	return pmm_file_write(env->p, f, off, UBUF, len);
}

/* write(2) of @len copies of @c at @off. */
static inline ssize_t write_byte(struct pmm_file *f, unsigned char c,
				 unsigned long off, size_t len)
{
	static unsigned char buf[FILE_MAX];

	memset(buf, c, len);
	if (ustore(UBUF, buf, len))
		return -1000;
	return pmm_file_write(env->p, f, off, UBUF, len);
}

/* read(2) into P's buffer at UOUT, then into @out; returns read(2)'s value. */
static inline ssize_t read_file(struct pmm_file *f, unsigned long off,
				void *out, size_t len)
{
	ssize_t n;

	memset(out, 0x5a, len);
	n = pmm_file_read(env->p, f, off, UOUT, len);
	if (n > 0 && uload(UOUT, out, (size_t)n))
		return -1000;
	return n;
}

static inline struct inode *ino(struct pmm_file *f)
{
	return f->inode;
}

/* The page-cache folio at @index, if any (no reference taken). */
static inline struct folio *cached(struct pmm_file *f, unsigned long index)
{
	return ino(f)->i_pages[index];
}

/* The disk block behind page @index of @f: NULL if never written. */
static inline const unsigned char *disk_page(struct pmm_file *f,
					     unsigned long index)
{
	return machine->bdev->blocks[ino(f)->i_first_block + index];
}

/* Whether the disk holds @len bytes of @c at @off of @f (NULL reads zero). */
static inline bool disk_is(struct pmm_file *f, unsigned long off,
			   unsigned char c, size_t len)
{
	const unsigned char *d = disk_page(f, off / PAGE);

	if (!d)
		return c == 0;
	return all_is(d + off % PAGE, c, len);
}

static inline bool folio_flag(struct folio *folio, enum pageflags bit)
{
	return __atomic_load_n(&folio->flags, __ATOMIC_RELAXED) & (1ul << bit);
}

#endif /* PMM_TESTS_FS_TEST_H */
