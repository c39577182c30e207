// SPDX-License-Identifier: LGPL-2.1-or-later
/* Files and pipes of the machine: the system calls of protmm/machine.h. */
#include <errno.h>

#include "fs/shmem.h"
#include "machine/machine.h"

struct pmm_file *pmm_file_create(unsigned long max_bytes)
{
	unsigned long pages = (max_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned int i = machine->nr_files;
	struct pmm_file *f;

	if (!pages || i >= MACHINE_MAX_FILES ||
	    machine->next_block + pages > machine->bdev->nr_blocks)
		return NULL;
	f = pmm_alloc(sizeof(*f));
	f->inode = inode_alloc(machine->bdev, machine->next_block,
			       pages << PAGE_SHIFT, (int)i + 1);
	machine->next_block += pages;
	machine->files[machine->nr_files++] = f;
	return f;
}

/*
 * A guest_memfd has no read, write, fsync or splice methods and refuses
 * setattr: -EINVAL (vfs_read(), vfs_fsync(), ...), or -EBADF once closed.
 */
static int gmem_no_op(struct pmm_file *f)
{
	struct kvm_gmem_file *gf;
	int err = machine_gmem_file(f, &gf);

	return err ? err : -EINVAL;
}

/* The calling task's CPU, or -ESRCH (@p exited) or -EINVAL. */
static int user_cpu(struct pmm_process *p)
{
	int cpu = machine_cpu();

	if (process_gone(p))
		return -ESRCH;
	return cpu < 0 ? -EINVAL : cpu;
}

ssize_t pmm_file_read(struct pmm_process *p, struct pmm_file *f,
		      unsigned long off, unsigned long uaddr, size_t len)
{
	int cpu = user_cpu(p);

	if (cpu < 0)
		return cpu;
	if (f->gmem)
		return gmem_no_op(f);
	if (f->inode->i_shmem)
		return shmem_file_read(f->inode, p->mm, cpu, (loff_t)off, uaddr, len);
	return filemap_read(f->inode, p->mm, cpu, (loff_t)off, uaddr, len);
}

ssize_t pmm_file_write(struct pmm_process *p, struct pmm_file *f,
		       unsigned long off, unsigned long uaddr, size_t len)
{
	int cpu = user_cpu(p);

	if (cpu < 0)
		return cpu;
	if (f->gmem)
		return gmem_no_op(f);
	if (f->inode->i_shmem)
		return shmem_file_write(f->inode, p->mm, cpu, (loff_t)off, uaddr, len);
	if (off + len > f->inode->i_max_pages * PAGE_SIZE)
		return -EFBIG;
	return generic_perform_write(f->inode, p->mm, cpu, (loff_t)off, uaddr, len);
}

ssize_t pmm_file_read_direct(struct pmm_process *p, struct pmm_file *f,
			     unsigned long off, unsigned long uaddr, size_t len)
{
	if (process_gone(p))
		return -ESRCH;
	if (f->gmem)
		return gmem_no_op(f);
	if (f->inode->i_shmem)
		return -ENOTSUP;	/* O_DIRECT on tmpfs: not supported */
	return direct_io(f->inode, p->mm, (loff_t)off, uaddr, len, false);
}

ssize_t pmm_file_write_direct(struct pmm_process *p, struct pmm_file *f,
			      unsigned long off, unsigned long uaddr, size_t len)
{
	if (process_gone(p))
		return -ESRCH;
	if (f->gmem)
		return gmem_no_op(f);
	if (f->inode->i_shmem)
		return -ENOTSUP;	/* O_DIRECT on tmpfs: not supported */
	return direct_io(f->inode, p->mm, (loff_t)off, uaddr, len, true);
}

int pmm_fsync(struct pmm_file *f)
{
	if (f->gmem)
		return gmem_no_op(f);
	/* noop_fsync(): shmem has nothing to write back. */
	if (f->inode->i_shmem)
		return 0;
	return filemap_write_and_wait_range(f->inode, 0, (loff_t)-1 >> 1);
}

int pmm_truncate(struct pmm_file *f, unsigned long size)
{
	/* kvm_gmem_setattr(): the size never changes. */
	if (f->gmem)
		return gmem_no_op(f);
	if (f->inode->i_shmem)
		return shmem_setattr_size(f->inode, (loff_t)size);
	return truncate_setsize(f->inode, (loff_t)size);
}

int pmm_punch_hole(struct pmm_file *f, unsigned long off, unsigned long len)
{
	if (f->gmem)
		return machine_gmem_fallocate(f, FALLOC_FL_PUNCH_HOLE |
					      FALLOC_FL_KEEP_SIZE, off, len);
	if (f->inode->i_shmem)
		return shmem_fallocate(f->inode,
				       FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				       (loff_t)off, (loff_t)len);
	return punch_hole(f->inode, (loff_t)off, (loff_t)len);
}

unsigned long pmm_file_size(struct pmm_file *f)
{
	return (unsigned long)READ_ONCE(f->inode->i_size);
}

struct pmm_pipe *pmm_pipe_create(void)
{
	struct pmm_pipe *p;

	if (machine->nr_pipes >= MACHINE_MAX_PIPES)
		return NULL;
	p = pmm_alloc(sizeof(*p));
	p->pipe = pipe_alloc();
	machine->pipes[machine->nr_pipes++] = p;
	return p;
}

ssize_t pmm_splice_to_pipe(struct pmm_file *f, unsigned long off,
			   struct pmm_pipe *pipe, size_t len)
{
	if (f->gmem)
		return gmem_no_op(f);
	if (f->inode->i_shmem)
		return -ENOTSUP;	/* splice of tmpfs: not supported */
	return filemap_splice_read(f->inode, (loff_t)off, pipe->pipe, len);
}

ssize_t pmm_pipe_read(struct pmm_process *p, struct pmm_pipe *pipe,
		      unsigned long uaddr, size_t len)
{
	int cpu = user_cpu(p);

	if (cpu < 0)
		return cpu;
	return pipe_read(pipe->pipe, p->mm, cpu, uaddr, len);
}

ssize_t pmm_splice_from_pipe(struct pmm_pipe *pipe, struct pmm_file *f,
			     unsigned long off, size_t len)
{
	if (f->gmem)
		return gmem_no_op(f);
	if (f->inode->i_shmem)
		return -ENOTSUP;	/* splice to tmpfs: not supported */
	return iter_file_splice_write(pipe->pipe, f->inode, (loff_t)off, len);
}
