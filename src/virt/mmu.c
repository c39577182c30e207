// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The stage-2 table and how it follows the VMM's page tables
 * (arch/arm64/kvm/mmu.c, virt/kvm/kvm_main.c).
 *
 * The protocol: a stage-2 entry holds no reference on its page. What keeps
 * it from pointing at a freed frame is that every change of the VMM's PTE
 * (munmap, reclaim, COW, mprotect, fork, exit) is bracketed by
 * invalidate_range_start/end, start clears the entries under mmu_lock,
 * and a fault that looked the page up before or during an invalidation
 * sees mmu_invalidate_in_progress or a new mmu_invalidate_seq under
 * mmu_lock and retries instead of mapping what it found.
 */
#include <errno.h>

#include "arch/arm64/mte.h"
#include "mm/gup.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "sched/atomic.h"
#include "sched/knob.h"
#include "virt/kvm.h"

DEFINE_KNOB(kvm_mmu_retry, "kvm.mmu_retry",
	    "user_mem_abort() checks mmu_invalidate_retry() under mmu_lock "
	    "before it maps (on); off maps whatever GUP returned, so a page "
	    "the VMM unmapped meanwhile stays in stage 2 with no reference",
	    "on", "off");

kvm_pte_t stage2_walk_at(kvm_pte_t *ptep, const struct pmm_loc *loc)
{
	sched_point_at(ptep, PMM_ACC_READ, loc);
	return stage2_peek(ptep);
}

/* A leaf update, under mmu_lock: one yield point on the entry. */
static void stage2_set(kvm_pte_t *ptep, kvm_pte_t pte)
{
	sched_point(ptep, PMM_ACC_WRITE);
	__atomic_store_n(ptep, pte, __ATOMIC_RELAXED);
}

/* kvm_unmap_gfn_range(): clears the valid entries of [start, end). */
static void kvm_unmap_gfn_range(struct kvm_memory_slot *slot,
				unsigned long start, unsigned long end)
{
	unsigned long gfn;

	for (gfn = start; gfn < end; gfn++) {
		kvm_pte_t *ptep = stage2_ptep(slot, gfn);

		if (kvm_pte_valid(stage2_peek(ptep)))
			stage2_set(ptep, 0);
	}
}

/* The guest frames of @slot whose VMM addresses meet [start, end). */
static bool slot_gfn_range(const struct kvm_memory_slot *slot,
			   unsigned long start, unsigned long end,
			   unsigned long *gfn_start, unsigned long *gfn_end)
{
	unsigned long s = slot->userspace_addr;
	unsigned long e = s + (slot->npages << PAGE_SHIFT);

	if (start < s)
		start = s;
	if (end > e)
		end = e;
	if (start >= end)
		return false;
	*gfn_start = slot->base_gfn + ((start - s) >> PAGE_SHIFT);
	*gfn_end = slot->base_gfn + ((end - s + PAGE_SIZE - 1) >> PAGE_SHIFT);
	return true;
}

/* kvm_mmu_invalidate_begin(): under mmu_lock; faults retry from now on. */
static void kvm_mmu_invalidate_begin(struct pmm_vm *kvm)
{
	WRITE_ONCE(kvm->mmu_invalidate_in_progress,
		   kvm->mmu_invalidate_in_progress + 1);
}

/* kvm_mmu_invalidate_end(): the new seq is visible before the count drops. */
static void kvm_mmu_invalidate_end(struct pmm_vm *kvm)
{
	WRITE_ONCE(kvm->mmu_invalidate_seq, kvm->mmu_invalidate_seq + 1);
	smp_wmb();
	WRITE_ONCE(kvm->mmu_invalidate_in_progress,
		   kvm->mmu_invalidate_in_progress - 1);
	if (kvm->mmu_invalidate_in_progress < 0)
		pmm_violation("bug-on", "mmu_invalidate_in_progress went negative");
}

static struct pmm_vm *mn_to_kvm(struct mmu_notifier *mn)
{
	return container_of(mn, struct pmm_vm, mmu_notifier);
}

/*
 * kvm_mmu_notifier_invalidate_range_start(): kvm_handle_hva_range() takes
 * mmu_lock and begins the invalidation at the first memslot the range
 * meets, then unmaps each slot's part. A range no slot meets is ignored.
 */
