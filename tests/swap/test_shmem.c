// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * shmem/tmpfs and memfd (mm/shmem.c, mm/memfd.c): faults and read/write,
 * fallocate and hole punching, truncation, swap-out through the swap
 * cache and swap-in, seals against mappings and pins, shared anonymous
 * memory, PROT_MTE on shmem; and races under the explorer, where the
 * data oracle checks every byte against the file's last write and the
 * leak oracle checks every frame and swap slot comes back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fs/shmem.h"
#include "machine/machine.h"
#include "swap/swap.h"
#include "protmm/protmm.h"

#include "../common/check.h"
#include "swap_test.h"

#define A	0x100000ul
#define B	0x200000ul
#define RW	(PMM_PROT_READ | PMM_PROT_WRITE)
#define SEAL_W	(PMM_F_SEAL_WRITE)

static struct {
	struct pmm_process *p, *q;
	struct pmm_file *f;
	struct pmm_pin *pin;
	int ret;
} W;

static void new_machine(unsigned long swap, const char *arch)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	o.ram_bytes = 1ul << 20;
	o.swap_bytes = swap;
	o.arch = arch;
	memset(&W, 0, sizeof(W));
	if (pmm_machine_init(&o)) {
		check(!"pmm_machine_init");
		return;
	}
	W.p = pmm_process_create();
	check(!pmm_memfd_create(4 * 4096, PMM_MFD_ALLOW_SEALING, &W.f));
	check(!pmm_truncate(W.f, 2 * 4096));
}

/* A memfd of two pages, mapped shared at A, "hello" at its start. */
static void memfd_machine(unsigned long swap)
{
	new_machine(swap, "generic");
	check(!pmm_mmap(W.p, A, 2 * 4096, RW, PMM_MAP_SHARED, W.f, 0));
	check(!pmm_store(W.p, A, "hello", 5));
}

static uint64_t run_clean(void (*setup)(void *))
{
	return swap_test_explore_clean("shmem", setup, swap_test_finish);
}

/* write(2) and read(2) meet the mapping's bytes; a hole reads as zeroes. */
static void rw(void *arg)
{
	char buf[8] = "xxxxxxx";

	(void)arg;
	memfd_machine(0);
	check(!pmm_mmap(W.p, B, 4096, RW, PMM_MAP_PRIVATE, NULL, 0));
	check(pmm_file_read(W.p, W.f, 0, B, 5) == 5);
	check(swap_test_reads(W.p, B, "hello"));
	check(!pmm_store(W.p, B, "HE", 2));
	check(pmm_file_write(W.p, W.f, 4096 + 1, B, 2) == 2);
	check(swap_test_reads(W.p, A + 4096, "\0HE"));
	check(pmm_file_read(W.p, W.f, 2 * 4096 - 3, B, 8) == 3);
	check(!pmm_load(W.p, B, buf, 3) && !memcmp(buf, "\0\0\0", 3));
	check(pmm_fsync(W.f) == 0);
	check(pmm_file_read_direct(W.p, W.f, 0, B, 4096) == -ENOTSUP);
}

static void test_read_write(void **state)
{
	(void)state;
	assert_int_equal(run_clean(rw), 1);
}

/*
 * A shmem page goes to swap and its slot holds the entry; faulting it
 * back through the mapping brings the bytes back and frees the slot.
 */
static void roundtrip(void *arg)
{
	unsigned long before;

	(void)arg;
	memfd_machine(1ul << 20);
	before = pmm_free_pages();
	check(pmm_file_reclaim(W.f, 0, 4096) == 1);
	check(pmm_shmem_page_swapped(W.f, 0));
	check(pmm_shmem_nr_swapped(W.f) == 1);
	check(pmm_free_pages() == before + 1);
	check(swap_test_reads(W.p, A, "hello"));
	check(!pmm_shmem_page_swapped(W.f, 0));
	check(!pmm_store(W.p, A + 1, "ELLO", 4));
	check(pmm_reclaim(W.p, A, 4096) == 1);
	check(swap_test_reads(W.p, A, "hELLO"));
}

static void test_swap_roundtrip(void **state)
{
	(void)state;
	assert_int_equal(run_clean(roundtrip), 1);
}

