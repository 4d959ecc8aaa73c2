/* The shared top of every way in (boot/top.h): plan, report, then commit and
 * jump. The only place that prints errors and halts. */
#include "boot/top.h"

#include <stdarg.h>
#include <string.h>

#include "arch.h"
#include "boot/options.h"
#include "boot_info.h"
#include "boot_plan.h"
#include "console.h"
#include "firmware/tables.h"
#include "workspace.h"

#ifndef CHAINLOADER_VERSION
#error "CHAINLOADER_VERSION must come from the Makefile (the VERSION file)"
#endif

extern char __image_start[], __image_end[];

/* Large: in the workspace start32.S found (include/workspace.h). */
static struct boot_info *info;
static struct boot_plan *plan;

void fail_if(int rc, const struct cl_error *err)
{
	if (rc)
		console_fatal(err->msg);
}

static void print_memory_map(const struct boot_info *bi)
{
	if (bi->mmap_count == 0 && bi->efi_mmap) {
		console_printf(LOG_VERBOSE, "EFI memory map: %llu descriptors\n",
			       (unsigned long long)(bi->efi_mmap_size / bi->efi_desc_size));
		struct efi_memory_descriptor d;
		for (uint32_t i = 0; efi_mmap_desc(bi, i, &d); i++)
			console_printf(LOG_VERBOSE, "  EFI [0x%016llx, 0x%016llx) type %u attr 0x%llx\n",
				       (unsigned long long)d.physical_start,
				       (unsigned long long)(d.physical_start + (d.number_of_pages << EFI_PAGE_SHIFT)),
				       d.type, (unsigned long long)d.attribute);
	} else
		console_printf(LOG_VERBOSE, "memory map from GRUB: %llu entries\n", (unsigned long long)bi->mmap_count);
	for (size_t i = 0; i < bi->mmap_count; i++)
		console_printf(LOG_VERBOSE, "  [0x%016llx, 0x%016llx) type %u\n",
			       (unsigned long long)bi->mmap[i].start, (unsigned long long)bi->mmap[i].end,
			       bi->mmap[i].type);
	for (size_t i = 0; i < bi->module_count; i++)
		console_printf(LOG_VERBOSE, "module %llu: [0x%llx, 0x%llx) '%s'\n", (unsigned long long)i + 1,
			       (unsigned long long)bi->modules[i].start, (unsigned long long)bi->modules[i].end,
			       bi->modules[i].string);
}

static void print_firmware(const struct boot_info *bi, uint64_t rsdp)
{
	if (bi->efi_system_table)
		console_printf(LOG_VERBOSE, "UEFI: system table 0x%llx, memory map %u bytes (%u-byte descriptors, version %u)\n",
			       (unsigned long long)bi->efi_system_table, bi->efi_mmap_size, bi->efi_desc_size,
			       bi->efi_desc_version);
	console_printf(LOG_VERBOSE, "ACPI RSDP: %s0x%llx%s\n", rsdp ? "" : "not found by the firmware tables, ",
		       (unsigned long long)rsdp, bi->acpi_rsdp ? " (GRUB passed a copy)" : "");
	if (bi->smbios_major)
		console_printf(LOG_VERBOSE, "SMBIOS %u.%u (GRUB passed a copy; Linux finds the tables itself)\n",
			       bi->smbios_major, bi->smbios_minor);
	if (bi->has_framebuffer) {
		const struct boot_framebuffer *fb = &bi->framebuffer;
		console_printf(LOG_VERBOSE, "framebuffer: %ux%u, %u bpp, pitch %u at 0x%llx\n", fb->width, fb->height,
			       fb->bpp, fb->pitch, (unsigned long long)fb->addr);
	}
}

/* The parts' own reports (loader/format/, loader/handoff/) go to the console at `verbose`. */
static void verbose(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console_vprintf(LOG_VERBOSE, fmt, ap);
	va_end(ap);
}

