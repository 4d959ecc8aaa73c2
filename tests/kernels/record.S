/* Capture the machine state an entry point was handed, before the probe
 * changes any of it, into probe_state (layout: probe_asm.h).
 *
 * record32 (32-bit protected mode, paging off)
 *   In:  EFLAGS exactly as at entry (callers use only mov, lea, call and
 *        pop, which leave the flags alone); EAX = ENTRY_* kind; ECX = ESP
 *        at entry; EDX = runtime address of the entry point; EBX, ESI,
 *        EDI, EBP as at entry; ESP = the probe's own stack.
 *   Out: probe_state written; EAX, ECX, EDX, EBP clobbered; EBX, ESI,
 *        EDI kept.
 *
 * record64 (64-bit mode)
 *   In:  the same, with the 64-bit registers (RCX = RSP at entry,
 *        RDX = runtime address of the entry point).
 *   Out: probe_state written; RAX, RCX, RDX, RBP clobbered.
 *
 * Both are position independent: probe_state is found relative to the
 * running code, never through an absolute address.
 */
#include "probe_asm.h"
#include "x86.h"

	.data
	.balign 8
	.globl probe_state
	.hidden probe_state
	/* In .data, not .bss: the bzImage zeroes its bss only after recording. */
probe_state:
	.fill ST_SIZE, 1, 0

	.text

/* 32-bit: store a 32-bit register into an 8-byte field. */
.macro ST32 reg, off
	movl \reg, \off(%ebp)
	movl $0, \off+4(%ebp)
.endm

/* Selector, LSL limit and LAR access rights of segment register sreg (index idx). */
.macro SEG32 sreg, idx
	xorl %eax, %eax
	movw %\sreg, %ax
	ST32 %eax, ST_CS+8*\idx
	lsll %eax, %ecx
	jnz 1f
	larl %eax, %edx
	jnz 1f
	ST32 %ecx, ST_LIMIT_CS+8*\idx
	ST32 %edx, ST_AR_CS+8*\idx
	orl $(1 << \idx), ST_SEGOK(%ebp)
1:
.endm

	.code32
	.globl record32
	.hidden record32
record32:
	pushfl                           /* first: nothing has touched the flags yet */
	pushl %ebp
	call 1f
1:	popl %ebp
	leal (probe_state - 1b)(%ebp), %ebp
	popl ST_RBP(%ebp)
	movl $0, ST_RBP + 4(%ebp)
	popl ST_FLAGS(%ebp)
	movl $0, ST_FLAGS + 4(%ebp)
	ST32 %eax, ST_KIND
	ST32 %ecx, ST_RSP
	ST32 %edx, ST_ENTRY
	ST32 %ebx, ST_RBX
	ST32 %esi, ST_RSI
	ST32 %edi, ST_RDI
	movl %cr0, %eax
	ST32 %eax, ST_CR0
	movl %cr3, %eax
	ST32 %eax, ST_CR3
	movl %cr4, %eax
	ST32 %eax, ST_CR4
	movl $MSR_EFER, %ecx             /* every x86-64 CPU has EFER, in any mode */
	rdmsr
	movl %eax, ST_EFER(%ebp)
	movl %edx, ST_EFER + 4(%ebp)
	movl $0, ST_SEGOK(%ebp)
	movl $0, ST_SEGOK + 4(%ebp)
	SEG32 cs, 0
	SEG32 ds, 1
	SEG32 es, 2
	SEG32 ss, 3
	ret

/* 64-bit: selector, LSL and LAR of segment register sreg (index idx). */
.macro SEG64 sreg, idx
	xorl %eax, %eax
	movw %\sreg, %ax
	movq %rax, ST_CS+8*\idx(%rbp)
	xorl %ecx, %ecx
	xorl %edx, %edx
	lsll %eax, %ecx
	jnz 1f
	larl %eax, %edx
	jnz 1f
	movq %rcx, ST_LIMIT_CS+8*\idx(%rbp)
	movq %rdx, ST_AR_CS+8*\idx(%rbp)
	orq $(1 << \idx), ST_SEGOK(%rbp)
1:
.endm

	.code64
	.globl record64
	.hidden record64
record64:
	pushfq                           /* first: nothing has touched the flags yet */
	pushq %rbp
	leaq probe_state(%rip), %rbp
	popq ST_RBP(%rbp)
	popq ST_FLAGS(%rbp)
	movl %eax, %eax                  /* zero-extend the kind */
	movq %rax, ST_KIND(%rbp)
	movq %rcx, ST_RSP(%rbp)
	movq %rdx, ST_ENTRY(%rbp)
	movq %rbx, ST_RBX(%rbp)
	movq %rsi, ST_RSI(%rbp)
	movq %rdi, ST_RDI(%rbp)
	movq %cr0, %rax
	movq %rax, ST_CR0(%rbp)
	movq %cr3, %rax
	movq %rax, ST_CR3(%rbp)
	movq %cr4, %rax
	movq %rax, ST_CR4(%rbp)
	movl $MSR_EFER, %ecx
	rdmsr
	movl %eax, ST_EFER(%rbp)
	movl %edx, ST_EFER + 4(%rbp)
	movq $0, ST_SEGOK(%rbp)
	SEG64 cs, 0
	SEG64 ds, 1
	SEG64 es, 2
	SEG64 ss, 3
	ret
