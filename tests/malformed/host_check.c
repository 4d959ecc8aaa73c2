/* The malformed cases on the host: the loader's own portable code (the exact
 * PORTABLE_SRCS) run over a GRUB-like layout, printing the error line the
 * loader would print, or "booting" when it would boot.
 *
 *   host_check MEM_MIB 'LOADER OPTIONS' [FILE 'MODULE ARGS']...
 *
 * Builds the multiboot2 information GRUB would pass on a QEMU VM of MEM_MIB
 * (SeaBIOS memory map, the loader at 1 MiB, modules page-aligned after it),
 * runs mb2_parse, options_parse and boot_plan_make like boot/main.c, and
 * prints "chainloader: error: <message>". tests/malformed/run_malformed.py
 * --host runs every case this way (seconds, no QEMU). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_info.h"
#include "boot_plan.h"
#include "multiboot2.h"
#include "options.h"

#define LOADER_START 0x100000u
#define LOADER_END 0x108000u /* about what GRUB reserves for chainloader.elf */
#define WORKSPACE_END 0x138000u /* where start32.S puts the workspace then */
#define MBI_PHYS 0x9000u     /* GRUB puts the information low */

static struct boot_info info;
static struct boot_plan plan;
static _Alignas(8) uint8_t mbi[1 << 16];
static size_t mbi_len = 8;

static void *add_tag(uint32_t type, size_t size)
{
	uint8_t *t = mbi + mbi_len;
	if (mbi_len + size + 8 > sizeof(mbi)) {
		fprintf(stderr, "host_check: multiboot2 information too big\n");
		exit(2);
	}
	memcpy(t, &type, 4);
	uint32_t s = (uint32_t)size;
	memcpy(t + 4, &s, 4);
	mbi_len += (size + 7) & ~(size_t)7;
	return t;
}

static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n == cap && !(buf = realloc(buf, cap = cap * 2 + 4096))) {
			perror("realloc");
			exit(2);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f) || fclose(f)) {
		perror(path);
		exit(2);
	}
	*size = n;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc % 2 == 0) {
		fprintf(stderr, "usage: %s MEM_MIB 'LOADER OPTIONS' [FILE 'MODULE ARGS']...\n", argv[0]);
		return 2;
	}
	uint64_t mem = strtoull(argv[1], NULL, 0) << 20;
	char opts[4096];
	snprintf(opts, sizeof(opts), "/boot/chainloader.elf %s", argv[2]);
	char *t = add_tag(MB2_TAG_CMDLINE, 8 + strlen(opts) + 1);
	memcpy(t + 8, opts, strlen(opts) + 1);

	size_t nmod = (size_t)(argc - 3) / 2;
	uint8_t *data[BOOT_INFO_MAX_MODULES];
	uint32_t at = WORKSPACE_END;
	for (size_t i = 0; i < nmod && i < BOOT_INFO_MAX_MODULES; i++) {
		size_t size;
		data[i] = read_all(argv[3 + 2 * i], &size);
		const char *args = argv[4 + 2 * i];
		uint8_t *m = add_tag(MB2_TAG_MODULE, 16 + strlen(args) + 1);
		uint32_t start = at, end = at + (uint32_t)size;
		memcpy(m + 8, &start, 4);
		memcpy(m + 12, &end, 4);
		memcpy(m + 16, args, strlen(args) + 1);
		at = (end + 0xFFFu) & ~0xFFFu;
	}
	/* SeaBIOS on QEMU: RAM below 640 KiB, the BIOS area, RAM up to the end
	 * (below 3.5 GiB here), the flash just under 4 GiB. */
	struct mb2_mmap_entry map[] = {
		{ 0, 0x9FC00, 1, 0 },
		{ 0x9FC00, 0x400, 2, 0 },
		{ 0xF0000, 0x10000, 2, 0 },
		{ 0x100000, mem - 0x100000 - 0x20000, 1, 0 },
		{ mem - 0x20000, 0x20000, 2, 0 },
		{ 0xFEFFC000, 0x4000, 2, 0 },
		{ 0xFFFC0000, 0x40000, 2, 0 },
	};
	uint8_t *mm = add_tag(MB2_TAG_MMAP, 16 + sizeof(map));
	uint32_t entry_size = sizeof(map[0]), version = 0;
	memcpy(mm + 8, &entry_size, 4);
	memcpy(mm + 12, &version, 4);
	memcpy(mm + 16, map, sizeof(map));
	add_tag(MB2_TAG_END, 8);
	uint32_t total = (uint32_t)mbi_len;
	memcpy(mbi, &total, 4);

	struct cl_error err;
	struct loader_options opt;
	if (mb2_parse(mbi, MBI_PHYS, mbi_len, &info, &err) || options_parse(info.loader_cmdline, &opt, &err)) {
		printf("chainloader: error: %s\n", err.msg);
		return 0;
	}
	for (size_t i = 0; i < info.module_count; i++)
		info.modules[i].data = data[i];
	/* SeaBIOS's vectors (F segment) and EBDA, as boot/main.c reads them on BIOS. */
	struct plan_inputs in = { .info = &info, .entry = opt.entry, .loader = { LOADER_START, LOADER_END },
				  .workspace = { LOADER_END, WORKSPACE_END },
				  .bios = { true, 0xF000E3FEu, 0xF000F859u, 0x9FC00 } };
	if (boot_plan_make(&in, &plan, &err)) {
		printf("chainloader: error: %s\n", err.msg);
		return 0;
	}
	printf("booting (no error)\n");
	return 0;
}
