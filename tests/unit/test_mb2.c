#include "cmocka_all.h"

#include <stdlib.h>
#include <string.h>

#include "boot_info.h"
#include "builders.h"

#define MBI_PHYS 0x10000ull

static struct boot_info info;

static const struct mb2_mmap_entry qemu_map[] = {
	{ 0x0, 0x9fc00, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x9fc00, 0x400, MB2_MEMORY_RESERVED, 0 },
	{ 0xf0000, 0x10000, MB2_MEMORY_RESERVED, 0 },
	{ 0x100000, 0x1fee0000, MB2_MEMORY_AVAILABLE, 0 },
	{ 0xfffc0000, 0x40000, MB2_MEMORY_RESERVED, 0 },
};

static void build_typical(struct mbi_builder *b)
{
	mbi_begin(b, 4096);
	mbi_add_string(b, MB2_TAG_CMDLINE, "verbose");
	mbi_add_string(b, MB2_TAG_BOOT_LOADER_NAME, "GRUB 2.06");
	mbi_add_module(b, 0x103000, 0x8f3e00, "console=ttyS0 \"x=a b\"");
	mbi_add_module(b, 0x8f4000, 0x9f4000, "");
	mbi_add_mmap(b, qemu_map, 5);
	mbi_end(b);
}

static int parse(struct mbi_builder *b, struct cl_error *err)
{
	return mb2_parse(b->buf, MBI_PHYS, b->cap, &info, err);
}

static void parses_a_typical_grub_information(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	build_typical(&b);
	assert_int_equal(parse(&b, &err), 0);
	assert_int_equal(info.mbi.start, MBI_PHYS);
	assert_int_equal(info.mbi.end, MBI_PHYS + b.len);
	assert_string_equal(info.loader_cmdline, "verbose");
	assert_string_equal(info.loader_name, "GRUB 2.06");
	assert_int_equal(info.module_count, 2);
	assert_int_equal(info.modules[0].start, 0x103000);
	assert_int_equal(info.modules[0].end, 0x8f3e00); /* exclusive, as given */
	assert_string_equal(info.modules[0].string, "console=ttyS0 \"x=a b\"");
	assert_string_equal(info.modules[1].string, "");
	assert_int_equal(info.mmap_count, 5);
	assert_int_equal(info.mmap[3].start, 0x100000);
	assert_int_equal(info.mmap[3].end, 0x1ffe0000);
	assert_int_equal(info.mmap[3].type, MB2_MEMORY_AVAILABLE);
	mbi_free(&b);
}

static void rejects_total_size_beyond_what_is_readable(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	build_typical(&b);
	assert_int_equal(mb2_parse(b.buf, MBI_PHYS, b.len - 8, &info, &err), -1);
	assert_non_null(strstr(err.msg, "total_size"));
	put32(b.buf, 8); /* too small to hold even the end tag */
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: total_size 8 outside [16, 4096]");
	mbi_free(&b);
}

static void rejects_a_tag_running_past_total_size(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	mbi_begin(&b, 4096);
	mbi_add_string(&b, MB2_TAG_CMDLINE, "quiet");
	mbi_end(&b);
	put32(b.buf + 8 + 4, 4000); /* the command line tag claims 4000 bytes */
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: tag type 1 at offset 8 has size 4000, outside total_size 32");
	put32(b.buf + 8 + 4, 4); /* smaller than a tag header */
	assert_int_equal(parse(&b, &err), -1);
	assert_non_null(strstr(err.msg, "has size 4"));
	mbi_free(&b);
}

static void requires_an_end_tag(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	mbi_begin(&b, 4096);
	mbi_add_mmap(&b, qemu_map, 1);
	mbi_end(&b);
	put32(b.buf + b.len - 8, 99); /* end tag replaced by an unknown 8-byte tag */
	assert_int_equal(parse(&b, &err), -1);
	assert_non_null(strstr(err.msg, "no end tag"));
	mbi_free(&b);
}

static void rejects_misaligned_information(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	build_typical(&b);
	assert_int_equal(mb2_parse(b.buf, MBI_PHYS + 4, b.cap, &info, &err), -1);
	assert_string_equal(err.msg, "multiboot2: information at 0x10004 is not 8-byte aligned");
	mbi_free(&b);
}

static void rejects_empty_and_inverted_modules(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	mbi_begin(&b, 4096);
	mbi_add_module(&b, 0x200000, 0x200000, "");
	mbi_add_mmap(&b, qemu_map, 5);
	mbi_end(&b);
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: module 1 is empty or inverted: mod_start 0x200000, mod_end 0x200000");
	mbi_free(&b);

	mbi_begin(&b, 4096);
	mbi_add_module(&b, 0x200000, 0x300000, "k");
	mbi_add_module(&b, 0x400000, 0x3ff000, "i");
	mbi_add_mmap(&b, qemu_map, 5);
	mbi_end(&b);
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: module 2 is empty or inverted: mod_start 0x400000, mod_end 0x3ff000");
	mbi_free(&b);
}

