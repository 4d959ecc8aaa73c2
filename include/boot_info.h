/* A neutral view of what GRUB told us, built from the multiboot2 information. */
#ifndef CHAINLOADER_BOOT_INFO_H
#define CHAINLOADER_BOOT_INFO_H

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

struct boot_info {
	struct mem_range mbi;       /* where the multiboot2 information itself lies */
	const char *loader_cmdline; /* multiboot2 command line tag, or NULL */
	const char *loader_name;    /* boot loader name tag, or NULL */
	size_t mmap_count;
	struct mmap_entry mmap[BOOT_INFO_MAX_MMAP];
	size_t module_count;
	struct boot_module modules[BOOT_INFO_MAX_MODULES];
};

/* Parses the multiboot2 information at `mbi` (mapped at its physical address
 * `mbi_phys`; they differ only in host tests). `avail` bounds how many bytes may
 * be read at all (the caller's mapping). Returns 0, or -1 with err set. */
int mb2_parse(const void *mbi, uint64_t mbi_phys, size_t avail, struct boot_info *out,
	      struct cl_error *err);

#endif
