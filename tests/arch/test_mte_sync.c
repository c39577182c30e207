// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mte_sync_tags() under each protocol, and the swap tag hooks, driven
 * directly as do_swap_page() and reclaim would drive them.
 *
 * The race of seed 002 (Steven Price, March 2021): a tagged page is
 * swapped out while two processes map it (fork), so both PTEs hold the
 * swap entry. Both fault it back in, and both set_pte_at() the same new
 * page, each calling mte_sync_tags(old swap PTE, new PTE):
 *
 *	CPU 1                          CPU 2
 *	test_and_set_bit(PG_mte_tagged)
 *	[stalls before restoring]
 *	                               test_and_set_bit(): already set
 *	                               set_pte(); the process loads with
 *	                               its tag: the page's tags are still
 *	                               zero -> tag check fault
 *	mte_restore_tags()
 *
 * mte_sync_tags() of 2021 (mte.sync=bit) is racy on its own: exhaustive
 * exploration of the two set_pte_at() callers below finds the
 * tag-mismatch. The real swap-in path cannot get there: do_swap_page()
 * holds the folio lock across set_pte_at(), serialising the two faults
 * (scenarios/seed002/swapin-race.pmm shows it); a caller without the
 * folio lock, mprotect(PROT_MTE), does (seed002/mprotect-race.pmm).
 * These tasks map without the folio lock to exercise mte_sync_tags()
 * itself. Today's PG_mte_lock protocol (mte_lock) makes the loser wait
 * for PG_mte_tagged, and restores swapped tags in arch_swap_restore()
 * instead: no interleaving breaks. The seed's proposal, lock_page() in
 * mte_sync_tags() (page_lock), sleeps under the PTE spinlock: bug-on.
 */
#include "mte_helpers.h"
#include "mm/swap.h"
#include "protmm/kvm.h"

static struct pmm_process *P, *Q;
static struct folio *Z;
static unsigned char data[PAGE_SIZE];
#define E swp_entry(0, 1)

static void racer(void *arg)
{
	struct pmm_process *p = arg;
	char c = 0;

	/* do_swap_page() calls it in its 6.5 order only (swap.restore_order). */
	if (swap_restore_order() == SWAP_RESTORE_FIRST)
		arch_swap_restore(E, Z);
	map_folio(p, A, Z);
	check(pmm_load(p, pmm_tag_addr(A, 3), &c, 1) != 0 || c == 'h');
}

static void race_setup(void *arg)
{
	struct pmm_process *both[2];

	(void)arg;
	P = mte_process("arm64-mte", RWT, 0);
	mte_tag_page(P, A, 3, 'h');
	Q = pmm_fork(P);
	both[0] = P;
	both[1] = Q;
	frame_peek(folio_pfn(folio_at(P, A)), 0, data, PAGE_SIZE);
	Z = folio_alloc(0, 0);
	fake_swap_out(both, 2, A, E);
	swapin_folio(Z, both, 2, A, data);
	pmm_task_create("T0", 0, racer, P);
	pmm_task_create("T1", 1, racer, Q);
}

static void test_race_bit_found(void **state)
{
	(void)state;
	assert_int_equal(pmm_knob_set("mte.sync", "bit"), 0);
	mte_expect(race_setup, "tag-mismatch");
	pmm_knob_reset();
}

static void test_race_mte_lock_absent(void **state)
{
	uint64_t n;

	(void)state;
	n = mte_clean(race_setup);
	assert_true(n > 1);
}

static void test_race_page_lock_bug_on(void **state)
{
	(void)state;
	assert_int_equal(pmm_knob_set("mte.sync", "page_lock"), 0);
	mte_expect(race_setup, "bug-on");
	pmm_knob_reset();
}

/*
 * mte.sync = deferred (6.1.18+ stable: "arm64: mte: Fix/clarify the
 * PG_mte_tagged semantics" without PG_mte_lock): mte_sync_tags() tests
 * PG_mte_tagged, clears, then sets it, with no lock. A VMM thread makes
 * its guest's page PROT_MTE while another writes the page's tags with
 * KVM_ARM_MTE_COPY_TAGS (tags, then the flag) and the guest reads them:
 * a clear that tested the flag before the copy set it wipes the tags
 * after it (tag loss: the oracle finds 0 where 0x5 was stored). Under
 * PG_mte_lock (mte_lock) both go through try_page_mte_tagging() and the
 * second finds the tags valid. Up to two preemptions (as the seed002
 * scenarios): the KVM fault paths make every interleaving too many.
 */
static struct pmm_vm *V;

static void loss_mprotect(void *arg)
{
	(void)arg;
	check(pmm_mprotect(P, A, PAGE_SIZE, RWT) == 0);
}

