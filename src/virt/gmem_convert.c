// SPDX-License-Identifier: LGPL-2.1-or-later
/* In-place conversion of guest_memfd ranges (virt/gmem_convert.h). */
#include <errno.h>

#include "mm/gup.h"
#include "mm/rmap.h"
#include "sched/knob.h"
#include "virt/gmem_convert.h"
#include "virt/gmem_huge.h"
#include "virt/guest_memfd.h"

void (*gmem_convert_private_hook)(struct folio *folio, int held);

DEFINE_KNOB(gmem_convert, "gmem.convert",
	    "How a conversion of guest_memfd pages from shared to private makes "
	    "sure that nothing outside guest_memfd holds them, after unmapping "
	    "them from every host page table with refaults blocked. "
	    "safe_refcount (the in-place conversion series, v8 of June 2026: "
	    "kvm_gmem_is_safe_for_conversion()): every folio's refcount must be "
	    "exactly guest_memfd's own, looked at twice (the series drains the "
	    "per-CPU LRU batches between the looks), else -EAGAIN with the "
	    "offset. wait_pins (David Hildenbrand in seed 004, 20 June 2024): "
	    "wait until the folio is no longer maybe-DMA-pinned (the model gives "
	    "up after a few looks: -EAGAIN), with longterm pins of guest_memfd "
	    "pages refused; plain references go unseen. mapcount_only: "
	    "folio_mapcount() == 0 and nothing else. exclusive_pin (the RFC "
	    "\"mm/gup: Introduce exclusive GUP pinning\", June 2024): the "
	    "exclusive pin must be taken, which no ordinary pin can coexist "
	    "with; plain references (vmsplice(), some O_DIRECT) go unseen",
	    "safe_refcount", "wait_pins", "mapcount_only", "exclusive_pin");

enum { CONV_SAFE_REFCOUNT, CONV_WAIT_PINS, CONV_MAPCOUNT_ONLY, CONV_EXCLUSIVE_PIN };

/* How many looks wait_pins takes before giving up. */
#define WAIT_PINS_LOOKS 4

/* The references the conversion holds on a folio it looks at. */
#define CONV_HELD 1

/* wait_pins: the pins it waits for must be short-term ones. */
static bool gmem_longterm_refused(struct vm_area_struct *vma)
{
	return knob(&gmem_convert) == CONV_WAIT_PINS &&
	       vma->vm_ops == &kvm_gmem_vm_ops;
}

__attribute__((constructor)) static void gmem_convert_hook_gup(void)
{
	gup_longterm_refused = gmem_longterm_refused;
}

/*
 * The shareability of each index, allocated at the first conversion and
 * filled from the creation flags; bit set: shared.
 */
static unsigned long *shared_bitmap(struct gmem_inode *gi)
{
	unsigned long nr = gi->inode->i_max_pages, words, i;
	unsigned long *map = __atomic_load_n(&gi->shared_bitmap, __ATOMIC_ACQUIRE);

	if (map)
		return map;
	words = (nr + 8 * sizeof(long) - 1) / (8 * sizeof(long));
	map = pmm_alloc(words * sizeof(long));
	if (!map)
		return NULL;
	for (i = 0; i < words; i++)
		map[i] = (gi->flags & GUEST_MEMFD_FLAG_INIT_SHARED) ? ~0UL : 0;
	/* A fault looks at the pointer (gmem.fault_lock = none: unlocked). */
	sched_point(&gi->shared_bitmap, PMM_ACC_WRITE);
	__atomic_store_n(&gi->shared_bitmap, map, __ATOMIC_RELEASE);
	return map;
}

static void set_shared(unsigned long *map, unsigned long start,
		       unsigned long end, bool shared)
{
	unsigned long i;

	for (i = start; i < end; i++) {
		if (shared)
			set_bit((long)i, map);
		else
			clear_bit((long)i, map);
	}
}

/* wait_pins: David Hildenbrand's step 2, busy-waiting on the pin count. */
static bool wait_for_pins(struct folio *folio)
{
	unsigned int looks;

	for (looks = 0; looks < WAIT_PINS_LOOKS; looks++) {
		if (folio_test_large(folio) ?
		    !atomic_read(&folio->_pincount) :
		    (unsigned int)folio_ref_count(folio) < GUP_PIN_COUNTING_BIAS)
			return true;
		cpu_relax();
	}
	return false;
}

