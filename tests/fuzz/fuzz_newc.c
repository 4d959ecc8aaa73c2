/* libFuzzer harness: chainloader.efi's inputs from GRUB (boot/efi_stub/):
 * the newc: initrd split and the command line split. The input is the
 * archive, then optionally a NUL and a command line. */
#include <string.h>

#include "boot/efi_stub/cmdline.h"
#include "boot/efi_stub/newc.h"
#include "fuzz_common.h"

static struct newc_split s;

static void check_member(const uint8_t *img, size_t size, const struct newc_member *m, const char *what)
{
	FUZZ_CHECK(m->header < size && size - m->header >= NEWC_HEADER_SIZE, "%s header", what);
	FUZZ_CHECK(memcmp(img + m->header, "070701", 6) == 0, "%s magic", what);
	FUZZ_CHECK((const uint8_t *)m->name == img + m->header + NEWC_HEADER_SIZE, "%s name", what);
	FUZZ_CHECK(m->name_len > 0 && !memchr(m->name, '\0', m->name_len), "%s name length", what);
	FUZZ_CHECK(m->data % NEWC_ALIGN == 0 && m->data >= m->header + NEWC_HEADER_SIZE + m->name_len, "%s data", what);
	FUZZ_CHECK(m->data <= size && m->size <= size - m->data, "%s bytes outside the archive", what);
}

static void fuzz_archive(const uint8_t *img, size_t size)
{
	struct cl_error err;
	if (newc_split(img, size, &s, &err)) {
		FUZZ_CHECK(strncmp(err.msg, "initrd: ", 8) == 0, "message '%s'", err.msg);
		return;
	}
	check_member(img, size, &s.kernel, "kernel");
	FUZZ_CHECK((s.kernel.mode & NEWC_MODE_TYPE) == NEWC_MODE_FILE && s.kernel.size > 0, "kernel mode/size");
	FUZZ_CHECK(s.after_kernel >= s.kernel.data + s.kernel.size && s.after_kernel <= s.rest && s.rest <= size,
		   "after_kernel %llu rest %llu size %zu", (unsigned long long)s.after_kernel,
		   (unsigned long long)s.rest, size);
	FUZZ_CHECK(s.extra_count <= NEWC_MAX_EXTRA, "extra_count");
	for (size_t i = 0; i < s.extra_count; i++) {
		check_member(img, size, &s.extra[i], "extra");
		FUZZ_CHECK(s.extra[i].header >= s.after_kernel && s.extra[i].data + s.extra[i].size <= s.rest,
			   "extra %zu outside [after_kernel, rest)", i);
	}
	/* The trailer is the last header before rest. */
	FUZZ_CHECK(s.rest >= s.after_kernel + NEWC_HEADER_SIZE + sizeof(NEWC_TRAILER) - 1, "no room for the trailer");
}

static void fuzz_cmdline(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	if (!line)
		return;
	memcpy(line, data, size);
	line[size] = '\0';
	char *copy = strdup(line);
	struct stub_cmdline c;
	struct cl_error err;
	if (stub_cmdline_split(line, &c, &err) == 0 && copy) {
		size_t n = strlen(copy);
		FUZZ_CHECK(c.kernel >= line && c.kernel <= line + n, "kernel outside the line");
		/* The kernel's line is the original's tail, untouched. */
		FUZZ_CHECK(strcmp(c.kernel, copy + (c.kernel - line)) == 0, "kernel line changed");
		FUZZ_CHECK(c.options >= line && c.options < c.kernel, "options after the kernel's line");
		FUZZ_CHECK(strstr(copy, "--") != NULL, "split without a \"--\"");
	}
	free(copy);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t archive = size;
	/* An archive holds NULs too: the command line is what follows the last one. */
	for (const uint8_t *p = nul; p; p = memchr(p + 1, '\0', size - (size_t)(p + 1 - data)))
		archive = (size_t)(p - data);
	uint8_t *img = malloc(archive ? archive : 1); /* exact size: ASan sees any overread */
	if (!img)
		return 0;
	memcpy(img, data, archive);
	fuzz_archive(img, archive);
	free(img);
	if (archive < size)
		fuzz_cmdline(data + archive + 1, size - archive - 1);
	return 0;
}
