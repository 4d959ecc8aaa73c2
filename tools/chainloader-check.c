/* chainloader-check: would chainloader boot this kernel, and how? On the
 * host, the loader's own portable code (the exact PORTABLE_SRCS it runs)
 * over the multiboot2 information GRUB would pass: the loader at 1 MiB, the
 * modules page-aligned after it, and a memory map — this machine's
 * (/sys/firmware/memmap), the "memory map from GRUB" lines of chainloader's
 * own verbose output, or a QEMU-like map of a given size. Prints the plan the
 * loader would execute, or the loader's exact error line. Exit status: 0 it
 * would boot, 1 it would refuse, 2 usage or I/O error. See chainloader-check(1).
 * tests/malformed/run_malformed.py --host runs the malformed corpus through it. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/multiboot2.h"
#include "boot/options.h"
#include "boot_info.h"
#include "boot_plan.h"

#define LOADER_START 0x100000u
#define LOADER_END 0x10B000u    /* chainloader.elf's span, rounded to pages */
#define WORKSPACE_END 0x13B000u /* where start32.S puts its 192 KiB workspace then */
#define MBI_PHYS 0x9000u        /* GRUB puts the information low */
#define MAX_MAP 256u

static struct boot_info info;
static struct boot_plan plan;
static _Alignas(8) uint8_t mbi[1 << 16];
static size_t mbi_len = 8;
static struct mb2_mmap_entry map[MAX_MAP];
static size_t map_n;

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void *add_tag(uint32_t type, size_t size)
{
	uint8_t *t = mbi + mbi_len;
	if (mbi_len + size + 8 > sizeof(mbi)) {
		(void)fprintf(stderr, "chainloader-check: the multiboot2 information would be too big\n");
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
	if (!f)
		die(path);
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n == cap) {
			uint8_t *more = realloc(buf, cap = cap * 2 + 4096);
			if (!more)
				die("realloc"); /* exits: buf goes with the process */
			buf = more;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f) || fclose(f))
		die(path);
	*size = n;
	return buf;
}

static void add_range(uint64_t start, uint64_t end, uint32_t type)
{
	if (map_n == MAX_MAP) {
		(void)fprintf(stderr, "chainloader-check: more than %u memory map entries\n", MAX_MAP);
		exit(2);
	}
	if (end > start)
		map[map_n++] = (struct mb2_mmap_entry){ start, end - start, type, 0 };
}

/* SeaBIOS on QEMU: RAM below 640 KiB, the BIOS area, RAM up to the end
 * (below 3.5 GiB here), the flash just under 4 GiB. */
static void qemu_map(uint64_t mib)
{
	uint64_t mem = mib << 20;
	add_range(0, 0x9FC00, 1);
	add_range(0x9FC00, 0xA0000, 2);
	add_range(0xF0000, 0x100000, 2);
	add_range(0x100000, mem - 0x20000, 1);
	add_range(mem - 0x20000, mem, 2);
	add_range(0xFEFFC000, 0xFF000000, 2);
	add_range(0xFFFC0000, 0x100000000ull, 2);
}

/* /sys/firmware/memmap/N/{start,end,type}: the firmware's map as Linux got it (end inclusive). */
static uint32_t sysfs_type(const char *t)
{
	static const struct { const char *name; uint32_t type; } types[] = {
		{ "System RAM", 1 }, { "ACPI Tables", 3 }, { "ACPI Non-volatile Storage", 4 }, { "Unusable memory", 5 },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(t, types[i].name) == 0)
			return types[i].type;
	return 2; /* Reserved, and anything else */
}

static int read_line(const char *dir, const char *name, char *out, size_t n)
{
	char path[512];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -1;
	FILE *f = fopen(path, "r");
	if (!f || !fgets(out, (int)n, f)) {
		if (f)
			(void)fclose(f);
		return -1;
	}
	(void)fclose(f);
	out[strcspn(out, "\n")] = 0;
	return 0;
}

