// SPDX-License-Identifier: LGPL-2.1-or-later
/* host-access-private (check/gmem.h). */
#include "check/gmem.h"
#include "mem/folio.h"
#include "mem/phys.h"
#include "protmm/sched.h"
#include "virt/guest_memfd.h"

static const char *accessor_name(enum phys_accessor who)
{
	switch (who) {
	case ACCESS_USER:
		return "a user access";
	case ACCESS_KERNEL:
		return "the kernel";
	case ACCESS_DMA:
		return "a device (DMA)";
	default:
		return "the guest";
	}
}

/* No yield point: an oracle's look at the frame's folio. */
static int gmem_check_access(struct phys_access *a)
{
	struct gmem_inode *gi;
	struct folio *folio;
	unsigned long index;

	if (a->who == ACCESS_GUEST || !a->len || !pfn_valid(a->pfn))
		return 0;
	folio = pfn_folio(a->pfn);
	gi = gmem_folio_inode(folio);
	if (!gi || !(__atomic_load_n(&folio->flags, __ATOMIC_RELAXED) &
		     (1UL << PG_uptodate)))
		return 0;
	index = folio->index + (a->pfn - folio_pfn(folio));
	if (!kvm_gmem_is_private(gi, index))
		return 0;
	pmm_violation("host-access-private", "%s %s %u bytes of frame %#lx, "
		      "page %lu of guest_memfd %d, which is private to the guest",
		      accessor_name(a->who), a->write ? "wrote" : "read", a->len,
		      a->pfn, index, gi->inode->i_ino);
	return 0;
}

static const struct phys_watch gmem_watch = {
	.access = gmem_check_access,
};

int gmem_check_init(void)
{
	phys_watch(&gmem_watch);
	return 0;
}
