/* libFuzzer harness: the whole boot plan (loader/plan/boot_plan.c and everything it
 * calls) from a fuzzed struct boot_info.
 *
 * Input layout (little-endian; tests/fuzz/gen_seeds.py writes the seeds):
 *   u8  entry mode (ENTRY_AUTO, 64, 32, PVH, 16: the low bits modulo 5);
 *       bit 7: a BIOS is there (SeaBIOS's vectors and EBDA: the real-mode
 *       entry may be chosen), unless bit 2 or 7 of the flags make it UEFI
 *   u8  flags: bit 0 a VGA screen_info is passed; bit 1 memory map addresses
 *       and lengths are raw u64 (else u32 page numbers); bit 2 an EFI system
 *       table and memory map (UEFI); bit 3 GRUB's copy of the ACPI RSDP;
 *       bit 4 the firmware's RSDP address is known; bit 5 EFI boot services
 *       still running (tag 18); bit 6 an RNG seed (SETUP_RNG_SEED); bit 7 the
 *       UEFI entry's handoff (secure_boot 2, the EFI map used in place, and a
 *       kept firmware allocation: the 8 KiB above the information)
 *   u16 memory map entries (modulo BOOT_INFO_MAX_MMAP + 1)
 *   u8  modules (modulo BOOT_INFO_MAX_MODULES + 1)
 *   u32 loader start, u32 loader size (the image, then its workspace: the
 *       second half, where the plan lives), u32 multiboot2 information start
 *   u16 kernel command line length
 *   u16 EFI memory map bytes, u8 descriptor size (40 + 8 * (n % 4)),
 *   u8  RSDP bytes
 *   the map: start, length, u8 type per entry
 *   per module: u32 start, u32 size
 *   the command line bytes (cut at a NUL), the EFI memory map, the RSDP
 *   (these three lie in the multiboot2 information)
 *   the rest: the module bytes back to back (the last ones get what is left)
 *
 * Inputs GRUB could not produce are skipped: an empty module, ranges that
 * wrap or end past 4 GiB, the modules, the loader and the information
 * overlapping one another or lying outside usable RAM (by GRUB's map and the
 * EFI map together). The EFI map is shaped as mb2_parse passes it on: a
 * whole number of descriptors of at least 40 bytes, a multiple of 8.
 *
 * For every plan made, checks: the copy list ends with the kernel copies; no
 * copy destination overlaps another, a source a later copy still reads, or
 * (before the kernel copies) a kernel destination; every destination, the
 * kernel's [load, load + init_size) and the trampoline are usable RAM at or
 * above 1 MiB (but for the real-mode entry's: check_real_mode, its area below
 * the EBDA in free RAM clear of every input, and its header); handoff data, command line and trampoline lie below 4 GiB, and
 * for the 32-bit and PVH entries kernel, entry and initrd too; the initrd
 * respects initrd_addr_max unless the 64-bit entry may load it above 4 GiB;
 * an initrd left in place is overwritten by nothing; the trampoline is clear
 * of every source, destination and input; the zero page or hvm_start_info
 * points where the plan says; the e820 map the kernel gets shows its own
 * destinations and the initrd as usable RAM, and the RSDP copy as reserved;
 * the EFI memory map and the RSDP copy are copied below 4 GiB; an RNG seed
 * node lies outside the kernel's range and every copy, linked last in the
 * setup_data chain (none for PVH); a kept range is overlapped by nothing the
 * plan writes; a map used in place is what efi_info points at; and the KASLR
 * invariant (boot_plan_check_kaslr: the EFI map, the RSDP copy and the kept
 * ranges outside EfiConventionalMemory) holds. */
#include <string.h>

#include "boot_plan.h"
#include "loader/plan/parts.h" /* the formats and entries, to compare */
#include "fuzz_common.h"
#include "trampoline.h"

#define FOUR_GIB 0x100000000ull
#define ONE_MIB 0x100000ull

static struct boot_info info;
static struct boot_plan plan;
static _Alignas(8) uint8_t mbi_buf[32 + 4096 + 8 + 4096 + 8 + 256];
static struct mem_range loader;    /* image and workspace together */
static struct mem_range workspace; /* its upper half: the plan's home */
/* GRUB's map and the EFI map's entries: what "usable RAM" is judged by. */
static struct mmap_entry ram_map[BOOT_INFO_MAX_MMAP + 4096 / 40];
static size_t ram_map_n;

/* The e820 type of an EFI memory type, as Linux's EFI stub maps them. */
static uint32_t efi_e820_type(uint32_t t)
{
	if (t >= 1 && t <= 4)
		return E820_TYPE_RAM; /* loader code/data, boot services code/data */
	switch (t) {
	case 7:
		return E820_TYPE_RAM; /* conventional */
	case 8:
		return E820_TYPE_UNUSABLE;
	case 9:
		return E820_TYPE_ACPI;
	case 10:
		return E820_TYPE_NVS;
	case 14:
		return E820_TYPE_PMEM;
	default:
		return E820_TYPE_RESERVED;
	}
}

