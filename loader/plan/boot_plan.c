/* Parse, then check, then commit: this file decides; arch code only executes.
 * It knows neither image formats nor entries: those are the parts of
 * loader/plan/parts.h (loader/format/, loader/handoff/).
 * Copies run in plan order: first into free memory (staging, handoff data),
 * last into the kernel's destinations, so that no source is overwritten
 * before it has been read. */
#include "boot_plan.h"

#include <string.h>

#include "firmware/tables.h"
#include "loader/plan/parts.h"
#include "trampoline.h"

#define EFI_MMAP_ALIGN 4096u /* whole pages: the kernel reserves it by pages */
#define RSDP_COPY_ALIGN 4096u

/* Needs the inputs; sets nothing: refuses what no plan can come from. */
static int check_inputs(const struct plan_inputs *in, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	if (bi->module_count == 0)
		return cl_fail(err, "no kernel: GRUB passed no module (add a module2 line with the kernel)");
	if (bi->efi_boot_services)
		return cl_fail(err, "EFI boot services are still running (multiboot2 tag 18): the UEFI entry must exit them first");
	if (in->kept_count > PLAN_MAX_KEPT)
		return cl_fail(err, "plan: %llu kept ranges, at most %u", (unsigned long long)in->kept_count, PLAN_MAX_KEPT);
	return 0;
}

/* Needs the kernel module; sets format and its state (the first format whose probe knows it). */
static int parse_kernel(const struct boot_module *kmod, struct boot_plan *plan, struct cl_error *err)
{
	uint64_t size = kmod->end - kmod->start;
	for (const struct image_format *const *f = image_formats; *f; f++)
		if ((*f)->probe(kmod->data, size)) {
			plan->format = *f;
			return (*f)->parse(kmod, plan, err);
		}
	const uint8_t *b = kmod->data;
	if (size < 4)
		return cl_fail(err, "kernel module of %llu bytes is too short to be a kernel", (unsigned long long)size);
	return cl_fail(err, "kernel module of %llu bytes is neither a bzImage (0xaa55, \"HdrS\") nor an ELF (first bytes %02x %02x %02x %02x)",
		       (unsigned long long)size, b[0], b[1], b[2], b[3]);
}

/* Needs format; sets kernel_entry (the format decides from the loader option). */
static int choose_entry(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	return plan->format->choose_entry(in->entry, in->bios.present, plan, err);
}

/* Needs the memory maps; sets e820 (GRUB's and the EFI map's, the more restrictive type winning). */
static int build_e820(const struct boot_info *bi, struct boot_plan *plan, struct cl_error *err)
{
	struct mmap_entry *all = plan->e820_scratch;
	size_t n = bi->mmap_count;
	memcpy(all, bi->mmap, n * sizeof(all[0]));
	if (bi->efi_mmap && efi_mmap_to_entries(bi, all, E820_BUILD_MAX_INPUT, &n, err))
		return -1;
	e820_build(all, n, &plan->e820);
	if (plan->e820.overflow)
		return cl_fail(err, "e820: the memory maps give more than %u ranges", E820_TABLE_MAX);
	return 0;
}

/* Needs e820; sets planner: usable RAM less the loader, the information, the modules, the kept ranges. */
static int reserve_inputs(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	struct planner *pl = &plan->planner;
	planner_init(pl, &plan->e820);
	/* The loader is consumed too: its data are copied out before the kernel's
	 * destinations are written, and the trampoline runs from elsewhere. */
	if (planner_reserve_movable(pl, in->loader, "chainloader", err) ||
	    (in->workspace.end > in->workspace.start &&
	     planner_reserve_movable(pl, in->workspace, "chainloader workspace (stack, tables)", err)) ||
	    (bi->mbi.end > bi->mbi.start && planner_reserve_movable(pl, bi->mbi, "multiboot2 information", err)))
		return -1;
	for (size_t i = 0; i < bi->module_count; i++) {
		struct mem_range r = { bi->modules[i].start, bi->modules[i].end };
		if (planner_reserve_movable(pl, r, i ? "initrd module" : "kernel module", err))
			return -1;
	}
	for (size_t i = 0; i < in->kept_count; i++)
		if (planner_reserve(pl, in->kept[i].range, in->kept[i].what, err))
			return -1;
	return 0;
}

/* Needs kernel_entry and planner; sets fixed, kernel_load, kernel_range, entry (before any allocation). */
static int place_kernel(struct boot_plan *plan, struct cl_error *err)
{
	return plan->format->place(plan, err);
}

/* Needs the kernel placed; sets the entry's own room (the real-mode area), if it has any. */
static int place_entry(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	return plan->kernel_entry->place ? plan->kernel_entry->place(in, plan, err) : 0;
}

