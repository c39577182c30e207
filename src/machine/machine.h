/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The machine: composes the layers into the public operations of
 * protmm/machine.h. One per execution, built by pmm_machine_init().
 */
#ifndef PMM_MACHINE_MACHINE_H
#define PMM_MACHINE_MACHINE_H

#include "fs/fs.h"
#include "mm/mm.h"
#include "protmm/machine.h"

#define MACHINE_MAX_PROCS	32
#define MACHINE_MAX_FILES	16
#define MACHINE_MAX_PIPES	8
#define PIN_MAX_PAGES		64

struct pmm_process {
	struct mm_struct *mm;
	int pid;
	bool exited;
};

struct pmm_file {
	struct inode *inode;
	/* A guest_memfd's file (virt/guest_memfd.h), else NULL; and its close(). */
	struct kvm_gmem_file *gmem;
	bool gmem_closed;
};

struct pmm_pipe {
	struct pipe_inode_info *pipe;
};

struct pmm_pin {
	struct pmm_pin *next;		/* machine->pins */
	struct pmm_process *p;
	unsigned long addr;
	unsigned long nr;
	unsigned int flags;
	bool dma_written;
	bool released;
	struct page *pages[PIN_MAX_PAGES];
	/*
	 * Per page, the pinned page if the process's PTE at its address was
	 * zapped while it mapped it (munmap, exit, truncation's zap of a
	 * private COW copy): it is no longer the process's memory there.
	 */
	struct page *zapped[PIN_MAX_PAGES];
};

struct machine {
	struct pmm_machine_opts opts;
	struct block_device *bdev;
	/* The swap device's own disk, or NULL. */
	struct block_device *swap_bdev;
	unsigned long next_block;
	unsigned int nr_procs, nr_files, nr_pipes;
	struct pmm_process *procs[MACHINE_MAX_PROCS];
	struct pmm_file *files[MACHINE_MAX_FILES];
	struct pmm_pipe *pipes[MACHINE_MAX_PIPES];
	/* Every pin made, newest first. */
	struct pmm_pin *pins;
	/* The shmem files behind MAP_SHARED anonymous mappings, newest first. */
	struct shmem_zero *shmem_zero;
};

struct shmem_zero {
	struct shmem_zero *next;
	struct inode *inode;
};

/* shmem_zero_setup(): the unlinked shmem file of a new shared anonymous mapping. */
struct inode *machine_shmem_zero(unsigned long len);
/* Evict every shmem file of shared anonymous memory (machine teardown). */
void machine_shmem_zero_evict(void);

extern struct machine *machine;

struct kvm_gmem_file;
struct mmap_source;
/* gmem.c: a guest_memfd's file, or -EINVAL (not one), -EBADF (closed). */
int machine_gmem_file(struct pmm_file *f, struct kvm_gmem_file **gfp);
int machine_gmem_fallocate(struct pmm_file *f, unsigned int mode,
			   unsigned long off, unsigned long len);
/* kvm_gmem_mmap(): the VMA's operations, or its refusal. */
int machine_gmem_mmap_source(struct pmm_file *f, unsigned int flags,
			     struct mmap_source *src);

/* x86.c: the DMA buffers and mappings the scenario left, released. */
void machine_x86_teardown(void);
void machine_x86_reset(void);

/* The calling task's CPU; CPU 0 in setup(). -1 if out of range. */
int machine_cpu(void);
/* Whether @p has exited: operations on its mm then fail with -ESRCH. */
bool process_gone(const struct pmm_process *p);

/* The GPU and its BOs (machine/ttm.c): per execution, torn down first. */
void ttm_machine_reset(void);
void ttm_machine_finish(void);

#endif /* PMM_MACHINE_MACHINE_H */
