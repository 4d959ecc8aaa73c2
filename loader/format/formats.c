/* The table of image formats parse_kernel walks (loader/plan/boot_plan.c),
 * made from the list in formats.h. */
#include "loader/plan/parts.h"

#define IMAGE_FORMAT_ENTRY(name) &(name),
const struct image_format *const image_formats[] = { IMAGE_FORMATS(IMAGE_FORMAT_ENTRY) NULL };
