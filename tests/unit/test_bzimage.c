#include "cmocka_all.h"

#include <stdlib.h>
#include <string.h>

#include "abi/zeropage.h"
#include "builders.h"
#include "loader/format/bzimage.h"

static struct bzimage k;

static void parses_the_crafted_image(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = make_bzimage(0x10000, &size);
	struct cl_error err;
	assert_true(bzimage_probe(img, size));
	assert_int_equal(bzimage_parse(img, size, &k, &err), 0);
	assert_int_equal(k.version, 0x020F);
	assert_int_equal(k.setup_size, 0xA00);
	assert_int_equal(k.pm_offset, 0xA00);
	assert_int_equal(k.pm_size, 0x10000);
	assert_int_equal(k.header_end, 0x26C);
	assert_int_equal(k.init_size, 0x400000);
	assert_int_equal(k.pref_address, 0x1000000);
	assert_int_equal(k.alignment, 0x200000);
	assert_true(k.relocatable);
	assert_int_equal(k.cmdline_size, 2047);
	free(img);
}

static void entry64_needs_protocol_2_12_and_xlf_kernel_64(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = make_bzimage(0x1000, &size);
	struct cl_error err;
	assert_int_equal(bzimage_parse(img, size, &k, &err), 0);
	assert_true(k.has_entry64);
	assert_int_equal(k.code32_offset, 0);
	put16(img + SH_OFF(xloadflags), 0);
	assert_int_equal(bzimage_parse(img, size, &k, &err), 0);
	assert_false(k.has_entry64);
	put16(img + SH_OFF(xloadflags), XLF_KERNEL_64);
	put16(img + SH_OFF(version), 0x020B); /* xloadflags did not exist before 2.12 */
	assert_int_equal(bzimage_parse(img, size, &k, &err), 0);
	assert_false(k.has_entry64);
	free(img);
}

static void syssize_may_round_up_the_last_paragraph(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = make_bzimage(0x1000, &size);
	struct cl_error err;
	/* As memtest86+ 6.10: syssize covers 8 bytes more than the file holds. */
	assert_int_equal(bzimage_parse(img, size - 8, &k, &err), 0);
	assert_int_equal(k.pm_size, 0x1000 - 8);
	assert_int_equal(bzimage_parse(img, size - 16, &k, &err), -1);
	assert_string_equal(err.msg, "bzImage: syssize 256 (4096 bytes) does not fit the 4080 bytes after the 2560-byte setup");
	free(img);
}

static void setup_sects_zero_means_four(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = make_bzimage(0x1000, &size);
	struct cl_error err;
	img[SH_OFF(setup_sects)] = 0;
	assert_int_equal(bzimage_parse(img, size, &k, &err), 0);
	assert_int_equal(k.setup_size, 5 * 512);
	free(img);
}

/* Each corruption, and the exact message a user sees. */
struct bad_case {
	const char *name;
	void (*corrupt)(uint8_t *img, size_t *size);
	const char *message;
};

static void bad_boot_flag(uint8_t *img, size_t *size) { (void)size; put16(img + 0x1FE, 0x1234); }
static void bad_header(uint8_t *img, size_t *size) { (void)size; put32(img + 0x202, 0x12345678); }
static void old_protocol(uint8_t *img, size_t *size) { (void)size; put16(img + 0x206, 0x0209); }
static void code32_outside(uint8_t *img, size_t *size) { (void)size; put32(img + 0x214, 0x110000); }
static void truncated_in_header(uint8_t *img, size_t *size) { (void)img; *size = 0x207; }
static void truncated_before_header_end(uint8_t *img, size_t *size) { (void)img; *size = 0x260; }
static void bad_jump(uint8_t *img, size_t *size) { (void)size; img[0x201] = 0x10; }
static void jump_not_short(uint8_t *img, size_t *size) { (void)size; img[0x200] = 0xE9; }
static void huge_setup(uint8_t *img, size_t *size) { (void)size; img[0x1F1] = 200; }
static void syssize_lies(uint8_t *img, size_t *size) { (void)size; put32(img + 0x1F4, 0x10000 / 16 + 1); }
static void syssize_zero(uint8_t *img, size_t *size) { (void)size; put32(img + 0x1F4, 0); }
static void zimage(uint8_t *img, size_t *size) { (void)size; img[0x211] = 0; }
static void alignment_not_pow2(uint8_t *img, size_t *size) { (void)size; put32(img + 0x230, 0x300000); }
static void init_size_small(uint8_t *img, size_t *size) { (void)size; put32(img + 0x260, 0x100); }
static void pref_address_low(uint8_t *img, size_t *size) { (void)size; put64(img + 0x258, 0x1000); }