static void kvm_mmu_notifier_invalidate_range_start(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	struct pmm_vm *kvm = mn_to_kvm(mn);
	unsigned long gs, ge;
	bool locked = false;
	unsigned int i;

	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];

		if (!slot_gfn_range(slot, range->start, range->end, &gs, &ge))
			continue;
		if (!locked) {
			spin_lock(&kvm->mmu_lock);
			kvm_mmu_invalidate_begin(kvm);
			locked = true;
		}
		kvm_unmap_gfn_range(slot, gs, ge);
	}
	if (locked)
		spin_unlock(&kvm->mmu_lock);
}

/* kvm_mmu_notifier_invalidate_range_end(): the same slots, the same lock. */
static void kvm_mmu_notifier_invalidate_range_end(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	struct pmm_vm *kvm = mn_to_kvm(mn);
	unsigned long gs, ge;
	unsigned int i;

	for (i = 0; i < kvm->nr_memslots; i++) {
		if (!slot_gfn_range(&kvm->memslots[i], range->start, range->end,
				    &gs, &ge))
			continue;
		spin_lock(&kvm->mmu_lock);
		kvm_mmu_invalidate_end(kvm);
		spin_unlock(&kvm->mmu_lock);
		return;
	}
}

/*
 * kvm_mmu_notifier_release() -> kvm_flush_shadow_all(): the VMM's mm is
 * going; stage 2 is emptied and nothing maps again.
 */
static void kvm_mmu_notifier_release(struct mmu_notifier *mn,
				     struct mm_struct *mm)
{
	struct pmm_vm *kvm = mn_to_kvm(mn);
	unsigned int i;

	(void)mm;
	spin_lock(&kvm->mmu_lock);
	WRITE_ONCE(kvm->released, true);
	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];

		kvm_unmap_gfn_range(slot, slot->base_gfn,
				    slot->base_gfn + slot->npages);
	}
	spin_unlock(&kvm->mmu_lock);
}

static const struct mmu_notifier_ops kvm_mmu_notifier_ops = {
	.invalidate_range_start = kvm_mmu_notifier_invalidate_range_start,
	.invalidate_range_end = kvm_mmu_notifier_invalidate_range_end,
	.release = kvm_mmu_notifier_release,
};

void kvm_init_mmu_notifier(struct pmm_vm *kvm)
{
	kvm->mmu_notifier.ops = &kvm_mmu_notifier_ops;
	mmu_notifier_register(&kvm->mmu_notifier, kvm->mm);
}

/*
 * mmu_invalidate_retry(): under mmu_lock; an invalidation in progress, or
 * one that ended since @mmu_seq was read, may have freed the page found.
 */
static bool mmu_invalidate_retry(struct pmm_vm *kvm, unsigned long mmu_seq)
{
	if (knob(&kvm_mmu_retry) != 0)
		return false;
	if (kvm->mmu_invalidate_in_progress)
		return true;
	smp_rmb();
	return kvm->mmu_invalidate_seq != mmu_seq;
}

/* vma_lookup(): the VMA containing @addr, if any. */
static struct vm_area_struct *vma_lookup(struct mm_struct *mm,
					 unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && addr >= vma->vm_start ? vma : NULL;
}

/*
 * kvm_release_faultin_page(): drop GUP's reference; a page mapped writable
 * is dirty (kvm_set_page_dirty()), one not mapped is released clean.
 */
static void kvm_release_faultin_page(struct page *page, bool unused,
				     bool dirty)
{
	if (!unused && dirty)
		folio_mark_dirty(page_folio(page));
	put_user_page_ref(page);
}

/*
 * The stage-2 update of user_mem_abort(), under mmu_lock. A permission
 * fault only relaxes the entry that is there (kvm_pgtable_stage2_relax_
 * perms(), which keeps its frame and fails on an invalid entry: the guest
 * faults again); a translation fault maps the page.
 */
