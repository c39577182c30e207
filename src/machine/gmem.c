// SPDX-License-Identifier: LGPL-2.1-or-later
/* guest_memfds of the machine: protmm/guest_memfd.h. */
#include <errno.h>

#include "machine/machine.h"
#include "mm/mmap.h"
#include "protmm/gmem_convert.h"
#include "protmm/guest_memfd.h"
#include "virt/gmem_convert.h"
#include "virt/guest_memfd.h"

static_assert(PMM_GUEST_MEMFD_FLAG_MMAP == GUEST_MEMFD_FLAG_MMAP, "MMAP");
static_assert(PMM_GUEST_MEMFD_FLAG_INIT_SHARED == GUEST_MEMFD_FLAG_INIT_SHARED,
	      "INIT_SHARED");

unsigned long pmm_gmem_supported_flags(struct pmm_vm *vm)
{
	return kvm_gmem_get_supported_flags(vm);
}

/* kvm_vm_ioctl(KVM_CREATE_GUEST_MEMFD): the file joins the machine's. */
int pmm_gmem_create(struct pmm_vm *vm, unsigned long size, unsigned long flags,
		    struct pmm_file **filep)
{
	struct kvm_gmem_file *gf;
	struct pmm_file *f;
	int err;

	if (!vm)
		return -EINVAL;
	err = kvm_gmem_create(vm, size, flags, &gf);
	if (err)
		return err;
	if (machine->nr_files >= MACHINE_MAX_FILES)
		return -ENOMEM;
	f = pmm_alloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->inode = kvm_gmem_file_inode(gf);
	f->gmem = gf;
	machine->files[machine->nr_files++] = f;
	*filep = f;
	return 0;
}

int machine_gmem_file(struct pmm_file *f, struct kvm_gmem_file **gfp)
{
	if (!f || !f->gmem)
		return -EINVAL;
	if (READ_ONCE(f->gmem_closed))
		return -EBADF;
	*gfp = f->gmem;
	return 0;
}

int pmm_gmem_close(struct pmm_file *f)
{
	if (!f || !f->gmem)
		return -EINVAL;
	if (__atomic_exchange_n(&f->gmem_closed, true, __ATOMIC_RELAXED))
		return -EBADF;
	kvm_gmem_fput(f->gmem);
	return 0;
}

bool pmm_gmem_is_private(struct pmm_file *f, unsigned long off)
{
	struct gmem_inode *gi = f ? GMEM_I(f->inode) : NULL;

	return gi && off < (unsigned long)f->inode->i_size &&
	       kvm_gmem_is_private(gi, off >> PAGE_SHIFT);
}

bool pmm_gmem_page_present(struct pmm_file *f, unsigned long off)
{
	struct folio *folio;

	if (!f || !GMEM_I(f->inode) || off >= (unsigned long)f->inode->i_size)
		return false;
	folio = filemap_get_entry(&f->inode->i_mapping, off >> PAGE_SHIFT);
	if (folio)
		folio_put(folio);
	return folio != NULL;
}

/* The file operations of machine.h on a guest_memfd (kvm_gmem_fops). */
int machine_gmem_fallocate(struct pmm_file *f, unsigned int mode,
			   unsigned long off, unsigned long len)
{
	struct kvm_gmem_file *gf;
	int err = machine_gmem_file(f, &gf);

	if (err)
		return err;
	return kvm_gmem_fallocate(f->inode, mode, (loff_t)off, (loff_t)len);
}

int machine_gmem_mmap_source(struct pmm_file *f, unsigned int flags,
			     struct mmap_source *src)
{
	struct kvm_gmem_file *gf;
	int err = machine_gmem_file(f, &gf);

	if (!err)
		err = kvm_gmem_mmap(f->inode, flags & PMM_MAP_SHARED);
	if (err)
		return err;
	src->vm_ops = &kvm_gmem_vm_ops;
	src->private_data = gf;
	return 0;
}

/* The in-place conversion call on a guest_memfd (virt/gmem_convert.c). */
int pmm_gmem_convert(struct pmm_file *f, unsigned long off, unsigned long len,
		     bool to_private, unsigned long *error_off)
{
	struct kvm_gmem_file *gf;
	unsigned long idx = 0;
	int err = machine_gmem_file(f, &gf);

	if (err)
		return err;
	if (!len || ((off | len) & ~PAGE_MASK) || off + len < off ||
	    off + len > (unsigned long)f->inode->i_size)
		return -EINVAL;
	err = kvm_gmem_convert(GMEM_I(f->inode), off >> PAGE_SHIFT,
			       len >> PAGE_SHIFT, to_private, &idx);
	/* -EINVAL here: gmem.huge = whole, a folio cut (the offset says which). */
	if ((err == -EAGAIN || err == -EINVAL) && error_off)
		*error_off = idx << PAGE_SHIFT;
	return err;
}
