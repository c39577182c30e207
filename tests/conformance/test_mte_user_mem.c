// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of tools/testing/selftests/arm64/mte/check_user_mem.c to the
 * arm64-mte machine: read() and write() with a tagged user buffer, where
 * the kernel, not the user, touches the memory (copy_{to,from}_user()).
 *
 * check_usermem_access_fault(USE_MMAP, MTE_SYNC_ERR, MAP_PRIVATE /
 * MAP_SHARED, tag_offset, tag_len, READ_TEST / WRITE_TEST): a file of two
 * pages of 'A' (create_temp_file(): tmpfs, so shmem), a two-page PROT_MTE
 * anonymous buffer tagged T (shmem too when shared). read() of the whole file
 * into the buffer must work and read 'A'. Then [ptr + tag_offset,
 * + tag_len) is retagged (mte_insert_new_tag(): another tag), and read()
 * and write() of 1..4096 bytes at ptr + 0..15 must raise no signal and,
 * in sync mode, return less than the file's length (2 pages: every call
 * does, the selftest's assertion is that loose).
 *
 * What the kernel does there: with PR_MTE_TCF_SYNC it "makes a best
 * effort to check its user address accesses" (Documentation/arch/arm64/
 * memory-tagging-extension.rst): the uaccess routines use unprivileged
 * loads and stores, tag-checked by TCF0, and a mismatch ends the copy
 * through the exception fixup, so read()/write() return a short count
 * (or -EFAULT if nothing was copied) and no SIGSEGV. What the model does:
 * its kernel accesses (ACCESS_KERNEL) are never tag-checked (the
 * PR_MTE_TCF_NONE/ASYNC behaviour), so the copy completes. The selftest's
 * assertions hold either way; test_usermem_kernel_access_unchecked pins
 * down the model's behaviour so that a change shows up here (README.md,
 * "Divergences").
 *
 * READV_TEST and WRITEV_TEST are the same copies through an iovec: the
 * model has no readv()/writev(), and one iovec is read()/write().
 *
 * The selftest's tag offsets are {page_sz, MT_GRANULE_SIZE}, but main()
 * builds that array before it sets page_sz, so the first is 0 (its test
 * names say "tag offset: 0"). The ports run what it runs, 0 and 16, and
 * the page offset it meant as well.
 */
#include "mte_conformance.h"

#define LEN		(2 * PAGE)
#define SRC		FAR

static struct pmm_process *P;
static struct pmm_file *F;

struct usermem_case {
	bool write;			/* WRITE_TEST, else READ_TEST */
	unsigned long tag_offset;	/* 0, page_sz or MT_GRANULE_SIZE */
	unsigned long tag_len;		/* 0 (to the end) or MT_GRANULE_SIZE */
	unsigned int mapping;		/* the buffer's */
};

/* The tmpfs file of 'A's (written from an untagged buffer) and the buffer. */
static void usermem_setup(pmm_task_fn fn, const void *arg)
{
	const struct usermem_case *c = arg;
	int err;

	P = conf_mte_machine(0);
	if (!P)
		return;
	F = pmm_shmem_file_create(LEN);
	err = F ? pmm_mmap(P, SRC, LEN, RW, PMM_MAP_PRIVATE, NULL, 0) : -ENOMEM;
	if (!err)
		err = conf_fill(P, SRC, LEN, 'A');
	if (!err && pmm_file_write(P, F, 0, SRC, LEN) != (ssize_t)LEN)
		err = -EIO;
	if (!err)
		err = mte_mmap_map(P, MEM, LEN, USE_MMAP,
				   c ? c->mapping : PMM_MAP_PRIVATE, NULL);
	if (!err)
		err = pmm_store_tags(P, MEM, LEN, 3);
	if (err) {
		pmm_violation("setup", "check_usermem_access_fault setup: %d", err);
		return;
	}
	conf_task("selftest", 0, fn, (void *)arg);
}

/* Before retagging: read() of the whole file through ptr works. */
static void read_whole(unsigned long ptr)
{
	unsigned char got = 0;
	ssize_t n = pmm_file_read(P, F, 0, ptr, LEN);
	int ret;

	CHECK(n == (ssize_t)LEN, "read() into the tagged buffer: %zd", n);
	ret = conf_expect(P, ptr, LEN, 'A', &got);
	CHECK(!ret, "buffer reads %#x, not 'A' (%d)", got, ret);
}

