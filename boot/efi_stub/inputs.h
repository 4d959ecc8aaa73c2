/* What chainloader.efi takes from GRUB's `linux` and `initrd` commands,
 * decided from the command-line text and the initrd's bytes alone:
 *   linux  /boot/chainloader.efi [loader options] -- <kernel command line>
 *   initrd newc:vmlinuz:/boot/vmlinuz-VERSION /boot/initrd.img-VERSION ...
 * The loader options and the kernel's command line (boot/efi_stub/cmdline.h),
 * the kernel (the first regular newc: member, boot/efi_stub/newc.h) and the
 * kernel's initrd, as ranges of GRUB's initrd buffer:
 *   - the plain files after the TRAILER!!!, when no newc: member follows the
 *     kernel's: the very bytes GRUB's own `linux` would hand the kernel, so
 *     the kernel's initrd and its "Linux initrd" measurement are the files';
 *   - with newc: members after the kernel's, on GRUB 2.12 (every name with
 *     its NUL): from past the kernel member to the end, the rest of the
 *     archive (a newc archive Linux reads) and the plain files;
 *   - on GRUB 2.06 (names without their NUL, which Linux refuses) such
 *     members are an error (they would be lost).
 * boot/efi_stub/main.c runs it in the loader; tools/chainloader-check.c
 * (--efi-stub) on the host. Pure C: host-tested and fuzzed. */
#ifndef CHAINLOADER_STUB_INPUTS_H
#define CHAINLOADER_STUB_INPUTS_H

#include <stdint.h>

#include "boot/efi_stub/cmdline.h"
#include "boot/efi_stub/newc.h"
#include "error.h"

struct stub_inputs {
	struct stub_cmdline cmdline; /* BOOT_IMAGE=, the loader options, the kernel's line */
	struct newc_split newc;      /* the archive as split (the kernel member's name, ...) */
	uint64_t kernel, kernel_size; /* offset and length in the initrd buffer */
	uint64_t initrd, initrd_size; /* the kernel's initrd; initrd_size 0: none */
};

/* Splits cmdline in place (stub_cmdline_split) and the initrd [buf, buf +
 * size). Fails with the error of the first of them that fails, or when GRUB
 * passed no initrd (size 0) — the loader's own message for that case. */
int stub_inputs_split(char *cmdline, const uint8_t *buf, uint64_t size, struct stub_inputs *out,
		      struct cl_error *err);

#endif