/*
 * A reference held across reclaim (a reader's) keeps the written-out
 * folio in the swap cache: out of the page cache, no mapping, the swap
 * cache's reference the only one besides ours, as
 * folio_expected_ref_count() counts it. The next fault takes it from the
 * swap cache with no read.
 */
static void swapcache_refs(void *arg)
{
	struct inode *inode;
	struct folio *folio;

	(void)arg;
	memfd_machine(1ul << 20);
	inode = W.f->inode;
	check(!shmem_get_folio(inode, 0, &folio, SGP_CACHE));
	folio_unlock(folio);
	check(pmm_file_reclaim(W.f, 0, 4096) == 0);
	check(pmm_shmem_page_swapped(W.f, 0));
	check(folio_test_swapcache(folio) && !folio->mapping);
	check(!folio_test_anon(folio));
	check(folio_ref_count(folio) == folio_expected_ref_count(folio) + 1);
	check(folio_expected_ref_count(folio) == 1);
	folio_put(folio);
	check(swap_test_reads(W.p, A, "hello"));
	check(!folio_test_swapcache(folio));
	check(folio->mapping == &inode->i_mapping);
	/* In the cache and mapped once: two, as the function has it. */
	check(folio_ref_count(folio) == folio_expected_ref_count(folio));
	check(folio_expected_ref_count(folio) == 2);
}

static void test_swap_cache_refcount(void **state)
{
	(void)state;
	run_clean(swapcache_refs);
}

/* fallocate()d pages are dirty: memory pressure swaps them, never drops them. */
static void falloc(void *arg)
{
	(void)arg;
	new_machine(1ul << 20, "generic");
	check(!pmm_fallocate(W.f, PMM_FALLOC_FL_KEEP_SIZE, 2 * 4096, 4096));
	check(pmm_file_size(W.f) == 2 * 4096);
	check(!pmm_fallocate(W.f, 0, 0, 3 * 4096));
	check(pmm_file_size(W.f) == 3 * 4096);
	check(pmm_file_reclaim(W.f, 0, 3 * 4096) == 3);
	check(pmm_shmem_nr_swapped(W.f) == 3);
	check(pmm_fallocate(W.f, 0x10, 0, 4096) == -EOPNOTSUPP);
	check(pmm_fallocate(W.f, PMM_FALLOC_FL_PUNCH_HOLE, 0, 4096) == -EOPNOTSUPP);
}

static void test_fallocate(void **state)
{
	(void)state;
	run_clean(falloc);
}

/*
 * Punching a hole unmaps the page from shared mappings (a private COW
 * copy stays), frees it, and frees the swap entry of a swapped page.
 */
static void punch(void *arg)
{
	struct pmm_page_state st;

	(void)arg;
	memfd_machine(1ul << 20);
	W.q = pmm_process_create();
	check(!pmm_mmap(W.q, A, 4096, RW, PMM_MAP_PRIVATE, W.f, 0));
	check(!pmm_store(W.q, A, "J", 1));
	check(!pmm_store(W.p, A + 4096, "two", 3));
	check(pmm_file_reclaim(W.f, 4096, 4096) == 1);
	check(!pmm_fallocate(W.f, PMM_FALLOC_FL_PUNCH_HOLE | PMM_FALLOC_FL_KEEP_SIZE,
			     0, 2 * 4096));
	check(pmm_page_state(W.p, A, &st) == -EFAULT);
	check(swap_test_reads(W.q, A, "Jello"));
	check(swap_test_reads(W.p, A, "\0\0\0\0\0"));
	check(pmm_shmem_nr_swapped(W.f) == 0);
	check(swap_test_reads(W.p, A + 4096, "\0\0\0"));
	/* Partial: the bytes in the range are zeroed in the page. */
	check(!pmm_store(W.p, A, "hello", 5));
	check(!pmm_punch_hole(W.f, 1, 2));
	check(swap_test_reads(W.p, A, "h\0\0lo"));
}

static void test_punch_hole(void **state)
{
	(void)state;
	run_clean(punch);
}

