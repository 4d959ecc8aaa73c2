#include "cmocka_all.h"

#include <stdlib.h>
#include <string.h>

#include "boot_plan.h"
#include "builders.h"
#include "loader/plan/parts.h" /* the formats and entries, to compare */
#include "trampoline.h"

#define MIB (1ull << 20)

static struct boot_info info;
static struct boot_plan plan;
static uint8_t *kernel;
static size_t kernel_size;
static const char cmdline[] = "console=ttyS0,115200 \"cl.quoted=a b\"";
static uint8_t initrd_bytes[4096];
static enum entry_mode entry_mode;

/* GRUB-like layout: loader at 1 MiB, modules right after, 512 MiB of RAM. */
static void layout(uint8_t *image, size_t size, size_t module_count)
{
	memset(&info, 0, sizeof(info));
	kernel = image;
	kernel_size = size;
	info.mbi = (struct mem_range){ 0x130000, 0x130800 };
	info.mmap_count = 4;
	info.mmap[0] = (struct mmap_entry){ 0, 0x9fc00, 1 };
	info.mmap[1] = (struct mmap_entry){ 0xf0000, 0x100000, 2 };
	info.mmap[2] = (struct mmap_entry){ 0x100000, 0x1ffe0000, 1 };
	info.mmap[3] = (struct mmap_entry){ 0xfffc0000, 0x100000000ull, 2 };
	info.module_count = module_count;
	info.modules[0] = (struct boot_module){ 0x200000, 0x200000 + size, image, cmdline };
	info.modules[1] = (struct boot_module){ 0x8f4000, 0x8f4000 + sizeof(initrd_bytes), initrd_bytes, "" };
	info.modules[2] = info.modules[1];
}

/* What the loader's entries add (an RNG seed, the UEFI entry's firmware handoff). */
static struct plan_inputs extra;

static int make_plan(struct cl_error *err)
{
	struct screen_info screen = { .orig_video_mode = 3, .orig_video_cols = 80, .orig_video_lines = 25 };
	struct plan_inputs in = extra;
	in.info = &info;
	in.entry = entry_mode;
	in.loader = (struct mem_range){ 0x100000, 0x108000 };
	in.workspace = (struct mem_range){ 0x108000, 0x138000 };
	in.screen = &screen;
	int rc = boot_plan_make(&in, &plan, err);
	/* Every plan these tests make keeps the plan's invariants, the KASLR rule included. */
	struct cl_error broken;
	if (rc == 0 && boot_plan_check_invariants(&in, &plan, &broken))
		fail_msg("%s", broken.msg);
	return rc;
}

static const struct copy_step *find_copy(const char *what)
{
	for (size_t i = 0; i < plan.copy_count; i++)
		if (!strcmp(plan.copies[i].what, what))
			return &plan.copies[i];
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	size_t size;
	uint8_t *image = make_bzimage(0x10000, &size);
	layout(image, size, 2);
	entry_mode = ENTRY_AUTO;
	memset(&extra, 0, sizeof(extra));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(kernel);
	return 0;
}

static void places_a_relocatable_kernel_at_pref_address(void **state)
{
	(void)state;
	struct cl_error err;
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.kernel_load, 16 * MIB);
	assert_int_equal(plan.kernel_range.end, 16 * MIB + 0x400000);
	assert_int_equal(plan.entry, 16 * MIB + 0x200);
	const struct copy_step *k = find_copy("kernel");
	assert_non_null(k);
	assert_ptr_equal(k->src, kernel + 0xA00);
	assert_int_equal(k->len, 0x10000);
	assert_int_equal(k->dst, 16 * MIB);
}

static void keeps_the_initrd_in_place_when_the_kernel_may_read_it(void **state)
{
	(void)state;
	struct cl_error err;
	assert_int_equal(make_plan(&err), 0);
	assert_false(plan.initrd_moved);
	assert_null(find_copy("initrd"));
	assert_int_equal(plan.params.hdr.ramdisk_image, 0x8f4000);
	assert_int_equal(plan.params.hdr.ramdisk_size, sizeof(initrd_bytes));
	assert_int_equal(plan.params.ext_ramdisk_image, 0);
}

static void moves_the_initrd_below_initrd_addr_max(void **state)
{
	(void)state;
	struct cl_error err;
	put16(kernel + 0x236, XLF_KERNEL_64);   /* not loadable above 4 GiB */
	put32(kernel + 0x22C, 0x8f4000 + 0xffe); /* the module's last byte is one too high */
	assert_int_equal(make_plan(&err), 0);
	assert_true(plan.initrd_moved);
	const struct copy_step *c = find_copy("initrd");
	assert_non_null(c);
	assert_ptr_equal(c->src, initrd_bytes);
	assert_int_equal(c->len, sizeof(initrd_bytes));
	assert_true(c->dst + c->len - 1 <= 0x8f4000 + 0xffe);
	assert_int_equal(plan.params.hdr.ramdisk_image, c->dst);
}

static void entry32_keeps_initrd_addr_max_even_with_xlf_above_4g(void **state)
{
	(void)state;
	struct cl_error err;
	entry_mode = ENTRY_32; /* paging off: XLF_CAN_BE_LOADED_ABOVE_4G does not help */
	put32(kernel + 0x22C, 0x8f4000 + 0xffe);
	assert_int_equal(make_plan(&err), 0);
	assert_true(plan.initrd_moved);
	assert_true(plan.initrd.end - 1 <= 0x8f4000 + 0xffe);
	entry_mode = ENTRY_64; /* 64-bit with the flag: anywhere, so it stays */
	assert_int_equal(make_plan(&err), 0);
	assert_false(plan.initrd_moved);
}