static int stage2_map(kvm_pte_t *ptep, struct page *page, bool writable,
		      bool perm_fault)
{
	kvm_pte_t old = stage2_peek(ptep);
	kvm_pte_t pte = ((kvm_pte_t)page_to_pfn(page) << PAGE_SHIFT) |
			KVM_PTE_VALID | (writable ? KVM_PTE_WRITABLE : 0);

	if (perm_fault) {
		if (!kvm_pte_valid(old))
			return -EAGAIN;
		pte = old | (writable ? KVM_PTE_WRITABLE : 0);
	}
	if (pte != old)
		stage2_set(ptep, pte);
	return 0;
}

/*
 * user_mem_abort(): look at the VMA and read mmu_invalidate_seq under the
 * VMM's mmap_lock, fault the page in with GUP (the VMM's set_pte_at(), and
 * with it the arch hook, happens there: the VMM sees the page before stage
 * 2 does), then under mmu_lock retry if an invalidation raced, sanitise
 * the tags of a page new to the guest, map it and drop GUP's reference.
 *
 * Simplified: GUP is the slow path, in the same mmap_lock hold as the VMA
 * lookup (KVM drops the lock and GUP retakes it; an munmap in between is
 * caught by the seq check either way; GUP-fast is left out because this
 * model's gup_fast_one() does not refuse PROT_NONE PTEs). A read fault
 * maps read-only (KVM also tries a writable GUP-fast for a writable
 * memslot). No huge pages, no dirty logging, no device (VM_PFNMAP)
 * memory: GUP refuses it and the fault is -EFAULT.
 */
int user_mem_abort(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
		   unsigned long gfn, bool write, bool perm_fault)
{
	unsigned long hva = gfn_to_hva_memslot(slot, gfn);
	struct mm_struct *mm = kvm->mm;
	struct vm_area_struct *vma;
	unsigned long mmu_seq;
	struct page *page;
	bool mte_allowed;
	long got;
	int ret = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, hva);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	mte_allowed = kvm_vma_mte_allowed(vma);
	/* The implicit smp_rmb() of the unlock pairs with invalidate_end. */
	mmu_seq = READ_ONCE(kvm->mmu_invalidate_seq);
	/* __kvm_faultin_pfn() -> hva_to_pfn(): GUP, the slow path. */
	got = get_user_pages(mm, hva, 1, write ? FOLL_WRITE : 0, &page);
	mmap_read_unlock(mm);
	if (got != 1)
		return got == -ENOMEM ? -ENOMEM : -EFAULT;

	spin_lock(&kvm->mmu_lock);
	if (mmu_invalidate_retry(kvm, mmu_seq)) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	if (!perm_fault && kvm_has_mte(kvm)) {
		/* The VMM may have put a VMA without tags there since. */
		if (!mte_allowed) {
			ret = -EFAULT;
			goto out_unlock;
		}
		sanitise_mte_tags(kvm, page);
	}
	ret = stage2_map(stage2_ptep(slot, gfn), page, write, perm_fault);
out_unlock:
	kvm_release_faultin_page(page, ret != 0, write);
	spin_unlock(&kvm->mmu_lock);
	return ret == -EAGAIN ? 0 : ret;
}

/* The VMM's PTE at @hva, read with no yield (an oracle's look). */
static bool vmm_pte_maps(struct mm_struct *mm, unsigned long hva,
			 unsigned long pfn)
{
	pte_t pte = leaf_pte_peek(mm, hva);

	return pte_present(pte) && pte_pfn(pte) == pfn;
}

bool stage2_entry_coherent(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
			   unsigned long gfn, kvm_pte_t pte)
{
	unsigned long hva = gfn_to_hva_memslot(slot, gfn);

	if (!kvm_pte_valid(pte) ||
	    (!kvm->released && vmm_pte_maps(kvm->mm, hva, kvm_pte_pfn(pte))))
		return true;
	pmm_violation("stale-tlb", "stage 2 maps gfn %#lx to frame %#lx, which "
		      "the VMM no longer maps at %#lx", gfn, kvm_pte_pfn(pte), hva);
	return false;
}

bool kvm_stage2_coherent(struct pmm_vm *kvm)
{
	unsigned int i;
	unsigned long gfn;

	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];

		for (gfn = slot->base_gfn; gfn < slot->base_gfn + slot->npages; gfn++)
			if (!stage2_entry_coherent(kvm, slot, gfn,
						   stage2_peek(stage2_ptep(slot, gfn))))
				return false;
	}
	return true;
}
