/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "enc-mismatch" oracle: a CPU or device read of bytes whose last
 * write went through another encryption -- another key domain, or the
 * C-bit set where it was clear or the reverse (mem/memcrypt.h). The
 * hardware returns ciphertext or garbage there; the kernel guarantees
 * that its own mappings, its DMA mappings and the user mappings it makes
 * agree on the encryption of the memory they share. The report names
 * the access (who, the user address or the DMA address), the frame and
 * both key domains.
 *
 * Lines never written since the frame was zeroed or poisoned are not
 * checked (the model reads them as zeros or poison through any key).
 */
#ifndef PMM_CHECK_ENC_H
#define PMM_CHECK_ENC_H

/* Registers the watcher; inert on machines without memory encryption. */
int enc_check_init(void);

#endif /* PMM_CHECK_ENC_H */
