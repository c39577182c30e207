// SPDX-License-Identifier: LGPL-2.1-or-later
/* Frame ownership of confidential-computing hardware (arch/cc.h). */
#include <errno.h>

#include "arch/cc.h"
#include "sched/sched.h"

/* This execution's owner per frame (0: host), in its arena. */
static int *owners;
static unsigned long nr_frames;

int cc_frame_owner(unsigned long pfn)
{
	/* The table is the last cc machine's when this one has none. */
	return arch_ops->cc && owners && pfn < nr_frames ? owners[pfn] : 0;
}

int cc_make_private(unsigned long pfn, unsigned long nr, int owner)
{
	unsigned long i;

	if (!arch_ops->cc || !owners || pfn + nr > nr_frames || owner <= 0)
		return -EINVAL;
	for (i = 0; i < nr; i++)
		if (owners[pfn + i])
			return -EBUSY;
	for (i = 0; i < nr; i++)
		owners[pfn + i] = owner;
	return 0;
}

void cc_make_shared(unsigned long pfn, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr && arch_ops->cc && owners && pfn + i < nr_frames; i++)
		owners[pfn + i] = 0;
}

enum cc_verdict cc_host_verdict(const struct phys_access *a)
{
	if (!arch_ops->cc || a->who == ACCESS_GUEST || !cc_frame_owner(a->pfn))
		return CC_ALLOW;
	return arch_ops->cc->host_access(a);
}

static int cc_phys_access(struct phys_access *a)
{
	return cc_host_verdict(a) == CC_FATAL ? -EFAULT : 0;
}

/*
 * A read the hardware lets through gets the guest's ciphertext: the
 * bytes are the frame's under a key the host does not hold. A keyed
 * scramble stands for it (not AES: all that matters is that they are
 * not the plaintext).
 */
static void cc_phys_accessed(const struct phys_access *a)
{
	unsigned char *b = a->buf;
	unsigned int i;

	if (a->write || cc_host_verdict(a) != CC_CIPHERTEXT)
		return;
	for (i = 0; i < a->len; i++)
		b[i] ^= (unsigned char)(0x5a + 31 * (a->offset + i) +
					7 * cc_frame_owner(a->pfn));
}

static const struct phys_watch cc_watch = {
	.access = cc_phys_access,
	.accessed = cc_phys_accessed,
};

int cc_hw_init(void)
{
	nr_frames = phys->ram_pages + phys->dev_pages;
	owners = pmm_alloc(nr_frames * sizeof(*owners));
	if (!owners)
		return -ENOMEM;
	phys_watch(&cc_watch);
	return 0;
}
