/* The bzImage format in the boot plan (loader/plan/parts.h): which entries
 * it has, where its protected-mode part goes, its limits, its report. Its
 * header is parsed by bzimage_header.c. */
#include <string.h>

#include "loader/plan/parts.h"

static int bz_parse(const struct boot_module *kmod, struct boot_plan *plan, struct cl_error *err)
{
	return bzimage_parse(kmod->data, kmod->end - kmod->start, &plan->bzimage, err);
}

/* Every entry but the real-mode one needs bzimage_check_protected. */
static int bz_choose_entry(enum entry_mode mode, bool bios, struct boot_plan *plan, struct cl_error *err)
{
	struct bzimage *k = &plan->bzimage;
	switch (mode) {
	case ENTRY_PVH:
		return cl_fail(err, "entry=pvh needs an ELF kernel with a Xen PHYS32_ENTRY note; this is a bzImage");
	case ENTRY_16:
		if (!bios)
			return cl_fail(err, "entry=16 is the real-mode entry: it needs a BIOS, and this machine booted by UEFI");
		plan->kernel_entry = &entry_16;
		return 0;
	case ENTRY_32:
		plan->kernel_entry = &entry_32;
		break;
	case ENTRY_AUTO:
		/* What the protected-mode entries refuse, the BIOS's real mode may boot (linux16's images). */
		if (bios && (k->version < BOOT_PROTOCOL_MIN || k->code32_start == 0)) {
			plan->kernel_entry = &entry_16;
			plan->entry16_fallback = true;
			return 0;
		}
		plan->kernel_entry = k->has_entry64 ? &entry_64 : &entry_32;
		plan->entry32_fallback = !k->has_entry64;
		break;
	case ENTRY_64:
		if (k->version < BOOT_PROTOCOL_MIN_64)
			return cl_fail(err, "bzImage: boot protocol %u.%02u is older than 2.12 (no 64-bit entry; entry=32 may work)",
				       k->version >> 8, k->version & 0xff);
		if (!k->has_entry64)
			return cl_fail(err, "bzImage: xloadflags 0x%x lack XLF_KERNEL_64 (no 64-bit entry; entry=32 may work)",
				       k->xloadflags);
		plan->kernel_entry = &entry_64;
		break;
	}
	return bzimage_check_protected(k, err);
}

/* The real-mode entry: the protected-mode part at 1 MiB (LOADED_HIGH), where
 * the kernel's own setup code expects it; from protocol 2.10 the range up to
 * where a relocatable kernel decompresses, [pref_address, + init_size), too. */
static int place_for_real_mode(struct boot_plan *plan, struct cl_error *err)
{
	const struct bzimage *k = &plan->bzimage;
	struct mem_range r = { CODE32_START_DEFAULT, CODE32_START_DEFAULT + k->pm_size };
	if (k->version >= BOOT_PROTOCOL_MIN && k->pref_address + k->init_size > r.end)
		r.end = k->pref_address + k->init_size;
	if (plan_claim_fixed(plan, r, "kernel (real-mode entry, at 1 MiB)", err))
		return -1;
	plan->kernel_load = r.start;
	plan->kernel_range = r;
	return 0;
}

static int bz_place(struct boot_plan *plan, struct cl_error *err)
{
	const struct bzimage *k = &plan->bzimage;
	if (plan->kernel_entry == &entry_16)
		return place_for_real_mode(plan, err);
	if (!k->relocatable) {
		struct mem_range r = { k->pref_address, k->pref_address + k->init_size };
		if (plan_claim_fixed(plan, r, "kernel (not relocatable, at pref_address)", err))
			return -1;
		plan->kernel_load = r.start;
	} else {
		/* A relocatable kernel below pref_address (LOAD_PHYSICAL_ADDR) decompresses at
		 * pref_address anyway, so never place it lower: pref_address when free, else
		 * the lowest aligned fit above it, below 4 GiB first. */
		uint64_t max_end = FOUR_GIB;
		if (plan->kernel_entry == &entry_64 && (k->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
			max_end = UINT64_MAX;
		struct alloc_request req = { .what = "kernel", .size = k->init_size, .align = k->alignment,
					     .min = k->pref_address, .max_end = FOUR_GIB, .policy = ALLOC_LOWEST };
		int rc = planner_alloc(&plan->planner, &req, &plan->kernel_load, err);
		if (rc && max_end > FOUR_GIB) {
			req.max_end = max_end;
			rc = planner_alloc(&plan->planner, &req, &plan->kernel_load, err);
		}
		if (rc)
			return -1;
	}
	plan->kernel_range = (struct mem_range){ plan->kernel_load, plan->kernel_load + k->init_size };
	plan->entry = plan->kernel_load + (plan->kernel_entry == &entry_64 ? KERNEL_ENTRY64_OFFSET : k->code32_offset);
	return 0;
}

/* One memmove, whatever the overlap. */
static bool bz_copies_in_place(const struct boot_plan *plan, const struct boot_module *kmod)
{
	(void)plan;
	(void)kmod;
	return true;
}

static int bz_add_copies(struct boot_plan *plan, struct cl_error *err)
{
	const struct bzimage *k = &plan->bzimage;
	return plan_add_copy(plan, (struct copy_step){ "kernel", plan->kernel_load, plan->kernel_bytes + k->pm_offset,
						       k->pm_size, 0 },
			     err);
}

/* initrd_addr_max, unless the 64-bit entry may read the ext_ fields above 4 GiB. */
static uint64_t bz_initrd_limit(const struct boot_plan *plan)
{
	const struct bzimage *k = &plan->bzimage;
	if (plan->kernel_entry == &entry_64 && (k->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
		return UINT64_MAX;
	return (uint64_t)k->initrd_addr_max + 1;
}

static uint32_t bz_cmdline_max(const struct boot_plan *plan)
{
	return plan->bzimage.cmdline_size;
}

static uint64_t bz_bytes(const struct boot_plan *plan)
{
	return plan->bzimage.pm_size;
}

static const struct bzimage *bz_setup_header(const struct boot_plan *plan)
{
	return &plan->bzimage;
}

static void bz_report(const struct boot_plan *p, report_fn *out)
{
	const struct bzimage *k = &p->bzimage;
	out("bzImage: protocol %u.%02u, %s, kernel_alignment 0x%x, pref_address 0x%llx, init_size 0x%llx, xloadflags 0x%x\n",
	    k->version >> 8, k->version & 0xff, k->relocatable ? "relocatable" : "not relocatable", k->alignment,
	    (unsigned long long)k->pref_address, (unsigned long long)k->init_size, k->xloadflags);
	if (p->entry32_fallback)
		out("note: no XLF_KERNEL_64, entry=auto uses the 32-bit entry\n");
	if (p->entry16_fallback)
		out("note: protocol older than 2.10 or code32_start 0, entry=auto uses the real-mode entry\n");
}

const struct image_format bzimage_format = {
	.name = "bzImage",
	.probe = bzimage_probe,
	.parse = bz_parse,
	.choose_entry = bz_choose_entry,
	.place = bz_place,
	.copies_in_place = bz_copies_in_place,
	.add_copies = bz_add_copies,
	.initrd_limit = bz_initrd_limit,
	.cmdline_max = bz_cmdline_max,
	.bytes = bz_bytes,
	.setup_header = bz_setup_header,
	.report = bz_report,
};
