/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/kvm.h - a KVM guest on the modelled machine (arm64 for now).
 *
 * A VM's memory is a range of its VMM process's address space (a memslot,
 * as KVM_SET_USER_MEMORY_REGION gives it). A vCPU is a task that calls
 * pmm_guest_*(): its accesses go through the VM's stage-2 table, which is
 * filled on a stage-2 fault from the VMM's page tables (user_mem_abort():
 * fault the page in through GUP, sanitise its tags, map it) and emptied
 * by the VMM's mmu notifiers when the host unmaps, swaps or migrates the
 * page. Guest physical addresses may carry an MTE tag in bits 59:56, as
 * user addresses do (pmm_tag_addr()); with PMM_VM_MTE every guest access
 * is tag checked (the guest maps all its memory tagged).
 *
 * Context table:
 *   pmm_vm_create, pmm_vm_set_memslot       setup() only
 *   everything else                         setup() or a task
 *
 * Returns are 0 or a negative errno: -EFAULT (no memslot, or the VMM
 * mapping is gone or forbids the access: KVM would exit to the VMM, or
 * fail KVM_RUN), -ENOTSUP (the machine or the VM lacks the feature),
 * -EINVAL (bad arguments).
 *
 * Stage 2 holds no page references: a VM needs no teardown of its own,
 * and the VMM's exit (pmm_exit(), pmm_machine_finish()) empties it
 * through the mmu notifier's release. The knob kvm.mmu_retry (on; off
 * skips mmu_invalidate_retry() in user_mem_abort()) shows the race the
 * retry closes; kvm.mmu_lock (rwlock: faults take kvm->mmu_lock for
 * read, as arm64 since 6.2; spinlock: one fault at a time, as 5.14-6.1)
 * decides whether two vCPUs fault at once; the mte.sync knob picks the
 * tag protocol KVM follows.
 */
#ifndef PROTMM_KVM_H
#define PROTMM_KVM_H

#include <stdbool.h>
#include <stddef.h>

#include "protmm/common.h"
#include "protmm/machine.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_vm;

/* KVM_CAP_ARM_MTE: the guest may use tags. */
#define PMM_VM_MTE	0x1u

/*
 * The VM types (KVM_CREATE_VM's type), each on the machines that have
 * its hardware:
 *   PMM_VM_DEFAULT       any machine
 *   PMM_VM_SW_PROTECTED  KVM_X86_SW_PROTECTED_VM: private memory and
 *                        attributes, no hardware enforcement (the oracles
 *                        still report); generic, x86-sme, x86-snp, x86-tdx
 *   PMM_VM_SNP           KVM_X86_SNP_VM: the RMP owns private frames; x86-snp
 *   PMM_VM_TDX           KVM_X86_TDX_VM: the TDX module owns them; x86-tdx
 *   PMM_VM_PKVM          a protected VM under pKVM: the host's stage 2
 *                        loses donated frames; arm64-mte
 */
enum pmm_vm_type {
	PMM_VM_DEFAULT,
	PMM_VM_SW_PROTECTED,
	PMM_VM_SNP,
	PMM_VM_TDX,
	PMM_VM_PKVM,
};

/* The type's name as scenarios spell it ("sw-protected", ...), or NULL. */
PMM_API const char *pmm_vm_type_name(enum pmm_vm_type type);

/*
 * KVM_CREATE_VM in @vmm, with KVM_CAP_ARM_MTE when @flags has PMM_VM_MTE.
 * NULL for unknown flags, an exited VMM, PMM_VM_MTE on a machine other
 * than arm64-mte, or out of memory.
 */
PMM_API struct pmm_vm *pmm_vm_create(struct pmm_process *vmm,
				     unsigned int flags);
/*
 * KVM_CREATE_VM(@type): as pmm_vm_create(), NULL also when the machine
 * lacks the type's hardware (see enum pmm_vm_type).
 */
PMM_API struct pmm_vm *pmm_vm_create_type(struct pmm_process *vmm,
					  enum pmm_vm_type type,
					  unsigned int flags);

