/* chainloader-check: would chainloader boot this kernel, and how? On the
 * host, the loader's own portable code (the exact PORTABLE_SRCS it runs)
 * over the multiboot2 information GRUB would pass: the loader at 1 MiB, the
 * modules page-aligned after it, and a memory map — a PC of a given size as
 * QEMU's pc or q35 machine lays it out under SeaBIOS or OVMF
 * (tools/check_map.c), this machine's (/sys/firmware/memmap), or the map
 * lines of chainloader's own verbose output. Prints the plan the loader
 * would execute, or the loader's exact error line. Exit status: 0 it would
 * boot, 1 it would refuse, 2 a bad argument or an I/O error.
 * With --efi-stub, what chainloader.efi would get from GRUB's `linux` and
 * `initrd` instead: GRUB 2.12's LoadOptions from --grub-cmdline
 * (stub_cmdline_from_utf16) and the initrd buffer GRUB hands over, split as
 * boot/efi_stub/main.c splits them (stub_inputs_split), then the same plan
 * on UEFI. See chainloader-check(1). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "abi/multiboot2.h"
#include "boot/efi_stub/cmdline.h"
#include "boot/efi_stub/inputs.h"
#include "boot/options.h"
#include "boot_info.h"
#include "boot_plan.h"
#include "check_map.h"
#include "firmware/tables.h"

#define LOADER_START 0x100000u
#define LOADER_END 0x10B000u    /* chainloader.elf's span, rounded to pages */
#define WORKSPACE_END 0x13B000u /* where start32.S puts its 192 KiB workspace then */
#define MBI_PHYS 0x9000u        /* GRUB puts the information low */
#define MODULES_LIMIT 0xFFFFF000u
#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_INTERNAL 3

static struct boot_info info;
static struct boot_plan plan;
static struct check_map map;
static _Alignas(8) uint8_t mbi[1 << 16];
static size_t mbi_len = 8;
static uint8_t *module_data[BOOT_INFO_MAX_MODULES]; /* what was read, freed at exit */
static const uint8_t *module_bytes[BOOT_INFO_MAX_MODULES]; /* each module's first byte */
static char stub_cmdline[STUB_CMDLINE_MAX]; /* --efi-stub: the command line as chainloader.efi converts it */
static uint16_t *load_options;              /* --efi-stub: GRUB 2.12's UTF-16 LoadOptions */
static char efi_label[4096];                /* --efi-stub: "FILE (newc: member 'NAME')" */

/* Every exit path frees the modules, so LeakSanitizer (the test build) has
 * nothing to report and the verdict reaches a pipe intact. */
static void free_modules(void)
{
	for (size_t i = 0; i < BOOT_INFO_MAX_MODULES; i++)
		free(module_data[i]);
	free(load_options);
}

__attribute__((format(printf, 1, 2), noreturn)) static void bad_argument(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	(void)fputs("chainloader-check: ", stderr);
	(void)vfprintf(stderr, fmt, ap);
	(void)fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_USAGE);
}

static void *add_tag(uint32_t type, size_t size)
{
	uint8_t *t = mbi + mbi_len;
	if (mbi_len + size + 8 > sizeof(mbi))
		bad_argument("the multiboot2 information would exceed %zu bytes", sizeof(mbi));
	memcpy(t, &type, 4);
	uint32_t s = (uint32_t)size;
	memcpy(t + 4, &s, 4);
	mbi_len += (size + 7) & ~(size_t)7;
	return t;
}

/* A whole number of MiB in [min, CHECK_MAX_MIB]: digits only, so "-5",
 * "0x10", "8G" and "abc" are refused rather than read as something else. */
static uint64_t parse_mib(const char *arg, bool uefi)
{
	uint64_t min = uefi ? CHECK_MIN_MIB_UEFI : CHECK_MIN_MIB_BIOS;
	errno = 0;
	unsigned long long v = strtoull(arg, NULL, 10);
	if (!*arg || strspn(arg, "0123456789") != strlen(arg))
		bad_argument("--memory '%s': not a whole number of MiB", arg);
	if (errno == ERANGE || v > CHECK_MAX_MIB || v < min)
		bad_argument("--memory '%s': out of range (%llu to %u MiB%s)", arg, (unsigned long long)min,
			     CHECK_MAX_MIB, uefi ? " with --firmware uefi" : "");
	return v;
}

