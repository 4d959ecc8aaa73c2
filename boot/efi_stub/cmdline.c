/* chainloader.efi's command line split (boot/efi_stub/cmdline.h). */
#include "boot/efi_stub/cmdline.h"

#include <stdbool.h>
#include <string.h>

#define BOOT_IMAGE_PREFIX "BOOT_IMAGE="

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static char *skip_blanks(char *p)
{
	while (blank(*p))
		p++;
	return p;
}

static char *word_end(char *p)
{
	while (*p && !blank(*p))
		p++;
	return p;
}

int stub_cmdline_split(char *cmdline, struct stub_cmdline *out, struct cl_error *err)
{
	char *p = skip_blanks(cmdline);
	out->boot_image = "";
	if (strncmp(p, BOOT_IMAGE_PREFIX, sizeof(BOOT_IMAGE_PREFIX) - 1) == 0) {
		char *end = word_end(p);
		out->boot_image = p + sizeof(BOOT_IMAGE_PREFIX) - 1;
		p = *end ? end + 1 : end;
		*end = '\0';
	}
	out->options = p;
	for (char *w = skip_blanks(p); *w; w = skip_blanks(word_end(w))) {
		if (w[0] != '-' || w[1] != '-' || (w[2] && !blank(w[2])))
			continue;
		/* The kernel's line starts after the one blank that ends "--". */
		out->kernel = w[2] ? w + 3 : w + 2;
		*w = '\0';
		return 0;
	}
	return cl_fail(err, "command line: no \"--\" between the loader options and the kernel's "
			    "(linux /boot/chainloader.efi [options] -- <kernel command line>)");
}
