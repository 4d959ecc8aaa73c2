/* libFuzzer harness: the multiboot2 information parser (boot/multiboot2/mb2_parse.c) and
 * the loader options parsed from its command line tag (boot/options.c).
 * The input is the information itself, placed at an 8-byte aligned address. */
#include <string.h>

#include "boot_info.h"
#include "fuzz_common.h"
#include "boot/options.h"

#define MBI_PHYS 0x10000u

static struct boot_info info;

/* A string the parser returned lies inside the buffer and ends there. */
static void check_string(const char *s, const uint8_t *buf, size_t size, const char *what)
{
	const uint8_t *p = (const uint8_t *)s;
	FUZZ_CHECK(p >= buf && p < buf + size, "%s outside the information", what);
	FUZZ_CHECK(memchr(p, '\0', (size_t)(buf + size - p)) != NULL, "%s not NUL-terminated inside", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly `size` bytes: ASan catches any read past the end, and
	 * malloc's alignment (16) satisfies the 8 the parser requires. */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	struct cl_error err;
	memset(&err, 0, sizeof(err));
	int rc = mb2_parse(buf, MBI_PHYS, size, &info, &err);
	if (rc == 0) {
		uint32_t total;
		memcpy(&total, buf, sizeof(total));
		FUZZ_CHECK(info.mbi.start == MBI_PHYS && info.mbi.end == MBI_PHYS + (uint64_t)total,
			   "mbi range [0x%llx, 0x%llx)", (unsigned long long)info.mbi.start,
			   (unsigned long long)info.mbi.end);
		FUZZ_CHECK(total <= size, "total_size %u > %zu", total, size);
		/* With the boot services kept (tag 18) GRUB passes no memory map. */
		FUZZ_CHECK((info.mmap_count >= 1 || info.efi_boot_services) && info.mmap_count <= BOOT_INFO_MAX_MMAP,
			   "mmap_count %zu", info.mmap_count);
		struct mb2_efi_handles h;
		struct cl_error err2;
		FUZZ_CHECK(mb2_efi_handles(buf, MBI_PHYS, size, &h, &err2) == 0 && h.system_table == info.efi_system_table &&
				   h.image_handle == info.efi_image_handle,
			   "mb2_efi_handles disagrees with mb2_parse");
		FUZZ_CHECK(info.module_count <= BOOT_INFO_MAX_MODULES, "module_count %zu", info.module_count);
		for (size_t i = 0; i < info.mmap_count; i++)
			FUZZ_CHECK(info.mmap[i].start < info.mmap[i].end, "mmap %zu empty or wrapped", i);
		for (size_t i = 0; i < info.module_count; i++) {
			const struct boot_module *m = &info.modules[i];
			FUZZ_CHECK(m->start < m->end && m->end <= UINT32_MAX, "module %zu [0x%llx, 0x%llx)", i,
				   (unsigned long long)m->start, (unsigned long long)m->end);
			FUZZ_CHECK((uintptr_t)m->data == m->start, "module %zu data pointer", i);
			check_string(m->string, buf, total, "module string");
		}
		if (info.loader_cmdline)
			check_string(info.loader_cmdline, buf, total, "command line");
		if (info.loader_name)
			check_string(info.loader_name, buf, total, "loader name");

		struct loader_options opt;
		if (options_parse(info.loader_cmdline, &opt, &err) == 0)
			FUZZ_CHECK(opt.log <= LOG_VERBOSE && opt.entry <= ENTRY_16, "options out of range");
		else
			FUZZ_CHECK(strncmp(err.msg, "unknown loader option '", 23) == 0, "options error '%s'", err.msg);
	} else {
		FUZZ_CHECK(strncmp(err.msg, "multiboot2: ", 12) == 0, "error without the prefix: '%s'", err.msg);
	}
	FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL, "error message not terminated");
	free(buf);
	return 0;
}
