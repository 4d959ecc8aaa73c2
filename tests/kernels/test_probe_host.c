/* Host unit tests (cmocka) of the probe's pure logic: the page-table walker
 * on hand-built 4 KiB / 2 MiB / 1 GiB and 5-level tables, memory-map
 * questions, probe.* parsing, the printf subset, CRC-32, and the rules for
 * the ACPI RSDP, the EFI memory map, the framebuffer, the setup_data chain,
 * the RNG seeds and the KASLR rule (what the kernel reads late against the
 * EFI map's conventional memory). These paths are
 * not all reached by the QEMU boots (the loaders there use 2 MiB pages,
 * and hand over valid firmware data). */
#include "cmocka_all.h"

#include <stdlib.h>
#include <string.h>

#include "abi/e820.h"
#include "fwrules.h"
#include "memmap.h"
#include "pagewalk.h"
#include "params.h"
#include "cpu_bits.h"

/* What the probe image would provide. */
struct probe_state probe_state;
uint64_t paging_identity_limit(void)
{
	return UINT64_MAX; /* host memory: every table is readable */
}

static char out[1024];
static size_t out_len;
void serial_putc(char c)
{
	if (out_len + 1 < sizeof out)
		out[out_len++] = c;
	out[out_len] = '\0';
}
void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}

static const char *last_check;
static bool last_ok;
bool check(const char *name, bool ok, const char *f, ...)
{
	(void)f;
	last_check = name;
	last_ok = ok;
	return ok;
}

/* ---- page tables: "physical" addresses are host pointers ---- */

static uint64_t *table(void)
{
	uint64_t *t = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	assert_non_null(t);
	memset(t, 0, PAGE_SIZE);
	return t;
}

static uint64_t pa(const uint64_t *t)
{
	return (uint64_t)(uintptr_t)t;
}

#define RW (PTE_PRESENT | PTE_WRITE)
#define GIB (1ull << 30)
#define MIB2 (1ull << 21)

static void walks_1g_2m_and_4k_pages(void **state)
{
	(void)state;
	uint64_t *pml4 = table(), *pdpt = table(), *pd = table(), *pt = table();
	pml4[0] = pa(pdpt) | RW;
	pdpt[0] = 0 | RW | PTE_LARGE;            /* [0, 1 GiB) as one 1 GiB page */
	pdpt[1] = pa(pd) | RW;                   /* [1 GiB, 2 GiB) in 2 MiB pages */
	for (uint64_t i = 1; i < 512; i++)
		pd[i] = (GIB + i * MIB2) | RW | PTE_LARGE;
	pd[0] = pa(pt) | RW;                     /* first 2 MiB of it in 4 KiB pages */
	for (uint64_t i = 0; i < 512; i++)
		pt[i] = (GIB + i * PAGE_SIZE) | RW;
	char why[128];
	assert_true(pt_identity(pa(pml4), false, 0x1000, 0x3000, true, why, sizeof why));
	assert_true(pt_identity(pa(pml4), false, GIB - 0x1000, 4 * MIB2, true, why, sizeof why));
	assert_true(pt_identity(pa(pml4), false, 0, 2 * GIB, true, why, sizeof why));

	pt[5] = (GIB + 6 * PAGE_SIZE) | RW;      /* one 4 KiB page maps elsewhere */
	assert_false(pt_identity(pa(pml4), false, GIB, 8 * PAGE_SIZE, false, why, sizeof why));
	assert_string_equal(why, "0x40005000 maps to 0x40006000");
	pt[5] = 0;                               /* not present */
	assert_false(pt_identity(pa(pml4), false, GIB + 0x5800, 1, false, why, sizeof why));
	assert_string_equal(why, "0x40005800 not mapped");
	pt[5] = (GIB + 5 * PAGE_SIZE) | PTE_PRESENT; /* read-only */
	assert_true(pt_identity(pa(pml4), false, GIB, 8 * PAGE_SIZE, false, why, sizeof why));
	assert_false(pt_identity(pa(pml4), false, GIB, 8 * PAGE_SIZE, true, why, sizeof why));
	assert_string_equal(why, "0x40005000 read-only");
	pdpt[1] &= ~(uint64_t)PTE_WRITE;         /* read-only at an upper level */
	assert_false(pt_identity(pa(pml4), false, GIB + 4 * MIB2, 1, true, why, sizeof why));
	assert_false(pt_identity(pa(pml4), false, 2 * GIB, 1, false, why, sizeof why));
	assert_string_equal(why, "0x80000000 not mapped");
	free(pml4), free(pdpt), free(pd), free(pt);
}

static void walks_five_levels(void **state)
{
	(void)state;
	uint64_t *pml5 = table(), *pml4 = table(), *pdpt = table();
	pml5[0] = pa(pml4) | RW;
	pml4[0] = pa(pdpt) | RW;
	for (uint64_t i = 0; i < 4; i++)
		pdpt[i] = (i * GIB) | RW | PTE_LARGE;
	char why[128];
	assert_true(pt_identity(pa(pml5), true, 0, 4 * GIB, true, why, sizeof why));
	assert_false(pt_identity(pa(pml5), true, 4 * GIB, PAGE_SIZE, false, why, sizeof why));
	assert_string_equal(why, "0x100000000 not mapped");
	pml5[0] = 0; /* the fifth level is really walked */
	assert_false(pt_identity(pa(pml5), true, 0, PAGE_SIZE, false, why, sizeof why));
	free(pml5), free(pml4), free(pdpt);
}

/* ---- memory map ---- */

static const struct memmap qemu512 = {
	6,
	{ { 0x0, 0x9fc00, E820_TYPE_RAM }, { 0x9fc00, 0x400, E820_TYPE_RESERVED },
	  { 0xf0000, 0x10000, E820_TYPE_RESERVED }, { 0x100000, 0x1fee0000, E820_TYPE_RAM },
	  { 0x1ffe0000, 0x20000, E820_TYPE_RESERVED }, { 0xfffc0000, 0x40000, E820_TYPE_RESERVED } },
};

