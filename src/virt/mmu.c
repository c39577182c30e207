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
#include "arch/cc.h"
#include "virt/guest_memfd.h"
#include "virt/kvm.h"

DEFINE_KNOB(kvm_mmu_retry, "kvm.mmu_retry",
	    "user_mem_abort() checks mmu_invalidate_retry() under mmu_lock "
	    "before it maps (on); off maps whatever GUP returned, so a page "
	    "the VMM unmapped meanwhile stays in stage 2 with no reference",
	    "on", "off");

DEFINE_KNOB(kvm_mmu_lock_knob, "kvm.mmu_lock",
	    "how a stage-2 fault takes kvm->mmu_lock: rwlock (arm64 since 6.2, "
	    "x86's TDP MMU: for read, so vCPUs fault and sanitise tags in "
	    "parallel, entries set by compare-and-exchange) | spinlock (arm64 "
	    "5.14-6.1: the fault holds it alone, as an invalidation does)",
	    "rwlock", "spinlock");

/* The fault's side of mmu_lock. */
static bool fault_lock_shared(void)
{
	return knob(&kvm_mmu_lock_knob) == 0;
}

static void kvm_fault_lock(struct pmm_vm *kvm)
{
	if (fault_lock_shared())
		read_lock(&kvm->mmu_lock);
	else
		write_lock(&kvm->mmu_lock);
}

static void kvm_fault_unlock(struct pmm_vm *kvm)
{
	if (fault_lock_shared())
		read_unlock(&kvm->mmu_lock);
	else
		write_unlock(&kvm->mmu_lock);
}

kvm_pte_t stage2_walk_at(kvm_pte_t *ptep, const struct pmm_loc *loc)
{
	sched_point_at(ptep, PMM_ACC_READ, loc);
	return stage2_peek(ptep);
}

/* A leaf update, under mmu_lock for write: one yield point on the entry. */
static void stage2_set(kvm_pte_t *ptep, kvm_pte_t pte)
{
	sched_point(ptep, PMM_ACC_WRITE);
	__atomic_store_n(ptep, pte, __ATOMIC_RELAXED);
}

/*
 * stage2_try_set_pte() of a shared walk (KVM_PGTABLE_WALK_SHARED): the
 * entry changes from @old to @new only if nobody changed it since the
 * walk read it; one yield point, a write only when it succeeds.
 */
static bool stage2_try_set_pte(kvm_pte_t *ptep, kvm_pte_t old, kvm_pte_t new)
{
	struct sched_cas_probe p = { ptep, (long)old, sizeof(*ptep) };

	sched_point_cond_at(ptep, PMM_ACC_RMW, PMM_HERE, sched_cas_would_write, &p);
	if (__atomic_compare_exchange_n(ptep, &old, new, false, __ATOMIC_RELAXED,
					__ATOMIC_RELAXED))
		return true;
	sched_step_read_only();
	return false;
}

/*
 * kvm_gfn_range_filter_to_root_types(): only a VM whose private mappings
 * live apart (TDX's mirror root) unmaps by filter; every other zaps both.
 */
static bool range_selects(const struct pmm_vm *kvm,
			  const struct kvm_gfn_range *range, kvm_pte_t pte)
{
	if (kvm->type != PMM_VM_TDX)
		return true;
	return range->attr_filter & ((pte & KVM_PTE_PRIVATE) ?
				     KVM_FILTER_PRIVATE : KVM_FILTER_SHARED);
}

/*
 * TDX and pKVM: the hardware owns a private frame from the stage-2 map
 * on. tdx_sept_set_private_spte() (TDH.MEM.PAGE.AUG) and pKVM's
 * __pkvm_host_donate_guest() take it; a frame already this VM's (mapped
 * again after an unmap the model made) is left as it is.
 */
static int kvm_private_map(struct pmm_vm *kvm, unsigned long pfn)
{
	int owner;

	if (kvm->type != PMM_VM_TDX && kvm->type != PMM_VM_PKVM)
		return 0;
	owner = cc_frame_owner(pfn);
	if (owner == kvm->id)
		return 0;
	return owner ? -EIO : cc_make_private(pfn, 1, kvm->id);
}

/*
 * The other way, at the unmap of a private entry: TDX removes the page
 * (TDH.MEM.PAGE.REMOVE) and the host clears it (tdx_clear_page()); pKVM
 * reclaims it (simplified: the kernel gives a protected guest's page
 * back only at its teardown; the model at its unmap, as TDX).
 */
