/* The GOP mode as a linear framebuffer, as Linux's EFI stub reads it (firmware/gop.h). */
#include "firmware/gop.h"

#define BITS_PER_BYTE 8u
#define EFI_8BPC_BPP 32u /* the two fixed formats: 8 bits each of red, green, blue, reserved */

/* Position and size of a contiguous run of set bits (the UEFI spec promises
 * contiguous masks; Linux takes it on trust, we check). A zero mask is size 0. */
static bool mask_field(uint32_t mask, uint8_t *pos, uint8_t *size)
{
	*pos = 0;
	*size = 0;
	if (mask == 0)
		return true;
	unsigned low = (unsigned)__builtin_ctz(mask);
	uint32_t run = mask >> low;
	if (run & (run + 1u)) /* a run of ones plus one is a single bit */
		return false;
	*pos = (uint8_t)low;
	*size = (uint8_t)(32u - (unsigned)__builtin_clz(run));
	return true;
}

static bool masks_disjoint(const struct efi_pixel_bitmask *m)
{
	return !(m->red_mask & m->green_mask) && !(m->red_mask & m->blue_mask) && !(m->green_mask & m->blue_mask) &&
	       !((m->red_mask | m->green_mask | m->blue_mask) & m->reserved_mask);
}

static bool bitmask_fields(const struct efi_pixel_bitmask *m, struct boot_framebuffer *fb)
{
	uint8_t rsvd_pos, rsvd_size;
	if (!m->red_mask || !m->green_mask || !m->blue_mask || !masks_disjoint(m) ||
	    !mask_field(m->red_mask, &fb->red_pos, &fb->red_size) ||
	    !mask_field(m->green_mask, &fb->green_pos, &fb->green_size) ||
	    !mask_field(m->blue_mask, &fb->blue_pos, &fb->blue_size) ||
	    !mask_field(m->reserved_mask, &rsvd_pos, &rsvd_size))
		return false;
	uint32_t all = m->red_mask | m->green_mask | m->blue_mask | m->reserved_mask;
	fb->bpp = (uint8_t)(32u - (unsigned)__builtin_clz(all));
	return true;
}

static void fixed_fields(bool red_first, struct boot_framebuffer *fb)
{
	fb->bpp = EFI_8BPC_BPP;
	fb->red_pos = red_first ? 0 : 16;
	fb->green_pos = 8;
	fb->blue_pos = red_first ? 16 : 0;
	fb->red_size = fb->green_size = fb->blue_size = 8;
}

static bool pixel_fields(const struct efi_gop_mode_info *mi, struct boot_framebuffer *fb)
{
	switch (mi->pixel_format) {
	case EFI_GOP_PIXEL_RGB_RESERVED_8BPC:
		fixed_fields(true, fb);
		return true;
	case EFI_GOP_PIXEL_BGR_RESERVED_8BPC:
		fixed_fields(false, fb);
		return true;
	case EFI_GOP_PIXEL_BIT_MASK:
		return bitmask_fields(&mi->pixel_information, fb);
	default: /* PixelBltOnly, or beyond PixelFormatMax */
		return false;
	}
}

bool gop_mode_to_framebuffer(const struct efi_gop_mode_info *mi, uint64_t fb_base, uint64_t fb_size,
			     struct boot_framebuffer *out)
{
	struct boot_framebuffer fb = { 0 };
	if (!mi->horizontal_resolution || !mi->vertical_resolution ||
	    mi->pixels_per_scan_line < mi->horizontal_resolution || !pixel_fields(mi, &fb))
		return false;
	/* Whole bytes per pixel: Linux's (PixelsPerScanLine * depth) / 8 would cut a 15-bit line short. */
	uint64_t pitch = (uint64_t)mi->pixels_per_scan_line * ((fb.bpp + BITS_PER_BYTE - 1) / BITS_PER_BYTE);
	uint64_t bytes, end;
	if (pitch > UINT32_MAX || __builtin_mul_overflow(pitch, (uint64_t)mi->vertical_resolution, &bytes) ||
	    bytes > fb_size || __builtin_add_overflow(fb_base, bytes, &end))
		return false;
	fb.addr = fb_base;
	fb.pitch = (uint32_t)pitch;
	fb.width = mi->horizontal_resolution;
	fb.height = mi->vertical_resolution;
	*out = fb;
	return true;
}