static void answers_memory_map_questions(void **state)
{
	(void)state;
	char why[160];
	assert_true(memmap_sane(&qemu512, why, sizeof why));
	assert_true(memmap_is_ram(&qemu512, 0x1000000, 0x1000000));
	assert_false(memmap_is_ram(&qemu512, 0x9f000, 0x2000));     /* into the EBDA */
	assert_false(memmap_is_ram(&qemu512, 0x1ffdf000, 0x2000));  /* past the top */
	assert_false(memmap_is_ram(&qemu512, 0x100000, 0));
	assert_int_equal(memmap_ram_total(&qemu512), 0x9fc00 + 0x1fee0000);
	assert_int_equal(memmap_ram_top_below(&qemu512, 1ull << 32), 0x1ffe0000);

	struct memmap split = { 2, { { 0x100000, 0x100000, 1 }, { 0x200000, 0x100000, 1 } } };
	assert_true(memmap_is_ram(&split, 0x180000, 0x100000)); /* adjacent RAM entries join */
	struct memmap bad = { 2, { { 0x100000, 0x200000, 1 }, { 0x200000, 0x100000, 2 } } };
	assert_false(memmap_sane(&bad, why, sizeof why));
	assert_string_equal(why, "entry 1 [0x200000,0x300000) overlaps entry 0 [0x100000,0x300000)");
	struct memmap unsorted = { 2, { { 0x200000, 0x1000, 1 }, { 0x100000, 0x1000, 1 } } };
	assert_false(memmap_sane(&unsorted, why, sizeof why));
	struct memmap empty = { 1, { { 0x200000, 0, 1 } } };
	assert_false(memmap_sane(&empty, why, sizeof why));

	/* Typed coverage and "touches RAM" (the RSDP, the framebuffer). */
	const uint32_t ram_res = MEMMAP_TYPE_BIT(E820_TYPE_RAM) | MEMMAP_TYPE_BIT(E820_TYPE_RESERVED);
	assert_true(memmap_is_types(&qemu512, 0x1ffd0000, 0x20000, ram_res)); /* RAM into reserved */
	assert_false(memmap_is_types(&qemu512, 0x1ffd0000, 0x20000, MEMMAP_TYPE_BIT(E820_TYPE_RESERVED)));
	assert_false(memmap_is_types(&qemu512, 0x1fff0000, 0x20000, ram_res)); /* into the hole */
	assert_true(memmap_is_types(&qemu512, 0xfffff000, 0x1000, ram_res));  /* ends at 4 GiB */
	assert_false(memmap_touches_ram(&qemu512, 0xf59d0, 20));      /* SeaBIOS' RSDP */
	assert_false(memmap_touches_ram(&qemu512, 0x9fc00, 0x60400)); /* EBDA to 1 MiB */
	assert_true(memmap_touches_ram(&qemu512, 0x9f000, 0x1000));
	assert_true(memmap_touches_ram(&qemu512, 0xff000, 0x2000));   /* last byte is RAM */
	assert_true(memmap_touches_ram(&qemu512, 0x0, UINT64_MAX));   /* everything */
	assert_false(memmap_touches_ram(&qemu512, 0xfd000000, 0x300000)); /* a framebuffer */
	assert_false(memmap_touches_ram(&qemu512, 0x1000000, 0));
	struct memmap top = { 1, { { 0xfffffffffffff000ull, 0x1000, 1 } } };
	assert_true(memmap_touches_ram(&top, 0xfffffffffffffff0ull, 0x100)); /* wraps */
	assert_true(memmap_is_ram(&top, 0xfffffffffffff000ull, 0x800)); /* the entry ends at 2^64 */
}

/* ---- probe.* arguments ---- */

static void parses_probe_arguments(void **state)
{
	(void)state;
	struct probe_params p;
	const char *s = "BOOT_IMAGE=/x probe.mem_mib=512 quiet probe.initrd_size=300001 "
			"probe.initrd_crc32=767259E8 probe.loader=0x72 \"a b\"";
	params_parse(s, strlen(s), &p);
	assert_true(p.mem_set && p.initrd_size_set && p.initrd_crc_set);
	assert_int_equal(p.mem_mib, 512);
	assert_int_equal(p.initrd_size, 300001);
	assert_int_equal(p.initrd_crc, 0x767259e8);
	assert_int_equal(p.loader, 0x72);
	assert_int_equal(p.mem_slack_mib, MEM_SLACK_MIB_DEFAULT);
	assert_string_equal(p.problem, "");
	params_check(&p);
	assert_true(last_ok);

	s = "probe.mem_mib=512";
	params_parse(s, strlen(s), &p);
	assert_int_equal(p.loader, LOADER_DEFAULT);
	params_check(&p);
	assert_false(last_ok); /* probe.initrd_size missing */

	assert_int_equal(p.firmware, FW_BIOS); /* the defaults */
	assert_int_equal(p.fb, FB_NONE);
	assert_int_equal(p.rsdp, RSDP_PASSED);
	s = "probe.firmware=uefi probe.fb=efi probe.rsdp=none probe.mem_mib=1 probe.initrd_size=0";
	params_parse(s, strlen(s), &p);
	assert_string_equal(p.problem, "");
	assert_int_equal(p.firmware, FW_UEFI);
	assert_int_equal(p.fb, FB_EFI);
	assert_int_equal(p.rsdp, RSDP_NONE);
	params_check(&p);
	assert_true(last_ok);
	s = "probe.firmware=bios probe.fb=vlfb probe.rsdp=passed probe.fb=none";
	params_parse(s, strlen(s), &p);
	assert_string_equal(p.problem, "");
	assert_int_equal(p.firmware, FW_BIOS);
	assert_int_equal(p.fb, FB_NONE); /* the last one counts */
	assert_int_equal(p.rsdp, RSDP_PASSED);
	s = "probe.fb=vlfb";
	params_parse(s, strlen(s), &p);
	assert_int_equal(p.fb, FB_VLFB);
	assert_int_equal(p.rng, RNG_UNCHECKED); /* absent: not checked */
	assert_false(p.secure_boot_set);
	assert_int_equal(p.kaslr, 0);
	s = "probe.kaslr=1";
	params_parse(s, strlen(s), &p);
	assert_string_equal(p.problem, "");
	assert_int_equal(p.kaslr, 1);

	const char *rng[] = { "probe.rng=setup", "probe.rng=efi", "probe.rng=none" };
	const enum probe_rng want_rng[] = { RNG_SETUP, RNG_EFI, RNG_NONE };
	for (size_t i = 0; i < 3; i++) {
		params_parse(rng[i], strlen(rng[i]), &p);
		assert_string_equal(p.problem, "");
		assert_int_equal(p.rng, want_rng[i]);
	}
	for (unsigned v = 0; v <= 3; v++) {
		char arg[32];
		fmt(arg, sizeof arg, "probe.secure_boot=%u", v);
		params_parse(arg, strlen(arg), &p);
		assert_string_equal(p.problem, "");
		assert_true(p.secure_boot_set);
		assert_int_equal(p.secure_boot, v);
	}

	const char *bad[] = { "probe.mem_mb=512", "probe.mem_mib=5x", "probe.initrd_crc32=123",
			      "probe.loader=0x100", "probe.mem_mib", "probe.firmware=efi",
			      "probe.firmware=", "probe.firmware=UEFI", "probe.firmware=uefi2",
			      "probe.fb=vesa", "probe.fb=ef", "probe.rsdp=yes", "probe.rsdp",
			      "probe.acpi=none", "probe.rng=EFI", "probe.rng=", "probe.rng=setup_data",
			      "probe.rng=rdrand", "probe.rng", "probe.secure_boot=4", "probe.secure_boot=",
			      "probe.secure_boot=disabled", "probe.secureboot=2",
			      "probe.kaslr=2", "probe.kaslr=yes", "probe.kaslr" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		params_parse(bad[i], strlen(bad[i]), &p);
		assert_true(p.problem[0] != '\0');
		params_check(&p);
		assert_false(last_ok);
	}
}