static void kvm_private_unmapped(struct pmm_vm *kvm, kvm_pte_t pte)
{
	unsigned long pfn = kvm_pte_pfn(pte);

	if (!(pte & KVM_PTE_PRIVATE) ||
	    (kvm->type != PMM_VM_TDX && kvm->type != PMM_VM_PKVM) ||
	    cc_frame_owner(pfn) != kvm->id)
		return;
	cc_make_shared(pfn, 1);
	if (kvm->type == PMM_VM_TDX)
		frame_clear(pfn);
}

/* kvm_mmu_invalidate_range_add() */
static void kvm_mmu_invalidate_range_add(struct pmm_vm *kvm,
					 unsigned long start, unsigned long end)
{
	if (!kvm->mmu_invalidate_in_progress)
		pmm_violation("bug-on", "a stage-2 range invalidated outside "
			      "kvm_mmu_invalidate_begin()/end()");
	if (kvm->mmu_invalidate_range_start == INVALID_GFN) {
		kvm->mmu_invalidate_range_start = start;
		kvm->mmu_invalidate_range_end = end;
		return;
	}
	if (start < kvm->mmu_invalidate_range_start)
		kvm->mmu_invalidate_range_start = start;
	if (end > kvm->mmu_invalidate_range_end)
		kvm->mmu_invalidate_range_end = end;
}

/*
 * kvm_mmu_unmap_gfn_range() -> kvm_unmap_gfn_range(): clears the entries
 * of [start, end) the filter selects.
 */
bool kvm_mmu_unmap_gfn_range(struct pmm_vm *kvm, struct kvm_gfn_range *range)
{
	struct kvm_memory_slot *slot = range->slot;
	unsigned long gfn, start = range->start, end = range->end;
	bool flush = false;

	if (!rwlock_assert_held_write(&kvm->mmu_lock, PMM_HERE))
		return false;
	kvm_mmu_invalidate_range_add(kvm, start, end);
	if (start < slot->base_gfn)
		start = slot->base_gfn;
	if (end > slot->base_gfn + slot->npages)
		end = slot->base_gfn + slot->npages;
	for (gfn = start; gfn < end; gfn++) {
		kvm_pte_t *ptep = stage2_ptep(slot, gfn);
		kvm_pte_t pte = stage2_peek(ptep);

		if (!kvm_pte_valid(pte) || !range_selects(kvm, range, pte))
			continue;
		stage2_set(ptep, 0);
		kvm_private_unmapped(kvm, pte);
		flush = true;
	}
	return flush;
}

/*
 * Every entry of @slot, for the mm's release (kvm_flush_shadow_all():
 * private entries too, their frames back to the host): no range to
 * record.
 */