static void sysfs_map(const char *root)
{
	DIR *d = opendir(root);
	if (!d)
		die(root);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char dir[300], start[64], end[64], type[128];
		if (snprintf(dir, sizeof(dir), "%s/%s", root, e->d_name) >= (int)sizeof(dir))
			continue;
		if (read_line(dir, "start", start, sizeof(start)) || read_line(dir, "end", end, sizeof(end)) ||
		    read_line(dir, "type", type, sizeof(type)))
			continue;
		add_range(strtoull(start, NULL, 0), strtoull(end, NULL, 0) + 1, sysfs_type(type));
	}
	closedir(d);
}

/* chainloader's verbose lines "  [0x..., 0x...) type N" after "memory map from GRUB". */
static void verbose_map(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die(path);
	char line[512];
	bool in_map = false;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "memory map from GRUB:")) {
			in_map = true;
			continue;
		}
		/* "  [0xSTART, 0xEND) type N" */
		char *p = line, *q;
		while (*p == ' ')
			p++;
		unsigned long long s = 0, e = 0, t = 0;
		bool ok = in_map && *p == '[';
		if (ok) {
			s = strtoull(p + 1, &q, 16);
			ok = strncmp(q, ", ", 2) == 0;
		}
		if (ok) {
			e = strtoull(q + 2, &q, 16);
			ok = strncmp(q, ") type ", 7) == 0;
		}
		if (ok) {
			t = strtoull(q + 7, &q, 10);
			ok = *q == '\n' || *q == '\0';
		}
		if (ok)
			add_range(s, e, (uint32_t)t);
		else
			in_map = false;
	}
	(void)fclose(f);
	if (!map_n) {
		(void)fprintf(stderr, "chainloader-check: %s has no \"memory map from GRUB\" lines (boot with `verbose`)\n", path);
		exit(2);
	}
}

static void print_plan(const char *kernel)
{
	(void)printf("chainloader-check: %s: boots as %s by the %s entry at 0x%llx\n", kernel,
	       boot_plan_format_name(&plan), boot_plan_entry_name(&plan),
	       (unsigned long long)plan.entry);
	(void)printf("  kernel [0x%llx, 0x%llx)\n", (unsigned long long)plan.kernel_range.start,
	       (unsigned long long)plan.kernel_range.end);
	for (size_t i = 0; i < plan.copy_count; i++) {
		const struct copy_step *c = &plan.copies[i];
		if (c->len)
			(void)printf("  copy %s: %llu bytes -> [0x%llx, 0x%llx)\n", c->what, (unsigned long long)c->len,
			       (unsigned long long)c->dst, (unsigned long long)(c->dst + c->len));
	}
	(void)printf("  initrd: %s, %llu bytes\n",
	       plan.initrd.end == plan.initrd.start ? "none" : plan.initrd_moved ? "moved" : "in place (zero copy)",
	       (unsigned long long)(plan.initrd.end - plan.initrd.start));
	(void)printf("  e820: %llu entries%s\n", (unsigned long long)plan.e820.count,
	       plan.e820_ext_addr ? " (past 128: SETUP_E820_EXT)" : "");
	(void)printf("  %llu bytes copied, %llu bytes placed\n", (unsigned long long)boot_plan_bytes_copied(&plan),
	       (unsigned long long)boot_plan_bytes_placed(&plan));
}