/* Is [start, end) usable RAM in the e820 table the kernel is given? */
static bool e820_is_ram_exact(uint64_t start, uint64_t end);
static bool e820_is_ram(uint64_t start, uint64_t end)
{
#ifdef FUZZ_KNOWN_RSDP_PAGE
	/* Reported, not fixed yet: the RSDP copy is 16-byte aligned but its whole
	 * pages are marked reserved, over whatever shares them. Leave those pages
	 * out so the rest is still checked. */
	if (plan.acpi_rsdp_copied) {
		uint64_t lo = plan.acpi_rsdp & ~0xFFFull;
		uint64_t hi = (plan.acpi_rsdp + info.acpi_rsdp_size + 0xFFF) & ~0xFFFull;
		if (ranges_overlap(start, end, lo, hi))
			return (start >= lo || e820_is_ram_exact(start, lo)) && (end <= hi || e820_is_ram_exact(hi, end));
	}
#endif
	return e820_is_ram_exact(start, end);
}

static bool e820_is_ram_exact(uint64_t start, uint64_t end)
{
	uint64_t at = start;
	for (size_t i = 0; i < plan.e820.count && at < end; i++) {
		const struct boot_e820_entry *e = &plan.e820.entry[i];
		if (e->addr <= at && at < e->addr + e->size) {
			if (e->type != E820_TYPE_RAM)
				return false;
			at = e->addr + e->size;
		}
	}
	return at >= end;
}

static bool e820_any_ram(uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < plan.e820.count; i++) {
		const struct boot_e820_entry *e = &plan.e820.entry[i];
		if (e->type == E820_TYPE_RAM && ranges_overlap(e->addr, e->addr + e->size, start, end))
			return true;
	}
	return false;
}

struct span {
	uint64_t start, end;
};

static bool span_overlap(struct span a, struct span b)
{
	return ranges_overlap(a.start, a.end, b.start, b.end);
}

static bool host_in(const void *p, const void *base, size_t len, size_t *off)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;
	if (a < b || a - b > len)
		return false;
	*off = a - b;
	return true;
}

/* The physical bytes a copy reads, as the loader sees them identity-mapped. */
static struct span source_of(const struct copy_step *c)
{
	size_t off;
	if (c->len == 0)
		return (struct span){ 0, 0 };
	for (size_t i = 0; i < info.module_count; i++) {
		const struct boot_module *m = &info.modules[i];
		if (host_in(c->src, m->data, m->end - m->start, &off)) {
			FUZZ_CHECK(off + c->len <= m->end - m->start, "copy %s reads past module %zu", c->what, i);
			return (struct span){ m->start + off, m->start + off + c->len };
		}
	}
	if (host_in(c->src, mbi_buf, sizeof(mbi_buf), &off)) {
		FUZZ_CHECK(info.mbi.start + off + c->len <= info.mbi.end, "copy %s reads past the information", c->what);
		return (struct span){ info.mbi.start + off, info.mbi.start + off + c->len };
	}
	if (host_in(c->src, &plan, sizeof(plan), &off)) {
		FUZZ_CHECK(off + c->len <= sizeof(plan), "copy %s reads past the plan", c->what);
		return (struct span){ workspace.start, workspace.end }; /* the plan lives in the workspace */
	}
	FUZZ_CHECK(plan.kernel_bounced, "copy %s reads from unknown memory", c->what);
	return (struct span){ (uintptr_t)c->src, (uintptr_t)c->src + c->len }; /* the staged kernel module */
}

static bool is_kernel_copy(const struct copy_step *c)
{
	return !strcmp(c->what, "kernel") || !strcmp(c->what, "ELF PT_LOAD");
}

static void check_in_ram(struct span s, const char *what)
{
	if (s.start == s.end)
		return;
	FUZZ_CHECK(s.start >= ONE_MIB && s.start < s.end, "%s [0x%llx, 0x%llx) below 1 MiB or wrapping", what,
		   (unsigned long long)s.start, (unsigned long long)s.end);
	FUZZ_CHECK(oracle_is_ram(ram_map, ram_map_n, s.start, s.end), "%s [0x%llx, 0x%llx) is not usable RAM",
		   what, (unsigned long long)s.start, (unsigned long long)s.end);
}

static struct plan_inputs extra;   /* the entries' additions (flags bits 6 and 7) */
static struct plan_inputs plan_in; /* what boot_plan_make was given */

