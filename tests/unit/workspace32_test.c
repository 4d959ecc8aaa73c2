/* find_workspace (arch/x86_64/workspace32.S), the 32-bit assembly that picks
 * the loader's workspace before paging, run natively in a 32-bit host process
 * (gcc -m32; cmocka has no 32-bit build on this machine, hence plain checks)
 * and compared with a brute-force oracle written from its contract: the
 * lowest page-aligned W >= 1 MiB with [W, W + WORKSPACE_SIZE) below 4 GiB,
 * inside one available entry, clear of every other entry, the image, the
 * information and every module. The information is built at fixed low
 * addresses (so it is part of the address space being searched) and ends
 * against an inaccessible page, so any read past it faults. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "abi/multiboot2.h"
#include "workspace.h"

/* unit.mk passes these and gives ld the same values for __image_start and
 * __image_end (the defaults are for the static checkers). */
#ifndef IMAGE_START
#define IMAGE_START 0x100000u
#define IMAGE_END 0x107a14u
#endif
#define MBI_AREA 0x00600000u  /* a 64 KiB window for the information, then a guard page */
#define MBI_AREA_SIZE 0x10000u
#define PAGE 4096u
#define FOUR_GIB 0x100000000ull

static int failures;
#define CHECK(cond, ...)                                                                                 \
	do {                                                                                             \
		if (!(cond)) {                                                                           \
			failures++;                                                                      \
			(void)fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                       \
			(void)fprintf(stderr, __VA_ARGS__);                                              \
			(void)fputc('\n', stderr);                                                       \
		}                                                                                        \
	} while (0)

static uint32_t call_find_workspace(const void *mbi)
{
	uint32_t base;
	__asm__ volatile("call find_workspace"
			 : "=a"(base)
			 : "S"(mbi)
			 : "ebx", "ecx", "edx", "edi", "memory", "cc");
	return base;
}

/* ---- the information, as the test describes it ---- */

struct entry {
	uint64_t base, len;
	uint32_t type;
};
struct module {
	uint32_t start, end;
};
struct layout {
	struct entry map[24];
	size_t nmap;
	struct module mod[8];
	size_t nmod;
};

static uint8_t *window;
static uint32_t mbi_size;

static uint8_t *put_tag(uint8_t *p, uint32_t type, uint32_t size)
{
	memcpy(p, &type, 4);
	memcpy(p + 4, &size, 4);
	return p;
}

/* Writes the information so that it ends exactly at the guard page. */
static uint8_t *build(const struct layout *l)
{
	static uint8_t tmp[MBI_AREA_SIZE];
	uint8_t *p = tmp + 8;
	for (size_t i = 0; i < l->nmod; i++) {
		put_tag(p, MB2_TAG_MODULE, 17);
		memcpy(p + 8, &l->mod[i].start, 4);
		memcpy(p + 12, &l->mod[i].end, 4);
		p[16] = 0;
		p += 24;
	}
	uint32_t msize = 16 + 24 * (uint32_t)l->nmap, esize = 24, ver = 0;
	put_tag(p, MB2_TAG_MMAP, msize);
	memcpy(p + 8, &esize, 4);
	memcpy(p + 12, &ver, 4);
	for (size_t i = 0; i < l->nmap; i++) {
		uint8_t *e = p + 16 + 24 * i;
		memset(e, 0, 24);
		memcpy(e, &l->map[i].base, 8);
		memcpy(e + 8, &l->map[i].len, 8);
		memcpy(e + 16, &l->map[i].type, 4);
	}
	p += (msize + 7) & ~7u;
	put_tag(p, MB2_TAG_END, 8);
	p += 8;
	mbi_size = (uint32_t)(p - tmp);
	memcpy(tmp, &mbi_size, 4);
	memset(tmp + 4, 0, 4);
	uint8_t *at = window + MBI_AREA_SIZE - mbi_size;
	memcpy(at, tmp, mbi_size);
	return at;
}

static int overlaps(uint64_t s, uint64_t e, uint64_t w)
{
	return s < w + WORKSPACE_SIZE && w < e;
}

