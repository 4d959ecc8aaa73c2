/* chainloader.efi's inputs from GRUB (boot/efi_stub/inputs.h). */
#include "boot/efi_stub/inputs.h"

#include <string.h>

int stub_inputs_split(char *cmdline, const uint8_t *buf, uint64_t size, struct stub_inputs *out,
		      struct cl_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!buf || size == 0)
		return cl_fail(err, "initrd: GRUB passed none; chainloader.efi takes the kernel from it: initrd newc:vmlinuz:/boot/vmlinuz-VERSION [/boot/initrd.img-VERSION]");
	const struct newc_split *s = &out->newc;
	if (stub_cmdline_split(cmdline, &out->cmdline, err) || newc_split(buf, size, &out->newc, err))
		return -1;
	uint64_t initrd_from = s->rest; /* the plain files, as GRUB's own linux hands them */
	if (s->extra_count && s->names_terminated)
		initrd_from = s->after_kernel; /* the other members too: an archive Linux reads */
	else if (s->extra_count)
		return cl_fail(err, "initrd: %llu newc: member%s after the kernel's, and GRUB wrote their names without the NUL Linux needs (GRUB 2.06): pass other files as plain initrd paths",
			       (unsigned long long)s->extra_count, s->extra_count == 1 ? "" : "s");
	out->kernel = s->kernel.data;
	out->kernel_size = s->kernel.size;
	out->initrd = initrd_from < size ? initrd_from : size;
	out->initrd_size = size - out->initrd;
	return 0;
}
