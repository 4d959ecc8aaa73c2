#include "cmocka_all.h"

#include <string.h>

#include "firmware/gop.h"
#include "firmware/tables.h"

#define FB_BASE 0x80000000ull

/* A mode as OVMF's QEMU video driver reports it: 1280x800, BGRX. */
static struct efi_gop_mode_info mode(uint32_t format, uint32_t r, uint32_t g, uint32_t b, uint32_t x)
{
	return (struct efi_gop_mode_info){ 0, 1280, 800, format, { r, g, b, x }, 1280 };
}

static void expect_fields(const struct boot_framebuffer *fb, uint8_t bpp, uint8_t rp, uint8_t rs, uint8_t gp,
			  uint8_t gs, uint8_t bp, uint8_t bs)
{
	assert_int_equal(fb->bpp, bpp);
	assert_int_equal(fb->red_pos, rp);
	assert_int_equal(fb->red_size, rs);
	assert_int_equal(fb->green_pos, gp);
	assert_int_equal(fb->green_size, gs);
	assert_int_equal(fb->blue_pos, bp);
	assert_int_equal(fb->blue_size, bs);
}

static void eight_bit_formats_as_linux_reads_them(void **state)
{
	(void)state;
	struct boot_framebuffer fb;
	/* The masks are ignored for these two (the spec defines them for PixelBitMask only). */
	struct efi_gop_mode_info mi = mode(EFI_GOP_PIXEL_BGR_RESERVED_8BPC, 0xdead, 0xbeef, 1, 2);
	mi.pixels_per_scan_line = 1344; /* padded lines */
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1344 * 4 * 800, &fb));
	assert_int_equal(fb.addr, FB_BASE);
	assert_int_equal(fb.width, 1280);
	assert_int_equal(fb.height, 800);
	assert_int_equal(fb.pitch, 1344 * 4);
	expect_fields(&fb, 32, 16, 8, 8, 8, 0, 8);
	mi.pixel_format = EFI_GOP_PIXEL_RGB_RESERVED_8BPC;
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1344 * 4 * 800, &fb));
	expect_fields(&fb, 32, 0, 8, 8, 8, 16, 8);
	/* Then as screen_info: the reserved byte on top, as Linux's stub sets rsvd_pos 24, size 8. */
	struct screen_info si;
	assert_true(screen_info_from_framebuffer(&si, &fb, true));
	assert_int_equal(si.lfb_depth, 32);
	assert_int_equal(si.lfb_linelength, 1344 * 4);
	assert_int_equal(si.lfb_size, 1344 * 4 * 800);
	assert_int_equal(si.rsvd_pos, 24);
	assert_int_equal(si.rsvd_size, 8);
}

static void bitmask_formats(void **state)
{
	(void)state;
	struct boot_framebuffer fb;
	struct efi_gop_mode_info mi;
	/* xRGB 8888 spelled as masks. */
	mi = mode(EFI_GOP_PIXEL_BIT_MASK, 0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000);
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 4 * 800, &fb));
	expect_fields(&fb, 32, 16, 8, 8, 8, 0, 8);
	assert_int_equal(fb.pitch, 1280 * 4);
	/* RGB 565: 16 bpp, 2 bytes a pixel. */
	mi = mode(EFI_GOP_PIXEL_BIT_MASK, 0xf800, 0x07e0, 0x001f, 0);
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 2 * 800, &fb));
	expect_fields(&fb, 16, 11, 5, 5, 6, 0, 5);
	assert_int_equal(fb.pitch, 2560);
	/* xRGB 1555 with the top bit reserved: 16 bpp. */
	mi = mode(EFI_GOP_PIXEL_BIT_MASK, 0x7c00, 0x03e0, 0x001f, 0x8000);
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 2 * 800, &fb));
	expect_fields(&fb, 16, 10, 5, 5, 5, 0, 5);
	/* RGB 555 without a reserved mask: 15 bpp, still 2 whole bytes a pixel
	 * (Linux's (1280 * 15) / 8 = 2400 would be short of the real 2560). */
	mi = mode(EFI_GOP_PIXEL_BIT_MASK, 0x7c00, 0x03e0, 0x001f, 0);
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 2 * 800, &fb));
	expect_fields(&fb, 15, 10, 5, 5, 5, 0, 5);
	assert_int_equal(fb.pitch, 2560);
	/* Packed 24-bit BGR: 3 bytes a pixel. */
	mi = mode(EFI_GOP_PIXEL_BIT_MASK, 0xff0000, 0x00ff00, 0x0000ff, 0);
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 3 * 800, &fb));
	expect_fields(&fb, 24, 16, 8, 8, 8, 0, 8);
	assert_int_equal(fb.pitch, 3840);
	/* RGBx: reserved at the bottom, colours above it. */
	mi = mode(EFI_GOP_PIXEL_BIT_MASK, 0xff000000, 0x00ff0000, 0x0000ff00, 0x000000ff);
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 4 * 800, &fb));
	expect_fields(&fb, 32, 24, 8, 16, 8, 8, 8);
	/* 10-bit colour, 2 reserved bits on top. */
	mi = mode(EFI_GOP_PIXEL_BIT_MASK, 0x3ff00000, 0x000ffc00, 0x000003ff, 0xc0000000);
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 4 * 800, &fb));
	expect_fields(&fb, 32, 20, 10, 10, 10, 0, 10);
	/* 30-bit colour without reserved bits: 30 bpp, 4 bytes a pixel. */
	mi.pixel_information.reserved_mask = 0;
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 4 * 800, &fb));
	assert_int_equal(fb.bpp, 30);
	assert_int_equal(fb.pitch, 5120);
	/* 8-bit 332. */
	mi = mode(EFI_GOP_PIXEL_BIT_MASK, 0xe0, 0x1c, 0x03, 0);
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 800, &fb));
	expect_fields(&fb, 8, 5, 3, 2, 3, 0, 2);
	assert_int_equal(fb.pitch, 1280);
	/* One colour spanning the top bit. */
	mi = mode(EFI_GOP_PIXEL_BIT_MASK, 0xffff0000, 0x0000ff00, 0x000000ff, 0);
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, 1280 * 4 * 800, &fb));
	expect_fields(&fb, 32, 16, 16, 8, 8, 0, 8);
}

