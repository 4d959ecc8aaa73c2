/* Linux bzImage: header checks and what the loader needs to place and enter it. */
#ifndef CHAINLOADER_BZIMAGE_H
#define CHAINLOADER_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct bzimage {
	const uint8_t *image;      /* the whole module */
	uint64_t image_size;
	uint16_t version;          /* boot protocol, major << 8 | minor */
	uint32_t header_end;       /* image offset one past the setup_header (0x202 + jump displacement) */
	uint32_t setup_size;       /* real-mode part: (setup_sects + 1) * 512 */
	uint64_t pm_offset;        /* protected-mode part: image offset ... */
	uint64_t pm_size;          /* ... and length (syssize * 16) */
	uint64_t init_size;        /* bytes the kernel needs from its load address */
	uint64_t pref_address;
	uint32_t alignment;        /* kernel_alignment, a power of two when relocatable */
	bool relocatable;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t initrd_addr_max;  /* highest address the initrd's last byte may have */
	uint32_t cmdline_size;     /* longest command line, excluding the NUL */
	bool has_entry64;          /* protocol >= 2.12 and XLF_KERNEL_64 */
	uint32_t code32_start;     /* as in the header: 0 in iPXE's ipxe.lkrn */
	uint32_t code32_offset;    /* 32-bit entry: code32_start - 1 MiB, from the load address
				    * (set by bzimage_check_protected) */
};

/* Looks like a Linux boot image: boot_flag 0xAA55 at 0x1FE or "HdrS" at 0x202. */
bool bzimage_probe(const uint8_t *image, uint64_t size);

/* Checks what every entry needs (protocol 2.00 on, LOADED_HIGH) and fills
 * `out`; fields a protocol lacks get boot.rst's defaults (initrd_addr_max
 * 0x37FFFFFF before 2.03, cmdline_size 255 before 2.06), or 0. */
int bzimage_parse(const uint8_t *img, uint64_t size, struct bzimage *out, struct cl_error *err);

/* What the 64-bit and 32-bit entries need on top: protocol 2.10 (init_size),
 * code32_start inside the protected-mode part, a power-of-two alignment, a
 * usable [pref_address, + init_size). The real-mode entry needs none of it. */
int bzimage_check_protected(struct bzimage *k, struct cl_error *err);

#endif
