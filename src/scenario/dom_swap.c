// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The swap domain: reclaim of a process's pages to the swap device, and
 * swapoff. (A zram-like device is the header's 'swap SIZE synchronous'.)
 */
#include "scenario/domain.h"

/* reclaim ADDR [len N] [as R]: one page unless told. */
static bool reclaim_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct scn_args *a = &st->a;

	if (!scn_address(p, &a->addr) ||
	    !scn_options(p, st, st->verb->options, 0, "reclaim"))
		return false;
	if (!(a->flags & O_LEN)) {
		a->len = SCN_PAGE;
		a->len_pos = st->pos;
	}
	if (!a->len || a->len > SCN_MAX_MAP)
		scn_fail(p, a->len_pos, "reclaim length must be between 4K and 64M");
	return scn_page_aligned(p, scn_addr_value(&a->addr), a->addr.pos, "address") &&
	       scn_page_aligned(p, a->len, a->len_pos, "length");
}

static long reclaim_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	(void)r;
	return pmm_reclaim(p, scn_addr_value(&st->a.addr), st->a.len);
}

/* swapoff [as R] */
static bool swapoff_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return scn_options(p, st, st->verb->options, 0, "swapoff");
}

/* Every swapped page back in memory, then the device goes: 0 or -errno. */
static long swapoff_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	(void)r;
	(void)st;
	(void)p;
	return pmm_swapoff();
}

static const struct scn_verb verbs[] = {
	{ "reclaim", O_LEN | O_AS, 0, reclaim_parse, reclaim_exec },
	{ "swapoff", O_AS, 0, swapoff_parse, swapoff_exec },
};

SCN_DOMAIN(swap, verbs);
