/* The loader's workspace: memory start32.S finds at run time (free RAM in
 * [1 MiB, 4 GiB), clear of the image, the multiboot2 information and every
 * module), so that chainloader.elf itself stays small. Shared by C and
 * assembly. The planner treats it like the image: in use until the trampoline,
 * then free for the kernel to overwrite. */
#ifndef CHAINLOADER_WORKSPACE_H
#define CHAINLOADER_WORKSPACE_H

#define WORKSPACE_MIN_BASE 0x100000 /* nothing below 1 MiB: firmware data lives there */
#define WORKSPACE_PML4 0x0000       /* boot page tables: PML4, PDPT, 4 PDs (4 GiB in 2 MiB pages) */
#define WORKSPACE_PDPT 0x1000
#define WORKSPACE_PD 0x2000   /* BOOT_MAPPED_GIB of them */
#define WORKSPACE_STACK_TOP 0xA000 /* 16 KiB stack below it */
#define WORKSPACE_DATA WORKSPACE_STACK_TOP
#define WORKSPACE_SIZE 0x30000 /* 192 KiB, zeroed by start32.S */

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "arch.h"
#include "boot/efi_stub/cmdline.h"
#include "boot/options.h"
#include "boot_info.h"
#include "boot_plan.h"

/* What the UEFI entry collected while the boot services ran. */
struct efi_collected {
	uint8_t secure_boot; /* boot_params.secure_boot */
	size_t kept_count;
	struct kept_range kept[PLAN_MAX_KEPT]; /* firmware allocations the kernel reads */
	bool efi_mmap_in_place;                /* info.efi_mmap is the final map, in kept memory */
};

/* What lives at WORKSPACE_DATA: the loader's large state, off the stack. */
struct workspace_data {
	struct boot_info info;
	struct boot_plan plan;
	uint8_t fbcon_cells[FBCON_MAX_CELLS];
	/* The UEFI entry's, carried across its switch to the workspace's stack. */
	struct loader_options efi_opt;
	struct efi_collected efi_fw;
	/* chainloader.efi's copy of its command line, split in place (boot/efi_stub/cmdline.h). */
	char stub_cmdline[STUB_CMDLINE_MAX];
};
_Static_assert(WORKSPACE_DATA + sizeof(struct workspace_data) <= WORKSPACE_SIZE,
	       "the loader's state must fit its workspace");
#endif

#endif
