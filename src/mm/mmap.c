// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "mm/arch.h"
#include "mm/huge_memory.h"
#include "mm/hugetlb.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/mmu_notifier.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "mm/tlb.h"

/* Per execution, so that the same schedule gives the same ids. */
static int mm_ids;

void mm_ids_reset(void)
{
	mm_ids = 0;
	cow_notes_reset();
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = pmm_alloc(sizeof(*mm));

	init_rwsem(&mm->mmap_lock);
	spin_lock_init(&mm->page_table_lock);
	INIT_LIST_HEAD(&mm->mmap);
	mm->id = __atomic_add_fetch(&mm_ids, 1, __ATOMIC_RELAXED);
	/* mm_init(): the one user is the task the mm is made for. */
	mm->mm_users.counter = 1;
	pmm_obj_namef(&mm->mm_users, "mm%d mm_users", mm->id);
	pmm_obj_namef(&mm->mmap_lock, "mm%d mmap_lock", mm->id);
	pmm_obj_namef(&mm->flags, "mm%d flags", mm->id);
	pmm_obj_namef(&mm->write_protect_seq, "mm%d write_protect_seq", mm->id);
	pmm_obj_namef(&mm->page_table_lock, "mm%d page_table_lock", mm->id);
	if (pgtable_alloc(mm, &mm->pgd_pfn))
		return NULL;
	return mm;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list)
		if (vma->vm_end > addr)
			return vma;
	return NULL;
}

unsigned long calc_vm_flags(unsigned int prot, unsigned int flags,
			    bool may_write)
{
	unsigned long vm = VM_MAYREAD | VM_MAYEXEC;

	if (prot & PROT_READ)
		vm |= VM_READ;
	if (prot & PROT_WRITE)
		vm |= VM_WRITE;
	if (prot & PROT_EXEC)
		vm |= VM_EXEC;
	vm |= arch_calc_vm_prot_bits(prot);
	if (flags & MAP_SHARED) {
		vm |= VM_SHARED | VM_MAYSHARE;
		if (may_write)
			vm |= VM_MAYWRITE;
	} else {
		vm |= VM_MAYWRITE;
	}
	return vm;
}

/*
 * vma_set_page_prot(): shared file mappings with ->page_mkwrite, and
 * shared PFN maps with ->pfn_mkwrite, want write notification
 * (vma_wants_writenotify()), so their PTEs start read-only
 * and the first write faults (and dirties). shmem has none and cannot
 * write back: its PTEs are writable from the start, dirtied by the CPU.
 */
void vma_set_page_prot(struct vm_area_struct *vma)
{
	unsigned long flags = vma->vm_flags;

	if ((flags & VM_SHARED) && vma->vm_ops &&
	    (vma->vm_ops->pfn_mkwrite ||
	     (vma->vm_file && !(flags & VM_PFNMAP) && vma->vm_ops->page_mkwrite)))
		flags &= ~VM_SHARED;
	/* vm_pgprot_modify(): the caching and encryption bits a driver set stay. */
	vma->vm_page_prot = pgprot_modify(vma->vm_page_prot,
					  vm_get_page_prot(flags));
}

/* Watchers of address spaces (the data oracle follows forks). */
static const struct mm_watch *mm_watches[4];
static unsigned int nr_mm_watches;

void mm_watch_register(const struct mm_watch *w)
{
	unsigned int i;

	for (i = 0; i < nr_mm_watches; i++)
		if (mm_watches[i] == w)
			return;
	if (nr_mm_watches < 4)
		mm_watches[nr_mm_watches++] = w;
}

void mm_notify_forked(struct mm_struct *oldmm, struct mm_struct *mm)
{
	unsigned int i;

	for (i = 0; i < nr_mm_watches; i++)
		if (mm_watches[i]->forked)
			mm_watches[i]->forked(oldmm, mm);
}

void mm_notify_forked_page(struct mm_struct *oldmm, struct mm_struct *mm,
			   unsigned long addr, bool tags)
{
	unsigned int i;

	for (i = 0; i < nr_mm_watches; i++)
		if (mm_watches[i]->forked_page)
			mm_watches[i]->forked_page(oldmm, mm, addr, tags);
}

void mm_notify_unmapped(struct mm_struct *mm, unsigned long start,
			unsigned long end)
{
	unsigned int i;

	for (i = 0; i < nr_mm_watches; i++)
		if (mm_watches[i]->unmapped)
			mm_watches[i]->unmapped(mm, start, end);
}

