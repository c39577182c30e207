// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mem/memcrypt.h"
#include "mem/page.h"

/* Per thread (native runs convert on several at once), per key domain. */
struct key_ctx {
	EVP_CIPHER_CTX *enc, *dec, *tweak;
	/* Whole frames: OpenSSL's own XTS, the same bytes (tests/arch/test_x86.c). */
	EVP_CIPHER_CTX *xts_enc, *xts_dec;
};

struct ctx_set {
	struct key_ctx k[MEMCRYPT_MAX_KEYS];
};

static pthread_key_t ctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static unsigned long converted;

static void ctx_set_free(void *p)
{
	struct ctx_set *set = p;
	unsigned int i;

	for (i = 0; i < MEMCRYPT_MAX_KEYS; i++) {
		EVP_CIPHER_CTX_free(set->k[i].enc);
		EVP_CIPHER_CTX_free(set->k[i].dec);
		EVP_CIPHER_CTX_free(set->k[i].tweak);
		EVP_CIPHER_CTX_free(set->k[i].xts_enc);
		EVP_CIPHER_CTX_free(set->k[i].xts_dec);
	}
	free(set);
}

static void ctx_key_make(void)
{
	pthread_key_create(&ctx_key, ctx_set_free);
}

/* Domain @key's keys: fixed bytes (replayable), distinct per domain. */
void memcrypt_key_bytes(unsigned int key, unsigned char out[32])
{
	unsigned int i;

	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(0x5a ^ (key * 0x3b) ^ (i * 0x1d) ^ (i >> 3));
}

static EVP_CIPHER_CTX *ecb_ctx(const unsigned char *k, bool encrypt)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	if (!c || !EVP_CipherInit_ex(c, EVP_aes_128_ecb(), NULL, k, NULL,
				     encrypt ? 1 : 0)) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	EVP_CIPHER_CTX_set_padding(c, 0);
	return c;
}

static EVP_CIPHER_CTX *xts_ctx(const unsigned char *k, bool encrypt)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	if (!c || !EVP_CipherInit_ex(c, EVP_aes_128_xts(), NULL, k, NULL,
				     encrypt ? 1 : 0)) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	return c;
}

static struct key_ctx *key_ctx(unsigned int key)
{
	struct ctx_set *set;
	struct key_ctx *k;
	unsigned char bytes[32];

	pthread_once(&ctx_once, ctx_key_make);
	set = pthread_getspecific(ctx_key);
	if (!set) {
		set = calloc(1, sizeof(*set));
		if (!set || pthread_setspecific(ctx_key, set)) {
			free(set);
			return NULL;
		}
	}
	k = &set->k[key];
	if (k->enc)
		return k;
	memcrypt_key_bytes(key, bytes);
	k->enc = ecb_ctx(bytes, true);
	k->dec = ecb_ctx(bytes, false);
	k->tweak = ecb_ctx(bytes + 16, true);
	k->xts_enc = xts_ctx(bytes, true);
	k->xts_dec = xts_ctx(bytes, false);
	if (!k->enc || !k->dec || !k->tweak || !k->xts_enc || !k->xts_dec)
		return NULL;
	return k;
}

/* Multiplication by alpha in GF(2^128), IEEE 1619's little-endian order. */
static void gf_double(uint64_t t[2])
{
	uint64_t carry = t[1] >> 63;

	t[1] = (t[1] << 1) | (t[0] >> 63);
	t[0] = (t[0] << 1) ^ (carry ? 0x87 : 0);
}

static int ecb(EVP_CIPHER_CTX *c, unsigned char *buf, size_t len)
{
	int outl;

	return EVP_CipherUpdate(c, buf, &outl, buf, (int)len) ? 0 : -EIO;
}

/* Blocks in a batch: a frame's. */
#define XTS_BATCH	(PAGE_SIZE / MEMCRYPT_BLOCK)

/* A whole frame: OpenSSL's XTS with the frame's address as the tweak. */
static int xts_frame(struct key_ctx *k, uint64_t paddr, const void *in, void *out,
		     bool encrypt)
{
	EVP_CIPHER_CTX *c = encrypt ? k->xts_enc : k->xts_dec;
	unsigned char iv[16] = { 0 };
	int outl, i;

	for (i = 0; i < 8; i++)
		iv[i] = (unsigned char)(paddr >> (8 * i));
	if (!EVP_CipherInit_ex(c, NULL, NULL, NULL, iv, -1) ||
	    !EVP_CipherUpdate(c, out, &outl, in, PAGE_SIZE))
		return -EIO;
	return 0;
}

static void xor_tweaks(uint64_t *restrict dst, const unsigned char *src,
		       const uint64_t *restrict tw, size_t words)
{
	size_t j;

	for (j = 0; j < words; j++) {
		uint64_t v;

		memcpy(&v, src + j * 8, 8);
		dst[j] = v ^ tw[j];
	}
}

int memcrypt_xts(unsigned int key, uint64_t paddr, unsigned int off,
		 const void *in, void *out, size_t len, bool encrypt)
{
	_Alignas(16) uint64_t tw[XTS_BATCH * 2], buf[XTS_BATCH * 2];
	struct key_ctx *k;
	uint64_t t[2] = { paddr & ~(uint64_t)(PAGE_SIZE - 1), 0 };
	size_t nb = len / MEMCRYPT_BLOCK, b;
	unsigned int first = off / MEMCRYPT_BLOCK;

	if (!key || key >= MEMCRYPT_MAX_KEYS || len % MEMCRYPT_BLOCK ||
	    off % MEMCRYPT_BLOCK || off + len > PAGE_SIZE)
		return -EINVAL;
	k = key_ctx(key);
	if (!k)
		return -ENOMEM;
	if (!off && len == PAGE_SIZE)
		return xts_frame(k, t[0], in, out, encrypt);
	/* T = AES-enc(K2, data unit number), then alpha^first. */
	if (ecb(k->tweak, (unsigned char *)t, MEMCRYPT_BLOCK))
		return -EIO;
	for (b = 0; b < first; b++)
		gf_double(t);
	for (b = 0; b < nb; b++) {
		tw[2 * b] = t[0];
		tw[2 * b + 1] = t[1];
		gf_double(t);
	}
	xor_tweaks(buf, in, tw, nb * 2);
	if (ecb(encrypt ? k->enc : k->dec, (unsigned char *)buf, len))
		return -EIO;
	for (b = 0; b < nb * 2; b++)
		buf[b] ^= tw[b];
	memcpy(out, buf, len);
	return 0;
}

void memcrypt_convert_line(unsigned char *line, unsigned long pfn,
			   unsigned int line_idx, unsigned int from,
			   unsigned int to)
{
	uint64_t paddr = (uint64_t)pfn << PAGE_SHIFT;
	unsigned int off = line_idx * 64;

	__atomic_fetch_add(&converted, 1, __ATOMIC_RELAXED);
	/* A failure leaves the bytes as they are: no key can fail here. */
	if (from)
		(void)memcrypt_xts(from, paddr, off, line, line, 64, true);
	if (to)
		(void)memcrypt_xts(to, paddr, off, line, line, 64, false);
}

unsigned long memcrypt_lines_converted(void)
{
	return __atomic_load_n(&converted, __ATOMIC_RELAXED);
}