static uint8_t *read_module(const char *role, const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f)
		bad_argument("%s '%s': %s", role, path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		(void)fclose(f);
		bad_argument("%s '%s': is a directory", role, path);
	}
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n == cap) {
			uint8_t *more = realloc(buf, cap = cap * 2 + 4096);
			if (!more) {
				free(buf);
				bad_argument("%s '%s': out of memory at %zu bytes", role, path, cap);
			}
			buf = more;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	int read_errno = ferror(f) ? errno : 0;
	(void)fclose(f);
	if (read_errno) {
		free(buf);
		bad_argument("%s '%s': %s", role, path, strerror(read_errno));
	}
	*size = n;
	return buf;
}

/* ARG when it is one of the two values NAME takes. */
static const char *option_arg(const char *name, const char *arg, const char *one, const char *other)
{
	if (strcmp(arg, one) != 0 && strcmp(arg, other) != 0)
		bad_argument("%s '%s': expected %s or %s", name, arg, one, other);
	return arg;
}

/* Every entry the loader could take into the image: planned again with that
 * entry forced, so what is listed is exactly what entry=X would do. */
static void print_entries(const struct plan_inputs *in)
{
	static const enum entry_mode modes[] = { ENTRY_64, ENTRY_32, ENTRY_16, ENTRY_PVH };
	static const char *const names[] = { "64-bit", "32-bit", "16-bit", "PVH" };
	static struct boot_plan other;
	const char *none[sizeof(modes) / sizeof(modes[0])] = { 0 };
	size_t n_none = 0;
	const char *sep = "";
	(void)printf("  entries:");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct plan_inputs forced = *in;
		struct cl_error err;
		forced.entry = modes[i];
		if (boot_plan_make(&forced, &other, &err)) {
			none[n_none++] = names[i];
			continue;
		}
		(void)printf("%s %s at 0x%llx%s", sep, boot_plan_entry_name(&other), (unsigned long long)other.entry,
			     other.kernel_entry == plan.kernel_entry ? " (chosen)" : "");
		sep = ",";
	}
	for (size_t i = 0; i < n_none; i++)
		(void)printf("%s %s", i ? "," : "; not", none[i]);
	(void)printf("\n");
}

static void print_plan(const char *kernel, const struct plan_inputs *in)
{
	(void)printf("chainloader-check: %s: boots as %s by the %s entry at 0x%llx\n", kernel,
		     boot_plan_format_name(&plan), boot_plan_entry_name(&plan), (unsigned long long)plan.entry);
	print_entries(in);
	(void)printf("  kernel [0x%llx, 0x%llx)\n", (unsigned long long)plan.kernel_range.start,
		     (unsigned long long)plan.kernel_range.end);
	for (size_t i = 0; i < plan.copy_count; i++) {
		const struct copy_step *c = &plan.copies[i];
		if (c->len)
			(void)printf("  copy %s: %llu bytes -> [0x%llx, 0x%llx)", c->what, (unsigned long long)c->len,
				     (unsigned long long)c->dst, (unsigned long long)(c->dst + c->len));
		else if (c->zero_len)
			(void)printf("  zero %s:", c->what);
		if (c->zero_len) /* a segment's bss, an initrd's padding */
			(void)printf(" then %llu zero bytes -> [0x%llx, 0x%llx)", (unsigned long long)c->zero_len,
				     (unsigned long long)(c->dst + c->len),
				     (unsigned long long)(c->dst + c->len + c->zero_len));
		if (c->len || c->zero_len)
			(void)printf("\n");
	}
	(void)printf("  initrd: %s, %llu bytes\n",
		     plan.initrd.end == plan.initrd.start ? "none" : plan.initrd_moved ? "moved" : "in place (zero copy)",
		     (unsigned long long)(plan.initrd.end - plan.initrd.start));
	(void)printf("  e820: %llu entries%s\n", (unsigned long long)plan.e820.count,
		     plan.e820_ext_addr ? " (past 128: SETUP_E820_EXT)" : "");
	(void)printf("  %llu bytes copied, %llu bytes placed\n", (unsigned long long)boot_plan_bytes_copied(&plan),
		     (unsigned long long)boot_plan_bytes_placed(&plan));
}

