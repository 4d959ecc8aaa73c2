/* Turns a firmware memory map (any order, overlapping, any type) into a clean e820 table. */
#ifndef CHAINLOADER_E820_BUILD_H
#define CHAINLOADER_E820_BUILD_H

#include "abi/e820.h"
#include "boot_info.h"

/* Inputs: GRUB's memory map, and on UEFI the EFI memory map as well. */
#define E820_BUILD_MAX_INPUT (2 * BOOT_INFO_MAX_MMAP)
#define E820_TABLE_MAX E820_BUILD_MAX_INPUT

struct e820_table {
	size_t count;
	bool overflow; /* more ranges than E820_TABLE_MAX: the rest were dropped */
	struct boot_e820_entry entry[E820_TABLE_MAX];
};

/* Known e820 types pass through; anything else becomes E820_TYPE_RESERVED. */
uint32_t e820_normalise_type(uint32_t type);

/* Sorted by address, no overlaps (where entries overlap the most restrictive type
 * wins: reserved > unusable > NVS > PMEM/PRAM > ACPI > RAM), adjacent ranges of one
 * type merged, zero-length entries dropped. At most E820_BUILD_MAX_INPUT inputs. */
void e820_build(const struct mmap_entry *in, size_t n, struct e820_table *out);

/* Marks [start, end) as `type` in the table (most restrictive type wins);
 * `scratch` holds E820_BUILD_MAX_INPUT entries. */
void e820_mark(struct e820_table *t, struct mmap_entry *scratch, uint64_t start, uint64_t end, uint32_t type);

const char *e820_type_name(uint32_t type);

#endif
