/* Loader options: the words on the multiboot2 line after chainloader.elf. */
#ifndef CHAINLOADER_OPTIONS_H
#define CHAINLOADER_OPTIONS_H

#include "error.h"

enum log_level {
	LOG_QUIET,   /* errors only */
	LOG_NORMAL,  /* banner and a one-line summary */
	LOG_VERBOSE, /* memory map, placements, boot_params, timing */
};

struct loader_options {
	enum log_level log;
};

/* cmdline may be NULL (no tag). GRUB may put the image's own path first; a first
 * word starting with '/' or '(' is taken as that path and skipped. */
int options_parse(const char *cmdline, struct loader_options *out, struct cl_error *err);

#endif
