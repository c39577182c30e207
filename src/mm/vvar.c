// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A vvar-like special mapping (arch/x86/entry/vdso/vma.c, v5.x:
 * vvar_fault(), the vvar_mapping installed with VM_PFNMAP): one VMA whose
 * pages are backed by different kinds of memory, each inserted at fault
 * time with its own protection, the example Andy Lutomirski gives in
 * seed 000. Page 0 is the vvar page, ordinary kernel memory the kernel
 * writes (vmf_insert_pfn() with vma->vm_page_prot); page 1 is the
 * pvclock page, memory the guest shares with the hypervisor, which an
 * SEV guest has decrypted (vmf_insert_pfn_prot() with
 * pgprot_decrypted(vma->vm_page_prot)). The HPET page of older kernels
 * (MMIO, removed in v5.6), the Hyper-V TSC page and time namespaces are
 * left out.
 */
#include <errno.h>

#include "mem/folio.h"
#include "mm/arch.h"
#include "mm/memory.h"
#include "mm/cc_platform.h"
#include "mm/mmap.h"
#include "mm/set_memory.h"
#include "mm/vvar.h"
#include "protmm/sched.h"
#include "protmm/x86.h"

static vm_fault_t vvar_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	const struct vvar_pages *v = vma->vm_private_data;

	switch (vmf->pgoff - vma->vm_pgoff) {
	case VVAR_PAGE:
		return vmf_insert_pfn(vma, vmf->address, v->vvar_pfn);
	case VVAR_PVCLOCK_PAGE:
		if (!v->pvclock_pfn)
			break;
		return vmf_insert_pfn_prot(vma, vmf->address, v->pvclock_pfn,
					   pgprot_decrypted(vma->vm_page_prot));
	}
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct vvar_vm_ops = {
	.name = "[vvar]",
	.fault = vvar_fault,
};

int vvar_pages_init(struct vvar_pages *v)
{
	struct folio *a = folio_alloc(__GFP_ZERO, 0);
	struct folio *b = a ? folio_alloc(__GFP_ZERO, 0) : NULL;

	if (!b) {
		if (a)
			folio_put(a);
		return -ENOMEM;
	}
	v->vvar_pfn = folio_pfn(a);
	v->pvclock_pfn = folio_pfn(b);
	/* kvmclock_init_mem(): an SEV guest shares the page decrypted. */
	if (cc_guest_mem_encrypt())
		return set_memory_decrypted(v->pvclock_pfn, 1);
	return 0;
}

void vvar_pages_free(struct vvar_pages *v)
{
	if (v->vvar_pfn)
		folio_put(pfn_folio(v->vvar_pfn));
	if (v->pvclock_pfn && cc_guest_mem_encrypt())
		set_memory_encrypted(v->pvclock_pfn, 1);
	if (v->pvclock_pfn)
		folio_put(pfn_folio(v->pvclock_pfn));
	v->vvar_pfn = v->pvclock_pfn = 0;
}

/* map_vdso()'s _install_special_mapping() of the vvar area: read-only. */
int vvar_map(struct mm_struct *mm, unsigned long addr, struct vvar_pages *v)
{
	struct mmap_source src = {
		.vm_ops = &vvar_vm_ops,
		.private_data = v,
		.extra_flags = VM_IO | VM_PFNMAP,
	};

	return do_mmap(mm, addr, VVAR_NR_PAGES << PAGE_SHIFT, PROT_READ,
		       MAP_SHARED, &src);
}