static void loss_copy(void *arg)
{
	unsigned char tags[MTE_GRANULES_PER_PAGE];

	(void)arg;
	memset(tags, 5, sizeof(tags));
	check(pmm_vm_copy_tags(V, 0, PAGE_SIZE, tags, true) == PAGE_SIZE);
	/* The oracle checks what the guest reads against the 0x5 stored. */
	check(pmm_guest_load_tags(V, 0, MTE_GRANULE_SIZE, tags) == 0);
}

static void loss_setup(void *arg)
{
	(void)arg;
	P = mte_process("arm64-mte", RW, 0);
	pmm_store(P, A, "v", 1);
	V = pmm_vm_create(P, PMM_VM_MTE);
	check(V != NULL);
	check(pmm_vm_set_memslot(V, 0, A, PAGE_SIZE) == 0);
	pmm_task_create("T0", 0, loss_mprotect, NULL);
	pmm_task_create("T1", 1, loss_copy, NULL);
}

static void test_deferred_loses_tags(void **state)
{
	(void)state;
	assert_int_equal(pmm_knob_set("mte.sync", "deferred"), 0);
	assert_int_equal(pmm_knob_set("mte.sync_when", "user"), 0);
	mte_preemptions = 2;
	mte_expect(loss_setup, "stale-tags");
	mte_preemptions = PMM_PREEMPTIONS_ALL;
	pmm_knob_reset();
}

static void test_mte_lock_keeps_tags(void **state)
{
	(void)state;
	assert_int_equal(pmm_knob_set("mte.sync_when", "user"), 0);
	mte_preemptions = 2;
	assert_true(mte_clean(loss_setup) > 1);
	mte_preemptions = PMM_PREEMPTIONS_ALL;
	pmm_knob_reset();
}

/*
 * mte.sync_when: an untagged user PTE replacing a swap entry (a KVM VMM's
 * mapping of guest memory) restores the saved tags only under `user` (the
 * seed's patch); with mte_lock, only today's arch_swap_restore() restores
 * them, whatever the PTE.
 */
static int expect_tag;
static bool call_restore;

static void when_body(void *arg)
{
	(void)arg;
	if (call_restore && swap_restore_order() == SWAP_RESTORE_FIRST)
		arch_swap_restore(E, Z);
	map_folio(P, B, Z);
	check(mte_peek_tag(folio_pfn(Z), 0) == (unsigned int)expect_tag);
}

static void when_setup(void *arg)
{
	struct pmm_process *one[1];
	unsigned long pfn;

	(void)arg;
	P = mte_process("arm64-mte", 0, RW);
	one[0] = P;
	pmm_store(P, B, "g", 1);
	/* The guest's tags, as KVM would have set them: the page is tagged. */
	pfn = folio_pfn(folio_at(P, B));
	{
		unsigned char tags[MTE_GRANULES_PER_PAGE];

		memset(tags, 9, sizeof(tags));
		mte_write_tags(pfn, 0, PAGE_SIZE, tags);
		set_page_mte_tagged(pfn_to_page(pfn));
	}
	frame_peek(pfn, 0, data, PAGE_SIZE);
	Z = folio_alloc(0, 0);
	fake_swap_out(one, 1, B, E);
	swapin_folio(Z, one, 1, B, data);
	pmm_task_create("when", 0, when_body, NULL);
}

static void when_case(const char *sync, const char *when, bool restore, int tag)
{
	assert_int_equal(pmm_knob_set("mte.sync", sync), 0);
	assert_int_equal(pmm_knob_set("mte.sync_when", when), 0);
	call_restore = restore;
	expect_tag = tag;
	mte_clean(when_setup);
	pmm_knob_reset();
}

static void test_sync_when(void **state)
{
	(void)state;
	when_case("bit", "tagged", false, 0);
	when_case("bit", "user", false, 9);
	when_case("mte_lock", "tagged", false, 0);
	/* Today's mte_sync_tags() restores nothing: arch_swap_restore() does. */
	when_case("mte_lock", "user", false, 0);
	when_case("mte_lock", "tagged", true, 9);
	/*
	 * Before 6.5 do_swap_page() did not call arch_swap_restore() (only
	 * shmem did): under bit (swap.restore_order=auto: 5.18 to 6.1.17)
	 * nothing restores the tags for an untagged PTE.
	 */
	when_case("bit", "tagged", true, 0);
}

/*
 * The swap hooks on their own: save keyed by entry (only tagged pages),
 * restore, invalidate a slot, invalidate a device; and the lifetime.
 */