static const struct bad_case bad_cases[] = {
	{ "boot_flag", bad_boot_flag, "bzImage: boot_flag 0x1234 at 0x1fe, expected 0xaa55" },
	{ "HdrS", bad_header, "bzImage: header 0x12345678 at 0x202 is not \"HdrS\" (boot protocol < 2.00)" },
	{ "protocol", old_protocol, "bzImage: boot protocol 2.09 is older than 2.10 (no init_size to place it safely)" },
	{ "code32_start", code32_outside, "bzImage: code32_start 0x110000 is outside the protected-mode part [0x100000, 0x110000)" },
	{ "truncated", truncated_in_header, "bzImage: module of 519 bytes ends inside the setup header" },
	{ "header end", truncated_before_header_end, "bzImage: setup header ends at 0x26c, module has 608 bytes" },
	{ "jump", bad_jump, "bzImage: jump 0xeb 0x10 at 0x200 ends the header at 0x212, outside [0x264, 0x290]" },
	{ "jump opcode", jump_not_short, "bzImage: jump 0xe9 0x6a at 0x200 is not a short jump (0xeb)" },
	{ "setup_sects", huge_setup, "bzImage: setup_sects 200 needs 102912 bytes, module has 68096" },
	{ "syssize", syssize_lies, "bzImage: syssize 4097 (65552 bytes) does not fit the 65536 bytes after the 2560-byte setup" },
	{ "syssize 0", syssize_zero, "bzImage: syssize 0 (0 bytes) does not fit the 65536 bytes after the 2560-byte setup" },
	{ "zImage", zimage, "bzImage: loadflags 0x0 lack LOADED_HIGH (a zImage, not supported)" },
	{ "alignment", alignment_not_pow2, "bzImage: kernel_alignment 0x300000 is not a power of two" },
	{ "init_size", init_size_small, "bzImage: init_size 0x100 is smaller than the protected-mode part 0x10000" },
	{ "pref_address", pref_address_low, "bzImage: pref_address 0x1000 with init_size 0x400000 is not a usable range" },
};

static void each_corruption_has_its_own_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		size_t size;
		uint8_t *img = make_bzimage(0x10000, &size);
		struct cl_error err = { "" };
		bad_cases[i].corrupt(img, &size);
		print_message("case %s\n", bad_cases[i].name);
		/* The protected-mode entries' checks come after the common ones. */
		int rc = bzimage_parse(img, size, &k, &err);
		if (rc == 0)
			rc = bzimage_check_protected(&k, &err);
		assert_int_equal(rc, -1);
		assert_string_equal(err.msg, bad_cases[i].message);
		free(img);
	}
}

/* Older protocols parse for the real-mode entry, with boot.rst's defaults for
 * the fields they lack; only the protected-mode entries refuse them. */
static void old_protocols_parse_with_defaults(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = make_bzimage(0x1000, &size);
	struct cl_error err;
	put16(img + 0x206, 0x0203);  /* memdisk's protocol */
	put32(img + 0x1F4, 0);       /* syssize: untrusted before 2.04 */
	img[0x201] = 0x30;           /* a shorter header, ending at 0x234 */
	assert_int_equal(bzimage_parse(img, size, &k, &err), 0);
	assert_int_equal(k.pm_size, size - k.setup_size);
	assert_int_equal(k.initrd_addr_max, 0x7fffffff); /* 2.03 has the field */
	assert_int_equal(k.cmdline_size, 255);
	assert_int_equal(k.init_size, 0);
	assert_false(k.relocatable);
	assert_int_equal(bzimage_check_protected(&k, &err), -1);
	assert_string_equal(err.msg, "bzImage: boot protocol 2.03 is older than 2.10 (no init_size to place it safely)");
	put16(img + 0x206, 0x0202);
	assert_int_equal(bzimage_parse(img, size, &k, &err), 0);
	assert_int_equal(k.initrd_addr_max, 0x37FFFFFF);
	free(img);
}

static void truncation_at_every_length_fails_cleanly(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = make_bzimage(0x1000, &size);
	struct cl_error err;
	for (size_t n = 0; n < size; n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exact-size copy: ASan catches any over-read */
		memcpy(copy, img, n);
		/* Only the last paragraph's rounding is forgiven (see syssize_may_round_up...). */
		int expect = n > size - SYSSIZE_UNIT ? 0 : -1;
		assert_int_equal(bzimage_parse(copy, n, &k, &err), expect);
		if (expect == 0)
			assert_int_equal(k.pm_offset + k.pm_size, n);
		free(copy);
	}
	assert_int_equal(bzimage_parse(img, size, &k, &err), 0);
	free(img);
}

static void parses_the_real_debian_kernel(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = read_file(getenv("CL_REAL_KERNEL"), &size);
	if (!img)
		fail_msg("CL_REAL_KERNEL (%s) is not readable: run through `make unit-test`", getenv("CL_REAL_KERNEL"));
	struct cl_error err;
	assert_int_equal(bzimage_parse(img, size, &k, &err), 0);
	/* What the design notes measured for Debian 12's amd64 kernel. */
	assert_int_equal(k.version, 0x020F);
	assert_int_equal(k.xloadflags, 0x7f);
	assert_true(k.relocatable);
	assert_int_equal(k.alignment, 0x200000);
	assert_int_equal(k.pref_address, 0x1000000);
	assert_true(k.init_size > 0x3000000 && k.init_size < 0x6000000);
	assert_true(k.setup_size + k.pm_size <= size);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_the_crafted_image),
		cmocka_unit_test(setup_sects_zero_means_four),
		cmocka_unit_test(syssize_may_round_up_the_last_paragraph),
		cmocka_unit_test(entry64_needs_protocol_2_12_and_xlf_kernel_64),
		cmocka_unit_test(each_corruption_has_its_own_message),
		cmocka_unit_test(old_protocols_parse_with_defaults),
		cmocka_unit_test(truncation_at_every_length_fails_cleanly),
		cmocka_unit_test(parses_the_real_debian_kernel),
	};
	return cmocka_run_group_tests_name("bzimage", tests, NULL, NULL);
}
