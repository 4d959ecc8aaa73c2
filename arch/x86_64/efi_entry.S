/* The UEFI entry: GRUB on x86_64-efi enters here, boot services still running
 * (the multiboot2 header's tags 7 and 9, boot/multiboot2/header.S).
 *
 * Register contract on entry at efi_start (multiboot2 "EFI amd64 machine
 * state with boot services enabled", as GRUB's relocator64 EFI path sets it):
 *   RAX = 0x36d76289 (MB2_BOOTLOADER_MAGIC), RBX = physical address of the
 *   multiboot2 information (below 4 GiB); 64-bit mode on the firmware's GDT,
 *   IDT and identity-mapped page tables; RSP = the firmware's stack, 16-byte
 *   aligned; interrupts as the firmware left them; DF clear.
 * GRUB may have loaded the image anywhere the relocatable tag allows (it
 * adjusts this entry address itself): the relocation table is applied first
 * (include/relocate.h), RIP-relative, with RBX, RDX, RDI and RAX.
 * On the call to efi_main (boot/multiboot2/efi_main.c, System V ABI):
 *   EDI = the magic, ESI = the information address (zero-extended), RSP
 *   16-byte aligned before the call, .bss zeroed. efi_main calls the firmware
 *   (ms_abi) on this stack and never returns.
 *
 * efi_enter_workspace(pml4, stack_top, fn, arg), called by efi_main after
 * ExitBootServices (every argument below 4 GiB):
 *   RDI = the loader's page tables (identity map of [0, 4 GiB), built by
 *   paging_identity_4g), RSI = the new stack top, RDX = fn, RCX = arg.
 *   Leaves the firmware's world for the loader's own — interrupts off, GDT =
 *   boot_gdt (start32.S), CS = 0x10, DS/ES/SS = 0x18, FS/GS = 0, CR3 = RDI,
 *   RSP = RSI — then calls fn(arg) (RDI = arg). Never returns: the firmware's
 *   tables and stack lie in boot-services memory, which is free from now on.
 */
#include "relocate.h"
#include "x86.h"

	.code64
	.section .text.efi_entry, "ax"
	.global efi_start
efi_start:
	cld
	movl	%eax, %r12d
	movl	%ebx, %r13d
	leaq	__image_start(%rip), %rbx
	movl	%ebx, %edx
	subl	$__image_start, %edx	/* EDX = load address - link address */
	jz	1f
	leaq	__reloc_table(%rip), %rdi
	APPLY_RELOCATIONS %rdi, %rbx, %rax, %eax, %edx
1:	START_CLOCK_AND_CLEAR_BSS

	movl	%r12d, %edi
	movl	%r13d, %esi
	andq	$-16, %rsp
	call	efi_main
1:	cli
	hlt
	jmp	1b

	.global efi_enter_workspace
efi_enter_workspace:
	cli
	lgdt	boot_gdt_ptr(%rip)
	/* Reload CS from the new table: a far return to the next instruction. */
	pushq	$BOOT_CS64
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movl	$BOOT_DS, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	%rdi, %cr3
	movq	%rsi, %rsp
	movq	%rcx, %rdi
	call	*%rdx
2:	cli
	hlt
	jmp	2b
