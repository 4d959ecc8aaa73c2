/* The real-mode (16-bit) boot protocol's low-memory area, entry=16
 * (Documentation/arch/x86/boot.rst, "Loading the rest of the kernel" and
 * "Running the kernel"), as chainloader lays it out from a base X:
 *
 *   X + 0x0000  the real-mode part, (setup_sects + 1) * 512 bytes, at most
 *               RM_SETUP_MAX, then zeros: its heap and stack up to RM_HEAP_END
 *   X + 0x9000  the command line (cmd_line_ptr from protocol 2.02; before,
 *               the cl_magic/cl_offset form at X + 0x20, with X = 0x90000)
 *   X + 0x9800  the 16-bit stub that leaves protected mode for real mode
 *               (arch/x86_64/trampoline.S), then far-jumps to (X >> 4) + 0x20 : 0
 *               with DS = ES = SS = X >> 4 and SP = RM_HEAP_END
 *   X + 0xA000  end (below the EBDA and 0xA0000)
 * Macros only: included from assembly. */
#ifndef CHAINLOADER_REALMODE_H
#define CHAINLOADER_REALMODE_H

#define RM_SETUP_MAX 0x8000    /* 64 sectors, GRUB's limit too */
#define RM_HEAP_END 0x9000     /* heap_end_ptr = RM_HEAP_END - 0x200 (boot.rst) */
#define RM_CMDLINE 0x9000
#define RM_CMDLINE_ROOM 0x800  /* 2047 characters and the NUL */
#define RM_STUB 0x9800
#define RM_STUB_MAX 0x200
#define RM_AREA_SIZE 0xA000
#define RM_HIGHEST_BASE 0x90000 /* the traditional X: never higher (GRUB's linux16 agrees) */
#define RM_LOWEST_BASE 0x10000  /* clear of the IVT, the BDA and the boot-sector area */
#define RM_BASE_ALIGN 0x1000
#define RM_ENTRY_OFFSET 0x200   /* CS = (X >> 4) + 0x20, IP = 0 */
#define RM_CL_MAGIC 0xA33F      /* protocol < 2.02: cl_magic at X + 0x20, cl_offset at X + 0x22 */
#define RM_OLD_BASE 0x90000     /* ... which needs X = 0x90000 */
#define RM_BIOS_AREA 0xA0000 /* VGA memory, option ROMs, the BIOS: up to 1 MiB */
#define BDA_EBDA_SEGMENT 0x40E  /* BIOS data area: the EBDA's segment */
#define IVT_INT13 (0x13 * 4)    /* far pointers offset:segment */
#define IVT_INT15 (0x15 * 4)

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#include "abi/zeropage.h"
#include "boot_info.h"
#include "error.h"
#include "loader/format/bzimage.h"

/* What the BIOS left in low memory, read by the BIOS entry (boot/multiboot2/bios_main.c). */
struct bios_low_memory {
	bool present;       /* false on UEFI: no real mode to return to */
	uint32_t int13;     /* IVT entries as stored: offset | segment << 16 */
	uint32_t int15;
	uint64_t ebda;      /* the EBDA's address from the BDA, or 0 */
};

/* The top of low memory the real-mode area may use: the EBDA or 0xA0000. */
uint64_t real_mode_limit(const struct bios_low_memory *bios);

/* Fails unless the int 13h and 15h vectors point into the BIOS area
 * [real_mode_limit, 1 MiB) or into low memory the map reserves (GRUB's own
 * int 15h hook when cutmem or badram changed the map): a real-mode kernel
 * calls them at once. */
int real_mode_check_vectors(const struct boot_info *bi, const struct bios_low_memory *bios, struct cl_error *err);

/* The base X of the real-mode area: the highest RM_BASE_ALIGN-aligned X in
 * [RM_LOWEST_BASE, RM_HIGHEST_BASE] with [X, X + RM_AREA_SIZE) inside one
 * available memory-map entry, below real_mode_limit and clear of `avoid`;
 * for protocol < 2.02 only RM_OLD_BASE will do. */
int real_mode_base(const struct boot_info *bi, const struct bios_low_memory *bios, uint16_t version,
		   const struct mem_range *avoid, size_t avoid_count, uint64_t *base, struct cl_error *err);

/* The first header_end bytes of the real-mode part as the kernel must find
 * them at X: the image's, with type_of_loader, the heap (2.01), the command
 * line (cmd_line_ptr from 2.02, else the cl_magic form) and the ramdisk set. */
void real_mode_header(struct boot_params *head, const struct bzimage *k, uint64_t base, uint64_t initrd,
		      uint64_t initrd_size);
#endif

#endif
