// SPDX-License-Identifier: LGPL-2.1-or-later
/* shmem files and memfds of the machine: protmm/shmem.h. */
#include <errno.h>

#include "fs/shmem.h"
#include "machine/machine.h"
#include "protmm/shmem.h"
#include "swap/swap.h"

/* An ino for files that are not in machine->files (shmem_zero_setup()). */
#define SHMEM_ZERO_INO	1000

static struct pmm_file *shmem_file_new(unsigned long max_bytes)
{
	unsigned long pages = (max_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned int i = machine->nr_files;
	struct pmm_file *f;

	if (!pages || i >= MACHINE_MAX_FILES)
		return NULL;
	f = pmm_alloc(sizeof(*f));
	f->inode = shmem_inode_alloc(pages << PAGE_SHIFT, 0, (int)i + 1);
	machine->files[machine->nr_files++] = f;
	return f;
}

struct pmm_file *pmm_shmem_file_create(unsigned long max_bytes)
{
	return shmem_file_new(max_bytes);
}

/* memfd_create(): MFD_ALLOW_SEALING lifts the initial F_SEAL_SEAL. */
int pmm_memfd_create(unsigned long max_bytes, unsigned int flags,
		     struct pmm_file **filep)
{
	struct pmm_file *f;

	if (flags & ~PMM_MFD_ALLOW_SEALING)
		return -EINVAL;
	f = shmem_file_new(max_bytes);
	if (!f)
		return max_bytes ? -ENOMEM : -EINVAL;
	if (flags & PMM_MFD_ALLOW_SEALING)
		f->inode->i_shmem->seals &= ~F_SEAL_SEAL;
	*filep = f;
	return 0;
}

int pmm_memfd_add_seals(struct pmm_file *f, unsigned int seals)
{
	return memfd_add_seals(f->inode, seals);
}

int pmm_memfd_get_seals(struct pmm_file *f)
{
	return memfd_get_seals(f->inode);
}

int pmm_fallocate(struct pmm_file *f, unsigned int mode, unsigned long off,
		  unsigned long len)
{
	if (f->gmem)
		return machine_gmem_fallocate(f, mode, off, len);
	if (f->inode->i_shmem)
		return shmem_fallocate(f->inode, mode, (loff_t)off, (loff_t)len);
	if (mode != (PMM_FALLOC_FL_PUNCH_HOLE | PMM_FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	return punch_hole(f->inode, (loff_t)off, (loff_t)len);
}

long pmm_file_reclaim(struct pmm_file *f, unsigned long off, unsigned long len)
{
	unsigned long first = off >> PAGE_SHIFT;
	unsigned long end = (off + len + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if (end < first)
		return -EINVAL;
	return reclaim_mapping_range(&f->inode->i_mapping, first, end - first);
}

bool pmm_shmem_page_swapped(struct pmm_file *f, unsigned long off)
{
	unsigned long index = off >> PAGE_SHIFT;

	return f->inode->i_shmem && index < f->inode->i_max_pages &&
	       READ_ONCE(f->inode->i_shmem->swap[index]);
}

unsigned long pmm_shmem_nr_swapped(struct pmm_file *f)
{
	return f->inode->i_shmem ? READ_ONCE(f->inode->i_shmem->swapped) : 0;
}

struct inode *machine_shmem_zero(unsigned long len)
{
	struct shmem_zero *z = pmm_alloc(sizeof(*z));

	z->inode = shmem_inode_alloc(len, (long)len, SHMEM_ZERO_INO);
	z->next = __atomic_load_n(&machine->shmem_zero, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&machine->shmem_zero, &z->next, z,
					    false, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED))
		;
	return z->inode;
}

void machine_shmem_zero_evict(void)
{
	struct shmem_zero *z;

	for (z = machine->shmem_zero; z; z = z->next)
		shmem_evict_inode(z->inode);
}