static void rejects_unterminated_module_string(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	uint8_t tag[24] = { 0 };
	put32(tag, MB2_TAG_MODULE);
	put32(tag + 4, 20);
	put32(tag + 8, 0x200000);
	put32(tag + 12, 0x300000);
	memcpy(tag + 16, "abcd", 4); /* no NUL inside the tag's 20 bytes */
	mbi_begin(&b, 4096);
	mbi_add_raw(&b, tag, 20);
	mbi_add_mmap(&b, qemu_map, 5);
	mbi_end(&b);
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: module 1 string is not NUL-terminated in its tag");
	mbi_free(&b);
}

static void checks_memory_map_entries(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	const struct mb2_mmap_entry overflow[] = { { 0xfffffffffffff000ull, 0x2000, 1, 0 } };
	mbi_begin(&b, 4096);
	mbi_add_mmap(&b, overflow, 1);
	mbi_end(&b);
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: memory map entry 0 base 0xfffffffffffff000 + length 0x2000 overflows");
	put32(b.buf + 8 + 8, 20); /* entry_size 20: not a multiple of 8 */
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: memory map entry_size 20 (need a multiple of 8, >= 24)");
	mbi_free(&b);

	mbi_begin(&b, 4096);
	mbi_end(&b);
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: no memory map tag (type 6)");
	mbi_free(&b);
}

static void accepts_larger_entry_size_and_skips_empty_entries(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	uint8_t tag[16 + 2 * 32] = { 0 };
	put32(tag, MB2_TAG_MMAP);
	put32(tag + 4, sizeof(tag));
	put32(tag + 8, 32); /* a future entry format, 8 bytes longer */
	put64(tag + 16, 0x100000);
	put64(tag + 24, 0x100000);
	put32(tag + 32, 1);
	put64(tag + 48, 0x300000); /* zero length: dropped */
	mbi_begin(&b, 4096);
	mbi_add_raw(&b, tag, sizeof(tag));
	mbi_end(&b);
	assert_int_equal(parse(&b, &err), 0);
	assert_int_equal(info.mmap_count, 1);
	assert_int_equal(info.mmap[0].end, 0x200000);
	mbi_free(&b);
}

static void reads_the_firmware_tags(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	uint8_t fb[40] = { 0 };
	put32(fb, MB2_TAG_FRAMEBUFFER);
	put32(fb + 4, 38);
	put64(fb + 8, 0x80000000);
	put32(fb + 16, 3200); /* pitch */
	put32(fb + 20, 800);
	put32(fb + 24, 600);
	fb[28] = 32;          /* bpp */
	fb[29] = MB2_FRAMEBUFFER_TYPE_RGB;
	fb[32] = 16; fb[33] = 8; fb[34] = 8; fb[35] = 8; fb[36] = 0; fb[37] = 8;
	uint8_t efi64[16] = { 0 };
	put32(efi64, MB2_TAG_EFI64);
	put32(efi64 + 4, 16);
	put64(efi64 + 8, 0x1f5eb018);
	uint8_t efimm[16 + 2 * 48] = { 0 };
	put32(efimm, MB2_TAG_EFI_MMAP);
	put32(efimm + 4, sizeof(efimm));
	put32(efimm + 8, 48);
	put32(efimm + 12, 1);
	uint8_t acpi[8 + 36] = { 0 };
	put32(acpi, MB2_TAG_ACPI_NEW);
	put32(acpi + 4, sizeof(acpi));
	memcpy(acpi + 8, "RSD PTR ", 8);
	uint8_t smbios[8 + 8 + 31] = { 0 };
	put32(smbios, MB2_TAG_SMBIOS);
	put32(smbios + 4, sizeof(smbios));
	smbios[8] = 3;
	smbios[9] = 2;
	mbi_begin(&b, 4096);
	mbi_add_raw(&b, smbios, sizeof(smbios));
	mbi_add_raw(&b, fb, 38);
	mbi_add_raw(&b, efi64, sizeof(efi64));
	mbi_add_raw(&b, efimm, sizeof(efimm));
	mbi_add_raw(&b, acpi, sizeof(acpi));
	mbi_add_mmap(&b, qemu_map, 5);
	mbi_end(&b);
	assert_int_equal(parse(&b, &err), 0);
	assert_true(info.has_framebuffer);
	assert_int_equal(info.framebuffer.addr, 0x80000000);
	assert_int_equal(info.framebuffer.pitch, 3200);
	assert_int_equal(info.framebuffer.bpp, 32);
	assert_int_equal(info.framebuffer.red_pos, 16);
	assert_int_equal(info.efi_system_table, 0x1f5eb018);
	assert_int_equal(info.efi_desc_size, 48);
	assert_int_equal(info.efi_desc_version, 1);
	assert_int_equal(info.efi_mmap_size, 96);
	assert_ptr_equal(info.efi_mmap, b.buf + 8 + 48 + 40 + 16 + 16);
	assert_int_equal(info.smbios_major, 3);
	assert_int_equal(info.smbios_minor, 2);
	assert_non_null(info.acpi_rsdp);
	assert_int_equal(info.acpi_rsdp_size, 36);
	assert_false(info.efi_boot_services);
	/* An inconsistent framebuffer is an error; an EGA text one is ignored. */
	put32(b.buf + 8 + 48 + 16, 100); /* pitch below width * 4 */
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: framebuffer 800x600, 32 bpp, pitch 100 at 0x80000000 is not consistent");
	b.buf[8 + 48 + 29] = 2;
	assert_int_equal(parse(&b, &err), 0);
	assert_false(info.has_framebuffer);
	mbi_free(&b);
}


