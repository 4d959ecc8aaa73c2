/* First instructions of chainloader: from GRUB's 32-bit state to 64-bit C.
 *
 * Register contract on entry (multiboot2, i386 machine state):
 *   EAX = 0x36d76289 (MB2_BOOTLOADER_MAGIC), EBX = physical address of the
 *   multiboot2 information; CS = flat 32-bit code, DS/ES/FS/GS/SS = flat data;
 *   A20 on, paging off, interrupts off; ESP, GDTR and IDTR undefined.
 * GRUB may have loaded the image anywhere the relocatable tag allows: with
 * the magic right, the first instructions find where (a call's return address,
 * pushed onto the information's reserved word, the only memory known to be
 * ours before relocation) and apply the relocation table (include/relocate.h).
 * Without the magic nothing read the tag, so the image is where it was linked.
 * Here: EBP holds the magic, ESI the information address (CPUID clobbers EBX),
 * then EBX the workspace find_workspace chose (include/workspace.h).
 * On the call to loader_main (64-bit, System V ABI):
 *   EDI = the magic, ESI = the information address, EDX = the workspace (all
 *   zero-extended); the workspace zeroed but for its page tables;
 *   CS = 0x10 (64-bit code), DS/ES/SS = 0x18, FS/GS = 0;
 *   RSP = workspace + WORKSPACE_STACK_TOP; CR3 = workspace + WORKSPACE_PML4,
 *   an identity map of [0, 4 GiB) in 2 MiB pages.
 * Failures here print "chainloader: error: ..." on COM1 and the VGA text screen
 * and halt with interrupts off.
 */
#include "abi/multiboot2.h"
#include "relocate.h"
#include "workspace.h"
#include "x86.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define COM_LSR 5
#define COM_LSR_THR_EMPTY 0x20
#define VGA_ERROR_ATTR 0x4F /* white on red */

	.code32
	.section .text.start32, "ax"
	.global _start
_start:
	cli
	cld
	movl	%eax, %ebp
	movl	%ebx, %esi
	cmpl	$MB2_BOOTLOADER_MAGIC, %eax
	jne	.Lat_link_address
	movl	MB2_INFO_RESERVED(%esi), %edi
	leal	MB2_INFO_RESERVED + 4(%esi), %esp
	call	1f
1:	popl	%edx
	movl	%edi, MB2_INFO_RESERVED(%esi)
	subl	$1b, %edx		/* EDX = load address - link address */
	jz	.Lat_link_address
	movl	$__reloc_table, %edi	/* link addresses: read before they are relocated */
	addl	%edx, %edi
	movl	$__image_start, %ebx
	addl	%edx, %ebx
	APPLY_RELOCATIONS %edi, %ebx, %eax, %eax, %edx
.Lat_link_address:
	rdtsc				/* the loader's own time starts here */
	movl	%eax, entry_tsc
	movl	%edx, entry_tsc + 4

	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
	movl	$early_stack_top, %esp
	call	early_serial_init

	cmpl	$MB2_BOOTLOADER_MAGIC, %ebp
	jne	.Lbad_magic

	/* CPUID exists if EFLAGS.ID can be flipped; then ask for long mode. */
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$EFLAGS_ID, %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx
	popfl
	cmpl	%eax, %ecx
	je	.Lno_long_mode
	movl	$CPUID_EXT_MAX, %eax
	cpuid
	cmpl	$CPUID_EXT_FEATURES, %eax
	jb	.Lno_long_mode
	movl	$CPUID_EXT_FEATURES, %eax
	cpuid
	testl	$CPUID_EXT_EDX_LM, %edx
	jz	.Lno_long_mode

	lgdt	boot_gdt_ptr
	ljmp	$BOOT_CS32, $1f
1:	movl	$BOOT_DS, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs

	call	find_workspace
	testl	%eax, %eax
	jz	.Lno_workspace
	movl	%eax, %ebx
	movl	%eax, %edi
	movl	$WORKSPACE_SIZE / 4, %ecx
	xorl	%eax, %eax
	rep stosl
	leal	WORKSPACE_STACK_TOP(%ebx), %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories. */
	leal	WORKSPACE_PDPT + (PTE_PRESENT | PTE_WRITE)(%ebx), %eax
	movl	%eax, WORKSPACE_PML4(%ebx)
	leal	WORKSPACE_PD + (PTE_PRESENT | PTE_WRITE)(%ebx), %eax
	xorl	%ecx, %ecx
2:	movl	%eax, WORKSPACE_PDPT(%ebx, %ecx, 8)
	addl	$PAGE_SIZE, %eax
	incl	%ecx
	cmpl	$BOOT_MAPPED_GIB, %ecx
	jb	2b
	/* PD entry i maps [i * 2 MiB, (i + 1) * 2 MiB). */
	xorl	%ecx, %ecx
3:	movl	%ecx, %eax
	shll	$LARGE_PAGE_SHIFT, %eax
	orl	$(PTE_PRESENT | PTE_WRITE | PTE_LARGE), %eax
	movl	%eax, WORKSPACE_PD(%ebx, %ecx, 8)
	movl	%ecx, %eax
	shrl	$(32 - LARGE_PAGE_SHIFT), %eax
	movl	%eax, WORKSPACE_PD + 4(%ebx, %ecx, 8)
	incl	%ecx
	cmpl	$(BOOT_MAPPED_GIB * PT_ENTRIES), %ecx
	jb	3b

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	leal	WORKSPACE_PML4(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE), %eax
	movl	%eax, %cr0
	ljmp	$BOOT_CS64, $long_mode_entry

