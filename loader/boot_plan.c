/* Parse, then check, then commit: this file decides; arch code only executes. */
#include "boot_plan.h"

#include <string.h>

#include "zeropage.h"

#define FOUR_GIB 0x100000000ull

static int add_copy(struct boot_plan *plan, struct copy_step step, struct cl_error *err)
{
	if (plan->copy_count == PLAN_MAX_COPIES)
		return cl_fail(err, "plan: more than %u copies (adding %s)", PLAN_MAX_COPIES, step.what);
	plan->copies[plan->copy_count++] = step;
	return 0;
}

/* Every range that must survive until the jump. */
static int reserve_inputs(const struct plan_inputs *in, struct planner *pl, struct cl_error *err)
{
	static const char *const module_names[] = { "kernel module", "initrd module" };
	const struct boot_info *bi = in->info;
	if (planner_reserve(pl, in->loader, "chainloader", err) ||
	    planner_reserve(pl, bi->mbi, "multiboot2 information", err))
		return -1;
	for (size_t i = 0; i < bi->module_count && i < 2; i++) {
		struct mem_range r = { bi->modules[i].start, bi->modules[i].end };
		if (planner_reserve(pl, r, module_names[i], err))
			return -1;
	}
	return 0;
}

static int place_kernel(struct boot_plan *plan, struct cl_error *err)
{
	const struct bzimage *k = &plan->kernel;
	uint64_t size = k->init_size;
	if (!k->relocatable) {
		struct mem_range r = { k->pref_address, k->pref_address + size };
		if (planner_claim(&plan->planner, r, "kernel (not relocatable, at pref_address)", err))
			return -1;
		plan->kernel_load = r.start;
	} else {
		/* A relocatable kernel below pref_address (LOAD_PHYSICAL_ADDR) decompresses at
		 * pref_address anyway, so never place it lower: pref_address when free, else
		 * the lowest aligned fit above it, below 4 GiB first. */
		struct alloc_request req = { "kernel", size, k->alignment, k->pref_address, FOUR_GIB,
					     ALLOC_LOWEST };
		if (k->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G)
			req.max_end = UINT64_MAX;
		if (planner_alloc(&plan->planner, &req, &plan->kernel_load, err))
			return -1;
	}
	plan->kernel_range = (struct mem_range){ plan->kernel_load, plan->kernel_load + size };
	plan->entry = plan->kernel_load + KERNEL_ENTRY64_OFFSET;
	return add_copy(plan,
			(struct copy_step){ "kernel", plan->kernel_load, k->image + k->pm_offset, k->pm_size, 0 },
			err);
}

static int place_initrd(struct boot_plan *plan, const struct boot_module *m, struct cl_error *err)
{
	const struct bzimage *k = &plan->kernel;
	uint64_t size = m->end - m->start;
	uint64_t limit = (uint64_t)k->initrd_addr_max + 1; /* exclusive */
	if (k->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G)
		limit = UINT64_MAX;
	if (m->end <= limit) { /* already where the kernel may read it: zero copy */
		plan->initrd = (struct mem_range){ m->start, m->end };
		return 0;
	}
	uint64_t addr;
	struct alloc_request req = { "initrd", size, INITRD_ALIGN, PLANNER_LOW_LIMIT, limit, ALLOC_HIGHEST };
	if (planner_alloc(&plan->planner, &req, &addr, err))
		return -1;
	plan->initrd = (struct mem_range){ addr, addr + size };
	plan->initrd_moved = true;
	return add_copy(plan, (struct copy_step){ "initrd", addr, m->data, size, 0 }, err);
}

static int place_cmdline(struct boot_plan *plan, const char *cmdline, struct cl_error *err)
{
	const struct bzimage *k = &plan->kernel;
	plan->cmdline_len = strlen(cmdline);
	if (plan->cmdline_len > k->cmdline_size)
		return cl_fail(err, "kernel command line is %llu bytes, the kernel's cmdline_size is %u",
			       (unsigned long long)plan->cmdline_len, k->cmdline_size);
	struct alloc_request req = { "command line", plan->cmdline_len + 1, CMDLINE_ALIGN,
				     PLANNER_LOW_LIMIT, FOUR_GIB, ALLOC_HIGHEST };
	if (planner_alloc(&plan->planner, &req, &plan->cmdline_addr, err))
		return -1;
	return add_copy(plan, (struct copy_step){ "command line", plan->cmdline_addr, cmdline,
						  plan->cmdline_len + 1, 0 },
			err);
}

int boot_plan_make(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	memset(plan, 0, sizeof(*plan));
	if (bi->module_count == 0)
		return cl_fail(err, "no kernel: GRUB passed no module (add a module2 line with the kernel)");
	if (bi->module_count > 2)
		return cl_fail(err, "%llu modules: one kernel and at most one initrd are supported",
			       (unsigned long long)bi->module_count);
	const struct boot_module *kmod = &bi->modules[0];
	const struct boot_module *initrd = bi->module_count > 1 ? &bi->modules[1] : NULL;

	if (!bzimage_probe(kmod->data, kmod->end - kmod->start))
		return cl_fail(err, "kernel module [0x%llx, 0x%llx) is not a bzImage (no 0xaa55 and \"HdrS\")",
			       (unsigned long long)kmod->start, (unsigned long long)kmod->end);
	if (bzimage_parse(kmod->data, kmod->end - kmod->start, &plan->kernel, err))
		return -1;

	e820_build(bi->mmap, bi->mmap_count, &plan->e820);
	planner_init(&plan->planner, &plan->e820);
	if (reserve_inputs(in, &plan->planner, err) || place_kernel(plan, err) ||
	    (initrd && place_initrd(plan, initrd, err)) || place_cmdline(plan, kmod->string, err))
		return -1;

	struct alloc_request req = { "boot_params", sizeof(struct boot_params), BOOT_PARAMS_ALIGN,
				     PLANNER_LOW_LIMIT, FOUR_GIB, ALLOC_HIGHEST };
	if (planner_alloc(&plan->planner, &req, &plan->boot_params_addr, err))
		return -1;
	struct zeropage_inputs zp = {
		.kernel = &plan->kernel,
		.cmdline_addr = plan->cmdline_addr,
		.initrd_addr = plan->initrd.start,
		.initrd_size = plan->initrd.end - plan->initrd.start,
		.e820 = &plan->e820,
		.screen = in->screen,
	};
	if (zeropage_build(&plan->params, &zp, err))
		return -1;
	return add_copy(plan, (struct copy_step){ "boot_params", plan->boot_params_addr, &plan->params,
						  sizeof(plan->params), 0 },
			err);
}

uint64_t boot_plan_bytes_copied(const struct boot_plan *plan)
{
	uint64_t n = 0;
	for (size_t i = 0; i < plan->copy_count; i++)
		n += plan->copies[i].len;
	return n;
}