static const char usage_text[] =
	"usage: chainloader-check [--options 'WORDS'] [--cmdline 'ARGS'] [--memory MIB [--machine pc|q35] | --memmap FILE]\n"
	"                         [--firmware bios|uefi] [--quiet] KERNEL [INITRD...]\n"
	"       chainloader-check --efi-stub --grub-cmdline 'TEXT' [--memory MIB [--machine pc|q35] | --memmap FILE]\n"
	"                         [--quiet] GRUB-INITRD\n"
	"Says whether chainloader would boot KERNEL (with the initrds), by which entry, and the plan;\n"
	"or prints the loader's error. Exit status: 0 it would boot, 1 it would not, 2 a bad argument or I/O error.\n"
	"  --options 'WORDS'  loader options, as after chainloader.elf on the multiboot2 line:\n"
	"      entry=auto     bzImage: 64-bit entry; 32-bit without XLF_KERNEL_64; on BIOS real mode for\n"
	"                     protocol < 2.10 or code32_start 0. ELF: e_entry in 64-bit mode (the default)\n"
	"      entry=64       the 64-bit entry (bzImage at load + 0x200, ELF at e_entry), or an error\n"
	"      entry=32       bzImage: the 32-bit entry at code32_start, paging off\n"
	"      entry=16       bzImage, BIOS only: the real-mode entry\n"
	"      entry=pvh      ELF with a Xen PHYS32_ENTRY note: the PVH entry with an hvm_start_info\n"
	"      verbose        print the memory map, the placements and the zero page while booting\n"
	"      quiet          print errors only\n"
	"      timing         print the loader's own time even without verbose\n"
	"  --cmdline 'ARGS'   the kernel command line (the kernel's module2 arguments)\n"
	"  --memory MIB       the map a PC with MIB MiB has (2 to 1048576; 128 or more with uefi)\n"
	"  --machine M        with --memory: pc (default, QEMU's i440fx) or q35\n"
	"  --memmap FILE      the map from chainloader's verbose output in FILE (BIOS or EFI lines)\n"
	"  --firmware F       bios (default: the real-mode entry is possible) or uefi (an EFI memory map)\n"
	"  --quiet            print only an error line, or nothing\n"
	"  --efi-stub         chainloader.efi started by GRUB's linux command (on UEFI): GRUB-INITRD is the\n"
	"                     buffer GRUB's initrd command hands over (the newc: archive with the kernel member,\n"
	"                     then the plain initrds); the kernel, its initrd, the loader options and the\n"
	"                     kernel command line are taken from it and --grub-cmdline as chainloader.efi\n"
	"                     takes them, or its error is printed\n"
	"  --grub-cmdline 'TEXT'  with --efi-stub: the command line GRUB passes to chainloader.efi, as\n"
	"                     LoadOptions (GRUB 2.12): BOOT_IMAGE=/boot/chainloader.efi [options] -- <kernel cmdline>\n"
	"Without --memory or --memmap the map is this machine's, /sys/firmware/memmap.\n";

static void add_cmdline_tag(const char *line)
{
	char *t = add_tag(MB2_TAG_CMDLINE, 8 + strlen(line) + 1);
	memcpy(t + 8, line, strlen(line) + 1);
}

/* A module tag for [at, at + size) with its string. */
static void add_module_tag(const char *role, const char *file, uint64_t at, size_t size, const char *args)
{
	uint8_t *m = add_tag(MB2_TAG_MODULE, 16 + strlen(args) + 1);
	if (size > MODULES_LIMIT || at + size > MODULES_LIMIT)
		bad_argument("%s '%s': the modules do not fit below 4 GiB (%zu bytes from 0x%llx)", role, file, size,
			     (unsigned long long)at);
	uint32_t start = (uint32_t)at, end = (uint32_t)(at + size);
	memcpy(m + 8, &start, 4);
	memcpy(m + 12, &end, 4);
	memcpy(m + 16, args, strlen(args) + 1);
}

