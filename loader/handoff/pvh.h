/* Builds the PVH handoff: hvm_start_info, one module entry and the memory map, in one block. */
#ifndef CHAINLOADER_PVH_H
#define CHAINLOADER_PVH_H

#include "abi/pvh.h"
#include "loader/plan/e820_build.h"

struct pvh_handoff {
	struct hvm_start_info info;
	struct hvm_modlist_entry module;
	struct hvm_memmap_table_entry memmap[E820_TABLE_MAX];
};

struct pvh_inputs {
	uint64_t cmdline_addr;
	uint64_t initrd_addr; /* size 0: no module */
	uint64_t initrd_size;
	uint64_t rsdp_addr;   /* 0 when unknown */
	const struct e820_table *e820;
};

/* Bytes of the block that are used (start_info, module entry, memmap entries). */
uint64_t pvh_handoff_size(const struct e820_table *e820);

/* Fills h for a block that will live at physical address `at`. */
void pvh_handoff_build(struct pvh_handoff *h, uint64_t at, const struct pvh_inputs *in);

#endif
