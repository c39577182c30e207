/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Setup steps the arm64-mte tests (test_mte.c, test_mte_sync.c) share, on
 * top of mte_test.h: a process with the usual pages mapped, a tagged page
 * with data, and a test whose program must run clean.
 */
#ifndef PMM_TESTS_ARCH_MTE_HELPERS_H
#define PMM_TESTS_ARCH_MTE_HELPERS_H

#include "mte_test.h"

/*
 * The @arch machine and a process, with a private page at A mapped
 * @a_prot and one at B mapped @b_prot (0: that page is not mapped).
 * Failures show in the program's own checks, as before this helper.
 */
static inline struct pmm_process *mte_process(const char *arch,
					      unsigned int a_prot,
					      unsigned int b_prot)
{
	struct pmm_process *p;

	mte_machine(arch);
	p = pmm_process_create();
	if (a_prot)
		pmm_mmap(p, A, PAGE_SIZE, a_prot, PMM_MAP_PRIVATE, NULL, 0);
	if (b_prot)
		pmm_mmap(p, B, PAGE_SIZE, b_prot, PMM_MAP_PRIVATE, NULL, 0);
	return p;
}

/* STG of @tag over the page at @addr, and @byte stored through the tag. */
static inline void mte_tag_page(struct pmm_process *p, unsigned long addr,
				unsigned int tag, char byte)
{
	pmm_store_tags(p, addr, PAGE_SIZE, tag);
	pmm_store(p, pmm_tag_addr(addr, tag), &byte, 1);
}

/* A cmocka test: @setup's program runs clean in every interleaving. */
#define MTE_CLEAN_TEST(fn, setup)					\
static void fn(void **state)						\
{									\
	(void)state;							\
	mte_clean(setup);						\
}

#endif /* PMM_TESTS_ARCH_MTE_HELPERS_H */
