/* The UEFI Graphics Output Protocol's current mode as a linear framebuffer
 * (struct boot_framebuffer, which screen_info_from_framebuffer turns into
 * Linux's screen_info), as Linux's EFI stub reads it
 * (drivers/firmware/efi/libstub/gop.c). Layout: UEFI 2.10, 12.9
 * EFI_GRAPHICS_OUTPUT_MODE_INFORMATION. */
#ifndef CHAINLOADER_GOP_H
#define CHAINLOADER_GOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot_info.h"

/* EFI_GRAPHICS_PIXEL_FORMAT */
#define EFI_GOP_PIXEL_RGB_RESERVED_8BPC 0u /* PixelRedGreenBlueReserved8BitPerColor: byte 0 red */
#define EFI_GOP_PIXEL_BGR_RESERVED_8BPC 1u /* PixelBlueGreenRedReserved8BitPerColor: byte 0 blue */
#define EFI_GOP_PIXEL_BIT_MASK 2u          /* PixelBitMask: the masks say */
#define EFI_GOP_PIXEL_BLT_ONLY 3u          /* PixelBltOnly: no framebuffer */

/* EFI_PIXEL_BITMASK: which bits of a pixel hold each colour (PixelBitMask only). */
struct efi_pixel_bitmask {
	uint32_t red_mask;
	uint32_t green_mask;
	uint32_t blue_mask;
	uint32_t reserved_mask;
};
_Static_assert(sizeof(struct efi_pixel_bitmask) == 16, "EFI_PIXEL_BITMASK");

/* EFI_GRAPHICS_OUTPUT_MODE_INFORMATION */
struct efi_gop_mode_info {
	uint32_t version;
	uint32_t horizontal_resolution; /* pixels */
	uint32_t vertical_resolution;   /* pixels */
	uint32_t pixel_format;          /* EFI_GRAPHICS_PIXEL_FORMAT (a C enum: 4 bytes) */
	struct efi_pixel_bitmask pixel_information;
	uint32_t pixels_per_scan_line;  /* >= horizontal_resolution (padding pixels at the end of a line) */
};
_Static_assert(offsetof(struct efi_gop_mode_info, version) == 0, "Version");
_Static_assert(offsetof(struct efi_gop_mode_info, horizontal_resolution) == 4, "HorizontalResolution");
_Static_assert(offsetof(struct efi_gop_mode_info, vertical_resolution) == 8, "VerticalResolution");
_Static_assert(offsetof(struct efi_gop_mode_info, pixel_format) == 12, "PixelFormat");
_Static_assert(offsetof(struct efi_gop_mode_info, pixel_information) == 16, "PixelInformation");
_Static_assert(offsetof(struct efi_gop_mode_info, pixel_information.red_mask) == 16, "RedMask");
_Static_assert(offsetof(struct efi_gop_mode_info, pixel_information.green_mask) == 20, "GreenMask");
_Static_assert(offsetof(struct efi_gop_mode_info, pixel_information.blue_mask) == 24, "BlueMask");
_Static_assert(offsetof(struct efi_gop_mode_info, pixel_information.reserved_mask) == 28, "ReservedMask");
_Static_assert(offsetof(struct efi_gop_mode_info, pixels_per_scan_line) == 32, "PixelsPerScanLine");
_Static_assert(sizeof(struct efi_gop_mode_info) == 36, "EFI_GRAPHICS_OUTPUT_MODE_INFORMATION");

/* Fills *out from the mode (mi) and EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE's
 * FrameBufferBase and FrameBufferSize. The two 8-bit-per-colour formats are
 * 32 bpp with Linux's positions (red/blue at 0 and 16, green at 8); for
 * PixelBitMask, each colour's position and size come from its mask and bpp
 * is the highest bit any of the four masks uses, plus 1. pitch =
 * PixelsPerScanLine * whole bytes per pixel. False (out untouched) for
 * PixelBltOnly or an unknown format, a zero width, height or
 * PixelsPerScanLine, PixelsPerScanLine below the width, a colour mask that is
 * zero, not contiguous or overlapping another mask, a pitch beyond 32 bits,
 * FrameBufferSize below pitch * height, or a framebuffer wrapping past 2^64. */
bool gop_mode_to_framebuffer(const struct efi_gop_mode_info *mi, uint64_t fb_base, uint64_t fb_size,
			     struct boot_framebuffer *out);

#endif