static void builds_the_zero_page_as_boot_rst_prescribes(void **state)
{
	(void)state;
	struct cl_error err;
	assert_int_equal(make_plan(&err), 0);
	const struct boot_params *bp = &plan.params;
	const uint8_t *raw = (const uint8_t *)bp;
	/* The header is the image's up to the end its jump gives, with the loader's fields. */
	struct boot_params expect;
	memcpy(&expect, raw, sizeof(expect));
	memcpy((uint8_t *)&expect + 0x1F1, kernel + 0x1F1, 0x26C - 0x1F1);
	expect.hdr.type_of_loader = bp->hdr.type_of_loader;
	expect.hdr.cmd_line_ptr = bp->hdr.cmd_line_ptr;
	expect.hdr.ramdisk_image = bp->hdr.ramdisk_image;
	expect.hdr.ramdisk_size = bp->hdr.ramdisk_size;
	assert_memory_equal(&expect, bp, sizeof(expect));
	assert_int_equal(raw[0x26C], 0); /* the byte after the header is not copied */
	assert_int_equal(bp->sentinel, 0);
	assert_int_equal(bp->hdr.type_of_loader, 0xFF);
	assert_int_equal(bp->hdr.boot_flag, 0xAA55);
	assert_int_equal(bp->hdr.header, 0x53726448);
	assert_int_equal(bp->hdr.cmd_line_ptr, plan.cmdline_addr);
	assert_int_equal(bp->ext_cmd_line_ptr, 0);
	assert_int_equal(bp->screen_info.orig_video_cols, 80);
	/* e820 from the map: the four entries, RAM from 1 MiB up. */
	assert_int_equal(bp->e820_entries, 4);
	assert_int_equal(bp->e820_table[2].addr, 0x100000);
	assert_int_equal(bp->e820_table[2].size, 0x1ffe0000 - 0x100000);
	assert_int_equal(bp->e820_table[2].type, 1);
	assert_int_equal(bp->alt_mem_k, (0x1ffe0000 - 0x100000) / 1024);
}

static void copies_the_command_line_byte_for_byte(void **state)
{
	(void)state;
	struct cl_error err;
	assert_int_equal(make_plan(&err), 0);
	const struct copy_step *c = find_copy("command line");
	assert_non_null(c);
	assert_int_equal(c->len, sizeof(cmdline)); /* NUL included */
	assert_memory_equal(c->src, cmdline, sizeof(cmdline));
	assert_int_equal(c->dst, plan.cmdline_addr);
	assert_int_equal(plan.cmdline_len, strlen(cmdline));
}

static void no_destination_overlaps_anything_live(void **state)
{
	(void)state;
	struct cl_error err;
	assert_int_equal(make_plan(&err), 0);
	struct mem_range inputs[] = { { 0x100000, 0x12f000 }, info.mbi, { info.modules[0].start, info.modules[0].end },
				      { info.modules[1].start, info.modules[1].end } };
	for (size_t i = 0; i < plan.copy_count; i++) {
		const struct copy_step *c = &plan.copies[i];
		for (size_t j = 0; j < 4; j++)
			assert_false(c->dst < inputs[j].end && inputs[j].start < c->dst + c->len + c->zero_len);
		for (size_t j = 0; j < plan.copy_count; j++)
			if (j != i)
				assert_false(c->dst < plan.copies[j].dst + plan.copies[j].len &&
					     plan.copies[j].dst < c->dst + c->len);
	}
	/* The kernel's whole init_size is clear of the inputs and of the handoff data. */
	assert_true(plan.handoff_data >= plan.kernel_range.end || plan.handoff_data + 4096 <= plan.kernel_range.start);
	assert_true(plan.cmdline_addr >= plan.kernel_range.end);
}

static void errors_for_module_count_and_format(void **state)
{
	(void)state;
	struct cl_error err;
	info.module_count = 0;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "no kernel: GRUB passed no module (add a module2 line with the kernel)");
	info.module_count = 2;
	kernel[0x1FE] = 0;
	assert_int_equal(make_plan(&err), -1); /* "HdrS" is still there: the header's own message */
	assert_string_equal(err.msg, "bzImage: boot_flag 0xaa00 at 0x1fe, expected 0xaa55");
	kernel[0x202] = 0;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "kernel module of 68096 bytes is neither a bzImage (0xaa55, \"HdrS\") nor an ELF (first bytes 00 00 00 00)");
}

static void command_line_longer_than_cmdline_size_is_an_error(void **state)
{
	(void)state;
	struct cl_error err;
	put32(kernel + 0x238, (uint32_t)strlen(cmdline));
	assert_int_equal(make_plan(&err), 0); /* exactly cmdline_size: fine */
	put32(kernel + 0x238, (uint32_t)strlen(cmdline) - 1);
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "kernel command line is 36 bytes, the kernel's cmdline_size is 35");
}

static void fixed_kernel_over_the_initrd_moves_the_initrd_first(void **state)
{
	(void)state;
	struct cl_error err;
	kernel[0x234] = 0;                     /* not relocatable */
	put64(kernel + 0x258, 0x800000);       /* wants [8 MiB, 12 MiB): over the initrd */
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.kernel_load, 0x800000);
	assert_true(plan.initrd_moved);
	const struct copy_step *c = find_copy("initrd");
	assert_non_null(c);
	assert_true(c->dst >= 0xc00000 || c->dst + c->len <= 0x800000);
	/* The initrd leaves before the kernel arrives. */
	assert_true(c < find_copy("kernel"));
}

static void fixed_kernel_over_the_loader_is_copied_by_the_trampoline(void **state)
{
	(void)state;
	struct cl_error err;
	kernel[0x234] = 0;
	put64(kernel + 0x258, 0x100000); /* memtest86+-style: exactly 1 MiB, where chainloader runs */
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.kernel_load, 0x100000);
	/* The kernel module (at 2 MiB) lies inside [1 MiB, 5 MiB): one memmove from it. */
	assert_false(plan.kernel_bounced);
	const struct copy_step *k = &plan.copies[plan.copy_count - 1];
	assert_string_equal(k->what, "kernel");
	assert_ptr_equal(k->src, kernel + 0xA00);
	/* Trampoline, handoff data and command line stay clear of the kernel and the loader. */
	struct mem_range keep[] = { { plan.trampoline, plan.trampoline + TRAMPOLINE_SIZE },
				    { plan.handoff_data, plan.handoff_data + 4096 },
				    { plan.cmdline_addr, plan.cmdline_addr + plan.cmdline_len + 1 } };
	for (size_t i = 0; i < 3; i++) {
		assert_false(keep[i].start < 0x500000 && 0x100000 < keep[i].end);
		assert_true(keep[i].end <= 0x100000000ull);
	}
	/* Only the last copy writes over the loader, after every copy that reads it. */
	for (size_t i = 0; i + 1 < plan.copy_count; i++)
		assert_false(plan.copies[i].dst < 0x12f000 && 0x100000 < plan.copies[i].dst + plan.copies[i].len);
}