.Lbad_magic:
	movl	$msg_bad_magic, %eax
	call	early_puts
	movl	%ebp, %eax
	call	early_puthex
	movl	$msg_bad_magic_end, %eax
	call	early_puts
	jmp	early_halt
.Lno_long_mode:
	movl	$msg_no_long_mode, %eax
	call	early_puts
	jmp	early_halt
.Lno_workspace:
	movl	$msg_no_workspace, %eax
	call	early_puts
early_halt:
	cli
	hlt
	jmp	early_halt

/* COM1 at 115200 8N1, FIFO on, no interrupts. Clobbers EAX, EDX. */
early_serial_init:
	movw	$COM1_PORT + 1, %dx	/* IER: no interrupts */
	xorb	%al, %al
	outb	%al, %dx
	movw	$COM1_PORT + 3, %dx	/* LCR: DLAB to set the divisor */
	movb	$0x80, %al
	outb	%al, %dx
	movw	$COM1_PORT + 0, %dx	/* divisor 1 = 115200 baud */
	movb	$1, %al
	outb	%al, %dx
	movw	$COM1_PORT + 1, %dx
	xorb	%al, %al
	outb	%al, %dx
	movw	$COM1_PORT + 3, %dx	/* LCR: 8 bits, no parity, 1 stop */
	movb	$0x03, %al
	outb	%al, %dx
	movw	$COM1_PORT + 2, %dx	/* FCR: enable and clear FIFOs */
	movb	$0xC7, %al
	outb	%al, %dx
	movw	$COM1_PORT + 4, %dx	/* MCR: DTR, RTS */
	movb	$0x03, %al
	outb	%al, %dx
	ret

/* Character in AL to COM1 and the next VGA cell. Clobbers EDX. */
early_putc:
	pushl	%eax
	movw	$COM1_PORT + COM_LSR, %dx
1:	inb	%dx, %al
	testb	$COM_LSR_THR_EMPTY, %al
	jz	1b
	movl	(%esp), %eax
	movw	$COM1_PORT, %dx
	outb	%al, %dx
	cmpb	$'\n', %al
	je	2f
	movl	early_vga_cell, %edx
	movb	$VGA_ERROR_ATTR, %ah
	movw	%ax, VGA_TEXT_BUFFER(, %edx, 2)
	incl	early_vga_cell
2:	popl	%eax
	ret

/* NUL-terminated string at EAX. Clobbers EAX, ECX, EDX. */
early_puts:
	movl	%eax, %ecx
1:	movzbl	(%ecx), %eax
	testb	%al, %al
	jz	2f
	call	early_putc
	incl	%ecx
	jmp	1b
2:	ret

/* EAX as 8 hex digits. Clobbers EAX, ECX, EDX. */
early_puthex:
	movl	%eax, %ecx
	pushl	%ebx
	movl	$8, %ebx
1:	roll	$4, %ecx
	movl	%ecx, %eax
	andl	$0xF, %eax
	movb	hex_digits(%eax), %al
	call	early_putc
	decl	%ebx
	jnz	1b
	popl	%ebx
	ret

	.code64
long_mode_entry:
	movl	$BOOT_DS, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
	movl	%ebx, %ebx		/* upper halves are undefined after the switch */
	leal	WORKSPACE_STACK_TOP(%rbx), %esp	/* zero-extends into RSP */
	movl	%ebp, %edi
	movl	%esi, %esi
	movl	%ebx, %edx
	call	loader_main
1:	cli
	hlt
	jmp	1b

	.section .rodata
msg_bad_magic:
	.asciz	"chainloader: error: not started by a multiboot2 loader: EAX 0x"
msg_bad_magic_end:
	.asciz	", expected 0x36d76289\n"
msg_no_long_mode:
	.asciz	"chainloader: error: this CPU has no 64-bit long mode (CPUID 0x80000001 EDX bit 29)\n"
msg_no_workspace:
	.asciz	"chainloader: error: no room for the loader's workspace (" STR(WORKSPACE_SIZE) " bytes): no page-aligned available RAM in [1 MiB, 4 GiB) clear of the image, the multiboot2 information and the modules\n"
hex_digits:
	.ascii	"0123456789abcdef"

	.balign 8
	.global boot_gdt
boot_gdt:
	.quad	0			/* null */
	.quad	0x00CF9A000000FFFF	/* 0x08: 32-bit code, flat */
	.quad	0x00AF9A000000FFFF	/* 0x10: 64-bit code (__BOOT_CS) */
	.quad	0x00CF92000000FFFF	/* 0x18: data, flat (__BOOT_DS) */
boot_gdt_end:
	.global boot_gdt_ptr
boot_gdt_ptr:
	.short	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.section .data
	.balign 8
	.global entry_tsc
entry_tsc:
	.quad	0
early_vga_cell:
	.long	0

/* early_stack_top: the end of linker.ld's reloc area, which the stack reuses. */
