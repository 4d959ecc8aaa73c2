/* An ELF64 kernel (vmlinux-style): its PT_LOAD segments and entry points. */
#ifndef CHAINLOADER_ELF_KERNEL_H
#define CHAINLOADER_ELF_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	uint64_t paddr;  /* physical destination (p_paddr, not p_vaddr) */
	uint64_t offset; /* in the module */
	uint64_t filesz;
	uint64_t memsz;  /* >= filesz; the rest is zeroed */
};

struct elf_kernel {
	const uint8_t *image;
	uint64_t image_size;
	uint64_t entry; /* e_entry: a physical address inside a PT_LOAD, entered in 64-bit mode */
	size_t segment_count;
	struct elf_segment segments[ELF_MAX_SEGMENTS]; /* sorted by paddr */
	bool has_pvh_entry;
	uint32_t pvh_entry; /* XEN_ELFNOTE_PHYS32_ENTRY */
};

/* Recognises the ELF magic. */
bool elf_probe(const uint8_t *image, uint64_t size);

/* Checks the headers, program headers, segments and notes; fills `out`. */
int elf_parse(const uint8_t *img, uint64_t size, struct elf_kernel *out, struct cl_error *err);

#endif