/* Shrinking unmaps: the mapping past the new end is SIGBUS. */
static void truncation(void *arg)
{
	(void)arg;
	memfd_machine(1ul << 20);
	check(!pmm_store(W.p, A + 4096, "two", 3));
	check(pmm_file_reclaim(W.f, 4096, 4096) == 1);
	check(!pmm_truncate(W.f, 4096));
	check(pmm_load(W.p, A + 4096, (char[4]){ 0 }, 3) == -EIO);
	check(pmm_shmem_nr_swapped(W.f) == 0);
	check(!pmm_truncate(W.f, 2 * 4096));
	check(swap_test_reads(W.p, A + 4096, "\0\0\0"));
	check(swap_test_reads(W.p, A, "hello"));
}

static void test_truncate(void **state)
{
	(void)state;
	run_clean(truncation);
}

/* Seals: only added; F_SEAL_SEAL ends that; size and write seals refuse. */
static void seals(void *arg)
{
	struct pmm_file *t;

	(void)arg;
	new_machine(0, "generic");
	check(pmm_memfd_get_seals(W.f) == 0);
	check(!pmm_memfd_add_seals(W.f, PMM_F_SEAL_SHRINK | PMM_F_SEAL_GROW));
	check(pmm_truncate(W.f, 4096) == -EPERM);
	check(pmm_truncate(W.f, 3 * 4096) == -EPERM);
	check(pmm_fallocate(W.f, 0, 0, 3 * 4096) == -EPERM);
	check(!pmm_fallocate(W.f, 0, 0, 2 * 4096));
	check(!pmm_memfd_add_seals(W.f, PMM_F_SEAL_SEAL));
	check(pmm_memfd_add_seals(W.f, SEAL_W) == -EPERM);
	check(pmm_memfd_get_seals(W.f) ==
	      (int)(PMM_F_SEAL_SHRINK | PMM_F_SEAL_GROW | PMM_F_SEAL_SEAL));
	/* Without MFD_ALLOW_SEALING: sealed against sealing. */
	check(!pmm_memfd_create(4096, 0, &t));
	check(pmm_memfd_get_seals(t) == (int)PMM_F_SEAL_SEAL);
	check(pmm_memfd_add_seals(t, SEAL_W) == -EPERM);
	check(pmm_memfd_create(4096, 0x1, &t) == -EINVAL);
	t = pmm_shmem_file_create(4096);
	check(pmm_memfd_get_seals(t) == (int)PMM_F_SEAL_SEAL);
}

static void test_seals(void **state)
{
	(void)state;
	run_clean(seals);
}

/*
 * F_SEAL_WRITE: -EBUSY while a shared writable mapping exists; once set,
 * write(2), hole punching and new shared writable mappings are -EPERM,
 * and a shared read-only mapping may not become writable.
 */
static void seal_write(void *arg)
{
	(void)arg;
	memfd_machine(0);
	check(!pmm_mmap(W.p, B, 4096, RW, PMM_MAP_PRIVATE, NULL, 0));
	check(pmm_memfd_add_seals(W.f, SEAL_W) == -EBUSY);
	check(!pmm_munmap(W.p, A, 4096));
	check(pmm_memfd_add_seals(W.f, SEAL_W) == -EBUSY);
	check(!pmm_munmap(W.p, A + 4096, 4096));
	check(!pmm_memfd_add_seals(W.f, SEAL_W));
	check(pmm_file_write(W.p, W.f, 0, B, 1) == -EPERM);
	check(pmm_punch_hole(W.f, 0, 4096) == -EPERM);
	check(pmm_mmap(W.p, A, 4096, RW, PMM_MAP_SHARED, W.f, 0) == -EPERM);
	check(!pmm_mmap(W.p, A, 4096, PMM_PROT_READ, PMM_MAP_SHARED, W.f, 0));
	check(pmm_mprotect(W.p, A, 4096, RW) == -EACCES);
	check(swap_test_reads(W.p, A, "hello"));
	/* A private mapping's writes are its own COW copies. */
	check(!pmm_mmap(W.p, A + 4096, 4096, RW, PMM_MAP_PRIVATE, W.f, 0));
	check(!pmm_store(W.p, A + 4096, "x", 1));
}

static void test_seal_write_vs_mapping(void **state)
{
	(void)state;
	run_clean(seal_write);
}

/*
 * F_SEAL_WRITE while a longterm write pin outlives the mapping: the
 * device could still write the file behind the seal, so it is -EBUSY
 * (memfd_wait_for_pins()) until the pin goes.
 */
