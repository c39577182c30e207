/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * KVM on the modelled machine (virt/kvm/kvm_main.c, arch/arm64/kvm/): a
 * VM (struct kvm, here struct pmm_vm) whose memory is its VMM's, memslots
 * from guest frame numbers to VMM addresses, and a stage-2 table filled by
 * user_mem_abort() and emptied by the VMM's mmu notifiers.
 *
 * kvm->mmu_lock is an rwlock, as on arm64 since 6.2 (Oliver Upton's
 * "KVM: arm64: Parallel stage-2 fault handling") and on x86 with the TDP
 * MMU: stage-2 faults take it for read, so several vCPUs fault at once
 * and update stage-2 entries with a compare-and-exchange
 * (KVM_PGTABLE_WALK_SHARED: a fault that loses the race returns -EAGAIN
 * and the vCPU faults again); invalidations (mmu notifiers, memory
 * attributes, guest_memfd hole punching) take it for write. With faults
 * in parallel, two vCPUs may sanitise the tags of one page at once: what
 * PG_mte_lock (try_page_mte_tagging()) is for. The knob kvm.mmu_lock =
 * spinlock gives the 5.14-6.1 arm64 code, where a fault held it alone.
 *
 * Simplifications, each with its reason:
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
#include "sched/rwlock.h"
#include "sched/spinlock.h"

#define KVM_MAX_MEMSLOTS	16
/* INVALID_GPA as a gfn: no range being invalidated yet. */
#define INVALID_GFN		(~0UL)
/* KVM_MEM_MAX_NR_PAGES is far larger; this bounds the flat table. */
#define KVM_MEM_MAX_NR_PAGES	(1UL << 24)

/* A stage-2 leaf: the frame, valid and writable bits, in one word. */
typedef uint64_t kvm_pte_t;
#define KVM_PTE_VALID		0x1ULL
#define KVM_PTE_WRITABLE	0x2ULL
/* A software bit: mapped from guest_memfd (a private gfn). */
#define KVM_PTE_PRIVATE		0x4ULL

static inline unsigned long kvm_pte_pfn(kvm_pte_t pte)
{
	return (unsigned long)(pte >> PAGE_SHIFT);
}

static inline bool kvm_pte_valid(kvm_pte_t pte)
{
	return pte & KVM_PTE_VALID;
}

struct kvm_gmem_file;

/* KVM_MEM_GUEST_MEMFD: the slot's private memory is a guest_memfd's. */
#define KVM_MEM_GUEST_MEMFD	(1u << 2)
/*
 * KVM_MEMSLOT_GMEM_ONLY (kernel-internal): the guest_memfd can be mmapped
 * (GUEST_MEMFD_FLAG_MMAP), so it backs the slot's shared gfns as well.
 */
#define KVM_MEMSLOT_GMEM_ONLY	(1u << 17)

struct kvm_memory_slot {
	unsigned long base_gfn;
	unsigned long npages;
	unsigned long userspace_addr;
	unsigned int flags;		/* KVM_MEM_* */
	/* kvm_gmem_bind() fills this in; NULL file: no guest_memfd. */
	struct {
		struct kvm_gmem_file *file;
		unsigned long pgoff;
	} gmem;
	/* This slot's part of the stage-2 table: an entry per page. */
	kvm_pte_t *s2;
};

/* kvm_slot_has_gmem(): the slot was made with a guest_memfd. */
static inline bool kvm_slot_has_gmem(const struct kvm_memory_slot *slot)
{
	return slot && (slot->flags & KVM_MEM_GUEST_MEMFD);
}

/* kvm_memslot_is_gmem_only() */
static inline bool kvm_memslot_is_gmem_only(const struct kvm_memory_slot *slot)
{
	return kvm_slot_has_gmem(slot) && (slot->flags & KVM_MEMSLOT_GMEM_ONLY);
}

/* The guest_memfd index of @gfn in @slot (kvm_gmem_get_index()). */
static inline unsigned long kvm_gmem_index(const struct kvm_memory_slot *slot,
					   unsigned long gfn)
{
	return slot->gmem.pgoff + (gfn - slot->base_gfn);
}

/* KVM_MEMORY_ATTRIBUTE_PRIVATE, the one attribute KVM supports. */
#define KVM_MEMORY_ATTRIBUTE_PRIVATE	(1UL << 3)

/* Per-gfn attributes: ranges of equal attributes, sorted, none zero. */
#define KVM_MAX_ATTR_RANGES	64
struct kvm_attr_range {
	unsigned long start, end;	/* gfns, [start, end) */
	unsigned long attrs;
};

/*
 * struct kvm_gfn_range (include/linux/kvm_host.h): what an invalidation
 * handler is asked to do to one slot's gfns. @attr_filter says which
 * mappings: KVM_FILTER_SHARED, KVM_FILTER_PRIVATE or both; as in the
 * kernel only a VM with mirrored private mappings (TDX) tells them
 * apart, every other VM zaps both.
 */
#define KVM_FILTER_SHARED	(1u << 0)
#define KVM_FILTER_PRIVATE	(1u << 1)

struct kvm_gfn_range {
	struct kvm_memory_slot *slot;
	unsigned long start, end;
	unsigned int attr_filter;
	bool may_block;
};