static void stage2_unmap_slot(struct pmm_vm *kvm, struct kvm_memory_slot *slot)
{
	unsigned long gfn;

	for (gfn = slot->base_gfn; gfn < slot->base_gfn + slot->npages; gfn++) {
		kvm_pte_t *ptep = stage2_ptep(slot, gfn);
		kvm_pte_t pte = stage2_peek(ptep);

		if (!kvm_pte_valid(pte))
			continue;
		stage2_set(ptep, 0);
		kvm_private_unmapped(kvm, pte);
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

/* kvm_mmu_invalidate_begin(): faults retry from now on. */
void kvm_mmu_invalidate_begin(struct pmm_vm *kvm)
{
	if (!rwlock_assert_held_write(&kvm->mmu_lock, PMM_HERE))
		return;
	WRITE_ONCE(kvm->mmu_invalidate_in_progress,
		   kvm->mmu_invalidate_in_progress + 1);
	if (kvm->mmu_invalidate_in_progress == 1) {
		kvm->mmu_invalidate_range_start = INVALID_GFN;
		kvm->mmu_invalidate_range_end = INVALID_GFN;
	}
}

/* kvm_mmu_invalidate_end(): the new seq is visible before the count drops. */
void kvm_mmu_invalidate_end(struct pmm_vm *kvm)
{
	if (!rwlock_assert_held_write(&kvm->mmu_lock, PMM_HERE))
		return;
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
		struct kvm_gfn_range r = {
			.slot = &kvm->memslots[i], .attr_filter = KVM_FILTER_SHARED,
			.may_block = true,
		};

		if (!slot_gfn_range(r.slot, range->start, range->end, &gs, &ge))
			continue;
		if (!locked) {
			KVM_MMU_LOCK(kvm);
			kvm_mmu_invalidate_begin(kvm);
			locked = true;
		}
		r.start = gs;
		r.end = ge;
		kvm_mmu_unmap_gfn_range(kvm, &r);
	}
	if (locked)
		KVM_MMU_UNLOCK(kvm);
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
		KVM_MMU_LOCK(kvm);
		kvm_mmu_invalidate_end(kvm);
		KVM_MMU_UNLOCK(kvm);
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
	KVM_MMU_LOCK(kvm);
	WRITE_ONCE(kvm->released, true);
	for (i = 0; i < kvm->nr_memslots; i++)
		stage2_unmap_slot(kvm, &kvm->memslots[i]);
	KVM_MMU_UNLOCK(kvm);
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

static bool no_invalidation(const struct task *t, const void *arg)
{
	const struct pmm_vm *kvm = arg;

	(void)t;
	return !__atomic_load_n(&kvm->mmu_invalidate_in_progress, __ATOMIC_RELAXED);
}

/*
 * A fault that retried because an invalidation is under way: the vCPU
 * faults again and again until it ends, each time refused. The model
 * waits for the end instead (spin_until()): the same outcomes, without
 * exploring every count of refusals (and without running out of
 * GUEST_FAULT_RETRIES while a long invalidation runs).
 */
static void kvm_wait_invalidation(struct pmm_vm *kvm)
{
	if (READ_ONCE(kvm->mmu_invalidate_in_progress))
		spin_until(&kvm->mmu_invalidate_in_progress, no_invalidation, kvm);
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
 * The stage-2 update of user_mem_abort(), as a shared walk does it under
 * mmu_lock for read (kvm_pgtable_stage2_map(), _relax_perms()): read the
 * entry (a yield), then compare-and-exchange it. A translation fault
 * that finds the page mapped already (another vCPU won) changes nothing
 * (stage2_pte_needs_update() is false when only permissions differ); a
 * permission fault only relaxes the entry that is there and fails on an
 * invalid one. Any of these, or a lost exchange, is -EAGAIN: the vCPU
 * faults again if it must. Break-before-make is one exchange here.
 */
static int stage2_map(kvm_pte_t *ptep, kvm_pte_t pte, bool perm_fault,
		      const struct pmm_loc *loc)
{
	kvm_pte_t old = stage2_walk_at(ptep, loc);

	if (perm_fault) {
		if (!kvm_pte_valid(old))
			return -EAGAIN;
		pte = old | (pte & KVM_PTE_WRITABLE);
		if (pte == old)
			return 0;
	} else if (kvm_pte_valid(old) && kvm_pte_pfn(old) == kvm_pte_pfn(pte)) {
		return -EAGAIN;
	}
	return stage2_try_set_pte(ptep, old, pte) ? 0 : -EAGAIN;
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
		   unsigned long gfn, bool write, bool perm_fault,
		   unsigned long seq_in)
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
	/*
	 * The implicit smp_rmb() of the unlock pairs with invalidate_end. A
	 * VM with private memory read it before the gfn's attribute.
	 */
	mmu_seq = seq_in != KVM_NO_SEQ ? seq_in : READ_ONCE(kvm->mmu_invalidate_seq);
	/* __kvm_faultin_pfn() -> hva_to_pfn(): GUP, the slow path. */
	got = get_user_pages(mm, hva, 1, write ? FOLL_WRITE : 0, &page);
	mmap_read_unlock(mm);
	if (got != 1)
		return got == -ENOMEM ? -ENOMEM : -EFAULT;

	kvm_fault_lock(kvm);
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
	ret = stage2_map(stage2_ptep(slot, gfn),
			 ((kvm_pte_t)page_to_pfn(page) << PAGE_SHIFT) | KVM_PTE_VALID |
			 (write ? KVM_PTE_WRITABLE : 0), perm_fault, PMM_HERE);
out_unlock:
	kvm_release_faultin_page(page, ret != 0, write);
	kvm_fault_unlock(kvm);
	if (ret == -EAGAIN)
		kvm_wait_invalidation(kvm);
	return ret == -EAGAIN ? 0 : ret;
}

/*
 * kvm_mmu_faultin_pfn_gmem() and the map of __kvm_tdp_mmu_map(): the
 * frame from guest_memfd (a reference, dropped once mapped), then under
 * mmu_lock the retry against invalidations (a hole punch, a release, an
 * attribute change between the seq's read and here), the hardware's
 * taking of a private frame, and the entry, always writable. A private
 * gfn in a slot without guest_memfd exits to the VMM
 * (kvm_mmu_prepare_memory_fault_exit(): -EFAULT here).
 */
static int kvm_gmem_abort(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
			  unsigned long gfn, bool private, bool perm_fault,
			  unsigned long mmu_seq)
{
	unsigned long pfn;
	struct page *page;
	int max_order, ret;

	if (!kvm_slot_has_gmem(slot))
		return -EFAULT;
	ret = kvm_gmem_get_pfn(kvm, slot, gfn, &pfn, &page, &max_order);
	if (ret)
		return ret == -ENOMEM ? -ENOMEM : -EFAULT;
	kvm_fault_lock(kvm);
	if (mmu_invalidate_retry(kvm, mmu_seq)) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	if (private) {
		ret = kvm_private_map(kvm, pfn);
		if (ret)
			goto out_unlock;
	}
	ret = stage2_map(stage2_ptep(slot, gfn),
			 ((kvm_pte_t)pfn << PAGE_SHIFT) | KVM_PTE_VALID |
			 KVM_PTE_WRITABLE | (private ? KVM_PTE_PRIVATE : 0),
			 perm_fault, PMM_HERE);
out_unlock:
	folio_put(page_folio(page));
	kvm_fault_unlock(kvm);
	if (ret == -EAGAIN)
		kvm_wait_invalidation(kvm);
	return ret == -EAGAIN ? 0 : ret;
}

/*
 * kvm_mmu_faultin_pfn()'s choice: the gfn's attribute says private (read
 * once, as fault->is_private), or the slot is gmem-only: guest_memfd;
 * else the VMM's memory. mmu_invalidate_seq is read first, then the
 * attribute (smp_rmb() between): an attribute change after the seq's
 * read makes the fault retry, whichever memory it took.
 */
int kvm_handle_stage2_fault(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
			    unsigned long gfn, bool write, bool perm_fault)
{
	unsigned long mmu_seq;
	bool private;

	if (!kvm_arch_has_private_mem(kvm) && !kvm_slot_has_gmem(slot))
		return user_mem_abort(kvm, slot, gfn, write, perm_fault, KVM_NO_SEQ);
	mmu_seq = READ_ONCE(kvm->mmu_invalidate_seq);
	smp_rmb();
	private = kvm_mem_is_private(kvm, gfn);
	if (private || kvm_memslot_is_gmem_only(slot))
		return kvm_gmem_abort(kvm, slot, gfn, private, perm_fault, mmu_seq);
	return user_mem_abort(kvm, slot, gfn, write, perm_fault, mmu_seq);
}

/* The VMM's PTE at @hva, read with no yield (an oracle's look). */
static bool vmm_pte_maps(struct mm_struct *mm, unsigned long hva,
			 unsigned long pfn)
{
	pte_t pte = leaf_pte_peek(mm, hva);

	return pte_present(pte) && pte_pfn(pte) == pfn;
}

/* The folio guest_memfd has at @gfn's index, read with no yield. */
static unsigned long gmem_peek_pfn(struct kvm_memory_slot *slot,
				   unsigned long gfn)
{
	struct kvm_gmem_file *f = __atomic_load_n(&slot->gmem.file, __ATOMIC_RELAXED);
	struct inode *inode = f ? kvm_gmem_file_inode(f) : NULL;
	unsigned long index = kvm_gmem_index(slot, gfn);
	struct folio *folio;

	if (!inode || index >= inode->i_max_pages)
		return ~0UL;
	folio = __atomic_load_n(&inode->i_pages[index], __ATOMIC_RELAXED);
	return folio ? folio_pfn(folio) : ~0UL;
}

/*
 * A private entry (or any entry of a gmem-only slot): its frame is the
 * guest_memfd's folio at the gfn's index, and the gfn's attribute is
 * what the entry was made for, unless an invalidation is under way.
 */
static bool gmem_entry_coherent(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
				unsigned long gfn, kvm_pte_t pte)
{
	bool private = pte & KVM_PTE_PRIVATE;

	if (gmem_peek_pfn(slot, gfn) != kvm_pte_pfn(pte)) {
		pmm_violation("stale-tlb", "stage 2 maps gfn %#lx to frame %#lx, "
			      "which guest_memfd no longer has there", gfn,
			      kvm_pte_pfn(pte));
		return false;
	}
	if (!kvm->mmu_invalidate_in_progress &&
	    private != (kvm_mem_is_private_peek(kvm, gfn))) {
		pmm_violation("stale-tlb", "stage 2 maps gfn %#lx %s, but it is %s",
			      gfn, private ? "private" : "shared",
			      private ? "shared" : "private");
		return false;
	}
	return true;
}

bool stage2_entry_coherent(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
			   unsigned long gfn, kvm_pte_t pte)
{
	unsigned long hva = gfn_to_hva_memslot(slot, gfn);

	if (kvm_pte_valid(pte) &&
	    ((pte & KVM_PTE_PRIVATE) || kvm_memslot_is_gmem_only(slot)))
		return gmem_entry_coherent(kvm, slot, gfn, pte);
	if (kvm_pte_valid(pte) && kvm->mmu_invalidate_in_progress == 0 &&
	    kvm_mem_is_private_peek(kvm, gfn)) {
		pmm_violation("stale-tlb", "stage 2 maps private gfn %#lx to the "
			      "VMM's shared memory", gfn);
		return false;
	}
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