/* ---- ACPI RSDP ---- */

static void set_sum(uint8_t *p, size_t n, size_t at)
{
	uint8_t s = 0;
	p[at] = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	p[at] = (uint8_t)-s;
}

/* An RSDP as SeaBIOS (revision 0) or OVMF (revision 2) builds it. */
static void make_rsdp(uint8_t *p, uint8_t rev)
{
	memset(p, 0, 64);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "BOCHS ", 6);
	p[15] = rev;
	p[16] = 0x34, p[17] = 0x12; /* RsdtAddress */
	if (rev >= 2) {
		p[20] = RSDP_V2_LEN; /* Length */
		p[24] = 0x78, p[25] = 0x56; /* XsdtAddress */
	}
	set_sum(p, RSDP_V1_LEN, 8); /* the 1.0 checksum covers only the first 20 bytes */
	if (rev >= 2)
		set_sum(p, RSDP_V2_LEN, 32); /* the extended one all of them, byte 8 included */
}

static void checks_the_rsdp(void **state)
{
	(void)state;
	uint8_t r[64];
	char why[160];
	uint32_t len;
	make_rsdp(r, 0);
	assert_true(rsdp_valid(r, RSDP_V1_LEN, &len, why, sizeof why));
	assert_int_equal(len, RSDP_V1_LEN);
	assert_false(rsdp_valid(r, RSDP_V1_LEN - 1, &len, why, sizeof why));
	r[16] ^= 1; /* RsdtAddress changed, checksum not */
	assert_false(rsdp_valid(r, sizeof r, &len, why, sizeof why));
	assert_string_equal(why, "ACPI 1.0 checksum: the 20 bytes sum to 0x01");
	make_rsdp(r, 0);
	r[7] = '_';
	assert_false(rsdp_valid(r, sizeof r, &len, why, sizeof why));
	make_rsdp(r, 0);
	r[30] = 0x55; /* beyond 20 bytes: not covered in revision 0 */
	assert_true(rsdp_valid(r, sizeof r, &len, why, sizeof why));

	make_rsdp(r, 2);
	assert_true(rsdp_valid(r, sizeof r, &len, why, sizeof why));
	assert_int_equal(len, RSDP_V2_LEN);
	assert_false(rsdp_valid(r, RSDP_V2_LEN - 1, &len, why, sizeof why)); /* Length not readable */
	r[24] ^= 1; /* XsdtAddress: only the extended checksum covers it */
	assert_false(rsdp_valid(r, sizeof r, &len, why, sizeof why));
	assert_string_equal(why, "revision 2: extended checksum over 36 bytes sums to 0x01");
	make_rsdp(r, 2);
	r[20] = 30; /* Length below 36 */
	assert_false(rsdp_valid(r, sizeof r, &len, why, sizeof why));
	make_rsdp(r, 2);
	r[20] = 40; /* a longer (future) RSDP: its Length is summed */
	set_sum(r, 40, 32);
	assert_true(rsdp_valid(r, sizeof r, &len, why, sizeof why));
	assert_int_equal(len, 40);
	r[38] = 1;
	assert_false(rsdp_valid(r, sizeof r, &len, why, sizeof why));
}

/* ---- EFI memory map ---- */

#define DESC 48 /* OVMF's descriptor size: 40 bytes and padding */

static void put_desc(uint8_t *map, size_t i, uint32_t type, uint64_t start, uint64_t pages)
{
	struct efi_memdesc d = { type, 0, start, 0, pages, 0xf };
	memset(map + i * DESC, 0xee, DESC); /* the padding is skipped, whatever it holds */
	memcpy(map + i * DESC, &d, sizeof d);
}

