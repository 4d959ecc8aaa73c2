/* The 32-bit entry (boot.rst, "32-bit Boot Protocol"): protected mode, paging
 * off, ESI = the zero page; everything the kernel reads below 4 GiB. */
#include "plan_parts.h"

const struct handoff handoff_32 = {
	.name = "32-bit",
	.paging_off = true,
	.place_cmdline = plan_alloc_cmdline,
	.build = plan_build_zero_page,
	.data_size = plan_zero_page_size,
};