static uint32_t oracle(const struct layout *l, uint32_t mbi_addr)
{
	uint64_t top = 0;
	for (size_t i = 0; i < l->nmap; i++)
		if (l->map[i].type == 1 && l->map[i].base + l->map[i].len > top)
			top = l->map[i].base + l->map[i].len;
	if (top > FOUR_GIB)
		top = FOUR_GIB;
	for (uint64_t w = WORKSPACE_MIN_BASE; w + WORKSPACE_SIZE < FOUR_GIB && w + WORKSPACE_SIZE <= top; w += PAGE) {
		int in_ram = 0, clear = !overlaps(IMAGE_START, IMAGE_END, w) && !overlaps(mbi_addr, mbi_addr + mbi_size, w);
		for (size_t i = 0; i < l->nmod && clear; i++)
			clear = !overlaps(l->mod[i].start, l->mod[i].end, w);
		for (size_t i = 0; i < l->nmap && clear; i++) {
			const struct entry *e = &l->map[i];
			if (e->type == 1)
				in_ram |= e->base <= w && e->base + e->len >= w + WORKSPACE_SIZE;
			else
				clear = !overlaps(e->base, e->base + e->len, w);
		}
		if (in_ram && clear)
			return (uint32_t)w;
	}
	return 0;
}

static void expect(const struct layout *l, const char *what)
{
	uint8_t *mbi = build(l);
	uint32_t got = call_find_workspace(mbi), want = oracle(l, (uint32_t)(uintptr_t)mbi);
	CHECK(got == want, "%s: find_workspace 0x%x, oracle 0x%x", what, got, want);
}

/* ---- cases ---- */

/* What SeaBIOS + GRUB gave in the boot tests: the kernel module right after
 * 1 MiB + 160 KiB, the initrd, the information after it. */
static void test_seabios_layout(void)
{
	struct layout l = { .nmap = 3, .nmod = 2 };
	l.map[0] = (struct entry){ 0, 0x9fc00, 1 };
	l.map[1] = (struct entry){ 0x9fc00, 0x400, 2 };
	l.map[2] = (struct entry){ 0x100000, 0x1fee0000, 1 };
	l.mod[0] = (struct module){ 0x128000, 0x3057c0 };
	l.mod[1] = (struct module){ 0x306000, 0x3eb200 };
	uint8_t *mbi = build(&l);
	uint32_t got = call_find_workspace(mbi);
	/* The 128 KiB gap after the image is too small; the first room is past
	 * the initrd (0x3eb200 -> 0x3ec000), the information being higher. */
	CHECK(got == 0x3ec000, "SeaBIOS layout: 0x%x, expected 0x3ec000", got);
	expect(&l, "SeaBIOS layout (oracle)");
}

static void test_no_room(void)
{
	struct layout l = { .nmap = 2, .nmod = 1 };
	l.map[0] = (struct entry){ 0, 0x9fc00, 1 };
	l.map[1] = (struct entry){ 0x100000, 0x400000, 1 };
	l.mod[0] = (struct module){ 0x108000, 0x4e0000 }; /* leaves 128 KiB at the end */
	uint8_t *mbi = build(&l);
	CHECK(call_find_workspace(mbi) == 0, "no room: expected 0");
	l.mod[0].end = 0x4d0000; /* now 192 KiB are free at 0x4d0000 */
	mbi = build(&l);
	CHECK(call_find_workspace(mbi) == 0x4d0000, "exact fit: 0x%x", call_find_workspace(mbi));
}

static void test_reserved_inside_ram(void)
{
	struct layout l = { .nmap = 2 };
	l.map[0] = (struct entry){ 0x100000, 0x7f00000, 1 };
	l.map[1] = (struct entry){ 0x108000, 0x200000, 2 }; /* overlapping, as some firmware reports */
	uint8_t *mbi = build(&l);
	CHECK(call_find_workspace(mbi) == 0x308000, "after the reserved range: 0x%x", call_find_workspace(mbi));
}

static void test_below_four_gib(void)
{
	struct layout l = { .nmap = 3 };
	l.map[0] = (struct entry){ 0x100000, 0x10000, 1 };                     /* too small */
	l.map[1] = (struct entry){ 0xFFFD0000, 0x30000, 1 };                   /* would end at 4 GiB exactly */
	l.map[2] = (struct entry){ 0x100000000ull, 0x100000000ull, 1 };         /* above 4 GiB */
	uint8_t *mbi = build(&l);
	CHECK(call_find_workspace(mbi) == 0, "nothing below 4 GiB: 0x%x", call_find_workspace(mbi));
	l.map[1] = (struct entry){ 0xFFFC0000, 0x3FFFFFFFull, 1 };               /* crosses 4 GiB */
	mbi = build(&l);
	CHECK(call_find_workspace(mbi) == 0xFFFC0000, "an entry crossing 4 GiB: 0x%x", call_find_workspace(mbi));
}

