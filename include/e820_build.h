/* Turns a firmware memory map (any order, overlapping, any type) into a clean e820 table. */
#ifndef CHAINLOADER_E820_BUILD_H
#define CHAINLOADER_E820_BUILD_H

#include "boot_info.h"
#include "e820.h"

/* Every input entry contributes two boundaries, so 2n - 1 ranges at most. */
#define E820_TABLE_MAX (2 * BOOT_INFO_MAX_MMAP)

struct e820_table {
	size_t count;
	struct boot_e820_entry entry[E820_TABLE_MAX];
};

/* Known e820 types pass through; anything else becomes E820_TYPE_RESERVED. */
uint32_t e820_normalise_type(uint32_t type);

/* Sorted by address, no overlaps (where entries overlap the most restrictive type
 * wins: reserved > unusable > NVS > PMEM/PRAM > ACPI > RAM), adjacent ranges of one
 * type merged, zero-length entries dropped. */
void e820_build(const struct mmap_entry *in, size_t n, struct e820_table *out);

const char *e820_type_name(uint32_t type);

#endif
