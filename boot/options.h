/* Loader options: the words on the multiboot2 line after chainloader.elf. */
#ifndef CHAINLOADER_OPTIONS_H
#define CHAINLOADER_OPTIONS_H

#include <stdbool.h>

#include "error.h"

enum log_level {
	LOG_QUIET,   /* errors only */
	LOG_NORMAL,  /* banner and a one-line summary */
	LOG_VERBOSE, /* memory map, placements, boot_params, timing */
};

enum entry_mode {
	ENTRY_AUTO, /* bzImage: 64-bit entry, or 32-bit without XLF_KERNEL_64, or on BIOS the
		     * real-mode entry for protocol < 2.10 or code32_start 0; ELF: e_entry in 64-bit mode */
	ENTRY_64,   /* the 64-bit entry, or an error */
	ENTRY_32,   /* bzImage: the 32-bit entry at code32_start, paging off */
	ENTRY_PVH,  /* ELF: the XEN_ELFNOTE_PHYS32_ENTRY address with an hvm_start_info */
	ENTRY_16,   /* bzImage, BIOS only: the real-mode entry (loader/handoff/realmode.h) */
};

struct loader_options {
	enum log_level log;
	enum entry_mode entry;
	bool timing; /* print the own-time line at any level (verbose prints it too) */
};

const char *entry_mode_name(enum entry_mode mode);

/* cmdline may be NULL (no tag). GRUB may put the image's own path first; a first
 * word starting with '/' or '(' is taken as that path and skipped. */
int options_parse(const char *cmdline, struct loader_options *out, struct cl_error *err);

#endif