/* Needs format and kernel_entry; sets cmdline_addr and cmdline_len, and its copy. */
static int place_cmdline(struct boot_plan *plan, const char *cmdline, struct cl_error *err)
{
	uint32_t max = plan->format->cmdline_max(plan);
	plan->cmdline_len = strlen(cmdline);
	if (plan->cmdline_len > max)
		return cl_fail(err, "kernel command line is %llu bytes, the kernel's cmdline_size is %u",
			       (unsigned long long)plan->cmdline_len, max);
	if (plan->kernel_entry->place_cmdline(plan, err))
		return -1;
	return plan_add_copy(plan, (struct copy_step){ "command line", plan->cmdline_addr, cmdline,
						       plan->cmdline_len + 1, 0 },
			     err);
}

/* Needs the kernel's destinations; sets kernel_bytes and kernel_bounced. */
static int stage_kernel_module(const struct boot_module *kmod, struct boot_plan *plan, struct cl_error *err)
{
	/* A kernel module lying in its own destinations is copied out of the way
	 * first, unless the copies can be ordered so that none overwrites bytes
	 * still to be read (a bzImage is one memmove; ELF: elf_copies_in_place). */
	plan->kernel_bytes = kmod->data;
	if (!plan_overlaps_fixed(plan, (struct mem_range){ kmod->start, kmod->end }) ||
	    plan->format->copies_in_place(plan, kmod))
		return 0;
	uint64_t size = kmod->end - kmod->start, addr;
	if (plan_alloc(plan, "kernel module (staged)", size, BOUNCE_ALIGN, UINT64_MAX, &addr, err))
		return -1;
	plan->kernel_bytes = (const uint8_t *)(uintptr_t)addr;
	plan->kernel_bounced = true;
	return plan_add_copy(plan, (struct copy_step){ "kernel module (staged)", addr, kmod->data, size, 0 }, err);
}

/* Needs the planner; sets efi (the system table, the surviving EFI map) and efi_fixed_ram. */
static int place_efi_info(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	if (!bi->efi_system_table || !bi->efi_mmap)
		return 0;
	plan_collect_efi_fixed_ram(bi, plan);
	uint64_t addr = (uintptr_t)bi->efi_mmap;
	if (!in->efi_mmap_in_place &&
	    (plan_alloc_kaslr_safe(bi, plan, "EFI memory map", bi->efi_mmap_size, EFI_MMAP_ALIGN, &addr, err) ||
	     plan_add_copy(plan, (struct copy_step){ "EFI memory map", addr, bi->efi_mmap, bi->efi_mmap_size, 0 }, err)))
		return -1;
	plan->efi = (struct efi_info){
		.efi_loader_signature = EFI64_LOADER_SIGNATURE,
		.efi_systab = (uint32_t)bi->efi_system_table,
		.efi_systab_hi = (uint32_t)(bi->efi_system_table >> 32),
		.efi_memdesc_size = bi->efi_desc_size,
		.efi_memdesc_version = bi->efi_desc_version,
		.efi_memmap = (uint32_t)addr,
		.efi_memmap_hi = (uint32_t)(addr >> 32),
		.efi_memmap_size = bi->efi_mmap_size,
	};
	return 0;
}

/* Needs efi_fixed_ram; sets acpi_rsdp: the firmware's RSDP, or a reserved copy of GRUB's. */
static int place_rsdp(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	plan->acpi_rsdp = in->acpi_rsdp;
	if (plan->acpi_rsdp || !bi->acpi_rsdp || !acpi_rsdp_valid(bi->acpi_rsdp, bi->acpi_rsdp_size))
		return 0;
	/* A page of its own: the page is what e820 marks reserved, nothing else may share it. */
	bool overflow = false; /* acpi_rsdp_valid has bounded the size */
	uint64_t addr, size = planner_align_up(bi->acpi_rsdp_size, RSDP_COPY_ALIGN, &overflow);
	if (plan_alloc_kaslr_safe(bi, plan, "ACPI RSDP (copy)", size, RSDP_COPY_ALIGN, &addr, err) ||
	    plan_add_copy(plan, (struct copy_step){ "ACPI RSDP (copy)", addr, bi->acpi_rsdp, bi->acpi_rsdp_size,
					       size - bi->acpi_rsdp_size },
		     err))
		return -1;
	e820_mark(&plan->e820, plan->e820_scratch, addr, addr + size, E820_TYPE_RESERVED);
	plan->acpi_rsdp = addr;
	plan->acpi_rsdp_copied = true;
	return 0;
}

/* Needs everything the kernel is told about placed; sets handoff_data and its copies. */
static int build_handoff(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	return plan->kernel_entry->build(in, plan, err);
}

