/* A text console on the linear framebuffer GRUB may leave (multiboot2 tag 8),
 * where the VGA text screen is not visible: light grey on black, white on red
 * for errors, the font of include/fbcon_font.h (generated at build time).
 *
 * What is on the screen is kept in `cells` (one byte per character cell), so
 * the framebuffer is only ever written, never read (reading video memory is
 * very slow on real hardware), and a cell is redrawn only when its content
 * changes: scrolling shifts `cells` up one row and redraws the differences.
 * Every pixel write goes through a volatile pointer into
 * [addr, addr + pitch * height), and text stays inside the visible width. */
#include <stdbool.h>
#include <stdint.h>

#include "arch.h"
#include "boot_info.h"
#include "fbcon_font.h"
#include "x86.h"

/* The framebuffer must lie below this: start32.S identity-maps [0, 4 GiB).
 * The host tests, drawing into malloc'ed memory, lift it. */
#ifndef FBCON_ADDR_LIMIT
#define FBCON_ADDR_LIMIT ((uint64_t)BOOT_MAPPED_GIB << 30)
#endif

#define MAX_COLS FBCON_MAX_COLS
#define MAX_ROWS FBCON_MAX_ROWS

/* A cell: the character (0x20..0x7E, or CELL_FALLBACK for any other byte),
 * plus CELL_ERROR when drawn in the error colours. */
#define CELL_FALLBACK 0x7F
#define CELL_ERROR 0x80
#define CELL_BLANK ' '

struct rgb {
	uint8_t r, g, b;
};
static const struct rgb normal_fg = { 0xAA, 0xAA, 0xAA }, normal_bg = { 0, 0, 0 };
static const struct rgb error_fg = { 0xFF, 0xFF, 0xFF }, error_bg = { 0xAA, 0, 0 };

static struct {
	bool on;
	bool error; /* new text in the error colours */
	volatile uint8_t *base;
	uint32_t pitch;
	unsigned bytes_pp;
	unsigned scale;                     /* each glyph pixel is scale x scale pixels */
	unsigned cell_w, cell_h;            /* pixels */
	unsigned cols, rows;                /* cells */
	unsigned row, col;                  /* where the next character goes; col may be cols (wrap pending) */
	uint32_t fg, bg, err_fg, err_bg;    /* pixel values */
} con;

static uint8_t *cells; /* the caller's FBCON_MAX_CELLS bytes */

static uint32_t channel(uint8_t v, uint8_t pos, uint8_t size)
{
	uint64_t max = (1ull << size) - 1;
	return (uint32_t)(((v * max + 127) / 255) << pos);
}

static uint32_t pixel(const struct boot_framebuffer *fb, struct rgb c)
{
	return channel(c.r, fb->red_pos, fb->red_size) | channel(c.g, fb->green_pos, fb->green_size) |
	       channel(c.b, fb->blue_pos, fb->blue_size);
}

static bool field_ok(uint8_t pos, uint8_t size, uint8_t bpp)
{
	return size >= 1 && size <= 16 && pos + size <= bpp;
}

/* One glyph row: `bits` holds the row's pixels from bit 31 (leftmost) down. */
static void draw_row(volatile uint8_t *p, uint32_t bits, uint32_t fg, uint32_t bg)
{
	unsigned w = fbcon_font.width, s = con.scale;
	switch (con.bytes_pp) {
	case 4: {
		volatile uint32_t *q = (volatile uint32_t *)p;
		for (unsigned x = 0; x < w; x++, bits <<= 1)
			for (unsigned i = 0; i < s; i++)
				*q++ = (bits & 0x80000000u) ? fg : bg;
		break;
	}
	case 3:
		for (unsigned x = 0; x < w; x++, bits <<= 1) {
			uint32_t v = (bits & 0x80000000u) ? fg : bg;
			for (unsigned i = 0; i < s; i++, p += 3) {
				p[0] = (uint8_t)v;
				p[1] = (uint8_t)(v >> 8);
				p[2] = (uint8_t)(v >> 16);
			}
		}
		break;
	default: {
		volatile uint16_t *q = (volatile uint16_t *)p;
		for (unsigned x = 0; x < w; x++, bits <<= 1)
			for (unsigned i = 0; i < s; i++)
				*q++ = (uint16_t)((bits & 0x80000000u) ? fg : bg);
		break;
	}
	}
}