/*
 * KVM_SET_MEMORY_ATTRIBUTES: guest [gpa, gpa + len), page aligned, gets
 * @attrs (0, or PMM_MEMORY_ATTRIBUTE_PRIVATE). Stage 2 is invalidated
 * for the range first. -EINVAL for unaligned or empty ranges, unknown
 * attributes, or a VM type without private memory (only sw-protected,
 * snp, tdx and pkvm have it); -ENOMEM when the attribute map is full.
 * Nothing need be mapped or in a memslot.
 */
#define PMM_MEMORY_ATTRIBUTE_PRIVATE	(1UL << 3)
PMM_API int pmm_vm_set_memory_attributes(struct pmm_vm *vm, unsigned long gpa,
					 unsigned long len, unsigned long attrs);

/*
 * KVM_SET_USER_MEMORY_REGION: guest [gpa, gpa + len) is the VMM's
 * [hva, hva + len), page aligned, below bit 56. Nothing need be mapped
 * there yet (a fault checks); with PMM_VM_MTE every VMA already there
 * must allow tags (no shared file mapping). -EEXIST when it overlaps
 * another slot's guest frames (as KVM), -ENOTSUP for len 0 (deleting a
 * slot is not modelled), -EINVAL otherwise (16 slots at most).
 */
PMM_API int pmm_vm_set_memslot(struct pmm_vm *vm, unsigned long gpa,
			       unsigned long hva, unsigned long len);

/*
 * KVM_SET_USER_MEMORY_REGION2 with KVM_MEM_GUEST_MEMFD: as
 * pmm_vm_set_memslot(), the slot's private memory (and, for a guest_memfd
 * made with PMM_GUEST_MEMFD_FLAG_MMAP, its shared memory too) being @gmem's from byte
 * @offset. -EINVAL also for an unaligned or wrapping offset, a file that
 * is not a guest_memfd or is another VM's, a range past its size or
 * bound to another slot; -EBADF for a closed one.
 */
PMM_API int pmm_vm_set_memslot_gmem(struct pmm_vm *vm, unsigned long gpa,
				    unsigned long hva, unsigned long len,
				    struct pmm_file *gmem, unsigned long offset);

/*
 * Guest loads and stores on the calling task's CPU. A stage-2 miss, or a
 * store to a read-only entry, runs user_mem_abort() and retries; a read
 * fault maps read-only (the zero page, for memory the VMM never touched).
 * With PMM_VM_MTE the pointer tag (bits 59:56) is checked: -EFAULT on a
 * mismatch. Bits 63:60 set: -EFAULT.
 */
PMM_API int pmm_guest_store(struct pmm_vm *vm, unsigned long gpa,
			    const void *buf, size_t len);
PMM_API int pmm_guest_load(struct pmm_vm *vm, unsigned long gpa, void *buf,
			   size_t len);
/*
 * Guest STG and LDG, granule aligned (-EINVAL otherwise, or a tag above
 * 0xf); -ENOTSUP without PMM_VM_MTE. STG needs a writable stage 2.
 */
PMM_API int pmm_guest_store_tags(struct pmm_vm *vm, unsigned long gpa,
				 size_t len, unsigned int tag);
PMM_API int pmm_guest_load_tags(struct pmm_vm *vm, unsigned long gpa,
				size_t len, unsigned char *tags);

/*
 * KVM_ARM_MTE_COPY_TAGS: the VMM reads (@to_guest false) or writes the
 * tags of guest [gpa, gpa + len), a tag per granule in @tags, without a
 * PROT_MTE mapping of its own. Page aligned. Returns the bytes covered
 * (stopping at the first frame without a slot or a VMM page), -EFAULT if
 * none, -EINVAL when unaligned or when the VM lacks PMM_VM_MTE (as KVM).
 * Tags of a page never tagged read as zeros.
 */
PMM_API long pmm_vm_copy_tags(struct pmm_vm *vm, unsigned long gpa,
			      size_t len, unsigned char *tags, bool to_guest);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_KVM_H */
