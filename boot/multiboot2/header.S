/* The multiboot2 header GRUB looks for in the first 32 KiB of chainloader.elf.
 * No code here: GRUB reads it, then enters _start (arch/x86_64/start32.S) on
 * BIOS, or efi_start (arch/x86_64/efi_entry.S) on x86_64 UEFI with the boot
 * services still running. GRUB on BIOS accepts and ignores the two EFI tags. */
#include "abi/multiboot2.h"
#include "relocate.h"

	.section .multiboot2, "a"
	.balign MB2_HEADER_ALIGN
	.global mb2_header
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Information we cannot boot without: GRUB fails the load if it cannot give it. */
	.balign 8
info_request:
	.short MB2_HEADER_TAG_INFO_REQUEST
	.short 0
	.long info_request_end - info_request
	.long MB2_TAG_MMAP
	.long MB2_TAG_MODULE
info_request_end:

	/* A linear framebuffer if GRUB can set one (no preferred size: GRUB's gfxmode
	 * decides). Optional: GRUB boots us in text mode when it cannot, or when
	 * grub.cfg says `set gfxpayload=text` after the multiboot2 line (the
	 * multiboot2 command resets gfxpayload). Linux then gets it as screen_info. */
	.balign 8
	.short MB2_HEADER_TAG_FRAMEBUFFER
	.short MB2_HEADER_TAG_OPTIONAL
	.long 20
	.long 0			/* width: no preference */
	.long 0			/* height */
	.long 0			/* depth */

	/* Page-aligned modules: a kernel or initrd can then often stay where it is. */
	.balign 8
	.short MB2_HEADER_TAG_MODULE_ALIGN
	.short 0
	.long 8

	/* UEFI: keep the boot services, so chainloader itself can collect what only
	 * they can tell (TPM event log, secure-boot state, RNG seed, GOP) and exit
	 * them; GRUB then enters efi_start in 64-bit mode instead of _start. */
	.balign 8
	.short MB2_HEADER_TAG_EFI_BS
	.short 0
	.long 8

	.balign 8
	.short MB2_HEADER_TAG_ENTRY_ADDRESS_EFI64
	.short 0
	.long 12
	.long efi_start

	/* Load anywhere in [1 MiB, 2 GiB), lowest first: under UEFI GRUB must get
	 * the image's pages from the firmware, and 1 MiB may be taken. The entries
	 * relocate the image before anything else (include/relocate.h). */
	.balign 8
	.short MB2_HEADER_TAG_RELOCATABLE
	.short 0
	.long 24
	.long RELOC_MIN_ADDR
	.long RELOC_MAX_ADDR
	.long RELOC_ALIGN
	.long MB2_LOAD_PREFERENCE_LOW

	.balign 8
	.short MB2_HEADER_TAG_END
	.short 0
	.long 8
mb2_header_end:
