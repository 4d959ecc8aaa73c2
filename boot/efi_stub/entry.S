/* chainloader.efi's entries. scripts/mkefi.py writes the headers that name
 * them: the PE entry (AddressOfEntryPoint), the 32-bit entry at +0 of the
 * protected-mode part (code32_start), the 64-bit entry at +0x200
 * (xloadflags XLF_KERNEL_64) and the EFI handover entry
 * (handover_offset + 0x200, XLF_EFI_HANDOVER_64). This section opens that
 * part: file offset 0x1000, where GRUB 2.06's linuxefi starts its copy.
 *
 * efi_pe_entry — GRUB 2.12 (StartImage, shim's loader or the firmware's), the
 * Microsoft x64 convention:
 *   RCX = the image handle, RDX = the EFI system table; boot services up;
 *   RBX, RBP, RDI, RSI, R12-R15 callee-saved; returns an EFI status in RAX.
 * efi_handover_entry — GRUB 2.06 linuxefi (the Linux EFI handover protocol,
 * boot.rst "EFI HANDOVER PROTOCOL"), System V, interrupts off (GRUB's cli):
 *   RDI = GRUB's image handle, RSI = the EFI system table, RDX = the
 *   boot_params GRUB filled (cmd_line_ptr, ramdisk_image/size); RBX, RBP,
 *   R12-R15 callee-saved. Linux never returns from it; chainloader returns
 *   on an error before ExitBootServices (interrupts back on), so that GRUB's
 *   `boot` fails and its fallback can run.
 * Both save every register either convention calls callee-saved (the
 * loader's C never touches XMM), then share efi_common with
 *   R12 = image handle, R13 = system table, R14 = boot_params or 0.
 * efi_common first moves the image below RELOC_MAX_ADDR if it was loaded
 * above (a copy in EfiLoaderCode pages from AllocatePages, entered at the
 * same place), then applies the self-relocation table unless the image is
 * already relocated to where it runs (efi_applied_base: a relocation site
 * itself, so a PE loader's base relocations, the table, and a second entry
 * after a failed boot all keep it true), clears .bss, and calls
 *   efi_stub_main(image, system table, boot_params) (boot/efi_stub/main.c,
 *   System V, RSP 16-byte aligned), which returns an EFI status only
 *   before ExitBootServices.
 * efi_entry32 (code32_start, +0) and efi_no_services_entry (+0x200) — the
 * 32- and 64-bit entries of a loader that has left the boot services (GRUB
 * 2.06's `linux` with Secure Boot off: code32_start in protected mode, ESI =
 * boot_params): chainloader.efi needs them, so it says so on COM1, without
 * relocation, stack or boot_params, and halts with interrupts off. */
#include "relocate.h"
#include "x86.h"

#define EFI_ST_BOOT_SERVICES 96 /* struct efi_system_table (include/abi/efi.h) */
#define EFI_BS_ALLOCATE_PAGES 40
#define EFI_ALLOCATE_MAX_ADDRESS 1
#define EFI_LOADER_CODE 1
#define UART_LSR 5
#define UART_LSR_THRE 0x20

/* Every register either calling convention calls callee-saved (the loader's
 * C never touches XMM), pushed by both entries and popped on the way back. */
.macro SAVE_CALLEE_SAVED
	pushq	%rbx
	pushq	%rbp
	pushq	%rdi
	pushq	%rsi
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm
.macro RESTORE_CALLEE_SAVED
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rsi
	popq	%rdi
	popq	%rbp
	popq	%rbx
.endm

	.section .text.efi_head, "ax"
	.global efi_pm_start
efi_pm_start:
	.code32
	.global efi_entry32
efi_entry32:
	cli
	call	1f
1:	popl	%esi
	addl	$no_services_msg - 1b, %esi
	jmp	print_and_halt

	.code64
	.global efi_pe_entry
efi_pe_entry:
	SAVE_CALLEE_SAVED
	movq	%rcx, %r12
	movq	%rdx, %r13
	xorl	%r14d, %r14d
	jmp	efi_common

	.org	0x200
	.global efi_no_services_entry
efi_no_services_entry:
	cli
	leaq	no_services_msg(%rip), %rsi
