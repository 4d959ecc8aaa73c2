/* chainloader-check's memory maps: what GRUB would pass as the multiboot2
 * memory map (BIOS) or EFI memory map (UEFI) on a PC of a given size, or the
 * map read from this machine or from chainloader's verbose output. Host only. */
#ifndef CHAINLOADER_CHECK_MAP_H
#define CHAINLOADER_CHECK_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"
#include "abi/multiboot2.h"

#define CHECK_MAP_MAX 256u
#define EFI_DESC_VERSION 1u

enum check_machine {
	MACHINE_PC,  /* QEMU's pc (i440fx) */
	MACHINE_Q35, /* QEMU's q35 (ICH9, PCIe MMCONFIG) */
};

struct check_map {
	bool efi; /* the descriptors below, not the e820 entries, are the map */
	size_t count;
	struct mb2_mmap_entry e820[CHECK_MAP_MAX];
	size_t efi_count;
	struct efi_memory_descriptor desc[CHECK_MAP_MAX];
	uint64_t efi_system_table; /* where the UEFI model puts it (runtime services data) */
};

/* A range GRUB loaded the image, its workspace or the modules into:
 * EfiLoaderData in the UEFI model. */
struct check_loaded {
	uint64_t start, end;
};

/* The smallest --memory each firmware's model takes, in MiB. */
#define CHECK_MIN_MIB_BIOS 2u
#define CHECK_MIN_MIB_UEFI 128u
#define CHECK_MAX_MIB (1u << 20) /* 1 TiB: QEMU moves RAM above its 1 TiB hole past that */

/* The map of a PC with `mib` MiB as SeaBIOS (BIOS) or OVMF (UEFI) on QEMU 7.2
 * gives it, measured from chainloader's verbose output: low RAM, the EBDA and
 * BIOS areas, RAM to the PCI hole (3 GiB on pc from 3.5 GiB of RAM, 2 GiB on
 * q35 from 2.75 GiB), the firmware's flash, the rest above 4 GiB. */
void check_map_machine(struct check_map *m, enum check_machine machine, uint64_t mib, bool uefi,
		       const struct check_loaded *loaded, size_t nloaded);

/* Where the UEFI model leaves room for the modules: above OVMF's early
 * boot-services data, in conventional memory. */
#define CHECK_UEFI_MODULES_START 0x1500000u

/* /sys/firmware/memmap: 0, or -1 with errno set. */
int check_map_sysfs(struct check_map *m, const char *root);

/* The "memory map from GRUB" lines (BIOS) or "EFI memory map" lines (UEFI)
 * of chainloader's verbose output: 0; -1 with errno set; 1 when it has none.
 * An EFI map's system table is put in its first runtime-services data. */
int check_map_verbose(struct check_map *m, const char *path);

#endif
