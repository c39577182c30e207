// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ports of the kernel's TTM KUnit tests (drivers/gpu/drm/ttm/tests/:
 * ttm_bo_test.c, ttm_tt_test.c, ttm_pool_test.c, ttm_resource_test.c)
 * that apply to the model; README.md lists every case and where it went.
 * Each case runs in one execution's setup (the model's objects live in
 * the execution's arena) and reports a failed check as a violation.
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
#include "mem/phys.h"
#include "protmm/explore.h"
#include "protmm/machine.h"

#define BO_SIZE (2 * PAGE_SIZE)

#define CHECK(c) do {							\
	if (!(c))							\
		pmm_violation("bug-on", "check failed: %s (line %d)", #c, __LINE__); \
} while (0)

static struct ttm_device *bdev;
static void (*body)(void);

static struct ttm_buffer_object *new_bo(int mem_type)
{
	struct ttm_buffer_object *bo = pmm_alloc(sizeof(*bo));

	CHECK(bo && !ttm_bo_init(bdev, bo, BO_SIZE, mem_type, false));
	return bo;
}

static void setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.dev_bytes = 64ul << 10;
	if (pmm_machine_init(&o))
		return;
	bdev = pmm_alloc(sizeof(*bdev));
	CHECK(bdev && !ttm_device_init(bdev));
	body();
}

static void finish(void *arg)
{
	(void)arg;
	pmm_machine_finish();
}

static void run(void (*fn)(void))
{
	struct pmm_program prog = { "ttm-kunit", "", setup, finish, NULL };
	struct pmm_explore_opts opts = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	body = fn;
	opts.trace = false;
	assert_int_equal(pmm_explore(&prog, &opts, &r), 0);
	if (r.violations)
		fail_msg("%s: %s", r.oracle, r.message);
	pmm_explore_result_release(&r);
}

/* ttm_bo_reserve_optimistic_no_ticket: reserved, and held by us. */
static void bo_reserve_optimistic_no_ticket(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);

	CHECK(ttm_bo_reserve(bo, NULL) == 0);
	CHECK(ww_mutex_held(&bo->resv));
	ttm_bo_unreserve(bo);
	ttm_bo_release(bo);
}

/* ttm_bo_reserve_locked_no_sleep: no_wait on a reserved BO fails (trylock). */
static void bo_reserve_locked_no_sleep(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);

	CHECK(ttm_bo_reserve(bo, NULL) == 0);
	CHECK(!ww_mutex_trylock(&bo->resv, NULL));
	ttm_bo_unreserve(bo);
	ttm_bo_release(bo);
}

/* ttm_bo_reserve_double_resv: the same ticket twice is -EALREADY. */
static void bo_reserve_double_resv(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);
	struct ww_acquire_ctx ctx;

	ww_acquire_init(&ctx, &reservation_ww_class);
	CHECK(ttm_bo_reserve(bo, &ctx) == 0);
	CHECK(ttm_bo_reserve(bo, &ctx) == -EALREADY);
	ttm_bo_unreserve(bo);
	ww_acquire_fini(&ctx);
	ttm_bo_release(bo);
}

/*
 * ttm_bo_reserve_deadlock: a context that holds a BO and wants one an
 * older context holds, once wounded, gets -EDEADLK (here the older one
 * wounds it by waiting: set by hand, as the KUnit test sets the lock's
 * context by hand, since one execution's setup runs one task).
 */
static void bo_reserve_deadlock(void)
{
	struct ttm_buffer_object *bo1 = new_bo(TTM_PL_SYSTEM), *bo2 = new_bo(TTM_PL_SYSTEM);
	struct ww_acquire_ctx older, younger;

	ww_acquire_init(&older, &reservation_ww_class);
	ww_acquire_init(&younger, &reservation_ww_class);
	CHECK(ttm_bo_reserve(bo1, &older) == 0);
	CHECK(ttm_bo_reserve(bo2, &younger) == 0);
	younger.wounded = true;		/* what older's wait for bo2 does */
	CHECK(ttm_bo_reserve(bo1, &younger) == -EDEADLK);
	ttm_bo_unreserve(bo2);
	ttm_bo_unreserve(bo1);
	ww_acquire_fini(&older);
	ww_acquire_fini(&younger);
	ttm_bo_release(bo1);
	ttm_bo_release(bo2);
}

/* ttm_bo_unreserve_basic: unlocked again. */
static void bo_unreserve_basic(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_VRAM);

	CHECK(ttm_bo_reserve(bo, NULL) == 0);
	ttm_bo_unreserve(bo);
	CHECK(!ww_mutex_is_locked(&bo->resv));
	ttm_bo_release(bo);
}

/* ttm_bo_put_basic (ttm_bo_fini_basic): the BO's memory goes; the leak check at teardown. */
static void bo_put_basic(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_TT);

	CHECK(bo->ttm && bo->ttm->bound);
	CHECK(ttm_tt_populate(bo->ttm) == 0);
	ttm_bo_release(bo);
	CHECK(!bo->ttm && !bo->resource);
}

/* ttm_tt_init_basic: num_pages, caching, no pages yet. */
static void tt_init_basic(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);

	CHECK(bo->ttm->num_pages == BO_SIZE / PAGE_SIZE);
	CHECK(bo->ttm->caching == ttm_cached);
	CHECK(!bo->ttm->populated && !bo->ttm->pages[0]);
	CHECK(!(bo->ttm->page_flags & TTM_TT_FLAG_DECRYPTED));
	ttm_bo_release(bo);
}

