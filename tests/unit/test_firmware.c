#include "cmocka_all.h"

#include <string.h>

#include "abi/e820.h"
#include "builders.h"
#include "firmware/tables.h"

static void efi_types_map_as_the_linux_stub_does(void **state)
{
	(void)state;
	assert_int_equal(efi_type_to_e820(7), E820_TYPE_RAM);      /* conventional */
	assert_int_equal(efi_type_to_e820(3), E820_TYPE_RAM);      /* boot services code: over */
	assert_int_equal(efi_type_to_e820(2), E820_TYPE_RAM);      /* loader data */
	assert_int_equal(efi_type_to_e820(5), E820_TYPE_RESERVED); /* runtime services code */
	assert_int_equal(efi_type_to_e820(6), E820_TYPE_RESERVED);
	assert_int_equal(efi_type_to_e820(9), E820_TYPE_ACPI);
	assert_int_equal(efi_type_to_e820(10), E820_TYPE_NVS);
	assert_int_equal(efi_type_to_e820(8), E820_TYPE_UNUSABLE);
	assert_int_equal(efi_type_to_e820(11), E820_TYPE_RESERVED); /* MMIO */
	assert_int_equal(efi_type_to_e820(14), E820_TYPE_PMEM);
	assert_int_equal(efi_type_to_e820(0x70000000), E820_TYPE_RESERVED); /* OEM */
}

static void efi_map_with_a_longer_descriptor_stride(void **state)
{
	(void)state;
	uint8_t map[3 * 48] = { 0 };
	struct efi_memory_descriptor d[3] = { { 7, 0, 0x100000, 0, 16, 0 }, { 5, 0, 0x200000, 0, 1, 0 },
					      { 7, 0, 0x300000, 0, 0, 0 } };
	for (int i = 0; i < 3; i++)
		memcpy(map + 48 * i, &d[i], sizeof(d[i]));
	struct mmap_entry out[4];
	size_t n = 0;
	struct cl_error err;
	struct boot_info bi = { .efi_mmap = map, .efi_mmap_size = sizeof(map), .efi_desc_size = 48 };
	assert_int_equal(efi_mmap_to_entries(&bi, out, 4, &n, &err), 0);
	assert_int_equal(n, 2); /* the empty third one is dropped */
	assert_int_equal(out[0].start, 0x100000);
	assert_int_equal(out[0].end, 0x110000);
	assert_int_equal(out[0].type, E820_TYPE_RAM);
	assert_int_equal(out[1].type, E820_TYPE_RESERVED);
	d[0].number_of_pages = 0x0010000000000000ull; /* beyond 2^64 bytes */
	memcpy(map, &d[0], sizeof(d[0]));
	n = 0;
	assert_int_equal(efi_mmap_to_entries(&bi, out, 4, &n, &err), -1);
	assert_string_equal(err.msg, "EFI memory map: descriptor at 0x100000 + 4503599627370496 pages overflows");
}

static void make_rsdp(uint8_t *p, uint8_t revision)
{
	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	p[15] = revision;
	uint8_t sum = 0;
	for (int i = 0; i < 20; i++)
		sum = (uint8_t)(sum + p[i]);
	p[8] = (uint8_t)-sum; /* checksum byte */
	if (revision >= 2) {
		put32(p + 20, 36);
		sum = 0;
		for (int i = 0; i < 36; i++)
			sum = (uint8_t)(sum + p[i]);
		p[32] = (uint8_t)-sum; /* extended checksum */
	}
}

static void rsdp_checksums_and_scan(void **state)
{
	(void)state;
	uint8_t area[256] = { 0 };
	make_rsdp(area + 64, 2);
	assert_true(acpi_rsdp_valid(area + 64, 36));
	assert_false(acpi_rsdp_valid(area + 64, 30)); /* revision 2 needs 36 bytes */
	assert_ptr_equal(acpi_scan_for_rsdp(area, sizeof(area)), area + 64);
	area[64 + 33] ^= 1; /* breaks the extended checksum only */
	assert_false(acpi_rsdp_valid(area + 64, 36));
	assert_null(acpi_scan_for_rsdp(area, sizeof(area)));
	make_rsdp(area + 72, 0); /* not on a 16-byte boundary: not found */
	assert_null(acpi_scan_for_rsdp(area, sizeof(area)));
}

static void rsdp_from_the_efi_configuration_table(void **state)
{
	(void)state;
	static uint8_t rsdp[36];
	make_rsdp(rsdp, 2);
	static struct efi_config_table tables[2] = { { { 0xeb9d2d31, 0, 0, { 0 } }, (void *)0x1234 }, /* SMBIOS's, roughly */
						      { EFI_ACPI_20_TABLE_GUID, rsdp } };
	static struct efi_system_table st = { .hdr.signature = 0x5453595320494249ull, /* "IBI SYST" */
					      .number_of_table_entries = 2,
					      .configuration_table = tables };
	uint8_t *systab = (uint8_t *)&st;
	assert_int_equal(efi_find_rsdp((uint64_t)(uintptr_t)systab), (uint64_t)(uintptr_t)rsdp);
	st.hdr.signature = 0; /* not a system table */
	assert_int_equal(efi_find_rsdp((uint64_t)(uintptr_t)systab), 0);
	assert_int_equal(efi_find_rsdp(0), 0);
}

static void screen_info_for_efi_and_vesa(void **state)
{
	(void)state;
	struct boot_framebuffer fb = { 0x80000000, 2400, 800, 600, 24, 16, 8, 8, 8, 0, 8 };
	struct screen_info si;
	assert_true(screen_info_from_framebuffer(&si, &fb, true));
	assert_int_equal(si.orig_video_isVGA, VIDEO_TYPE_EFI);
	assert_int_equal(si.lfb_base, 0x80000000);
	assert_int_equal(si.lfb_size, 2400 * 600); /* bytes for efifb */
	assert_int_equal(si.lfb_linelength, 2400);
	assert_int_equal(si.lfb_width, 800);
	assert_int_equal(si.lfb_depth, 24);
	assert_int_equal(si.red_pos, 16);
	assert_int_equal(si.rsvd_size, 0);
	assert_true(screen_info_from_framebuffer(&si, &fb, false));
	assert_int_equal(si.orig_video_isVGA, VIDEO_TYPE_VLFB);
	assert_int_equal(si.lfb_size, (2400 * 600 + 0xFFFF) >> 16); /* 64 KiB units for vesafb */
	fb.addr = 0x4000000000ull; fb.bpp = 32; fb.pitch = 3200;
	assert_true(screen_info_from_framebuffer(&si, &fb, true));
	assert_int_equal(si.capabilities & VIDEO_CAPABILITY_64BIT_BASE, VIDEO_CAPABILITY_64BIT_BASE);
	assert_int_equal(si.ext_lfb_base, 0x40);
	assert_int_equal(si.rsvd_pos, 24);
	assert_int_equal(si.rsvd_size, 8);
	fb.pitch = 70000; /* does not fit lfb_linelength */
	assert_false(screen_info_from_framebuffer(&si, &fb, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(efi_types_map_as_the_linux_stub_does),
		cmocka_unit_test(efi_map_with_a_longer_descriptor_stride),
		cmocka_unit_test(rsdp_checksums_and_scan),
		cmocka_unit_test(rsdp_from_the_efi_configuration_table),
		cmocka_unit_test(screen_info_for_efi_and_vesa),
	};
	return cmocka_run_group_tests_name("firmware", tests, NULL, NULL);
}
