/* Self-relocation: GRUB may load chainloader.elf at any 4 KiB-aligned address
 * in [RELOC_MIN_ADDR, RELOC_MAX_ADDR) (the relocatable tag, boot/multiboot2/header.S).
 * The loader is linked at 1 MiB and compiled without PIC (smaller code), so
 * both entries (start32.S, efi_entry.S) first add (load - link address) to
 * every absolute reference to the image, from the table scripts/mkreloc.py
 * wrote into the linker's reloc area (linker.ld, also the BIOS early stack).
 * Assembly only. */
#ifndef CHAINLOADER_RELOCATE_H
#define CHAINLOADER_RELOCATE_H

#define RELOC_LINK_ADDR 0x100000  /* linker.ld's LOAD_ADDRESS; also the lowest load address */
#define RELOC_MIN_ADDR RELOC_LINK_ADDR /* so the distance is never negative */
/* The image ends at or below 2 GiB: R_X86_64_32S references (sign-extended)
 * stay valid, and a 64-bit pointer's high half stays 0. */
#define RELOC_MAX_ADDR 0x80000000
#define RELOC_ALIGN 0x1000 /* every section's alignment divides it */
#define MB2_LOAD_PREFERENCE_LOW 1

#ifdef __ASSEMBLER__
/* APPLY_RELOCATIONS table, site, step, step32, distance32
 * Walks the table at \table (the sites' distances, scripts/mkreloc.py: a byte
 * 1..255, or 0 and a 16-bit distance; 0 and 0x0000 end it) from \site = the
 * image's load address, adding \distance32 to the 32-bit word at each site.
 * Registers only, no stack: the BIOS entry has none yet. Clobbers \table,
 * \site and \step (\step32 its 32-bit name). The same code in 32- and 64-bit
 * mode: pass 32- or 64-bit registers for \table, \site and \step. */
.macro APPLY_RELOCATIONS table, site, step, step32, distance32
.Lreloc_next\@:
	movzbl	(\table), \step32
	inc	\table
	test	\step32, \step32
	jnz	.Lreloc_site\@
	movzwl	(\table), \step32
	add	$2, \table
	test	\step32, \step32
	jz	.Lreloc_done\@
.Lreloc_site\@:
	add	\step, \site
	addl	\distance32, (\site)
	jmp	.Lreloc_next\@
.Lreloc_done\@:
.endm

/* START_CLOCK_AND_CLEAR_BSS (64-bit mode, once relocated): entry_tsc = the
 * TSC (the loader's own time starts here), then .bss zeroed. Clobbers RAX,
 * RCX, RDX and RDI. Both 64-bit entries (arch/x86_64/efi_entry.S,
 * boot/efi_stub/entry.S) run it before their C. */
.macro START_CLOCK_AND_CLEAR_BSS
	rdtsc
	movl	%eax, entry_tsc(%rip)
	movl	%edx, entry_tsc + 4(%rip)
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
.endm
#endif

#endif
