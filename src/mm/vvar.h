/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vvar-like special mapping (mm/vvar.c). */
#ifndef PMM_MM_VVAR_H
#define PMM_MM_VVAR_H

#include "mm/mm.h"

enum { VVAR_PAGE, VVAR_PVCLOCK_PAGE, VVAR_NR_PAGES };

struct vvar_pages {
	unsigned long vvar_pfn;		/* kernel data (__vvar_page) */
	unsigned long pvclock_pfn;	/* shared with the hypervisor */
};

int vvar_pages_init(struct vvar_pages *v);
void vvar_pages_free(struct vvar_pages *v);
/* The vvar VMA at @addr (two pages, read-only, VM_PFNMAP). */
int vvar_map(struct mm_struct *mm, unsigned long addr, struct vvar_pages *v);

#endif /* PMM_MM_VVAR_H */
