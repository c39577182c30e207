/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The memory encryption engine: what AMD's memory controller does to the
 * bytes of an access whose mapping (or DMA address) has the C-bit set.
 *
 * Mode. AMD documents the engine as AES-128 with a key per domain (the
 * host's for SME, one per guest ASID for SEV) and "an address-based
 * tweak to protect against ciphertext block move attacks" (AMD Memory
 * Encryption white paper, 2016; the SME/SEV sections of the AMD64 APM
 * vol. 2, 15.34) without naming the mode. The model uses XTS-AES-128
 * (IEEE 1619, NIST SP 800-38E), the standard tweakable mode with exactly
 * that property: the data unit is a 4 KiB frame and its tweak the frame's
 * physical address, so each 16-byte block's ciphertext depends on the
 * block's physical address (the frame through the tweak, the offset
 * through the tweak's multiplication by alpha^j), and equal plaintext at
 * two addresses encrypts differently. Where the real tweak function
 * differs (it does: it is not published), only the ciphertext bytes do;
 * what the model checks -- a read through the wrong key or C-bit yields
 * bytes unrelated to what was written -- holds for any tweakable cipher.
 *
 * Keys are fixed per domain, not random per boot as on hardware, so that
 * a scenario replays byte for byte. AES comes from OpenSSL's libcrypto
 * (ECB for the blocks; the tweak arithmetic is the model's own, so one
 * line can be converted without the rest of its frame).
 *
 * Laziness: a frame's bytes are kept as their last writer saw them, with
 * the key domain of each 64-byte line (mem/phys.h frame_data). An access
 * in the same domain is a copy; only a line read or partly written in
 * another domain is encrypted and decrypted. Machines without encryption
 * never call the engine.
 */
#ifndef PMM_MEM_MEMCRYPT_H
#define PMM_MEM_MEMCRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Key domains 1..MEMCRYPT_MAX_KEYS-1; 0 is none (the bytes as they are). */
#define MEMCRYPT_MAX_KEYS	8
#define MEMCRYPT_BLOCK		16

/*
 * Line @line (64 bytes) of frame @pfn as written in domain @from, as an
 * access in domain @to sees it: encrypted under @from (if any), then
 * decrypted under @to (if any). In place.
 */
void memcrypt_convert_line(unsigned char *line, unsigned long pfn,
			   unsigned int line_idx, unsigned int from,
			   unsigned int to);

/*
 * XTS-AES-128 of @len bytes (a multiple of 16) at byte offset @off of the
 * frame at physical address @paddr, under domain @key: what DRAM holds
 * for plaintext @in (encrypt) or the plaintext of DRAM bytes @in. 0, or
 * -EINVAL for a bad key or length.
 */
int memcrypt_xts(unsigned int key, uint64_t paddr, unsigned int off,
		 const void *in, void *out, size_t len, bool encrypt);

/* The two 128-bit XTS keys of @key (for tests against OpenSSL's XTS). */
void memcrypt_key_bytes(unsigned int key, unsigned char out[32]);

/* How many lines the engine converted (tests: the plain path pays nothing). */
unsigned long memcrypt_lines_converted(void);

#endif /* PMM_MEM_MEMCRYPT_H */
