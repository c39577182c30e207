// SPDX-License-Identifier: LGPL-2.1-or-later
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sched/futex.h"

void futex_wait(uint32_t *addr, uint32_t val)
{
	/* EAGAIN (value changed) and EINTR both mean: look again. */
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

void futex_wake(uint32_t *addr, int nr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, nr, NULL, NULL, 0);
}
