/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * include/linux/set_memory.h: changing the direct map's encryption of
 * frames. The x86 machines implement it (arch/x86/mem_encrypt.c); the
 * others return -ENOTSUP. The model's direct map is indexed by frame,
 * where the kernel takes a virtual address.
 */
#ifndef PMM_MM_SET_MEMORY_H
#define PMM_MM_SET_MEMORY_H

int set_memory_decrypted(unsigned long pfn, unsigned long numpages);
int set_memory_encrypted(unsigned long pfn, unsigned long numpages);

#endif /* PMM_MM_SET_MEMORY_H */
