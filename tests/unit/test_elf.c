#include "cmocka_all.h"

#include <stdlib.h>
#include <string.h>

#include "abi/elf64.h"
#include "abi/pvh.h"
#include "builders.h"
#include "loader/format/elf.h"

static struct elf_kernel k;

static void parses_segments_entry_and_pvh_note(void **state)
{
	(void)state;
	uint8_t *img = make_elf(1);
	struct cl_error err;
	assert_true(elf_probe(img, ELF_TEST_SIZE));
	assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), 0);
	assert_int_equal(k.entry, 0x2000000);
	assert_int_equal(k.segment_count, 2);
	assert_int_equal(k.segments[0].paddr, 0x2000000);
	assert_int_equal(k.segments[0].offset, 0x1000);
	assert_int_equal(k.segments[1].paddr, 0x2100000);
	assert_int_equal(k.segments[1].filesz, 0x1000);
	assert_int_equal(k.segments[1].memsz, 0x11000);
	assert_true(k.has_pvh_entry);
	assert_int_equal(k.pvh_entry, 0x2000040);
	free(img);
	img = make_elf(0);
	assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), 0);
	assert_false(k.has_pvh_entry);
	free(img);
}

static void uses_p_paddr_not_p_vaddr_and_sorts(void **state)
{
	(void)state;
	uint8_t *img = make_elf(1);
	struct cl_error err;
	/* Swap the two loads and give the first a p_vaddr of 0, as Debian's vmlinux has. */
	uint8_t tmp[56];
	memcpy(tmp, img + ELF_TEST_PHDR(1), 56);
	memcpy(img + ELF_TEST_PHDR(1), img + ELF_TEST_PHDR(2), 56);
	memcpy(img + ELF_TEST_PHDR(2), tmp, 56);
	put64(img + ELF_TEST_PHDR(1) + 0x10, 0);
	assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), 0);
	assert_int_equal(k.segments[0].paddr, 0x2000000);
	assert_int_equal(k.segments[1].paddr, 0x2100000);
	free(img);
}

struct bad_case {
	const char *name;
	unsigned offset; /* where to write */
	unsigned width;  /* 1, 2, 4 or 8 bytes */
	uint64_t value;
	const char *message;
};

#define PH(i, field) (ELF_TEST_PHDR(i) + (unsigned)offsetof(struct elf64_phdr, field))
#define EH(field) ((unsigned)offsetof(struct elf64_ehdr, field))