void mm_notify_private_copy(struct mm_struct *mm, unsigned long addr,
			    unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < nr_mm_watches; i++)
		if (mm_watches[i]->private_copy)
			mm_watches[i]->private_copy(mm, addr, pfn);
}

void mm_notify_zapped(struct mm_struct *mm, unsigned long addr,
		      struct page *page)
{
	unsigned int i;

	for (i = 0; i < nr_mm_watches; i++)
		if (mm_watches[i]->zapped)
			mm_watches[i]->zapped(mm, addr, page);
}

static void vma_link(struct mm_struct *mm, struct vm_area_struct *vma,
		     bool count_writable)
{
	struct vm_area_struct *pos;

	list_for_each_entry(pos, &mm->mmap, vm_list)
		if (pos->vm_start > vma->vm_start)
			break;
	list_add_tail(&vma->vm_list, &pos->vm_list);
	if (vma->vm_file) {
		/* __vma_link_file(); do_mmap() has counted a new VMA itself. */
		if (vma_is_shared_maywrite(vma) && count_writable)
			mapping_allow_writable(vma->vm_file);
		down_write(&vma->vm_file->i_mmap_rwsem);
		list_add_tail(&vma->file_list, &vma->vm_file->i_mmap);
		up_write(&vma->vm_file->i_mmap_rwsem);
	}
	if (vma->vm_ops && vma->vm_ops->open)
		vma->vm_ops->open(vma);
}

static void vma_unlink(struct vm_area_struct *vma)
{
	list_del(&vma->vm_list);
	anon_vma_unlink(vma);
	if (vma->vm_file) {
		/* __remove_shared_vm_struct() */
		if (vma_is_shared_maywrite(vma))
			mapping_unmap_writable(vma->vm_file);
		down_write(&vma->vm_file->i_mmap_rwsem);
		list_del(&vma->file_list);
		up_write(&vma->vm_file->i_mmap_rwsem);
	}
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
}

static bool range_free(struct mm_struct *mm, unsigned long start,
		       unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return !vma || vma->vm_start >= end;
}

static bool range_ok(unsigned long addr, unsigned long len)
{
	return len && !(addr & ~PAGE_MASK) && !(len & ~PAGE_MASK) &&
	       addr + len > addr && addr + len <= (1UL << 47);
}

int do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	    unsigned int prot, unsigned int flags,
	    const struct mmap_source *src)
{
	struct vm_area_struct *vma;
	int err = 0;

	if (!range_ok(addr, len) || !(flags & (MAP_SHARED | MAP_PRIVATE)) ||
	    ((flags & MAP_SHARED) && (flags & MAP_PRIVATE)))
		return -EINVAL;
	if ((flags & MAP_SHARED) && !src->mapping && !src->vm_ops)
		return -EOPNOTSUPP;
	if ((prot & PROT_WRITE) && (flags & MAP_SHARED) && src->mapping &&
	    !src->may_write)
		return -EACCES;
	vma = pmm_alloc(sizeof(*vma));
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_mm = mm;
	vma->vm_flags = calc_vm_flags(prot, flags, src->may_write) |
			arch_calc_vm_flag_bits((!src->mapping && !src->vm_ops) ||
					       src->shmem, flags) |
			src->extra_flags;
	if (!arch_validate_flags(vma->vm_flags))
		return -EINVAL;
	vma->vm_file = src->mapping;
	vma->vm_ops = src->vm_ops;
	vma->vm_pgoff = src->mapping || src->vm_ops ? src->pgoff :
			addr >> PAGE_SHIFT;
	vma->vm_private_data = src->private_data;
	/* mmap_region(): the flags' protection, then the write-notify rule. */
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma_set_page_prot(vma);
	mmap_write_lock(mm);
	if (!range_free(mm, addr, addr + len))
		err = -EEXIST;
	/* mmap_region(): a write-sealed memfd refuses here (-EPERM). */
	if (!err && vma->vm_file && vma_is_shared_maywrite(vma))
		err = mapping_map_writable(vma->vm_file);
	if (!err && !(flags & MAP_SHARED))
		anon_vma_link(anon_vma_alloc(), vma);
	if (!err)
		vma_link(mm, vma, false);
	mmap_write_unlock(mm);
	return err;
}

