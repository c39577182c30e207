// SPDX-License-Identifier: LGPL-2.1-or-later
/* The VM and its memslots (virt/kvm/kvm_main.c, arch/arm64/kvm/arm.c). */
#include <errno.h>
#include <string.h>

#include "arch/arm64/mte.h"
#include "mm/mmap.h"
#include "virt/guest_memfd.h"
#include "virt/kvm.h"

/* system_supports_mte(): only the arm64-mte machine has tag storage. */
static bool system_supports_mte(void)
{
	return !strcmp(arch_ops->name, "arm64-mte");
}

static const char *const vm_type_names[] = {
	[PMM_VM_DEFAULT] = "default",
	[PMM_VM_SW_PROTECTED] = "sw-protected",
	[PMM_VM_SNP] = "snp",
	[PMM_VM_TDX] = "tdx",
	[PMM_VM_PKVM] = "pkvm",
};

const char *pmm_vm_type_name(enum pmm_vm_type type)
{
	return (unsigned int)type < sizeof(vm_type_names) / sizeof(vm_type_names[0]) ?
	       vm_type_names[type] : NULL;
}

/* kvm_is_vm_type_supported(): the machine's hardware runs @type. */
static bool kvm_is_vm_type_supported(enum pmm_vm_type type)
{
	if (!pmm_vm_type_name(type))
		return false;
	return type == PMM_VM_DEFAULT || (arch_ops->kvm_vm_types & (1u << type));
}

bool kvm_arch_has_private_mem(const struct pmm_vm *kvm)
{
	return kvm->type != PMM_VM_DEFAULT;
}

/* VM ids, the owners the hardware records: per execution, from 1. */
static int nr_vms;

void kvm_machine_reset(void)
{
	nr_vms = 0;
}

/*
 * KVM_CREATE_VM(@type), then KVM_ENABLE_CAP(KVM_CAP_ARM_MTE) when @flags
 * ask for it (kvm_vm_ioctl_enable_cap() refuses it without MTE: -EINVAL
 * there, NULL here). The VM mirrors @vmm's mm through an mmu notifier.
 */
struct pmm_vm *pmm_vm_create_type(struct pmm_process *vmm,
				  enum pmm_vm_type type, unsigned int flags)
{
	struct pmm_vm *kvm;

	if (!vmm || process_gone(vmm) || (flags & ~PMM_VM_MTE))
		return NULL;
	if ((flags & PMM_VM_MTE) && !system_supports_mte())
		return NULL;
	if (!kvm_is_vm_type_supported(type))
		return NULL;
	kvm = pmm_alloc(sizeof(*kvm));
	if (!kvm)
		return NULL;
	kvm->vmm = vmm;
	kvm->mm = vmm->mm;
	kvm->flags = flags;
	kvm->type = type;
	kvm->id = ++nr_vms;
	rwlock_init(&kvm->mmu_lock);
	pmm_obj_namef(&kvm->mmu_lock, "kvm%d.mmu_lock", vmm->pid);
	pmm_obj_namef(&kvm->mmu_invalidate_seq, "kvm%d.mmu_invalidate_seq", vmm->pid);
	pmm_obj_namef(&kvm->mmu_invalidate_in_progress,
		      "kvm%d.mmu_invalidate_in_progress", vmm->pid);
	pmm_obj_namef(&kvm->mem_attr_obj, "kvm%d.mem_attr_array", vmm->pid);
	kvm_init_mmu_notifier(kvm);
	return kvm;
}

struct pmm_vm *pmm_vm_create(struct pmm_process *vmm, unsigned int flags)
{
	return pmm_vm_create_type(vmm, PMM_VM_DEFAULT, flags);
}

struct kvm_memory_slot *gfn_to_memslot(struct pmm_vm *kvm, unsigned long gfn)
{
	unsigned int i;

	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_memory_slot *slot = &kvm->memslots[i];

		if (gfn >= slot->base_gfn && gfn - slot->base_gfn < slot->npages)
			return slot;
	}
	return NULL;
}

/* kvm_check_memslot_overlap(): guest frames belong to one slot at most. */
static bool memslot_overlaps(struct pmm_vm *kvm, unsigned long base_gfn,
			     unsigned long npages)
{
	unsigned int i;

	for (i = 0; i < kvm->nr_memslots; i++) {
		const struct kvm_memory_slot *s = &kvm->memslots[i];

		if (base_gfn < s->base_gfn + s->npages &&
		    s->base_gfn < base_gfn + npages)
			return true;
	}
	return false;
}

/*
 * kvm_arch_prepare_memory_region(): with MTE, every VMA already in the
 * range must allow tags (kvm_vma_mte_allowed()); a hole is fine, as a
 * later fault checks the VMA it finds.
 */
