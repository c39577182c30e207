// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TTM buffer objects and the special mappings under them (src/drivers/,
 * src/mm/pfnmap.c): each step of the move and fault protocol is needed,
 * shown by a scenario that is clean with it and was checked to fail
 * without it (unmap_mapping_range() before a move, the fault's wait for
 * the move's fence, the ww back-off, mkclean before a dirty scan), the
 * designs of knob ttm.fault_prot, the PTE protections a fault inserts,
 * and vmf_insert_pfn_prot()'s BUG_ONs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/ttm/ttm.h"
#include "machine/machine.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "protmm/knob.h"
#include "protmm/ttm.h"
#include "scenario/scenario.h"

/* Parses @src and explores it exhaustively (to its explore line's bound). */
static void run(const char *src, struct pmm_explore_result *r)
{
	struct scenario *s;
	struct scn_error e;
	struct pmm_program prog;
	struct pmm_explore_opts opts = PMM_EXPLORE_OPTS_INIT;

	if (scenario_parse("test.pmm", src, strlen(src), &s, &e))
		fail_msg("parse error at %d:%d: %s", e.pos.line, e.pos.col, e.msg);
	assert_int_equal(scenario_apply_config(s, &e), 0);
	scenario_program(s, &prog);
	scenario_outcome_reset(s);
	if (s->has_explore)
		opts = s->explore;
	opts.stop_on_violation = true;
	opts.trace = false;
	assert_int_equal(pmm_explore(&prog, &opts, r), 0);
	scenario_free(s);
	pmm_knob_reset();
}

static void expect_clean(const char *src)
{
	struct pmm_explore_result r;

	run(src, &r);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	assert_true(r.complete);
	assert_true(r.executions > 1);
	pmm_explore_result_release(&r);
}

static void expect_found(const char *src, const char *oracle, const char *what)
{
	struct pmm_explore_result r;

	run(src, &r);
	assert_true(r.violations > 0);
	assert_string_equal(r.oracle, oracle);
	if (what)
		assert_non_null(strstr(r.message, what));
	pmm_explore_result_release(&r);
}

#define HEAD(cfg) "scenario t\nmachine generic\n" cfg "memory 1M\nvram 64K\n" \
	"explore dfs preemptions 2\n"

/*
 * A move with PTEs of two processes still mapping the old frames: the
 * move's unmap_mapping_range() is what sends their next access to the
 * new placement (without it: data-corruption, the write lands in the old
 * VRAM after the copy).
 */
static void test_move_unmaps_every_user_pte(void **state)
{
	(void)state;
	expect_clean(HEAD("")
		"init {\n process P\n process Q\n bo B vram size 8K\n"
		" on P: map_bo B a len 8K prot rw\n on Q: map_bo B b len 8K prot rw\n"
		" on P: write a \"hello\"\n on Q: read b len 1\n}\n"
		"thread T0 on P cpu 0 {\n write a+0x1000 \"p1\"\n read a len 5 expect \"hello\"\n}\n"
		"thread T1 on Q cpu 1 {\n write b+0x1000 \"q1\"\n read b len 5 expect \"hello\"\n}\n"
		"thread T2 on P cpu 2 {\n bo_move B system\n bo_move B vram\n}\n"
		"expect ok\n");
}

/*
 * A pipelined move switches the resource before the engine copies: a
 * fault must wait for the move's fence, or it maps system pages that do
 * not hold the bytes yet (data-corruption without ttm_bo_vm_fault_idle()).
 */
static void test_fault_waits_for_move(void **state)
{
	(void)state;
	expect_clean(HEAD("")
		"init {\n process P\n bo B vram size 4K\n on P: map_bo B a len 4K prot rw\n"
		" on P: write a \"before\"\n}\n"
		"thread T0 on P cpu 0 {\n read a len 6 expect \"before\"\n write a \"after!\"\n"
		" read a len 6 expect \"after!\"\n}\n"
		"thread T1 on P cpu 1 {\n bo_move B system\n}\n"
		"expect ok\n");
}

/* Opposite orders: the ww back-off is clean, plain mutexes deadlock. */
static const char ww_src[] =
	"init {\n process P\n bo A vram size 4K\n bo B system size 4K\n bo C tt size 4K\n}\n"
	"thread T0 on P cpu 0 {\n bo_reserve A B\n bo_reserve B C\n}\n"
	"thread T1 on P cpu 1 {\n bo_reserve B A\n bo_reserve C B\n}\n"
	"expect ok\n";

static void test_ww_backoff(void **state)
{
	char src[1024];

	(void)state;
	snprintf(src, sizeof(src), "%s%s", HEAD(""), ww_src);
	expect_clean(src);
	snprintf(src, sizeof(src), "%s%s", HEAD("config ttm.reserve = mutex\n"), ww_src);
	expect_found(src, "deadlock", NULL);
}

/*
 * Dirty tracking: a scan write-protects before it consumes the bitmap, so
 * a write after the scan faults into ->pfn_mkwrite again (without the
 * write-protect the second write, through a PTE left writable, never
 * reaches the device). T1's moves kill T0's PTEs meanwhile.
 */
static void test_mkclean_before_scan(void **state)
{
	(void)state;
	expect_clean(HEAD("")
		"init {\n process P\n bo B system dirty size 8K\n"
		" on P: map_bo B a len 8K prot rw\n}\n"
		"thread T0 on P cpu 0 {\n write a \"A\"\n bo_sync B\n"
		" bo_device_read B off 0 len 1 expect \"A\"\n write a \"C\"\n bo_sync B\n"
		" bo_device_read B off 0 len 1 expect \"C\"\n}\n"
		"thread T1 on P cpu 1 {\n bo_move B tt\n bo_move B system\n}\n"
		"expect ok\n");
}

/* fake_vma inserts writable PTEs: write notification, and the dirty bits, are lost. */
static void test_fake_vma_loses_write_notify(void **state)
{
	static const char body[] =
		"init {\n process P\n bo B system dirty size 4K\n on P: map_bo B a len 4K prot rw\n}\n"
		"thread T0 on P cpu 0 {\n write a \"A\"\n bo_sync B\n"
		" bo_device_read B off 0 len 1 expect \"A\"\n}\n"
		"expect ok\n";
	char src[1024];

	(void)state;
	snprintf(src, sizeof(src), "%s%s", HEAD("config ttm.fault_prot = fake_vma\n"), body);
	expect_found(src, "expect", "bo_device_read");
	snprintf(src, sizeof(src), "%s%s", HEAD("config ttm.fault_prot = per_page\n"), body);
	{
		struct pmm_explore_result r;

		run(src, &r);
		assert_int_equal(r.violations, 0);
		pmm_explore_result_release(&r);
	}
}

/*
 * The PTE protections a fault inserts, directly: a BO in VRAM is mapped
 * write-combined (PWT), in SYSTEM cached; under vma_fixed it keeps what
 * mmap decided. Runs in setup, one execution.
 */
static struct {
	int knob_value;
	uint64_t cache_before, cache_after;
	bool special, writable;
} prot_case;

static uint64_t pte_cache_bits(struct pmm_process *p, unsigned long addr)
{
	unsigned long sz;
	pte_t *ptep = pgtable_leaf_offset(p->mm, addr, &sz);
	pte_t pte = ptep ? ptep_get(ptep) : __pte(0);

	prot_case.special = pte_special(pte);
	prot_case.writable = pte_write(pte);
	return pte_present(pte) ? pte_val(pte) & _PAGE_CACHE_MASK : ~0ull;
}

static void prot_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	struct pmm_process *p;
	struct pmm_bo *bo;
	char buf[4] = "abc";
	int err;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.dev_bytes = 64ul << 10;
	assert_int_equal(pmm_machine_init(&o), 0);
	p = pmm_process_create();
	bo = pmm_bo_create(8192, PMM_BO_VRAM, 0, &err);
	assert_non_null(bo);
	assert_int_equal(pmm_bo_mmap(p, 0x100000, 8192, PMM_PROT_READ | PMM_PROT_WRITE, bo), 0);
	assert_int_equal(pmm_bo_mmap(p, 0x200000, 8192, PMM_PROT_READ, bo), 0);
	assert_int_equal(pmm_store(p, 0x100000, buf, 3), 0);
	prot_case.cache_before = pte_cache_bits(p, 0x100000);
	assert_int_equal(pmm_bo_move(bo, PMM_BO_SYSTEM), 0);
	assert_int_equal(pte_cache_bits(p, 0x100000), ~0ull);	/* unmapped */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(pmm_load(p, 0x200000, buf, 3), 0);
	assert_string_equal(buf, "abc");
	prot_case.cache_after = pte_cache_bits(p, 0x200000);
}