static const struct bad_case bad_cases[] = {
	{ "magic", 0, 1, 0x7e, "ELF: magic 7e 45 4c 46 is not 7f 45 4c 46" },
	{ "class", 4, 1, 1, "ELF: class 1 is not ELFCLASS64 (2)" },
	{ "endian", 5, 1, 2, "ELF: data encoding 2 is not little-endian (1)" },
	{ "machine", EH(e_machine), 2, 3, "ELF: e_machine 3 is not EM_X86_64 (62)" },
	{ "type", EH(e_type), 2, 3, "ELF: e_type 3 is not ET_EXEC (2)" },
	{ "phentsize", EH(e_phentsize), 2, 32, "ELF: e_phentsize 32 is below 56" },
	{ "phnum 0", EH(e_phnum), 2, 0, "ELF: no program headers (e_phnum 0)" },
	{ "phoff in header", EH(e_phoff), 8, 0x10, "ELF: e_phoff 0x10 is inside the 64-byte ELF header" },
	{ "phoff 0", EH(e_phoff), 8, 0, "ELF: e_phoff 0x0 is inside the 64-byte ELF header" },
	{ "note align 3", PH(0, p_align), 8, 3, "ELF: PT_NOTE 0 p_align 3 is not a power of two" },
	{ "note align 12", PH(0, p_align), 8, 12, "ELF: PT_NOTE 0 p_align 12 is not a power of two" },
	{ "phoff", EH(e_phoff), 8, 0x3f80, "ELF: program headers at 0x3f80 (3 x 56 bytes) run past the module's 16384 bytes" },
	{ "phoff overflow", EH(e_phoff), 8, 0xffffffffffffffc0ull, "ELF: program headers at 0xffffffffffffffc0 (3 x 56 bytes) run past the module's 16384 bytes" },
	{ "load outside", PH(1, p_offset), 8, 0x3800, "ELF: PT_LOAD 1 at offset 0x3800 + filesz 0x2000 runs past the module's 16384 bytes" },
	{ "load overflow", PH(1, p_offset), 8, 0xfffffffffffff000ull, "ELF: PT_LOAD 1 at offset 0xfffffffffffff000 + filesz 0x2000 runs past the module's 16384 bytes" },
	{ "filesz > memsz", PH(2, p_memsz), 8, 0x800, "ELF: PT_LOAD 2 has p_filesz 0x1000 > p_memsz 0x800" },
	{ "overlap", PH(2, p_paddr), 8, 0x2001000, "ELF: PT_LOAD 2 [0x2001000, 0x2012000) overlaps another PT_LOAD [0x2000000, 0x2002000)" },
	{ "paddr overflow", PH(2, p_paddr), 8, 0xfffffffffffff000ull, "ELF: PT_LOAD 2 p_paddr 0xfffffffffffff000 + p_memsz 0x11000 overflows" },
	{ "note size", ELF_TEST_NOTE + 4, 4, 2, "ELF: Xen PHYS32_ENTRY note has descsz 2 (expected 4 or 8)" },
	{ "note past", ELF_TEST_NOTE + 4, 4, 100, "ELF: note at offset 0x100 (namesz 4, descsz 100) runs past its PT_NOTE" },
	{ "note outside", PH(0, p_offset), 8, 0x3ff0, "ELF: PT_NOTE 0 at offset 0x3ff0 + 0x14 runs past the module's 16384 bytes" },
	{ "entry", EH(e_entry), 8, 0x3000000, "ELF: e_entry 0x3000000 is outside every PT_LOAD's file bytes" },
	{ "pvh entry", ELF_TEST_NOTE + 16, 4, 0x2101000, "ELF: PVH entry 0x2101000 is outside every PT_LOAD's file bytes" },
	{ "no load", PH(1, p_memsz), 8, 0, "ELF: PT_LOAD 1 has p_filesz 0x2000 > p_memsz 0x0" },
};

static void each_corruption_has_its_own_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		uint8_t *img = make_elf(1);
		struct cl_error err = { "" };
		uint8_t *p = img + c->offset;
		if (c->width == 1)
			*p = (uint8_t)c->value;
		else if (c->width == 2)
			put16(p, (uint16_t)c->value);
		else if (c->width == 4)
			put32(p, (uint32_t)c->value);
		else
			put64(p, c->value);
		print_message("case %s\n", c->name);
		assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), -1);
		assert_string_equal(err.msg, c->message);
		free(img);
	}
}

static void section_headers_inside_the_elf_header_are_named(void **state)
{
	(void)state;
	uint8_t *img = make_elf(1);
	struct cl_error err;
	put16(img + EH(e_shnum), 1);
	put64(img + EH(e_shoff), 0x3f00); /* outside the header: not read, fine */
	assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), 0);
	put64(img + EH(e_shoff), 0x20);
	assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), -1);
	assert_string_equal(err.msg, "ELF: e_shoff 0x20 is inside the 64-byte ELF header");
	put16(img + EH(e_shnum), 0); /* no section headers: e_shoff means nothing */
	assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), 0);
	free(img);
}

/* In a PT_NOTE with p_align 8 the descriptor starts 8-byte aligned from the
 * note's start: after "Xen\0" at +12, the entry is at +16 (the 4-byte layout's
 * +16 too), but a 5-byte name puts it at +24, not +20. Every other p_align
 * (0, 1, 4, the 0x1000 of a segment-aligning linker script) means 4 bytes. */