static int prepare_memory_region(struct pmm_vm *kvm, unsigned long hva,
				 unsigned long len)
{
	struct vm_area_struct *vma;
	unsigned long addr = hva;
	int ret = 0;

	if (!kvm_has_mte(kvm))
		return 0;
	mmap_read_lock(kvm->mm);
	while (!ret && addr < hva + len && (vma = find_vma(kvm->mm, addr)) &&
	       vma->vm_start < hva + len) {
		if (!kvm_vma_mte_allowed(vma))
			ret = -EINVAL;
		addr = vma->vm_end;
	}
	mmap_read_unlock(kvm->mm);
	return ret;
}

bool kvm_vma_mte_allowed(const struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MTE_ALLOWED))
		return false;
	return mte_sync_mode() == MTE_SYNC_MTE_LOCK || !(vma->vm_flags & VM_SHARED);
}

/* Stage-2 entries of a small slot get names, for traces. */
static void name_stage2(struct pmm_vm *kvm, struct kvm_memory_slot *slot)
{
	unsigned long i;

	for (i = 0; i < slot->npages && i < 16; i++)
		pmm_obj_namef(&slot->s2[i], "kvm%d.s2[%#lx]", kvm->id,
			      slot->base_gfn + i);
}

/*
 * __kvm_set_memory_region() creating a slot: page aligned, inside the user
 * address range, not overlapping another slot (-EEXIST, as KVM says).
 * With a guest_memfd (KVM_SET_USER_MEMORY_REGION2, KVM_MEM_GUEST_MEMFD):
 * a page-aligned offset that does not wrap (-EINVAL), then
 * kvm_gmem_bind() (a guest_memfd of this VM, the range inside its size,
 * not bound to another slot: -EINVAL) before the slot is visible; a file
 * that can be mmapped makes the slot gmem-only. Deleting or moving a slot
 * (len 0, or a new range for a slot) is not modelled: -ENOTSUP for len 0.
 */
static int set_memory_region(struct pmm_vm *kvm, unsigned long gpa,
			     unsigned long hva, unsigned long len,
			     struct kvm_gmem_file *gf, unsigned long gmem_offset)
{
	struct kvm_memory_slot *slot;
	unsigned long npages = len >> PAGE_SHIFT;
	int ret;

	if (!kvm)
		return -EINVAL;
	if (!len)
		return -ENOTSUP;
	if ((gpa | hva | len) & ~PAGE_MASK || npages > KVM_MEM_MAX_NR_PAGES ||
	    gpa + len < gpa || hva + len < hva ||
	    gpa + len > (1UL << PMM_TAG_SHIFT) || hva + len > (1UL << PMM_TAG_SHIFT))
		return -EINVAL;
	if (gf && ((gmem_offset & ~PAGE_MASK) || gmem_offset + len < gmem_offset))
		return -EINVAL;
	if (memslot_overlaps(kvm, gpa >> PAGE_SHIFT, npages))
		return -EEXIST;
	if (kvm->nr_memslots == KVM_MAX_MEMSLOTS)
		return -EINVAL;
	ret = prepare_memory_region(kvm, hva, len);
	if (ret)
		return ret;
	slot = &kvm->memslots[kvm->nr_memslots];
	memset(slot, 0, sizeof(*slot));
	slot->base_gfn = gpa >> PAGE_SHIFT;
	slot->npages = npages;
	slot->userspace_addr = hva;
	if (gf) {
		slot->flags = KVM_MEM_GUEST_MEMFD;
		ret = kvm_gmem_bind(kvm, slot, gf, gmem_offset);
		if (ret) {
			memset(slot, 0, sizeof(*slot));
			return ret;
		}
		if (gf->gi->flags & GUEST_MEMFD_FLAG_MMAP)
			slot->flags |= KVM_MEMSLOT_GMEM_ONLY;
	}
	slot->s2 = pmm_alloc(npages * sizeof(*slot->s2));
	if (!slot->s2) {
		if (gf)
			kvm_gmem_unbind(slot);
		memset(slot, 0, sizeof(*slot));
		return -ENOMEM;
	}
	name_stage2(kvm, slot);
	kvm->nr_memslots++;
	return 0;
}

int pmm_vm_set_memslot(struct pmm_vm *kvm, unsigned long gpa,
		       unsigned long hva, unsigned long len)
{
	return set_memory_region(kvm, gpa, hva, len, NULL, 0);
}

int pmm_vm_set_memslot_gmem(struct pmm_vm *kvm, unsigned long gpa,
			    unsigned long hva, unsigned long len,
			    struct pmm_file *gmem, unsigned long offset)
{
	struct kvm_gmem_file *gf;
	int ret;

	if (!kvm || !gmem)
		return -EINVAL;
	ret = machine_gmem_file(gmem, &gf);
	if (ret)
		return ret;
	return set_memory_region(kvm, gpa, hva, len, gf, offset);
}