static void checks_the_efi_memory_map(void **state)
{
	(void)state;
	char why[200];
	assert_true(efi_memmap_shape_ok(48 * 3, 48, why, sizeof why));
	assert_true(efi_memmap_shape_ok(40, 40, why, sizeof why));
	assert_false(efi_memmap_shape_ok(44 * 2, 44, why, sizeof why)); /* not a multiple of 8 */
	assert_false(efi_memmap_shape_ok(32 * 2, 32, why, sizeof why)); /* too small */
	assert_false(efi_memmap_shape_ok(0, 48, why, sizeof why));
	assert_false(efi_memmap_shape_ok(48 * 3 + 8, 48, why, sizeof why));
	assert_string_equal(why, "efi_memmap_size 152 not a nonzero multiple of 48");

	/* Not sorted on purpose: the order is the firmware's. */
	uint8_t map[6 * DESC];
	put_desc(map, 0, 7, 0x100000, 0x1fe00);     /* conventional [1 MiB, 511 MiB) */
	put_desc(map, 1, 3, 0x1000, 0x9e);          /* boot services code, low memory */
	put_desc(map, 2, 6, 0x1ff00000, 0x80);      /* runtime services data */
	put_desc(map, 3, 4, 0x1ff80000, 0x80);      /* boot services data */
	put_desc(map, 4, 11, 0xffc00000, 0x400);    /* MMIO (flash) */
	put_desc(map, 5, 7, 0x0, 1);                /* conventional page 0 */
	assert_true(efi_memmap_descs_ok(map, sizeof map, DESC, why, sizeof why));
	struct memmap e820 = { 4,
		{ { 0x0, 0xa0000, E820_TYPE_RAM }, { 0x100000, 0x1fe00000, E820_TYPE_RAM },
		  { 0x1ff00000, 0x80000, E820_TYPE_RESERVED }, { 0x1ff80000, 0x80000, E820_TYPE_RAM } } };
	assert_true(efi_memmap_agrees(map, sizeof map, DESC, &e820, why, sizeof why));

	e820.e[2].type = E820_TYPE_RAM; /* runtime data handed out as RAM */
	assert_false(efi_memmap_agrees(map, sizeof map, DESC, &e820, why, sizeof why));
	assert_string_equal(why, "descriptor 2: type 6 [0x1ff00000, 0x1ff80000) is e820 RAM");
	e820.e[2].type = E820_TYPE_RESERVED;
	e820.e[3].type = E820_TYPE_RESERVED; /* boot services data may be either */
	assert_true(efi_memmap_agrees(map, sizeof map, DESC, &e820, why, sizeof why));
	e820.e[1].size -= 0x1000; /* the last conventional page missing */
	assert_false(efi_memmap_agrees(map, sizeof map, DESC, &e820, why, sizeof why));
	assert_string_equal(why, "descriptor 0: conventional memory [0x100000, 0x1ff00000) not e820 RAM");

	put_desc(map, 4, 16, 0xffc00000, 0x400);
	assert_false(efi_memmap_descs_ok(map, sizeof map, DESC, why, sizeof why));
	assert_string_equal(why, "descriptor 4: type >= 16 (type 16, start 0xffc00000, 1024 pages)");
	put_desc(map, 4, 11, 0xffc00000, 0);
	assert_false(efi_memmap_descs_ok(map, sizeof map, DESC, why, sizeof why));
	put_desc(map, 4, 11, 0xffc00800, 1);
	assert_false(efi_memmap_descs_ok(map, sizeof map, DESC, why, sizeof why));
	put_desc(map, 4, 11, 0xfffffffffffff000ull, 2);
	assert_false(efi_memmap_descs_ok(map, sizeof map, DESC, why, sizeof why));
	put_desc(map, 4, 11, 0xfffffffffffff000ull, 1); /* up to the very top */
	assert_true(efi_memmap_descs_ok(map, sizeof map, DESC, why, sizeof why));
	put_desc(map, 4, 11, 0, 1ull << 60);
	assert_false(efi_memmap_descs_ok(map, sizeof map, DESC, why, sizeof why));
}

/* ---- framebuffer ---- */

static struct screen_info fb_800x600x24(uint8_t type, uint32_t size)
{
	struct screen_info si = { 0 };
	si.orig_video_isVGA = type;
	si.lfb_width = 800, si.lfb_height = 600, si.lfb_depth = 24, si.lfb_linelength = 2400;
	si.lfb_base = 0x80000000u;
	si.lfb_size = size;
	si.red_size = 8, si.red_pos = 16, si.green_size = 8, si.green_pos = 8, si.blue_size = 8;
	return si;
}

static void checks_the_framebuffer(void **state)
{
	(void)state;
	char why[160];
	/* 2400 * 600 = 1440000 bytes = 21.97 * 64 KiB */
	struct screen_info si = fb_800x600x24(VIDEO_TYPE_EFI, 1440000);
	assert_true(lfb_mode_ok(&si, why, sizeof why));
	assert_true(lfb_size_ok(&si, true, why, sizeof why));       /* chainloader: exact */
	si.lfb_size = 22 * 0x10000;
	assert_true(lfb_size_ok(&si, true, why, sizeof why));       /* GRUB: rounded up to 64 KiB */
	si.lfb_size = 22 * 0x10000 + 1;
	assert_false(lfb_size_ok(&si, true, why, sizeof why));
	si.lfb_size = 1440000 - 1;
	assert_false(lfb_size_ok(&si, true, why, sizeof why));
	assert_string_equal(why, "lfb_size 1439999 bytes, want 1440000..1441792 (lfb_linelength 2400 * height 600)");
	si.lfb_size = 22; /* VLFB counts 64 KiB units, rounded up */
	assert_true(lfb_size_ok(&si, false, why, sizeof why));
	assert_int_equal(lfb_bytes(&si, false), 22 * 0x10000);
	si.lfb_size = 21;
	assert_false(lfb_size_ok(&si, false, why, sizeof why));
	si.lfb_size = 23;
	assert_false(lfb_size_ok(&si, false, why, sizeof why));
	si.lfb_size = 1440000; /* bytes where units belong */
	assert_false(lfb_size_ok(&si, false, why, sizeof why));
	assert_int_equal(lfb_bytes(&si, true), 1440000);

	si = fb_800x600x24(VIDEO_TYPE_VLFB, 22);
	si.lfb_linelength = 2399;
	assert_false(lfb_mode_ok(&si, why, sizeof why));
	assert_string_equal(why, "lfb_linelength 2399 < 800 pixels * 3 bytes");
	si = fb_800x600x24(VIDEO_TYPE_VLFB, 22);
	si.lfb_depth = 32; /* 800 * 4 > 2400 */
	assert_false(lfb_mode_ok(&si, why, sizeof why));
	si.lfb_depth = 0;
	assert_false(lfb_mode_ok(&si, why, sizeof why));
	si = fb_800x600x24(VIDEO_TYPE_VLFB, 22);
	si.lfb_height = 0;
	assert_false(lfb_mode_ok(&si, why, sizeof why));

	si = fb_800x600x24(VIDEO_TYPE_EFI, 1440000);
	assert_true(lfb_colours_ok(&si, why, sizeof why));
	si.rsvd_size = 8, si.rsvd_pos = 24; /* reserved beyond 24 bits */
	assert_false(lfb_colours_ok(&si, why, sizeof why));
	assert_string_equal(why, "rsvd bits [24, 32) beyond depth 24");
	si.lfb_depth = 32; /* x8r8g8b8 */
	assert_true(lfb_colours_ok(&si, why, sizeof why));
	si.rsvd_pos = 20; /* into red */
	assert_false(lfb_colours_ok(&si, why, sizeof why));
	assert_string_equal(why, "rsvd bits [20, 28) overlap another field");
	si = fb_800x600x24(VIDEO_TYPE_EFI, 1440000);
	si.green_size = 0;
	assert_false(lfb_colours_ok(&si, why, sizeof why));
	si = fb_800x600x24(VIDEO_TYPE_EFI, 1440000);
	si.lfb_depth = 16, si.red_pos = 11, si.red_size = 5, si.green_pos = 5, si.green_size = 6,
	si.blue_size = 5; /* r5g6b5 */
	assert_true(lfb_colours_ok(&si, why, sizeof why));
	si.green_size = 7;
	assert_false(lfb_colours_ok(&si, why, sizeof why));
	si.green_size = 6, si.red_size = 6; /* past bit 16 */
	assert_false(lfb_colours_ok(&si, why, sizeof why));

	si = fb_800x600x24(VIDEO_TYPE_EFI, 1440000);
	si.ext_lfb_base = 0x38;
	assert_int_equal(lfb_base(&si), 0x80000000u); /* ignored without the capability */
	si.capabilities = VIDEO_CAPABILITY_64BIT_BASE;
	assert_int_equal(lfb_base(&si), 0x3880000000ull);
}

