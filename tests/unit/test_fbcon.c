/* The framebuffer console drawing into malloc'ed fake framebuffers (under
 * ASan, every buffer is exactly pitch * height bytes, so a write outside it
 * fails the test), with the generated font. */
#include "cmocka_all.h"

#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "boot_info.h"
#include "fbcon_font.h"

/* The console's memory of the screen, as the loader gives it from its workspace. */
static uint8_t cell_store[FBCON_MAX_CELLS];

#define GUARD 64 /* bytes around the framebuffer that must stay untouched */
#define GUARD_BYTE 0x5A

struct fake {
	uint8_t *mem; /* GUARD, then the framebuffer, then GUARD */
	struct boot_framebuffer fb;
};

static struct fake fake_new(uint8_t bpp, uint32_t width, uint32_t height, uint32_t pitch)
{
	struct fake f;
	memset(&f, 0, sizeof(f));
	size_t size = (size_t)pitch * height;
	f.mem = malloc(size + 2 * GUARD);
	assert_non_null(f.mem);
	memset(f.mem, GUARD_BYTE, size + 2 * GUARD);
	f.fb.addr = (uintptr_t)(f.mem + GUARD);
	f.fb.pitch = pitch;
	f.fb.width = width;
	f.fb.height = height;
	f.fb.bpp = bpp;
	switch (bpp) {
	case 32:
	case 24: /* x8r8g8b8 / r8g8b8, as GRUB reports QEMU's and most GOPs */
		f.fb.red_pos = 16, f.fb.red_size = 8;
		f.fb.green_pos = 8, f.fb.green_size = 8;
		f.fb.blue_pos = 0, f.fb.blue_size = 8;
		break;
	case 16: /* 5:6:5 */
		f.fb.red_pos = 11, f.fb.red_size = 5;
		f.fb.green_pos = 5, f.fb.green_size = 6;
		f.fb.blue_pos = 0, f.fb.blue_size = 5;
		break;
	default: /* 15: 5:5:5 */
		f.fb.red_pos = 10, f.fb.red_size = 5;
		f.fb.green_pos = 5, f.fb.green_size = 5;
		f.fb.blue_pos = 0, f.fb.blue_size = 5;
		break;
	}
	return f;
}

static void fake_free(struct fake *f)
{
	size_t size = (size_t)f->fb.pitch * f->fb.height;
	for (size_t i = 0; i < GUARD; i++) {
		assert_int_equal(f->mem[i], GUARD_BYTE);
		assert_int_equal(f->mem[GUARD + size + i], GUARD_BYTE);
	}
	free(f->mem);
}

static unsigned bytes_pp(const struct fake *f)
{
	return (f->fb.bpp + 7) / 8;
}

