/* Host unit tests (cmocka) of the probe's pure logic: the page-table walker
 * on hand-built 4 KiB / 2 MiB / 1 GiB and 5-level tables, memory-map
 * questions, probe.* parsing, the printf subset and CRC-32. These paths
 * are not all reached by the QEMU boots (the loaders there use 2 MiB pages). */
#include "cmocka_all.h"

#include <stdlib.h>
#include <string.h>

#include "e820.h"
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

	const char *bad[] = { "probe.mem_mb=512", "probe.mem_mib=5x", "probe.initrd_crc32=123",
			      "probe.loader=0x100", "probe.mem_mib" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		params_parse(bad[i], strlen(bad[i]), &p);
		assert_true(p.problem[0] != '\0');
	}
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
		cmocka_unit_test(formats_like_printf),
		cmocka_unit_test(crc32_matches_zlib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
