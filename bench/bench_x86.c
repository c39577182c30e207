// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protmm-bench-x86: the figures of issue 11's x86 part, `name=value` lines.
 *
 *   aes_xts_model_gbps          the memory encryption engine's XTS-AES-128
 *                               (mem/memcrypt.c: OpenSSL's AES-ECB and the
 *                               model's tweak arithmetic) over 4 KiB frames
 *   openssl_aes_xts_gbps        OpenSSL's EVP AES-128-XTS over the same 4 KiB
 *                               units, in the same run (a new tweak per unit)
 *   aes_xts_model_vs_openssl    the ratio of the two (target: at least 1/1.5);
 *                               a whole frame goes through OpenSSL's XTS
 *   aes_xts_model_line_gbps     the engine's own path, what a read through
 *                               the wrong key costs: 64-byte lines, each its
 *                               tweak from the frame's (AES) times alpha^j
 *   set_memory_decrypted_calls_pool / _nopool
 *                               set_memory_decrypted() calls for 10,000
 *                               coherent allocate/free pairs inside an SEV
 *                               guest, with the pool of coherent pages
 *                               (dma.decrypted_pool = pool) and without it
 *   set_memory_decrypted_pool_reduction   nopool / pool (target: >= 10)
 *   <scenario>_executions_to_first, _seconds_to_first
 *                               DFS (the scenario's preemption bound) to the
 *                               first counterexample of each found scenario:
 *                               seed000/mprotect-decrypted-coherent-clobber,
 *                               seed003/device-reads-encrypted-guest-memory;
 *   <scenario>_fixed_executions, _fixed_violations
 *                               the same exploration, complete, with the
 *                               knob value that fixes it
 *
 * Each throughput is the median of RUNS runs of about 0.2 s each.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "bench_util.h"
#include "drivers/dma.h"
#include "mem/memcrypt.h"
#include "mem/phys.h"
#include "mm/set_memory.h"
#include "protmm/protmm.h"
#include "protmm/x86.h"
#include "scenario/scenario.h"

#define FRAMES 256
#define UNIT 4096

static unsigned char in[FRAMES][UNIT], out[FRAMES][UNIT];

static double model_gbps(void)
{
	double t0 = now(), t;
	unsigned long n = 0;
	unsigned int i;

	do {
		for (i = 0; i < FRAMES; i++)
			if (memcrypt_xts(2, (uint64_t)i << 12, 0, in[i], out[i], UNIT, true))
				return 0;
		n += FRAMES;
		t = now() - t0;
	} while (t < 0.2);
	return (double)n * UNIT / t / 1e9;
}

static double line_gbps(void)
{
	double t0 = now(), t;
	unsigned long n = 0;
	unsigned int i, l;

	do {
		for (i = 0; i < FRAMES; i++)
			for (l = 0; l < UNIT / 64; l++)
				if (memcrypt_xts(2, (uint64_t)i << 12, l * 64, in[i] + l * 64,
						 out[i] + l * 64, 64, true))
					return 0;
		n += FRAMES;
		t = now() - t0;
	} while (t < 0.2);
	return (double)n * UNIT / t / 1e9;
}

static double openssl_gbps(void)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	unsigned char key[32], iv[16] = { 0 };
	double t0, t;
	unsigned long n = 0;
	unsigned int i;
	int outl;

	memcrypt_key_bytes(2, key);
	if (!c || !EVP_EncryptInit_ex(c, EVP_aes_128_xts(), NULL, key, iv))
		return 0;
	t0 = now();
	do {
		for (i = 0; i < FRAMES; i++) {
			uint64_t paddr = (uint64_t)i << 12;

			memcpy(iv, &paddr, sizeof(paddr));
			if (!EVP_EncryptInit_ex(c, NULL, NULL, NULL, iv) ||
			    !EVP_EncryptUpdate(c, out[i], &outl, in[i], UNIT))
				return 0;
		}
		n += FRAMES;
		t = now() - t0;
	} while (t < 0.2);
	EVP_CIPHER_CTX_free(c);
	return (double)n * UNIT / t / 1e9;
}

#define PAIRS 10000

static unsigned long decrypted_calls;

/* 10,000 coherent allocate/free pairs of one page through the pool. */
static void pairs_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	struct device dev = { "bench", DMA_BIT_MASK(64) };
	struct dma_page_pool *pool;
	struct pmm_x86_counts c0, c1;
	unsigned long pfn;
	dma_addr_t dma;
	unsigned int i;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.arch = "x86-sev";
	if (pmm_machine_init(&o) || !(pool = dma_page_pool_create(&dev)))
		return;
	pmm_x86_counts(&c0);
	for (i = 0; i < PAIRS; i++) {
		if (dma_page_pool_alloc(pool, &pfn, &dma))
			return;
		dma_page_pool_free(pool, pfn, dma);
	}
	pmm_x86_counts(&c1);
	decrypted_calls = c1.set_memory_decrypted - c0.set_memory_decrypted;
	dma_page_pool_destroy(pool);
}