static void seal_pin(void *arg)
{
	(void)arg;
	memfd_machine(0);
	check(!pmm_pin(W.p, A, 1, PMM_GUP_WRITE | PMM_GUP_LONGTERM | PMM_GUP_FAST,
		       &W.pin));
	check(!pmm_munmap(W.p, A, 2 * 4096));
	check(pmm_memfd_add_seals(W.f, SEAL_W) == -EBUSY);
	check(pmm_memfd_get_seals(W.f) == 0);
	pmm_unpin(W.pin);
	check(!pmm_memfd_add_seals(W.f, SEAL_W));
}

static void test_seal_write_vs_pin(void **state)
{
	(void)state;
	run_clean(seal_pin);
}

/* F_SEAL_FUTURE_WRITE: existing writable mappings keep writing; no new ones. */
static void future_write(void *arg)
{
	(void)arg;
	memfd_machine(0);
	check(!pmm_memfd_add_seals(W.f, PMM_F_SEAL_FUTURE_WRITE));
	check(!pmm_store(W.p, A, "J", 1));
	check(pmm_mmap(W.p, B, 4096, RW, PMM_MAP_SHARED, W.f, 0) == -EPERM);
	check(!pmm_mmap(W.p, B, 4096, PMM_PROT_READ, PMM_MAP_SHARED, W.f, 0));
	check(swap_test_reads(W.p, B, "Jello"));
	check(pmm_file_write(W.p, W.f, 0, A, 1) == -EPERM);
}

static void test_seal_future_write(void **state)
{
	(void)state;
	run_clean(future_write);
}

/* MAP_SHARED|MAP_ANONYMOUS is shmem: fork shares it, and it swaps. */
static void shared_anon(void *arg)
{
	(void)arg;
	new_machine(1ul << 20, "generic");
	check(!pmm_mmap(W.p, B, 2 * 4096, RW, PMM_MAP_SHARED, NULL, 0));
	check(swap_test_reads(W.p, B, "\0\0"));
	W.q = pmm_fork(W.p);
	check(!pmm_store(W.q, B, "hi", 2));
	check(swap_test_reads(W.p, B, "hi"));
	check(pmm_reclaim(W.p, B, 4096) == 1);
	check(swap_test_reads(W.q, B, "hi"));
	check(!pmm_store(W.p, B + 4096, "yo", 2));
	check(swap_test_reads(W.q, B + 4096, "yo"));
}

static void test_shared_anonymous_is_shmem(void **state)
{
	(void)state;
	run_clean(shared_anon);
}

/*
 * PROT_MTE on a memfd mapping (VM_MTE_ALLOWED on shmem), and its tags
 * through swap: saved at swap-out, restored by shmem_swapin_folio().
 */
static void mte(void *arg)
{
	unsigned char tag;

	(void)arg;
	new_machine(1ul << 20, "arm64-mte");
	check(!pmm_mmap(W.p, A, 4096, RW | PMM_PROT_MTE, PMM_MAP_SHARED, W.f, 0));
	check(!pmm_store_tags(W.p, A, 16, 0x3));
	check(!pmm_store(W.p, pmm_tag_addr(A, 3), "hi", 2));
	check(pmm_store(W.p, pmm_tag_addr(A, 4), "hi", 2) == -EFAULT);
	check(pmm_file_reclaim(W.f, 0, 4096) == 1);
	check(pmm_shmem_page_swapped(W.f, 0));
	check(!pmm_load_tags(W.p, A, 16, &tag) && tag == 0x3);
	check(swap_test_reads(W.p, pmm_tag_addr(A, 3), "hi"));
	/* Shared anonymous memory is shmem too. */
	check(!pmm_mmap(W.p, B, 4096, RW | PMM_PROT_MTE, PMM_MAP_SHARED, NULL, 0));
}

static void test_mte_on_memfd(void **state)
{
	(void)state;
	run_clean(mte);
}

/* Races: the data oracle checks every byte whatever the interleaving. */
static void reclaimer(void *arg)
{
	(void)arg;
	pmm_op_begin();
	pmm_file_reclaim(W.f, 0, 4096);
	pmm_op_end();
}

static void loader(void *arg)
{
	(void)arg;
	pmm_op_begin();
	check(swap_test_reads(W.p, A, "hello"));
	pmm_op_end();
}

static void storer(void *arg)
{
	(void)arg;
	pmm_op_begin();
	check(!pmm_store(W.p, A, "J", 1));
	pmm_op_end();
}