static void entry_modes_for_a_bzimage(void **state)
{
	(void)state;
	struct cl_error err;
	entry_mode = ENTRY_32;
	put32(kernel + 0x214, 0x100000 + 0x40); /* a 32-bit entry 0x40 into the image */
	assert_int_equal(make_plan(&err), 0);
	assert_ptr_equal(plan.kernel_entry, &entry_32);
	assert_int_equal(plan.entry, 16 * MIB + 0x40);
	assert_int_equal(plan.params.hdr.code32_start, 16 * MIB + 0x40); /* adjusted for the relocation */
	entry_mode = ENTRY_PVH;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "entry=pvh needs an ELF kernel with a Xen PHYS32_ENTRY note; this is a bzImage");
	/* Without XLF_KERNEL_64: auto falls back to 32-bit, entry=64 says why it cannot. */
	put16(kernel + 0x236, 0);
	entry_mode = ENTRY_AUTO;
	assert_int_equal(make_plan(&err), 0);
	assert_ptr_equal(plan.kernel_entry, &entry_32);
	assert_true(plan.entry32_fallback);
	entry_mode = ENTRY_64;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "bzImage: xloadflags 0x0 lack XLF_KERNEL_64 (no 64-bit entry; entry=32 may work)");
	put16(kernel + 0x206, 0x020B);
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "bzImage: boot protocol 2.11 is older than 2.12 (no 64-bit entry; entry=32 may work)");
}

/* A BIOS as SeaBIOS leaves it: vectors in the F segment, the EBDA at 0x9FC00. */
static const struct bios_low_memory seabios = { true, 0xF000E3FEu, 0xF000F859u, 0x9FC00 };

static void real_mode_entry_loads_the_setup_below_640k(void **state)
{
	(void)state;
	struct cl_error err;
	extra.bios = seabios;
	entry_mode = ENTRY_16;
	assert_int_equal(make_plan(&err), 0);
	assert_ptr_equal(plan.kernel_entry, &entry_16);
	/* The highest 4 KiB-aligned X <= 0x90000 with [X, X + 0xA000) in the 640 KiB entry. */
	assert_int_equal(plan.handoff_data, 0x90000);
	assert_int_equal(plan.entry, 0x90200); /* CS:IP = 0x9020:0 */
	assert_int_equal(plan.kernel_load, 0x100000);
	assert_int_equal(plan.kernel_range.start, 0x100000);
	assert_int_equal(plan.kernel_range.end, 16 * MIB + 4 * MIB); /* to pref_address + init_size */
	const struct copy_step *rm = find_copy("real-mode part");
	assert_non_null(rm);
	assert_int_equal(rm->dst, 0x90000);
	assert_ptr_equal(rm->src, kernel);
	assert_int_equal(rm->len, plan.bzimage.setup_size);
	assert_int_equal(rm->len + rm->zero_len, RM_HEAP_END);
	const struct copy_step *hdr = find_copy("real-mode header");
	assert_non_null(hdr);
	assert_true(hdr > rm); /* after the part it patches */
	assert_int_equal(hdr->dst, 0x90000);
	assert_int_equal(hdr->len, plan.bzimage.header_end);
	/* The header as boot.rst's "Loading the rest of the kernel" asks. */
	const struct setup_header *h = &plan.params.hdr;
	assert_int_equal(h->type_of_loader, 0xFF);
	assert_true(h->loadflags & CAN_USE_HEAP);
	assert_int_equal(h->heap_end_ptr, 0x9000 - 0x200);
	assert_int_equal(h->cmd_line_ptr, 0x99000);
	assert_int_equal(h->ramdisk_image, plan.initrd.start);
	assert_int_equal(h->ramdisk_size, sizeof(initrd_bytes));
	assert_memory_equal((const uint8_t *)&plan.params + 0x202, kernel + 0x202, 4); /* "HdrS" kept */
	const struct copy_step *cl = find_copy("command line");
	assert_int_equal(cl->dst, 0x99000);
	assert_string_equal(cl->src, cmdline);
	/* No zero page, no setup_data: the kernel's setup code asks the BIOS. */
	assert_null(find_copy("boot_params"));
	assert_int_equal(plan.setup_data, 0);
}

static void real_mode_entry_is_what_auto_picks_for_linux16_images_on_bios(void **state)
{
	(void)state;
	struct cl_error err;
	put32(kernel + 0x214, 0); /* code32_start 0, as in iPXE's ipxe.lkrn */
	assert_int_equal(make_plan(&err), -1); /* UEFI, or no BIOS: the protected-mode check */
	assert_string_equal(err.msg, "bzImage: code32_start 0x0 is outside the protected-mode part [0x100000, 0x110000)");
	extra.bios = seabios;
	assert_int_equal(make_plan(&err), 0);
	assert_ptr_equal(plan.kernel_entry, &entry_16);
	assert_true(plan.entry16_fallback);
	put32(kernel + 0x214, 0x100000);
	put16(kernel + 0x206, 0x0207); /* protocol 2.07, as ipxe.lkrn */
	assert_int_equal(make_plan(&err), 0);
	assert_ptr_equal(plan.kernel_entry, &entry_16);
	assert_int_equal(plan.kernel_range.end, 0x100000 + plan.bzimage.pm_size); /* no init_size before 2.10 */
	put16(kernel + 0x206, 0x020F);
	assert_int_equal(make_plan(&err), 0);
	assert_ptr_equal(plan.kernel_entry, &entry_64); /* a modern kernel: as before */
}

