// SPDX-License-Identifier: LGPL-2.1-or-later
#include "mem/phys.h"
#include "mm/gup.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/remote.h"

/* Whether @mm's PTE at @addr still maps @page (read in the access's step). */
static bool still_mapped(struct mm_struct *mm, unsigned long addr,
			 struct page *page)
{
	pte_t *ptep = pte_offset_map(mm, addr, NULL);
	pte_t pte;

	if (!ptep)
		return false;
	pte = __pte(__atomic_load_n(&ptep->pte, __ATOMIC_RELAXED));
	return pte_present(pte) && pte_pfn(pte) == page_to_pfn(page);
}

/*
 * kmap_local_folio() and copy_{to,from}_user_page(). The bytes are the
 * process's at @addr if its PTE maps the page at that step; otherwise
 * (the process COWed away from it since GUP) the reference reaches
 * whatever the frame is now, and a write is lost to the process, as in
 * the kernel.
 */
static int copy_page(struct mm_struct *mm, unsigned long addr,
		     struct page *page, void *buf, unsigned int n, bool write)
{
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = pmm_task_cpu(),
				 .write = write, .pfn = page_to_pfn(page),
				 .offset = addr & ~PAGE_MASK, .len = n,
				 .buf = buf };
	const struct pmm_loc *loc = PMM_HERE;

	sched_point_at(frame_obj(a.pfn), write ? PMM_ACC_WRITE : PMM_ACC_READ, loc);
	if (still_mapped(mm, addr, page)) {
		a.mm = mm;
		a.vaddr = addr;
	} else {
		a.by_frame = true;
	}
	return __phys_access(&a, loc);
}

/* folio_mark_dirty_lock(): the write may land in a page-cache folio. */
static void mark_dirty_lock(struct page *page)
{
	struct folio *folio = page_folio(page);

	folio_lock(folio);
	folio_mark_dirty(folio);
	folio_unlock(folio);
}

long access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf,
		      size_t len, unsigned int gup_flags)
{
	bool write = gup_flags & FOLL_WRITE;
	unsigned char *b = buf;
	long done = 0;

	mmap_read_lock(mm);
	while (len) {
		unsigned int off = addr & ~PAGE_MASK;
		unsigned int n = (unsigned int)(len < PAGE_SIZE - off ? len : PAGE_SIZE - off);
		struct page *page;

		/* get_user_page_vma_remote() */
		if (get_user_pages(mm, addr & PAGE_MASK, 1, gup_flags, &page) != 1)
			break;
		if (copy_page(mm, addr, page, b, n, write)) {
			put_user_page_ref(page);
			break;
		}
		if (write)
			mark_dirty_lock(page);
		put_user_page_ref(page);
		addr += n;
		b += n;
		len -= n;
		done += n;
	}
	mmap_read_unlock(mm);
	return done;
}