static void print_plan(const struct boot_plan *p)
{
	boot_plan_report(p, verbose);
	console_printf(LOG_VERBOSE, "placement (ranges in use until the jump; inputs until consumed):\n");
	for (size_t i = 0; i < p->planner.live_count; i++) {
		const struct live_range *l = &p->planner.live[i];
		console_printf(LOG_VERBOSE, "  [0x%llx, 0x%llx) %s\n", (unsigned long long)l->range.start,
			       (unsigned long long)l->range.end, l->what);
	}
	for (size_t i = 0; i < p->copy_count; i++) {
		const struct copy_step *c = &p->copies[i];
		console_printf(LOG_VERBOSE, "copy %s: [0x%llx, 0x%llx) -> [0x%llx, 0x%llx)%s\n", c->what,
			       (unsigned long long)(uintptr_t)c->src, (unsigned long long)((uintptr_t)c->src + c->len),
			       (unsigned long long)c->dst, (unsigned long long)(c->dst + c->len),
			       c->zero_len ? ", then zeroes" : "");
		if (c->zero_len)
			console_printf(LOG_VERBOSE, "  zero [0x%llx, 0x%llx)\n", (unsigned long long)(c->dst + c->len),
				       (unsigned long long)(c->dst + c->len + c->zero_len));
	}
	console_printf(LOG_VERBOSE, "initrd: [0x%llx, 0x%llx) %s\n", (unsigned long long)p->initrd.start,
		       (unsigned long long)p->initrd.end,
		       p->initrd.end == p->initrd.start ? "(none)" : p->initrd_moved ? "(moved)" : "(in place, not copied)");
	console_printf(LOG_VERBOSE, "%s at 0x%llx: command line at 0x%llx (%llu bytes), ramdisk 0x%llx+0x%llx, e820 %llu entries:\n",
		       boot_plan_data_name(p),
		       (unsigned long long)p->handoff_data, (unsigned long long)p->cmdline_addr,
		       (unsigned long long)p->cmdline_len, (unsigned long long)p->initrd.start,
		       (unsigned long long)(p->initrd.end - p->initrd.start), (unsigned long long)p->e820.count);
	for (size_t i = 0; i < p->e820.count; i++) {
		const struct boot_e820_entry *e = &p->e820.entry[i];
		console_printf(LOG_VERBOSE, "  e820 [0x%016llx, 0x%016llx) %s\n", (unsigned long long)e->addr,
			       (unsigned long long)(e->addr + e->size), e820_type_name(e->type));
	}
}

static uint64_t highest_ram_end(const struct e820_table *t)
{
	uint64_t end = 0;
	for (size_t i = 0; i < t->count; i++)
		if (t->entry[i].type == E820_TYPE_RAM && t->entry[i].addr + t->entry[i].size > end)
			end = t->entry[i].addr + t->entry[i].size;
	return end;
}

static void print_rng_seed(const struct boot_plan *p, const char *seed_source)
{
	if (p->rng_seed_addr)
		console_printf(LOG_VERBOSE, "RNG seed: %u bytes from %s as SETUP_RNG_SEED at 0x%llx\n", RNG_SEED_SIZE,
			       seed_source, (unsigned long long)p->rng_seed_addr);
	else if (seed_source)
		console_printf(LOG_VERBOSE, "RNG seed: note: the %s entry passes none; the kernel gets none\n",
			       boot_plan_entry_name(p));
}

int loader_start_console(struct workspace_data *ws, struct loader_options *opt, struct cl_error *err)
{
	const struct boot_info *bi = &ws->info;
	if (bi->has_framebuffer)
		fbcon_init(&bi->framebuffer, ws->fbcon_cells); /* from now on, messages show on the screen too */
	if (options_parse(bi->loader_cmdline, opt, err))
		return -1;
	console_set_level(opt->log);
	console_printf(LOG_NORMAL, "chainloader " CHAINLOADER_VERSION " (%s -> Linux boot protocol)\n",
		       bi->way_in ? bi->way_in : "multiboot2");
	console_printf(LOG_VERBOSE, "loader options: '%s'\n", bi->loader_cmdline ? bi->loader_cmdline : "");
	return 0;
}

