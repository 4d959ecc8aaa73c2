/* The last code chainloader runs, copied into a block the planner keeps clear of
 * every destination (include/trampoline.h), so that it may overwrite the loader.
 * Position-independent: it is assembled here and executed only from its copy.
 *
 * Register contract on entry (from trampoline_jump): RDI = struct tramp_params
 * inside the block, RSP = top of the block's stack; 64-bit mode, interrupts off,
 * paging on with an identity map of all RAM whose tables lie outside every
 * destination.
 * It loads its own GDT (the loader's may be overwritten), performs the copies in
 * order (memmove semantics, then zero fill), and enters the kernel:
 *   TRAMP_KIND_64: 64-bit mode, CS = 0x10 (64-bit code), DS/ES/SS = 0x18,
 *     RSI = params->rsi (boot_params), interrupts off, DF clear
 *     (Documentation/arch/x86/boot.rst, 64-bit boot protocol);
 *   TRAMP_KIND_PROTECTED32: 32-bit protected mode, paging off, CR0 = PE|ET, CR4 = 0, LME off,
 *     CS = 0x10 (flat 32-bit code), DS/ES/FS/GS/SS = 0x18 (flat data),
 *     ESI = params->rsi, EBX = params->rbx, EBP = EDI = 0, interrupts off —
 *     the bzImage 32-bit protocol (ESI = boot_params, EBX = 0) and PVH
 *     (EBX = hvm_start_info).
 * Never returns.
 */
#include "trampoline.h"
#include "x86.h"

#define GDT_LIMIT (4 * 8 - 1)

	.code64
	.section .text.trampoline, "ax"
	.global trampoline_start, trampoline_end
trampoline_start:
	cli
	cld
	movq	%rdi, %rbx
	leaq	gdt64(%rip), %rdi
	call	load_gdt
	/* Reload CS from the new table: a far return to the next instruction. */
	pushq	$BOOT_CS64
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movl	$BOOT_DS, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss

	movq	TP_COUNT(%rbx), %r12
	leaq	TP_COPIES(%rbx), %r13
.Lnext_copy:
	testq	%r12, %r12
	jz	.Lcopies_done
	movq	TC_DST(%r13), %rdi
	movq	TC_SRC(%r13), %rsi
	movq	TC_LEN(%r13), %rcx
	/* Backwards when the destination starts inside the source. */
	cmpq	%rsi, %rdi
	jbe	.Lforward
	leaq	(%rsi, %rcx), %rax
	cmpq	%rax, %rdi
	jae	.Lforward
	leaq	-1(%rsi, %rcx), %rsi
	leaq	-1(%rdi, %rcx), %rdi
	std
	rep movsb
	cld
	jmp	.Lzero_fill
.Lforward:
	movq	%rcx, %rdx
	shrq	$3, %rcx
	rep movsq
	movq	%rdx, %rcx
	andq	$7, %rcx
	rep movsb
.Lzero_fill:
	movq	TC_DST(%r13), %rdi
	addq	TC_LEN(%r13), %rdi
	movq	TC_ZERO(%r13), %rcx
	xorl	%eax, %eax
	rep stosb
	addq	$TC_SIZE, %r13
	decq	%r12
	jmp	.Lnext_copy

.Lcopies_done:
	movq	TP_ENTRY(%rbx), %rax
	movq	TP_RSI(%rbx), %rsi
	cmpq	$TRAMP_KIND_64, TP_KIND(%rbx)
	jne	.Lprotected32
	xorl	%ebp, %ebp
	xorl	%ebx, %ebx
	jmp	*%rax

.Lprotected32:
	movq	%rax, %rdi		/* entry */
	movq	TP_RBX(%rbx), %rbx
	leaq	gdt32(%rip), %rdx
	xchgq	%rdx, %rdi
	call	load_gdt
	movq	%rdx, %rdi
	/* A far return into a 32-bit code segment: compatibility mode. */
	pushq	$BOOT_CS32_HANDOFF
	leaq	2f(%rip), %rax
	pushq	%rax
	lretq
	.code32
2:	movl	$BOOT_DS, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	%cr0, %eax		/* paging off leaves long mode (identity map: same addresses) */
	andl	$~CR0_PG, %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	/* The state the protocols describe and nothing more (PVH: CR0 = PE, CR4 = 0):
	 * no WP/NE/MP or OSFXSR/... left over from the firmware. */
	xorl	%eax, %eax
	movl	%eax, %cr4
	movl	%eax, %cr3
	movl	$(CR0_PE | CR0_ET), %eax
	movl	%eax, %cr0
	xorl	%ebp, %ebp
	movl	%edi, %eax
	xorl	%edi, %edi
	jmp	*%eax

	.code64
/* lgdt of the table at RDI (4 entries), through a pointer built on the stack
 * because the table's address is only known at run time. Clobbers RAX. */
load_gdt:
	subq	$16, %rsp
	movw	$GDT_LIMIT, (%rsp)
	movq	%rdi, 2(%rsp)
	lgdt	(%rsp)
	addq	$16, %rsp
	ret

	.balign 8
gdt64:	/* Linux's __BOOT_CS / __BOOT_DS for the 64-bit entry */
	.quad	0
	.quad	0
	.quad	0x00AF9A000000FFFF	/* 0x10: 64-bit code */
	.quad	0x00CF92000000FFFF	/* 0x18: data, flat */
gdt32:	/* the 32-bit boot protocol wants 0x10 to be 32-bit code */
	.quad	0
	.quad	0
	.quad	0x00CF9A000000FFFF	/* 0x10: 32-bit code, flat */
	.quad	0x00CF92000000FFFF	/* 0x18: data, flat */
trampoline_end:

/* trampoline_jump(RDI = block code, RSI = params, RDX = stack top): switches to
 * the block's stack and jumps into the block with RDI = params. Never returns. */
	.text
	.global trampoline_jump
trampoline_jump:
	cli
	movq	%rdx, %rsp
	movq	%rdi, %rax
	movq	%rsi, %rdi
	jmp	*%rax
