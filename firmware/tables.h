/* What the firmware told GRUB, turned into what Linux reads: the EFI memory map
 * as e820 input, the ACPI RSDP, the framebuffer as screen_info. */
#ifndef CHAINLOADER_FIRMWARE_H
#define CHAINLOADER_FIRMWARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"
#include "abi/zeropage.h"
#include "boot_info.h"
#include "error.h"

/* The i-th descriptor of the EFI memory map bi holds, into *d; false past its
 * end. The one walk over an EFI map: for (i = 0; efi_mmap_desc(bi, i, &d); i++). */
bool efi_mmap_desc(const struct boot_info *bi, uint32_t i, struct efi_memory_descriptor *d);

/* e820 type of an EFI memory type, as Linux's EFI stub maps them (boot services
 * are over, so their memory is RAM; runtime services stay reserved). */
uint32_t efi_type_to_e820(uint32_t efi_type);

/* Appends the EFI memory map's descriptors to out[*n..cap) as mmap entries. */
int efi_mmap_to_entries(const struct boot_info *bi, struct mmap_entry *out, size_t cap, size_t *n,
			struct cl_error *err);

#define ACPI_RSDP_V1_SIZE 20
#define ACPI_RSDP_V2_SIZE 36

/* A valid RSDP at p (len bytes readable): signature "RSD PTR ", the 1.0 checksum,
 * and for revision >= 2 the length and the extended checksum. */
bool acpi_rsdp_valid(const uint8_t *p, size_t len);

/* The RSDP in the EFI system table's configuration table (ACPI 2.0 GUID first,
 * then 1.0), or 0. Physical memory is read through the identity map. */
uint64_t efi_find_rsdp(uint64_t system_table);

/* The first valid RSDP on a 16-byte boundary of [area, area + len), or NULL. */
const uint8_t *acpi_scan_for_rsdp(const uint8_t *area, size_t len);

/* screen_info for GRUB's framebuffer: VIDEO_TYPE_EFI under UEFI, VIDEO_TYPE_VLFB on BIOS.
 * False (and si zeroed) when the mode does not fit screen_info's 16-bit fields. */
bool screen_info_from_framebuffer(struct screen_info *si, const struct boot_framebuffer *fb, bool efi);

#endif
