/* Builds the Linux zero page (boot_params) for a placed bzImage. */
#ifndef CHAINLOADER_ZEROPAGE_H
#define CHAINLOADER_ZEROPAGE_H

#include "bootparam.h"
#include "bzimage.h"
#include "e820_build.h"

struct zeropage_inputs {
	const struct bzimage *kernel;
	uint64_t cmdline_addr;
	uint64_t initrd_addr; /* 0 and size 0 when there is none */
	uint64_t initrd_size;
	const struct e820_table *e820;
	const struct screen_info *screen; /* the text console GRUB left, or NULL */
};

/* Zeroes bp, copies the image's setup_header [0x1F1, header_end) and fills the
 * loader's fields. Fails when the e820 table does not fit the zero page. */
int zeropage_build(struct boot_params *bp, const struct zeropage_inputs *in, struct cl_error *err);

#endif