/* __split_vma(): the new VMA takes [addr, vm_end). */
static struct vm_area_struct *split_vma(struct vm_area_struct *vma,
					unsigned long addr)
{
	struct vm_area_struct *new = pmm_alloc(sizeof(*new));

	/*
	 * vma_adjust_trans_huge(): no THP leaf may straddle the new edge; a
	 * hugetlb VMA splits only at its page size (hugetlb_split_ok()).
	 */
	if (!is_vm_hugetlb_page(vma))
		split_huge_pmd_range(vma, addr, addr);
	*new = *vma;
	new->vm_start = addr;
	new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	vma->vm_end = addr;
	list_add(&new->vm_list, &vma->vm_list);
	if (vma->anon_vma)
		anon_vma_link(vma->anon_vma, new);
	if (vma->vm_file) {
		if (vma_is_shared_maywrite(new))
			mapping_allow_writable(vma->vm_file);
		down_write(&vma->vm_file->i_mmap_rwsem);
		list_add_tail(&new->file_list, &vma->vm_file->i_mmap);
		up_write(&vma->vm_file->i_mmap_rwsem);
	}
	if (new->vm_ops && new->vm_ops->open)
		new->vm_ops->open(new);
	return new;
}

/* The VMAs exactly covering [start, end), splitting at the edges. */
static void split_range(struct mm_struct *mm, unsigned long start,
			unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	if (vma && vma->vm_start < start && vma->vm_end > start)
		split_vma(vma, start);
	vma = find_vma(mm, end);
	if (vma && vma->vm_start < end && vma->vm_end > end)
		split_vma(vma, end);
}

/* hugetlb_vm_op_split(): a hugetlb VMA splits only at a huge page boundary. */
static bool hugetlb_split_ok(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return !vma || addr <= vma->vm_start || !is_vm_hugetlb_page(vma) ||
	       !(addr & (huge_page_size(hstate_vma(vma)) - 1));
}

/*
 * do_vmi_munmap(): split, zap the PTEs (pages are freed only after the TLB
 * flush, by the mmu_gather), unlink and close the VMAs, then free the page
 * tables no VMA needs any more (the kernel gathers pages and tables in one
 * mmu_gather; here the tables follow in a second).
 */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	struct vm_area_struct *vma, *next;
	unsigned long end = start + len;

	if (!range_ok(start, len))
		return -EINVAL;
	mmap_write_lock(mm);
	if (!hugetlb_split_ok(mm, start) || !hugetlb_split_ok(mm, end)) {
		mmap_write_unlock(mm);
		return -EINVAL;
	}
	split_range(mm, start, end);
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		if (vma->vm_end <= start || vma->vm_start >= end)
			continue;
		zap_page_range_single(vma, vma->vm_start,
				      vma->vm_end - vma->vm_start, false);
		vma_unlink(vma);
	}
	free_pgtables(mm, start, end);
	mm_notify_unmapped(mm, start, end);
	mmap_write_unlock(mm);
	return 0;
}

/* can_change_pte_writable(): only where no write fault is needed. */
static bool can_change_pte_writable(struct vm_area_struct *vma,
				    unsigned long addr, pte_t pte)
{
	struct page *page;

	if (!(vma->vm_flags & VM_SHARED)) {
		page = vm_normal_page(vma, addr, pte);
		return page && folio_test_anon(page_folio(page)) &&
		       PageAnonExclusive(page);
	}
	return pte_dirty(pte);
}

static void change_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		       spinlock_t *ptl, void *arg)
{
	struct vm_area_struct *vma = arg;
	pte_t old, ptent;

	(void)mm;
	spin_lock(ptl);
	old = ptep_get(ptep);
	if (pte_present(old)) {
		old = ptep_modify_prot_start(vma, addr, ptep);
		ptent = pte_modify(old, vma->vm_page_prot);
		if ((vma->vm_flags & VM_WRITE) && !pte_write(ptent) &&
		    can_change_pte_writable(vma, addr, ptent))
			ptent = pte_mkwrite(ptent);
		ptep_modify_prot_commit(vma, addr, ptep, ptent);
	}
	spin_unlock(ptl);
}

/*
 * do_mprotect_pkey()'s newflags: calc_vm_prot_bits(prot) (the access bits
 * and the arch's, VM_MTE), with the old flags but the access bits and
 * VM_FLAGS_CLEAR kept.
 */
static unsigned long mprotect_flags(struct vm_area_struct *vma,
				    unsigned int prot)
{
	unsigned long mask = VM_READ | VM_WRITE | VM_EXEC | arch_ops->vm_arch_clear;

	return (vma->vm_flags & ~mask) |
	       (calc_vm_flags(prot, 0, false) & (VM_READ | VM_WRITE | VM_EXEC)) |
	       arch_calc_vm_prot_bits(prot);
}

