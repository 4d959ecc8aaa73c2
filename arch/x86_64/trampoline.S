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
#include "loader/handoff/realmode.h"
#include "trampoline.h"
#include "x86.h"

#define REAL16_CS 0x08
#define REAL16_DS 0x10

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

/* The way back to real mode (entry=16), copied by trampoline_launch to
 * X + RM_STUB below 1 MiB and entered by the 32-bit handoff above:
 *   in:  32-bit protected mode, paging off, CS = 0x10 flat, ESI = X (the
 *        real-mode part, 4 KiB-aligned below 0xA0000), interrupts off.
 *   out: real mode, CS:IP = (X >> 4) + 0x20 : 0, DS = ES = FS = GS = SS =
 *        X >> 4, SP = RM_HEAP_END, IDTR = the real-mode IVT (0, limit 0x3FF),
 *        the display in 80x25 text mode (int 10h AX=3, as GRUB's linux16
 *        does), interrupts off, A20 left on (boot.rst, "Running the kernel").
 * Offsets below are from X: a 16-bit code segment based at X, then real-mode
 * CS = X >> 4, address the same bytes. */
#define STUB(label) ((label) - real16_stub + RM_STUB)
	.code32
	.global real16_stub, real16_stub_end
real16_stub:
	leal	STUB(gdt16)(%esi), %eax
	movl	%eax, STUB(gdt16_ptr) + 2(%esi)
	movl	%esi, %eax		/* the 16-bit code segment's base = X */
	movw	%ax, STUB(gdt16) + 8 + 2(%esi)
	shrl	$16, %eax
	movb	%al, STUB(gdt16) + 8 + 4(%esi)
	lgdt	STUB(gdt16_ptr)(%esi)
	pushl	$REAL16_CS
	pushl	$STUB(1f)
	lret
	.code16
1:	movw	$REAL16_DS, %ax		/* 64 KiB limits, as real mode wants them */
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	lidt	%cs:STUB(ivt_ptr)
	movl	%cr0, %eax
	andb	$~CR0_PE, %al
	movl	%eax, %cr0
	shrl	$4, %esi		/* the segment of X */
	pushw	%si
	pushw	$STUB(2f)
	lret
2:	movw	%si, %ds
	movw	%si, %es
	movw	%si, %fs
	movw	%si, %gs
	movw	%si, %ss
	movw	$RM_HEAP_END, %sp
	movw	$0x0003, %ax		/* 80x25 text: GRUB may have left a graphics mode */
	int	$0x10
	cli
	addw	$RM_ENTRY_OFFSET >> 4, %si
	pushw	%si
	pushw	$0
	lret
	.balign 8
gdt16:
	.quad	0
	.quad	0x00009A000000FFFF	/* REAL16_CS: 16-bit code, base X (patched), limit 0xFFFF */
	.quad	0x000092000000FFFF	/* REAL16_DS: 16-bit data, base 0, limit 0xFFFF */
gdt16_ptr:
	.short	3 * 8 - 1
	.long	0			/* gdt16's address, patched */
ivt_ptr:
	.short	0x3FF
	.long	0
real16_stub_end:
	.code64
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