/* Needs every other allocation made; sets trampoline, clear of them all. */
static int place_trampoline(struct boot_plan *plan, struct cl_error *err)
{
	return plan_alloc(plan, "trampoline", TRAMPOLINE_SIZE, TRAMPOLINE_PAGE, FOUR_GIB, &plan->trampoline, err);
}

/* Needs kernel_bytes and the kernel's destinations; sets the last copies: the kernel's own. */
static int add_kernel_copies(struct boot_plan *plan, struct cl_error *err)
{
	return plan->format->add_copies(plan, err);
}

/* One step per line, each with its contract above: what it needs, what it sets. */
int boot_plan_make(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	const struct boot_module *kmod = &bi->modules[0];
	memset(plan, 0, sizeof(*plan));
	if (check_inputs(in, err) ||
	    parse_kernel(kmod, plan, err) ||
	    choose_entry(in, plan, err) ||
	    build_e820(bi, plan, err) ||
	    reserve_inputs(in, plan, err) ||
	    place_kernel(plan, err) ||
	    place_entry(in, plan, err) ||
	    plan_place_initrds(plan, &bi->modules[1], bi->module_count - 1, err) ||
	    place_cmdline(plan, kmod->string, err) ||
	    stage_kernel_module(kmod, plan, err) ||
	    place_efi_info(in, plan, err) ||
	    place_rsdp(in, plan, err) ||
	    build_handoff(in, plan, err) ||
	    place_trampoline(plan, err) ||
	    add_kernel_copies(plan, err))
		return -1;
	return 0;
}

/* The steps every part may take (loader/plan/parts.h). */

bool plan_overlaps_fixed(const struct boot_plan *plan, struct mem_range r)
{
	for (size_t i = 0; i < plan->fixed_count; i++)
		if (mem_range_overlaps(plan->fixed[i], r))
			return true;
	return false;
}

int plan_add_copy(struct boot_plan *plan, struct copy_step step, struct cl_error *err)
{
	if (plan->copy_count == PLAN_MAX_COPIES)
		return cl_fail(err, "plan: more than %u copies (adding %s)", PLAN_MAX_COPIES, step.what);
	plan->copies[plan->copy_count++] = step;
	return 0;
}

int plan_alloc(struct boot_plan *plan, const char *what, uint64_t size, uint64_t align, uint64_t max_end,
	       uint64_t *addr, struct cl_error *err)
{
	struct alloc_request req = { .what = what, .size = size, .align = align, .min = PLANNER_LOW_LIMIT,
				     .max_end = max_end, .policy = ALLOC_HIGHEST };
	return planner_alloc(&plan->planner, &req, addr, err);
}

int plan_claim_fixed(struct boot_plan *plan, struct mem_range r, const char *what, struct cl_error *err)
{
	if (plan->kernel_entry->paging_off && r.end > FOUR_GIB)
		return cl_fail(err, "%s [0x%llx, 0x%llx) is above 4 GiB, out of reach of the %s entry", what,
			       (unsigned long long)r.start, (unsigned long long)r.end, plan->kernel_entry->name);
	if (planner_claim(&plan->planner, r, what, err))
		return -1;
	plan->fixed[plan->fixed_count++] = r;
	return 0;
}

int plan_alloc_cmdline(struct boot_plan *plan, struct cl_error *err)
{
	return plan_alloc(plan, "command line", plan->cmdline_len + 1, CMDLINE_ALIGN, FOUR_GIB, &plan->cmdline_addr, err);
}

/* What the plan tells about itself, for the report and chainloader-check. */

const char *boot_plan_format_name(const struct boot_plan *plan)
{
	return plan->format->name;
}

const char *boot_plan_entry_name(const struct boot_plan *plan)
{
	return plan->kernel_entry->name;
}

const char *boot_plan_data_name(const struct boot_plan *plan)
{
	return plan->kernel_entry->data_name;
}

void boot_plan_report(const struct boot_plan *plan, report_fn *out)
{
	plan->format->report(plan, out);
	if (plan->kernel_entry->report)
		plan->kernel_entry->report(plan, out);
}

const struct tramp_entry *boot_plan_tramp_entry(const struct boot_plan *plan)
{
	return &plan->kernel_entry->tramp;
}

uint64_t boot_plan_bytes_placed(const struct boot_plan *plan)
{
	return plan->format->bytes(plan) + (plan->initrd.end - plan->initrd.start) + plan->cmdline_len + 1 +
	       plan->kernel_entry->data_size(plan);
}

uint64_t boot_plan_bytes_copied(const struct boot_plan *plan)
{
	uint64_t n = 0;
	for (size_t i = 0; i < plan->copy_count; i++)
		n += plan->copies[i].len;
	return n;
}