static void real_mode_entry_errors(void **state)
{
	(void)state;
	struct cl_error err;
	entry_mode = ENTRY_16;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "entry=16 is the real-mode entry: it needs a BIOS, and this machine booted by UEFI");
	extra.bios = seabios;
	extra.bios.int13 = 0x00001234u; /* 0000:1234: not the BIOS's */
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "entry=16: int 13h points to 0000:1234, neither the BIOS area [0x9fc00, 0x100000) nor memory the map reserves: no BIOS to run the real-mode code");
	/* A hook in low memory the map reserves (GRUB's, with cutmem) is fine. */
	info.mmap[4] = (struct mmap_entry){ 0x1000, 0x2000, 2 };
	info.mmap_count = 5;
	assert_int_equal(make_plan(&err), 0);
	info.mmap_count = 4;
	extra.bios.int15 = 0xA0000000u; /* A000:0000 is 0xA0000: the BIOS area starts at the EBDA */
	extra.bios.int13 = seabios.int13;
	assert_int_equal(make_plan(&err), 0);
	extra.bios = seabios;
	info.mmap[0].end = 0x19000; /* 100 KiB of low memory: no room */
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "entry=16: no room for the real-mode part: 0xa000 bytes of free RAM within [0x10000, 0x9fc00), clear of the multiboot2 information and the modules");
	info.mmap[0].end = 0x9fc00;
	kernel[0x1F1] = 70; /* 71 sectors of setup, the rest protected-mode part */
	put32(kernel + 0x1F4, (uint32_t)(kernel_size - 71 * 512) / 16);
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "entry=16: the real-mode part is 36352 bytes (setup_sects 70), more than the 0x8000 below its heap");
	kernel[0x1F1] = 4;
	put32(kernel + 0x1F4, 0x10000 / 16);
	put16(kernel + 0x206, 0x0201); /* before cmd_line_ptr: X must be 0x90000 */
	info.mmap[0].end = 0x98000;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "entry=16: boot protocol 2.01 needs its real-mode part at 0x90000 (command line by cl_magic), but [0x90000, 0x9a000) is not free RAM below 0x9fc00");
	info.mmap[0].end = 0x9fc00;
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.params.screen_info.cl_magic, 0xA33F);
	assert_int_equal(plan.params.screen_info.cl_offset, 0x9000);
	assert_int_equal(plan.params.hdr.cmd_line_ptr, 0); /* not in 2.01 */
	/* The command line: 255 characters before 2.06. */
	put16(kernel + 0x206, 0x0205);
	static char long_line[300];
	memset(long_line, 'x', sizeof(long_line) - 1);
	info.modules[0].string = long_line;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "kernel command line is 299 bytes, the kernel's cmdline_size is 255");
}

static void kernel_too_big_for_ram_is_an_error(void **state)
{
	(void)state;
	struct cl_error err;
	put32(kernel + 0x260, 0x20000000); /* init_size 512 MiB in a 512 MiB machine */
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "no room for kernel: 0x20000000 bytes aligned to 0x200000 within [0x1000000, 0xffffffffffffffff) of usable RAM");
}

/* 150 one-page holes punched in 1 GiB of RAM, as GRUB's cutmem does: 301 e820 entries. */
static void punch_150_holes(void)
{
	info.mmap_count = 0;
	info.mmap[info.mmap_count++] = (struct mmap_entry){ 0x100000, 0x40000000, 1 };
	for (uint64_t i = 0; i < 150; i++)
		info.mmap[info.mmap_count++] = (struct mmap_entry){ 0x20000000 + i * 0x2000, 0x20001000 + i * 0x2000, 2 };
}

static void e820_beyond_128_entries_goes_to_setup_data(void **state)
{
	(void)state;
	struct cl_error err;
	punch_150_holes();
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.e820.count, 301);
	assert_int_equal(plan.params.e820_entries, 128);
	assert_memory_equal(plan.params.e820_table, plan.e820.entry, 128 * sizeof(struct boot_e820_entry));
	assert_int_not_equal(plan.setup_data, 0);
	assert_int_equal(plan.params.hdr.setup_data, plan.setup_data);
	assert_int_equal(plan.e820_ext.hdr.type, SETUP_E820_EXT);
	assert_int_equal(plan.e820_ext.hdr.next, 0);
	assert_int_equal(plan.e820_ext.hdr.len, 173 * sizeof(struct boot_e820_entry));
	assert_memory_equal(plan.e820_ext.entry, &plan.e820.entry[128], 173 * sizeof(struct boot_e820_entry));
	const struct copy_step *c = find_copy("setup_data (SETUP_E820_EXT)");
	assert_non_null(c);
	assert_int_equal(c->len, 16 + 173 * 20);
	/* Outside the kernel's [load, load + init_size), where decompression cannot reach it. */
	assert_true(c->dst >= plan.kernel_range.end || c->dst + c->len <= plan.kernel_range.start);
}

static void initrds_next_to_each_other_join_in_place(void **state)
{
	(void)state;
	struct cl_error err;
	static uint8_t second[1000];
	info.module_count = 3;
	info.modules[2] = (struct boot_module){ 0x8f6000, 0x8f6000 + sizeof(second), second, "" };
	assert_int_equal(make_plan(&err), 0);
	assert_false(plan.initrd_moved);
	assert_int_equal(plan.initrd_count, 2);
	assert_int_equal(plan.initrd.start, 0x8f4000);
	assert_int_equal(plan.initrd.end, 0x8f6000 + sizeof(second));
	const struct copy_step *pad = find_copy("initrd padding");
	assert_non_null(pad);
	assert_int_equal(pad->dst, 0x8f5000);
	assert_int_equal(pad->len, 0);
	assert_int_equal(pad->zero_len, 0x1000);
	assert_int_equal(plan.params.hdr.ramdisk_size, 0x2000 + sizeof(second));
}

static void initrds_out_of_order_are_copied_back_to_back(void **state)
{
	(void)state;
	struct cl_error err;
	static uint8_t first[1001];
	info.module_count = 3;
	/* The second initrd lies below the first: they must be joined by copying. */
	info.modules[1] = (struct boot_module){ 0x8f6000, 0x8f6000 + sizeof(first), first, "" };
	info.modules[2] = (struct boot_module){ 0x8f4000, 0x8f4000 + sizeof(initrd_bytes), initrd_bytes, "" };
	assert_int_equal(make_plan(&err), 0);
	assert_true(plan.initrd_moved);
	assert_int_equal(plan.initrd.end - plan.initrd.start, 1004 + sizeof(initrd_bytes));
	const struct copy_step *c0 = find_copy("initrd");
	assert_non_null(c0);
	assert_ptr_equal(c0->src, first);
	assert_int_equal(c0->dst, plan.initrd.start);
	assert_int_equal(c0->len, 1001);
	assert_int_equal(c0->zero_len, 3); /* the next starts 4-byte aligned */
	assert_ptr_equal(c0[1].src, initrd_bytes);
	assert_int_equal(c0[1].dst, plan.initrd.start + 1004);
	assert_int_equal(c0[1].zero_len, 0);
}

