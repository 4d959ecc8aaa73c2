/* chainloader-check's memory maps (tools/check_map.h). The machine models
 * were measured on QEMU 7.2 (Debian 12) with chainloader's `verbose` lines:
 * SeaBIOS's e820 on pc and q35 at 512, 2816, 3072, 3584 and 8192 MiB, and
 * OVMF 2022's EFI memory map on q35 at 8192 MiB (its regions, rounded). */
#include "check_map.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/e820.h"

#define MIB 0x100000ull
#define FOUR_GIB 0x100000000ull

#define EFI_ATTR_WB 0xfull                 /* UC | WC | WT | WB, as OVMF gives RAM */
#define EFI_ATTR_RUNTIME 0x8000000000000000ull

static void add_e820(struct check_map *m, uint64_t start, uint64_t end, uint32_t type)
{
	if (end > start && m->count < CHECK_MAP_MAX)
		m->e820[m->count++] = (struct mb2_mmap_entry){ start, end - start, type, 0 };
}

static void add_efi(struct check_map *m, uint64_t start, uint64_t end, uint32_t type)
{
	if (end <= start || m->efi_count == CHECK_MAP_MAX)
		return;
	uint64_t attr = type == EFI_RUNTIME_SERVICES_CODE || type == EFI_RUNTIME_SERVICES_DATA || type == EFI_MEMORY_MAPPED_IO ? EFI_ATTR_RUNTIME : 0;
	attr |= type == EFI_MEMORY_MAPPED_IO ? 1 : EFI_ATTR_WB;
	m->desc[m->efi_count++] = (struct efi_memory_descriptor){
		.type = type, .physical_start = start, .number_of_pages = (end - start) >> EFI_PAGE_SHIFT, .attribute = attr
	};
}

/* Gives [start, end) of every conventional descriptor the type `type`
 * (what GRUB allocated there), splitting descriptors at its edges. */
static void paint_conventional(struct check_map *m, uint64_t start, uint64_t end, uint32_t type)
{
	size_t n = m->efi_count;
	for (size_t i = 0; i < n; i++) {
		struct efi_memory_descriptor *d = &m->desc[i];
		uint64_t ds = d->physical_start, de = ds + (d->number_of_pages << EFI_PAGE_SHIFT);
		if (d->type != EFI_CONVENTIONAL_MEMORY || de <= start || ds >= end)
			continue;
		uint64_t ps = start > ds ? start : ds, pe = end < de ? end : de;
		d->number_of_pages = (ps - ds) >> EFI_PAGE_SHIFT; /* the part below; may become empty */
		add_efi(m, ps, pe, type);
		add_efi(m, pe, de, EFI_CONVENTIONAL_MEMORY);
	}
}

static int by_start(const void *a, const void *b)
{
	const struct efi_memory_descriptor *x = a, *y = b;
	return x->physical_start < y->physical_start ? -1 : x->physical_start > y->physical_start;
}

static void drop_empty_and_sort(struct check_map *m)
{
	size_t k = 0;
	for (size_t i = 0; i < m->efi_count; i++)
		if (m->desc[i].number_of_pages)
			m->desc[k++] = m->desc[i];
	m->efi_count = k;
	qsort(m->desc, k, sizeof(m->desc[0]), by_start);
}

/* OVMF's regions below the top of low RAM (`low`), from the top down:
 * NVS, boot-services data, ACPI tables and NVS, reserved, runtime code and
 * data (the system table is there), boot-services code and data (DXE's
 * pools, GRUB's heap). */
static const struct { uint32_t below_top_kib; uint32_t type; } ovmf_top[] = {
	{ 512, EFI_ACPI_MEMORY_NVS },      { 2048, EFI_BOOT_SERVICES_DATA }, { 2560, EFI_ACPI_MEMORY_NVS }, { 2632, EFI_ACPI_RECLAIM_MEMORY },
	{ 3072, EFI_RESERVED_TYPE },     { 4096, EFI_RUNTIME_SERVICES_CODE },  { 5120, EFI_RUNTIME_SERVICES_DATA }, { 16384, EFI_BOOT_SERVICES_DATA },
	{ 20480, EFI_BOOT_SERVICES_CODE },     { 65536, EFI_BOOT_SERVICES_DATA },
};
#define OVMF_TOP_KIB 65536u