void loader_boot(struct workspace_data *ws, struct mem_range workspace, const struct loader_options *opt,
		 const struct efi_collected *fw)
{
	struct cl_error err;
	info = &ws->info;
	plan = &ws->plan;
	print_memory_map(info);

	if (info->efi_system_table || info->has_framebuffer)
		vga_disable(); /* no text screen at 0xB8000 to write to */
	struct screen_info screen;
	bool have_screen = info->has_framebuffer
				   ? screen_info_from_framebuffer(&screen, &info->framebuffer, info->efi_system_table != 0)
				   : (vga_screen_info(&screen), true);
	uint64_t rsdp = info->efi_system_table ? efi_find_rsdp(info->efi_system_table) : acpi_find_rsdp_bios();
	print_firmware(info, rsdp);
	struct plan_inputs in = {
		.info = info,
		.entry = opt->entry,
		.loader = { (uintptr_t)__image_start, (uintptr_t)__image_end },
		.workspace = workspace,
		.screen = have_screen ? &screen : NULL,
		.acpi_rsdp = rsdp,
	};
	/* BIOS: the kernel's RNG seed from the CPU. On UEFI the seed is already in
	 * the firmware's configuration table (boot/multiboot2/efi_main.c). */
	uint8_t seed[RNG_SEED_SIZE];
	const char *seed_source = NULL;
	if (fw) {
		in.secure_boot = fw->secure_boot;
		in.kept_count = fw->kept_count;
		memcpy(in.kept, fw->kept, sizeof(in.kept));
		in.efi_mmap_in_place = fw->efi_mmap_in_place;
	} else {
		bios_low_memory_read(&in.bios);
		seed_source = cpu_random_fill(seed, sizeof(seed));
		in.rng_seed = seed_source ? seed : NULL;
		if (!seed_source)
			console_printf(LOG_VERBOSE, "RNG seed: note: no RDSEED/RDRAND; the kernel gets none\n");
	}
	int rc = boot_plan_make(&in, plan, &err);
	wipe(seed, sizeof(seed));
	fail_if(rc, &err);
	fail_if(paging_build(highest_ram_end(&plan->e820), &plan->planner, &err), &err);
	print_plan(plan);
	print_rng_seed(plan, seed_source);
	console_printf(LOG_NORMAL, "chainloader: booting %s [0x%llx, 0x%llx) by the %s entry at 0x%llx, initrd %llu bytes\n",
		       boot_plan_format_name(plan), (unsigned long long)plan->kernel_range.start,
		       (unsigned long long)plan->kernel_range.end, boot_plan_entry_name(plan),
		       (unsigned long long)plan->entry, (unsigned long long)(plan->initrd.end - plan->initrd.start));

	/* Point of no return: every check has passed. The trampoline, in memory no
	 * destination reaches, copies (staging first, the kernel last) and jumps. */
	uint64_t ticks = tsc_now() - entry_tsc;
	if (opt->log >= LOG_VERBOSE || opt->timing) {
		uint64_t hz = tsc_calibrate(); /* 10 ms, after the measured interval */
		uint64_t us = hz ? ticks * 1000000 / hz : 0;
		console_printf(LOG_QUIET, "chainloader: %llu bytes to copy, %llu bytes placed; own time %llu TSC ticks = %llu us (TSC %llu kHz) until the trampoline at 0x%llx\n",
			       (unsigned long long)boot_plan_bytes_copied(plan),
			       (unsigned long long)boot_plan_bytes_placed(plan), (unsigned long long)ticks,
			       (unsigned long long)us, (unsigned long long)(hz / 1000),
			       (unsigned long long)plan->trampoline);
	}
	boot_plan_commit_seed(plan);
	trampoline_launch(plan);
}