/* The multiboot2 way in: the loader's line, then each file a module, page-aligned. */
static void build_mbi(const char *opts, const char *cmdline, char **files, size_t nmod, bool efi_layout,
		      struct check_loaded *loaded)
{
	char line[4096];
	if (snprintf(line, sizeof(line), "/boot/chainloader.elf %s", opts) >= (int)sizeof(line))
		bad_argument("--options: longer than %zu bytes", sizeof(line) - 24);
	add_cmdline_tag(line);
	uint64_t at = efi_layout ? CHECK_UEFI_MODULES_START : WORKSPACE_END;
	loaded[1].start = at;
	for (size_t i = 0; i < nmod; i++) {
		char role[32];
		(void)snprintf(role, sizeof(role), i ? "initrd %zu" : "kernel", i);
		size_t size;
		module_bytes[i] = module_data[i] = read_module(role, files[i], &size);
		add_module_tag(role, files[i], at, size, i ? "" : cmdline);
		at = (at + size + 0xFFFu) & ~(uint64_t)0xFFFu;
	}
	loaded[1].end = at;
}

/* GRUB 2.12's LoadOptions for `text`: its UTF-8 as UTF-16 units, the NUL's
 * unit included (grub-core/loader/efi/linux.c: (strlen + 1) units). */
static uint64_t grub_load_options(const char *text)
{
	size_t len = strlen(text), n = 0;
	load_options = malloc((len + 1) * sizeof(uint16_t));
	if (!load_options)
		bad_argument("--grub-cmdline: out of memory");
	const uint8_t *p = (const uint8_t *)text;
	for (size_t i = 0; i < len;) {
		uint32_t cp = p[i], extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
		if ((cp >= 0x80 && cp < 0xC0) || cp >= 0xF8 || (extra && i + extra >= len))
			bad_argument("--grub-cmdline: not UTF-8 at byte %zu", i);
		cp &= extra ? 0x3Fu >> extra : 0x7Fu;
		for (uint32_t k = 1; k <= extra; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				bad_argument("--grub-cmdline: not UTF-8 at byte %zu", i + k);
			cp = cp << 6 | (p[i + k] & 0x3Fu);
		}
		i += extra + 1;
		if (cp >= 0x10000) {
			load_options[n++] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
			load_options[n++] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
		} else {
			load_options[n++] = (uint16_t)cp;
		}
	}
	load_options[n++] = 0;
	return n;
}

/* The chainloader.efi way in: GRUB's initrd buffer at the modules' place,
 * split as the loader splits it; the kernel and its initrd are modules at
 * their offsets in it. *label: the kernel's name for the verdict. 0, or -1
 * with err set: chainloader.efi's own refusal. */
static int build_efi_stub_mbi(const char *grub_cmdline, const char *file, bool efi_layout,
			      struct check_loaded *loaded, char *label, size_t label_size, struct cl_error *err)
{
	uint64_t units = grub_load_options(grub_cmdline);
	size_t size;
	module_data[0] = read_module("GRUB's initrd", file, &size);
	uint64_t at = efi_layout ? CHECK_UEFI_MODULES_START : WORKSPACE_END;
	loaded[1] = (struct check_loaded){ at, (at + size + 0xFFFu) & ~(uint64_t)0xFFFu };
	struct stub_inputs in;
	if (stub_cmdline_from_utf16(load_options, units, stub_cmdline, sizeof(stub_cmdline), err) ||
	    stub_inputs_split(stub_cmdline, module_data[0], size, &in, err))
		return -1;
	(void)snprintf(label, label_size, "%s (newc: member '%.*s')", file, (int)in.newc.kernel.name_len,
		       in.newc.kernel.name);
	add_cmdline_tag(in.cmdline.options);
	add_module_tag("kernel", file, at + in.kernel, in.kernel_size, in.cmdline.kernel);
	module_bytes[0] = module_data[0] + in.kernel;
	if (in.initrd_size) {
		add_module_tag("initrd", file, at + in.initrd, in.initrd_size, "");
		module_bytes[1] = module_data[0] + in.initrd;
	}
	return 0;
}

