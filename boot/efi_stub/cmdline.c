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

/* One code point as UTF-8 at out[*n], if it fits with room for the NUL. */
static bool put_utf8(uint32_t cp, char *out, size_t cap, size_t *n)
{
	uint8_t b[4];
	size_t len;
	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		len = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xC0 | cp >> 6);
		b[1] = (uint8_t)(0x80 | (cp & 0x3F));
		len = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xE0 | cp >> 12);
		b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (uint8_t)(0x80 | (cp & 0x3F));
		len = 3;
	} else {
		b[0] = (uint8_t)(0xF0 | cp >> 18);
		b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (uint8_t)(0x80 | (cp & 0x3F));
		len = 4;
	}
	if (cap - *n <= len)
		return false;
	memcpy(out + *n, b, len);
	*n += len;
	return true;
}

int stub_cmdline_from_utf16(const uint16_t *in, uint64_t units, char *out, size_t cap, struct cl_error *err)
{
	size_t n = 0;
	if (cap == 0)
		return cl_fail(err, "command line: no room for it");
	for (uint64_t i = 0; i < units && in[i]; i++) {
		uint32_t cp = in[i];
		if (cp >= 0xD800 && cp < 0xDC00) {
			if (i + 1 >= units || in[i + 1] < 0xDC00 || in[i + 1] >= 0xE000)
				return cl_fail(err, "command line: UTF-16 high surrogate 0x%x at unit %llu without its low one",
					       cp, (unsigned long long)i);
			cp = 0x10000 + ((cp - 0xD800) << 10) + (in[i + 1] - 0xDC00);
			i++;
		} else if (cp >= 0xDC00 && cp < 0xE000)
			return cl_fail(err, "command line: UTF-16 low surrogate 0x%x at unit %llu without a high one",
				       cp, (unsigned long long)i);
		if (!put_utf8(cp, out, cap, &n))
			return cl_fail(err, "command line: longer than the %llu bytes chainloader.efi takes (%llu UTF-16 units)",
				       (unsigned long long)cap - 1, (unsigned long long)units);
	}
	out[n] = '\0';
	return 0;
}
