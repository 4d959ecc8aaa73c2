/* The image formats, in the order boot_plan_make probes them: a new format is
 * its own file in this folder (a const struct image_format NAME) and one line
 * here. loader/format/formats.c makes the table from this list. */
#ifndef CHAINLOADER_FORMATS_H
#define CHAINLOADER_FORMATS_H

#define IMAGE_FORMATS(X) \
	X(bzimage_format) \
	X(elf_format)

struct image_format;
#define IMAGE_FORMAT_DECLARE(name) extern const struct image_format name;
IMAGE_FORMATS(IMAGE_FORMAT_DECLARE)
#undef IMAGE_FORMAT_DECLARE

#endif
