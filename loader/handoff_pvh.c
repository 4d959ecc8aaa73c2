/* The PVH entry (Xen's hvm_start_info ABI): protected mode, paging off, EBX =
 * the start_info with the command line, the initrd as a module and the memory
 * map. It has no field for setup_data, EFI information or an RNG seed. */
#include "plan_parts.h"

static int pvh_build(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	(void)in;
	uint64_t size = pvh_handoff_size(&plan->e820);
	if (plan_alloc(plan, "hvm_start_info", size, PVH_INFO_ALIGN, FOUR_GIB, &plan->handoff_data, err))
		return -1;
	struct pvh_inputs pin = { plan->cmdline_addr, plan->initrd.start, plan->initrd.end - plan->initrd.start,
				  plan->acpi_rsdp, &plan->e820 };
	pvh_handoff_build(&plan->pvh, plan->handoff_data, &pin);
	return plan_add_copy(plan, (struct copy_step){ "hvm_start_info", plan->handoff_data, &plan->pvh, size, 0 },
			     err);
}

static uint64_t pvh_size(const struct boot_plan *plan)
{
	return pvh_handoff_size(&plan->e820);
}

const struct handoff handoff_pvh = {
	.name = "PVH",
	.paging_off = true,
	.place_cmdline = plan_alloc_cmdline,
	.build = pvh_build,
	.data_size = pvh_size,
};
