/* The VGA text screen GRUB leaves on BIOS: 80x25 at 0xB8000, scrolling. */
#include <stdbool.h>
#include <string.h>

#include "arch.h"
#include "io.h"
#include "x86.h"

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x07          /* light grey on black */
#define VGA_FONT_HEIGHT 16
#define VGA_TEXT_MODE 3
#define CRTC_INDEX 0x3D4
#define CRTC_DATA 0x3D5
#define CRTC_CURSOR_HIGH 0x0E
#define CRTC_CURSOR_LOW 0x0F

static volatile uint16_t *const screen = (volatile uint16_t *)VGA_TEXT_BUFFER;
static unsigned row, col;
static bool disabled;

void vga_disable(void)
{
	disabled = true;
}

static unsigned read_cursor(void)
{
	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	unsigned pos = (unsigned)inb(CRTC_DATA) << 8;
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	return pos | inb(CRTC_DATA);
}

static void write_cursor(void)
{
	unsigned pos = row * VGA_COLS + col;
	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	outb(CRTC_DATA, (uint8_t)(pos >> 8));
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	outb(CRTC_DATA, (uint8_t)pos);
}

void vga_init(void)
{
	unsigned pos = read_cursor(); /* continue below GRUB's text */
	if (pos >= VGA_COLS * VGA_ROWS)
		pos = 0;
	row = pos / VGA_COLS;
	col = 0;
	if (pos % VGA_COLS)
		row++;
}

static void newline(void)
{
	col = 0;
	if (++row < VGA_ROWS)
		return;
	for (unsigned i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		screen[i] = screen[i + VGA_COLS];
	for (unsigned i = 0; i < VGA_COLS; i++)
		screen[(VGA_ROWS - 1) * VGA_COLS + i] = (uint16_t)(VGA_ATTR << 8 | ' ');
	row = VGA_ROWS - 1;
}

void vga_write(const char *s, uint64_t n)
{
	if (disabled)
		return;
	for (uint64_t i = 0; i < n; i++) {
		if (row >= VGA_ROWS)
			newline();
		if (s[i] == '\n') {
			newline();
			continue;
		}
		screen[row * VGA_COLS + col] = (uint16_t)(VGA_ATTR << 8 | (uint8_t)s[i]);
		if (++col == VGA_COLS)
			newline();
	}
	write_cursor();
}

void vga_screen_info(struct screen_info *si)
{
	memset(si, 0, sizeof(*si));
	si->orig_x = (uint8_t)col;
	si->orig_y = (uint8_t)(row < VGA_ROWS ? row : VGA_ROWS - 1);
	si->orig_video_mode = VGA_TEXT_MODE;
	si->orig_video_cols = VGA_COLS;
	si->orig_video_lines = VGA_ROWS;
	si->orig_video_isVGA = VIDEO_TYPE_VGAC;
	si->orig_video_points = VGA_FONT_HEIGHT;
}
