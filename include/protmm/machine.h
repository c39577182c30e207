/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/machine.h - the modelled machine, its processes and files, and
 * the operations tasks perform on them. A C program expresses a scenario
 * with these: its setup() builds the machine and the initial state, its
 * tasks run operations, its finish() calls pmm_machine_finish(), which
 * tears everything down and runs the end-of-run oracles (leak).
 *
 * Every operation runs on the calling task's CPU (pmm_task_cpu()) and
 * returns 0 or a byte count, or a negative errno:
 *
 *   -EFAULT   the access hit no mapping or one that forbids it (SIGSEGV)
 *   -EIO      SIGBUS (a file mapping beyond the end of the file), or an
 *             I/O error
 *   -ENOMEM   the machine is out of memory
 *   -EINVAL   bad arguments
 *   -ENOTSUP  something this model does not support (it says which)
 *
 * Context table:
 *   pmm_machine_init, pmm_process_create, pmm_file_create,
 *   pmm_pipe_create                                  setup() only
 *   pmm_machine_finish                               finish() only
 *   everything else                                  setup() or a task
 */
#ifndef PROTMM_MACHINE_H
#define PROTMM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "protmm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine_opts {
	/* RAM, in bytes (a multiple of 4 KiB). */
	unsigned long ram_bytes;
	/* Device memory after RAM (VRAM, a BAR), never in the allocator. */
	unsigned long dev_bytes;
	/* CPUs, each with its own TLB; tasks run on CPU pmm_task_cpu(). */
	unsigned int nr_cpus;
	/* The block device behind every file. */
	unsigned long disk_bytes;
	/* The machine: "generic" or "arm64-mte". */
	const char *arch;
	/* A swap device of this many bytes (0: none; reclaim then fails). */
	unsigned long swap_bytes;
	/*
	 * The swap device is zram-like (SWP_SYNCHRONOUS_IO): a fault on an
	 * entry only one PTE holds reads the page straight into a new folio,
	 * bypassing the swap cache.
	 */
	bool swap_synchronous;
};

#define PMM_MACHINE_OPTS_INIT {						\
	.ram_bytes = 4ul << 20,						\
	.dev_bytes = 0,							\
	.nr_cpus = 4,							\
	.disk_bytes = 16ul << 20,					\
	.arch = "generic",						\
	.swap_bytes = 0,						\
	.swap_synchronous = false,					\
}

/* Builds this execution's machine. -ENOTSUP names an unknown machine. */
PMM_API int pmm_machine_init(const struct pmm_machine_opts *opts);
/*
 * Tears the machine down — every process exits, every pipe is released,
 * every file dropped from the cache — and reports any frame still
 * allocated as a "leak" (a pin never released, a reference never put).
 */
PMM_API void pmm_machine_finish(void);

/*
 * The calling task's operation (a scenario statement, a system call):
 * it begins, then ends. A read in it may return any value its location
 * held at some point since the operation began, and a write in it takes
 * effect at some point before it ends: the data oracle accepts what
 * concurrent operations allow. Accesses outside an operation (setup(),
 * finish(), a task that never calls these) are instants. No effect
 * outside exploration.
 */
PMM_API void pmm_op_begin(void);
PMM_API void pmm_op_end(void);

/* Free RAM pages now, and frames currently allocated. */
PMM_API unsigned long pmm_free_pages(void);

struct pmm_process;
struct pmm_file;
struct pmm_pipe;
struct pmm_pin;

PMM_API struct pmm_process *pmm_process_create(void);

/* PROT_* and MAP_* values, as in <sys/mman.h>. */
#define PMM_PROT_NONE	0x0u
#define PMM_PROT_READ	0x1u
#define PMM_PROT_WRITE	0x2u
#define PMM_PROT_EXEC	0x4u
/* arm64's PROT_MTE: tag-checked memory (arm64-mte machines only). */
#define PMM_PROT_MTE	0x20u
#define PMM_MAP_SHARED	0x01u
#define PMM_MAP_PRIVATE	0x02u

