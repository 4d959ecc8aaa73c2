/* Rules for what the firmware told the loader and the loader passed on:
 * the ACPI RSDP, the EFI memory map, the framebuffer in screen_info.
 * Pure functions (no hardware, no output): the host unit tests run them. */
#ifndef PROBE_FWRULES_H
#define PROBE_FWRULES_H

#include "probe.h"
#include "bootparam.h"
#include "memmap.h"

/* ---- ACPI RSDP (ACPI 6.x, 5.2.5.3) ---- */
#define RSDP_V1_LEN 20   /* ACPI 1.0: signature .. RsdtAddress, covered by Checksum */
#define RSDP_V2_LEN 36   /* revision >= 2: + Length, XsdtAddress, ExtendedChecksum */
#define RSDP_MAX_LEN 4096 /* a Length beyond this is not believed */
#define RSDP_REVISION_OFF 15
#define RSDP_LENGTH_OFF 20

/* p points at avail readable bytes. Valid: "RSD PTR ", the 20 bytes sum to
 * 0, and for revision >= 2 Length is in [36, avail] and its Length bytes
 * sum to 0. *len gets the bytes the RSDP covers (20, or Length). */
bool rsdp_valid(const uint8_t *p, uint64_t avail, uint32_t *len, char *why, size_t why_size);

/* ---- EFI memory map (UEFI 2.x, EFI_MEMORY_DESCRIPTOR) ---- */
#define EFI_MEMDESC_MIN 40
#define EFI_MEMORY_TYPES 16 /* EfiReservedMemoryType .. EfiUnacceptedMemoryType */
#define EFI_CONVENTIONAL_MEMORY 7
#define EFI_PAGE_SHIFT 12

struct efi_memdesc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t num_pages;
	uint64_t attribute;
} __attribute__((packed)); /* packed: the map's copy need not be 8-byte aligned */
_Static_assert(sizeof(struct efi_memdesc) == EFI_MEMDESC_MIN, "EFI memory descriptor");

/* efi_memdesc_size >= 40 and a multiple of 8; efi_memmap_size a nonzero
 * multiple of it. */
bool efi_memmap_shape_ok(uint64_t size, uint32_t desc_size, char *why, size_t why_size);

/* Every descriptor (in any order): type < 16, NumberOfPages > 0,
 * PhysicalStart 4 KiB aligned, the range not wrapping. Needs the shape ok. */
bool efi_memmap_descs_ok(const uint8_t *map, uint64_t size, uint32_t desc_size, char *why,
			 size_t why_size);

/* Does the e820 map agree with the EFI map? Every EfiConventionalMemory
 * range is e820 usable RAM, and no range the kernel must keep (reserved,
 * runtime services, unusable, ACPI reclaim and NVS, MMIO, PAL code,
 * persistent memory) is. Boot-services and loader memory may be either. */
bool efi_memmap_agrees(const uint8_t *map, uint64_t size, uint32_t desc_size, const struct memmap *e820,
		       char *why, size_t why_size);

/* ---- the framebuffer in screen_info ---- */
#define LFB_VLFB_UNIT 0x10000u /* VIDEO_TYPE_VLFB counts lfb_size in 64 KiB */

/* lfb_base, with ext_lfb_base when VIDEO_CAPABILITY_64BIT_BASE is set. */
uint64_t lfb_base(const struct screen_info *si);
/* lfb_size in bytes: as is for EFI, times 64 KiB for VLFB. */
uint64_t lfb_bytes(const struct screen_info *si, bool efi);

/* lfb_width, lfb_height, lfb_depth nonzero; lfb_linelength >= width times
 * the bytes per pixel. */
bool lfb_mode_ok(const struct screen_info *si, char *why, size_t why_size);
/* With B = lfb_linelength * lfb_height: EFI: lfb_size in [B, B rounded up
 * to 64 KiB] bytes (GRUB rounds, chainloader does not); VLFB: lfb_size ==
 * B / 64 KiB rounded up. */
bool lfb_size_ok(const struct screen_info *si, bool efi, char *why, size_t why_size);
/* Red, green and blue sizes nonzero; every field (reserved too, when its
 * size is nonzero) within lfb_depth bits; no two fields share a bit. */
bool lfb_colours_ok(const struct screen_info *si, char *why, size_t why_size);

#endif
