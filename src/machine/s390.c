// SPDX-License-Identifier: LGPL-2.1-or-later
/* The machine's operations of protmm/s390.h that are not the guest's. */
#include "machine/machine.h"
#include "protmm/s390.h"

ssize_t pmm_splice_to_device(struct pmm_pipe *pipe, size_t len)
{
	if (!pipe)
		return -EINVAL;
	return splice_to_device(pipe->pipe, len);
}