/*
 * mmap at exactly @addr (page aligned; the range must be free). @file is
 * NULL for anonymous memory (MAP_SHARED anonymous memory is shmem, see
 * protmm/shmem.h); @off is the file offset.
 */
PMM_API int pmm_mmap(struct pmm_process *p, unsigned long addr,
		     unsigned long len, unsigned int prot, unsigned int flags,
		     struct pmm_file *file, unsigned long off);
PMM_API int pmm_munmap(struct pmm_process *p, unsigned long addr,
		       unsigned long len);
PMM_API int pmm_mprotect(struct pmm_process *p, unsigned long addr,
			 unsigned long len, unsigned int prot);
/*
 * Transparent huge pages (anonymous, 2 MiB, PMD-mapped). Whether a fault
 * gets one follows the knob thp.enabled (always, madvise, never) and the
 * VMA's madvise(); thp.use_zero_page maps the huge zero page on reads.
 *
 * madvise(MADV_HUGEPAGE / MADV_NOHUGEPAGE) on whole VMAs: 0, -ENOMEM for
 * a hole in the range, -EINVAL for a bad range; any other advice, or a
 * range that would split a VMA, is -EOPNOTSUPP (not supported).
 */
#define PMM_MADV_HUGEPAGE	14
#define PMM_MADV_NOHUGEPAGE	15
PMM_API int pmm_madvise(struct pmm_process *p, unsigned long addr,
			unsigned long len, int advice);
/*
 * What maps @addr: one of PMM_THP_*, -EFAULT when nothing does, -EINVAL
 * in a hugetlb mapping (its pages are no THP).
 */
#define PMM_THP_NONE		0	/* a small page (or the zero page) */
#define PMM_THP_PMD		1	/* a PMD leaf: a THP or the huge zero page */
#define PMM_THP_PTE		2	/* a PTE, into a THP */
PMM_API int pmm_thp_state(struct pmm_process *p, unsigned long addr);
/* The same, as a look with no lock and no yield: for final conditions. */
PMM_API int pmm_thp_peek(struct pmm_process *p, unsigned long addr);
/*
 * Split the THP mapped at @addr into small pages, as the debugfs file
 * split_huge_pages does (split_folio() under the folio lock): 0, -EINVAL
 * when no THP is mapped there, -EAGAIN when it is pinned or referenced
 * by others than its mappings, -EOPNOTSUPP when it is PTE-mapped by more
 * than one VMA (not supported).
 */
PMM_API int pmm_split_thp(struct pmm_process *p, unsigned long addr);

/* fork(): the child, or NULL when memory ran out. */
PMM_API struct pmm_process *pmm_fork(struct pmm_process *p);
/*
 * exit_group(): the process is marked exited, and its own user of the
 * address space goes; the address space is torn down (exit_mmap()) when
 * the last user is gone. Every later operation on @p that needs its
 * address space fails with -ESRCH (pmm_pin(), pmm_mmap(), ...; pmm_fork()
 * returns NULL).
 */
PMM_API void pmm_exit(struct pmm_process *p);
/*
 * A promise that no process exits from now until pmm_machine_finish()
 * (a pmm_exit() meanwhile is a bug-on): whether a process has exited is
 * then no step of its own, which spares an exploration the interleavings
 * of those checks. A scenario makes it when none of its threads exits.
 */
PMM_API void pmm_machine_no_exit(void);
/*
 * Users of a process's address space (mm_users). A thread of @p holds one
 * from its start (clone(CLONE_VM)) to its end (exit_mm()); a thread of
 * another process holds one while it works on @p (get_task_mm()). An
 * operation in flight on @p when another task calls pmm_exit(@p) must
 * hold one: it then runs to its end on a live address space, which goes
 * only after the last pmm_process_put(). pmm_process_get() fails with
 * -ESRCH once @p has exited.
 */