static void refused_modes(void **state)
{
	(void)state;
	struct boot_framebuffer fb, untouched;
	memset(&fb, 0x5a, sizeof(fb));
	untouched = fb;
	const uint64_t size = 1280 * 4 * 800;
	struct efi_gop_mode_info mi = mode(EFI_GOP_PIXEL_BLT_ONLY, 0, 0, 0, 0);
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, size, &fb));
	mi.pixel_format = 4; /* PixelFormatMax */
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, size, &fb));
	mi.pixel_format = 0xffffffff;
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, size, &fb));
	/* Zero sizes, and lines shorter than the width. */
	mi = mode(EFI_GOP_PIXEL_BGR_RESERVED_8BPC, 0, 0, 0, 0);
	mi.horizontal_resolution = 0;
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, size, &fb));
	mi = mode(EFI_GOP_PIXEL_BGR_RESERVED_8BPC, 0, 0, 0, 0);
	mi.vertical_resolution = 0;
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, size, &fb));
	mi = mode(EFI_GOP_PIXEL_BGR_RESERVED_8BPC, 0, 0, 0, 0);
	mi.pixels_per_scan_line = 0;
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, size, &fb));
	mi.pixels_per_scan_line = 1279;
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, size, &fb));
	/* FrameBufferSize: exactly pitch * height is enough, one byte less is not. */
	mi.pixels_per_scan_line = 1280;
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, size - 1, &fb));
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, 0, &fb));
	assert_memory_equal(&fb, &untouched, sizeof(fb));
	assert_true(gop_mode_to_framebuffer(&mi, FB_BASE, size, &fb));
	/* A pitch beyond 32 bits, and a product beyond 64. */
	mi.pixels_per_scan_line = 0x40000000; /* * 4 = 2^32 */
	assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, UINT64_MAX, &fb));
	mi.pixels_per_scan_line = 0x3fffffff;
	mi.vertical_resolution = 0xffffffff;
	assert_true(gop_mode_to_framebuffer(&mi, 0, UINT64_MAX, &fb)); /* 0xfffffffc * 0xffffffff fits */
	assert_int_equal(fb.pitch, 0xfffffffc);
	/* Wrapping past 2^64, and a 64-bit base that does not wrap. */
	mi = mode(EFI_GOP_PIXEL_BGR_RESERVED_8BPC, 0, 0, 0, 0);
	assert_false(gop_mode_to_framebuffer(&mi, UINT64_MAX - size + 2, size, &fb));
	assert_true(gop_mode_to_framebuffer(&mi, 0x4000000000ull, size, &fb));
	assert_int_equal(fb.addr, 0x4000000000ull);
	/* Masks: a zero colour, gaps, overlaps, a reserved mask with a gap. */
	memset(&fb, 0x5a, sizeof(fb));
	const uint32_t bad[][4] = {
		{ 0, 0x00ff00, 0x0000ff, 0 },             /* no red */
		{ 0xff0000, 0, 0x0000ff, 0 },             /* no green */
		{ 0xff0000, 0x00ff00, 0, 0 },             /* no blue */
		{ 0xf70000, 0x00ff00, 0x0000ff, 0 },      /* red with a hole */
		{ 0xff0000, 0x00ff00, 0x000081, 0 },      /* blue in two pieces */
		{ 0xff0000, 0x01ff00, 0x0000ff, 0 },      /* green over red */
		{ 0xff0000, 0x00ff00, 0x0001ff, 0 },      /* blue over green */
		{ 0xff0000, 0x00ff00, 0x0000ff, 0xff000080 }, /* reserved over blue */
		{ 0xff0000, 0x00ff00, 0x0000ff, 0xf0f00000 }, /* reserved with a hole */
		{ 0x80000001, 0x00ff00, 0x0000fe, 0 },    /* red wrapping around */
		{ 0xffffffff, 0x00ff00, 0x0000ff, 0 },    /* red over everything */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mi = mode(EFI_GOP_PIXEL_BIT_MASK, bad[i][0], bad[i][1], bad[i][2], bad[i][3]);
		print_message("masks %zu\n", i);
		assert_false(gop_mode_to_framebuffer(&mi, FB_BASE, size, &fb));
	}
	assert_memory_equal(&fb, &untouched, sizeof(fb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eight_bit_formats_as_linux_reads_them),
		cmocka_unit_test(bitmask_formats),
		cmocka_unit_test(refused_modes),
	};
	return cmocka_run_group_tests_name("gop", tests, NULL, NULL);
}
