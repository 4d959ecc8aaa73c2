/* Multiboot2 ABI: the header chainloader carries and the information GRUB passes.
 * From the Multiboot2 specification (GRUB doc/multiboot.texi, multiboot2 branch). */
#ifndef CHAINLOADER_MULTIBOOT2_H
#define CHAINLOADER_MULTIBOOT2_H

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
#endif

/* Header (in the image). Plain numbers: this part is also included from assembly. */
#define MB2_HEADER_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0 /* 32-bit protected mode entry on x86 */
#define MB2_HEADER_ALIGN 8
#define MB2_HEADER_SEARCH_LIMIT 32768 /* header must lie in the first 32 KiB */

#define MB2_HEADER_TAG_END 0
#define MB2_HEADER_TAG_INFO_REQUEST 1
#define MB2_HEADER_TAG_FRAMEBUFFER 5
#define MB2_HEADER_TAG_MODULE_ALIGN 6
#define MB2_HEADER_TAG_EFI_BS 7              /* EFI only: do not exit the boot services */
#define MB2_HEADER_TAG_ENTRY_ADDRESS_EFI64 9 /* EFI amd64 only, with tag 7: the 64-bit entry */
#define MB2_HEADER_TAG_RELOCATABLE 10        /* load anywhere in [min, max), aligned */
#define MB2_HEADER_TAG_OPTIONAL 1 /* flags bit: GRUB may ignore the tag */

/* Value in EAX when GRUB enters the image. */
#define MB2_BOOTLOADER_MAGIC 0x36d76289

/* Information structure (passed in EBX). */
#define MB2_INFO_ALIGN 8
#define MB2_INFO_RESERVED 4 /* u32 after total_size: the BIOS entry borrows it for one call */

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_BOOT_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_BOOTDEV 5
#define MB2_TAG_MMAP 6
#define MB2_TAG_VBE 7
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ELF_SECTIONS 9
#define MB2_TAG_APM 10
#define MB2_TAG_EFI32 11
#define MB2_TAG_EFI64 12
#define MB2_TAG_SMBIOS 13
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_NETWORK 16
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_EFI_BS 18
#define MB2_TAG_EFI32_IH 19
#define MB2_TAG_EFI64_IH 20
#define MB2_TAG_LOAD_BASE_ADDR 21

#define MB2_FRAMEBUFFER_TYPE_RGB 1

/* Memory map entry types (on BIOS these are the e820 types GRUB read). */
#define MB2_MEMORY_AVAILABLE 1
#define MB2_MEMORY_RESERVED 2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS 4
#define MB2_MEMORY_BADRAM 5

#ifndef __ASSEMBLER__
struct mb2_info_header {
	uint32_t total_size; /* bytes, including this header and the end tag */
	uint32_t reserved;
};
_Static_assert(sizeof(struct mb2_info_header) == 8, "mb2 info header");
_Static_assert(offsetof(struct mb2_info_header, reserved) == MB2_INFO_RESERVED, "mb2 info reserved");

struct mb2_tag {
	uint32_t type;
	uint32_t size; /* bytes, including this header; next tag at ALIGN_UP(size, 8) */
};
_Static_assert(sizeof(struct mb2_tag) == 8, "mb2 tag");

struct mb2_tag_string { /* CMDLINE, BOOT_LOADER_NAME */
	struct mb2_tag tag;
	char string[]; /* NUL-terminated inside tag.size */
};
_Static_assert(offsetof(struct mb2_tag_string, string) == 8, "mb2 string tag");

struct mb2_tag_module {
	struct mb2_tag tag;
	uint32_t mod_start; /* physical address of the first byte */
	uint32_t mod_end;   /* physical address one past the last byte (exclusive) */
	char string[];      /* NUL-terminated inside tag.size */
};
_Static_assert(offsetof(struct mb2_tag_module, mod_start) == 8, "mb2 module");
_Static_assert(offsetof(struct mb2_tag_module, mod_end) == 12, "mb2 module");
_Static_assert(offsetof(struct mb2_tag_module, string) == 16, "mb2 module");

struct mb2_mmap_entry {
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "mb2 mmap entry");

struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size;    /* a multiple of 8, >= sizeof(struct mb2_mmap_entry) */
	uint32_t entry_version; /* 0 */
	/* entries follow at offset 16 */
};
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "mb2 mmap tag");

struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t type;     /* 0 indexed, 1 RGB, 2 EGA text */
	uint16_t reserved;
	/* type 1: */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __attribute__((packed));
_Static_assert(offsetof(struct mb2_tag_framebuffer, addr) == 8, "framebuffer addr");
_Static_assert(offsetof(struct mb2_tag_framebuffer, bpp) == 28, "framebuffer bpp");
_Static_assert(offsetof(struct mb2_tag_framebuffer, type) == 29, "framebuffer type");
_Static_assert(offsetof(struct mb2_tag_framebuffer, red_pos) == 32, "framebuffer rgb");
_Static_assert(sizeof(struct mb2_tag_framebuffer) == 38, "framebuffer tag");

struct mb2_tag_efi64 {
	struct mb2_tag tag;
	uint64_t pointer; /* the EFI system table */
};
_Static_assert(sizeof(struct mb2_tag_efi64) == 16, "efi64 tag");

struct mb2_tag_efi_mmap {
	struct mb2_tag tag;
	uint32_t descr_size;
	uint32_t descr_vers;
	/* the EFI memory map follows at offset 16 */
};
_Static_assert(sizeof(struct mb2_tag_efi_mmap) == 16, "efi mmap tag");

#endif /* __ASSEMBLER__ */

#endif
