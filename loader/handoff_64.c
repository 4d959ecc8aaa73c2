/* The 64-bit entry (boot.rst, "64-bit Boot Protocol"): paging on, RSI = the
 * zero page; the command line, initrd and zero page may lie above 4 GiB when
 * the kernel says so (XLF_CAN_BE_LOADED_ABOVE_4G, in format_bzimage.c). */
#include "plan_parts.h"

const struct handoff handoff_64 = {
	.name = "64-bit",
	.paging_off = false,
	.place_cmdline = plan_alloc_cmdline,
	.build = plan_build_zero_page,
	.data_size = plan_zero_page_size,
};
