/* Test helpers: build multiboot2 information and bzImage headers in memory. */
#ifndef CHAINLOADER_TEST_BUILDERS_H
#define CHAINLOADER_TEST_BUILDERS_H

#include <stddef.h>
#include <stdint.h>

#include "abi/multiboot2.h"

/* A multiboot2 information buffer, built tag by tag (8-byte aligned). */
struct mbi_builder {
	uint8_t *buf; /* 8-byte aligned */
	size_t cap;
	size_t len;
};

void mbi_begin(struct mbi_builder *b, size_t cap);
void mbi_add_string(struct mbi_builder *b, uint32_t type, const char *s);
void mbi_add_module(struct mbi_builder *b, uint32_t start, uint32_t end, const char *s);
void mbi_add_mmap(struct mbi_builder *b, const struct mb2_mmap_entry *e, size_t n);
void mbi_add_raw(struct mbi_builder *b, const void *tag, size_t size);
void mbi_end(struct mbi_builder *b); /* end tag, total_size */
void mbi_free(struct mbi_builder *b);

/* A minimal valid bzImage (protocol 2.15, relocatable, 64-bit): setup_sects 4
 * (0xA00 bytes of setup), `pm_size` bytes of protected-mode part (a multiple
 * of 16), init_size 0x400000, kernel_alignment 2 MiB, pref_address 16 MiB,
 * cmdline_size 2047. Returns a malloc'ed image of *size bytes. */
uint8_t *make_bzimage(size_t pm_size, size_t *size);
void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
void put64(uint8_t *p, uint64_t v);

/* A small ELF64 kernel: PT_LOAD [32 MiB, +0x2000) from offset 0x1000, PT_LOAD
 * [0x2100000, +0x11000) with 0x1000 file bytes from 0x3000 (the rest bss), a PT_NOTE
 * at 0x100 with Xen's PHYS32_ENTRY = 0x2000040 (when with_note), e_entry 32 MiB.
 * Program headers at 0x40: [0] note, [1] load, [2] load. 0x4000 bytes. */
#define ELF_TEST_SIZE 0x4000u
#define ELF_TEST_PHDR(i) (0x40u + 56u * (i))
#define ELF_TEST_NOTE 0x100u
uint8_t *make_elf(int with_note);

/* Reads a whole file, or returns NULL. */
uint8_t *read_file(const char *path, size_t *size);

#endif
