/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/s390.h - protected (PV) guests on the s390-pv machine, and the
 * I/O paths seed 001 is about.
 *
 * A PV guest is a KVM guest (protmm/kvm.h: its memslots are set with
 * pmm_vm_set_memslot()) whose pages the Ultravisor makes secure: a vCPU's
 * access to a page that is not yet secure for it is intercepted, and KVM
 * imports the page through gmap_make_secure() (the page's references are
 * frozen to the expected count under its lock; a page under writeback or
 * with extra references is retried). The host touching a secure page
 * takes the secure-storage-access exception, which exports it
 * (encrypted, integrity protected); a device touching one is the
 * io-on-secure violation. A guest reading other bytes than it wrote, or
 * an import of contents the host changed, is secure-integrity.
 *
 * Context table: pmm_pv_vm_create in setup() only; the rest in setup()
 * or a task (the vCPU calls on the VMM's threads).
 *
 * Returns are 0 or a negative errno: -EINVAL (not a PV VM), -EFAULT (no
 * memslot or VMM mapping there, or the guest is destroyed), -EAGAIN (the
 * page could not be made secure within the retries: writeback or extra
 * references persisted; the guest would retry).
 */
#ifndef PROTMM_S390_H
#define PROTMM_S390_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "protmm/common.h"
#include "protmm/kvm.h"
#include "protmm/machine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* KVM_CREATE_VM + KVM_PV_ENABLE in @vmm; NULL off machine s390-pv. */
PMM_API struct pmm_vm *pmm_pv_vm_create(struct pmm_process *vmm);
/* A vCPU's store and load: every page touched is imported first. */
PMM_API int pmm_pv_store(struct pmm_vm *vm, unsigned long gpa, const void *buf,
			 size_t len);
PMM_API int pmm_pv_load(struct pmm_vm *vm, unsigned long gpa, void *buf,
			size_t len);
/* One gmap_convert_to_secure() of the page at @gpa, as KVM's intercept. */
PMM_API int pmm_pv_import(struct pmm_vm *vm, unsigned long gpa);
/* The guest shares its page at @gpa with the host (virtio buffers). */
PMM_API int pmm_pv_share(struct pmm_vm *vm, unsigned long gpa);
/* KVM_PV_DISABLE: every secure page destroyed; the guest runs no more. */
PMM_API int pmm_pv_destroy(struct pmm_vm *vm);
/* Whether the frame backing @gpa is secure for the guest now. */
PMM_API bool pmm_pv_secure(struct pmm_vm *vm, unsigned long gpa);
/* How often the guest's accesses re-entered after -EAGAIN. */
PMM_API unsigned long pmm_pv_retries(struct pmm_vm *vm);

/*
 * A network device sends @len bytes of the pipe's buffers zero-copy
 * (splice(2) from the pipe to a socket, sendfile(2)): each buffer is
 * confirmed (page_cache_pipe_buf_confirm(), which the seed's patch
 * makes call arch_make_folio_accessible(): knob s390.splice_accessible)
 * and then read by DMA from its page. Whole buffers; bytes sent.
 */
PMM_API ssize_t pmm_splice_to_device(struct pmm_pipe *pipe, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_S390_H */
