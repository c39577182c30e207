// SPDX-License-Identifier: LGPL-2.1-or-later
/* pin-on-private and convert-while-referenced (check/gmem_conv.h). */
#include <errno.h>

#include "check/gmem_conv.h"
#include "virt/gmem_convert.h"
#include "mm/gup.h"
#include "mem/folio.h"

/* GUP-fast windows open at once: one per task is plenty. */
#define SPEC_SLOTS 32

struct spec_window {
	struct folio *folio;
	int refs;	/* on the refcount */
	int pins;	/* on a large folio's _pincount */
};

static struct spec_window *spec;

int gmem_conv_check_init(void)
{
	spec = pmm_alloc(SPEC_SLOTS * sizeof(*spec));
	if (!spec)
		return -ENOMEM;
	gup_fast_speculative_hook = gmem_conv_speculative;
	gmem_convert_private_hook = gmem_conv_check_private;
	return 0;
}

/* What a grab with @flags adds: to the refcount, to _pincount. */
static void grab_counts(struct folio *folio, unsigned int flags, int *refs,
			int *pins)
{
	bool large = folio_test_large(folio);

	*pins = (flags & FOLL_PIN) && large;
	*refs = ((flags & FOLL_PIN) && !large) ? (int)GUP_PIN_COUNTING_BIAS : 1;
}

void gmem_conv_speculative(struct folio *folio, unsigned int flags, int delta)
{
	unsigned int i, free = SPEC_SLOTS;
	int refs, pins;

	if (!spec)
		return;
	grab_counts(folio, flags, &refs, &pins);
	for (i = 0; i < SPEC_SLOTS; i++) {
		if (spec[i].folio == folio) {
			spec[i].refs += delta * refs;
			spec[i].pins += delta * pins;
			if (!spec[i].refs)
				spec[i].folio = NULL;
			return;
		}
		if (!spec[i].folio && free == SPEC_SLOTS)
			free = i;
	}
	if (delta > 0 && free < SPEC_SLOTS) {
		spec[free].folio = folio;
		spec[free].refs = refs;
		spec[free].pins = pins;
	} else {
		pmm_violation("bug-on", "gmem_conv: GUP-fast window table %s",
			      delta > 0 ? "full" : "out of step");
	}
}

static struct spec_window *window_of(struct folio *folio)
{
	static struct spec_window none;
	unsigned int i;

	for (i = 0; spec && i < SPEC_SLOTS; i++)
		if (spec[i].folio == folio)
			return &spec[i];
	return &none;
}

void gmem_conv_check_private(struct folio *folio, int held)
{
	const struct spec_window *w = window_of(folio);
	int refs = __atomic_load_n(&folio->_refcount.counter, __ATOMIC_RELAXED);
	/* A window counts what its grab may have taken so far, at most. */
	int outside = refs - (int)folio_nr_pages(folio) - held - w->refs;
	int pins = folio_test_large(folio) ?
		   __atomic_load_n(&folio->_pincount.counter, __ATOMIC_RELAXED) - w->pins :
		   outside / (int)GUP_PIN_COUNTING_BIAS;

	if (pins > 0) {
		pmm_violation("pin-on-private", "guest_memfd frame %#lx (index %lu) "
			      "went private with %d pin%s on it, taken while it was "
			      "shared", folio_pfn(folio), folio->index, pins,
			      pins == 1 ? "" : "s");
		return;
	}
	if (outside > 0 || folio_mapped(folio))
		pmm_violation("convert-while-referenced", "guest_memfd frame %#lx "
			      "(index %lu) went private with %d reference%s outside "
			      "guest_memfd and %d mapping%s", folio_pfn(folio),
			      folio->index, outside, outside == 1 ? "" : "s",
			      folio_mapcount(folio),
			      folio_mapcount(folio) == 1 ? "" : "s");
}