PMM_API int pmm_process_get(struct pmm_process *p);
PMM_API void pmm_process_put(struct pmm_process *p);
/*
 * Whether @p has exited: what a thread of @p sees on its way back to user
 * space (fatal_signal_pending() after a sibling's exit_group()). Like
 * pmm_process_get() and pmm_process_put() (but for a put that may be the
 * last), no yield point of its own: it answers as of the caller's step.
 */
PMM_API bool pmm_process_exited(struct pmm_process *p);

/* User loads and stores through this CPU's TLB and the page tables. */
PMM_API int pmm_store(struct pmm_process *p, unsigned long addr,
		      const void *buf, size_t len);
PMM_API int pmm_load(struct pmm_process *p, unsigned long addr, void *buf,
		     size_t len);

/*
 * Memory tagging (arm64 MTE). A user address may carry a 4-bit tag in bits
 * 59:56 (top-byte-ignore); through a PROT_MTE mapping every load and store
 * checks it against the 16-byte granule's tag in memory and faults
 * (-EFAULT, SIGSEGV with SEGV_MTESERR) on a mismatch. Through a mapping
 * without PROT_MTE nothing is checked, tag stores are ignored and tags read
 * as zero, as the hardware does. Other machines: -ENOTSUP.
 */
#define PMM_TAG_SHIFT		56
#define PMM_MTE_GRANULE		16u

static inline unsigned long pmm_tag_addr(unsigned long addr, unsigned int tag)
{
	return (addr & ~(0xfUL << PMM_TAG_SHIFT)) |
	       ((unsigned long)(tag & 0xf) << PMM_TAG_SHIFT);
}

/* STG over [addr, addr + len): granule aligned; the pointer tag is ignored. */
PMM_API int pmm_store_tags(struct pmm_process *p, unsigned long addr,
			   size_t len, unsigned int tag);
/* LDG: a tag per granule of [addr, addr + len) into @tags. */
PMM_API int pmm_load_tags(struct pmm_process *p, unsigned long addr,
			  size_t len, unsigned char *tags);

/*
 * Reclaim the pages of [addr, addr + len) now, as memory pressure would
 * (shrink_folio_list() on each, the way MADV_PAGEOUT forces it, but also
 * for pages other processes map). An anonymous page goes to swap: a swap
 * entry replaces every PTE that mapped it. A shared file page is written
 * back if dirty, then dropped from the page cache. A page that cannot go
 * now (pinned, under I/O, locked, no swap space) stays. Returns the number
 * of pages reclaimed, or a negative errno.
 */
PMM_API long pmm_reclaim(struct pmm_process *p, unsigned long addr,
			 unsigned long len);

/* GUP: FOLL_* the scenario asks for. */
#define PMM_GUP_WRITE		0x1u	/* FOLL_WRITE */
#define PMM_GUP_LONGTERM	0x2u	/* FOLL_LONGTERM */
#define PMM_GUP_FAST		0x4u	/* the lockless walk first */
#define PMM_GUP_GET		0x8u	/* FOLL_GET references, not FOLL_PIN */

/* pin_user_pages{,_fast}() or get_user_pages{,_fast}() of whole pages. */
PMM_API int pmm_pin(struct pmm_process *p, unsigned long addr,
		    unsigned long nr_pages, unsigned int flags,
		    struct pmm_pin **pin);
/*
 * unpin_user_pages_dirty_lock(), dirtying when the device wrote; for
 * PMM_GUP_GET, set_page_dirty_lock() then put_page() of each page, as
 * get_user_pages()'s callers must when they wrote.
 */
PMM_API void pmm_unpin(struct pmm_pin *pin);
/* A device DMAs through the pinned pages (as at the time of the pin). */
PMM_API int pmm_pin_dma(struct pmm_pin *pin, unsigned long off, void *buf,
			size_t len, bool write);

