// SPDX-License-Identifier: LGPL-2.1-or-later
#include "check/leak.h"
#include "mem/folio.h"
#include "mem/phys.h"

void check_leaks(unsigned long reserved_pfn)
{
	unsigned long pfn = 0, leaked = 0, first = 0;
	int first_ref = 0;

	while (pfn < phys->ram_pages) {
		struct page *page = pfn_to_page(pfn);
		struct folio *folio;

		if (PageBuddy(page)) {
			/* A free block, or one page on a per-CPU list. */
			pfn += page->private <= MAX_PAGE_ORDER ? 1UL << page->private : 1;
			continue;
		}
		folio = page_folio(page);
		if (pfn != reserved_pfn) {
			if (!leaked++) {
				first = pfn;
				first_ref = folio->_refcount.counter;
			}
		}
		pfn += folio_nr_pages(folio);
	}
	if (leaked)
		pmm_violation("leak", "%lu folio(s) still allocated after teardown; "
			      "first: frame %#lx, refcount %d, mapcount %d%s", leaked,
			      first, first_ref, folio_mapcount(pfn_folio(first)),
			      folio_maybe_dma_pinned(pfn_folio(first)) ?
			      ", maybe pinned" : "");
}
