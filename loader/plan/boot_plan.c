/* Parse, then check, then commit: this file decides; arch code only executes.
 * It knows neither image formats nor entries: those are the parts of
 * loader/plan/parts.h (loader/format_*.c, loader/handoff_*.c).
 * Copies run in plan order: first into free memory (staging, handoff data),
 * last into the kernel's destinations, so that no source is overwritten
 * before it has been read. */
#include "boot_plan.h"

#include <string.h>

#include "firmware.h"
#include "loader/plan/parts.h"
#include "trampoline.h"
#include "loader/handoff/zeropage.h"

#define EFI_MMAP_ALIGN 4096u /* whole pages: the kernel reserves it by pages */
#define RSDP_COPY_ALIGN 4096u

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

static bool overlaps_fixed(const struct boot_plan *plan, struct mem_range r)
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

/* As plan_alloc, for what the kernel reads after decompressing: when it gets an
 * EFI map, only in loader or boot-services RAM (boot_plan_check_kaslr). */
static int alloc_kaslr_safe(const struct boot_info *bi, struct boot_plan *plan, const char *what, uint64_t size,
			    uint64_t align, uint64_t *addr, struct cl_error *err)
{
	struct alloc_request req = { .what = what, .size = size, .align = align, .min = PLANNER_LOW_LIMIT,
				     .max_end = FOUR_GIB, .policy = ALLOC_HIGHEST };
	if (bi->efi_system_table && bi->efi_mmap) {
		req.within = plan->efi_fixed_ram;
		req.within_count = plan->efi_fixed_ram_count;
		req.within_what = "EFI loader or boot-services memory (never a KASLR destination)";
	}
	return planner_alloc(&plan->planner, &req, addr, err);
}

/* The first format whose probe knows the module parses it. */
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
		return cl_fail(err, "kernel module [0x%llx, 0x%llx) of %llu bytes is too short to be a kernel",
			       (unsigned long long)kmod->start, (unsigned long long)kmod->end, (unsigned long long)size);
	return cl_fail(err, "kernel module [0x%llx, 0x%llx) is neither a bzImage (0xaa55, \"HdrS\") nor an ELF (first bytes %02x %02x %02x %02x)",
		       (unsigned long long)kmod->start, (unsigned long long)kmod->end, b[0], b[1], b[2], b[3]);
}

