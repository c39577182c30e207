// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The model on real threads: two tasks on two CPUs fault, unmap, remap,
 * pin (fast and slow) and fork against each other, many times over. The
 * model's own checks (bug-on, refcount-underflow, use-after-free,
 * stale-tlb) run as in exploration; the leak oracle runs after every
 * iteration; each task checks its private bytes read back as written.
 * (The data-corruption oracle is for exploration only.)
 */
#include "mm_test.h"

#define OWN0	0x100000ul
#define OWN1	0x200000ul
#define SHARED	0x400000ul
#define PAGES	4
#define LOOPS	200

static struct pmm_process *P;

static void private_roundtrip(unsigned long base, unsigned int i)
{
	unsigned long addr = base + (i % PAGES) * 4096;
	unsigned char v = (unsigned char)i, r = 0;

	if (pmm_store(P, addr, &v, 1) || pmm_load(P, addr, &r, 1) || r != v)
		pmm_violation("final-state", "private byte at %#lx read %u, wrote %u",
			      addr, r, v);
}

/* Pins pages of the shared region while the other task unmaps it. */
static void pinner(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < LOOPS; i++) {
		struct pmm_pin *pin;
		unsigned int flags = PMM_GUP_WRITE | ((i & 1) ? PMM_GUP_FAST : 0);

		private_roundtrip(OWN0, i);
		if (!pmm_pin(P, SHARED, PAGES, flags, &pin)) {
			pmm_pin_dma(pin, 0, "d", 1, true);
			pmm_unpin(pin);
		}
		if (i % 16 == 15) {
			pmm_munmap(P, OWN0, PAGES * 4096);
			pmm_mmap(P, OWN0, PAGES * 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
		}
	}
}

static void unmapper(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < LOOPS; i++) {
		private_roundtrip(OWN1, i);
		pmm_store(P, SHARED + (i % PAGES) * 4096, "s", 1);
		if (i % 4 == 3) {
			pmm_munmap(P, SHARED, PAGES * 4096);
			pmm_mmap(P, SHARED, PAGES * 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
		}
		if (i % 32 == 31) {
			struct pmm_process *c = pmm_fork(P);

			if (c) {
				pmm_store(c, OWN1, "c", 1);
				pmm_exit(c);
			}
		}
		pmm_mprotect(P, OWN1, PAGES * 4096, (i & 1) ? PMM_PROT_READ : RW);
		pmm_mprotect(P, OWN1, PAGES * 4096, RW);
	}
}

static void setup(void *arg)
{
	(void)arg;
	machine_up(4ul << 20);
	P = pmm_process_create();
	pmm_mmap(P, OWN0, PAGES * 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_mmap(P, OWN1, PAGES * 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_mmap(P, SHARED, PAGES * 4096, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_task_create("pinner", 0, pinner, NULL);
	pmm_task_create("unmapper", 1, unmapper, NULL);
}

static void test_native_stress(void **state)
{
	struct pmm_program prog = { "stress", "", setup, machine_down, NULL };
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	(void)state;
	o.iterations = 40;
	o.stop_on_violation = true;
	assert_int_equal(pmm_native_run(&prog, &o, &r), 0);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	assert_int_equal(r.iterations, 40);
}

/* The same run with pages freed before the TLB flush: natively seen too. */
static void test_native_stress_sees_missing_flush(void **state)
{
	struct pmm_program prog = { "stress", "", setup, machine_down, NULL };
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	(void)state;
	o.iterations = 40;
	assert_int_equal(pmm_knob_set("mm.zap_flush", "after_free"), 0);
	assert_int_equal(pmm_native_run(&prog, &o, &r), 0);
	pmm_knob_reset();
	assert_int_equal(r.violations, 1);
	assert_string_equal(r.oracle, "stale-tlb");
}

/*
 * Physical memory of up to 64 GiB natively: 16M descriptors of 64 bytes
 * (1 GiB), frames' bytes only where written.
 */
static unsigned long big_free;

static void big_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = 64ul << 30;
	if (pmm_machine_init(&o))
		pmm_violation("bug-on", "64 GiB machine refused");
	P = pmm_process_create();
	pmm_mmap(P, 0x40000000ul, 16ul << 20, RW, PMM_MAP_PRIVATE, NULL, 0);
	pmm_store(P, 0x40000000ul + (8ul << 20), "b", 1);
	big_free = pmm_free_pages();
}

static void test_native_64g_machine(void **state)
{
	struct pmm_program prog = { "64g", "", big_setup, machine_down, NULL };
	struct pmm_native_opts o = PMM_NATIVE_OPTS_INIT;
	struct pmm_native_result r;

	(void)state;
	o.memory_limit = (size_t)2 << 30;
	assert_int_equal(pmm_native_run(&prog, &o, &r), 0);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	/*
	 * Zero page, the page tables (PGD of the mm and the levels below,
	 * and the PTE table deposited with the THP) and the THP (thp.enabled
	 * is "always" by default, as in the kernel): 512 frames and a few.
	 */
	assert_true(big_free < (64ul << 30) / 4096 - 512 &&
		    big_free > (64ul << 30) / 4096 - 512 - 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_stress),
		cmocka_unit_test(test_native_stress_sees_missing_flush),
		cmocka_unit_test(test_native_64g_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