static void plans_the_real_debian_kernel(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = read_file(getenv("CL_REAL_KERNEL"), &size);
	if (!img)
		fail_msg("CL_REAL_KERNEL (%s) is not readable: run through `make unit-test`", getenv("CL_REAL_KERNEL"));
	free(kernel);
	layout(img, size, 2);
	info.modules[1].start = info.modules[1].end = 0x200000 + ((size + 0xfff) & ~0xfffull);
	info.modules[1].end += sizeof(initrd_bytes);
	struct cl_error err;
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.kernel_load, 16 * MIB);
	assert_int_equal(plan.params.hdr.version, 0x020F);
	assert_int_equal(plan.params.hdr.type_of_loader, 0xFF);
	assert_int_equal(find_copy("kernel")->len, plan.bzimage.pm_size);
}

/* An ELF whose module lies across its first PT_LOAD's destination, and an initrd
 * across the second: both must leave before the segments are written. */
static void elf_layout(int with_note)
{
	free(kernel);
	layout(make_elf(with_note), ELF_TEST_SIZE, 2);
	info.modules[0].start = 0x1fff000;
	info.modules[0].end = 0x1fff000 + ELF_TEST_SIZE;
	info.modules[1].start = 0x2100000;
	info.modules[1].end = 0x2100000 + sizeof(initrd_bytes);
}

static void elf_segments_go_to_p_paddr_in_place_when_the_order_allows(void **state)
{
	(void)state;
	struct cl_error err;
	elf_layout(1);
	assert_int_equal(make_plan(&err), 0);
	assert_ptr_equal(plan.format, &elf_format);
	assert_ptr_equal(plan.kernel_entry, &entry_64);
	assert_int_equal(plan.entry, 0x2000000);
	/* The module lies across the first segment's destination, but copying the
	 * highest segment first never overwrites bytes still to be read. */
	assert_false(plan.kernel_bounced);
	assert_null(find_copy("kernel module (staged)"));
	assert_true(plan.initrd_moved); /* it lay in the second segment's destination */
	const struct copy_step *s1 = &plan.copies[plan.copy_count - 2], *s0 = &plan.copies[plan.copy_count - 1];
	assert_int_equal(s1->dst, 0x2100000);
	assert_ptr_equal(s1->src, kernel + 0x3000);
	assert_int_equal(s1->len, 0x1000);
	assert_int_equal(s1->zero_len, 0x10000);
	assert_int_equal(s0->dst, 0x2000000);
	assert_ptr_equal(s0->src, kernel + 0x1000);
	assert_int_equal(s0->len, 0x2000);
	/* A synthesised header: what Linux reads from boot_params. */
	assert_int_equal(plan.params.hdr.boot_flag, 0xAA55);
	assert_int_equal(plan.params.hdr.header, 0x53726448);
	assert_int_equal(plan.params.hdr.version, 0x020F);
	assert_int_equal(plan.params.hdr.type_of_loader, 0xFF);
	assert_int_equal(plan.params.hdr.ramdisk_image, plan.initrd.start);
}

static void elf_module_is_staged_when_no_order_is_safe(void **state)
{
	(void)state;
	struct cl_error err;
	elf_layout(1);
	/* The first segment's file bytes [0x2100000, 0x2102000) lie in the second
	 * segment's destination, which is copied first: the module must move. */
	info.modules[0].start = 0x20ff000;
	info.modules[0].end = 0x20ff000 + ELF_TEST_SIZE;
	info.modules[1].start = 0x2200000;
	info.modules[1].end = 0x2200000 + sizeof(initrd_bytes);
	assert_int_equal(make_plan(&err), 0);
	assert_true(plan.kernel_bounced);
	const struct copy_step *staged = find_copy("kernel module (staged)");
	assert_non_null(staged);
	assert_ptr_equal(staged->src, kernel);
	const struct copy_step *s0 = &plan.copies[plan.copy_count - 1];
	assert_int_equal(s0->dst, 0x2000000);
	assert_int_equal((uintptr_t)s0->src, staged->dst + 0x1000);
	/* Nothing written before the segments lands on a segment or on the module. */
	for (size_t i = 0; i + 2 < plan.copy_count; i++) {
		const struct copy_step *c = &plan.copies[i];
		for (size_t j = 0; j < plan.fixed_count; j++)
			assert_false(c->dst < plan.fixed[j].end && plan.fixed[j].start < c->dst + c->len);
		assert_false(c->dst < info.modules[0].end && info.modules[0].start < c->dst + c->len);
	}
}

static void elf_by_pvh_gets_a_start_info(void **state)
{
	(void)state;
	struct cl_error err;
	elf_layout(1);
	entry_mode = ENTRY_PVH;
	assert_int_equal(make_plan(&err), 0);
	assert_ptr_equal(plan.kernel_entry, &entry_pvh);
	assert_int_equal(plan.entry, 0x2000040);
	const struct hvm_start_info *si = &plan.pvh.info;
	assert_int_equal(si->magic, 0x336ec578);
	assert_int_equal(si->version, 1);
	assert_int_equal(si->cmdline_paddr, plan.cmdline_addr);
	assert_int_equal(si->nr_modules, 1);
	assert_int_equal(si->modlist_paddr, plan.handoff_data + offsetof(struct pvh_handoff, module));
	assert_int_equal(plan.pvh.module.paddr, plan.initrd.start);
	assert_int_equal(plan.pvh.module.size, sizeof(initrd_bytes));
	assert_int_equal(si->memmap_paddr, plan.handoff_data + offsetof(struct pvh_handoff, memmap));
	assert_int_equal(si->memmap_entries, plan.e820.count);
	assert_int_equal(plan.pvh.memmap[2].addr, 0x100000);
	assert_int_equal(plan.pvh.memmap[2].type, 1);
	const struct copy_step *c = find_copy("hvm_start_info");
	assert_non_null(c);
	assert_int_equal(c->len, offsetof(struct pvh_handoff, memmap) + plan.e820.count * 24);
	assert_true(c->dst + c->len <= 0x100000000ull);
}

