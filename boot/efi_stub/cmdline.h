/* chainloader.efi's command line, as GRUB's `linux` passes it:
 *   BOOT_IMAGE=/boot/chainloader.efi [loader options] -- <kernel command line>
 * GRUB puts BOOT_IMAGE= (the image's path) first; the loader's options come
 * before a lone "--" and the kernel's command line after it, verbatim (GRUB's
 * re-quoting of arguments that hold spaces included). The kernel sees no
 * BOOT_IMAGE= but one written after "--". Pure C: host-tested and fuzzed. */
#ifndef CHAINLOADER_STUB_CMDLINE_H
#define CHAINLOADER_STUB_CMDLINE_H

#include "error.h"

struct stub_cmdline {
	const char *boot_image; /* GRUB's BOOT_IMAGE= value, or "" */
	const char *options;    /* the loader options, NUL-terminated */
	const char *kernel;     /* the kernel's command line, NUL-terminated */
};

/* Splits cmdline in place (NULs end BOOT_IMAGE's value and the options).
 * Fails when there is no lone "--". */
int stub_cmdline_split(char *cmdline, struct stub_cmdline *out, struct cl_error *err);

#endif
