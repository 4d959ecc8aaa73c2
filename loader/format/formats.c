/* The image formats, probed in this order (parse_kernel, loader/plan/boot_plan.c):
 * a new format is its own file in this folder and one line here. */
#include "loader/plan/parts.h"

extern const struct image_format bzimage_format, elf_format;

const struct image_format *const image_formats[] = {
	&bzimage_format,
	&elf_format,
	NULL,
};