static void prot_finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static void run_prot(const char *value)
{
	struct pmm_program prog = { "prot", "", prot_setup, prot_finish, NULL };
	struct pmm_explore_opts opts = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	assert_int_equal(pmm_knob_set("ttm.fault_prot", value), 0);
	opts.trace = false;
	assert_int_equal(pmm_explore(&prog, &opts, &r), 0);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	pmm_explore_result_release(&r);
	pmm_knob_reset();
}

static void test_fault_protection_per_placement(void **state)
{
	(void)state;
	run_prot("per_page");
	assert_int_equal(prot_case.cache_before, _PAGE_PWT);	/* VRAM: WC */
	assert_int_equal(prot_case.cache_after, 0);		/* RAM: WB */
	assert_true(prot_case.special);
	assert_false(prot_case.writable);			/* a read-only VMA */
	run_prot("write_once");
	assert_int_equal(prot_case.cache_before, _PAGE_PWT);
	assert_int_equal(prot_case.cache_after, 0);
	/* Decided at mmap, when the BO was in VRAM: stays write-combined. */
	run_prot("vma_fixed");
	assert_int_equal(prot_case.cache_before, _PAGE_PWT);
	assert_int_equal(prot_case.cache_after, _PAGE_PWT);
}

/* vmf_insert_pfn_prot()'s BUG_ONs, each in one execution's setup. */
static int bug_case;