static int reserve_inputs(const struct plan_inputs *in, struct planner *pl, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	/* The loader is consumed too: its data are copied out before the kernel's
	 * destinations are written, and the trampoline runs from elsewhere. */
	if (planner_reserve_movable(pl, in->loader, "chainloader", err) ||
	    (in->workspace.end > in->workspace.start &&
	     planner_reserve_movable(pl, in->workspace, "chainloader workspace (stack, tables)", err)) ||
	    planner_reserve_movable(pl, bi->mbi, "multiboot2 information", err))
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

/* A kernel module lying in its own destinations is copied out of the way first,
 * unless the copies can be ordered so that none overwrites bytes still to be
 * read (a bzImage is one memmove; ELF segments, see elf_copies_in_place). */
static int stage_kernel_module(const struct boot_module *kmod, struct boot_plan *plan, struct cl_error *err)
{
	plan->kernel_bytes = kmod->data;
	if (!overlaps_fixed(plan, (struct mem_range){ kmod->start, kmod->end }) ||
	    plan->format->copies_in_place(plan, kmod))
		return 0;
	uint64_t size = kmod->end - kmod->start, addr;
	if (plan_alloc(plan, "kernel module (staged)", size, BOUNCE_ALIGN, UINT64_MAX, &addr, err))
		return -1;
	plan->kernel_bytes = (const uint8_t *)(uintptr_t)addr;
	plan->kernel_bounced = true;
	return plan_add_copy(plan, (struct copy_step){ "kernel module (staged)", addr, kmod->data, size, 0 }, err);
}

/* One past the highest address the initrd's last byte may have. */
static uint64_t initrd_limit(const struct boot_plan *plan)
{
	uint64_t limit = plan->format->initrd_limit(plan);
	if (plan->kernel_entry->paging_off && limit > FOUR_GIB)
		limit = FOUR_GIB; /* 32-bit addresses only */
	return limit;
}

/* Several initrd modules become one initramfs: back to back, each start 4-byte
 * aligned, zeros between them (the kernel's unpacker skips zero padding). */
static bool initrds_usable_in_place(const struct boot_plan *plan, const struct boot_module *m, size_t n)
{
	uint64_t limit = initrd_limit(plan);
	for (size_t i = 0; i < n; i++) {
		struct mem_range here = { m[i].start, m[i].end };
		if (m[i].end > limit || m[i].start % INITRD_JOIN_ALIGN || overlaps_fixed(plan, here))
			return false;
		if (i + 1 == n)
			break;
		if (m[i + 1].start < m[i].end)
			return false; /* out of order */
		struct mem_range gap = { m[i].end, m[i + 1].start };
		if (gap.start == gap.end)
			continue;
		/* The gap is zeroed: nothing else may live there. */
		for (size_t j = 0; j < plan->planner.live_count; j++) {
			const struct live_range *l = &plan->planner.live[j];
			if (mem_range_overlaps(l->range, gap))
				return false;
		}
		if (!planner_in_ram(&plan->planner, gap))
			return false;
	}
	return true;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static int place_initrds(struct boot_plan *plan, const struct boot_module *m, size_t n, struct cl_error *err)
{
	plan->initrd_count = n;
	if (n == 0)
		return 0;
	if (initrds_usable_in_place(plan, m, n)) { /* no copy: zero the gaps, if any */
		plan->initrd = (struct mem_range){ m[0].start, m[n - 1].end };
		for (size_t i = 0; i + 1 < n; i++) {
			struct mem_range gap = { m[i].end, m[i + 1].start };
			if (gap.start == gap.end)
				continue;
			if (planner_reserve(&plan->planner, gap, "initrd padding", err) ||
			    plan_add_copy(plan, (struct copy_step){ "initrd padding", gap.start, NULL, 0, gap.end - gap.start }, err))
				return -1;
		}
		return 0;
	}
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total = align_up(total, INITRD_JOIN_ALIGN) + (m[i].end - m[i].start);
	uint64_t addr;
	if (plan_alloc(plan, "initrd", total, INITRD_ALIGN, initrd_limit(plan), &addr, err))
		return -1;
	plan->initrd = (struct mem_range){ addr, addr + total };
	plan->initrd_moved = true;
	uint64_t at = addr;
	for (size_t i = 0; i < n; i++) {
		uint64_t size = m[i].end - m[i].start;
		uint64_t pad = i + 1 < n ? align_up(size, INITRD_JOIN_ALIGN) - size : 0;
		if (plan_add_copy(plan, (struct copy_step){ "initrd", at, m[i].data, size, pad }, err))
			return -1;
		at += size + pad;
	}
	return 0;
}

int plan_alloc_cmdline(struct boot_plan *plan, struct cl_error *err)
{
	return plan_alloc(plan, "command line", plan->cmdline_len + 1, CMDLINE_ALIGN, FOUR_GIB, &plan->cmdline_addr, err);
}

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

/* GRUB's memory map, reconciled with the EFI memory map when there is one
 * (where they disagree, the more restrictive type wins). */
static int build_e820(const struct boot_info *bi, struct boot_plan *plan, struct cl_error *err)
{
	struct mmap_entry *all = plan->e820_scratch;
	size_t n = bi->mmap_count;
	memcpy(all, bi->mmap, n * sizeof(all[0]));
	if (bi->efi_mmap &&
	    efi_mmap_to_entries(bi->efi_mmap, bi->efi_mmap_size, bi->efi_desc_size, all, E820_BUILD_MAX_INPUT, &n, err))
		return -1;
	e820_build(all, n, &plan->e820);
	if (plan->e820.overflow)
		return cl_fail(err, "e820: the memory maps give more than %u ranges", E820_TABLE_MAX);
	return 0;
}

#define EFI_TYPE_LOADER_CODE 1
#define EFI_TYPE_BOOT_SERVICES_DATA 4
#define EFI_TYPE_CONVENTIONAL 7

static struct efi_memory_descriptor efi_desc_at(const struct boot_info *bi, uint32_t off)
{
	struct efi_memory_descriptor d;
	memcpy(&d, bi->efi_mmap + off, sizeof(d));
	return d;
}

static struct mem_range efi_desc_range(const struct efi_memory_descriptor *d)
{
	/* efi_mmap_to_entries has checked that no descriptor overflows. */
	return (struct mem_range){ d->physical_start, d->physical_start + (d->number_of_pages << EFI_PAGE_SHIFT) };
}

/* Takes [cut) out of the list's ranges (a range may split in two). */
static void cut_out(struct boot_plan *plan, struct mem_range cut)
{
	for (size_t i = 0; i < plan->efi_fixed_ram_count; i++) {
		struct mem_range *r = &plan->efi_fixed_ram[i];
		if (!mem_range_overlaps(*r, cut))
			continue;
		struct mem_range below = { r->start, cut.start }, above = { cut.end, r->end };
		if (below.start < below.end && above.start < above.end &&
		    plan->efi_fixed_ram_count < PLAN_MAX_EFI_FIXED_RAM) {
			*r = below;
			plan->efi_fixed_ram[plan->efi_fixed_ram_count++] = above;
		} else if (below.start < below.end) {
			*r = below;
		} else if (above.start < above.end) {
			*r = above;
		} else {
			*r = (struct mem_range){ 0, 0 }; /* all of it: empty, fits nothing */
		}
	}
}

/* Loader code/data and boot-services code/data, less anything a (malformed,
 * overlapping) map also calls conventional: RAM to Linux once the boot
 * services are gone, never a KASLR candidate. Beyond the table's room the
 * rest is left out (fewer places to choose from, never a wrong one). */
static void collect_efi_fixed_ram(const struct boot_info *bi, struct boot_plan *plan)
{
	plan->efi_fixed_ram_count = 0;
	for (uint32_t off = 0; bi->efi_desc_size && bi->efi_mmap_size - off >= bi->efi_desc_size;
	     off += bi->efi_desc_size) {
		struct efi_memory_descriptor d = efi_desc_at(bi, off);
		if (d.type >= EFI_TYPE_LOADER_CODE && d.type <= EFI_TYPE_BOOT_SERVICES_DATA && d.number_of_pages &&
		    plan->efi_fixed_ram_count < PLAN_MAX_EFI_FIXED_RAM)
			plan->efi_fixed_ram[plan->efi_fixed_ram_count++] = efi_desc_range(&d);
	}
	for (uint32_t off = 0; bi->efi_desc_size && bi->efi_mmap_size - off >= bi->efi_desc_size;
	     off += bi->efi_desc_size) {
		struct efi_memory_descriptor d = efi_desc_at(bi, off);
		if (d.type == EFI_TYPE_CONVENTIONAL)
			cut_out(plan, efi_desc_range(&d));
	}
}

int boot_plan_check_kaslr(const struct plan_inputs *in, const struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	if (!plan->efi.efi_loader_signature)
		return 0;
	struct kept_range read_late[PLAN_MAX_KEPT + 2];
	size_t n = 0;
	uint64_t map = plan->efi.efi_memmap | (uint64_t)plan->efi.efi_memmap_hi << 32;
	read_late[n++] = (struct kept_range){ { map, map + plan->efi.efi_memmap_size }, "EFI memory map" };
	if (plan->acpi_rsdp_copied)
		read_late[n++] = (struct kept_range){ { plan->acpi_rsdp, plan->acpi_rsdp + bi->acpi_rsdp_size },
						      "ACPI RSDP (copy)" };
	for (size_t k = 0; k < in->kept_count; k++)
		read_late[n++] = in->kept[k];
	for (uint32_t off = 0; bi->efi_desc_size && bi->efi_mmap_size - off >= bi->efi_desc_size;
	     off += bi->efi_desc_size) {
		struct efi_memory_descriptor d = efi_desc_at(bi, off);
		struct mem_range r = efi_desc_range(&d);
		for (size_t k = 0; d.type == EFI_TYPE_CONVENTIONAL && k < n; k++)
			if (mem_range_overlaps(read_late[k].range, r))
				return cl_fail(err, "KASLR: %s [0x%llx, 0x%llx) lies in EfiConventionalMemory [0x%llx, 0x%llx) of the EFI map the kernel gets",
					       read_late[k].what, (unsigned long long)read_late[k].range.start,
					       (unsigned long long)read_late[k].range.end, (unsigned long long)r.start,
					       (unsigned long long)r.end);
	}
	return 0;
}

/* efi_info: the system table, and the EFI memory map where it survives. */
static int place_efi_info(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	if (!bi->efi_system_table || !bi->efi_mmap)
		return 0;
	collect_efi_fixed_ram(bi, plan);
	uint64_t addr = (uintptr_t)bi->efi_mmap;
	if (!in->efi_mmap_in_place &&
	    (alloc_kaslr_safe(bi, plan, "EFI memory map", bi->efi_mmap_size, EFI_MMAP_ALIGN, &addr, err) ||
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

/* The firmware's RSDP, or else GRUB's copy of it, kept in memory marked reserved. */
static int place_rsdp(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	plan->acpi_rsdp = in->acpi_rsdp;
	if (plan->acpi_rsdp || !bi->acpi_rsdp || !acpi_rsdp_valid(bi->acpi_rsdp, bi->acpi_rsdp_size))
		return 0;
	/* A page of its own: the page is what e820 marks reserved, nothing else may share it. */
	uint64_t addr, size = align_up(bi->acpi_rsdp_size, RSDP_COPY_ALIGN);
	if (alloc_kaslr_safe(bi, plan, "ACPI RSDP (copy)", size, RSDP_COPY_ALIGN, &addr, err) ||
	    plan_add_copy(plan, (struct copy_step){ "ACPI RSDP (copy)", addr, bi->acpi_rsdp, bi->acpi_rsdp_size,
					       size - bi->acpi_rsdp_size },
		     err))
		return -1;
	e820_mark(&plan->e820, plan->e820_scratch, addr, addr + size, E820_TYPE_RESERVED);
	plan->acpi_rsdp = addr;
	plan->acpi_rsdp_copied = true;
	return 0;
}

int boot_plan_make(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	memset(plan, 0, sizeof(*plan));
	if (bi->module_count == 0)
		return cl_fail(err, "no kernel: GRUB passed no module (add a module2 line with the kernel)");
	if (bi->efi_boot_services)
		return cl_fail(err, "EFI boot services are still running (multiboot2 tag 18): the UEFI entry must exit them first");
	if (in->kept_count > PLAN_MAX_KEPT)
		return cl_fail(err, "plan: %llu kept ranges, at most %u", (unsigned long long)in->kept_count, PLAN_MAX_KEPT);
	const struct boot_module *kmod = &bi->modules[0];

	if (parse_kernel(kmod, plan, err) || plan->format->choose_entry(in->entry, in->bios.present, plan, err))
		return -1;
	const struct kernel_entry *ho = plan->kernel_entry;
	if (build_e820(bi, plan, err))
		return -1;
	planner_init(&plan->planner, &plan->e820);
	/* Destinations the image fixes are claimed before anything is allocated. */
	if (reserve_inputs(in, &plan->planner, err) || plan->format->place(plan, err) ||
	    (ho->place && ho->place(in, plan, err)) || place_initrds(plan, &bi->modules[1], bi->module_count - 1, err) ||
	    place_cmdline(plan, kmod->string, err) || stage_kernel_module(kmod, plan, err) ||
	    place_efi_info(in, plan, err) || place_rsdp(in, plan, err) || ho->build(in, plan, err))
		return -1;
	if (plan_alloc(plan, "trampoline", TRAMPOLINE_SIZE, TRAMPOLINE_PAGE, FOUR_GIB, &plan->trampoline, err))
		return -1;
	return plan->format->add_copies(plan, err);
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