/*
 * Another process's memory, as ptrace(PTRACE_PEEKDATA/POKEDATA) and
 * /proc/PID/mem reach it (access_remote_vm()): @len bytes at @addr of @p
 * into (@write false) or from @buf, through GUP references under @p's
 * mmap_lock. @force is FOLL_FORCE, which ptrace and /proc/PID/mem pass:
 * it reads mappings without PROT_READ and writes private read-only ones,
 * the write going to an anonymous copy (COW), never to the file; it does
 * not write a shared mapping without PROT_WRITE. Returns the bytes moved
 * (short, or 0, at the first page that cannot be reached), -ESRCH once
 * @p's memory is gone, -EINVAL for a bad range.
 */
PMM_API long pmm_access_remote(struct pmm_process *p, unsigned long addr,
			       void *buf, size_t len, bool write, bool force);

/* A file of at most @max_bytes on the machine's disk, initially empty. */
PMM_API struct pmm_file *pmm_file_create(unsigned long max_bytes);
/* read(2)/write(2) at @off, into or from [uaddr, uaddr + len) of @p. */
PMM_API ssize_t pmm_file_read(struct pmm_process *p, struct pmm_file *f,
			      unsigned long off, unsigned long uaddr, size_t len);
PMM_API ssize_t pmm_file_write(struct pmm_process *p, struct pmm_file *f,
			       unsigned long off, unsigned long uaddr,
			       size_t len);
/* O_DIRECT: page-aligned offset, buffer and length. */
PMM_API ssize_t pmm_file_read_direct(struct pmm_process *p, struct pmm_file *f,
				     unsigned long off, unsigned long uaddr,
				     size_t len);
PMM_API ssize_t pmm_file_write_direct(struct pmm_process *p, struct pmm_file *f,
				      unsigned long off, unsigned long uaddr,
				      size_t len);
PMM_API int pmm_fsync(struct pmm_file *f);
PMM_API int pmm_truncate(struct pmm_file *f, unsigned long size);
PMM_API int pmm_punch_hole(struct pmm_file *f, unsigned long off,
			   unsigned long len);
PMM_API unsigned long pmm_file_size(struct pmm_file *f);

PMM_API struct pmm_pipe *pmm_pipe_create(void);
/* splice(file -> pipe), read(pipe), splice(pipe -> file). */
PMM_API ssize_t pmm_splice_to_pipe(struct pmm_file *f, unsigned long off,
				   struct pmm_pipe *pipe, size_t len);
PMM_API ssize_t pmm_pipe_read(struct pmm_process *p, struct pmm_pipe *pipe,
			      unsigned long uaddr, size_t len);
PMM_API ssize_t pmm_splice_from_pipe(struct pmm_pipe *pipe, struct pmm_file *f,
				     unsigned long off, size_t len);

/*
 * The state of the page mapped at @addr, for final-state conditions:
 * refcount, mapcount and whether it may be DMA-pinned; -EFAULT if none.
 */
struct pmm_page_state {
	unsigned long pfn;
	int refcount;
	int mapcount;
	bool maybe_pinned;
	bool writable;
	bool anon_exclusive;
};

PMM_API int pmm_page_state(struct pmm_process *p, unsigned long addr,
			   struct pmm_page_state *st);
/*
 * swapoff(): every swapped-out page of every process is read back and
 * mapped again (try_to_unuse()), then the swap device goes; reclaim then
 * keeps anonymous pages in memory. 0, -EINVAL when there is no swap
 * device (or it is already off), -ENOMEM or -EIO when a page could not
 * be brought back (the device then stays in use).
 */
PMM_API int pmm_swapoff(void);

/* Whether the PTE for @addr holds a swap entry (the page is swapped out). */
PMM_API bool pmm_swapped(struct pmm_process *p, unsigned long addr);
/*
 * The tag memory holds for the granule at @addr (arm64-mte), looked up
 * through the page tables with no side effect: 0..15, -EFAULT when no page
 * is mapped there, -ENOTSUP on machines without tags.
 */
PMM_API int pmm_mem_tag(struct pmm_process *p, unsigned long addr);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_MACHINE_H */