static void hooks_body(void *arg)
{
	struct folio *x = folio_at(P, A), *u = folio_at(P, B);
	struct folio *f1 = folio_alloc(0, 0), *f2 = folio_alloc(0, 0);
	struct folio *f3 = folio_alloc(0, 0), *f4 = folio_alloc(0, 0);

	(void)arg;
	check(page_mte_tagged(folio_page(x, 0)));
	check(!page_mte_tagged(folio_page(u, 0)));
	x->private = swp_entry(0, 5).val;
	check(arch_prepare_to_swap(x) == 0);
	x->private = swp_entry(1, 5).val;
	check(arch_prepare_to_swap(x) == 0);
	x->private = 0;
	u->private = swp_entry(0, 6).val;
	check(arch_prepare_to_swap(u) == 0);
	u->private = 0;

	arch_swap_restore(swp_entry(0, 5), f1);
	check(page_mte_tagged(folio_page(f1, 0)));
	check(mte_peek_tag(folio_pfn(f1), 0) == 3);
	/* Untagged pages save nothing. */
	arch_swap_restore(swp_entry(0, 6), f2);
	check(!page_mte_tagged(folio_page(f2, 0)));
	/* The slot goes: its tags with it; another type's stay. */
	arch_swap_invalidate_page(0, 5);
	arch_swap_restore(swp_entry(0, 5), f3);
	check(!page_mte_tagged(folio_page(f3, 0)));
	arch_swap_invalidate_area(0);
	arch_swap_restore(swp_entry(1, 5), f4);
	check(page_mte_tagged(folio_page(f4, 0)));
	check(mte_peek_tag(folio_pfn(f4), 1) == 3);
	arch_swap_invalidate_area(1);
	folio_put(f1);
	folio_put(f2);
	folio_put(f3);
	folio_put(f4);
}

static void hooks_setup(void *arg)
{
	(void)arg;
	P = mte_process("arm64-mte", RWT, RW);
	pmm_store_tags(P, A, PAGE_SIZE, 3);
	pmm_store(P, B, "u", 1);
	pmm_task_create("hooks", 0, hooks_body, NULL);
}

static void test_swap_hooks(void **state)
{
	(void)state;
	mte_clean(hooks_setup);
}

/*
 * Saved tags must live as long as the swap entry, on the real swap layer.
 * P's tagged page is shared with Q by fork and swapped out: both PTEs
 * hold the entry. P faults it back (the tags are restored into the swap
 * cache's folio); P's page then goes out again, clean, so it is not
 * written and its tags are not saved again: only the first save is left
 * for Q's swap-in. With mte.tags_lifetime=swap_cache the restore freed
 * it while Q's PTE still held the entry: Q's swap-in finds none.
 */
static bool lifetime_kept;

static void lifetime_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned char tag = 0;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.swap_bytes = 64ul << 10;
	o.arch = "arm64-mte";
	check(!pmm_machine_init(&o));
	P = pmm_process_create();
	check(!pmm_mmap(P, A, PAGE_SIZE, RWT, PMM_MAP_PRIVATE, NULL, 0));
	check(!pmm_store_tags(P, A, PAGE_SIZE, 3));
	check(!pmm_store(P, pmm_tag_addr(A, 3), "t", 1));
	Q = pmm_fork(P);
	check(pmm_reclaim(P, A, PAGE_SIZE) == 1);
	check(!pmm_load_tags(P, A, MTE_GRANULE_SIZE, &tag) && tag == 3);
	check(pmm_reclaim(P, A, PAGE_SIZE) == 1);
	check(pmm_swapped(P, A) && pmm_swapped(Q, A));
	tag = 0;
	check(!pmm_load_tags(Q, A, MTE_GRANULE_SIZE, &tag));
	check(lifetime_kept ? tag == 3 : tag == 0);
}

static void test_tags_lifetime(void **state)
{
	(void)state;
	lifetime_kept = true;
	mte_clean(lifetime_setup);
	lifetime_kept = false;
	assert_int_equal(pmm_knob_set("mte.tags_lifetime", "swap_cache"), 0);
	mte_expect(lifetime_setup, "stale-tags");
	assert_int_equal(pmm_knob_set("mte.sync", "bit"), 0);
	mte_expect(lifetime_setup, "stale-tags");
	pmm_knob_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_race_bit_found, knobs_default),
		cmocka_unit_test_setup(test_race_mte_lock_absent, knobs_default),
		cmocka_unit_test_setup(test_race_page_lock_bug_on, knobs_default),
		cmocka_unit_test_setup(test_deferred_loses_tags, knobs_default),
		cmocka_unit_test_setup(test_mte_lock_keeps_tags, knobs_default),
		cmocka_unit_test_setup(test_sync_when, knobs_default),
		cmocka_unit_test_setup(test_swap_hooks, knobs_default),
		cmocka_unit_test_setup(test_tags_lifetime, knobs_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
