/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Coroutine contexts: the saved state of a task that is not running.
 * ctx_switch() saves the caller's callee-saved registers and stack pointer
 * in @from and resumes @to where it last switched away (or at its entry).
 * The hand-written x86-64 switch saves only what the SysV ABI says a callee
 * must preserve; ucontext is the portable fallback and saves the signal mask
 * too, which is why it is an order of magnitude slower.
 */
#ifndef PMM_SCHED_CTX_H
#define PMM_SCHED_CTX_H

#include <stddef.h>

#include "pmm_config.h"

#if PMM_CTX_ASM
struct pmm_ctx {
	void *sp;
};
#else
#include <ucontext.h>
struct pmm_ctx {
	ucontext_t uc;
};
#endif

typedef void (*ctx_entry_fn)(void *arg);

/* Prepares @c to start running entry(arg) on [stack, stack + size). */
void ctx_init(struct pmm_ctx *c, void *stack, size_t size,
	      ctx_entry_fn entry, void *arg);
void ctx_switch(struct pmm_ctx *from, struct pmm_ctx *to);

#endif /* PMM_SCHED_CTX_H */