static void elf_entry_mode_errors(void **state)
{
	(void)state;
	struct cl_error err;
	elf_layout(0);
	entry_mode = ENTRY_PVH;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "entry=pvh: the ELF kernel has no XEN_ELFNOTE_PHYS32_ENTRY note (type 18, owner \"Xen\")");
	entry_mode = ENTRY_32;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "entry=32 is the bzImage 32-bit entry; for an ELF kernel use entry=64 or entry=pvh");
	/* Nothing is loaded below 1 MiB. */
	entry_mode = ENTRY_AUTO;
	put64(kernel + ELF_TEST_PHDR(1) + 0x18, 0x90000);
	put64(kernel + 0x18, 0x90000); /* e_entry follows the segment */
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "ELF PT_LOAD needs [0x90000, 0x92000), below 1 MiB (real-mode and BIOS memory), which chainloader does not load to");
	put64(kernel + ELF_TEST_PHDR(1) + 0x18, 0x30000000); /* beyond the 512 MiB of RAM */
	put64(kernel + 0x18, 0x30000000);
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "ELF PT_LOAD needs [0x30000000, 0x30002000), which is not usable RAM");
}

static void elf_command_line_limit_is_linux_s(void **state)
{
	(void)state;
	struct cl_error err;
	elf_layout(1);
	static char long_cmdline[3000];
	memset(long_cmdline, 'x', 2048);
	long_cmdline[2048] = '\0';
	info.modules[0].string = long_cmdline;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "kernel command line is 2048 bytes, the kernel's cmdline_size is 2047");
}

static void efi_info_and_a_reserved_copy_of_grubs_rsdp(void **state)
{
	(void)state;
	struct cl_error err;
	static uint8_t efimap[3 * 48];
	static uint8_t rsdp[20] = "RSD PTR ";
	uint8_t sum = 0;
	for (int i = 0; i < 20; i++)
		sum = (uint8_t)(sum + rsdp[i]);
	rsdp[8] = (uint8_t)-sum;
	put32(efimap, 7);                 /* conventional memory ... */
	put64(efimap + 8, 0x100000);
	put64(efimap + 24, 0x1fe00);      /* ... up to 0x1ff00000 */
	put32(efimap + 48, 5);            /* runtime services code: reserved */
	put64(efimap + 48 + 8, 0x1ffe0000);
	put64(efimap + 48 + 24, 0x10);
	put32(efimap + 96, 4);            /* boot-services data: where the copies go */
	put64(efimap + 96 + 8, 0x1ff00000);
	put64(efimap + 96 + 24, 0xe0);
	info.efi_system_table = 0x1f5eb018;
	info.efi_mmap = efimap;
	info.efi_mmap_size = sizeof(efimap);
	info.efi_desc_size = 48;
	info.efi_desc_version = 1;
	info.acpi_rsdp = rsdp;
	info.acpi_rsdp_size = sizeof(rsdp);
	assert_int_equal(make_plan(&err), 0);
	const struct efi_info *e = &plan.params.efi_info;
	assert_int_equal(e->efi_loader_signature, 0x34364c45);
	assert_int_equal(e->efi_systab, 0x1f5eb018);
	assert_int_equal(e->efi_memdesc_size, 48);
	assert_int_equal(e->efi_memmap_size, sizeof(efimap));
	const struct copy_step *c = find_copy("EFI memory map");
	assert_non_null(c);
	assert_int_equal(e->efi_memmap, c->dst);
	assert_int_equal(c->dst % 4096, 0);
	/* The firmware's RSDP was not found (0 passed in): GRUB's copy, in reserved memory. */
	assert_true(plan.acpi_rsdp_copied);
	assert_int_equal(plan.params.acpi_rsdp_addr, plan.acpi_rsdp);
	const struct copy_step *r = find_copy("ACPI RSDP (copy)");
	assert_non_null(r);
	assert_int_equal(r->dst, plan.acpi_rsdp);
	int reserved = 0;
	for (size_t i = 0; i < plan.e820.count; i++) {
		const struct boot_e820_entry *x = &plan.e820.entry[i];
		if (x->addr <= r->dst && r->dst + r->len <= x->addr + x->size)
			reserved = x->type == E820_TYPE_RESERVED;
	}
	assert_true(reserved);
	/* Boot services still running: refused. */
	info.efi_boot_services = true;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "EFI boot services are still running (multiboot2 tag 18): the UEFI entry must exit them first");
}


static const uint8_t seed[RNG_SEED_SIZE] = { 0x5e, 0xed, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
					     15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 0xff };

static void rng_seed_becomes_a_setup_rng_seed_node_written_once(void **state)
{
	(void)state;
	struct cl_error err;
	extra.rng_seed = seed;
	assert_int_equal(make_plan(&err), 0);
	assert_int_not_equal(plan.rng_seed_addr, 0);
	assert_int_equal(plan.params.hdr.setup_data, plan.rng_seed_addr);
	assert_int_equal(plan.rng_seed.hdr.type, SETUP_RNG_SEED);
	assert_int_equal(plan.rng_seed.hdr.len, RNG_SEED_SIZE);
	assert_int_equal(plan.rng_seed.hdr.next, 0);
	assert_memory_equal(plan.rng_seed.seed, seed, sizeof(seed));
	assert_int_equal(plan.rng_seed_addr % SETUP_DATA_ALIGN, 0);
	/* Not a copy step: nothing is left to copy it from the loader's memory later. */
	for (size_t i = 0; i < plan.copy_count; i++)
		assert_false(plan.copies[i].src == (const void *)&plan.rng_seed);
	/* Outside the kernel's [load, load + init_size), in memory no copy touches. */
	struct mem_range node = { plan.rng_seed_addr, plan.rng_seed_addr + sizeof(plan.rng_seed) };
	assert_true(node.start >= plan.kernel_range.end || node.end <= plan.kernel_range.start);
	for (size_t i = 0; i < plan.copy_count; i++) {
		const struct copy_step *c = &plan.copies[i];
		assert_false(c->dst < node.end && node.start < c->dst + c->len + c->zero_len);
	}
	/* Committed: the node at its place, the plan's copy of the seed zeroed. */
	static uint8_t page[4096] __attribute__((aligned(4096)));
	plan.rng_seed_addr = (uintptr_t)page;
	boot_plan_commit_seed(&plan);
	assert_int_equal(((const struct setup_data *)page)->type, SETUP_RNG_SEED);
	assert_memory_equal(page + sizeof(struct setup_data), seed, sizeof(seed));
	static const uint8_t zeros[RNG_SEED_SIZE];
	assert_memory_equal(plan.rng_seed.seed, zeros, sizeof(zeros));
}