/* The RNG seed node and the UEFI entry's kept ranges. */
static void check_firmware_handoff(struct span kernel)
{
	struct span seed = { plan.rng_seed_addr, plan.rng_seed_addr + sizeof(plan.rng_seed) };
	bool want_seed = extra.rng_seed && plan.kernel_entry != &entry_pvh && plan.kernel_entry != &entry_16;
	FUZZ_CHECK(want_seed == (plan.rng_seed_addr != 0), "RNG seed node 0x%llx (%s entry, seed %s)",
		   (unsigned long long)plan.rng_seed_addr, boot_plan_entry_name(&plan), extra.rng_seed ? "given" : "none");
	if (want_seed) {
		/* A bzImage decompresses over all of [load, load + init_size); an ELF
		 * kernel writes only its segments. */
		bool over_kernel = plan.format == &bzimage_format && span_overlap(seed, kernel);
		for (size_t f = 0; f < plan.fixed_count; f++)
			over_kernel |= span_overlap(seed, (struct span){ plan.fixed[f].start, plan.fixed[f].end });
		FUZZ_CHECK(!over_kernel && seed.end <= FOUR_GIB && seed.start >= ONE_MIB,
			   "RNG seed node [0x%llx, 0x%llx)", (unsigned long long)seed.start, (unsigned long long)seed.end);
		uint64_t last = plan.e820_ext_addr ? plan.e820_ext.hdr.next : plan.setup_data;
		FUZZ_CHECK(last == plan.rng_seed_addr && plan.rng_seed.hdr.type == SETUP_RNG_SEED &&
				   plan.rng_seed.hdr.len == RNG_SEED_SIZE && plan.rng_seed.hdr.next == 0 &&
				   !memcmp(plan.rng_seed.seed, extra.rng_seed, RNG_SEED_SIZE),
			   "setup_data chain: SETUP_RNG_SEED not linked last as given");
		check_in_ram(seed, "RNG seed node");
	}
	for (size_t i = 0; i < plan.copy_count; i++) {
		const struct copy_step *c = &plan.copies[i];
		struct span d = { c->dst, c->dst + c->len + c->zero_len };
		FUZZ_CHECK(!want_seed || !span_overlap(d, seed), "copy %zu (%s) over the RNG seed node", i, c->what);
		for (size_t k = 0; k < extra.kept_count; k++)
			FUZZ_CHECK(!span_overlap(d, (struct span){ extra.kept[k].range.start, extra.kept[k].range.end }),
				   "copy %zu (%s) [0x%llx, 0x%llx) over kept %s", i, c->what, (unsigned long long)d.start,
				   (unsigned long long)d.end, extra.kept[k].what);
	}
	for (size_t k = 0; k < extra.kept_count; k++) {
		struct span kept = { extra.kept[k].range.start, extra.kept[k].range.end };
		FUZZ_CHECK(plan.format != &bzimage_format || !span_overlap(kernel, kept), "kernel range over kept %s",
			   extra.kept[k].what);
		for (size_t f = 0; f < plan.fixed_count; f++)
			FUZZ_CHECK(!span_overlap(kept, (struct span){ plan.fixed[f].start, plan.fixed[f].end }),
				   "fixed destination over kept %s", extra.kept[k].what);
	}
	if (extra.efi_mmap_in_place && plan.efi.efi_loader_signature)
		FUZZ_CHECK((plan.efi.efi_memmap | (uint64_t)plan.efi.efi_memmap_hi << 32) == (uintptr_t)info.efi_mmap,
			   "efi_info does not point at the map used in place");
	if (plan.kernel_entry != &entry_pvh && plan.kernel_entry != &entry_16)
		FUZZ_CHECK(plan.params.secure_boot == extra.secure_boot, "secure_boot %u, given %u",
			   plan.params.secure_boot, extra.secure_boot);
}

static bool in_low_ram(struct span s)
{
	for (size_t i = 0; i < info.mmap_count; i++)
		if (info.mmap[i].type != 1 && s.start < info.mmap[i].end && info.mmap[i].start < s.end)
			return false;
	for (size_t i = 0; i < info.mmap_count; i++)
		if (info.mmap[i].type == 1 && info.mmap[i].start <= s.start && s.end <= info.mmap[i].end)
			return true;
	return false;
}

/* The real-mode entry: the area below the EBDA in free RAM, clear of every
 * input; the part, its header and the command line inside it; the header's
 * fields as boot.rst asks; the protected-mode part at 1 MiB. */
static void check_real_mode(const char *cmdline)
{
	const struct bzimage *k = &plan.bzimage;
	uint64_t x = plan.handoff_data;
	struct span area = { x, x + RM_AREA_SIZE };
	FUZZ_CHECK(extra.bios.present && x % RM_BASE_ALIGN == 0 && x >= RM_LOWEST_BASE && x <= RM_HIGHEST_BASE &&
			   area.end <= 0x9FC00 && in_low_ram(area),
		   "real-mode area [0x%llx, 0x%llx)", (unsigned long long)area.start, (unsigned long long)area.end);
	FUZZ_CHECK(k->version >= 0x0202 || x == RM_OLD_BASE, "protocol %x: X 0x%llx", k->version, (unsigned long long)x);
	FUZZ_CHECK(!span_overlap(area, (struct span){ info.mbi.start, info.mbi.end }) &&
			   !span_overlap(area, (struct span){ plan_in.loader.start, plan_in.loader.end }) &&
			   !span_overlap(area, (struct span){ plan_in.workspace.start, plan_in.workspace.end }),
		   "real-mode area over the information or the loader");
	for (size_t m = 0; m < info.module_count; m++)
		FUZZ_CHECK(!span_overlap(area, (struct span){ info.modules[m].start, info.modules[m].end }),
			   "real-mode area over module %zu", m);
	FUZZ_CHECK(plan.entry == x + RM_ENTRY_OFFSET && k->setup_size <= RM_SETUP_MAX, "real-mode entry");
	FUZZ_CHECK(plan.kernel_load == 0x100000 && plan.kernel_range.start == 0x100000 &&
			   plan.kernel_range.end >= 0x100000 + k->pm_size, "real-mode kernel range");
	FUZZ_CHECK(plan.cmdline_addr == x + RM_CMDLINE && plan.cmdline_len < RM_CMDLINE_ROOM &&
			   plan.cmdline_len <= k->cmdline_size && plan.cmdline_len == strlen(cmdline), "real-mode command line");
	for (size_t i = 0; i < plan.copy_count; i++) {
		const struct copy_step *c = &plan.copies[i];
		struct span d = { c->dst, c->dst + c->len + c->zero_len };
		if (d.end <= ONE_MIB)
			FUZZ_CHECK(d.start >= area.start && d.end <= x + RM_STUB, "copy %zu (%s) below 1 MiB outside the area",
				   i, c->what);
	}
	const struct setup_header *h = &plan.params.hdr;
	FUZZ_CHECK(h->type_of_loader == 0xFF && h->ramdisk_image == plan.initrd.start &&
			   h->ramdisk_size == plan.initrd.end - plan.initrd.start &&
			   !memcmp((const uint8_t *)&plan.params + 0x24, k->image + 0x24, 0x1F1 + 16 - 0x24),
		   "real-mode header");
	if (k->version >= 0x0202)
		FUZZ_CHECK(h->cmd_line_ptr == x + RM_CMDLINE && !memcmp(&plan.params, k->image, 0x24), "cmd_line_ptr");
	else
		FUZZ_CHECK(plan.params.screen_info.cl_magic == RM_CL_MAGIC && plan.params.screen_info.cl_offset == RM_CMDLINE,
			   "cl_magic");
	if (k->version >= 0x0201)
		FUZZ_CHECK((h->loadflags & CAN_USE_HEAP) && h->heap_end_ptr == RM_HEAP_END - 0x200, "heap");
}

