// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The arm64-mte machine as a program sees it: PROT_MTE rules, tag check
 * faults, STG/LDG through tagged and untagged mappings, cleared tags on
 * fresh pages, tags across COW and fork; and each tag oracle firing on a
 * small program that breaks it (a kernel tag copy the program did not
 * ask for) and staying quiet on the correct one.
 */
#include "mte_helpers.h"

static struct pmm_process *P, *C;
static unsigned char page_buf[PAGE_SIZE];

static unsigned int vma_flags(struct pmm_process *p, unsigned long addr)
{
	return (unsigned int)(find_vma(p->mm, addr)->vm_flags &
			      (VM_MTE | VM_MTE_ALLOWED));
}

static bool pte_is_tagged(struct pmm_process *p, unsigned long addr)
{
	spinlock_t *ptl;

	return pte_tagged(ptep_get(pte_of(p, addr, &ptl)));
}

/* mmap()/mprotect() of PROT_MTE: arch_validate_flags(), VM_ARCH_CLEAR. */
static void rules_body(void *arg)
{
	struct pmm_file *f = pmm_file_create(PAGE_SIZE);

	(void)arg;
	check(pmm_mmap(P, A, PAGE_SIZE, RWT, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(vma_flags(P, A) == (VM_MTE | VM_MTE_ALLOWED));
	check(pmm_mmap(P, B, PAGE_SIZE, RWT, PMM_MAP_SHARED, f, 0) == -EINVAL);
	check(pmm_mmap(P, B, PAGE_SIZE, RWT, PMM_MAP_PRIVATE, f, 0) == -EINVAL);
	check(pmm_mmap(P, B, PAGE_SIZE, RW, PMM_MAP_PRIVATE, f, 0) == 0);
	check(pmm_mprotect(P, B, PAGE_SIZE, RWT) == -EINVAL);
	check(pmm_mprotect(P, A, PAGE_SIZE, RW | 0x40) == -EINVAL);

	check(pmm_store(P, A, "x", 1) == 0);
	check(pte_is_tagged(P, A));
	/* VM_ARCH_CLEAR on arm64 is VM_ARM64_BTI: VM_MTE stays once given. */
	check(pmm_mprotect(P, A, PAGE_SIZE, RW) == 0);
	check(vma_flags(P, A) == (VM_MTE | VM_MTE_ALLOWED));
	check(pte_is_tagged(P, A));
	check(pmm_mprotect(P, A, PAGE_SIZE, RWT) == 0);
	check(vma_flags(P, A) == (VM_MTE | VM_MTE_ALLOWED));
	check(pte_is_tagged(P, A));
}

static void rules_setup(void *arg)
{
	(void)arg;
	P = mte_process("arm64-mte", 0, 0);
	pmm_task_create("rules", 0, rules_body, NULL);
}

MTE_CLEAN_TEST(test_prot_mte_rules, rules_setup)

/*
 * The generic machine knows no PROT_MTE: mmap() ignores the bit, as x86's
 * calc_vm_prot_bits() does, mprotect()'s arch_validate_prot() refuses it,
 * and a tagged address is not canonical.
 */
static void generic_body(void *arg)
{
	unsigned char t;

	(void)arg;
	check(pmm_mmap(P, A, PAGE_SIZE, RWT, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(vma_flags(P, A) == 0);
	check(pmm_mprotect(P, A, PAGE_SIZE, RWT) == -EINVAL);
	check(pmm_store(P, pmm_tag_addr(A, 3), "x", 1) == -EFAULT);
	check(pmm_load_tags(P, A, 16, &t) == -ENOTSUP);
}

static void generic_setup(void *arg)
{
	(void)arg;
	P = mte_process("generic", 0, 0);
	pmm_task_create("generic", 0, generic_body, NULL);
}

MTE_CLEAN_TEST(test_generic_has_no_mte, generic_setup)

/* Matching tags pass, a wrong tag faults (SEGV_MTESERR), granule by granule. */
static void check_body(void *arg)
{
	unsigned char tags[2], c = 0;

	(void)arg;
	check(pmm_store_tags(P, A, 16, 3) == 0);
	check(pmm_store_tags(P, A + 16, 16, 5) == 0);
	check(pmm_store(P, pmm_tag_addr(A, 3), "a", 1) == 0);
	check(pmm_load(P, pmm_tag_addr(A, 3), &c, 1) == 0 && c == 'a');
	check(pmm_store(P, pmm_tag_addr(A, 5), "b", 1) == -EFAULT);
	check(pmm_load(P, pmm_tag_addr(A + 16, 5), &c, 1) == 0);
	/* An access across two granules needs both to match. */
	check(pmm_load(P, pmm_tag_addr(A + 15, 3), page_buf, 2) == -EFAULT);
	/* The pointer tag of an STG/LDG address is ignored. */
	check(pmm_load_tags(P, pmm_tag_addr(A, 9), 32, tags) == 0);
	check(tags[0] == 3 && tags[1] == 5);
	/* Untagged memory is never checked. */
	check(pmm_store(P, pmm_tag_addr(B, 7), "u", 1) == 0);
}

static void check_setup(void *arg)
{
	(void)arg;
	P = mte_process("arm64-mte", RWT, RW);
	pmm_task_create("check", 0, check_body, NULL);
}

MTE_CLEAN_TEST(test_tag_check_fault, check_setup)

/* STG/LDG: moved through a Tagged PTE; RAZ/WI elsewhere. */
static void stg_body(void *arg)
{
	unsigned char tags[4];

	(void)arg;
	check(pmm_store_tags(P, A, 64, 0xa) == 0);
	memset(tags, 0xff, sizeof(tags));
	check(pmm_load_tags(P, A, 64, tags) == 0);
	check(tags[0] == 0xa && tags[3] == 0xa);
	check(pmm_store_tags(P, B, 64, 0xa) == 0);
	memset(tags, 0xff, sizeof(tags));
	check(pmm_load_tags(P, B, 64, tags) == 0);
	check(tags[0] == 0 && tags[3] == 0);
	check(mte_peek_tag(folio_pfn(folio_at(P, B)), 0) == 0);
	check(pmm_store_tags(P, A + 8, 16, 1) == -EINVAL);
}

static void stg_only_setup(void *arg)
{
	(void)arg;
	P = mte_process("arm64-mte", RWT, RW);
	pmm_task_create("stg", 0, stg_body, NULL);
}

MTE_CLEAN_TEST(test_stg_ldg, stg_only_setup)

/*
 * A freed frame keeps its tags (the allocator does not clear them); the
 * next PROT_MTE owner sees cleared tags because mte_sync_tags() clears a
 * page that is not yet PG_mte_tagged: under every protocol.
 */
static void fresh_body(void *arg)
{
	unsigned char t = 0xff;
	unsigned long pfn;

	(void)arg;
	check(pmm_store_tags(P, A, PAGE_SIZE, 7) == 0);
	pfn = folio_pfn(folio_at(P, A));
	check(pmm_munmap(P, A, PAGE_SIZE) == 0);
	check(mte_peek_tag(pfn, 0) == 7);
	check(pmm_mmap(C, A, PAGE_SIZE, RWT, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_store(C, A, "n", 1) == 0);
	check(folio_pfn(folio_at(C, A)) == pfn);
	check(pmm_load_tags(C, A, 16, &t) == 0 && t == 0);
}

static void fresh_setup(void *arg)
{
	(void)arg;
	P = mte_process("arm64-mte", RWT, 0);
	/* P's munmap frees no page table, whose frame would go out first. */
	pmm_mmap(P, A + PAGE_SIZE, PAGE_SIZE, RW, PMM_MAP_PRIVATE, NULL, 0);
	C = pmm_process_create();
	/* C's page tables exist: the page it faults in is P's old one. */
	pmm_mmap(C, A + PAGE_SIZE, PAGE_SIZE, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(C, A + PAGE_SIZE, "t", 1);
	pmm_task_create("fresh", 0, fresh_body, NULL);
}

static void test_fresh_page_cleared_tags(void **state)
{
	(void)state;
	mte_clean(fresh_setup);
	assert_int_equal(pmm_knob_set("mte.sync", "bit"), 0);
	mte_clean(fresh_setup);
	/*
	 * The seed's lock_page() in mte_sync_tags() sleeps under the PTE
	 * lock of every tagged fault, not only a swap-in's.
	 */
	assert_int_equal(pmm_knob_set("mte.sync", "page_lock"), 0);
	mte_expect(fresh_setup, "bug-on");
	pmm_knob_reset();
}

/* fork shares the tagged page; the child's COW copy takes its tags. */
static void cow_body(void *arg)
{
	unsigned char t = 0, c = 0;

	(void)arg;
	check(pmm_load(C, pmm_tag_addr(A, 3), &c, 1) == 0 && c == 'p');
	check(folio_at(C, A) == folio_at(P, A));
	check(pmm_store(C, pmm_tag_addr(A, 3), "c", 1) == 0);
	check(folio_at(C, A) != folio_at(P, A));
	check(pmm_load_tags(C, A, 16, &t) == 0 && t == 3);
	check(pmm_load(P, pmm_tag_addr(A, 3), &c, 1) == 0 && c == 'p');
	check(pmm_load(C, pmm_tag_addr(A, 3), &c, 1) == 0 && c == 'c');
}

static void cow_setup(void *arg)
{
	(void)arg;
	P = mte_process("arm64-mte", RWT, 0);
	mte_tag_page(P, A, 3, 'p');
	C = pmm_fork(P);
	pmm_task_create("cow", 0, cow_body, NULL);
}

static void test_cow_and_fork_copy_tags(void **state)
{
	static const char *const modes[] = { "mte_lock", "bit" };
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(pmm_knob_set("mte.sync", modes[i]), 0);
		mte_clean(cow_setup);
	}
	pmm_knob_reset();
}

/*
 * The oracles. @broken selects what the kernel does behind the program's
 * back (a tag write through mte_write_tags(), which the tag oracle does
 * not follow, as it does not follow the kernel's own copies): 0 nothing.
 */
static int broken;

static void oracle_body(void *arg)
{
	static unsigned char five[MTE_GRANULES_PER_PAGE];
	unsigned char t = 0, c = 0;
	unsigned long pfn;

	(void)arg;
	check(pmm_store_tags(P, A, 32, 3) == 0);
	check(pmm_store(P, pmm_tag_addr(A, 3), "d", 1) == 0);
	check(pmm_store(P, B, "e", 1) == 0);
	pfn = folio_pfn(folio_at(P, A));
	memset(five, 5, sizeof(five));
	if (broken == 1)	/* the tags the program set are lost */
		mte_write_tags(pfn, 0, 16, five);
	if (broken == 2)	/* another granule changes behind it */
		mte_write_tags(pfn, 16, 16, five);
	if (broken == 3)	/* a granule never tagged carries old tags */
		mte_write_tags(folio_pfn(folio_at(P, B)), 0, 16, five);
	if (broken == 2) {
		pmm_load_tags(P, A + 16, 16, &t);
		return;
	}
	if (broken == 3) {
		pmm_load(P, B, &c, 1);
		return;
	}
	check(pmm_load(P, pmm_tag_addr(A, 3), &c, 1) == (broken == 1 ? -EFAULT : 0));
	/* A wrong pointer tag faults, as it should: no oracle. */
	check(pmm_load(P, pmm_tag_addr(A, 4), &c, 1) == -EFAULT);
	check(pmm_load_tags(P, A, 16, &t) == 0);
}

static void oracle_setup(void *arg)
{
	(void)arg;
	P = mte_process("arm64-mte", RWT, RWT);
	pmm_task_create("oracle", 0, oracle_body, NULL);
}

static void test_oracles_quiet(void **state)
{
	(void)state;
	broken = 0;
	mte_clean(oracle_setup);
}

static void test_tag_mismatch_fires(void **state)
{
	(void)state;
	broken = 1;
	mte_expect(oracle_setup, "tag-mismatch");
}

static void test_stale_tags_fires(void **state)
{
	(void)state;
	broken = 2;
	mte_expect(oracle_setup, "stale-tags");
}

static void test_tag_leak_fires(void **state)
{
	(void)state;
	broken = 3;
	mte_expect(oracle_setup, "tag-leak");
}

/* munmap forgets the range's tags: a new mapping there expects zeros. */
static void remap_body(void *arg)
{
	unsigned char t = 0xff;

	(void)arg;
	check(pmm_store_tags(P, A, 16, 6) == 0);
	check(pmm_munmap(P, A, PAGE_SIZE) == 0);
	check(pmm_mmap(P, A, PAGE_SIZE, RWT, PMM_MAP_PRIVATE, NULL, 0) == 0);
	check(pmm_load_tags(P, A, 16, &t) == 0 && t == 0);
	check(pmm_load(P, A, &t, 1) == 0);
}

static void remap_setup(void *arg)
{
	(void)arg;
	P = mte_process("arm64-mte", RWT, 0);
	pmm_task_create("remap", 0, remap_body, NULL);
}

MTE_CLEAN_TEST(test_unmap_forgets_tags, remap_setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_prot_mte_rules, knobs_default),
		cmocka_unit_test_setup(test_generic_has_no_mte, knobs_default),
		cmocka_unit_test_setup(test_tag_check_fault, knobs_default),
		cmocka_unit_test_setup(test_stg_ldg, knobs_default),
		cmocka_unit_test_setup(test_fresh_page_cleared_tags, knobs_default),
		cmocka_unit_test_setup(test_cow_and_fork_copy_tags, knobs_default),
		cmocka_unit_test_setup(test_oracles_quiet, knobs_default),
		cmocka_unit_test_setup(test_tag_mismatch_fires, knobs_default),
		cmocka_unit_test_setup(test_stale_tags_fires, knobs_default),
		cmocka_unit_test_setup(test_tag_leak_fires, knobs_default),
		cmocka_unit_test_setup(test_unmap_forgets_tags, knobs_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