static void draw_cell(unsigned row, unsigned col, uint8_t cell)
{
	unsigned ch = cell & ~CELL_ERROR & 0xFF;
	unsigned glyph = ch >= FBCON_FONT_FIRST && ch <= FBCON_FONT_LAST ? ch - FBCON_FONT_FIRST : FBCON_FONT_FALLBACK;
	unsigned rb = fbcon_font.row_bytes;
	const uint8_t *g = fbcon_font.glyphs + (uint64_t)glyph * fbcon_font.height * rb;
	uint32_t fg = (cell & CELL_ERROR) ? con.err_fg : con.fg;
	uint32_t bg = (cell & CELL_ERROR) ? con.err_bg : con.bg;
	volatile uint8_t *line = con.base + (uint64_t)row * con.cell_h * con.pitch +
				 (uint64_t)col * con.cell_w * con.bytes_pp;
	for (unsigned y = 0; y < fbcon_font.height; y++, g += rb) {
		uint32_t bits = 0;
		for (unsigned i = 0; i < 4; i++)
			bits = bits << 8 | (i < rb ? g[i] : 0);
		for (unsigned i = 0; i < con.scale; i++, line += con.pitch)
			draw_row(line, bits, fg, bg);
	}
}

static void put_cell(unsigned row, unsigned col, uint8_t cell)
{
	uint8_t *c = &cells[row * con.cols + col];
	if (*c == cell)
		return;
	*c = cell;
	draw_cell(row, col, cell);
}

static void scroll(void)
{
	for (unsigned r = 0; r + 1 < con.rows; r++)
		for (unsigned c = 0; c < con.cols; c++)
			put_cell(r, c, cells[(r + 1) * con.cols + c]);
	for (unsigned c = 0; c < con.cols; c++)
		put_cell(con.rows - 1, c, CELL_BLANK);
}

static void newline(void)
{
	con.col = 0;
	if (++con.row < con.rows)
		return;
	scroll();
	con.row = con.rows - 1;
}

void fbcon_init(const struct boot_framebuffer *fb, uint8_t *cell_store)
{
	con.on = false;
	if (!fb || !cell_store)
		return;
	unsigned bytes_pp;
	switch (fb->bpp) {
	case 32: bytes_pp = 4; break;
	case 24: bytes_pp = 3; break;
	case 16:
	case 15: bytes_pp = 2; break;
	default: return;
	}
	if (!field_ok(fb->red_pos, fb->red_size, fb->bpp) || !field_ok(fb->green_pos, fb->green_size, fb->bpp) ||
	    !field_ok(fb->blue_pos, fb->blue_size, fb->bpp))
		return;
	uint64_t width = fb->width;
	if (width > fb->pitch / bytes_pp)
		width = fb->pitch / bytes_pp; /* never past the end of a scan line */
	uint64_t size = (uint64_t)fb->pitch * fb->height;
	if (fb->addr == 0 || fb->addr > FBCON_ADDR_LIMIT || size > FBCON_ADDR_LIMIT - fb->addr)
		return;
	unsigned fw = fbcon_font.width, fh = fbcon_font.height;
	if (fw == 0 || fh == 0 || fw > 32 || width < fw || fb->height < fh)
		return;
	/* The smallest scale giving at most MAX_COLS x MAX_ROWS cells. */
	uint64_t scale = width / ((MAX_COLS + 1) * fw) + 1, scale_y = fb->height / ((MAX_ROWS + 1) * fh) + 1;
	if (scale < scale_y)
		scale = scale_y;
	if (width / (fw * scale) == 0 || fb->height / (fh * scale) == 0)
		return;

	con.base = (volatile uint8_t *)(uintptr_t)fb->addr;
	con.pitch = fb->pitch;
	con.bytes_pp = bytes_pp;
	con.scale = (unsigned)scale;
	con.cell_w = fw * con.scale;
	con.cell_h = fh * con.scale;
	con.cols = (unsigned)(width / con.cell_w);
	con.rows = fb->height / con.cell_h;
	con.row = con.col = 0;
	con.error = false;
	con.fg = pixel(fb, normal_fg);
	con.bg = pixel(fb, normal_bg);
	con.err_fg = pixel(fb, error_fg);
	con.err_bg = pixel(fb, error_bg);

	/* Start from a black screen (whatever GRUB drew), which `cells` then
	 * describes. Black is pixel value 0 in every format. */
	if (fb->addr % 4 == 0 && size % 4 == 0) {
		volatile uint32_t *p = (volatile uint32_t *)con.base;
		for (uint64_t i = 0; i < size / 4; i++)
			p[i] = 0;
	} else {
		for (uint64_t i = 0; i < size; i++)
			con.base[i] = 0;
	}
	cells = cell_store;
	for (unsigned i = 0; i < con.rows * con.cols; i++)
		cells[i] = CELL_BLANK;
	con.on = true;
}

void fbcon_set_error_colour(bool on)
{
	con.error = on;
}

void fbcon_write(const char *s, uint64_t n)
{
	if (!con.on)
		return;
	for (uint64_t i = 0; i < n; i++) {
		uint8_t ch = (uint8_t)s[i];
		if (ch == '\n') {
			newline();
			continue;
		}
		if (con.col == con.cols)
			newline(); /* wrap only when more text follows */
		uint8_t cell = ch >= FBCON_FONT_FIRST && ch <= FBCON_FONT_LAST ? ch : CELL_FALLBACK;
		put_cell(con.row, con.col++, (uint8_t)(cell | (con.error ? CELL_ERROR : 0)));
	}
}
