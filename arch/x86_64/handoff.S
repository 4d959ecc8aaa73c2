/* The jump into Linux's 64-bit entry. Nothing after this can fail.
 *
 * Register contract: handoff_linux64(RDI = entry address, RSI = boot_params).
 * The kernel gets (Documentation/arch/x86/boot.rst, 64-bit boot protocol):
 *   64-bit mode, paging on with the loader's identity map (all RAM in the map);
 *   CS = __BOOT_CS (0x10), DS/ES/SS = __BOOT_DS (0x18); interrupts off; DF clear;
 *   RSI = physical address of boot_params. Never returns.
 */
#include "x86.h"

	.code64
	.text
	.global handoff_linux64
handoff_linux64:
	cli
	cld
	movl	$BOOT_DS, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%ebp, %ebp
	jmp	*%rdi

/* Leaves long mode and enters a kernel in 32-bit protected mode, paging off.
 *
 * Register contract: handoff_protected32(RDI = entry, RSI = value for ESI,
 * RDX = value for EBX); all three below 4 GiB, the code here identity-mapped.
 * The kernel gets: CS = 0x10 (flat 32-bit code), DS/ES/FS/GS/SS = 0x18 (flat
 * data), CR0.PE = 1, CR0.PG = 0, CR4.PAE = 0, EFER.LME = 0, interrupts off,
 * DF clear, ESI and EBX as given, EBP = EDI = 0. This serves both the bzImage
 * 32-bit boot protocol (ESI = boot_params, EBX = 0) and PVH (EBX = start_info).
 * Never returns.
 */
	.global handoff_protected32
handoff_protected32:
	cli
	cld
	movl	%edx, %ebx		/* rdmsr/wrmsr below clobber EDX */
	lgdt	handoff32_gdt_ptr(%rip)
	/* A far return into a 32-bit code segment: compatibility mode. */
	pushq	$BOOT_CS32_HANDOFF
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
	.code32
1:	movl	$BOOT_DS, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	%cr0, %eax		/* paging off: leaves long mode (identity map: same addresses) */
	andl	$~CR0_PG, %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	movl	%cr4, %eax
	andl	$~CR4_PAE, %eax
	movl	%eax, %cr4
	xorl	%eax, %eax
	movl	%eax, %cr3
	xorl	%ebp, %ebp
	movl	%edi, %eax
	xorl	%edi, %edi
	jmp	*%eax

	.section .rodata
	.balign 8
/* The 32-bit boot protocol wants __BOOT_CS (0x10) to be 32-bit code here. */
handoff32_gdt:
	.quad	0			/* null */
	.quad	0			/* 0x08 unused */
	.quad	0x00CF9A000000FFFF	/* 0x10: 32-bit code, flat */
	.quad	0x00CF92000000FFFF	/* 0x18: data, flat */
handoff32_gdt_end:
handoff32_gdt_ptr:
	.short	handoff32_gdt_end - handoff32_gdt - 1
	.quad	handoff32_gdt