struct pmm_vm {
	struct pmm_process *vmm;
	struct mm_struct *mm;
	unsigned int flags;		/* PMM_VM_* */
	enum pmm_vm_type type;
	/* A small id, the owner the hardware records for private frames. */
	int id;
	/*
	 * Guards the stage-2 table and the invalidation counters: read for
	 * a fault, write for an invalidation.
	 */
	rwlock_t mmu_lock;
	unsigned long mmu_invalidate_seq;
	long mmu_invalidate_in_progress;
	/* The gfns being invalidated (kvm_mmu_invalidate_range_add()). */
	unsigned long mmu_invalidate_range_start;
	unsigned long mmu_invalidate_range_end;
	struct mmu_notifier mmu_notifier;
	/* The VMM's mm went away (exit_mmap()): nothing maps any more. */
	bool released;
	unsigned int nr_memslots;
	struct kvm_memory_slot memslots[KVM_MAX_MEMSLOTS];
	/* kvm->mem_attr_array; one object for the explorer (mem_attr_obj). */
	unsigned int nr_attr_ranges;
	struct kvm_attr_range attr_ranges[KVM_MAX_ATTR_RANGES];
	int mem_attr_obj;
	/* kvm->arch.pv: a protected guest's state (virt/pv.c), or NULL. */
	struct kvm_s390_pv *pv;
};

/* KVM_MMU_LOCK()/KVM_MMU_UNLOCK() (virt/kvm/kvm_mm.h): the write side. */
#define KVM_MMU_LOCK(kvm)	write_lock(&(kvm)->mmu_lock)
#define KVM_MMU_UNLOCK(kvm)	write_unlock(&(kvm)->mmu_lock)

/*
 * kvm_mmu_invalidate_begin()/_end(): under mmu_lock for write. Between
 * them a fault retries instead of mapping (mmu_invalidate_retry()), and
 * end bumps mmu_invalidate_seq so a fault that read it before retries
 * too. They nest (several invalidations at once).
 */
void kvm_mmu_invalidate_begin(struct pmm_vm *kvm);
void kvm_mmu_invalidate_end(struct pmm_vm *kvm);
/*
 * kvm_mmu_unmap_gfn_range(): under mmu_lock for write, inside begin/end:
 * adds the range to the one being invalidated and clears the slot's
 * stage-2 entries in [start, end) that the filter selects. Returns
 * whether any was valid (a TLB flush is needed; the model has no
 * stage-2 TLB, so the caller need do nothing with it).
 */
bool kvm_mmu_unmap_gfn_range(struct pmm_vm *kvm, struct kvm_gfn_range *range);

/* kvm_arch_has_private_mem(): the VM type has private memory at all. */
bool kvm_arch_has_private_mem(const struct pmm_vm *kvm);

/* kvm_get_memory_attributes(): the attributes of @gfn (one yield). */
unsigned long kvm_get_memory_attributes(struct pmm_vm *kvm, unsigned long gfn);
/*
 * kvm_mem_is_private(): KVM_MEMORY_ATTRIBUTE_PRIVATE set for @gfn; in a
 * gmem-only slot, guest_memfd's own per-index state (kvm_gmem_is_private()).
 * One yield on the attributes; _peek: none (oracles).
 */
bool kvm_mem_is_private(struct pmm_vm *kvm, unsigned long gfn);
bool kvm_mem_is_private_peek(struct pmm_vm *kvm, unsigned long gfn);
/*
 * kvm_vm_set_mem_attributes(): sets [start, end) to @attributes, gfns.
 * Invalidates stage 2 for the range first (under mmu_lock for write,
 * begin ... end around the store, so racing faults retry). 0, -EINVAL
 * (unsupported attributes, or the VM has no private memory), -ENOMEM.
 * Called with no lock held; may sleep.
 */
int kvm_vm_set_mem_attributes(struct pmm_vm *kvm, unsigned long start,
			      unsigned long end, unsigned long attributes);

/*
 * The architecture's part of a private page's life, guest_memfd calls:
 * kvm_arch_gmem_prepare() when it first hands @pfn (2^@order frames) out
 * for @gfn of @kvm (SNP: RMPUPDATE assigns it to the guest; 0 elsewhere),
 * kvm_arch_gmem_invalidate() when a folio of it is freed (SNP: back to
 * the host). A negative errno from prepare fails kvm_gmem_get_pfn().
 */
int kvm_arch_gmem_prepare(struct pmm_vm *kvm, unsigned long gfn,
			  unsigned long pfn, int order);
void kvm_arch_gmem_invalidate(unsigned long start_pfn, unsigned long end_pfn);

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

/* Forgets the last execution's VMs (pmm_machine_init()). */
void kvm_machine_reset(void);

/* Registers the VM's mmu notifier on its VMM's mm (setup() only). */
void kvm_init_mmu_notifier(struct pmm_vm *kvm);

/*
 * kvm_handle_guest_abort() for a memslot page: a translation fault (no
 * valid entry) or a permission fault (a write to a read-only entry).
 * Returns 0 when the access should be retried (mapped, or raced with an
 * invalidation), or a negative errno (-EFAULT: KVM would fail KVM_RUN).
 * @seq_in: mmu_invalidate_seq as read before the gfn's attribute, or
 * KVM_NO_SEQ to read it under the mmap_lock as arm64 does.
 */
#define KVM_NO_SEQ	(~0UL)
int user_mem_abort(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
		   unsigned long gfn, bool write, bool perm_fault,
		   unsigned long seq_in);
/*
 * The stage-2 fault: a private gfn (kvm_mem_is_private()), or any gfn of
 * a gmem-only slot, from guest_memfd (kvm_gmem_get_pfn()); a shared one
 * through the VMM's address (user_mem_abort()). Same returns.
 */
int kvm_handle_stage2_fault(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
			    unsigned long gfn, bool write, bool perm_fault);

/*
 * sanitise_mte_tags(): a page first mapped into an MTE guest gets cleared
 * tags unless they are valid already; under mmu_lock, for read: two vCPUs
 * may run it on one page at once.
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