static void add_map_tags(void)
{
	/* On UEFI, GRUB's tag 6 too, from the EFI map (the loader drops it for
	 * the final EFI map, as boot/multiboot2/efi_main.c does; mb2_parse wants it). */
	for (size_t i = 0; map.efi && i < map.efi_count && map.count < CHECK_MAP_MAX; i++)
		map.e820[map.count++] = (struct mb2_mmap_entry){
			map.desc[i].physical_start, map.desc[i].number_of_pages << EFI_PAGE_SHIFT,
			efi_type_to_e820(map.desc[i].type), 0
		};
	uint8_t *mm = add_tag(MB2_TAG_MMAP, 16 + map.count * sizeof(map.e820[0]));
	uint32_t entry_size = sizeof(map.e820[0]), mm_version = 0;
	memcpy(mm + 8, &entry_size, 4);
	memcpy(mm + 12, &mm_version, 4);
	memcpy(mm + 16, map.e820, map.count * sizeof(map.e820[0]));
	if (!map.efi)
		return;
	uint8_t *st = add_tag(MB2_TAG_EFI64, 16);
	memcpy(st + 8, &map.efi_system_table, 8);
	uint8_t *em = add_tag(MB2_TAG_EFI_MMAP, 16 + map.efi_count * sizeof(map.desc[0]));
	uint32_t desc_size = sizeof(map.desc[0]), version = EFI_DESC_VERSION;
	memcpy(em + 8, &desc_size, 4);
	memcpy(em + 12, &version, 4);
	memcpy(em + 16, map.desc, map.efi_count * sizeof(map.desc[0]));
}