static void usage(FILE *to, int status)
{
	(void)fprintf(to, "usage: chainloader-check [--options 'WORDS'] [--cmdline 'ARGS'] [--memory MIB | --memmap FILE]\n"
		    "                         [--firmware bios|uefi] [--quiet] KERNEL [INITRD...]\n"
		    "Says whether chainloader would boot KERNEL (with the initrds), by which entry, and the plan;\n"
		    "or prints the loader's error. Exit status: 0 it would boot, 1 it would not, 2 usage or I/O.\n"
		    "  --options 'WORDS'  loader options, as after chainloader.elf on the multiboot2 line\n"
		    "  --cmdline 'ARGS'   the kernel command line (the kernel's module2 arguments)\n"
		    "  --memory MIB       a QEMU-like BIOS memory map of MIB MiB (default: /sys/firmware/memmap)\n"
		    "  --memmap FILE      the memory map from chainloader's verbose output in FILE\n"
		    "  --firmware F       bios (default: the real-mode entry is possible) or uefi\n"
		    "  --quiet            print only an error line, or nothing\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "options", required_argument, NULL, 'o' }, { "cmdline", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },  { "memmap", required_argument, NULL, 'M' },
		{ "firmware", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	const char *opts = "", *cmdline = "", *memmap = NULL;
	unsigned long long mib = 0;
	bool uefi = false, quiet = false;
	int c;
	while ((c = getopt_long(argc, argv, "o:c:m:M:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': opts = optarg; break;
		case 'c': cmdline = optarg; break;
		case 'm': mib = strtoull(optarg, NULL, 0); break;
		case 'M': memmap = optarg; break;
		case 'f':
			if (strcmp(optarg, "bios") != 0 && strcmp(optarg, "uefi") != 0)
				usage(stderr, 2);
			uefi = strcmp(optarg, "uefi") == 0;
			break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	/* No file at all is allowed: the loader's own "no kernel" error, as GRUB would cause it. */
	if (argc - optind > BOOT_INFO_MAX_MODULES || (mib && memmap))
		usage(stderr, 2);

	char line[4096];
	if (snprintf(line, sizeof(line), "/boot/chainloader.elf %s", opts) >= (int)sizeof(line))
		usage(stderr, 2);
	char *t = add_tag(MB2_TAG_CMDLINE, 8 + strlen(line) + 1);
	memcpy(t + 8, line, strlen(line) + 1);
	size_t nmod = (size_t)(argc - optind);
	uint8_t *data[BOOT_INFO_MAX_MODULES] = { 0 };
	uint64_t at = WORKSPACE_END;
	for (size_t i = 0; i < nmod; i++) {
		size_t size;
		data[i] = read_all(argv[optind + i], &size);
		const char *args = i ? "" : cmdline;
		uint8_t *m = add_tag(MB2_TAG_MODULE, 16 + strlen(args) + 1);
		uint32_t start = (uint32_t)at, end = (uint32_t)(at + size);
		if (at + size > 0xFFFFF000u) {
			(void)fprintf(stderr, "chainloader-check: the modules do not fit below 4 GiB\n");
			return 2;
		}
		memcpy(m + 8, &start, 4);
		memcpy(m + 12, &end, 4);
		memcpy(m + 16, args, strlen(args) + 1);
		at = (end + 0xFFFu) & ~0xFFFu;
	}
	if (mib)
		qemu_map(mib);
	else if (memmap)
		verbose_map(memmap);
	else
		sysfs_map("/sys/firmware/memmap");
	uint8_t *mm = add_tag(MB2_TAG_MMAP, 16 + map_n * sizeof(map[0]));
	uint32_t entry_size = sizeof(map[0]), version = 0;
	memcpy(mm + 8, &entry_size, 4);
	memcpy(mm + 12, &version, 4);
	memcpy(mm + 16, map, map_n * sizeof(map[0]));
	add_tag(MB2_TAG_END, 8);
	uint32_t total = (uint32_t)mbi_len;
	memcpy(mbi, &total, 4);

	struct cl_error err;
	struct loader_options opt;
	if (mb2_parse(mbi, MBI_PHYS, mbi_len, &info, &err) || options_parse(info.loader_cmdline, &opt, &err)) {
		(void)printf("chainloader: error: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; i < info.module_count; i++)
		info.modules[i].data = data[i];
	/* On BIOS, SeaBIOS's vectors (F segment) and EBDA, as boot/multiboot2/bios_main.c would read them. */
	struct plan_inputs in = { .info = &info, .entry = opt.entry, .loader = { LOADER_START, LOADER_END },
				  .workspace = { LOADER_END, WORKSPACE_END } };
	if (!uefi)
		in.bios = (struct bios_low_memory){ true, 0xF000E3FEu, 0xF000F859u, 0x9FC00 };
	in.mbi_data = mbi;
	if (boot_plan_make(&in, &plan, &err)) {
		(void)printf("chainloader: error: %s\n", err.msg);
		return 1;
	}
	/* A plan that breaks an invariant is the loader's bug, not the kernel's. */
	if (boot_plan_check_invariants(&in, &plan, &err)) {
		(void)fprintf(stderr, "chainloader-check: internal error: %s\n", err.msg);
		return 3;
	}
	if (!quiet)
		print_plan(argv[optind]); /* a plan means a kernel module */
	return 0;
}
