/* The PVH entry: the hvm_start_info block (include/abi/pvh.h) and its place in the plan. */
#include "loader/handoff/pvh.h"

#include <string.h>

#include "loader/plan/parts.h"

uint64_t pvh_handoff_size(const struct e820_table *e820)
{
	return offsetof(struct pvh_handoff, memmap) + e820->count * sizeof(struct hvm_memmap_table_entry);
}

void pvh_handoff_build(struct pvh_handoff *h, uint64_t at, const struct pvh_inputs *in)
{
	memset(h, 0, (size_t)pvh_handoff_size(in->e820));
	h->info.magic = HVM_START_MAGIC_VALUE;
	h->info.version = HVM_START_INFO_VERSION;
	h->info.cmdline_paddr = in->cmdline_addr;
	h->info.rsdp_paddr = in->rsdp_addr;
	if (in->initrd_size) {
		h->info.nr_modules = 1;
		h->info.modlist_paddr = at + offsetof(struct pvh_handoff, module);
		h->module.paddr = in->initrd_addr;
		h->module.size = in->initrd_size;
	}
	h->info.memmap_paddr = at + offsetof(struct pvh_handoff, memmap);
	h->info.memmap_entries = (uint32_t)in->e820->count;
	for (size_t i = 0; i < in->e820->count; i++) {
		const struct boot_e820_entry *e = &in->e820->entry[i];
		h->memmap[i] = (struct hvm_memmap_table_entry){ e->addr, e->size, e->type, 0 };
	}
}

/* The PVH entry (Xen's hvm_start_info ABI): protected mode, paging off, EBX =
 * the start_info with the command line, the initrd as a module and the memory
 * map. It has no field for setup_data, EFI information or an RNG seed. */
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

const struct kernel_entry entry_pvh = {
	.name = "PVH",
	.data_name = "hvm_start_info",
	.paging_off = true,
	.tramp = { .kind = TRAMP_KIND_PROTECTED32, .data_in_rbx = true },
	.place_cmdline = plan_alloc_cmdline,
	.build = pvh_build,
	.data_size = pvh_size,
};