static void rng_seed_follows_the_e820_extension_in_the_chain(void **state)
{
	(void)state;
	struct cl_error err;
	punch_150_holes();
	extra.rng_seed = seed;
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.params.hdr.setup_data, plan.e820_ext_addr);
	assert_int_equal(plan.e820_ext.hdr.next, plan.rng_seed_addr);
	assert_int_not_equal(plan.rng_seed_addr, 0);
	assert_int_equal(boot_plan_bytes_placed(&plan) - sizeof(plan.rng_seed) - (16 + 173 * 20),
			 plan.bzimage.pm_size + sizeof(initrd_bytes) + strlen(cmdline) + 1 + sizeof(struct boot_params));
}

static void pvh_gets_no_rng_seed(void **state)
{
	(void)state;
	struct cl_error err;
	elf_layout(1);
	entry_mode = ENTRY_PVH;
	extra.rng_seed = seed;
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.rng_seed_addr, 0);
	assert_int_equal(plan.setup_data, 0);
}

static void uefi_handoff_secure_boot_kept_ranges_and_the_map_in_place(void **state)
{
	(void)state;
	struct cl_error err;
	static uint8_t efimap[3 * 48] __attribute__((aligned(8)));
	put32(efimap, 7);                  /* conventional up to 16 MiB */
	put64(efimap + 8, 0x100000);
	put64(efimap + 24, 0xf00);
	put32(efimap + 48, 2);             /* the kept page: loader data the firmware gave */
	put64(efimap + 48 + 8, 0x1000000);
	put64(efimap + 48 + 24, 1);
	put32(efimap + 96, 7);             /* conventional up to 0x1ffe0000 */
	put64(efimap + 96 + 8, 0x1001000);
	put64(efimap + 96 + 24, 0x1efdf);
	info.mmap_count = 0; /* the UEFI entry's final EFI map is the only one */
	info.efi_system_table = 0x1f5eb018;
	info.efi_mmap = efimap;
	info.efi_mmap_size = sizeof(efimap);
	info.efi_desc_size = 48;
	info.efi_desc_version = 1;
	extra.secure_boot = 2;
	extra.efi_mmap_in_place = true;
	extra.kept_count = 1;
	extra.kept[0] = (struct kept_range){ { 0x1000000, 0x1001000 }, "TPM event log" };
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.params.secure_boot, 2);
	assert_int_equal(plan.params.efi_info.efi_memmap, (uint32_t)(uintptr_t)efimap);
	assert_int_equal(plan.params.efi_info.efi_memmap_hi, (uint32_t)((uintptr_t)efimap >> 32));
	assert_null(find_copy("EFI memory map"));
	/* The kept page at 16 MiB pushes the kernel off pref_address; nothing lands on it. */
	assert_int_not_equal(plan.kernel_load, 16 * MIB);
	assert_true(plan.kernel_range.start >= 0x1001000);
	for (size_t i = 0; i < plan.copy_count; i++) {
		const struct copy_step *c = &plan.copies[i];
		assert_false(c->dst < 0x1001000 && 0x1000000 < c->dst + c->len + c->zero_len);
	}
	/* A fixed destination over a kept range is refused, naming it. */
	kernel[0x234] = 0; /* not relocatable: fixed at pref_address, 16 MiB */
	assert_int_equal(make_plan(&err), -1);
	assert_non_null(strstr(err.msg, "TPM event log"));
	extra.kept_count = PLAN_MAX_KEPT + 1;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "plan: 5 kept ranges, at most 4");
}

/* The KASLR invariant (boot_plan_check_kaslr): what the kernel reads after its
 * decompressor ran and that the decompressor does not avoid by itself lies
 * outside EfiConventionalMemory of the EFI map the kernel gets. */
static uint8_t kaslr_map[3 * 48];

static void kaslr_layout(uint64_t bs_pages)
{
	memset(kaslr_map, 0, sizeof(kaslr_map));
	put32(kaslr_map, 7); /* conventional [1 MiB, 0x1fe00000): one large range at the top of low memory */
	put64(kaslr_map + 8, 0x100000);
	put64(kaslr_map + 24, (0x1fe00000 - 0x100000) >> 12);
	put32(kaslr_map + 48, 4); /* boot-services data below the top */
	put64(kaslr_map + 48 + 8, 0x1fe00000);
	put64(kaslr_map + 48 + 24, bs_pages);
	put32(kaslr_map + 96, 7); /* conventional again above it, up to 0x1ffe0000 */
	put64(kaslr_map + 96 + 8, 0x1fe00000 + (bs_pages << 12));
	put64(kaslr_map + 96 + 24, (0x1ffe0000 - 0x1fe00000 - (bs_pages << 12)) >> 12);
	info.efi_system_table = 0x1f5eb018;
	info.efi_mmap = kaslr_map;
	info.efi_mmap_size = sizeof(kaslr_map);
	info.efi_desc_size = 48;
	info.efi_desc_version = 1;
}