static void note_alignment_follows_p_align(void **state)
{
	(void)state;
	struct cl_error err;
	static const uint64_t four_byte[] = { 0, 1, 2, 4, 16, 0x1000 };
	for (size_t i = 0; i < sizeof(four_byte) / sizeof(four_byte[0]); i++) {
		uint8_t *img = make_elf(1);
		put64(img + PH(0, p_align), four_byte[i]);
		assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), 0);
		assert_true(k.has_pvh_entry);
		assert_int_equal(k.pvh_entry, 0x2000040);
		free(img);
	}
	/* A dummy 5-byte-named note first, then Xen's: 8-aligned, the dummy spans
	 * 12 + 5 -> 24, its 4-byte descriptor -> 32; Xen's note at +32. */
	uint8_t *img = make_elf(1);
	uint8_t *n = img + ELF_TEST_NOTE;
	memset(n, 0, 64);
	put32(n, 5);
	put32(n + 4, 4);
	put32(n + 8, 1);
	memcpy(n + 12, "Dumm", 5);
	put32(n + 24, 0xdeadbeef);
	put32(n + 32, 4);
	put32(n + 36, 4);
	put32(n + 40, XEN_ELFNOTE_PHYS32_ENTRY);
	memcpy(n + 44, "Xen", 4);
	put32(n + 48, 0x2000080);
	put64(img + PH(0, p_filesz), 56);
	put64(img + PH(0, p_align), 8);
	assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), 0);
	assert_true(k.has_pvh_entry);
	assert_int_equal(k.pvh_entry, 0x2000080);
	/* Read with 4-byte alignment, the dummy's descriptor would be at +20 and
	 * the next note at +24, whose "namesz" is the dummy's descriptor. */
	put64(img + PH(0, p_align), 4);
	assert_int_equal(elf_parse(img, ELF_TEST_SIZE, &k, &err), -1);
	assert_string_equal(err.msg, "ELF: note at offset 0x118 (namesz 3735928559, descsz 0) runs past its PT_NOTE");
	free(img);
}

static void truncation_at_every_length_fails_cleanly(void **state)
{
	(void)state;
	uint8_t *img = make_elf(1);
	struct cl_error err;
	for (size_t n = 0; n < ELF_TEST_SIZE; n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan catches any over-read */
		memcpy(copy, img, n);
		assert_int_equal(elf_parse(copy, n, &k, &err), -1);
		free(copy);
	}
	free(img);
}

static void parses_the_real_debian_vmlinux(void **state)
{
	(void)state;
	size_t size;
	uint8_t *img = read_file(getenv("CL_REAL_VMLINUX"), &size);
	if (!img)
		fail_msg("CL_REAL_VMLINUX (%s) is not readable: run through `make unit-test`", getenv("CL_REAL_VMLINUX"));
	struct cl_error err;
	assert_int_equal(elf_parse(img, size, &k, &err), 0);
	/* What the design notes measured: e_entry 16 MiB, four PT_LOAD from 16 MiB, a PVH note. */
	assert_int_equal(k.entry, 0x1000000);
	assert_int_equal(k.segment_count, 4);
	assert_int_equal(k.segments[0].paddr, 0x1000000);
	assert_true(k.has_pvh_entry);
	assert_true(k.pvh_entry > 0x1000000 && k.pvh_entry < k.segments[3].paddr + k.segments[3].memsz);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_segments_entry_and_pvh_note),
		cmocka_unit_test(uses_p_paddr_not_p_vaddr_and_sorts),
		cmocka_unit_test(each_corruption_has_its_own_message),
		cmocka_unit_test(section_headers_inside_the_elf_header_are_named),
		cmocka_unit_test(note_alignment_follows_p_align),
		cmocka_unit_test(truncation_at_every_length_fails_cleanly),
		cmocka_unit_test(parses_the_real_debian_vmlinux),
	};
	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
