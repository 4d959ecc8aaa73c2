/* What the firmware told GRUB, turned into what Linux reads (firmware/tables.h):
 * the EFI memory map as e820 input, the ACPI RSDP, the framebuffer as screen_info. */
#include "firmware/tables.h"

#include <string.h>

#include "abi/e820.h"

bool efi_mmap_desc(const struct boot_info *bi, uint32_t i, struct efi_memory_descriptor *d)
{
	uint64_t off = (uint64_t)i * bi->efi_desc_size;
	if (!bi->efi_desc_size || off + bi->efi_desc_size > bi->efi_mmap_size)
		return false;
	memcpy(d, bi->efi_mmap + off, sizeof(*d));
	return true;
}

uint32_t efi_type_to_e820(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return E820_TYPE_RAM;
	case EFI_ACPI_RECLAIM_MEMORY:
		return E820_TYPE_ACPI;
	case EFI_ACPI_MEMORY_NVS:
		return E820_TYPE_NVS;
	case EFI_UNUSABLE_MEMORY:
		return E820_TYPE_UNUSABLE;
	case EFI_PERSISTENT_MEMORY:
		return E820_TYPE_PMEM;
	default: /* runtime services, MMIO, PAL code, reserved, unknown */
		return E820_TYPE_RESERVED;
	}
}

int efi_mmap_to_entries(const struct boot_info *bi, struct mmap_entry *out, size_t cap, size_t *n,
			struct cl_error *err)
{
	struct efi_memory_descriptor d;
	for (uint32_t i = 0; efi_mmap_desc(bi, i, &d); i++) {
		uint64_t bytes, end;
		if (d.number_of_pages > (UINT64_MAX >> EFI_PAGE_SHIFT) ||
		    __builtin_add_overflow(d.physical_start, bytes = d.number_of_pages << EFI_PAGE_SHIFT, &end))
			return cl_fail(err, "EFI memory map: descriptor at 0x%llx + %llu pages overflows",
				       (unsigned long long)d.physical_start, (unsigned long long)d.number_of_pages);
		if (bytes == 0)
			continue;
		if (*n == cap)
			return cl_fail(err, "EFI memory map: more than %llu entries", (unsigned long long)cap);
		out[(*n)++] = (struct mmap_entry){ d.physical_start, end, efi_type_to_e820(d.type) };
	}
	return 0;
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

bool acpi_rsdp_valid(const uint8_t *p, size_t len)
{
	if (len < ACPI_RSDP_V1_SIZE || memcmp(p, "RSD PTR ", 8) != 0 || checksum(p, ACPI_RSDP_V1_SIZE))
		return false;
	uint8_t revision = p[15];
	if (revision < 2)
		return true;
	uint32_t length;
	if (len < ACPI_RSDP_V2_SIZE)
		return false;
	memcpy(&length, p + 20, sizeof(length));
	return length >= ACPI_RSDP_V2_SIZE && length <= len && checksum(p, length) == 0;
}

const uint8_t *acpi_scan_for_rsdp(const uint8_t *area, size_t len)
{
	for (size_t off = 0; off + ACPI_RSDP_V1_SIZE <= len; off += 16)
		if (acpi_rsdp_valid(area + off, len - off))
			return area + off;
	return NULL;
}

#define EFI_MAX_CONFIG_TABLES 1024

/* The first entry with this GUID that points at a valid RSDP, or 0. */
static uint64_t config_table_rsdp(const struct efi_system_table *st, const struct efi_guid *guid)
{
	for (uint64_t i = 0; i < st->number_of_table_entries; i++) {
		const struct efi_config_table *e = &st->configuration_table[i];
		if (!memcmp(&e->guid, guid, sizeof(*guid)) && e->table && acpi_rsdp_valid(e->table, ACPI_RSDP_V2_SIZE))
			return (uintptr_t)e->table;
	}
	return 0;
}

uint64_t efi_find_rsdp(uint64_t system_table)
{
	static const struct efi_guid acpi20 = EFI_ACPI_20_TABLE_GUID, acpi10 = EFI_ACPI_TABLE_GUID;
	const struct efi_system_table *st = (const struct efi_system_table *)(uintptr_t)system_table;
	if (!st || st->hdr.signature != EFI_SYSTEM_TABLE_SIGNATURE || !st->configuration_table ||
	    st->number_of_table_entries > EFI_MAX_CONFIG_TABLES)
		return 0;
	uint64_t rsdp = config_table_rsdp(st, &acpi20);
	return rsdp ? rsdp : config_table_rsdp(st, &acpi10);
}

bool screen_info_from_framebuffer(struct screen_info *si, const struct boot_framebuffer *fb, bool efi)
{
	uint64_t bytes = (uint64_t)fb->pitch * fb->height;
	memset(si, 0, sizeof(*si));
	if (fb->pitch > UINT16_MAX || fb->width > UINT16_MAX || fb->height > UINT16_MAX)
		return false;
	si->orig_video_isVGA = (uint8_t)(efi ? VIDEO_TYPE_EFI : VIDEO_TYPE_VLFB);
	si->lfb_width = (uint16_t)fb->width;
	si->lfb_height = (uint16_t)fb->height;
	si->lfb_depth = fb->bpp;
	si->lfb_base = (uint32_t)fb->addr;
	si->lfb_linelength = (uint16_t)fb->pitch;
	/* vesafb counts lfb_size in 64 KiB units, efifb in bytes. */
	uint64_t size = efi ? bytes : (bytes + 0xFFFF) >> 16;
	si->lfb_size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	si->red_pos = fb->red_pos;
	si->red_size = fb->red_size;
	si->green_pos = fb->green_pos;
	si->green_size = fb->green_size;
	si->blue_pos = fb->blue_pos;
	si->blue_size = fb->blue_size;
	/* The bits no colour uses, above them: the "reserved" (alpha) field. */
	unsigned top = 0;
	const unsigned ends[3] = { fb->red_pos + fb->red_size, fb->green_pos + fb->green_size, fb->blue_pos + fb->blue_size };
	for (int i = 0; i < 3; i++)
		if (ends[i] > top)
			top = ends[i];
	if (fb->bpp > top) {
		si->rsvd_pos = (uint8_t)top;
		si->rsvd_size = (uint8_t)(fb->bpp - top);
	}
	si->pages = 1;
	si->capabilities = VIDEO_CAPABILITY_SKIP_QUIRKS;
	if (fb->addr >> 32) {
		si->capabilities |= VIDEO_CAPABILITY_64BIT_BASE;
		si->ext_lfb_base = (uint32_t)(fb->addr >> 32);
	}
	return true;
}
