/* e820 memory types and entry, as Linux reads them
 * (arch/x86/include/asm/e820/types.h, arch/x86/include/uapi/asm/setup_data.h). */
#ifndef CHAINLOADER_E820_H
#define CHAINLOADER_E820_H

#include <stdint.h>

#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2
#define E820_TYPE_ACPI 3
#define E820_TYPE_NVS 4
#define E820_TYPE_UNUSABLE 5
#define E820_TYPE_PMEM 7
#define E820_TYPE_PRAM 12

/* Slots in the zero page's e820_table. */
#define E820_MAX_ENTRIES_ZEROPAGE 128

struct boot_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct boot_e820_entry) == 20, "e820 entry");

#endif
