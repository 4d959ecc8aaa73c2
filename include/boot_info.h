/* A neutral view of what GRUB told us, built from the multiboot2 information. */
#ifndef CHAINLOADER_BOOT_INFO_H
#define CHAINLOADER_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define BOOT_INFO_MAX_MMAP 512
#define BOOT_INFO_MAX_MODULES 64

/* Half-open physical range [start, end). */
struct mem_range {
	uint64_t start;
	uint64_t end;
};

static inline bool mem_range_overlaps(struct mem_range a, struct mem_range b)
{
	return a.start < b.end && b.start < a.end;
}

struct mmap_entry {
	uint64_t start;
	uint64_t end;  /* exclusive */
	uint32_t type; /* as GRUB passed it (e820 types on BIOS) */
};

struct boot_module {
	uint64_t start;
	uint64_t end;        /* exclusive, as multiboot2's mod_end */
	const uint8_t *data; /* the bytes of [start, end) as the loader reads them */
	const char *string;  /* NUL-terminated, inside the multiboot2 information */
};

/* The framebuffer GRUB set up (multiboot2 tag 8), when it is a linear RGB one. */
struct boot_framebuffer {
	uint64_t addr;    /* physical address of the first pixel */
	uint32_t pitch;   /* bytes per scan line */
	uint32_t width;   /* pixels */
	uint32_t height;  /* pixels */
	uint8_t bpp;      /* bits per pixel: 15, 16, 24 or 32 */
	uint8_t red_pos, red_size;
	uint8_t green_pos, green_size;
	uint8_t blue_pos, blue_size;
};

struct boot_info {
	struct mem_range mbi;       /* where the multiboot2 information itself lies */
	const char *loader_cmdline; /* multiboot2 command line tag, or NULL */
	const char *loader_name;    /* boot loader name tag, or NULL */
	const char *way_in;         /* how chainloader was started, for the banner; NULL: multiboot2 */
	size_t mmap_count;
	struct mmap_entry mmap[BOOT_INFO_MAX_MMAP];
	size_t module_count;
	struct boot_module modules[BOOT_INFO_MAX_MODULES];
	bool has_framebuffer;
	struct boot_framebuffer framebuffer;
	uint64_t efi_system_table;  /* 0 on BIOS */
	uint64_t efi_image_handle;  /* tag 20, when GRUB left the boot services running */
	bool efi_boot_services;     /* tag 18: GRUB left the EFI boot services running */
	const uint8_t *efi_mmap;    /* the EFI memory map inside the multiboot2 information, or NULL */
	uint32_t efi_mmap_size;     /* bytes */
	uint32_t efi_desc_size;
	uint32_t efi_desc_version;
	const uint8_t *acpi_rsdp;   /* GRUB's copy of the RSDP (tag 15, else 14), or NULL */
	uint32_t acpi_rsdp_size;
	uint8_t smbios_major;       /* tag 13 (SMBIOS entry point copy): version, 0 if absent; */
	uint8_t smbios_minor;       /* Linux finds the tables itself (EFI config table or BIOS scan) */
};

/* Parses the multiboot2 information at `mbi` (mapped at its physical address
 * `mbi_phys`; they differ only in host tests). `avail` bounds how many bytes may
 * be read at all (the caller's mapping). Returns 0, or -1 with err set. */
int mb2_parse(const void *mbi, uint64_t mbi_phys, size_t avail, struct boot_info *out,
	      struct cl_error *err);

/* What the UEFI entry needs before anything else: the system table (tag 12)
 * and the image handle (tag 20), 0 when absent. The walk checks the same
 * lengths as mb2_parse. */
struct mb2_efi_handles {
	uint64_t system_table;
	uint64_t image_handle;
};
int mb2_efi_handles(const void *mbi, uint64_t mbi_phys, size_t avail, struct mb2_efi_handles *out,
		    struct cl_error *err);

#endif