static uint32_t get_pixel(const struct fake *f, unsigned x, unsigned y)
{
	const uint8_t *p = f->mem + GUARD + (size_t)y * f->fb.pitch + (size_t)x * bytes_pp(f);
	uint32_t v = 0;
	for (unsigned i = bytes_pp(f); i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static int font_bit(unsigned ch, unsigned x, unsigned y)
{
	unsigned glyph = ch >= FBCON_FONT_FIRST && ch <= FBCON_FONT_LAST ? ch - FBCON_FONT_FIRST : FBCON_FONT_FALLBACK;
	const uint8_t *row = fbcon_font.glyphs + ((size_t)glyph * fbcon_font.height + y) * fbcon_font.row_bytes;
	return (row[x / 8] >> (7 - x % 8)) & 1;
}

/* Asserts that character cell (row, col) shows `ch` in fg on bg, at `scale`. */
static void assert_cell(const struct fake *f, unsigned row, unsigned col, unsigned ch, uint32_t fg, uint32_t bg,
			unsigned scale)
{
	unsigned w = fbcon_font.width * scale, h = fbcon_font.height * scale;
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++) {
			uint32_t want = font_bit(ch, x / scale, y / scale) ? fg : bg;
			uint32_t got = get_pixel(f, col * w + x, row * h + y);
			if (got != want)
				fail_msg("cell (%u, %u) '%c' pixel (%u, %u): 0x%x, expected 0x%x", row, col, ch, x, y, got,
					 want);
		}
}

static void write_str(const char *s)
{
	fbcon_write(s, strlen(s));
}

#define GREY32 0x00AAAAAAu
#define WHITE32 0x00FFFFFFu
#define RED32 0x00AA0000u
/* 0xAA scaled to 5 and 6 bits, rounded: 21 and 42. */
#define GREY565 (21u << 11 | 42u << 5 | 21u)
#define GREY555 (21u << 10 | 21u << 5 | 21u)
#define WHITE565 0xFFFFu
#define RED565 (21u << 11)

static void glyph_lands_at_the_right_pixels_32bpp(void **state)
{
	(void)state;
	/* A pitch wider than the visible line: the padding is not text. */
	struct fake f = fake_new(32, 100, 50, 100 * 4 + 24);
	fbcon_init(&f.fb, cell_store);
	for (unsigned y = 0; y < f.fb.height; y++)
		for (unsigned x = 0; x < f.fb.pitch / 4; x++)
			assert_int_equal(get_pixel(&f, x, y), 0); /* cleared */
	write_str("Ab");
	assert_cell(&f, 0, 0, 'A', GREY32, 0, 1);
	assert_cell(&f, 0, 1, 'b', GREY32, 0, 1);
	assert_cell(&f, 0, 2, ' ', GREY32, 0, 1);
	/* 'A' has lit pixels at all, and they are where the font says. */
	unsigned lit = 0;
	for (unsigned y = 0; y < fbcon_font.height; y++)
		for (unsigned x = 0; x < fbcon_font.width; x++)
			lit += get_pixel(&f, x, y) == GREY32;
	assert_true(lit > 10);
	fake_free(&f);
}

static void glyph_in_565_555_and_24bpp(void **state)
{
	(void)state;
	struct fake f = fake_new(16, 64, 32, 128);
	fbcon_init(&f.fb, cell_store);
	write_str("x#");
	assert_cell(&f, 0, 0, 'x', GREY565, 0, 1);
	assert_cell(&f, 0, 1, '#', GREY565, 0, 1);
	fake_free(&f);

	f = fake_new(15, 64, 32, 130); /* odd pitch */
	fbcon_init(&f.fb, cell_store);
	write_str("Q");
	assert_cell(&f, 0, 0, 'Q', GREY555, 0, 1);
	fake_free(&f);

	f = fake_new(24, 64, 32, 64 * 3 + 1); /* unaligned: byte-wise clear */
	fbcon_init(&f.fb, cell_store);
	write_str("\nzW");
	assert_cell(&f, 1, 0, 'z', GREY32, 0, 1);
	assert_cell(&f, 1, 1, 'W', GREY32, 0, 1);
	fake_free(&f);

	/* Blue-green-red order, as some GOPs report. */
	f = fake_new(32, 64, 32, 256);
	f.fb.red_pos = 0, f.fb.blue_pos = 16;
	fbcon_init(&f.fb, cell_store);
	fbcon_set_error_colour(true);
	write_str("R");
	fbcon_set_error_colour(false);
	assert_cell(&f, 0, 0, 'R', WHITE32, 0x0000AAu, 1);
	fake_free(&f);
}

static void error_colour_is_white_on_red(void **state)
{
	(void)state;
	struct fake f = fake_new(16, 64, 32, 128);
	fbcon_init(&f.fb, cell_store);
	write_str("a");
	fbcon_set_error_colour(true);
	write_str("E ");
	fbcon_set_error_colour(false);
	write_str("n");
	assert_cell(&f, 0, 0, 'a', GREY565, 0, 1);
	assert_cell(&f, 0, 1, 'E', WHITE565, RED565, 1);
	assert_cell(&f, 0, 2, ' ', WHITE565, RED565, 1); /* a red blank */
	assert_cell(&f, 0, 3, 'n', GREY565, 0, 1);
	fake_free(&f);
}

static void other_bytes_get_the_fallback_glyph(void **state)
{
	(void)state;
	struct fake f = fake_new(32, 64, 16, 256);
	fbcon_init(&f.fb, cell_store);
	fbcon_write("\t\xff\x7f", 3);
	for (unsigned c = 0; c < 3; c++)
		assert_cell(&f, 0, c, 0x100 /* any non-ASCII: fallback */, GREY32, 0, 1);
	fake_free(&f);
}

static void wraps_at_the_right_edge(void **state)
{
	(void)state;
	/* 8 columns (plus 5 pixels that hold no whole cell), 3 rows. */
	struct fake f = fake_new(32, 8 * 8 + 5, 3 * 16 + 7, (8 * 8 + 5) * 4);
	fbcon_init(&f.fb, cell_store);
	write_str("abcdefghij");
	assert_cell(&f, 0, 7, 'h', GREY32, 0, 1);
	assert_cell(&f, 1, 0, 'i', GREY32, 0, 1);
	assert_cell(&f, 1, 1, 'j', GREY32, 0, 1);
	/* A full line then '\n' does not leave an empty line. */
	write_str("\n12345678\nZ");
	/* ...and scrolls once the last row is passed. */
	assert_cell(&f, 1, 0, '1', GREY32, 0, 1);
	assert_cell(&f, 1, 7, '8', GREY32, 0, 1);
	assert_cell(&f, 2, 0, 'Z', GREY32, 0, 1);
	assert_cell(&f, 0, 0, 'i', GREY32, 0, 1);
	/* The leftover pixels right and below stay black. */
	for (unsigned y = 0; y < f.fb.height; y++)
		for (unsigned x = 64; x < f.fb.width; x++)
			assert_int_equal(get_pixel(&f, x, y), 0);
	for (unsigned y = 48; y < f.fb.height; y++)
		for (unsigned x = 0; x < f.fb.width; x++)
			assert_int_equal(get_pixel(&f, x, y), 0);
	fake_free(&f);
}

static void scrolling_moves_the_text_up(void **state)
{
	(void)state;
	struct fake f = fake_new(16, 4 * 8, 4 * 16, 4 * 8 * 2); /* 4x4 cells */
	fbcon_init(&f.fb, cell_store);
	write_str("0000\n1111\n2222\n3");
	fbcon_set_error_colour(true);
	write_str("E");
	fbcon_set_error_colour(false);
	assert_cell(&f, 0, 0, '0', GREY565, 0, 1);
	write_str("\n4");
	assert_cell(&f, 0, 0, '1', GREY565, 0, 1);
	assert_cell(&f, 0, 3, '1', GREY565, 0, 1);
	assert_cell(&f, 1, 0, '2', GREY565, 0, 1);
	assert_cell(&f, 2, 0, '3', GREY565, 0, 1);
	assert_cell(&f, 2, 1, 'E', WHITE565, RED565, 1);
	assert_cell(&f, 2, 2, ' ', GREY565, 0, 1);
	assert_cell(&f, 3, 0, '4', GREY565, 0, 1);
	assert_cell(&f, 3, 1, ' ', GREY565, 0, 1);
	/* Many more lines: only the last four remain, in order. */
	for (int i = 'a'; i <= 'z'; i++) {
		char c = (char)i;
		char line[3] = { '\n', c, c };
		fbcon_write(line, 3);
	}
	assert_cell(&f, 0, 0, 'w', GREY565, 0, 1);
	assert_cell(&f, 3, 1, 'z', GREY565, 0, 1);
	assert_cell(&f, 3, 2, ' ', GREY565, 0, 1);
	fake_free(&f);
}

static void a_large_screen_gets_scaled_glyphs(void **state)
{
	(void)state;
	struct fake f = fake_new(32, 3840, 2160, 3840 * 4);
	fbcon_init(&f.fb, cell_store);
	write_str("Hi");
	assert_cell(&f, 0, 0, 'H', GREY32, 0, 2);
	assert_cell(&f, 0, 1, 'i', GREY32, 0, 2);
	/* 3840 / 16 = 240 columns: the 241st character starts row 1. */
	for (unsigned i = 2; i < 241; i++)
		write_str("-");
	assert_cell(&f, 0, 239, '-', GREY32, 0, 2);
	assert_cell(&f, 1, 0, '-', GREY32, 0, 2);
	fake_free(&f);
}

static void width_beyond_the_pitch_is_clamped(void **state)
{
	(void)state;
	/* The width claims 64 pixels, a scan line holds 20: 2 columns. */
	struct fake f = fake_new(32, 64, 16, 20 * 4);
	fbcon_init(&f.fb, cell_store);
	write_str("abc");
	assert_cell(&f, 0, 0, 'c', GREY32, 0, 1); /* one row: scrolled */
	assert_cell(&f, 0, 1, ' ', GREY32, 0, 1);
	fake_free(&f);
}

/* The buffer keeps its pattern: init and write touched nothing. */
#define assert_untouched(f) (print_message("case line %d\n", __LINE__), assert_untouched_(f))
static void assert_untouched_(struct fake *f)
{
	fbcon_init(&f->fb, cell_store);
	write_str("hello\nworld\n");
	fbcon_set_error_colour(true);
	write_str("error\n");
	fbcon_set_error_colour(false);
	size_t size = (size_t)f->fb.pitch * f->fb.height;
	for (size_t i = 0; i < size; i++)
		assert_int_equal(f->mem[GUARD + i], GUARD_BYTE);
	fake_free(f);
}

static void unsupported_framebuffers_are_a_no_op(void **state)
{
	(void)state;
	static const uint8_t bad_bpp[] = { 0, 1, 4, 8, 12, 31, 33, 64, 255 };
	for (size_t i = 0; i < sizeof(bad_bpp); i++) {
		/* A working console first: a bad one must turn it off. */
		struct fake good = fake_new(32, 64, 32, 256);
		fbcon_init(&good.fb, cell_store);
		fake_free(&good);
		struct fake f = fake_new(32, 64, 32, 256);
		f.fb.bpp = bad_bpp[i];
		assert_untouched(&f);
	}
	struct fake f = fake_new(16, 64, 32, 128);
	f.fb.green_size = 12; /* 5 + 12 > 16 */
	assert_untouched(&f);
	f = fake_new(32, 64, 32, 256);
	f.fb.red_size = 0;
	assert_untouched(&f);
	f = fake_new(32, 64, 32, 256);
	f.fb.blue_pos = 30; /* 30 + 8 > 32 */
	assert_untouched(&f);
	f = fake_new(32, 7, 32, 256); /* narrower than a glyph */
	assert_untouched(&f);
	f = fake_new(32, 64, 15, 256); /* lower than a glyph */
	assert_untouched(&f);
	f = fake_new(32, 64, 32, 28); /* a scan line shorter than a glyph */
	assert_untouched(&f);
	f = fake_new(32, 64, 32, 256);
	f.fb.addr = 0;
	fbcon_init(&f.fb, cell_store);
	write_str("no crash");
	fake_free(&f);
	fbcon_init(NULL, cell_store);
	write_str("no crash either");
	f = fake_new(32, 64, 32, 256);
	f.fb.addr = UINT64_MAX - 100; /* the end would wrap around */
	fbcon_init(&f.fb, cell_store);
	write_str("x");
	fake_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(glyph_lands_at_the_right_pixels_32bpp),
		cmocka_unit_test(glyph_in_565_555_and_24bpp),
		cmocka_unit_test(error_colour_is_white_on_red),
		cmocka_unit_test(other_bytes_get_the_fallback_glyph),
		cmocka_unit_test(wraps_at_the_right_edge),
		cmocka_unit_test(scrolling_moves_the_text_up),
		cmocka_unit_test(a_large_screen_gets_scaled_glyphs),
		cmocka_unit_test(width_beyond_the_pitch_is_clamped),
		cmocka_unit_test(unsupported_framebuffers_are_a_no_op),
	};
	return cmocka_run_group_tests_name("fbcon", tests, NULL, NULL);
}
