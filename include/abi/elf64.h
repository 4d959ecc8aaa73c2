/* The parts of ELF64 (System V gABI, x86-64 psABI) a kernel loader reads. */
#ifndef CHAINLOADER_ELF64_H
#define CHAINLOADER_ELF64_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAGIC "\x7f" "ELF"
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4

#define EI_CLASS 4
#define EI_DATA 5

struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};
_Static_assert(offsetof(struct elf64_ehdr, e_entry) == 0x18, "e_entry");
_Static_assert(offsetof(struct elf64_ehdr, e_phoff) == 0x20, "e_phoff");
_Static_assert(offsetof(struct elf64_ehdr, e_shoff) == 0x28, "e_shoff");
_Static_assert(offsetof(struct elf64_ehdr, e_phentsize) == 0x36, "e_phentsize");
_Static_assert(offsetof(struct elf64_ehdr, e_phnum) == 0x38, "e_phnum");
_Static_assert(offsetof(struct elf64_ehdr, e_shnum) == 0x3c, "e_shnum");
_Static_assert(sizeof(struct elf64_ehdr) == 64, "elf64_ehdr");

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};
_Static_assert(offsetof(struct elf64_phdr, p_offset) == 0x08, "p_offset");
_Static_assert(offsetof(struct elf64_phdr, p_paddr) == 0x18, "p_paddr");
_Static_assert(offsetof(struct elf64_phdr, p_filesz) == 0x20, "p_filesz");
_Static_assert(offsetof(struct elf64_phdr, p_memsz) == 0x28, "p_memsz");
_Static_assert(offsetof(struct elf64_phdr, p_align) == 0x30, "p_align");
_Static_assert(sizeof(struct elf64_phdr) == 56, "elf64_phdr");

struct elf64_nhdr {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
	/* name, padded to 4 bytes, then desc, padded to 4 bytes */
};
_Static_assert(sizeof(struct elf64_nhdr) == 12, "elf64_nhdr");

#endif
