/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * KVM on the modelled machine (virt/kvm/kvm_main.c, arch/arm64/kvm/): a
 * VM (struct kvm, here struct pmm_vm) whose memory is its VMM's, memslots
 * from guest frame numbers to VMM addresses, and a stage-2 table filled by
 * user_mem_abort() and emptied by the VMM's mmu notifiers.
 *
 * Simplifications, each with its reason:
 * - kvm->mmu_lock is a spinlock, as when KVM got MTE (5.14). Today's arm64
 *   makes it an rwlock: faults take it for reading, sanitise_mte_tags() in
 *   parallel (why today's version needs try_page_mte_tagging()). A fault
 *   against an invalidation is modelled as the kernel has it; two faults
 *   against each other are serialised here, so their race on the tags
 *   cannot be explored.
 * - The stage-2 table is flat: one leaf entry per page of each memslot,
 *   no intermediate tables, no block (huge) mappings, no access flag.
 * - There is no stage-2 TLB: an entry cleared under mmu_lock is gone for
 *   every vCPU at once (kvm_flush_remote_tlbs() is implied).
 * - Memslots are made in setup() and never change, so they are read
 *   without kvm->srcu or slots_lock.
 */
#ifndef PMM_VIRT_KVM_H
#define PMM_VIRT_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/machine.h"
#include "mm/mmu_notifier.h"
#include "protmm/kvm.h"
#include "sched/spinlock.h"

#define KVM_MAX_MEMSLOTS	16
/* KVM_MEM_MAX_NR_PAGES is far larger; this bounds the flat table. */
#define KVM_MEM_MAX_NR_PAGES	(1UL << 16)

/* A stage-2 leaf: the frame, valid and writable bits, in one word. */
typedef uint64_t kvm_pte_t;
#define KVM_PTE_VALID		0x1ULL
#define KVM_PTE_WRITABLE	0x2ULL

static inline unsigned long kvm_pte_pfn(kvm_pte_t pte)
{
	return (unsigned long)(pte >> PAGE_SHIFT);
}

static inline bool kvm_pte_valid(kvm_pte_t pte)
{
	return pte & KVM_PTE_VALID;
}

struct kvm_memory_slot {
	unsigned long base_gfn;
	unsigned long npages;
	unsigned long userspace_addr;
	/* This slot's part of the stage-2 table: an entry per page. */
	kvm_pte_t *s2;
};

struct pmm_vm {
	struct pmm_process *vmm;
	struct mm_struct *mm;
	unsigned int flags;		/* PMM_VM_* */
	/* Guards the stage-2 table and the two invalidation counters. */
	spinlock_t mmu_lock;
	unsigned long mmu_invalidate_seq;
	long mmu_invalidate_in_progress;
	struct mmu_notifier mmu_notifier;
	/* The VMM's mm went away (exit_mmap()): nothing maps any more. */
	bool released;
	unsigned int nr_memslots;
	struct kvm_memory_slot memslots[KVM_MAX_MEMSLOTS];
	/* kvm->arch.pv: a protected guest's state (virt/pv.c), or NULL. */
	struct kvm_s390_pv *pv;
};

/* kvm_has_mte(): KVM_CAP_ARM_MTE was enabled for this VM. */
static inline bool kvm_has_mte(const struct pmm_vm *kvm)
{
	return kvm->flags & PMM_VM_MTE;
}

/* gfn_to_memslot(): NULL when no slot holds @gfn. */
struct kvm_memory_slot *gfn_to_memslot(struct pmm_vm *kvm, unsigned long gfn);

static inline unsigned long gfn_to_hva_memslot(const struct kvm_memory_slot *slot,
					       unsigned long gfn)
{
	return slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);
}

static inline kvm_pte_t *stage2_ptep(const struct kvm_memory_slot *slot,
				     unsigned long gfn)
{
	return &slot->s2[gfn - slot->base_gfn];
}

/* The vCPU's walk: one yield point on the entry. */
kvm_pte_t stage2_walk_at(kvm_pte_t *ptep, const struct pmm_loc *loc);
/* The entry with no yield: under mmu_lock, or in the walk's step. */
static inline kvm_pte_t stage2_peek(const kvm_pte_t *ptep)
{
	return __atomic_load_n(ptep, __ATOMIC_RELAXED);
}

/* Splits the MTE tag (bits 59:56) off a guest address; -EFAULT: no IPA. */
int kvm_untag_gpa(unsigned long *gpa, unsigned int *tag);

/*
 * How often one guest access may fault and retry. Each retry follows an
 * invalidation that raced with the fault, and a scenario has finitely
 * many; past this the vCPU gives up as KVM_RUN failing would.
 */
#define GUEST_FAULT_RETRIES 64

/*
 * A guest access to [gpa, gpa + len) (its tag split off), page by page:
 * @page does one page's part, @done bytes of the range before it.
 */
int kvm_guest_range(struct pmm_vm *kvm, unsigned long gpa, size_t len,
		    int (*page)(struct pmm_vm *kvm, unsigned long gpa,
				unsigned int tag, unsigned int len, size_t done,
				void *arg, const struct pmm_loc *loc),
		    void *arg, const struct pmm_loc *loc);

/*
 * One try at translating @gfn for the calling vCPU: the stage-2 walk (a
 * yield on the entry), and on a miss or a write to a read-only entry the
 * stage-2 fault. 0 with the entry that permits the access, -EAGAIN after
 * a fault that was handled (walk again), or the fault's error.
 */
int kvm_guest_translate_at(struct pmm_vm *kvm, unsigned long gfn, bool write,
			   struct kvm_memory_slot **slotp, kvm_pte_t *ptep,
			   const struct pmm_loc *loc);

/* Registers the VM's mmu notifier on its VMM's mm (setup() only). */
void kvm_init_mmu_notifier(struct pmm_vm *kvm);

/*
 * kvm_handle_guest_abort() for a memslot page: a translation fault (no
 * valid entry) or a permission fault (a write to a read-only entry).
 * Returns 0 when the access should be retried (mapped, or raced with an
 * invalidation), or a negative errno (-EFAULT: KVM would fail KVM_RUN).
 */
int user_mem_abort(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
		   unsigned long gfn, bool write, bool perm_fault);

/*
 * sanitise_mte_tags(): a page first mapped into an MTE guest gets cleared
 * tags unless they are valid already; under mmu_lock.
 */
void sanitise_mte_tags(struct pmm_vm *kvm, struct page *page);

/*
 * Stage-2 coherence, for the explorer: every valid entry maps the frame
 * the VMM's page table maps at its address. Reports "stale-tlb" for the
 * first that does not and returns false. No yield.
 */
bool kvm_stage2_coherent(struct pmm_vm *kvm);
/* The same for one entry, as a guest access is about to use it. */
bool stage2_entry_coherent(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
			   unsigned long gfn, kvm_pte_t pte);

/*
 * kvm_vma_mte_allowed(): VM_MTE_ALLOWED, since 6.2 ("KVM: arm64: permit
 * all VM_MTE_ALLOWED mappings with MTE enabled", c911f0d46879, with
 * PG_mte_lock); before, a VM_SHARED VMA was refused too, since two
 * mappers could race on PG_mte_tagged: under the pre-6.2 protocols of
 * mte.sync (bit, deferred, page_lock).
 */
bool kvm_vma_mte_allowed(const struct vm_area_struct *vma);

#endif /* PMM_VIRT_KVM_H */
