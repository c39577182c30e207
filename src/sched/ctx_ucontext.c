// SPDX-License-Identifier: LGPL-2.1-or-later
/* Portable coroutine switch over ucontext, for hosts without ctx_*.S. */
#include <stdint.h>
#include <stdlib.h>

#include "sched/ctx.h"

static void ucontext_entry(unsigned int hi, unsigned int lo, unsigned int fhi,
			   unsigned int flo)
{
	void *arg = (void *)(((uintptr_t)hi << 32) | lo);
	ctx_entry_fn entry = (ctx_entry_fn)(((uintptr_t)fhi << 32) | flo);

	entry(arg);
	abort();
}

void ctx_init(struct pmm_ctx *c, void *stack, size_t size,
	      ctx_entry_fn entry, void *arg)
{
	uintptr_t a = (uintptr_t)arg, f = (uintptr_t)entry;

	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	/* makecontext passes ints only: split the pointers. */
	makecontext(&c->uc, (void (*)(void))ucontext_entry, 4,
		    (unsigned int)(a >> 32), (unsigned int)a,
		    (unsigned int)(f >> 32), (unsigned int)f);
}

void ctx_switch(struct pmm_ctx *from, struct pmm_ctx *to)
{
	swapcontext(&from->uc, &to->uc);
}
