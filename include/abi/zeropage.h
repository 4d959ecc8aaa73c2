/* The Linux x86 boot protocol: setup_header and the zero page (boot_params).
 * Offsets from Documentation/arch/x86/boot.rst and zero-page.rst, and
 * arch/x86/include/uapi/asm/bootparam.h; each field we rely on is asserted. */
#ifndef CHAINLOADER_ABI_ZEROPAGE_H
#define CHAINLOADER_ABI_ZEROPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "abi/e820.h"

#define BOOT_FLAG_MAGIC 0xAA55u          /* boot_flag at image offset 0x1FE */
#define SETUP_HEADER_MAGIC 0x53726448u   /* "HdrS" at image offset 0x202 */
#define SETUP_HEADER_OFFSET 0x1F1u       /* setup_header starts here, in image and zero page */
#define SETUP_JUMP_OFFSET 0x200u         /* 2-byte short jump; its displacement ends the header */
#define SETUP_SECTS_DEFAULT 4u           /* setup_sects == 0 means 4 */
#define SECTOR_SIZE 512u
#define SYSSIZE_UNIT 16u                 /* syssize counts 16-byte paragraphs */
#define KERNEL_ENTRY64_OFFSET 0x200u     /* 64-bit entry: load address + 0x200 */

#define BOOT_PROTOCOL(major, minor) (((major) << 8) | (minor))
#define BOOT_PROTOCOL_MIN BOOT_PROTOCOL(2, 10)    /* pref_address, init_size: safe placement */
#define BOOT_PROTOCOL_MIN_64 BOOT_PROTOCOL(2, 12) /* xloadflags, the 64-bit entry */
#define BOOT_PROTOCOL_RSDP BOOT_PROTOCOL(2, 14)   /* acpi_rsdp_addr */
#define CODE32_START_DEFAULT 0x100000u           /* code32_start of an image linked at 1 MiB */

/* loadflags */
#define LOADED_HIGH (1u << 0)   /* protected-mode code at 0x100000 (bzImage) */
#define KASLR_FLAG (1u << 1)
#define QUIET_FLAG (1u << 5)
#define KEEP_SEGMENTS (1u << 6)
#define CAN_USE_HEAP (1u << 7)

/* xloadflags */
#define XLF_KERNEL_64 (1u << 0)                /* has the 64-bit entry at +0x200 */
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)   /* kernel, boot_params, cmdline, initrd may be above 4G */
#define XLF_EFI_HANDOVER_32 (1u << 2)
#define XLF_EFI_HANDOVER_64 (1u << 3)
#define XLF_EFI_KEXEC (1u << 4)
#define XLF_5LEVEL (1u << 5)
#define XLF_5LEVEL_ENABLED (1u << 6)

#define LOADER_TYPE_UNDEFINED 0xFFu /* type_of_loader: a loader without an assigned id */

/* screen_info.orig_video_isVGA */
#define VIDEO_TYPE_VGAC 0x22u  /* VGA text */
#define VIDEO_TYPE_VLFB 0x23u  /* VESA linear framebuffer (BIOS): lfb_size in 64 KiB units */
#define VIDEO_TYPE_EFI 0x70u   /* EFI framebuffer: lfb_size in bytes */
/* screen_info.capabilities */
#define VIDEO_CAPABILITY_SKIP_QUIRKS (1u << 0)
#define VIDEO_CAPABILITY_64BIT_BASE (1u << 1) /* ext_lfb_base holds bits 63:32 */

#define EFI64_LOADER_SIGNATURE 0x34364c45u /* "EL64" */

struct setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;
	uint16_t jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image;
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;
	uint32_t initrd_addr_max;   /* highest address of the initrd's last byte */
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;      /* log2 */
	uint16_t xloadflags;
	uint32_t cmdline_size;      /* longest command line, excluding the NUL */
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
} __attribute__((packed));