/* The bytes of this loop mean the same in 32- and 64-bit mode (ESI or RSI). */
print_and_halt:
	movw	$COM1_PORT + UART_LSR, %dx
1:	inb	%dx, %al
	testb	$UART_LSR_THRE, %al
	jz	1b
	movw	$COM1_PORT, %dx
	lodsb
	testb	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	print_and_halt
2:	hlt
	jmp	2b
no_services_msg:
	.asciz	"chainloader: error: chainloader.efi was started without the EFI boot services (by its 32- or 64-bit entry, as GRUB's linux does with Secure Boot off on GRUB 2.06); boot chainloader.elf by multiboot2 there\r\n"

	.global efi_handover_entry
efi_handover_entry:
	SAVE_CALLEE_SAVED
	movq	%rdi, %r12
	movq	%rsi, %r13
	movq	%rdx, %r14

efi_common:
	cld
	leaq	__image_end(%rip), %rax
	movl	$RELOC_MAX_ADDR, %ecx
	cmpq	%rcx, %rax
	ja	move_low

	leaq	__image_start(%rip), %rbx
	leaq	efi_pm_start(%rip), %rdx
	subl	efi_applied_base(%rip), %edx	/* EDX = where it runs - where it is relocated to */
	jz	1f
	leaq	__reloc_table(%rip), %rdi
	APPLY_RELOCATIONS %rdi, %rbx, %rax, %eax, %edx
1:	START_CLOCK_AND_CLEAR_BSS

	movq	%rsp, %rbp
	andq	$-16, %rsp
	movq	%r12, %rdi
	movq	%r13, %rsi
	movq	%r14, %rdx
	call	efi_stub_main
	movq	%rbp, %rsp

efi_return:				/* RAX = the EFI status */
	testq	%r14, %r14
	jz	1f
	sti				/* the handover: GRUB's cli, undone for GRUB */
1:	RESTORE_CALLEE_SAVED
	ret

/* Loaded above RELOC_MAX_ADDR: the 32-bit sites cannot reach it. Copy the
 * protected-mode part (up to __image_end, .bss included) into pages below
 * it and enter the copy's efi_common with the same registers and stack. */
move_low:
	leaq	efi_pm_start(%rip), %rsi
	leaq	__image_end(%rip), %rbx
	subq	%rsi, %rbx			/* RBX = bytes to copy */
	leaq	0xfff(%rbx), %r8
	shrq	$12, %r8			/* R8 = pages */
	pushq	$RELOC_MAX_ADDR - 1		/* in: the highest address; out: the pages' */
	movq	%rsp, %r9
	movq	%rsp, %rbp
	andq	$-16, %rsp
	subq	$32, %rsp			/* the callee's home space */
	movl	$EFI_ALLOCATE_MAX_ADDRESS, %ecx
	movl	$EFI_LOADER_CODE, %edx
	movq	EFI_ST_BOOT_SERVICES(%r13), %rax
	call	*EFI_BS_ALLOCATE_PAGES(%rax)
	movq	%rbp, %rsp
	popq	%rdi				/* RDI = the copy */
	testq	%rax, %rax
	jnz	efi_return
	movq	%rdi, %rdx
	leaq	efi_pm_start(%rip), %rsi
	movq	%rbx, %rcx
	rep movsb
	leaq	efi_pm_start(%rip), %rax	/* tell the copy where it came from */
	leaq	efi_moved_from(%rip), %rcx
	subq	%rax, %rcx
	movq	%rax, (%rdx, %rcx)
	leaq	efi_common(%rip), %rax
	leaq	efi_pm_start(%rip), %rcx
	subq	%rcx, %rax
	addq	%rdx, %rax
	jmp	*%rax

	.section .data.efi_moved_from, "aw"
	.balign	8
/* Where efi_pm_start was loaded when the image had to move (0: it did not). */
	.global efi_moved_from
efi_moved_from:
	.quad	0

	.section .data.efi_applied_base, "aw"
	.balign	4
/* Where efi_pm_start is relocated to: a relocation site, so every way of
 * relocating the image updates it too. */
efi_applied_base:
	.long	efi_pm_start
