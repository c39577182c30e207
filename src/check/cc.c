// SPDX-License-Identifier: LGPL-2.1-or-later
#include "arch/cc.h"
#include "check/cc.h"
#include "protmm/sched.h"

static const char *const who_names[] = {
	[ACCESS_USER] = "a user access",
	[ACCESS_KERNEL] = "a kernel access",
	[ACCESS_DMA] = "DMA",
	[ACCESS_GUEST] = "a guest access",
};

/*
 * Runs before the hardware's own watcher (registered by the machine's
 * late_init, after the oracles), which then refuses the access.
 */
static int cc_check_access(struct phys_access *a)
{
	if (cc_host_verdict(a) != CC_FATAL)
		return 0;
	if (a->via_pte || a->who == ACCESS_USER)
		pmm_violation("fatal-host-access", "%s %s %u bytes at %#lx, frame "
			      "%#lx, which %s gave VM %d: %s", who_names[a->who],
			      a->write ? "writes" : "reads", a->len, a->vaddr,
			      a->pfn, arch_ops->cc->hw, cc_frame_owner(a->pfn),
			      arch_ops->cc->fault);
	else
		pmm_violation("fatal-host-access", "%s %s %u bytes of frame %#lx, "
			      "which %s gave VM %d: %s", who_names[a->who],
			      a->write ? "writes" : "reads", a->len, a->pfn,
			      arch_ops->cc->hw, cc_frame_owner(a->pfn),
			      arch_ops->cc->fault);
	return 0;
}

static const struct phys_watch cc_check_watch = {
	.access = cc_check_access,
};

int cc_check_init(void)
{
	phys_watch(&cc_check_watch);
	return 0;
}