static void kaslr_copies_go_to_memory_no_randomised_kernel_picks(void **state)
{
	(void)state;
	struct cl_error err;
	static uint8_t rsdp[20] = "RSD PTR ";
	uint8_t sum = 0;
	for (int i = 0; i < 20; i++)
		sum = (uint8_t)(sum + rsdp[i]);
	rsdp[8] = (uint8_t)-sum;
	info.acpi_rsdp = rsdp;
	info.acpi_rsdp_size = sizeof(rsdp);
	kaslr_layout(4);
	assert_int_equal(make_plan(&err), 0);
	const struct copy_step *m = find_copy("EFI memory map"), *r = find_copy("ACPI RSDP (copy)");
	assert_non_null(m);
	assert_non_null(r);
	/* Both in the four boot-services pages, though the highest free RAM is conventional. */
	assert_true(m->dst >= 0x1fe00000 && m->dst + m->len <= 0x1fe04000);
	assert_true(r->dst >= 0x1fe00000 && r->dst + r->len <= 0x1fe04000);
	struct plan_inputs in = { .info = &info };
	assert_int_equal(boot_plan_check_kaslr(&in, &plan, &err), 0);
	/* The checker names what broke it: the map pretended to lie in conventional memory. */
	plan.efi.efi_memmap = 0x1000000;
	assert_int_equal(boot_plan_check_kaslr(&in, &plan, &err), -1);
	assert_string_equal(err.msg, "KASLR: EFI memory map [0x1000000, 0x1000090) lies in EfiConventionalMemory [0x100000, 0x1fe00000) of the EFI map the kernel gets");
	/* A kept firmware allocation counts too. */
	plan.efi.efi_memmap = (uint32_t)m->dst;
	in.kept_count = 1;
	in.kept[0] = (struct kept_range){ { 0x1ff00000, 0x1ff01000 }, "TPM event log" };
	assert_int_equal(boot_plan_check_kaslr(&in, &plan, &err), -1);
	assert_string_equal(err.msg, "KASLR: TPM event log [0x1ff00000, 0x1ff01000) lies in EfiConventionalMemory [0x1fe04000, 0x1ffe0000) of the EFI map the kernel gets");
	/* No boot-services or loader RAM at all: an error, not a copy where KASLR may land. */
	kaslr_layout(0);
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "no room for EFI memory map: 0x90 bytes aligned to 0x1000 within [0x100000, 0x100000000) of usable RAM in EFI loader or boot-services memory (never a KASLR destination)");
}

/* Random EFI maps: fragmented (conventional, boot-services and loader
 * pieces interleaved), some with one large conventional range at the top of
 * low memory, some near the 1024-descriptor limit; make_plan checks the
 * invariant on each plan, and the copies must land in non-conventional RAM. */
static void kaslr_invariant_on_random_efi_maps(void **state)
{
	(void)state;
	static uint8_t map[1000 * 48];
	static uint8_t rsdp[20] = "RSD PTR ";
	uint8_t sum = 0;
	for (int i = 0; i < 20; i++)
		sum = (uint8_t)(sum + rsdp[i]);
	rsdp[8] = (uint8_t)-sum;
	uint64_t lcg = 0x9e3779b97f4a7c15ull;
	int planned = 0;
	for (int round = 0; round < 200; round++) {
		lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
		size_t n = round % 10 == 9 ? 1000 : 3 + (lcg >> 33) % 60;
		uint64_t at = 0x100000, top = 0x1ffe0000, piece = (top - at) / n & ~0xfffull;
		memset(map, 0, sizeof(map));
		for (size_t i = 0; i < n; i++) {
			lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
			static const uint32_t types[] = { 7, 7, 7, 4, 3, 2, 1, 10, 0 };
			uint32_t type = types[(lcg >> 40) % 9];
			uint64_t end = i + 1 == n ? top : at + piece;
			if (round % 2 && i + 1 == n)
				type = 7; /* one large conventional range at the top of low memory */
			put32(map + i * 48, type);
			put64(map + i * 48 + 8, at);
			put64(map + i * 48 + 24, (end - at) >> 12);
			at = end;
		}
		info.mmap_count = 0;
		info.efi_system_table = 0x1f5eb018;
		info.efi_mmap = map;
		info.efi_mmap_size = (uint32_t)(n * 48);
		info.efi_desc_size = 48;
		info.efi_desc_version = 1;
		info.acpi_rsdp = rsdp;
		info.acpi_rsdp_size = sizeof(rsdp);
		info.modules[0] = (struct boot_module){ 0x200000, 0x200000 + kernel_size, kernel, cmdline };
		info.module_count = 1;
		struct cl_error err;
		if (make_plan(&err) == 0)
			planned++; /* make_plan failed the test if the invariant broke */
		else
			assert_true(strstr(err.msg, "no room") || strstr(err.msg, "not usable RAM") ||
				    strstr(err.msg, "overlaps"));
	}
	assert_true(planned > 100); /* most maps have room: the check ran on real plans */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(places_a_relocatable_kernel_at_pref_address),
		T(keeps_the_initrd_in_place_when_the_kernel_may_read_it),
		T(moves_the_initrd_below_initrd_addr_max),
		T(entry32_keeps_initrd_addr_max_even_with_xlf_above_4g),
		T(builds_the_zero_page_as_boot_rst_prescribes),
		T(copies_the_command_line_byte_for_byte),
		T(no_destination_overlaps_anything_live),
		T(errors_for_module_count_and_format),
		T(command_line_longer_than_cmdline_size_is_an_error),
		T(fixed_kernel_over_the_initrd_moves_the_initrd_first),
		T(fixed_kernel_over_the_loader_is_copied_by_the_trampoline),
		T(entry_modes_for_a_bzimage),
		T(real_mode_entry_loads_the_setup_below_640k),
	T(real_mode_entry_is_what_auto_picks_for_linux16_images_on_bios),
	T(real_mode_entry_errors),
	T(kernel_too_big_for_ram_is_an_error),
		T(e820_beyond_128_entries_goes_to_setup_data),
		T(initrds_next_to_each_other_join_in_place),
		T(initrds_out_of_order_are_copied_back_to_back),
		T(plans_the_real_debian_kernel),
		T(elf_segments_go_to_p_paddr_in_place_when_the_order_allows),
		T(elf_module_is_staged_when_no_order_is_safe),
		T(elf_by_pvh_gets_a_start_info),
		T(elf_entry_mode_errors),
		T(elf_command_line_limit_is_linux_s),
		T(efi_info_and_a_reserved_copy_of_grubs_rsdp),
		T(rng_seed_becomes_a_setup_rng_seed_node_written_once),
		T(rng_seed_follows_the_e820_extension_in_the_chain),
		T(pvh_gets_no_rng_seed),
		T(uefi_handoff_secure_boot_kept_ranges_and_the_map_in_place),
		T(kaslr_copies_go_to_memory_no_randomised_kernel_picks),
		T(kaslr_invariant_on_random_efi_maps),
	};
	return cmocka_run_group_tests_name("boot plan", tests, NULL, NULL);
}
