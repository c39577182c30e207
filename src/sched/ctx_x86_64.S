/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * x86-64 SysV coroutine switch. A suspended context is its stack pointer;
 * the stack holds rbp, rbx, r12-r15 and the return address. MXCSR and the
 * x87 control word are not saved: model code never changes them.
 *
 * void ctx_switch(struct pmm_ctx *from, struct pmm_ctx *to)
 */
	.text
	.globl	ctx_switch
	.hidden	ctx_switch
	.type	ctx_switch, @function
	.p2align 4
ctx_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	ctx_switch, .-ctx_switch

/*
 * First code a new context runs: ctx_init() left entry in r12 and its
 * argument in r13. The entry never returns.
 */
	.globl	ctx_trampoline
	.hidden	ctx_trampoline
	.type	ctx_trampoline, @function
	.p2align 4
ctx_trampoline:
	movq	%r13, %rdi
	callq	*%r12
	ud2
	.size	ctx_trampoline, .-ctx_trampoline

	.section .note.GNU-stack,"",@progbits