static void race_reclaim_load(void *arg)
{
	(void)arg;
	memfd_machine(1ul << 20);
	pmm_task_create("reclaim", 0, reclaimer, NULL);
	pmm_task_create("load", 1, loader, NULL);
}

static void test_race_reclaim_vs_fault(void **state)
{
	(void)state;
	assert_true(run_clean(race_reclaim_load) > 1);
}

static void race_reclaim_store(void *arg)
{
	(void)arg;
	memfd_machine(1ul << 20);
	pmm_task_create("reclaim", 0, reclaimer, NULL);
	pmm_task_create("store", 1, storer, NULL);
}

static void test_race_reclaim_vs_store(void **state)
{
	(void)state;
	assert_true(run_clean(race_reclaim_store) > 1);
}

static void puncher(void *arg)
{
	(void)arg;
	pmm_op_begin();
	check(!pmm_punch_hole(W.f, 0, 4096));
	pmm_op_end();
}

/* A swapped-out page: its hole punched while another task faults it in. */
static void race_punch_swapin(void *arg)
{
	(void)arg;
	memfd_machine(1ul << 20);
	check(pmm_file_reclaim(W.f, 0, 4096) == 1);
	pmm_task_create("punch", 0, puncher, NULL);
	pmm_task_create("store", 1, storer, NULL);
}

static void test_race_punch_vs_swapin(void **state)
{
	(void)state;
	assert_true(run_clean(race_punch_swapin) > 1);
}

/*
 * swapoff with a swapped-out shmem page: the page-cache slot's swap count
 * keeps the slot in use until shmem_unuse() swaps it back in, or
 * try_to_unuse() would wait for ever. Afterwards the bytes are back in
 * the page cache, every slot is free, and the file can no longer swap.
 */
static void shmem_off_task(void *arg)
{
	(void)arg;
	pmm_op_begin();
	check(pmm_swapoff() == 0);
	check(!pmm_shmem_page_swapped(W.f, 0));
	check(pmm_shmem_nr_swapped(W.f) == 0);
	check(swap_info->inuse_pages == 0);
	check(pmm_file_reclaim(W.f, 0, 4096) == 0);
	check(swap_test_reads(W.p, A, "hello"));
	pmm_op_end();
}

/* In a task, so that a swapoff that cannot finish ends as a deadlock. */
static void shmem_off(void *arg)
{
	(void)arg;
	memfd_machine(1ul << 20);
	check(pmm_file_reclaim(W.f, 0, 4096) == 1);
	check(pmm_shmem_page_swapped(W.f, 0));
	pmm_task_create("swapoff", 0, shmem_off_task, NULL);
}

static void test_swapoff_brings_shmem_back(void **state)
{
	(void)state;
	assert_int_equal(run_clean(shmem_off), 1);
}

static void swapoffer(void *arg)
{
	(void)arg;
	pmm_op_begin();
	check(pmm_swapoff() == 0);
	pmm_op_end();
}

/* swapoff against a fault on the same swapped-out shmem page. */
static void race_swapoff_fault(void *arg)
{
	(void)arg;
	memfd_machine(1ul << 20);
	check(pmm_file_reclaim(W.f, 0, 4096) == 1);
	pmm_task_create("swapoff", 0, swapoffer, NULL);
	pmm_task_create("load", 1, loader, NULL);
}

static void test_race_swapoff_vs_fault(void **state)
{
	(void)state;
	assert_true(run_clean(race_swapoff_fault) > 1);
}

static void unpinner(void *arg)
{
	(void)arg;
	pmm_unpin(W.pin);
}

static void sealer(void *arg)
{
	(void)arg;
	W.ret = pmm_memfd_add_seals(W.f, SEAL_W);
	check(W.ret == 0 || W.ret == -EBUSY);
}

/*
 * Sealing against an unpin in flight: either outcome, but a seal that
 * succeeded never leaves the pin in place (checked at the end).
 */
static void finish_sealed(void *arg)
{
	check(W.ret != 0 || W.pin->released);
	swap_test_finish(arg);
}