static void bug_setup(void *arg)
{
	static const struct vm_operations_struct ops = { .name = "t" };
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	struct mmap_source src = { .vm_ops = &ops };
	unsigned int flags = MAP_SHARED;
	struct pmm_process *p;
	struct vm_area_struct *vma;
	unsigned long pfn;
	vm_fault_t ret;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.dev_bytes = 16ul << 10;
	assert_int_equal(pmm_machine_init(&o), 0);
	p = pmm_process_create();
	pfn = phys->ram_pages;		/* device memory: no memmap */
	switch (bug_case) {
	case 0:	/* neither flag */
		break;
	case 1:
		src.extra_flags = VM_PFNMAP | VM_MIXEDMAP;
		break;
	case 2:	/* a COW PFN map */
		src.extra_flags = VM_PFNMAP;
		flags = MAP_PRIVATE;
		break;
	case 3:	/* RAM with a struct page through vmf_insert_pfn in a MIXEDMAP */
		src.extra_flags = VM_MIXEDMAP;
		pfn = zero_pfn + 1;
		break;
	default:	/* fine: a device frame in a shared PFN map */
		src.extra_flags = VM_PFNMAP;
		break;
	}
	assert_int_equal(do_mmap(p->mm, 0x100000, 4096, PROT_READ | PROT_WRITE, flags,
				 &src), 0);
	vma = find_vma(p->mm, 0x100000);
	ret = vmf_insert_pfn_prot(vma, 0x100000, pfn, vma->vm_page_prot);
	if (bug_case < 4)
		assert_int_equal(ret, VM_FAULT_SIGBUS);
	else
		assert_int_equal(ret, VM_FAULT_NOPAGE);
	/* Outside the VMA: SIGBUS, no BUG. */
	if (bug_case >= 4)
		assert_int_equal(vmf_insert_pfn_prot(vma, 0x101000, pfn, vma->vm_page_prot),
				 VM_FAULT_SIGBUS);
	/* vmf_insert_mixed() in a PFNMAP VMA: vm_mixed_ok() fails. */
	if (bug_case == 5)
		assert_int_equal(vmf_insert_mixed(vma, 0x100000, pfn), VM_FAULT_SIGBUS);
}

static void test_insert_pfn_checks(void **state)
{
	static const char *const what[] = {
		"neither VM_PFNMAP nor VM_MIXEDMAP", "both VM_PFNMAP and VM_MIXEDMAP",
		"(COW)", "vmf_insert_mixed() is for those", NULL,
		"vmf_insert_mixed in a VMA without VM_MIXEDMAP",
	};
	struct pmm_program prog = { "bug", "", bug_setup, prot_finish, NULL };
	struct pmm_explore_opts opts = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	opts.trace = false;
	for (bug_case = 0; bug_case < 6; bug_case++) {
		assert_int_equal(pmm_explore(&prog, &opts, &r), 0);
		if (!what[bug_case]) {
			assert_int_equal(r.violations, 0);
		} else {
			assert_int_equal(r.violations, 1);
			assert_string_equal(r.oracle, "bug-on");
			assert_non_null(strstr(r.message, what[bug_case]));
		}
		pmm_explore_result_release(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_move_unmaps_every_user_pte),
		cmocka_unit_test(test_fault_waits_for_move),
		cmocka_unit_test(test_ww_backoff),
		cmocka_unit_test(test_mkclean_before_scan),
		cmocka_unit_test(test_fake_vma_loses_write_notify),
		cmocka_unit_test(test_fault_protection_per_placement),
		cmocka_unit_test(test_insert_pfn_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
