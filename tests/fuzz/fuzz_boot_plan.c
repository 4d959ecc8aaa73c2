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
 * For every plan made, boot_plan_check_invariants holds (loader/plan/invariants.c
 * lists what it checks, the KASLR rule included): the same checks the unit
 * tests run on each plan they make and chainloader-check on its own. */
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

struct span {
	uint64_t start, end;
};

static bool span_overlap(struct span a, struct span b)
{
	return ranges_overlap(a.start, a.end, b.start, b.end);
}

static struct plan_inputs extra; /* the entries' additions (flags bits 6 and 7) */

/* FUZZ_TRACE=1: the plan's copies and e820 map, before its invariants are checked. */
static void trace_plan(void)
{
	for (size_t i = 0; i < plan.copy_count; i++)
		FUZZ_TRACE("copy %s: %zu bytes -> 0x%llx, then %llu zeroes\n", plan.copies[i].what,
			   (size_t)plan.copies[i].len, (unsigned long long)plan.copies[i].dst,
			   (unsigned long long)plan.copies[i].zero_len);
	for (size_t i = 0; i < plan.e820.count; i++)
		FUZZ_TRACE("e820 [0x%llx, 0x%llx) %u\n", (unsigned long long)plan.e820.entry[i].addr,
			   (unsigned long long)(plan.e820.entry[i].addr + plan.e820.entry[i].size), plan.e820.entry[i].type);
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
	in.mbi_data = mbi_buf;
	struct cl_error err;
	memset(&err, 0, sizeof(err));
	if (impossible)
		; /* nothing GRUB and a firmware could produce */
	else if (boot_plan_make(&in, &plan, &err) == 0) {
		trace_plan();
		FUZZ_CHECK(boot_plan_check_invariants(&in, &plan, &err) == 0, "%s", err.msg);
	} else if (fuzz_tracing() && fprintf(stderr, "boot_plan_make: %s\n", err.msg) < 0)
		abort();
	else
		FUZZ_CHECK(err.msg[0] && memchr(err.msg, '\0', sizeof(err.msg)), "failure without a message");

	for (size_t i = 0; i < nmod; i++)
		free(copies[i]);
	return 0;
}