static void pairs_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static long pairs(const char *pool)
{
	struct pmm_program prog = { "pairs", "", pairs_setup, pairs_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	decrypted_calls = 0;
	if (pmm_knob_set("dma.decrypted_pool", pool))
		return -1;
	o.max_executions = 1;
	if (pmm_explore(&prog, &o, &r))
		return -1;
	pmm_explore_result_release(&r);
	pmm_knob_reset();
	return (long)decrypted_calls;
}

/* The scenario's config, then @knob=@value if given. */
static struct scenario *load(const char *path, const char *knob, const char *value,
			     struct pmm_program *prog)
{
	struct scn_error err;
	struct scenario *s;

	if (scenario_load(path, &s, &err) || scenario_apply_config(s, &err)) {
		scn_error_print(stderr, path, &err);
		return NULL;
	}
	if (knob && pmm_knob_set(knob, value)) {
		scenario_free(s);
		return NULL;
	}
	scenario_program(s, prog);
	scenario_outcome_reset(s);
	return s;
}

static int explore(const char *path, const char *knob, const char *value,
		   struct pmm_explore_result *r)
{
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_program prog;
	struct scenario *s = load(path, knob, value, &prog);
	int err;

	if (!s)
		return -1;
	if (s->has_explore)
		o.preemptions = s->explore.preemptions;
	o.strategy = PMM_STRATEGY_DFS;
	o.stop_on_violation = !knob;
	o.trace = false;
	o.max_seconds = 60;
	err = pmm_explore(&prog, &o, r);
	scenario_free(s);
	pmm_knob_reset();
	return err;
}

/* Time to the first counterexample, then the fixed design explored whole. */
static bool found_scenario(const char *name, const char *rel, const char *knob,
			   const char *value)
{
	char path[1024];
	struct pmm_explore_result r;
	bool ok;

	snprintf(path, sizeof(path), "%s/scenarios/%s", PMM_SOURCE_ROOT, rel);
	if (explore(path, NULL, NULL, &r))
		return false;
	ok = r.violations > 0;
	printf("%s_executions_to_first=%llu\n", name,
	       (unsigned long long)(ok ? r.violation_execution : r.executions));
	printf("%s_seconds_to_first=%.6f\n", name, r.seconds);
	pmm_explore_result_release(&r);
	if (explore(path, knob, value, &r))
		return false;
	printf("%s_fixed_executions=%llu\n", name, (unsigned long long)r.executions);
	printf("%s_fixed_violations=%llu\n", name, (unsigned long long)r.violations);
	ok = ok && !r.violations && r.complete;
	pmm_explore_result_release(&r);
	return ok;
}

int main(void)
{
	double m[RUNS], s[RUNS], l[RUNS], mm, ss;
	long with, without;
	unsigned int i, j;
	bool found;

	for (i = 0; i < FRAMES; i++)
		for (j = 0; j < UNIT; j++)
			in[i][j] = (unsigned char)(i * 31 + j);
	for (i = 0; i < RUNS; i++) {
		m[i] = model_gbps();
		s[i] = openssl_gbps();
		l[i] = line_gbps();
	}
	mm = median(m);
	ss = median(s);
	printf("aes_xts_model_gbps=%.2f\n", mm);
	printf("openssl_aes_xts_gbps=%.2f\n", ss);
	printf("aes_xts_model_vs_openssl=%.2f\n", ss > 0 ? mm / ss : 0);
	printf("aes_xts_model_line_gbps=%.2f\n", median(l));
	with = pairs("pool");
	without = pairs("none");
	printf("set_memory_decrypted_calls_pool=%ld\n", with);
	printf("set_memory_decrypted_calls_nopool=%ld\n", without);
	printf("set_memory_decrypted_pool_reduction=%.0f\n",
	       with > 0 ? (double)without / (double)with : 0);
	found = found_scenario("mprotect_decrypted_clobber",
			       "seed000/mprotect-decrypted-coherent-clobber.pmm",
			       "x86.pgprot_modify", "keep_enc");
	found &= found_scenario("device_reads_encrypted",
				"seed003/device-reads-encrypted-guest-memory.pmm",
				"dma.sev_bounce", "force");
	return found && mm > 0 && ss > 0 && with > 0 && without >= 10 * with ? 0 : 1;
}
