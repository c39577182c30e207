// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * s390 protected guests (virt/pv.c, arch/s390/uv.c): imports on the
 * guest's accesses, exports on the host's, the rules of uv.c.
 */
#include "virt_test.h"

#include "protmm/s390.h"

static void basic_setup(void *arg)
{
	char buf[8] = { 0 };
	int rc;

	(void)arg;
	vm_up("s390-pv", 0);
	check(W.vm != NULL);
	W.vm = pmm_pv_vm_create(W.vmm);
	check(W.vm != NULL);
	check(pmm_vm_set_memslot(W.vm, GPA, HVA, 2 * PG) == 0);
	rc = pmm_pv_store(W.vm, GPA, "secret", 6);
	printf("store %d\n", rc);
	check(rc == 0);
	check(pmm_pv_secure(W.vm, GPA));
	check(pmm_pv_load(W.vm, GPA, buf, 6) == 0);
	check(!memcmp(buf, "secret", 6));
}

static void file_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	struct pmm_file *f;
	int rc;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.arch = "s390-pv";
	memset(&W, 0, sizeof(W));
	check(pmm_machine_init(&o) == 0);
	W.vmm = pmm_process_create();
	f = pmm_file_create(PG);
	check(pmm_truncate(f, PG) == 0);
	check(pmm_mmap(W.vmm, HVA, PG, RW, PMM_MAP_SHARED, f, 0) == 0);
	W.vm = pmm_pv_vm_create(W.vmm);
	check(pmm_vm_set_memslot(W.vm, GPA, HVA, PG) == 0);
	rc = pmm_pv_import(W.vm, GPA);
	printf("import %d\n", rc);
	rc = pmm_pv_import(W.vm, GPA);
	printf("import %d\n", rc);
	rc = pmm_pv_store(W.vm, GPA, "secret", 6);
	printf("store %d\n", rc);
}

static void test_basic(void **state)
{
	(void)state;
	assert_int_equal(run_clean(basic_setup, NULL), 1);
}

static void test_file(void **state)
{
	(void)state;
	assert_int_equal(run_clean(file_setup, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
