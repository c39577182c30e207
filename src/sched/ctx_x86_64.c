// SPDX-License-Identifier: LGPL-2.1-or-later
/* Initial frame for the x86-64 switch in ctx_x86_64.S. */
#include <stdint.h>

#include "sched/ctx.h"

void ctx_trampoline(void);

void ctx_init(struct pmm_ctx *c, void *stack, size_t size,
	      ctx_entry_fn entry, void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	/*
	 * ctx_switch() pops six registers and returns into the trampoline;
	 * the slot above the return address keeps the trampoline's call
	 * 16-byte aligned, as the ABI wants at every call.
	 */
	void **sp = (void **)(top - 24);

	sp[0] = (void *)(uintptr_t)ctx_trampoline;
	sp[1] = 0;
	sp -= 6;
	sp[0] = 0;				/* r15 */
	sp[1] = 0;				/* r14 */
	sp[2] = arg;				/* r13 */
	sp[3] = (void *)(uintptr_t)entry;	/* r12 */
	sp[4] = 0;				/* rbx */
	sp[5] = 0;				/* rbp: ends frame-pointer walks */
	c->sp = sp;
}
