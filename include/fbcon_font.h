/* The framebuffer console's font, generated at build time by scripts/psf2c.py
 * (see arch/x86_64/fbcon.mk): printable ASCII 0x20..0x7E in order, then one
 * fallback glyph for every other byte. Each glyph is `height` rows of
 * `row_bytes` bytes, the most significant bit of a row's first byte leftmost. */
#ifndef CHAINLOADER_FBCON_FONT_H
#define CHAINLOADER_FBCON_FONT_H

#include <stdint.h>

#define FBCON_FONT_FIRST 0x20
#define FBCON_FONT_LAST 0x7E
#define FBCON_FONT_FALLBACK (FBCON_FONT_LAST - FBCON_FONT_FIRST + 1) /* glyph index */

struct fbcon_font {
	uint8_t width;     /* pixels, at most 32 */
	uint8_t height;    /* pixels, at most 64 */
	uint8_t row_bytes; /* (width + 7) / 8 */
	const uint8_t *glyphs;
};

extern const struct fbcon_font fbcon_font;

#endif