static int refused(const char *kernel, bool quiet, const struct cl_error *err)
{
	if (!quiet)
		(void)printf("chainloader-check: %s: refused: chainloader would stop with\n", kernel);
	(void)printf("chainloader: error: %s\n", err->msg);
	return EXIT_REFUSED;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "options", required_argument, NULL, 'o' }, { "cmdline", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },  { "machine", required_argument, NULL, 'a' },
		{ "memmap", required_argument, NULL, 'M' },  { "firmware", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },         { "help", no_argument, NULL, 'h' },
		{ "efi-stub", no_argument, NULL, 'e' },      { "grub-cmdline", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *opts = NULL, *cmdline = NULL, *memmap = NULL, *memory = NULL, *firmware = NULL, *machine = NULL;
	const char *grub_cmdline = NULL;
	bool quiet = false, efi_stub = false;
	int c;
	if (atexit(free_modules))
		return EXIT_USAGE;
	opterr = 0; /* our own message, naming the option */
	while ((c = getopt_long(argc, argv, ":o:c:m:M:f:qheg:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': opts = optarg; break;
		case 'c': cmdline = optarg; break;
		case 'm': memory = optarg; break;
		case 'a': machine = option_arg("--machine", optarg, "pc", "q35"); break;
		case 'M': memmap = optarg; break;
		case 'f': firmware = option_arg("--firmware", optarg, "bios", "uefi"); break;
		case 'q': quiet = true; break;
		case 'e': efi_stub = true; break;
		case 'g': grub_cmdline = optarg; break;
		case 'h': (void)fputs(usage_text, stdout); return 0;
		case ':': bad_argument("%s needs a value (--help lists the options)", argv[optind - 1]);
		default: bad_argument("unknown option '%s' (--help lists the options)", argv[optind - 1]);
		}
	}
	size_t nmod = (size_t)(argc - optind);
	if (nmod > BOOT_INFO_MAX_MODULES)
		bad_argument("%zu files: at most %u (a kernel and %u initrds)", nmod, BOOT_INFO_MAX_MODULES,
			     BOOT_INFO_MAX_MODULES - 1);
	if (memory && memmap)
		bad_argument("--memory and --memmap: give one map, not both");
	if (machine && !memory)
		bad_argument("--machine %s: only with --memory", machine);
	if (efi_stub) {
		/* The loader options and the kernel's line come from GRUB's line; UEFI only. */
		if (opts || cmdline)
			bad_argument("%s: not with --efi-stub (the loader options and the kernel command line are in --grub-cmdline)",
				     opts ? "--options" : "--cmdline");
		if (!grub_cmdline)
			bad_argument("--efi-stub needs --grub-cmdline 'BOOT_IMAGE=/boot/chainloader.efi [options] -- <kernel command line>'");
		if (firmware && strcmp(firmware, "uefi") != 0)
			bad_argument("--firmware %s: chainloader.efi runs on UEFI only", firmware);
		if (nmod != 1)
			bad_argument("--efi-stub: %zu files: give one, the initrd GRUB hands over (its newc: members, then the plain initrds)",
				     nmod);
		firmware = "uefi";
	} else if (grub_cmdline) {
		bad_argument("--grub-cmdline: only with --efi-stub");
	}
	bool uefi = firmware && strcmp(firmware, "uefi") == 0;
	uint64_t mib = memory ? parse_mib(memory, uefi) : 0;

	/* The modules first: the UEFI model marks where they lie as GRUB's. */
	struct check_loaded loaded[2] = { { LOADER_START, WORKSPACE_END } };
	struct cl_error err;
	const char *kernel = nmod ? argv[optind] : "(no kernel)";
	int split = 0;
	if (efi_stub) {
		split = build_efi_stub_mbi(grub_cmdline, argv[optind], uefi && mib, loaded, efi_label, sizeof(efi_label), &err);
		kernel = split ? argv[optind] : efi_label;
	} else {
		build_mbi(opts ? opts : "", cmdline ? cmdline : "", argv + optind, nmod, uefi && mib, loaded);
	}
	if (mib) {
		check_map_machine(&map, machine && strcmp(machine, "q35") == 0 ? MACHINE_Q35 : MACHINE_PC, mib, uefi,
				  loaded, 2);
	} else if (memmap) {
		int rc = check_map_verbose(&map, memmap);
		if (rc < 0)
			bad_argument("--memmap '%s': %s", memmap, strerror(errno));
		if (rc > 0)
			bad_argument("--memmap '%s': no \"memory map from GRUB\" or \"EFI memory map\" lines (boot with `verbose`)",
				     memmap);
		if (map.efi && firmware && !uefi)
			bad_argument("--memmap '%s': an EFI memory map, but --firmware bios", memmap);
		uefi = uefi || map.efi;
	} else if (check_map_sysfs(&map, "/sys/firmware/memmap")) {
		bad_argument("/sys/firmware/memmap: %s (give --memory or --memmap)", strerror(errno));
	}
	/* chainloader.efi refuses GRUB's inputs before it plans (a bad map argument is reported first). */
	if (split)
		return refused(kernel, quiet, &err);
	add_map_tags();
	add_tag(MB2_TAG_END, 8);
	uint32_t total = (uint32_t)mbi_len;
	memcpy(mbi, &total, 4);

	struct loader_options opt;
	if (mb2_parse(mbi, MBI_PHYS, mbi_len, &info, &err) || options_parse(info.loader_cmdline, &opt, &err))
		return refused(kernel, quiet, &err);
	for (size_t i = 0; i < info.module_count; i++)
		info.modules[i].data = module_bytes[i];
	if (map.efi)
		info.mmap_count = 0; /* the EFI map alone, as after ExitBootServices */
	/* On BIOS, SeaBIOS's vectors (F segment) and EBDA, as boot/multiboot2/bios_main.c would read them. */
	struct plan_inputs in = { .info = &info, .entry = opt.entry, .loader = { LOADER_START, LOADER_END },
				  .workspace = { LOADER_END, WORKSPACE_END } };
	if (!uefi)
		in.bios = (struct bios_low_memory){ true, 0xF000E3FEu, 0xF000F859u, 0x9FC00 };
	in.mbi_data = mbi;
	if (boot_plan_make(&in, &plan, &err))
		return refused(kernel, quiet, &err);
	/* A plan that breaks an invariant is the loader's bug, not the kernel's. */
	if (boot_plan_check_invariants(&in, &plan, &err)) {
		(void)fprintf(stderr, "chainloader-check: internal error: %s\n", err.msg);
		return EXIT_INTERNAL;
	}
	if (!quiet)
		print_plan(kernel, &in);
	return 0;
}