/* ---- the setup_data chain and the RNG seeds ---- */

/* A node with len bytes of data, in a buffer of its own. */
static struct setup_data *node(uint32_t type, uint32_t len, uint8_t fill)
{
	struct setup_data *n = calloc(1, sizeof *n + len);
	assert_non_null(n);
	n->type = type;
	n->len = len;
	memset(n + 1, fill, len);
	return n;
}

static uint64_t at(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void walks_the_setup_data_chain(void **state)
{
	(void)state;
	struct setup_data_walk w;
	char why[200], want[200];
	assert_true(setup_data_walk(0, UINT64_MAX, &w, why, sizeof why)); /* no chain */
	assert_int_equal(w.nodes, 0);
	assert_int_equal(w.rng_nodes, 0);

	/* As chainloader chains them: SETUP_E820_EXT, then SETUP_RNG_SEED. */
	struct setup_data *ext = node(SETUP_E820_EXT, 20 * 3, 0x11), *seed = node(SETUP_RNG_SEED, 32, 0x5a);
	ext->next = at(seed);
	assert_true(setup_data_walk(at(ext), UINT64_MAX, &w, why, sizeof why));
	assert_int_equal(w.nodes, 2);
	assert_int_equal(w.rng_nodes, 1);
	assert_int_equal(w.rng_addr, at(seed));
	assert_int_equal(w.rng_len, 32);
	assert_int_equal(w.end[0], at(ext) + 16 + 60);

	/* Everything must lie below the limit: the header, then the data. */
	assert_false(setup_data_walk(at(seed), at(seed) + 8, &w, why, sizeof why));
	fmt(want, sizeof want, "node 0 at 0x%lx: header unreadable", at(seed));
	assert_string_equal(why, want);
	assert_false(setup_data_walk(at(seed), at(seed) + 16 + 31, &w, why, sizeof why));
	fmt(want, sizeof want, "node 0 at 0x%lx (type 9): its 32 bytes of data unreadable", at(seed));
	assert_string_equal(why, want);
	assert_true(setup_data_walk(at(seed), at(seed) + 16 + 32, &w, why, sizeof why));
	assert_false(setup_data_walk(UINT64_MAX - 7, UINT64_MAX, &w, why, sizeof why)); /* wraps: never read */

	/* Loops, to itself or back to the start, and nodes overlapping. */
	seed->next = at(seed);
	assert_false(setup_data_walk(at(ext), UINT64_MAX, &w, why, sizeof why));
	assert_non_null(strstr(why, "node 2 ["));
	assert_non_null(strstr(why, "overlaps node 1 ["));
	assert_non_null(strstr(why, ": a loop"));
	seed->next = at(ext);
	assert_false(setup_data_walk(at(ext), UINT64_MAX, &w, why, sizeof why));
	assert_non_null(strstr(why, ": a loop"));
	seed->next = at(ext) + 24; /* inside ext's data */
	assert_false(setup_data_walk(at(ext), UINT64_MAX, &w, why, sizeof why));
	assert_non_null(strstr(why, "overlaps node 0"));
	assert_null(strstr(why, "a loop"));

	/* Two seeds: both counted, the first one kept. */
	struct setup_data *seed2 = node(SETUP_RNG_SEED, 32, 0x77);
	seed->next = at(seed2);
	assert_true(setup_data_walk(at(ext), UINT64_MAX, &w, why, sizeof why));
	assert_int_equal(w.nodes, 3);
	assert_int_equal(w.rng_nodes, 2);
	assert_int_equal(w.rng_addr, at(seed));
	free(seed2);

	/* At most SETUP_DATA_NODES_MAX nodes. */
	struct setup_data *many[SETUP_DATA_NODES_MAX + 1];
	for (int i = SETUP_DATA_NODES_MAX; i >= 0; i--) {
		many[i] = node(SETUP_E820_EXT, 4, 0);
		many[i]->next = i < SETUP_DATA_NODES_MAX ? at(many[i + 1]) : 0;
	}
	assert_false(setup_data_walk(at(many[0]), UINT64_MAX, &w, why, sizeof why));
	assert_non_null(strstr(why, "more than 32 nodes"));
	assert_true(setup_data_walk(at(many[1]), UINT64_MAX, &w, why, sizeof why));
	assert_int_equal(w.nodes, SETUP_DATA_NODES_MAX);
	for (int i = 0; i <= SETUP_DATA_NODES_MAX; i++)
		free(many[i]);
	free(ext);
	free(seed);
}

static void checks_rng_seeds(void **state)
{
	(void)state;
	char why[200];
	uint8_t b[32] = { 0 };
	assert_false(rng_seed_bytes_ok(b, sizeof b, why, sizeof why));
	assert_string_equal(why, "all 32 bytes are 0x00");
	memset(b, 0xa5, sizeof b);
	assert_false(rng_seed_bytes_ok(b, sizeof b, why, sizeof why));
	assert_string_equal(why, "all 32 bytes are 0xa5");
	b[31] = 0xa4;
	assert_true(rng_seed_bytes_ok(b, sizeof b, why, sizeof why));
	b[31] = 0xa5, b[0] = 0;
	assert_true(rng_seed_bytes_ok(b, sizeof b, why, sizeof why));
	assert_false(rng_seed_bytes_ok(b, 0, why, sizeof why));
	assert_false(rng_seed_bytes_ok(b + 1, 1, why, sizeof why));

	assert_false(efi_rng_seed_size_ok(0, why, sizeof why));
	assert_false(efi_rng_seed_size_ok(31, why, sizeof why));
	assert_string_equal(why, "size 31 not in [32, 1024]");
	assert_true(efi_rng_seed_size_ok(32, why, sizeof why));
	assert_true(efi_rng_seed_size_ok(64, why, sizeof why)); /* a previous seed appended */
	assert_true(efi_rng_seed_size_ok(1024, why, sizeof why));
	assert_false(efi_rng_seed_size_ok(1025, why, sizeof why));

	/* The GUID as the string 1ce1e5bc-7ceb-42f2-81e5-8aadf180f57b lays out in
	 * memory: the first three groups little-endian, the rest as written. */
	static const uint8_t bytes[16] = { 0xbc, 0xe5, 0xe1, 0x1c, 0xeb, 0x7c, 0xf2, 0x42,
					   0x81, 0xe5, 0x8a, 0xad, 0xf1, 0x80, 0xf5, 0x7b };
	const struct guid seed = LINUX_EFI_RANDOM_SEED_GUID;
	assert_memory_equal(&seed, bytes, 16);

	struct efi_config_entry t[4] = { 0 };
	const struct guid acpi20 = { 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } };
	struct guid near = seed;
	near.d4[7] ^= 1;
	t[0] = (struct efi_config_entry){ acpi20, 0x1000 };
	t[1] = (struct efi_config_entry){ near, 0x2000 };
	t[2] = (struct efi_config_entry){ seed, 0x3000 };
	t[3] = (struct efi_config_entry){ seed, 0x4000 };
	uint64_t addr = 1;
	assert_int_equal(efi_config_find(t, 0, &seed, &addr), 0);
	assert_int_equal(addr, 0);
	assert_int_equal(efi_config_find(t, 2, &seed, &addr), 0); /* one bit off is another GUID */
	assert_int_equal(efi_config_find(t, 3, &seed, &addr), 1);
	assert_int_equal(addr, 0x3000);
	assert_int_equal(efi_config_find(t, 4, &seed, &addr), 2);
	assert_int_equal(addr, 0x3000);
	assert_true(guid_equal(&t[0].guid, &acpi20));
	assert_false(guid_equal(&near, &seed));
}

