#include "builders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/elf64.h"
#include "abi/pvh.h"
#include "abi/zeropage.h"

void mbi_begin(struct mbi_builder *b, size_t cap)
{
	b->buf = aligned_alloc(8, cap);
	memset(b->buf, 0xCC, cap); /* garbage past the end must never be read as valid */
	b->cap = cap;
	b->len = sizeof(struct mb2_info_header);
}

void mbi_add_raw(struct mbi_builder *b, const void *tag, size_t size)
{
	memcpy(b->buf + b->len, tag, size);
	b->len += (size + 7) & ~(size_t)7;
}

static void add_tag_header(struct mbi_builder *b, uint32_t type, uint32_t size)
{
	struct mb2_tag t = { type, size };
	memcpy(b->buf + b->len, &t, sizeof(t));
}

void mbi_add_string(struct mbi_builder *b, uint32_t type, const char *s)
{
	uint32_t size = (uint32_t)(sizeof(struct mb2_tag) + strlen(s) + 1);
	add_tag_header(b, type, size);
	memcpy(b->buf + b->len + 8, s, strlen(s) + 1);
	b->len += (size + 7) & ~7u;
}

void mbi_add_module(struct mbi_builder *b, uint32_t start, uint32_t end, const char *s)
{
	uint32_t size = (uint32_t)(16 + strlen(s) + 1);
	add_tag_header(b, MB2_TAG_MODULE, size);
	memcpy(b->buf + b->len + 8, &start, 4);
	memcpy(b->buf + b->len + 12, &end, 4);
	memcpy(b->buf + b->len + 16, s, strlen(s) + 1);
	b->len += (size + 7) & ~7u;
}

void mbi_add_mmap(struct mbi_builder *b, const struct mb2_mmap_entry *e, size_t n)
{
	uint32_t size = (uint32_t)(sizeof(struct mb2_tag_mmap) + n * sizeof(*e));
	struct mb2_tag_mmap t = { { MB2_TAG_MMAP, size }, sizeof(*e), 0 };
	memcpy(b->buf + b->len, &t, sizeof(t));
	memcpy(b->buf + b->len + sizeof(t), e, n * sizeof(*e));
	b->len += (size + 7) & ~7u;
}

void mbi_end(struct mbi_builder *b)
{
	add_tag_header(b, MB2_TAG_END, 8);
	b->len += 8;
	struct mb2_info_header h = { (uint32_t)b->len, 0 };
	memcpy(b->buf, &h, sizeof(h));
}

void mbi_free(struct mbi_builder *b)
{
	free(b->buf);
}

void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

uint8_t *make_bzimage(size_t pm_size, size_t *size)
{
	size_t setup = 5 * SECTOR_SIZE;
	*size = setup + pm_size;
	uint8_t *img = calloc(1, *size);
	img[SH_OFF(setup_sects)] = 4;
	put32(img + SH_OFF(syssize), (uint32_t)(pm_size / SYSSIZE_UNIT));
	put16(img + SH_OFF(boot_flag), BOOT_FLAG_MAGIC);
	img[SH_OFF(jump)] = 0xEB;
	img[SH_OFF(jump) + 1] = 0x6A; /* header ends at 0x26C, as in Linux 6.1 */
	put32(img + SH_OFF(header), SETUP_HEADER_MAGIC);
	put16(img + SH_OFF(version), BOOT_PROTOCOL(2, 15));
	img[SH_OFF(loadflags)] = LOADED_HIGH;
	put32(img + SH_OFF(code32_start), 0x100000);
	put32(img + SH_OFF(initrd_addr_max), 0x7fffffff);
	put32(img + SH_OFF(kernel_alignment), 0x200000);
	img[SH_OFF(relocatable_kernel)] = 1;
	img[SH_OFF(min_alignment)] = 21;
	put16(img + SH_OFF(xloadflags), XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	put32(img + SH_OFF(cmdline_size), 2047);
	put64(img + SH_OFF(pref_address), 0x1000000);
	put32(img + SH_OFF(init_size), 0x400000);
	img[SETUP_HEADER_END] = 0x5A; /* just past the header: must not reach boot_params */
	for (size_t i = 0; i < pm_size; i++)
		img[setup + i] = (uint8_t)(i * 7 + 1);
	return img;
}

uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (!f)
		return NULL;
	long n = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	uint8_t *buf = n > 0 && fseek(f, 0, SEEK_SET) == 0 ? malloc((size_t)n) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	(void)fclose(f); /* read-only: nothing to lose */
	*size = (size_t)n;
	return buf;
}

static void put_phdr(uint8_t *img, unsigned i, uint32_t type, uint64_t off, uint64_t paddr, uint64_t filesz,
		     uint64_t memsz)
{
	struct elf64_phdr ph = { type, 0, off, paddr, paddr, filesz, memsz, 0x1000 };
	memcpy(img + ELF_TEST_PHDR(i), &ph, sizeof(ph));
}

uint8_t *make_elf(int with_note)
{
	uint8_t *img = calloc(1, ELF_TEST_SIZE);
	struct elf64_ehdr h = { .e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
				.e_entry = 0x2000000, .e_phoff = 0x40, .e_ehsize = sizeof(h),
				.e_phentsize = sizeof(struct elf64_phdr), .e_phnum = 3 };
	memcpy(h.e_ident, ELF_MAGIC, 4);
	h.e_ident[EI_CLASS] = ELFCLASS64;
	h.e_ident[EI_DATA] = ELFDATA2LSB;
	h.e_ident[6] = EV_CURRENT;
	memcpy(img, &h, sizeof(h));
	put_phdr(img, 0, PT_NOTE, ELF_TEST_NOTE, 0, with_note ? 20 : 0, 0);
	put_phdr(img, 1, PT_LOAD, 0x1000, 0x2000000, 0x2000, 0x2000);
	put_phdr(img, 2, PT_LOAD, 0x3000, 0x2100000, 0x1000, 0x11000);
	struct elf64_nhdr n = { 4, 4, XEN_ELFNOTE_PHYS32_ENTRY };
	memcpy(img + ELF_TEST_NOTE, &n, sizeof(n));
	memcpy(img + ELF_TEST_NOTE + 12, "Xen", 4);
	put32(img + ELF_TEST_NOTE + 16, 0x2000040);
	for (unsigned i = 0x1000; i < ELF_TEST_SIZE; i++)
		img[i] = (uint8_t)(i * 13 + 5);
	return img;
}
