/* The real-mode entry (boot.rst, "Loading the rest of the kernel", "Running
 * the kernel"; include/realmode.h): the real-mode part in low memory with its
 * heap, command line and header filled in; the arch side leaves long mode for
 * real mode. No zero page: the kernel's setup code asks the BIOS. */
#include "plan_parts.h"

/* The real-mode part's area below 1 MiB, checked against the memory map and
 * everything GRUB put in memory (the planner handles only memory above). */
static int rm_place(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	const struct bzimage *k = &plan->bzimage;
	if (k->setup_size > RM_SETUP_MAX)
		return cl_fail(err, "entry=16: the real-mode part is %u bytes (setup_sects %u), more than the 0x%x below its heap",
			       k->setup_size, k->setup_size / SECTOR_SIZE - 1, RM_SETUP_MAX);
	if (real_mode_check_vectors(bi, &in->bios, err))
		return -1;
	struct mem_range avoid[BOOT_INFO_MAX_MODULES + 3] = { bi->mbi, in->loader, in->workspace };
	size_t n = 3;
	for (size_t i = 0; i < bi->module_count; i++)
		avoid[n++] = (struct mem_range){ bi->modules[i].start, bi->modules[i].end };
	if (real_mode_base(bi, &in->bios, k->version, avoid, n, &plan->handoff_data, err))
		return -1;
	plan->entry = plan->handoff_data + RM_ENTRY_OFFSET;
	return 0;
}

static int rm_place_cmdline(struct boot_plan *plan, struct cl_error *err)
{
	if (plan->cmdline_len >= RM_CMDLINE_ROOM)
		return cl_fail(err, "entry=16: the kernel command line is %llu bytes, the real-mode area has room for %u",
			       (unsigned long long)plan->cmdline_len, RM_CMDLINE_ROOM - 1);
	plan->cmdline_addr = plan->handoff_data + RM_CMDLINE;
	return 0;
}

/* The real-mode part, its heap zeroed, then its header as filled in. */
static int rm_build(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	(void)in;
	const struct bzimage *k = &plan->bzimage;
	real_mode_header(&plan->params, k, plan->handoff_data, plan->initrd.start, plan->initrd.end - plan->initrd.start);
	return plan_add_copy(plan, (struct copy_step){ "real-mode part", plan->handoff_data, plan->kernel_bytes,
						       k->setup_size, RM_HEAP_END - k->setup_size }, err) ||
	       plan_add_copy(plan, (struct copy_step){ "real-mode header", plan->handoff_data, &plan->params,
						       k->header_end, 0 }, err);
}

static uint64_t rm_size(const struct boot_plan *plan)
{
	return plan->bzimage.setup_size;
}

const struct handoff handoff_16 = {
	.name = "16-bit",
	.paging_off = true,
	.place = rm_place,
	.place_cmdline = rm_place_cmdline,
	.build = rm_build,
	.data_size = rm_size,
};