/* ---- KASLR: what the kernel reads late against the EFI map ---- */

enum { T_RESERVED = 0, T_LOADER_DATA = 2, T_BS_CODE = 3, T_BS_DATA = 4, T_RT_DATA = 6, T_CONV = 7,
       T_ACPI_RECLAIM = 9, T_ACPI_NVS = 10 };
#define TBIT(t) (1u << (t))

static bool kaslr_ok(const uint8_t *map, size_t size, uint64_t addr, uint64_t len, uint64_t *desc, char *why,
		     size_t why_size)
{
	return efi_kaslr_range_ok(map, size, DESC, "EFI memory map", addr, len, desc, why, why_size);
}

/* OVMF at 512 MiB, simplified: one conventional range from 8 MiB up to just
 * below the firmware's own memory at the top of low memory, where the loader's
 * allocations (loader data, ACPI reclaim) lie. Not sorted on purpose. */
static void checks_kaslr_with_one_large_conventional_range(void **state)
{
	(void)state;
	char why[240];
	uint64_t desc = 99;
	uint8_t map[9 * DESC];
	put_desc(map, 0, T_CONV, 0x800000, 0x1e800);          /* [8 MiB, 0x1f000000) */
	put_desc(map, 1, T_CONV, 0x0, 0xa0);                  /* [0, 640 KiB) */
	put_desc(map, 2, T_LOADER_DATA, 0x100000, 0x700);     /* [1 MiB, 8 MiB) */
	put_desc(map, 3, T_LOADER_DATA, 0x1f000000, 0x10);    /* the map's pages */
	put_desc(map, 4, T_ACPI_RECLAIM, 0x1f010000, 0x10);   /* the tables the loader installed */
	put_desc(map, 5, T_ACPI_NVS, 0x1f020000, 0x10);       /* the firmware's RSDP */
	put_desc(map, 6, T_RT_DATA, 0x1f030000, 0xd0);
	put_desc(map, 7, T_BS_DATA, 0x1f100000, 0xe00);
	put_desc(map, 8, T_RESERVED, 0x1ff00000, 0x100);
	assert_true(efi_memmap_descs_ok(map, sizeof map, DESC, why, sizeof why));

	/* The map in loader data, right above the conventional range: fine. */
	assert_true(kaslr_ok(map, sizeof map, 0x1f000000, 0x2000, &desc, why, sizeof why));
	assert_true(kaslr_ok(map, sizeof map, 0x7ff000, 0x1000, &desc, why, sizeof why)); /* ends where it starts */
	assert_int_equal(desc, 99);
	assert_true(kaslr_ok(map, sizeof map, 0x1effffff, 0, &desc, why, sizeof why));  /* nothing to read */
	/* Its last page in the conventional range: the decompressor may land there. */
	assert_false(kaslr_ok(map, sizeof map, 0x1efff000, 0x1000, &desc, why, sizeof why));
	assert_int_equal(desc, 0);
	assert_string_equal(why, "EFI memory map [0x1efff000, 0x1f000000) overlaps descriptor 0, EfiConventionalMemory "
				 "[0x800000, 0x1f000000): a KASLR destination");
	assert_false(kaslr_ok(map, sizeof map, 0x1effffff, 0x1001, &desc, why, sizeof why)); /* one byte in */
	assert_int_equal(desc, 0);
	assert_false(kaslr_ok(map, sizeof map, 0x9f000, 0x2000, &desc, why, sizeof why));   /* low memory */
	assert_int_equal(desc, 1);
	assert_true(kaslr_ok(map, sizeof map, 0xa0000, 0x60000, &desc, why, sizeof why));   /* the hole: no descriptor */

	/* The tables in ACPI reclaim memory, as Linux's stub allocates them. */
	assert_true(efi_kaslr_range_ok(map, sizeof map, DESC, "LINUX_EFI_TPM_EVENT_LOG table", 0x1f010018,
				       EFI_TPM_LOG_HDR + 10169, &desc, why, sizeof why));
	assert_int_equal(efi_memmap_types_touched(map, sizeof map, DESC, 0x1f010018, EFI_TPM_LOG_HDR + 10169),
			 TBIT(T_ACPI_RECLAIM));
	assert_int_equal(efi_memmap_types_touched(map, sizeof map, DESC, 0x1f00f000, 0x2000),
			 TBIT(T_LOADER_DATA) | TBIT(T_ACPI_RECLAIM));
	assert_int_equal(efi_memmap_types_touched(map, sizeof map, DESC, 0xa0000, 0x1000), 0);
	assert_false(efi_kaslr_range_ok(map, sizeof map, DESC, "LINUX_EFI_RANDOM_SEED table", 0x1000018,
					EFI_RNG_SEED_HDR + 32, &desc, why, sizeof why));
	assert_string_equal(why, "LINUX_EFI_RANDOM_SEED table [0x1000018, 0x100003c) overlaps descriptor 0, "
				 "EfiConventionalMemory [0x800000, 0x1f000000): a KASLR destination");

	/* The RSDP: the firmware's own (ACPI NVS, or across NVS and runtime data)
	 * passes; a copy must keep out of conventional memory like the rest. */
	bool fw = false;
	assert_true(efi_kaslr_rsdp_ok(map, sizeof map, DESC, 0x1f020014, 36, &fw, why, sizeof why));
	assert_true(fw);
	assert_true(efi_kaslr_rsdp_ok(map, sizeof map, DESC, 0x1f02fff0, 36, &fw, why, sizeof why));
	assert_true(fw);
	assert_true(efi_kaslr_rsdp_ok(map, sizeof map, DESC, 0x1f000000, 36, &fw, why, sizeof why)); /* a copy, safe */
	assert_false(fw);
	assert_true(efi_kaslr_rsdp_ok(map, sizeof map, DESC, 0xf5000, 36, &fw, why, sizeof why)); /* no descriptor */
	assert_false(fw);
	assert_false(efi_kaslr_rsdp_ok(map, sizeof map, DESC, 0x1000000, 36, &fw, why, sizeof why));
	assert_false(fw);
	assert_string_equal(why, "ACPI RSDP (not in the firmware's memory) [0x1000000, 0x1000024) overlaps descriptor 0, "
				 "EfiConventionalMemory [0x800000, 0x1f000000): a KASLR destination");
	/* Half in the firmware's memory, half in conventional: a copy, and unsafe. */
	assert_false(efi_kaslr_rsdp_ok(map, sizeof map, DESC, 0x1effffec, 36, &fw, why, sizeof why));
	assert_false(fw);
	/* A map that calls the firmware's table conventional too (overlapping
	 * descriptors): the firmware's own table is not the loader's to move. */
	put_desc(map, 8, T_CONV, 0x1f020000, 1);
	assert_true(efi_kaslr_rsdp_ok(map, sizeof map, DESC, 0x1f020014, 36, &fw, why, sizeof why));
	assert_true(fw);
	assert_false(kaslr_ok(map, sizeof map, 0x1f020014, 36, &desc, why, sizeof why)); /* anything else fails */
	assert_int_equal(desc, 8);

	/* Coverage by types, in any order, gaps and all. */
	const uint32_t fwt = EFI_FIRMWARE_TABLE_TYPES;
	assert_true(efi_memmap_covered(map, sizeof map, DESC, 0x1f010000, 0xf0000, fwt | TBIT(T_ACPI_RECLAIM)));
	assert_false(efi_memmap_covered(map, sizeof map, DESC, 0x1f00f000, 0x2000, fwt));
	assert_false(efi_memmap_covered(map, sizeof map, DESC, 0x9f000, 0x2000, TBIT(T_CONV))); /* into the hole */
	assert_false(efi_memmap_covered(map, sizeof map, DESC, 0x1f010000, 0, fwt));
}