static void test_information_is_avoided(void)
{
	struct layout l = { .nmap = 1 };
	l.map[0] = (struct entry){ MBI_AREA, 0x1000000, 1 }; /* RAM starts at the window */
	expect(&l, "information at the start of RAM");
	uint8_t *mbi = build(&l);
	uint32_t got = call_find_workspace(mbi);
	CHECK(got >= (uint32_t)(uintptr_t)mbi + mbi_size, "workspace 0x%x over the information at %p", got, (void *)mbi);
}

/* A malformed tag ends the walk without reading past the information (the
 * guard page would fault) and without looping. */
static void test_malformed_tags(void)
{
	struct layout l = { .nmap = 1, .nmod = 1 };
	l.map[0] = (struct entry){ 0x100000, 0x1000000, 1 };
	l.mod[0] = (struct module){ 0x108000, 0x200000 };
	uint8_t *mbi = build(&l);
	uint32_t size = 4; /* the module tag claims 4 bytes: the walk must stop there */
	memcpy(mbi + 8 + 4, &size, 4);
	CHECK(call_find_workspace(mbi) == 0, "walk stopped before the map: 0x%x", call_find_workspace(mbi));
	mbi = build(&l);
	size = 0xFFFFFFF8u; /* reaches far past the information */
	memcpy(mbi + 8 + 4, &size, 4);
	CHECK(call_find_workspace(mbi) == 0, "oversized tag: 0x%x", call_find_workspace(mbi));
	mbi = build(&l);
	uint32_t total = 0xFFFFFFFFu; /* total_size beyond the window: stops at the end tag */
	memcpy(mbi, &total, 4);
	CHECK(call_find_workspace(mbi) == 0x200000, "total_size too large: 0x%x", call_find_workspace(mbi));
	mbi = build(&l);
	uint32_t esize = 8; /* entries shorter than 24 bytes: the map is skipped */
	memcpy(mbi + 8 + 24 + 8, &esize, 4);
	CHECK(call_find_workspace(mbi) == 0, "short map entries: 0x%x", call_find_workspace(mbi));
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Random maps in the first 32 MiB (page-granular and not), with modules. */
static void test_random_against_oracle(void)
{
	for (int round = 0; round < 3000; round++) {
		struct layout l = { .nmap = 1 + next_rand() % 8, .nmod = next_rand() % 5 };
		for (size_t i = 0; i < l.nmap; i++) {
			uint64_t base = next_rand() % (32u << 20), len = next_rand() % (8u << 20);
			if (next_rand() % 2)
				base &= ~0xFFFull, len &= ~0xFFFull;
			uint32_t kind = next_rand() % 8;
			l.map[i] = (struct entry){ base, len, kind < 5 ? 1 : kind == 5 ? 2 : kind };
			if (next_rand() % 16 == 0)
				l.map[i].base += 0xFFF00000ull; /* near or above 4 GiB */
		}
		for (size_t i = 0; i < l.nmod; i++) {
			uint32_t start = next_rand() % (32u << 20);
			l.mod[i] = (struct module){ start, start + next_rand() % (4u << 20) };
		}
		char what[32];
		(void)snprintf(what, sizeof(what), "random layout %d", round);
		expect(&l, what);
		if (failures > 10)
			return;
	}
}

int main(void)
{
	/* The window, then a guard page that faults on any read. */
	window = mmap((void *)(uintptr_t)MBI_AREA, MBI_AREA_SIZE + PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (window != (uint8_t *)(uintptr_t)MBI_AREA || mprotect(window + MBI_AREA_SIZE, PAGE, PROT_NONE)) {
		perror("mmap at 0x600000");
		return 2;
	}
	test_seabios_layout();
	test_no_room();
	test_reserved_inside_ram();
	test_below_four_gib();
	test_information_is_avoided();
	test_malformed_tags();
	test_random_against_oracle();
	printf("find_workspace: %s (%d failures)\n", failures ? "FAILED" : "all checks passed", failures);
	return failures != 0;
}