/* One look at @folio under the knob's rule (the caller holds CONV_HELD). */
static bool folio_safe(struct folio *folio)
{
	switch (knob(&gmem_convert)) {
	case CONV_WAIT_PINS:
		return wait_for_pins(folio);
	case CONV_MAPCOUNT_ONLY:
		return !folio_mapped(folio);
	case CONV_EXCLUSIVE_PIN:
		/*
		 * Simplified: the exclusive pin is taken and given back at
		 * once: no host PTE maps a private page for GUP to find.
		 */
		if (folio_try_exclusive_pin(folio))
			return false;
		folio_exclusive_unpin(folio);
		return true;
	default:
		return folio_ref_count(folio) ==
		       (int)folio_nr_pages(folio) + CONV_HELD;
	}
}

/*
 * kvm_gmem_is_safe_for_conversion(): every allocated folio of the range,
 * looked at; the second look at a folio (after the drain) decides.
 */
static bool range_safe(struct address_space *mapping, unsigned long start,
		       unsigned long end, unsigned long *err_index)
{
	bool second_look = false;
	unsigned long index = start;

	while (index < end) {
		struct folio *folio = filemap_get_entry(mapping, index);
		bool safe;

		if (!folio) {
			index++;
			continue;
		}
		safe = folio_safe(folio);
		if (safe)
			index = folio->index + folio_nr_pages(folio);
		folio_put(folio);
		if (safe)
			continue;
		if (second_look) {
			*err_index = index;
			return false;
		}
		second_look = true;
	}
	return true;
}

/* The oracles, on each folio as the conversion to private succeeds. */
static void check_range_private(struct address_space *mapping,
				unsigned long start, unsigned long end)
{
	unsigned long index = start;

	while (index < end) {
		struct folio *folio = filemap_get_entry(mapping, index);

		if (!folio) {
			index++;
			continue;
		}
		if (gmem_convert_private_hook)
			gmem_convert_private_hook(folio, CONV_HELD);
		index = folio->index + folio_nr_pages(folio);
		folio_put(folio);
	}
}

/* Private -> shared: the architecture gives the allocated frames back. */
static void arch_range_shared(struct address_space *mapping,
			      unsigned long start, unsigned long end)
{
	unsigned long index = start;

	while (index < end) {
		struct folio *folio = filemap_get_entry(mapping, index);
		unsigned long pfn;

		if (!folio) {
			index++;
			continue;
		}
		pfn = folio_pfn(folio);
		kvm_arch_gmem_invalidate(pfn, pfn + folio_nr_pages(folio));
		index = folio->index + folio_nr_pages(folio);
		folio_put(folio);
	}
}

static int convert_to_private(struct gmem_inode *gi, unsigned long *map,
			      unsigned long start, unsigned long end,
			      unsigned long *err_index)
{
	struct address_space *mapping = &gi->inode->i_mapping;

	unmap_mapping_range(mapping, start, end - start, false);
	if (!range_safe(mapping, start, end, err_index))
		return -EAGAIN;
	set_shared(map, start, end, false);
	check_range_private(mapping, start, end);
	return 0;
}

/* gmem.huge = whole: the first folio the range cuts is where it fails. */
static bool range_whole_folios(const struct gmem_inode *gi, unsigned long start,
			       unsigned long end, unsigned long *err_index)
{
	unsigned long mask = (1UL << gi->page_order) - 1;

	if (!kvm_gmem_huge_whole(gi) || !((start | end) & mask))
		return true;
	*err_index = start & mask ? start & ~mask : end & ~mask;
	return false;
}

int kvm_gmem_convert(struct gmem_inode *gi, unsigned long start,
		     unsigned long nr, bool to_private,
		     unsigned long *err_index)
{
	struct inode *inode = gi->inode;
	unsigned long end = start + nr, *map;
	int err = 0;

	if (!nr || end < start || end > inode->i_max_pages)
		return -EINVAL;
	if (!range_whole_folios(gi, start, end, err_index))
		return -EINVAL;
	filemap_invalidate_lock(inode);
	map = shared_bitmap(gi);
	if (!map) {
		filemap_invalidate_unlock(inode);
		return -ENOMEM;
	}
	kvm_gmem_invalidate_begin(gi, start, end);
	if (to_private) {
		err = convert_to_private(gi, map, start, end, err_index);
	} else {
		arch_range_shared(&inode->i_mapping, start, end);
		set_shared(map, start, end, true);
	}
	kvm_gmem_invalidate_end(gi, start, end);
	filemap_invalidate_unlock(inode);
	return err;
}