/* OVMF's map after GRUB and the loader ran: boot-services code and data in
 * pieces of a page or a few, with single free (conventional) pages between,
 * listed from the top down. */
static void checks_kaslr_in_a_fragmented_map(void **state)
{
	(void)state;
	enum { N = 60 };
	uint8_t map[N * DESC];
	uint64_t top = 0x1e5ea000, desc = 0;
	char why[240], want[240];
	for (size_t i = 0; i < N; i++) {
		uint32_t type = i % 10 == 9 ? T_CONV : i % 2 ? T_BS_DATA : T_BS_CODE;
		uint64_t pages = type == T_CONV ? 1 : 1 + i % 3;
		put_desc(map, N - 1 - i, type, top, pages); /* the highest first */
		top += pages << 12;
	}
	assert_true(efi_memmap_descs_ok(map, sizeof map, DESC, why, sizeof why));
	/* The first nine pieces (descriptors N-1 .. N-9): boot services only. */
	uint64_t first_conv = 0x1e5ea000;
	for (size_t i = 0; i < 9; i++)
		first_conv += (uint64_t)(1 + i % 3) << 12;
	assert_true(kaslr_ok(map, sizeof map, 0x1e5ea000, first_conv - 0x1e5ea000, &desc, why, sizeof why));
	assert_int_equal(efi_memmap_types_touched(map, sizeof map, DESC, 0x1e5ea000, first_conv - 0x1e5ea000),
			 TBIT(T_BS_CODE) | TBIT(T_BS_DATA));
	assert_true(efi_memmap_covered(map, sizeof map, DESC, 0x1e5ea000, first_conv - 0x1e5ea000,
				       TBIT(T_BS_CODE) | TBIT(T_BS_DATA)));
	/* One byte more reaches the free page between them (listed as descriptor N-10). */
	assert_false(kaslr_ok(map, sizeof map, 0x1e5ea000, first_conv - 0x1e5ea000 + 1, &desc, why, sizeof why));
	assert_int_equal(desc, N - 10);
	fmt(want, sizeof want, "EFI memory map [0x1e5ea000, 0x%lx) overlaps descriptor %d, EfiConventionalMemory "
	    "[0x%lx, 0x%lx): a KASLR destination", first_conv + 1, N - 10, first_conv, first_conv + 0x1000);
	assert_string_equal(why, want);
	assert_false(efi_memmap_covered(map, sizeof map, DESC, 0x1e5ea000, first_conv - 0x1e5ea000 + 1,
					TBIT(T_BS_CODE) | TBIT(T_BS_DATA)));
	/* A range over all of it: the first conventional piece in the map's
	 * order is the one named (the highest address: listed first). */
	assert_false(kaslr_ok(map, sizeof map, 0x1e5ea000, top - 0x1e5ea000, &desc, why, sizeof why));
	assert_int_equal(desc, 0);
	assert_int_equal(efi_memmap_types_touched(map, sizeof map, DESC, 0x1e5ea000, top - 0x1e5ea000),
			 TBIT(T_BS_CODE) | TBIT(T_BS_DATA) | TBIT(T_CONV));
	assert_true(efi_memmap_covered(map, sizeof map, DESC, 0x1e5ea000, top - 0x1e5ea000,
				       TBIT(T_BS_CODE) | TBIT(T_BS_DATA) | TBIT(T_CONV)));
	assert_true(kaslr_ok(map, sizeof map, top, 0x100000, &desc, why, sizeof why)); /* above the map's end */
}