static void check_plan(const char *cmdline)
{
	struct span src[PLAN_MAX_COPIES], dst[PLAN_MAX_COPIES];
	size_t n = plan.copy_count;
	for (size_t i = 0; i < n; i++)
		FUZZ_TRACE("copy %s: %zu bytes -> 0x%llx, then %llu zeroes\n", plan.copies[i].what,
			   (size_t)plan.copies[i].len, (unsigned long long)plan.copies[i].dst,
			   (unsigned long long)plan.copies[i].zero_len);
	for (size_t i = 0; i < plan.e820.count; i++)
		FUZZ_TRACE("e820 [0x%llx, 0x%llx) %u\n", (unsigned long long)plan.e820.entry[i].addr,
			   (unsigned long long)(plan.e820.entry[i].addr + plan.e820.entry[i].size), plan.e820.entry[i].type);
	FUZZ_CHECK(n <= PLAN_MAX_COPIES && n <= TRAMPOLINE_MAX_COPIES, "%zu copies", n);

	/* The kernel copies come last. */
	size_t kfirst = n, kcount = plan.format == &bzimage_format ? 1 : plan.elf.segment_count;
	for (size_t i = 0; i < n; i++)
		if (is_kernel_copy(&plan.copies[i]) && kfirst == n)
			kfirst = i;
	FUZZ_CHECK(kfirst + kcount == n, "kernel copies from %zu, %zu of %zu copies", kfirst, kcount, n);
	for (size_t i = kfirst; i < n; i++)
		FUZZ_CHECK(is_kernel_copy(&plan.copies[i]), "copy %zu (%s) after the kernel copies", i, plan.copies[i].what);

	struct span tramp = { plan.trampoline, plan.trampoline + TRAMPOLINE_SIZE };
	struct span kernel = { plan.kernel_range.start, plan.kernel_range.end };
	check_firmware_handoff(kernel);
	struct cl_error kaslr;
	FUZZ_CHECK(boot_plan_check_kaslr(&plan_in, &plan, &kaslr) == 0, "%s", kaslr.msg);
	for (size_t i = 0; i < n; i++) {
		const struct copy_step *c = &plan.copies[i];
		src[i] = source_of(c);
		dst[i] = (struct span){ c->dst, c->dst + c->len + c->zero_len };
		FUZZ_CHECK(dst[i].end >= dst[i].start, "copy %zu (%s) wraps", i, c->what);
		if (!(plan.kernel_entry == &entry_16 && dst[i].end <= ONE_MIB)) /* check_real_mode: below 1 MiB */
			check_in_ram(dst[i], c->what);
		FUZZ_CHECK(!span_overlap(dst[i], tramp) && !span_overlap(src[i], tramp),
			   "copy %zu (%s) touches the trampoline", i, c->what);
		for (size_t f = 0; f < plan.fixed_count && i < kfirst; f++)
			FUZZ_CHECK(!span_overlap(dst[i], (struct span){ plan.fixed[f].start, plan.fixed[f].end }),
				   "copy %zu (%s) [0x%llx, 0x%llx) before the kernel copies lands in fixed destination %zu",
				   i, c->what, (unsigned long long)dst[i].start, (unsigned long long)dst[i].end, f);
		if (plan.format == &bzimage_format && i < kfirst)
			FUZZ_CHECK(!span_overlap(dst[i], kernel), "copy %zu (%s) lands in [load, load + init_size)", i, c->what);
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			if (i == j)
				continue;
			/* The real-mode header is written over the part's own, after it. */
			bool header = !strcmp(plan.copies[i].what, "real-mode part") &&
				      !strcmp(plan.copies[j].what, "real-mode header") && j > i &&
				      dst[j].start >= dst[i].start && dst[j].end <= dst[i].end;
			bool header_rev = !strcmp(plan.copies[j].what, "real-mode part") &&
					  !strcmp(plan.copies[i].what, "real-mode header") && i > j;
			FUZZ_CHECK(header || header_rev || !span_overlap(dst[i], dst[j]),
				   "copies %zu (%s) and %zu (%s) write the same bytes", i, plan.copies[i].what, j,
				   plan.copies[j].what);
			/* A later copy may read only what the staging copy of the kernel module wrote. */
			bool staged = !strcmp(plan.copies[i].what, "kernel module (staged)") &&
				      is_kernel_copy(&plan.copies[j]) && src[j].start >= plan.copies[i].dst &&
				      src[j].end <= plan.copies[i].dst + plan.copies[i].len;
			if (j > i && !staged)
				FUZZ_CHECK(!span_overlap(dst[i], src[j]),
					   "copy %zu (%s) -> [0x%llx, 0x%llx) overwrites the source [0x%llx, 0x%llx) of later copy %zu (%s)",
					   i, plan.copies[i].what, (unsigned long long)dst[i].start,
					   (unsigned long long)dst[i].end, (unsigned long long)src[j].start,
					   (unsigned long long)src[j].end, j, plan.copies[j].what);
		}
	}

	/* The trampoline: aligned, RAM, below 4 GiB, clear of every input and destination. */
	FUZZ_CHECK(plan.trampoline % TRAMPOLINE_PAGE == 0 && tramp.end <= FOUR_GIB, "trampoline at 0x%llx",
		   (unsigned long long)plan.trampoline);
	check_in_ram(tramp, "trampoline");
	FUZZ_CHECK(!span_overlap(tramp, (struct span){ loader.start, loader.end }) &&
			   !span_overlap(tramp, (struct span){ info.mbi.start, info.mbi.end }),
		   "trampoline over the loader or the information");
	for (size_t i = 0; i < info.module_count; i++)
		FUZZ_CHECK(!span_overlap(tramp, (struct span){ info.modules[i].start, info.modules[i].end }),
			   "trampoline over module %zu", i);
	for (size_t f = 0; f < plan.fixed_count; f++)
		FUZZ_CHECK(!span_overlap(tramp, (struct span){ plan.fixed[f].start, plan.fixed[f].end }),
			   "trampoline in fixed destination %zu", f);

	/* The kernel. */
	if (plan.format == &bzimage_format) {
		const struct bzimage *k = &plan.bzimage;
		if (plan.kernel_entry == &entry_16)
			check_real_mode(cmdline);
		else
			FUZZ_CHECK(kernel.start == plan.kernel_load && kernel.end == plan.kernel_load + k->init_size,
				   "kernel_range");
		check_in_ram(kernel, "kernel [load, load + init_size)");
		FUZZ_CHECK(!span_overlap(tramp, kernel), "trampoline in [load, load + init_size)");
		if (plan.kernel_entry == &entry_16)
			; /* at 1 MiB: check_real_mode */
		else if (k->relocatable)
			FUZZ_CHECK(plan.kernel_load % k->alignment == 0 && plan.kernel_load >= k->pref_address,
				   "relocatable kernel at 0x%llx (alignment 0x%x, pref_address 0x%llx)",
				   (unsigned long long)plan.kernel_load, k->alignment, (unsigned long long)k->pref_address);
		else
			FUZZ_CHECK(plan.kernel_load == k->pref_address, "fixed kernel at 0x%llx", (unsigned long long)plan.kernel_load);
		if (plan.kernel_entry != &entry_16)
			FUZZ_CHECK(plan.entry == plan.kernel_load + (plan.kernel_entry == &entry_64 ? 0x200 : k->code32_offset),
				   "entry 0x%llx", (unsigned long long)plan.entry);
		const struct copy_step *c = &plan.copies[kfirst];
		FUZZ_CHECK(c->dst == plan.kernel_load && c->len == k->pm_size, "kernel copy");
		uint64_t kmod = plan.kernel_bounced ? (uintptr_t)plan.kernel_bytes : info.modules[0].start;
		FUZZ_CHECK(src[kfirst].start == kmod + k->pm_offset, "kernel copy source");
	} else {
		const struct elf_kernel *e = &plan.elf;
		FUZZ_CHECK(plan.fixed_count == e->segment_count, "fixed_count");
		for (size_t i = 0; i < e->segment_count; i++) {
			FUZZ_CHECK(plan.fixed[i].start == e->segments[i].paddr &&
					   plan.fixed[i].end == e->segments[i].paddr + e->segments[i].memsz, "fixed %zu", i);
			check_in_ram((struct span){ plan.fixed[i].start, plan.fixed[i].end }, "ELF PT_LOAD");
		}
		FUZZ_CHECK(plan.entry == (plan.kernel_entry == &entry_pvh ? e->pvh_entry : e->entry), "entry");
	}
	if (plan.kernel_entry != &entry_64)
		FUZZ_CHECK(plan.entry < FOUR_GIB && kernel.end <= FOUR_GIB && plan.initrd.end <= FOUR_GIB,
			   "%s entry: kernel [0x%llx, 0x%llx), entry 0x%llx, initrd end 0x%llx above 4 GiB",
			   boot_plan_entry_name(&plan), (unsigned long long)kernel.start, (unsigned long long)kernel.end,
			   (unsigned long long)plan.entry, (unsigned long long)plan.initrd.end);

	/* Handoff data and command line. */
	uint64_t hsize = plan.kernel_entry == &entry_pvh ? pvh_handoff_size(&plan.e820)
			 : plan.kernel_entry == &entry_16 ? plan.bzimage.header_end
						      : sizeof(struct boot_params);
	FUZZ_CHECK(plan.handoff_data + hsize <= FOUR_GIB && plan.cmdline_addr + plan.cmdline_len + 1 <= FOUR_GIB,
		   "handoff data 0x%llx or command line 0x%llx above 4 GiB", (unsigned long long)plan.handoff_data,
		   (unsigned long long)plan.cmdline_addr);
	FUZZ_CHECK(plan.cmdline_len == strlen(cmdline), "cmdline_len");
	bool found_handoff = false, found_cmdline = false;
	for (size_t i = 0; i < n; i++) {
		found_handoff |= plan.copies[i].dst == plan.handoff_data && plan.copies[i].len == hsize;
		found_cmdline |= plan.copies[i].dst == plan.cmdline_addr && plan.copies[i].len == plan.cmdline_len + 1 &&
				 !memcmp(plan.copies[i].src, cmdline, plan.cmdline_len + 1);
	}
	FUZZ_CHECK(found_handoff && found_cmdline, "no copy of the handoff data or the command line");

	/* The initrd. */
	uint64_t isize = plan.initrd.end - plan.initrd.start;
	FUZZ_CHECK(plan.initrd.end >= plan.initrd.start && plan.initrd_count == info.module_count - 1, "initrd");
	if (isize && plan.format == &bzimage_format &&
	    !(plan.kernel_entry == &entry_64 && (plan.bzimage.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G)))
		FUZZ_CHECK(plan.initrd.end - 1 <= plan.bzimage.initrd_addr_max,
			   "initrd [0x%llx, 0x%llx) beyond initrd_addr_max 0x%x (%s entry, xloadflags 0x%x)",
			   (unsigned long long)plan.initrd.start, (unsigned long long)plan.initrd.end,
			   plan.bzimage.initrd_addr_max, boot_plan_entry_name(&plan), plan.bzimage.xloadflags);
	if (info.module_count > 1 && !plan.initrd_moved) {
		FUZZ_CHECK(plan.initrd.start == info.modules[1].start &&
				   plan.initrd.end == info.modules[info.module_count - 1].end, "initrd in place");
		for (size_t m = 1; m < info.module_count; m++) {
			struct span mod = { info.modules[m].start, info.modules[m].end };
			for (size_t i = 0; i < n; i++)
				FUZZ_CHECK(!span_overlap(dst[i], mod), "copy %zu (%s) overwrites initrd module %zu left in place",
					   i, plan.copies[i].what, m);
			if (plan.format == &bzimage_format)
				FUZZ_CHECK(!span_overlap(mod, kernel), "initrd module %zu in [load, load + init_size)", m);
			for (size_t f = 0; f < plan.fixed_count; f++)
				FUZZ_CHECK(!span_overlap(mod, (struct span){ plan.fixed[f].start, plan.fixed[f].end }),
					   "initrd module %zu in fixed destination %zu", m, f);
		}
	}
	if (plan.initrd_moved) {
		uint64_t at = plan.initrd.start;
		size_t m = 1;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(plan.copies[i].what, "initrd"))
				continue;
			FUZZ_CHECK(m < info.module_count && plan.copies[i].dst == at &&
					   plan.copies[i].len == info.modules[m].end - info.modules[m].start &&
					   plan.copies[i].src == info.modules[m].data, "initrd copy %zu", m);
			at += plan.copies[i].len + plan.copies[i].zero_len;
			m++;
		}
		FUZZ_CHECK(m == info.module_count && at == plan.initrd.end, "joined initrd");
	}

	/* What the kernel reads. */
	if (plan.kernel_entry == &entry_pvh) {
		const struct hvm_start_info *s = &plan.pvh.info;
		FUZZ_CHECK(s->magic == HVM_START_MAGIC_VALUE && s->cmdline_paddr == plan.cmdline_addr &&
				   s->memmap_entries == plan.e820.count &&
				   s->memmap_paddr == plan.handoff_data + offsetof(struct pvh_handoff, memmap) &&
				   s->nr_modules == (isize ? 1u : 0u),
			   "hvm_start_info");
		if (isize)
			FUZZ_CHECK(plan.pvh.module.paddr == plan.initrd.start && plan.pvh.module.size == isize, "PVH module");
	} else if (plan.kernel_entry != &entry_16) {
		const struct boot_params *bp = &plan.params;
		FUZZ_CHECK((bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32) == plan.cmdline_addr &&
				   (bp->hdr.ramdisk_image | (uint64_t)bp->ext_ramdisk_image << 32) == plan.initrd.start &&
				   (bp->hdr.ramdisk_size | (uint64_t)bp->ext_ramdisk_size << 32) == isize,
			   "boot_params pointers");
		size_t in_page = plan.e820.count < 128 ? plan.e820.count : 128;
		FUZZ_CHECK(bp->e820_entries == in_page && bp->hdr.setup_data == plan.setup_data, "boot_params e820");
		FUZZ_CHECK((plan.e820.count > 128) == (plan.e820_ext_addr != 0) &&
				   plan.setup_data == (plan.e820_ext_addr ? plan.e820_ext_addr : plan.rng_seed_addr),
			   "SETUP_E820_EXT");
		if (plan.kernel_entry == &entry_32)
			FUZZ_CHECK(bp->hdr.code32_start == plan.entry, "code32_start");
		if (plan.format == &bzimage_format && !(plan.bzimage.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
			FUZZ_CHECK(plan.handoff_data + hsize <= FOUR_GIB && plan.cmdline_addr < FOUR_GIB &&
					   plan.initrd.end <= FOUR_GIB && plan.setup_data < FOUR_GIB,
				   "above 4 GiB without XLF_CAN_BE_LOADED_ABOVE_4G");
		FUZZ_CHECK(bp->acpi_rsdp_addr == plan.acpi_rsdp || plan.format == &bzimage_format,
			   "acpi_rsdp_addr 0x%llx, plan 0x%llx", (unsigned long long)bp->acpi_rsdp_addr,
			   (unsigned long long)plan.acpi_rsdp);
	}

	/* The memory map the kernel gets: its own destinations and the initrd are
	 * usable RAM (else Linux treats them as firmware's), the RSDP copy is not. */
	if (plan.format == &bzimage_format)
		FUZZ_CHECK(e820_is_ram(kernel.start, kernel.end), "e820 given to the kernel: [load, load + init_size) [0x%llx, 0x%llx) not all usable",
			   (unsigned long long)kernel.start, (unsigned long long)kernel.end);
	for (size_t f = 0; f < plan.fixed_count; f++)
		FUZZ_CHECK(e820_is_ram(plan.fixed[f].start, plan.fixed[f].end),
			   "e820 given to the kernel: fixed destination [0x%llx, 0x%llx) not all usable",
			   (unsigned long long)plan.fixed[f].start, (unsigned long long)plan.fixed[f].end);
	FUZZ_CHECK(e820_is_ram(plan.initrd.start, plan.initrd.end),
		   "e820 given to the kernel: initrd [0x%llx, 0x%llx) not all usable (RSDP copy at 0x%llx)",
		   (unsigned long long)plan.initrd.start, (unsigned long long)plan.initrd.end,
		   (unsigned long long)plan.acpi_rsdp);

	/* EFI memory map and RSDP copies. */
	bool efi_copy = false, rsdp_copy = false;
	for (size_t i = 0; i < n; i++) {
		const struct copy_step *c = &plan.copies[i];
		if (!strcmp(c->what, "EFI memory map")) {
			efi_copy = true;
			FUZZ_CHECK(c->len == info.efi_mmap_size && c->src == info.efi_mmap && c->dst + c->len <= FOUR_GIB &&
					   c->dst % 4096 == 0, "EFI memory map copy");
			if (plan.kernel_entry != &entry_pvh)
				FUZZ_CHECK(plan.params.efi_info.efi_memmap == c->dst && plan.params.efi_info.efi_memmap_hi == 0 &&
						   plan.params.efi_info.efi_memmap_size == c->len &&
						   plan.params.efi_info.efi_memdesc_size == info.efi_desc_size,
					   "efi_info");
		}
		if (!strcmp(c->what, "ACPI RSDP (copy)")) {
			rsdp_copy = true;
			FUZZ_CHECK(c->dst == plan.acpi_rsdp && c->len == info.acpi_rsdp_size && c->src == info.acpi_rsdp &&
					   c->dst + c->len <= FOUR_GIB, "RSDP copy");
			FUZZ_CHECK(!e820_any_ram(c->dst, c->dst + c->len), "e820: the RSDP copy [0x%llx, +%zu) is usable RAM",
				   (unsigned long long)c->dst, (size_t)c->len);
		}
	}
	FUZZ_CHECK(efi_copy == (info.efi_system_table && info.efi_mmap && !extra.efi_mmap_in_place),
		   "EFI memory map copied: %d", efi_copy);
	FUZZ_CHECK(rsdp_copy == plan.acpi_rsdp_copied, "RSDP copied: %d", rsdp_copy);
	if (plan.kernel_entry == &entry_pvh)
		FUZZ_CHECK(plan.pvh.info.rsdp_paddr == plan.acpi_rsdp, "PVH rsdp_paddr");
}

/* GRUB's guarantees about what it hands over. */
static bool plausible(void)
{
	struct span in[BOOT_INFO_MAX_MODULES + 2];
	size_t n = 0;
	in[n++] = (struct span){ loader.start, loader.end };
	in[n++] = (struct span){ info.mbi.start, info.mbi.end };
	for (size_t i = 0; i < info.module_count; i++)
		in[n++] = (struct span){ info.modules[i].start, info.modules[i].end };
	for (size_t i = 0; i < n; i++) {
		if (in[i].start >= in[i].end || in[i].end > UINT32_MAX ||
		    !oracle_is_ram(ram_map, ram_map_n, in[i].start, in[i].end))
			return false;
		for (size_t j = 0; j < i; j++)
			if (span_overlap(in[i], in[j]))
				return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	uint8_t entry_byte = (uint8_t)take(&r, 1);
	enum entry_mode entry = (enum entry_mode)((entry_byte & 0x7F) % 5);
	uint8_t flags = (uint8_t)take(&r, 1);
	size_t nmap = take(&r, 2) % (BOOT_INFO_MAX_MMAP + 1);
	size_t nmod = take(&r, 1) % (BOOT_INFO_MAX_MODULES + 1);
	uint64_t lstart = take(&r, 4), lsize = take(&r, 4), mbi_start = take(&r, 4);
	size_t cmdlen = take(&r, 2) % 4096;
	size_t efi_len = take(&r, 2) % 4097, desc = 40 + 8 * (take(&r, 1) % 4), rsdp_len = take(&r, 1);

	memset(&info, 0, sizeof(info));
	loader = (struct mem_range){ lstart, lstart + lsize };
	workspace = (struct mem_range){ lstart + lsize / 2, lstart + lsize };
	for (size_t i = 0; i < nmap; i++) {
		uint64_t start = flags & 2 ? take(&r, 8) : take(&r, 4) << 12;
		uint64_t len = flags & 2 ? take(&r, 8) : take(&r, 4) << 12;
		uint32_t type = (uint32_t)take(&r, 1);
		if (len == 0 || start + len < start)
			continue; /* mb2_parse drops or refuses these */
		info.mmap[info.mmap_count++] = (struct mmap_entry){ start, start + len, type };
	}
	uint64_t mstart[BOOT_INFO_MAX_MODULES], msize[BOOT_INFO_MAX_MODULES];
	for (size_t i = 0; i < nmod; i++) {
		mstart[i] = take(&r, 4);
		msize[i] = take(&r, 4);
	}
	/* The kernel's command line, the EFI memory map and GRUB's RSDP copy sit
	 * in the multiboot2 information. */
	memset(mbi_buf, 0, sizeof(mbi_buf));
	size_t k;
	for (k = 0; k < cmdlen && r.n && r.p[0]; k++)
		mbi_buf[32 + k] = (uint8_t)take(&r, 1);
	const char *cmdline = (const char *)&mbi_buf[32];
	size_t at = 32 + ((k + 1 + 7) & ~(size_t)7);
	ram_map_n = info.mmap_count;
	memcpy(ram_map, info.mmap, info.mmap_count * sizeof(info.mmap[0]));
	if (flags & 4) {
		efi_len = efi_len / desc * desc;
		uint8_t *map = &mbi_buf[at];
		for (size_t i = 0; i < efi_len; i++)
			map[i] = (uint8_t)take(&r, 1);
		info.efi_system_table = 0x7FF00000;
		info.efi_mmap = map;
		info.efi_mmap_size = (uint32_t)efi_len;
		info.efi_desc_size = (uint32_t)desc;
		info.efi_desc_version = 1;
		for (size_t off = 0; off < efi_len; off += desc) {
			uint32_t type;
			uint64_t start, pages;
			memcpy(&type, map + off, 4);
			memcpy(&start, map + off + 8, 8);
			memcpy(&pages, map + off + 24, 8);
			if (pages > (UINT64_MAX >> 12) || start + (pages << 12) < start)
				return 0; /* the loader refuses it; nothing to check */
			if (pages)
				ram_map[ram_map_n++] = (struct mmap_entry){ start, start + (pages << 12), efi_e820_type(type) };
		}
		at += (efi_len + 7) & ~(size_t)7;
	}
	if (flags & 8) {
		for (size_t i = 0; i < rsdp_len; i++)
			mbi_buf[at + i] = (uint8_t)take(&r, 1);
		info.acpi_rsdp = &mbi_buf[at];
		info.acpi_rsdp_size = (uint32_t)rsdp_len;
		at += (rsdp_len + 7) & ~(size_t)7;
	}
	info.efi_boot_services = (flags & 32) != 0;
	info.mbi = (struct mem_range){ mbi_start, mbi_start + at + 8 };
	for (size_t i = 0; i < nmod; i++) {
		size_t len = msize[i] < r.n ? (size_t)msize[i] : r.n;
		info.modules[i] = (struct boot_module){ mstart[i], mstart[i] + len, r.p, i == 0 ? cmdline : "" };
		r.p += len;
		r.n -= len;
	}
	info.module_count = nmod;
	if (!plausible())
		return 0;

	/* Each module in a heap block of its exact size: ASan sees any overread. */
	uint8_t *copies[BOOT_INFO_MAX_MODULES];
	for (size_t i = 0; i < nmod; i++) {
		size_t len = info.modules[i].end - info.modules[i].start;
		copies[i] = malloc(len);
		if (!copies[i])
			abort();
		memcpy(copies[i], info.modules[i].data, len);
		info.modules[i].data = copies[i];
	}
	struct screen_info screen = { .orig_video_mode = 3, .orig_video_cols = 80, .orig_video_lines = 25,
				      .orig_video_isVGA = VIDEO_TYPE_VGAC };
	static const uint8_t seed[RNG_SEED_SIZE] = { 0x5e, 0xed, [RNG_SEED_SIZE - 1] = 0x5e };
	memset(&extra, 0, sizeof(extra));
	extra.rng_seed = flags & 64 ? seed : NULL;
	if (flags & 128) {
		uint64_t kept = (info.mbi.end + 0xFFF) & ~0xFFFull;
		extra.secure_boot = 2;
		extra.efi_mmap_in_place = true;
		extra.kept_count = 1;
		extra.kept[0] = (struct kept_range){ { kept, kept + 0x2000 }, "firmware allocation" };
		/* The firmware's own allocation: never EfiConventionalMemory in its final map. */
		for (size_t off = 0; info.efi_mmap && off + 40 <= info.efi_mmap_size; off += info.efi_desc_size) {
			uint32_t type;
			uint64_t start, pages;
			memcpy(&type, info.efi_mmap + off, 4);
			memcpy(&start, info.efi_mmap + off + 8, 8);
			memcpy(&pages, info.efi_mmap + off + 24, 8);
			if (type == 7 && start < kept + 0x2000 && kept < start + (pages << 12))
				extra.kept_count = 0; /* mark: skipped below */
		}
	}
	bool impossible = (flags & 128) && extra.kept_count == 0;
	if ((entry_byte & 0x80) && !(flags & (4 | 128)))
		extra.bios = (struct bios_low_memory){ true, 0xF000E3FEu, 0xF000F859u, 0x9FC00 };
	struct plan_inputs in = extra;
	in.info = &info;
	in.entry = entry;
	in.loader = (struct mem_range){ loader.start, workspace.start };
	in.workspace = workspace;
	in.screen = flags & 1 ? &screen : NULL;
	in.acpi_rsdp = flags & 16 ? 0xF5A40 : 0;
	struct cl_error err;
	memset(&err, 0, sizeof(err));
	plan_in = in;
	if (impossible)
		; /* nothing GRUB and a firmware could produce */
	else if (boot_plan_make(&in, &plan, &err) == 0)
		check_plan(cmdline);
	else if (fuzz_tracing() && fprintf(stderr, "boot_plan_make: %s\n", err.msg) < 0)
		abort();
	else
		FUZZ_CHECK(err.msg[0] && memchr(err.msg, '\0', sizeof(err.msg)), "failure without a message");

	for (size_t i = 0; i < nmod; i++)
		free(copies[i]);
	return 0;
}