static void t_usermem(void *arg)
{
	static const unsigned long sizes[] = { 1, 2, 3, 8, 16, 32, 4096, PAGE };
	const struct usermem_case *c = arg;
	unsigned long ptr = pmm_tag_addr(MEM, 3);
	unsigned long tag_len = c->tag_len ? c->tag_len : LEN - c->tag_offset;

	read_whole(ptr);
	/* mte_insert_new_tag() + mte_set_tag_address_range() */
	CHECK(!pmm_store_tags(P, MEM + c->tag_offset, tag_len, 4), "retag failed");
	for (unsigned long ptroff = 0; ptroff < 16; ptroff++) {
		for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			ssize_t n = c->write ?
				pmm_file_write(P, F, 0, ptr + ptroff, sizes[i]) :
				pmm_file_read(P, F, 0, ptr + ptroff, sizes[i]);

			/* No signal: the model's -EFAULT would be one. */
			CHECK(n != -EFAULT, "%s of %lu at +%lu faulted",
			      c->write ? "write()" : "read()", sizes[i], ptroff);
			CHECK(n >= 0 && n < (ssize_t)LEN, "%s of %lu at +%lu: %zd",
			      c->write ? "write()" : "read()", sizes[i], ptroff, n);
		}
	}
}

/*
 * The model's behaviour where the kernel's best-effort check would cut
 * the copy short: read() and write() across a granule whose tag differs
 * from the pointer's copy every byte, and the user's own access through
 * the same pointer faults.
 */
static void t_unchecked(void *arg)
{
	unsigned long ptr = pmm_tag_addr(MEM, 3);
	unsigned char got = 0;
	ssize_t n;
	int ret;

	(void)arg;
	read_whole(ptr);
	CHECK(!pmm_store_tags(P, MEM + MT_GRANULE, MT_GRANULE, 4), "retag failed");
	CHECK(pmm_store(P, ptr + MT_GRANULE, "u", 1) == -EFAULT,
	      "the user's own mismatching store did not fault");
	CHECK(!conf_fill(P, SRC, 3 * MT_GRANULE, 'B'), "memset(src) failed");
	CHECK(pmm_file_write(P, F, 0, SRC, 3 * MT_GRANULE) == 3 * MT_GRANULE,
	      "write() from untagged memory");
	n = pmm_file_read(P, F, 0, ptr, 3 * MT_GRANULE);
	CHECK(n == 3 * MT_GRANULE, "read() across the retagged granule: %zd", n);
	ret = conf_expect(P, pmm_tag_addr(MEM + MT_GRANULE, 4), MT_GRANULE, 'B', &got);
	CHECK(!ret, "the retagged granule reads %#x, not 'B' (%d)", got, ret);
	n = pmm_file_write(P, F, PAGE, ptr, 3 * MT_GRANULE);
	CHECK(n == 3 * MT_GRANULE, "write() across the retagged granule: %zd", n);
}

static void setup_usermem(void *arg) { usermem_setup(t_usermem, arg); }
static void setup_unchecked(void *arg) { usermem_setup(t_unchecked, arg); }

