/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/guest_memfd.h - guest_memfd: a VM's memory as a file that the
 * host need not map (KVM_CREATE_GUEST_MEMFD, virt/kvm/guest_memfd.c).
 *
 * A guest_memfd is a struct pmm_file of the machine, so the file
 * operations of protmm/machine.h and protmm/shmem.h apply, with its
 * rules:
 *
 *   pmm_mmap          -ENODEV without PMM_GUEST_MEMFD_FLAG_MMAP, -EINVAL
 *                     unless PMM_MAP_SHARED; a fault past the size, or on
 *                     a private page (no PMM_GUEST_MEMFD_FLAG_INIT_SHARED),
 *                     is SIGBUS (-EIO); a page is zeroed on first use
 *   pmm_fallocate     PMM_FALLOC_FL_KEEP_SIZE is required (-EOPNOTSUPP)
 *                     and PMM_FALLOC_FL_PUNCH_HOLE the only other mode;
 *                     offset and length page aligned (-EINVAL); allocating
 *                     past the size is -EINVAL, punching there does
 *                     nothing. A punched hole leaves the guest's stage 2
 *                     too, under the file's invalidate lock.
 *   pmm_punch_hole    fallocate(PUNCH_HOLE | KEEP_SIZE)
 *   pmm_file_size     the size given at creation; it never changes
 *   pmm_truncate      -EINVAL (kvm_gmem_setattr())
 *   pmm_file_read, pmm_file_write and their O_DIRECT forms, splice: -EINVAL
 *                     (no read or write method)
 *   pmm_fsync         -EINVAL (no fsync method)
 *   pmm_file_reclaim  0: the pages are unevictable
 *
 * A memslot is backed by a guest_memfd through protmm/kvm.h
 * (KVM_SET_USER_MEMORY_REGION2, the file and an offset in it); a vCPU's
 * access to a private guest frame then reaches the file's page, not the
 * VMM's mapping.
 *
 * Closing the file (pmm_gmem_close()) while the VM runs: the memslots
 * lose the file (a vCPU's access to them then fails: -EFAULT), stage 2
 * loses every page it had from it, and the pages stay with the file's
 * memory until the machine is torn down. A mapping of the file keeps it
 * open until it is unmapped. After the close, operations on the file
 * are -EBADF.
 *
 * Context table:
 *   pmm_gmem_create                      setup() only
 *   everything else                      setup() or a task
 */
#ifndef PROTMM_GUEST_MEMFD_H
#define PROTMM_GUEST_MEMFD_H

#include <stdbool.h>

#include "protmm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_vm;
struct pmm_file;

/* KVM_CREATE_GUEST_MEMFD flags, as in <linux/kvm.h>. */
#define PMM_GUEST_MEMFD_FLAG_MMAP		(1UL << 0)
#define PMM_GUEST_MEMFD_FLAG_INIT_SHARED	(1UL << 1)
/*
 * The 1 GiB guest_memfd HugeTLB series: folios from the hugetlb pool of
 * the size given (2 MiB without one); size and fallocate ranges aligned
 * to it (-EINVAL). Knob gmem.huge says how the folios are held.
 */
#define PMM_GUEST_MEMFD_FLAG_HUGETLB		(1UL << 2)
#define PMM_GUESTMEM_HUGETLB_FLAG_2MB		(21UL << 58)
#define PMM_GUESTMEM_HUGETLB_FLAG_1GB		(30UL << 58)

/* KVM_CAP_GUEST_MEMFD_FLAGS: the flags @vm's guest_memfds may take. */
PMM_API unsigned long pmm_gmem_supported_flags(struct pmm_vm *vm);

/*
 * KVM_CREATE_GUEST_MEMFD: a guest_memfd of @size bytes for @vm into
 * *@filep. -EINVAL for a flag @vm does not support or a size that is 0
 * or not page aligned, -ENOMEM (also: too many files).
 */
PMM_API int pmm_gmem_create(struct pmm_vm *vm, unsigned long size,
			    unsigned long flags, struct pmm_file **filep);

/* close(): -EBADF when already closed, -EINVAL on a file that is not one. */
PMM_API int pmm_gmem_close(struct pmm_file *f);

/*
 * Whether the page at byte @off of guest_memfd @f is private (the
 * guest's only, not mappable by the host): false for any other file or
 * past the end.
 */
PMM_API bool pmm_gmem_is_private(struct pmm_file *f, unsigned long off);

/* Whether the page at byte @off of guest_memfd @f has memory now. */
PMM_API bool pmm_gmem_page_present(struct pmm_file *f, unsigned long off);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_GUEST_MEMFD_H */
