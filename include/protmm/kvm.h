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
 * mapping is gone: KVM would exit to the VMM), -ENOTSUP (the machine
 * lacks the feature), -EINVAL (bad arguments).
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

/* KVM_CREATE_VM in @vmm. NULL when the machine cannot (or out of memory). */
PMM_API struct pmm_vm *pmm_vm_create(struct pmm_process *vmm,
				     unsigned int flags);
/*
 * KVM_SET_USER_MEMORY_REGION: guest [gpa, gpa + len) is the VMM's
 * [hva, hva + len), page aligned. -EINVAL when it overlaps another slot.
 */
PMM_API int pmm_vm_set_memslot(struct pmm_vm *vm, unsigned long gpa,
			       unsigned long hva, unsigned long len);

/* Guest loads and stores on the calling task's CPU. */
PMM_API int pmm_guest_store(struct pmm_vm *vm, unsigned long gpa,
			    const void *buf, size_t len);
PMM_API int pmm_guest_load(struct pmm_vm *vm, unsigned long gpa, void *buf,
			   size_t len);
/* Guest STG and LDG (PMM_VM_MTE only). */
PMM_API int pmm_guest_store_tags(struct pmm_vm *vm, unsigned long gpa,
				 size_t len, unsigned int tag);
PMM_API int pmm_guest_load_tags(struct pmm_vm *vm, unsigned long gpa,
				size_t len, unsigned char *tags);

/*
 * KVM_ARM_MTE_COPY_TAGS: the VMM reads (@to_guest false) or writes the
 * tags of guest [gpa, gpa + len), a tag per granule in @tags, without a
 * PROT_MTE mapping of its own. Page aligned. Returns bytes covered.
 */
PMM_API long pmm_vm_copy_tags(struct pmm_vm *vm, unsigned long gpa,
			      size_t len, unsigned char *tags, bool to_guest);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_KVM_H */
