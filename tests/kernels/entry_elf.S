/* Entry points of probe.elf (linked at fixed addresses by elf.ld).
 *
 * elf64_entry (e_entry; 64-bit mode, paging on)
 *   In:  RSI = boot_params (the loader's promise, checked later); the
 *        loader's CR3, GDT and stack (the stack is not used).
 *   Uses only mov/lea before record64 so the flags are recorded as given.
 *
 * pvh_entry (XEN_ELFNOTE_PHYS32_ENTRY; 32-bit protected mode, paging off)
 *   In:  EBX = hvm_start_info; flat CS/DS; no stack is promised, so the
 *        probe's own stack comes first (its absolute address is fine:
 *        this image only runs at its link address).
 *
 * Both record the entry state, then continue in long_mode.S.
 */
#include "probe_asm.h"

	.section .text.entry, "ax"
	.code64
	.globl elf64_entry
	.hidden elf64_entry
elf64_entry:
	movq %rsp, %rcx
	leaq probe_stack_top(%rip), %rsp
	leaq elf64_entry(%rip), %rdx
	movl $ENTRY_ELF64, %eax
	call record64
	jmp common64

	.code32
	.globl pvh_entry
	.hidden pvh_entry
pvh_entry:
	movl %esp, %ecx
	movl $probe_stack_top, %esp
	call 1f
1:	popl %edx
	leal -(1b - pvh_entry)(%edx), %edx  /* lea, not sub: keeps the flags */
	movl $ENTRY_PVH, %eax
	call record32
	jmp enter_long32

	/* Link-time addresses, for comparing with where the code runs. */
	.section .rodata
	.balign 8
	.globl elf_link_entry64, elf_link_pvh
	.hidden elf_link_entry64
	.hidden elf_link_pvh
elf_link_entry64:
	.quad elf64_entry
elf_link_pvh:
	.quad pvh_entry

	/* One marker per PT_LOAD segment: its own link address and a magic
	 * number, read back at that address by image_elf.c. */
	.section .rodata.marker, "a"
	.balign 8
	.globl elf_text_marker
	.hidden elf_text_marker
elf_text_marker:
	.quad elf_text_marker
	.quad 0x31544e4d54584554         /* "TEXTMNT1" */

	.section .data.marker, "aw"
	.balign 8
	.globl elf_data_marker
	.hidden elf_data_marker
elf_data_marker:
	.quad elf_data_marker
	.quad 0x31544e4d41544144         /* "DATAMNT1" */

	/* The bss the probe checks is all zero at entry (elf.ld puts it first
	 * in .bss; common64 does not zero it). */
	.section .bss.zerocheck, "aw", @nobits
	.balign 4096
	.globl elf_zerocheck
	.hidden elf_zerocheck
elf_zerocheck:
	.space 0x20000