/* Offsets are relative to the image / zero page, so subtract nothing below. */
#define SH_OFF(field) (SETUP_HEADER_OFFSET + offsetof(struct setup_header, field))
_Static_assert(SH_OFF(setup_sects) == 0x1F1, "setup_sects");
_Static_assert(SH_OFF(syssize) == 0x1F4, "syssize");
_Static_assert(SH_OFF(vid_mode) == 0x1FA, "vid_mode");
_Static_assert(SH_OFF(boot_flag) == 0x1FE, "boot_flag");
_Static_assert(SH_OFF(jump) == 0x200, "jump");
_Static_assert(SH_OFF(header) == 0x202, "header");
_Static_assert(SH_OFF(version) == 0x206, "version");
_Static_assert(SH_OFF(type_of_loader) == 0x210, "type_of_loader");
_Static_assert(SH_OFF(loadflags) == 0x211, "loadflags");
_Static_assert(SH_OFF(code32_start) == 0x214, "code32_start");
_Static_assert(SH_OFF(ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(SH_OFF(ramdisk_size) == 0x21C, "ramdisk_size");
_Static_assert(SH_OFF(heap_end_ptr) == 0x224, "heap_end_ptr");
_Static_assert(SH_OFF(cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(SH_OFF(initrd_addr_max) == 0x22C, "initrd_addr_max");
_Static_assert(SH_OFF(kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(SH_OFF(relocatable_kernel) == 0x234, "relocatable_kernel");
_Static_assert(SH_OFF(min_alignment) == 0x235, "min_alignment");
_Static_assert(SH_OFF(xloadflags) == 0x236, "xloadflags");
_Static_assert(SH_OFF(cmdline_size) == 0x238, "cmdline_size");
_Static_assert(SH_OFF(hardware_subarch) == 0x23C, "hardware_subarch");
_Static_assert(SH_OFF(payload_offset) == 0x248, "payload_offset");
_Static_assert(SH_OFF(payload_length) == 0x24C, "payload_length");
_Static_assert(SH_OFF(setup_data) == 0x250, "setup_data");
_Static_assert(SH_OFF(pref_address) == 0x258, "pref_address");
_Static_assert(SH_OFF(init_size) == 0x260, "init_size");
_Static_assert(SH_OFF(kernel_info_offset) == 0x268, "kernel_info_offset");
#define SETUP_HEADER_END (SETUP_HEADER_OFFSET + sizeof(struct setup_header)) /* 0x26C */
_Static_assert(SETUP_HEADER_END == 0x26C, "setup_header size");

/* setup_data: a linked list the kernel walks from hdr.setup_data (protocol >= 2.09). */
#define SETUP_E820_EXT 1 /* e820 entries beyond the zero page's 128 */
#define SETUP_RNG_SEED 9 /* bytes the kernel mixes into its RNG early, then wipes (Linux 5.20+) */

struct setup_data {
	uint64_t next; /* physical address of the next node, 0 at the end */
	uint32_t type;
	uint32_t len;  /* bytes of data after this header */
	/* data follows */
};
_Static_assert(sizeof(struct setup_data) == 16, "setup_data header");

struct screen_info {
	uint8_t orig_x;
	uint8_t orig_y;
	uint16_t ext_mem_k;
	uint16_t orig_video_page;
	uint8_t orig_video_mode;
	uint8_t orig_video_cols;
	uint8_t flags;
	uint8_t unused2;
	uint16_t orig_video_ega_bx;
	uint16_t unused3;
	uint8_t orig_video_lines;
	uint8_t orig_video_isVGA;
	uint16_t orig_video_points;
	uint16_t lfb_width;
	uint16_t lfb_height;
	uint16_t lfb_depth;
	uint32_t lfb_base;
	uint32_t lfb_size;
	uint16_t cl_magic, cl_offset;
	uint16_t lfb_linelength;
	uint8_t red_size;
	uint8_t red_pos;
	uint8_t green_size;
	uint8_t green_pos;
	uint8_t blue_size;
	uint8_t blue_pos;
	uint8_t rsvd_size;
	uint8_t rsvd_pos;
	uint16_t vesapm_seg;
	uint16_t vesapm_off;
	uint16_t pages;
	uint16_t vesa_attributes;
	uint32_t capabilities;
	uint32_t ext_lfb_base;
	uint8_t _reserved[2];
} __attribute__((packed));
_Static_assert(offsetof(struct screen_info, lfb_width) == 0x12, "lfb_width");
_Static_assert(offsetof(struct screen_info, cl_magic) == 0x20, "cl_magic (protocol < 2.02)");
_Static_assert(offsetof(struct screen_info, lfb_depth) == 0x16, "lfb_depth");
_Static_assert(offsetof(struct screen_info, lfb_base) == 0x18, "lfb_base");
_Static_assert(offsetof(struct screen_info, lfb_size) == 0x1C, "lfb_size");
_Static_assert(offsetof(struct screen_info, lfb_linelength) == 0x24, "lfb_linelength");
_Static_assert(offsetof(struct screen_info, red_size) == 0x26, "red_size");
_Static_assert(offsetof(struct screen_info, rsvd_pos) == 0x2D, "rsvd_pos");
_Static_assert(offsetof(struct screen_info, pages) == 0x32, "pages");
_Static_assert(offsetof(struct screen_info, capabilities) == 0x36, "capabilities");
_Static_assert(offsetof(struct screen_info, ext_lfb_base) == 0x3A, "ext_lfb_base");
_Static_assert(offsetof(struct screen_info, orig_video_mode) == 0x06, "orig_video_mode");
_Static_assert(offsetof(struct screen_info, orig_video_cols) == 0x07, "orig_video_cols");
_Static_assert(offsetof(struct screen_info, orig_video_lines) == 0x0E, "orig_video_lines");
_Static_assert(offsetof(struct screen_info, orig_video_isVGA) == 0x0F, "orig_video_isVGA");
_Static_assert(offsetof(struct screen_info, orig_video_points) == 0x10, "orig_video_points");
_Static_assert(sizeof(struct screen_info) == 0x40, "screen_info");

struct efi_info {
	uint32_t efi_loader_signature; /* "EL64" */
	uint32_t efi_systab;
	uint32_t efi_memdesc_size;
	uint32_t efi_memdesc_version;
	uint32_t efi_memmap;
	uint32_t efi_memmap_size;
	uint32_t efi_systab_hi;
	uint32_t efi_memmap_hi;
} __attribute__((packed));
_Static_assert(sizeof(struct efi_info) == 0x20, "efi_info");
_Static_assert(offsetof(struct efi_info, efi_memmap) == 0x10, "efi_memmap");
_Static_assert(offsetof(struct efi_info, efi_systab_hi) == 0x18, "efi_systab_hi");

struct boot_params {
	struct screen_info screen_info;        /* 0x000 */
	uint8_t _pad_apm_tboot_ist[0x70 - 0x40];
	uint64_t acpi_rsdp_addr;               /* 0x070 (protocol >= 2.14) */
	uint8_t _pad_legacy[0xC0 - 0x78];
	uint32_t ext_ramdisk_image;            /* 0x0C0 */
	uint32_t ext_ramdisk_size;             /* 0x0C4 */
	uint32_t ext_cmd_line_ptr;             /* 0x0C8 */
	uint8_t _pad_cc_edid[0x1C0 - 0xCC];
	struct efi_info efi_info;              /* 0x1C0 */
	uint32_t alt_mem_k;                    /* 0x1E0 */
	uint32_t scratch;                      /* 0x1E4 */
	uint8_t e820_entries;                  /* 0x1E8 */
	uint8_t eddbuf_entries;                /* 0x1E9 */
	uint8_t edd_mbr_sig_buf_entries;       /* 0x1EA */
	uint8_t kbd_status;                    /* 0x1EB */
	uint8_t secure_boot;                   /* 0x1EC */
	uint8_t _pad5[2];                      /* 0x1ED */
	uint8_t sentinel;                      /* 0x1EF: must stay 0, else the kernel drops fields */
	uint8_t _pad6;                         /* 0x1F0 */
	struct setup_header hdr;               /* 0x1F1 */
	uint8_t _pad7[0x2D0 - SETUP_HEADER_END];
	struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE]; /* 0x2D0 */
	uint8_t _pad_edd[0x1000 - 0xCD0];
} __attribute__((packed));
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr");
_Static_assert(offsetof(struct boot_params, ext_ramdisk_image) == 0x0C0, "ext_ramdisk_image");
_Static_assert(offsetof(struct boot_params, ext_ramdisk_size) == 0x0C4, "ext_ramdisk_size");
_Static_assert(offsetof(struct boot_params, ext_cmd_line_ptr) == 0x0C8, "ext_cmd_line_ptr");
_Static_assert(offsetof(struct boot_params, efi_info) == 0x1C0, "efi_info");
_Static_assert(offsetof(struct boot_params, alt_mem_k) == 0x1E0, "alt_mem_k");
_Static_assert(offsetof(struct boot_params, e820_entries) == 0x1E8, "e820_entries");
_Static_assert(offsetof(struct boot_params, sentinel) == 0x1EF, "sentinel");
_Static_assert(offsetof(struct boot_params, hdr) == 0x1F1, "hdr");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2D0, "e820_table");
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params is one page");

#endif
