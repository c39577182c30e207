/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* include/linux/cc_platform.h: what the confidential-computing platform is. */
#ifndef PMM_MM_CC_PLATFORM_H
#define PMM_MM_CC_PLATFORM_H

#include <stdbool.h>

#include "mm/arch.h"

/*
 * cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT): the processes run in an SEV
 * guest. The machine's flag, which sev_active() reads too.
 */
static inline bool cc_guest_mem_encrypt(void)
{
	return arch_ops->cc_guest_mem_encrypt;
}

#endif /* PMM_MM_CC_PLATFORM_H */