static void race_seal_unpin(void *arg)
{
	(void)arg;
	memfd_machine(0);
	check(!pmm_pin(W.p, A, 1, PMM_GUP_WRITE | PMM_GUP_LONGTERM, &W.pin));
	check(!pmm_munmap(W.p, A, 2 * 4096));
	pmm_task_create("unpin", 0, unpinner, NULL);
	pmm_task_create("seal", 1, sealer, NULL);
}

static void test_race_seal_vs_unpin(void **state)
{
	struct pmm_program prog = { "shmem", "", race_seal_unpin, finish_sealed, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	failures = 0;
	o.preemptions = 2;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	assert_true(check_clean(&r) > 1);
}

static int mmap_ret;

static void mapper(void *arg)
{
	(void)arg;
	mmap_ret = pmm_mmap(W.p, B, 4096, RW, PMM_MAP_SHARED, W.f, 0);
	check(mmap_ret == 0 || mmap_ret == -EPERM);
}

/*
 * F_SEAL_WRITE against a new shared writable mmap(): one of them loses
 * (-EBUSY or -EPERM), never both win: a sealed file is never mapped
 * writable (mapping_deny_writable() against mapping_map_writable()).
 */
static void finish_seal_mmap(void *arg)
{
	check(W.ret != 0 || mmap_ret != 0);
	check(W.ret == 0 || mmap_ret == 0);
	swap_test_finish(arg);
}

static void race_seal_mmap(void *arg)
{
	(void)arg;
	new_machine(0, "generic");
	pmm_task_create("mmap", 0, mapper, NULL);
	pmm_task_create("seal", 1, sealer, NULL);
}

static void test_race_seal_vs_mmap(void **state)
{
	struct pmm_program prog = { "shmem", "", race_seal_mmap, finish_seal_mmap, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	failures = 0;
	o.preemptions = 2;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	assert_true(check_clean(&r) > 1);
}

static void truncator(void *arg)
{
	(void)arg;
	pmm_op_begin();
	check(!pmm_truncate(W.f, 0));
	pmm_op_end();
}

static void toucher(void *arg)
{
	int ret;

	(void)arg;
	pmm_op_begin();
	ret = pmm_store(W.p, A, "J", 1);
	check(ret == 0 || ret == -EIO);
	pmm_op_end();
}

/*
 * Truncation to zero against a write fault: the store lands before the
 * truncation (and is cut away with the page) or faults SIGBUS after it;
 * no page stays mapped or cached past the end (the leak oracle).
 */
static void finish_truncated(void *arg)
{
	struct pmm_page_state st;

	check(pmm_page_state(W.p, A, &st) == -EFAULT);
	check(!W.f->inode->nrpages);
	swap_test_finish(arg);
}

static void race_truncate_fault(void *arg)
{
	(void)arg;
	memfd_machine(1ul << 20);
	check(!pmm_munmap(W.p, A, 2 * 4096));
	check(!pmm_mmap(W.p, A, 2 * 4096, RW, PMM_MAP_SHARED, W.f, 0));
	pmm_task_create("truncate", 0, truncator, NULL);
	pmm_task_create("store", 1, toucher, NULL);
}

static void test_race_truncate_vs_fault(void **state)
{
	struct pmm_program prog = { "shmem", "", race_truncate_fault,
				    finish_truncated, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	failures = 0;
	o.preemptions = 2;
	o.stop_on_violation = false;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	assert_true(check_clean(&r) > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_swap_roundtrip),
		cmocka_unit_test(test_swap_cache_refcount),
		cmocka_unit_test(test_fallocate),
		cmocka_unit_test(test_punch_hole),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_seals),
		cmocka_unit_test(test_seal_write_vs_mapping),
		cmocka_unit_test(test_seal_write_vs_pin),
		cmocka_unit_test(test_seal_future_write),
		cmocka_unit_test(test_shared_anonymous_is_shmem),
		cmocka_unit_test(test_mte_on_memfd),
		cmocka_unit_test(test_race_reclaim_vs_fault),
		cmocka_unit_test(test_race_reclaim_vs_store),
		cmocka_unit_test(test_race_punch_vs_swapin),
		cmocka_unit_test(test_swapoff_brings_shmem_back),
		cmocka_unit_test(test_race_swapoff_vs_fault),
		cmocka_unit_test(test_race_seal_vs_unpin),
		cmocka_unit_test(test_race_seal_vs_mmap),
		cmocka_unit_test(test_race_truncate_vs_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