static void uefi_map(struct check_map *m, enum check_machine machine, uint64_t low, uint64_t high,
		     const struct check_loaded *loaded, size_t nloaded)
{
	m->efi = true;
	add_efi(m, 0, 0x1000, EFI_BOOT_SERVICES_CODE);
	add_efi(m, 0x1000, 0x4f000, EFI_LOADER_DATA); /* GRUB's low allocations (the information) */
	add_efi(m, 0x4f000, 0xa0000, EFI_CONVENTIONAL_MEMORY);
	add_efi(m, MIB, 0x806000, EFI_CONVENTIONAL_MEMORY);
	add_efi(m, 0x806000, 0x808000, EFI_ACPI_MEMORY_NVS);
	add_efi(m, 0x808000, 0x810000, EFI_CONVENTIONAL_MEMORY);
	add_efi(m, 0x810000, 0x900000, EFI_ACPI_MEMORY_NVS);
	add_efi(m, 0x900000, 0x1500000, EFI_BOOT_SERVICES_DATA); /* PEI's memory */
	uint64_t top = low - (uint64_t)OVMF_TOP_KIB * 1024;
	add_efi(m, CHECK_UEFI_MODULES_START, top, EFI_CONVENTIONAL_MEMORY);
	uint64_t end = low;
	for (size_t i = 0; i < sizeof(ovmf_top) / sizeof(ovmf_top[0]); i++) {
		uint64_t start = low - (uint64_t)ovmf_top[i].below_top_kib * 1024;
		add_efi(m, start, end, ovmf_top[i].type);
		if (ovmf_top[i].type == EFI_RUNTIME_SERVICES_DATA)
			m->efi_system_table = start + 0x18; /* past its header, as OVMF's is */
		end = start;
	}
	if (machine == MACHINE_Q35)
		add_efi(m, 0xb0000000, 0xc0000000, EFI_RESERVED_TYPE); /* PCIe MMCONFIG */
	add_efi(m, 0xffc00000, FOUR_GIB, EFI_MEMORY_MAPPED_IO);           /* the flash */
	add_efi(m, FOUR_GIB, FOUR_GIB + high, EFI_CONVENTIONAL_MEMORY);
	for (size_t i = 0; i < nloaded; i++)
		paint_conventional(m, loaded[i].start, loaded[i].end, EFI_LOADER_DATA);
	drop_empty_and_sort(m);
}

void check_map_machine(struct check_map *m, enum check_machine machine, uint64_t mib, bool uefi,
		       const struct check_loaded *loaded, size_t nloaded)
{
	uint64_t mem = mib * MIB;
	/* RAM below 4 GiB stops at the PCI hole once there is enough of it. */
	uint64_t low = mem;
	if (machine == MACHINE_PC && mem >= 0xe0000000ull)
		low = 0xc0000000ull;
	if (machine == MACHINE_Q35 && mem >= 0xb0000000ull)
		low = 0x80000000ull;
	uint64_t high = mem - low;
	memset(m, 0, sizeof(*m));
	if (uefi) {
		uefi_map(m, machine, low, high, loaded, nloaded);
		return;
	}
	/* SeaBIOS keeps its high tables at the top of low RAM: 128 KiB on pc, 132 on q35. */
	uint64_t bios_tables = machine == MACHINE_Q35 ? 0x21000 : 0x20000;
	add_e820(m, 0, 0x9fc00, E820_TYPE_RAM);
	add_e820(m, 0x9fc00, 0xa0000, E820_TYPE_RESERVED); /* the EBDA */
	add_e820(m, 0xf0000, MIB, E820_TYPE_RESERVED);     /* the BIOS */
	add_e820(m, MIB, low - bios_tables, E820_TYPE_RAM);
	add_e820(m, low - bios_tables, low, E820_TYPE_RESERVED);
	if (machine == MACHINE_Q35) {
		add_e820(m, 0xb0000000, 0xc0000000, E820_TYPE_RESERVED); /* PCIe MMCONFIG */
		add_e820(m, 0xfed1c000, 0xfed20000, E820_TYPE_RESERVED); /* the chipset's RCBA */
	}
	add_e820(m, 0xfffc0000, FOUR_GIB, E820_TYPE_RESERVED); /* the BIOS flash */
	add_e820(m, FOUR_GIB, FOUR_GIB + high, E820_TYPE_RAM);
}