/* As many descriptors as chainloader takes (E820_BUILD_MAX_INPUT in
 * loader/plan/e820_build.h, 2 * BOOT_INFO_MAX_MMAP; not included here: its
 * struct mem_range is not the probe's), one page each: the walk reaches the
 * last one, and only the last is conventional. */
#define LOADER_EFI_DESCS_MAX 1024
static void checks_kaslr_near_the_descriptor_limit(void **state)
{
	(void)state;
	const size_t n = LOADER_EFI_DESCS_MAX;
	uint8_t *map = malloc(n * DESC);
	assert_non_null(map);
	char why[240], want[240];
	uint64_t desc = 0;
	for (size_t i = 0; i < n; i++)
		put_desc(map, i, i == n - 1 ? T_CONV : i % 2 ? T_LOADER_DATA : T_BS_DATA, 0x100000 + i * 0x1000, 1);
	assert_true(efi_memmap_shape_ok(n * DESC, DESC, why, sizeof why));
	assert_true(efi_memmap_descs_ok(map, n * DESC, DESC, why, sizeof why));
	uint64_t last = 0x100000 + (n - 1) * 0x1000;
	assert_true(kaslr_ok(map, n * DESC, 0x100000, last - 0x100000, &desc, why, sizeof why));
	assert_false(kaslr_ok(map, n * DESC, last - 0x1000, 0x1001, &desc, why, sizeof why));
	assert_int_equal(desc, n - 1);
	fmt(want, sizeof want, "EFI memory map [0x%lx, 0x%lx) overlaps descriptor %zu, EfiConventionalMemory "
	    "[0x%lx, 0x%lx): a KASLR destination", last - 0x1000, last + 1, n - 1, last, last + 0x1000);
	assert_string_equal(why, want);
	/* A map one descriptor short (size counts, not what lies beyond it). */
	assert_true(kaslr_ok(map, (n - 1) * DESC, last, 0x1000, &desc, why, sizeof why));
	assert_int_equal(efi_memmap_types_touched(map, n * DESC, DESC, 0x100000, n * 0x1000),
			 TBIT(T_BS_DATA) | TBIT(T_LOADER_DATA) | TBIT(T_CONV));
	assert_true(efi_memmap_covered(map, n * DESC, DESC, 0x100000, n * 0x1000,
				       TBIT(T_BS_DATA) | TBIT(T_LOADER_DATA) | TBIT(T_CONV)));
	free(map);
}

static void knows_the_kaslr_table_facts(void **state)
{
	(void)state;
	char why[200];
	uint8_t r[64];
	make_rsdp(r, 0);
	assert_int_equal(rsdp_kaslr_len(r), 36); /* revision 0: 20 bytes, 36 checked */
	make_rsdp(r, 2);
	assert_int_equal(rsdp_kaslr_len(r), 36);
	r[20] = 40;
	assert_int_equal(rsdp_kaslr_len(r), 40);
	r[20] = 20;
	assert_int_equal(rsdp_kaslr_len(r), 36); /* not believed */
	r[20] = 0x88, r[21] = 0x13;             /* 5000 */
	assert_int_equal(rsdp_kaslr_len(r), 36);

	assert_true(efi_tpm_log_size_ok(10169, why, sizeof why));
	assert_true(efi_tpm_log_size_ok(EFI_TPM_LOG_MAX, why, sizeof why));
	assert_false(efi_tpm_log_size_ok(EFI_TPM_LOG_MAX + 1, why, sizeof why));
	assert_string_equal(why, "size 16777217 beyond 16777216");

	assert_string_equal(efi_type_name(7), "EfiConventionalMemory");
	assert_string_equal(efi_type_name(9), "EfiACPIReclaimMemory");
	assert_string_equal(efi_type_name(16), "type >= 16");

	/* b7799cb0-eca2-4943-9667-1fae07b747fa as it lies in memory. */
	static const uint8_t bytes[16] = { 0xb0, 0x9c, 0x79, 0xb7, 0xa2, 0xec, 0x43, 0x49,
					   0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa };
	const struct guid tpm = LINUX_EFI_TPM_EVENT_LOG_GUID;
	assert_memory_equal(&tpm, bytes, 16);
}

/* ---- printing and CRC ---- */

static void formats_like_printf(void **state)
{
	(void)state;
	char b[64];
	assert_int_equal(fmt(b, sizeof b, "%s=%u/%d/0x%lx/%08x/%zu%%", "a", 7u, -5, 0xdeadbeefcafeul, 0xbeefu,
			     (size_t)3), strlen("a=7/-5/0xdeadbeefcafe/0000beef/3%"));
	assert_string_equal(b, "a=7/-5/0xdeadbeefcafe/0000beef/3%");
	assert_int_equal(fmt(b, 4, "%s", "abcdef"), 6); /* cut, still terminated */
	assert_string_equal(b, "abc");
	out_len = 0;
	pr("x\ny");
	assert_string_equal(out, "x\r\ny");
}

static void crc32_matches_zlib(void **state)
{
	(void)state;
	/* zlib.crc32(b"123456789") == 0xcbf43926, the CRC-32 check value */
	assert_int_equal(crc32("123456789", 9), 0xcbf43926);
	assert_int_equal(crc32("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_1g_2m_and_4k_pages),
		cmocka_unit_test(walks_five_levels),
		cmocka_unit_test(answers_memory_map_questions),
		cmocka_unit_test(parses_probe_arguments),
		cmocka_unit_test(checks_the_rsdp),
		cmocka_unit_test(checks_the_efi_memory_map),
		cmocka_unit_test(checks_the_framebuffer),
		cmocka_unit_test(walks_the_setup_data_chain),
		cmocka_unit_test(checks_rng_seeds),
		cmocka_unit_test(checks_kaslr_with_one_large_conventional_range),
		cmocka_unit_test(checks_kaslr_in_a_fragmented_map),
		cmocka_unit_test(checks_kaslr_near_the_descriptor_limit),
		cmocka_unit_test(knows_the_kaslr_table_facts),
		cmocka_unit_test(formats_like_printf),
		cmocka_unit_test(crc32_matches_zlib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
