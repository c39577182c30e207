/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/shmem.h - shmem (tmpfs) files and memfds: files whose pages live
 * only in memory, and move to swap under memory pressure (mm/shmem.c,
 * mm/memfd.c). They are struct pmm_file, so the file operations of
 * protmm/machine.h apply to them: pmm_file_read/write, pmm_truncate,
 * pmm_punch_hole, pmm_fsync (nothing to write back: 0), pmm_mmap (which
 * maps them with VM_MTE_ALLOWED on arm64-mte, so PROT_MTE works), and
 * pmm_pin. O_DIRECT and splice on them are -ENOTSUP.
 *
 * MAP_SHARED anonymous memory (pmm_mmap with no file) is shmem too: each
 * such mapping gets its own unlinked shmem file of its length, shared by
 * fork (shmem_zero_setup()).
 *
 * Errors as in protmm/machine.h; seals refuse with -EPERM, and adding
 * F_SEAL_WRITE is -EBUSY while a shared writable mapping exists or a page
 * has references beyond its mappings and the cache (a GUP pin, I/O).
 *
 * Context table:
 *   pmm_shmem_file_create, pmm_memfd_create        setup() only
 *   everything else                                setup() or a task
 */
#ifndef PROTMM_SHMEM_H
#define PROTMM_SHMEM_H

#include <stdbool.h>

#include "protmm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_file;

/* A tmpfs file of at most @max_bytes, initially empty (seals: F_SEAL_SEAL). */
PMM_API struct pmm_file *pmm_shmem_file_create(unsigned long max_bytes);

/* memfd_create() flags, as in <linux/memfd.h>. */
#define PMM_MFD_ALLOW_SEALING	0x0002u

#define PMM_MFD_HUGETLB		0x0004u
/* MFD_HUGE_SHIFT: the huge page size's log2 in bits 26..31 of the flags. */
#define PMM_MFD_HUGE_SHIFT	26
#define PMM_MFD_HUGE_2MB	(21u << PMM_MFD_HUGE_SHIFT)
#define PMM_MFD_HUGE_1GB	(30u << PMM_MFD_HUGE_SHIFT)

/*
 * memfd_create(): a shmem file of at most @max_bytes, initially empty,
 * into *@filep. Without PMM_MFD_ALLOW_SEALING it is sealed with
 * F_SEAL_SEAL (no seal can be added). PMM_MFD_HUGETLB: -EINVAL here, the
 * memfd being a hugetlbfs file (pmm_memfd_create_hugetlb()). Other flags:
 * -EINVAL (MFD_CLOEXEC, MFD_EXEC, MFD_NOEXEC_SEAL are not modelled).
 */
PMM_API int pmm_memfd_create(unsigned long max_bytes, unsigned int flags,
			     struct pmm_file **filep);

struct pmm_hugetlbfs_file;
/*
 * memfd_create(MFD_HUGETLB [| MFD_HUGE_2MB or MFD_HUGE_1GB]): a hugetlbfs
 * file of size 0 whose page cache can hold @max_bytes (a multiple of the
 * huge page size; no size flag is the default size, 2 MiB), into *@filep,
 * for protmm/hugetlb.h: pmm_hugetlbfs_fallocate() sizes and fills it,
 * pmm_mmap_hugetlb() maps it, and pmm_pin() pins its mappings (longterm
 * and writable too: hugetlbfs needs no dirty tracking). Sealed with
 * F_SEAL_SEAL, as without MFD_ALLOW_SEALING. Not supported (-EINVAL):
 * MFD_ALLOW_SEALING with MFD_HUGETLB (the kernel allows seals on
 * hugetlbfs memfds; the model has no seals on hugetlbfs inodes), other
 * flags and sizes.
 */
PMM_API int pmm_memfd_create_hugetlb(unsigned long max_bytes,
				     unsigned int flags,
				     struct pmm_hugetlbfs_file **filep);

/* Seals, as in <linux/fcntl.h> (F_SEAL_EXEC is not supported). */
#define PMM_F_SEAL_SEAL		0x0001u
#define PMM_F_SEAL_SHRINK	0x0002u
#define PMM_F_SEAL_GROW		0x0004u
#define PMM_F_SEAL_WRITE	0x0008u
#define PMM_F_SEAL_FUTURE_WRITE	0x0010u

/*
 * fcntl(F_ADD_SEALS): -EPERM once F_SEAL_SEAL is set; F_SEAL_WRITE is
 * -EBUSY while the file is mapped shared and writable, or while a page
 * stays referenced beyond its mappings after the kernel's waits (a pin);
 * -EINVAL on a file that is not shmem.
 */
PMM_API int pmm_memfd_add_seals(struct pmm_file *f, unsigned int seals);
/* fcntl(F_GET_SEALS): the seals, or -EINVAL on a file that is not shmem. */
PMM_API int pmm_memfd_get_seals(struct pmm_file *f);

/* fallocate() modes, as in <linux/falloc.h>. */
#define PMM_FALLOC_FL_KEEP_SIZE		0x01u
#define PMM_FALLOC_FL_PUNCH_HOLE	0x02u

/*
 * fallocate(): mode 0 or KEEP_SIZE allocates pages (the size grows
 * without KEEP_SIZE); PUNCH_HOLE|KEEP_SIZE frees them, unmapping them
 * from shared mappings (private COW copies stay). Other modes, and any
 * mode on a disk file but PUNCH_HOLE|KEEP_SIZE, are -EOPNOTSUPP.
 */
PMM_API int pmm_fallocate(struct pmm_file *f, unsigned int mode,
			  unsigned long off, unsigned long len);

/*
 * Reclaim the cached pages of [off, off + len) of a file now, mapped or
 * not, as memory pressure would: a shmem page goes to swap (its mappings
 * are unmapped first; a pinned page stays). Returns pages reclaimed.
 */
PMM_API long pmm_file_reclaim(struct pmm_file *f, unsigned long off,
			      unsigned long len);

/*
 * The state of a shmem file's page at @off: whether its page-cache slot
 * holds a swap entry (swapped out), and how many pages of the file do.
 */
PMM_API bool pmm_shmem_page_swapped(struct pmm_file *f, unsigned long off);
PMM_API unsigned long pmm_shmem_nr_swapped(struct pmm_file *f);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_SHMEM_H */