/* mprotect_fixup() + change_protection(); one TLB flush at the end. */
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len,
		unsigned int prot)
{
	struct vm_area_struct *vma;
	unsigned long end = start + len, next = start;
	struct mmu_notifier_range range;
	int err = 0;

	if (!range_ok(start, len) || !arch_validate_prot(prot))
		return -EINVAL;
	mmap_write_lock(mm);
	for (vma = find_vma(mm, start); vma && next < end;
	     vma = find_vma(mm, next)) {
		if (vma->vm_start > next)
			err = -ENOMEM;
		else if (is_vm_hugetlb_page(vma))
			err = -EOPNOTSUPP;	/* hugetlb_change_protection() is not modelled */
		else if ((prot & PROT_WRITE) && !(vma->vm_flags & VM_MAYWRITE))
			err = -EACCES;
		else if (!arch_validate_flags(mprotect_flags(vma, prot)))
			err = -EINVAL;
		if (err)
			break;
		next = vma->vm_end;
	}
	if (!err && next < end)
		err = -ENOMEM;
	if (!err) {
		split_range(mm, start, end);
		list_for_each_entry(vma, &mm->mmap, vm_list) {
			if (vma->vm_end <= start || vma->vm_start >= end)
				continue;
			/* change_huge_pmd() is not modelled: leaves are split. */
			split_huge_pmd_all(vma, vma->vm_start, vma->vm_end);
			vma->vm_flags = mprotect_flags(vma, prot);
			vma_set_page_prot(vma);
			mmu_notifier_range_init(&range, MMU_NOTIFY_PROTECTION_VMA,
						mm, vma->vm_start, vma->vm_end);
			mmu_notifier_invalidate_range_start(&range);
			walk_pte_range(mm, vma->vm_start, vma->vm_end, change_one, vma);
			mmu_notifier_invalidate_range_end(&range);
		}
		flush_tlb_range_at(mm, start, end, PMM_HERE);
	}
	mmap_write_unlock(mm);
	return err;
}

/*
 * dup_mmap(): every VMA is copied; PTEs are copied for VMAs that may hold
 * anonymous pages or raw PFNs (file pages refault in the child). The
 * parent's write-protected PTEs are flushed from the TLBs at the end.
 */
static int dup_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *tmp = pmm_alloc(sizeof(*tmp));

	*tmp = *vma;
	tmp->vm_mm = mm;
	tmp->anon_vma = NULL;
	if (is_vm_hugetlb_page(tmp))
		hugetlb_dup_vma_private(tmp);
	if (vma->anon_vma)
		anon_vma_link(vma->anon_vma, tmp);
	vma_link(mm, tmp, true);
	if (!vma->anon_vma && !(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)))
		return 0;
	return copy_page_range(tmp, vma);
}

struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *vma;
	int err = 0;

	if (!mm)
		return NULL;
	mmap_write_lock(oldmm);
	mm_notify_forked(oldmm, mm);
	list_for_each_entry(vma, &oldmm->mmap, vm_list) {
		if (vma->vm_flags & VM_DONTCOPY)
			continue;
		err = dup_vma(mm, vma);
		if (err)
			break;
	}
	flush_tlb_mm(oldmm);
	mmap_write_unlock(oldmm);
	if (err) {
		exit_mmap(mm);
		return NULL;
	}
	return mm;
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	mmu_notifier_release(mm);
	mmap_write_lock(mm);
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		zap_page_range_single(vma, vma->vm_start,
				      vma->vm_end - vma->vm_start, false);
		vma_unlink(vma);
	}
	flush_tlb_mm(mm);
	mm_notify_unmapped(mm, 0, ~0UL);
	/* The tables under the pgd go as munmap's do; then the pgd. */
	free_pgtables(mm, 0, 1UL << 47);
	free_pgd_range(mm);
	mm->dead = true;
	mmap_write_unlock(mm);
}

/*
 * __mmput() (kernel/fork.c) is exit_mmap() here: the model has no AIO,
 * KSM, khugepaged or uprobes state to drop first.
 */
void __mmput(struct mm_struct *mm)
{
	exit_mmap(mm);
}

/* mmput(): a user that goes below zero is a refcount bug, not a teardown. */
void mmput(struct mm_struct *mm)
{
	int users = atomic_dec_return(&mm->mm_users);

	if (users < 0)
		pmm_violation("refcount-underflow", "mm%d mm_users went below zero",
			      mm->id);
	else if (!users)
		__mmput(mm);
}