/* GRUB on x86_64-efi with the boot services kept (header tag 7): tags 12, 18
 * and 20, and no memory map (tag 6) at all. */
static void boot_services_kept_information_needs_no_memory_map(void **state)
{
	(void)state;
	struct mbi_builder b;
	struct cl_error err;
	uint8_t efi64[16] = { 0 }, handle[16] = { 0 }, bs[8] = { 0 };
	put32(efi64, MB2_TAG_EFI64);
	put32(efi64 + 4, 16);
	put64(efi64 + 8, 0x1f5eb018);
	put32(handle, MB2_TAG_EFI64_IH);
	put32(handle + 4, 16);
	put64(handle + 8, 0x1e3c5a98);
	put32(bs, MB2_TAG_EFI_BS);
	put32(bs + 4, 8);
	mbi_begin(&b, 4096);
	mbi_add_string(&b, MB2_TAG_CMDLINE, "verbose");
	mbi_add_module(&b, 0x103000, 0x8f3e00, "console=ttyS0");
	mbi_add_raw(&b, efi64, sizeof(efi64));
	size_t bs_at = b.len;
	mbi_add_raw(&b, bs, sizeof(bs));
	size_t handle_at = b.len;
	mbi_add_raw(&b, handle, sizeof(handle));
	mbi_end(&b);
	struct mb2_efi_handles h;
	assert_int_equal(mb2_efi_handles(b.buf, MBI_PHYS, b.cap, &h, &err), 0);
	assert_int_equal(h.system_table, 0x1f5eb018);
	assert_int_equal(h.image_handle, 0x1e3c5a98);
	assert_int_equal(parse(&b, &err), 0);
	assert_true(info.efi_boot_services);
	assert_int_equal(info.efi_image_handle, 0x1e3c5a98);
	assert_int_equal(info.mmap_count, 0);
	/* The same walk checks: a short image-handle tag is an error for both. */
	put32(b.buf + handle_at + 4, 12);
	assert_int_equal(mb2_efi_handles(b.buf, MBI_PHYS, b.cap, &h, &err), -1);
	assert_string_equal(err.msg, "multiboot2: EFI64 image handle tag size 12 is below 16");
	assert_int_equal(parse(&b, &err), -1);
	/* Without tag 18 the memory map is required. */
	put32(b.buf + handle_at + 4, 16);
	put32(b.buf + bs_at, MB2_TAG_BOOTDEV);
	assert_int_equal(parse(&b, &err), -1);
	assert_string_equal(err.msg, "multiboot2: no memory map tag (type 6)");
	mbi_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_typical_grub_information),
		cmocka_unit_test(rejects_total_size_beyond_what_is_readable),
		cmocka_unit_test(rejects_a_tag_running_past_total_size),
		cmocka_unit_test(requires_an_end_tag),
		cmocka_unit_test(rejects_misaligned_information),
		cmocka_unit_test(rejects_empty_and_inverted_modules),
		cmocka_unit_test(rejects_unterminated_module_string),
		cmocka_unit_test(checks_memory_map_entries),
		cmocka_unit_test(accepts_larger_entry_size_and_skips_empty_entries),
		cmocka_unit_test(reads_the_firmware_tags),
		cmocka_unit_test(boot_services_kept_information_needs_no_memory_map),
	};
	return cmocka_run_group_tests_name("multiboot2", tests, NULL, NULL);
}
