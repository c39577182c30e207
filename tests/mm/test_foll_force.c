// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * FOLL_FORCE access to another process's memory, as ptrace and
 * /proc/PID/mem make it (access_remote_vm()): check_vma_flags() and
 * can_follow_write_pte() decide what a forced write may reach, and the
 * write fault it triggers breaks COW first, so that the file under a
 * private mapping never sees it.
 */
#include "mm_test.h"

#include "machine/machine.h"

#define A 0x100000ul
#define Z 0x400000ul	/* the writer's buffer */
#define R (PMM_PROT_READ)

static struct pmm_process *P, *Q, *W, *C;
static struct pmm_file *F;

/* F holds "file" at offset 0; W is the process that wrote it. */
static void file_up(void)
{
	machine_up(1ul << 20);
	F = pmm_file_create(4096);
	W = pmm_process_create();
	pmm_mmap(W, Z, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(W, Z, "file", 4);
	pmm_file_write(W, F, 0, Z, 4);
	P = pmm_process_create();
	Q = pmm_process_create();
	/* Q reads the file through a shared mapping of its own. */
	pmm_mmap(Q, A, 4096, R, PMM_MAP_SHARED, F, 0);
}

static void expect_file(const char *want)
{
	char got[4];

	check(pmm_load(Q, A, got, 4) == 0 && !memcmp(got, want, 4));
}

/* PTRACE_POKEDATA into a read-only private file mapping: a COW copy. */
static void private_ro_body(void *arg)
{
	struct pmm_page_state st;
	char c = 0;

	(void)arg;
	check(pmm_load(P, A, &c, 1) == 0 && c == 'f');
	/* Without FOLL_FORCE, no write where the mapping forbids it. */
	check(pmm_access_remote(P, A, "X", 1, true, false) == 0);
	check(pmm_access_remote(P, A, "X", 1, true, true) == 1);
	check(pmm_load(P, A, &c, 1) == 0 && c == 'X');
	memset(&st, 0, sizeof(st));
	check(pmm_page_state(P, A, &st) == 0);
	/* The copy is P's, exclusive, and still mapped read-only. */
	check(st.anon_exclusive && !st.writable);
	check(pmm_store(P, A, "Y", 1) == -EFAULT);
	expect_file("file");
	/* A forced read goes through the same copy. */
	check(pmm_access_remote(P, A, &c, 1, false, true) == 1 && c == 'X');
}

static void private_ro_setup(void *arg)
{
	(void)arg;
	file_up();
	pmm_mmap(P, A, 4096, R, PMM_MAP_PRIVATE, F, 0);
	pmm_task_create("poke", 0, private_ro_body, NULL);
}

static void test_force_write_private_file_cows(void **state)
{
	(void)state;
	assert_int_equal(run_clean(private_ro_setup), 1);
}

/* FOLL_FORCE has no effect on shared mappings: the file stays as it is. */
static void shared_ro_body(void *arg)
{
	char c = 0;

	(void)arg;
	check(pmm_access_remote(P, A, "X", 1, true, true) == 0);
	expect_file("file");
	check(pmm_access_remote(P, A, &c, 1, false, true) == 1 && c == 'f');
}

static void shared_ro_setup(void *arg)
{
	(void)arg;
	file_up();
	pmm_mmap(P, A, 4096, R, PMM_MAP_SHARED, F, 0);
	pmm_task_create("poke", 0, shared_ro_body, NULL);
}

static void test_force_write_shared_ro_refused(void **state)
{
	(void)state;
	assert_int_equal(run_clean(shared_ro_setup), 1);
}

/*
 * A forced write to a read-only anonymous page P shares with its child
 * after fork: the write fault copies it for P (it is not exclusive), the
 * child keeps its bytes. A forced read reaches PROT_NONE memory.
 */
static void anon_body(void *arg)
{
	char c = 0;

	(void)arg;
	check(pmm_mprotect(P, A, 4096, R) == 0);
	check(pmm_access_remote(P, A, "W", 1, true, true) == 1);
	check(pmm_load(P, A, &c, 1) == 0 && c == 'W');
	check(pmm_load(C, A, &c, 1) == 0 && c == 'p');
	check(pmm_mprotect(P, A, 4096, 0) == 0);
	check(pmm_access_remote(P, A, &c, 1, false, false) == 0);
	check(pmm_access_remote(P, A, &c, 1, false, true) == 1 && c == 'W');
}

static void anon_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, A, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, A, "p", 1);
	C = pmm_fork(P);
	pmm_task_create("poke", 0, anon_body, NULL);
}

static void test_force_write_shared_anon_cows(void **state)
{
	(void)state;
	assert_int_equal(run_clean(anon_setup), 1);
}

/* The target gone: -ESRCH, as ptrace would find no mm. */
static void gone_body(void *arg)
{
	char c;

	(void)arg;
	pmm_exit(P);
	check(pmm_access_remote(P, A, &c, 1, false, true) == -ESRCH);
}

static void gone_setup(void *arg)
{
	(void)arg;
	machine_up(1ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, A, 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_task_create("gone", 0, gone_body, NULL);
}

static void test_remote_gone(void **state)
{
	(void)state;
	assert_int_equal(run_clean(gone_setup), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_force_write_private_file_cows),
		cmocka_unit_test(test_force_write_shared_ro_refused),
		cmocka_unit_test(test_force_write_shared_anon_cows),
		cmocka_unit_test(test_remote_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