/* ttm_tt_create_basic: a BO placed in SYSTEM has a tt; in VRAM none. */
static void tt_create_basic(void)
{
	struct ttm_buffer_object *a = new_bo(TTM_PL_SYSTEM), *b = new_bo(TTM_PL_VRAM);

	CHECK(a->ttm != NULL);
	CHECK(b->ttm == NULL);
	ttm_bo_release(a);
	ttm_bo_release(b);
}

/* ttm_tt_populate_populated_ttm: populating again keeps the same pages. */
static void tt_populate_populated_ttm(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);
	struct page *first;

	CHECK(ttm_tt_populate(bo->ttm) == 0);
	first = bo->ttm->pages[0];
	CHECK(ttm_tt_populate(bo->ttm) == 0);
	CHECK(bo->ttm->pages[0] == first);
	ttm_bo_release(bo);
}

/* ttm_tt_unpopulate_basic and ttm_tt_unpopulate_empty_ttm. */
static void tt_unpopulate(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);

	ttm_tt_unpopulate(bo->ttm);		/* empty: graceful */
	CHECK(!bo->ttm->populated);
	CHECK(ttm_tt_populate(bo->ttm) == 0);
	CHECK(bo->ttm->populated);
	ttm_tt_unpopulate(bo->ttm);
	CHECK(!bo->ttm->populated);
	ttm_bo_release(bo);
}

/* ttm_pool_alloc_basic(_dma_addr): every page, each with its DMA address. */
static void pool_alloc_basic(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);
	unsigned long before = ttm_pool_allocated, i;

	CHECK(ttm_tt_populate(bo->ttm) == 0);
	CHECK(ttm_pool_allocated - before == BO_SIZE / PAGE_SIZE);
	for (i = 0; i < BO_SIZE / PAGE_SIZE; i++)
		CHECK(bo->ttm->pages[i] &&
		      dma_to_phys(&bdev->gpu.dev, bo->ttm->dma_address[i]) ==
		      (uint64_t)page_to_pfn(bo->ttm->pages[i]) << PAGE_SHIFT);
	ttm_bo_release(bo);
}

/* ttm_pool_free_no_dma_alloc: the pages go back to the allocator. */
static void pool_free_no_dma_alloc(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);
	unsigned long free_before = pmm_free_pages();

	CHECK(ttm_tt_populate(bo->ttm) == 0);
	CHECK(pmm_free_pages() == free_before - BO_SIZE / PAGE_SIZE);
	ttm_tt_unpopulate(bo->ttm);
	CHECK(pmm_free_pages() == free_before);
	ttm_bo_release(bo);
}

/* ttm_resource_init_basic: a resource's type, size and bus placement. */
static void resource_init_basic(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);
	struct ttm_resource *v = ttm_resource_alloc(bo, TTM_PL_VRAM);
	struct ttm_resource *s = ttm_resource_alloc(bo, TTM_PL_SYSTEM);

	CHECK(v && v->mem_type == TTM_PL_VRAM && v->num_pages == bo->num_pages);
	CHECK(v->bus.is_iomem && v->bus.caching == ttm_write_combined);
	CHECK(s && s->mem_type == TTM_PL_SYSTEM && !s->bus.is_iomem);
	ttm_resource_free(bo, v);
	ttm_resource_free(bo, s);
	ttm_bo_release(bo);
}

/*
 * ttm_resource_manager_usage_basic (the range manager): VRAM taken and
 * given back; a full manager refuses (-ENOSPC via NULL).
 */
static void resource_manager_usage(void)
{
	struct ttm_buffer_object *bo = new_bo(TTM_PL_SYSTEM);
	struct ttm_resource *r[9];
	unsigned int i, n = 0;

	/* 64K of VRAM: 8 BOs of 8K, the ninth does not fit. */
	for (i = 0; i < 9; i++)
		if ((r[i] = ttm_resource_alloc(bo, TTM_PL_VRAM)))
			n++;
	CHECK(n == 8);
	for (i = 0; i < 9; i++)
		ttm_resource_free(bo, r[i]);
	r[0] = ttm_resource_alloc(bo, TTM_PL_VRAM);
	CHECK(r[0] != NULL);
	ttm_resource_free(bo, r[0]);
	ttm_bo_release(bo);
}

#define CASE(f) static void test_##f(void **state) { (void)state; run(f); }
CASE(bo_reserve_optimistic_no_ticket)
CASE(bo_reserve_locked_no_sleep)
CASE(bo_reserve_double_resv)
CASE(bo_reserve_deadlock)
CASE(bo_unreserve_basic)
CASE(bo_put_basic)
CASE(tt_init_basic)
CASE(tt_create_basic)
CASE(tt_populate_populated_ttm)
CASE(tt_unpopulate)
CASE(pool_alloc_basic)
CASE(pool_free_no_dma_alloc)
CASE(resource_init_basic)
CASE(resource_manager_usage)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bo_reserve_optimistic_no_ticket),
		cmocka_unit_test(test_bo_reserve_locked_no_sleep),
		cmocka_unit_test(test_bo_reserve_double_resv),
		cmocka_unit_test(test_bo_reserve_deadlock),
		cmocka_unit_test(test_bo_unreserve_basic),
		cmocka_unit_test(test_bo_put_basic),
		cmocka_unit_test(test_tt_init_basic),
		cmocka_unit_test(test_tt_create_basic),
		cmocka_unit_test(test_tt_populate_populated_ttm),
		cmocka_unit_test(test_tt_unpopulate),
		cmocka_unit_test(test_pool_alloc_basic),
		cmocka_unit_test(test_pool_free_no_dma_alloc),
		cmocka_unit_test(test_resource_init_basic),
		cmocka_unit_test(test_resource_manager_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
