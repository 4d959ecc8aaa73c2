#include "cmocka_all.h"

#include <stdlib.h>
#include <string.h>

#include "boot_plan.h"
#include "builders.h"

#define MIB (1ull << 20)

static struct boot_info info;
static struct boot_plan plan;
static uint8_t *kernel;
static size_t kernel_size;
static const char cmdline[] = "console=ttyS0,115200 \"cl.quoted=a b\"";
static uint8_t initrd_bytes[4096];

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

static int make_plan(struct cl_error *err)
{
	struct screen_info screen = { .orig_video_mode = 3, .orig_video_cols = 80, .orig_video_lines = 25 };
	struct plan_inputs in = { &info, { 0x100000, 0x12f000 }, &screen };
	return boot_plan_make(&in, &plan, err);
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
	assert_true(plan.boot_params_addr >= plan.kernel_range.end || plan.boot_params_addr + 4096 <= plan.kernel_range.start);
	assert_true(plan.cmdline_addr >= plan.kernel_range.end);
}

static void errors_for_module_count_and_format(void **state)
{
	(void)state;
	struct cl_error err;
	info.module_count = 0;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "no kernel: GRUB passed no module (add a module2 line with the kernel)");
	info.module_count = 3;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "3 modules: one kernel and at most one initrd are supported");
	info.module_count = 2;
	kernel[0x1FE] = 0;
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "kernel module [0x200000, 0x210a00) is not a bzImage (no 0xaa55 and \"HdrS\")");
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

static void fixed_kernel_over_a_module_names_the_conflict(void **state)
{
	(void)state;
	struct cl_error err;
	kernel[0x234] = 0;                     /* not relocatable */
	put64(kernel + 0x258, 0x800000);       /* wants [8 MiB, 12 MiB): over the initrd */
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "kernel (not relocatable, at pref_address) needs [0x800000, 0xc00000), which overlaps initrd module [0x8f4000, 0x8f5000)");
	put64(kernel + 0x258, 0x2000000);
	assert_int_equal(make_plan(&err), 0);
	assert_int_equal(plan.kernel_load, 0x2000000);
}

static void kernel_too_big_for_ram_is_an_error(void **state)
{
	(void)state;
	struct cl_error err;
	put32(kernel + 0x260, 0x20000000); /* init_size 512 MiB in a 512 MiB machine */
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "no room for kernel: 0x20000000 bytes aligned to 0x200000 within [0x1000000, 0xffffffffffffffff) of usable RAM");
}

static void more_e820_entries_than_the_zero_page_holds_is_an_error(void **state)
{
	(void)state;
	struct cl_error err;
	/* 150 one-page holes punched in RAM above 1 GiB of a bigger map, as cutmem does. */
	info.mmap_count = 0;
	info.mmap[info.mmap_count++] = (struct mmap_entry){ 0x100000, 0x40000000, 1 };
	for (uint64_t i = 0; i < 150; i++)
		info.mmap[info.mmap_count++] = (struct mmap_entry){ 0x40000000 + i * 0x2000, 0x40001000 + i * 0x2000, 1 };
	assert_int_equal(make_plan(&err), -1);
	assert_string_equal(err.msg, "e820: 150 entries exceed the zero page's 128 slots");
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
	assert_int_equal(find_copy("kernel")->len, plan.kernel.pm_size);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(places_a_relocatable_kernel_at_pref_address),
		T(keeps_the_initrd_in_place_when_the_kernel_may_read_it),
		T(moves_the_initrd_below_initrd_addr_max),
		T(builds_the_zero_page_as_boot_rst_prescribes),
		T(copies_the_command_line_byte_for_byte),
		T(no_destination_overlaps_anything_live),
		T(errors_for_module_count_and_format),
		T(command_line_longer_than_cmdline_size_is_an_error),
		T(fixed_kernel_over_a_module_names_the_conflict),
		T(kernel_too_big_for_ram_is_an_error),
		T(more_e820_entries_than_the_zero_page_holds_is_an_error),
		T(plans_the_real_debian_kernel),
	};
	return cmocka_run_group_tests_name("boot plan", tests, NULL, NULL);
}
