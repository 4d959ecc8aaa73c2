/* chainloader.efi's command line, as GRUB's `linux` passes it:
 *   BOOT_IMAGE=/boot/chainloader.efi [loader options] -- <kernel command line>
 * GRUB puts BOOT_IMAGE= (the image's path) first; the loader's options come
 * before a lone "--" and the kernel's command line after it, verbatim (GRUB's
 * re-quoting of arguments that hold spaces included). The kernel sees no
 * BOOT_IMAGE= but one written after "--". Pure C: host-tested and fuzzed. */
#ifndef CHAINLOADER_STUB_CMDLINE_H
#define CHAINLOADER_STUB_CMDLINE_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

/* The longest command line chainloader.efi takes, its NUL included (the
 * setup header's cmdline_size + 1, scripts/mkefi.py). */
#define STUB_CMDLINE_MAX 4096u

struct stub_cmdline {
	const char *boot_image; /* GRUB's BOOT_IMAGE= value, or "" */
	const char *options;    /* the loader options, NUL-terminated */
	const char *kernel;     /* the kernel's command line, NUL-terminated */
};

/* Splits cmdline in place (NULs end BOOT_IMAGE's value and the options).
 * Fails when there is no lone "--". */
int stub_cmdline_split(char *cmdline, struct stub_cmdline *out, struct cl_error *err);

/* GRUB 2.12's LoadOptions (units UTF-16 code units, up to the first 0 if
 * any) as UTF-8 into out[cap], NUL-terminated, as Linux's stub converts them.
 * Fails on a lone surrogate or when the text does not fit. */
int stub_cmdline_from_utf16(const uint16_t *in, uint64_t units, char *out, size_t cap, struct cl_error *err);

#endif