#define USERMEM_TEST(fn, w, off, len, mapping)				\
static const struct usermem_case fn##_case = { w, off, len, mapping };	\
MTE_TEST(fn, #fn, setup_usermem, &fn##_case)

#define PRIV	PMM_MAP_PRIVATE
#define SHARED	PMM_MAP_SHARED

/*
 * "test type: read, MTE_SYNC_ERR, MAP_PRIVATE, tag len: L, tag offset: O",
 * O being 0 (the selftest's page_sz, read before it is set) or 16; and
 * beyond it, the page offset it meant.
 */
USERMEM_TEST(test_read_len0_off_zero, false, 0, 0, PRIV)
USERMEM_TEST(test_read_len0_off_granule, false, MT_GRANULE, 0, PRIV)
USERMEM_TEST(test_read_len16_off_zero, false, 0, MT_GRANULE, PRIV)
USERMEM_TEST(test_read_len16_off_granule, false, MT_GRANULE, MT_GRANULE, PRIV)
USERMEM_TEST(test_read_len0_off_page, false, PAGE, 0, PRIV)
USERMEM_TEST(test_read_len16_off_page, false, PAGE, MT_GRANULE, PRIV)
/* "test type: write, ..., MAP_PRIVATE, ..." */
USERMEM_TEST(test_write_len0_off_zero, true, 0, 0, PRIV)
USERMEM_TEST(test_write_len0_off_granule, true, MT_GRANULE, 0, PRIV)
USERMEM_TEST(test_write_len16_off_zero, true, 0, MT_GRANULE, PRIV)
USERMEM_TEST(test_write_len16_off_granule, true, MT_GRANULE, MT_GRANULE, PRIV)
USERMEM_TEST(test_write_len0_off_page, true, PAGE, 0, PRIV)
USERMEM_TEST(test_write_len16_off_page, true, PAGE, MT_GRANULE, PRIV)
/* "test type: read, MTE_SYNC_ERR, MAP_SHARED, ..." */
USERMEM_TEST(test_read_shared_len0_off_zero, false, 0, 0, SHARED)
USERMEM_TEST(test_read_shared_len0_off_granule, false, MT_GRANULE, 0, SHARED)
USERMEM_TEST(test_read_shared_len16_off_zero, false, 0, MT_GRANULE, SHARED)
USERMEM_TEST(test_read_shared_len16_off_granule, false, MT_GRANULE, MT_GRANULE,
	     SHARED)
USERMEM_TEST(test_read_shared_len0_off_page, false, PAGE, 0, SHARED)
USERMEM_TEST(test_read_shared_len16_off_page, false, PAGE, MT_GRANULE, SHARED)
/* "test type: write, MTE_SYNC_ERR, MAP_SHARED, ..." */
USERMEM_TEST(test_write_shared_len0_off_zero, true, 0, 0, SHARED)
USERMEM_TEST(test_write_shared_len0_off_granule, true, MT_GRANULE, 0, SHARED)
USERMEM_TEST(test_write_shared_len16_off_zero, true, 0, MT_GRANULE, SHARED)
USERMEM_TEST(test_write_shared_len16_off_granule, true, MT_GRANULE, MT_GRANULE,
	     SHARED)
USERMEM_TEST(test_write_shared_len0_off_page, true, PAGE, 0, SHARED)
USERMEM_TEST(test_write_shared_len16_off_page, true, PAGE, MT_GRANULE, SHARED)

MTE_TEST(test_usermem_kernel_access_unchecked, "kernel_access_unchecked",
	 setup_unchecked, NULL)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_len0_off_zero),
		cmocka_unit_test(test_read_len0_off_granule),
		cmocka_unit_test(test_read_len16_off_zero),
		cmocka_unit_test(test_read_len16_off_granule),
		cmocka_unit_test(test_read_len0_off_page),
		cmocka_unit_test(test_read_len16_off_page),
		cmocka_unit_test(test_read_shared_len0_off_zero),
		cmocka_unit_test(test_read_shared_len0_off_granule),
		cmocka_unit_test(test_read_shared_len16_off_zero),
		cmocka_unit_test(test_read_shared_len16_off_granule),
		cmocka_unit_test(test_read_shared_len0_off_page),
		cmocka_unit_test(test_read_shared_len16_off_page),
		cmocka_unit_test(test_write_len0_off_zero),
		cmocka_unit_test(test_write_len0_off_granule),
		cmocka_unit_test(test_write_len16_off_zero),
		cmocka_unit_test(test_write_len16_off_granule),
		cmocka_unit_test(test_write_len0_off_page),
		cmocka_unit_test(test_write_len16_off_page),
		cmocka_unit_test(test_write_shared_len0_off_zero),
		cmocka_unit_test(test_write_shared_len0_off_granule),
		cmocka_unit_test(test_write_shared_len16_off_zero),
		cmocka_unit_test(test_write_shared_len16_off_granule),
		cmocka_unit_test(test_write_shared_len0_off_page),
		cmocka_unit_test(test_write_shared_len16_off_page),
		cmocka_unit_test(test_usermem_kernel_access_unchecked),
	};

	return cmocka_run_group_tests(tests, NULL, conf_knob_reset);
}