/* /sys/firmware/memmap/N/{start,end,type}: the firmware's map as Linux got it (end inclusive). */
static uint32_t sysfs_type(const char *t)
{
	static const struct {
		const char *name;
		uint32_t type;
	} types[] = {
		{ "System RAM", E820_TYPE_RAM },
		{ "ACPI Tables", E820_TYPE_ACPI },
		{ "ACPI Non-volatile Storage", E820_TYPE_NVS },
		{ "Unusable memory", E820_TYPE_UNUSABLE },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(t, types[i].name) == 0)
			return types[i].type;
	return E820_TYPE_RESERVED; /* Reserved, and anything else */
}

static int read_line(const char *dir, const char *name, char *out, size_t n)
{
	char path[512];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -1;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char *got = fgets(out, (int)n, f);
	(void)fclose(f);
	if (!got)
		return -1;
	out[strcspn(out, "\n")] = 0;
	return 0;
}

int check_map_sysfs(struct check_map *m, const char *root)
{
	memset(m, 0, sizeof(*m));
	DIR *d = opendir(root);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char dir[300], start[64], end[64], type[128];
		if (snprintf(dir, sizeof(dir), "%s/%s", root, e->d_name) >= (int)sizeof(dir))
			continue;
		if (read_line(dir, "start", start, sizeof(start)) || read_line(dir, "end", end, sizeof(end)) ||
		    read_line(dir, "type", type, sizeof(type)))
			continue;
		add_e820(m, strtoull(start, NULL, 0), strtoull(end, NULL, 0) + 1, sysfs_type(type));
	}
	(void)closedir(d);
	return 0;
}

/* "[0xSTART, 0xEND)" then `rest`, a literal, then a number: 0 when the line is that. */
static int parse_range(const char *p, const char *rest, unsigned long long *s, unsigned long long *e,
		       unsigned long long *n, char **after)
{
	char *q;
	if (*p != '[')
		return -1;
	*s = strtoull(p + 1, &q, 16);
	if (strncmp(q, ", ", 2) != 0)
		return -1;
	*e = strtoull(q + 2, &q, 16);
	if (strncmp(q, rest, strlen(rest)) != 0)
		return -1;
	*n = strtoull(q + strlen(rest), after, 10);
	return 0;
}

int check_map_verbose(struct check_map *m, const char *path)
{
	memset(m, 0, sizeof(*m));
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[512];
	enum { NONE, GRUB_MAP, EFI_MAP } in = NONE;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "memory map from GRUB:")) {
			in = GRUB_MAP;
			continue;
		}
		if (strstr(line, "EFI memory map:")) {
			in = EFI_MAP;
			continue;
		}
		const char *p = line + strspn(line, " ");
		unsigned long long s, e, t;
		char *q;
		if (in == GRUB_MAP && parse_range(p, ") type ", &s, &e, &t, &q) == 0 && (!*q || strchr("\r\n", *q))) {
			add_e820(m, s, e, (uint32_t)t);
		} else if (in == EFI_MAP && strncmp(p, "EFI ", 4) == 0 &&
			   parse_range(p + 4, ") type ", &s, &e, &t, &q) == 0 && strncmp(q, " attr 0x", 8) == 0) {
			add_efi(m, s, e, (uint32_t)t);
			m->desc[m->efi_count - 1].attribute = strtoull(q + 8, NULL, 16);
		} else {
			in = NONE;
		}
	}
	int read_error = ferror(f);
	(void)fclose(f);
	if (read_error) {
		errno = EIO;
		return -1;
	}
	if (m->efi_count) {
		m->efi = true;
		m->count = 0; /* on UEFI the loader prints the EFI map only */
		for (size_t i = 0; i < m->efi_count && !m->efi_system_table; i++)
			if (m->desc[i].type == EFI_RUNTIME_SERVICES_DATA)
				m->efi_system_table = m->desc[i].physical_start + 0x18;
	}
	return m->count || m->efi_count ? 0 : 1;
}
