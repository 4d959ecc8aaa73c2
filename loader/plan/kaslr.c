/* The KASLR rule: with an EFI map, Linux's decompressor picks its randomised
 * destination among the map's EfiConventionalMemory ranges and avoids only its
 * own image, the initrd, the command line, boot_params and setup_data
 * (arch/x86/boot/compressed/kaslr.c). Whatever else the kernel reads after
 * decompressing must lie in loader or boot-services RAM instead. */
#include <string.h>

#include "firmware/tables.h"
#include "loader/plan/parts.h"

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
void plan_collect_efi_fixed_ram(const struct boot_info *bi, struct boot_plan *plan)
{
	struct efi_memory_descriptor d;
	plan->efi_fixed_ram_count = 0;
	for (uint32_t i = 0; efi_mmap_desc(bi, i, &d); i++)
		if (d.type >= EFI_LOADER_CODE && d.type <= EFI_BOOT_SERVICES_DATA && d.number_of_pages &&
		    plan->efi_fixed_ram_count < PLAN_MAX_EFI_FIXED_RAM)
			plan->efi_fixed_ram[plan->efi_fixed_ram_count++] = efi_desc_range(&d);
	for (uint32_t i = 0; efi_mmap_desc(bi, i, &d); i++)
		if (d.type == EFI_CONVENTIONAL_MEMORY)
			cut_out(plan, efi_desc_range(&d));
}

int plan_alloc_kaslr_safe(const struct boot_info *bi, struct boot_plan *plan, const char *what, uint64_t size,
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
	struct efi_memory_descriptor d;
	for (uint32_t i = 0; efi_mmap_desc(bi, i, &d); i++) {
		struct mem_range r = efi_desc_range(&d);
		for (size_t k = 0; d.type == EFI_CONVENTIONAL_MEMORY && k < n; k++)
			if (mem_range_overlaps(read_late[k].range, r))
				return cl_fail(err, "KASLR: %s [0x%llx, 0x%llx) lies in EfiConventionalMemory [0x%llx, 0x%llx) of the EFI map the kernel gets",
					       read_late[k].what, (unsigned long long)read_late[k].range.start,
					       (unsigned long long)read_late[k].range.end, (unsigned long long)r.start,
					       (unsigned long long)r.end);
	}
	return 0;
}
