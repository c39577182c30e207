// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "mem/memtype.h"
#include "protmm/sched.h"

/* This execution's regions (the arena holds them). */
struct devmem_state {
	unsigned long next_pfn;
	unsigned int nr;
	struct devmem_region regions[DEVMEM_MAX_REGIONS];
};

static struct devmem_state *devmem;

void memtype_reset(void)
{
	devmem = NULL;
}

/* A BAR sits above 4 GiB, as a 64-bit prefetchable BAR would. */
#define DEVMEM_BUS_BASE	(1ULL << 40)

int devmem_region_create(const char *name, unsigned long nr_pages,
			 enum page_cache_mode pcm, struct devmem_region **out)
{
	struct devmem_region *r;

	if (!devmem) {
		devmem = pmm_alloc(sizeof(*devmem));
		if (!devmem)
			return -ENOMEM;
		devmem->next_pfn = phys->ram_pages;
	}
	if (!nr_pages || devmem->nr == DEVMEM_MAX_REGIONS)
		return -EINVAL;
	if (devmem->next_pfn + nr_pages > phys->ram_pages + phys->dev_pages)
		return -ENOSPC;
	r = &devmem->regions[devmem->nr++];
	r->name = name;
	r->pfn = devmem->next_pfn;
	r->nr_pages = nr_pages;
	r->bus_addr = DEVMEM_BUS_BASE +
		      ((uint64_t)(r->pfn - phys->ram_pages) << PAGE_SHIFT);
	r->pcm = pcm;
	devmem->next_pfn += nr_pages;
	*out = r;
	return 0;
}

const struct devmem_region *devmem_region_of(unsigned long pfn)
{
	unsigned int i;

	if (!devmem)
		return NULL;
	for (i = 0; i < devmem->nr; i++)
		if (pfn >= devmem->regions[i].pfn &&
		    pfn < devmem->regions[i].pfn + devmem->regions[i].nr_pages)
			return &devmem->regions[i];
	return NULL;
}
