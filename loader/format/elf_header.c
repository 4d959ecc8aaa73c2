/* ELF64 kernel checks: every offset, count and size is bounded by the module. */
#include "loader/format/elf.h"

#include <string.h>

#include "abi/elf64.h"
#include "abi/pvh.h"

/* Note entries are 4-byte aligned, or 8 in a PT_NOTE whose p_align is 8 (GNU
 * property notes); any other p_align places the segment, not its entries. */
#define NOTE_ALIGN 4u
#define NOTE_ALIGN_WIDE 8u

bool elf_probe(const uint8_t *image, uint64_t size)
{
	return size >= 4 && memcmp(image, ELF_MAGIC, 4) == 0;
}

static int check_header(const struct elf64_ehdr *h, uint64_t size, struct cl_error *err)
{
	if (h->e_ident[EI_CLASS] != ELFCLASS64)
		return cl_fail(err, "ELF: class %u is not ELFCLASS64 (2)", h->e_ident[EI_CLASS]);
	if (h->e_ident[EI_DATA] != ELFDATA2LSB)
		return cl_fail(err, "ELF: data encoding %u is not little-endian (1)", h->e_ident[EI_DATA]);
	if (h->e_machine != EM_X86_64)
		return cl_fail(err, "ELF: e_machine %u is not EM_X86_64 (62)", h->e_machine);
	if (h->e_type != ET_EXEC)
		return cl_fail(err, "ELF: e_type %u is not ET_EXEC (2)", h->e_type);
	if (h->e_phentsize < sizeof(struct elf64_phdr))
		return cl_fail(err, "ELF: e_phentsize %u is below %u", h->e_phentsize,
			       (unsigned)sizeof(struct elf64_phdr));
	if (h->e_phnum == 0)
		return cl_fail(err, "ELF: no program headers (e_phnum 0)");
	/* A table inside the ELF header would be read as program headers from
	 * the header's own fields: name that, not what it then looks like. */
	bool sh_inside = h->e_shnum && h->e_shoff < sizeof(*h);
	if (h->e_phoff < sizeof(*h) || sh_inside)
		return cl_fail(err, "ELF: %s 0x%llx is inside the 64-byte ELF header", sh_inside ? "e_shoff" : "e_phoff",
			       (unsigned long long)(sh_inside ? h->e_shoff : h->e_phoff));
	uint64_t table_end;
	if (__builtin_add_overflow(h->e_phoff, (uint64_t)h->e_phnum * h->e_phentsize, &table_end) ||
	    table_end > size)
		return cl_fail(err, "ELF: program headers at 0x%llx (%u x %u bytes) run past the module's %llu bytes",
			       (unsigned long long)h->e_phoff, h->e_phnum, h->e_phentsize, (unsigned long long)size);
	return 0;
}

static int add_segment(struct elf_kernel *out, unsigned index, const struct elf64_phdr *ph,
		       uint64_t size, struct cl_error *err)
{
	uint64_t file_end, mem_end;
	if (__builtin_add_overflow(ph->p_offset, ph->p_filesz, &file_end) || file_end > size)
		return cl_fail(err, "ELF: PT_LOAD %u at offset 0x%llx + filesz 0x%llx runs past the module's %llu bytes",
			       index, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz,
			       (unsigned long long)size);
	if (ph->p_filesz > ph->p_memsz)
		return cl_fail(err, "ELF: PT_LOAD %u has p_filesz 0x%llx > p_memsz 0x%llx", index,
			       (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
	if (__builtin_add_overflow(ph->p_paddr, ph->p_memsz, &mem_end))
		return cl_fail(err, "ELF: PT_LOAD %u p_paddr 0x%llx + p_memsz 0x%llx overflows", index,
			       (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz);
	if (ph->p_memsz == 0)
		return 0;
	if (out->segment_count == ELF_MAX_SEGMENTS)
		return cl_fail(err, "ELF: more than %u PT_LOAD segments", ELF_MAX_SEGMENTS);
	/* Insert sorted by paddr, refusing overlaps with the neighbours. */
	size_t at = out->segment_count;
	while (at > 0 && out->segments[at - 1].paddr > ph->p_paddr)
		at--;
	const struct elf_segment *prev = at > 0 ? &out->segments[at - 1] : NULL;
	const struct elf_segment *next = at < out->segment_count ? &out->segments[at] : NULL;
	if ((prev && prev->paddr + prev->memsz > ph->p_paddr) || (next && mem_end > next->paddr)) {
		const struct elf_segment *o = prev && prev->paddr + prev->memsz > ph->p_paddr ? prev : next;
		return cl_fail(err, "ELF: PT_LOAD %u [0x%llx, 0x%llx) overlaps another PT_LOAD [0x%llx, 0x%llx)",
			       index, (unsigned long long)ph->p_paddr, (unsigned long long)mem_end,
			       (unsigned long long)o->paddr, (unsigned long long)(o->paddr + o->memsz));
	}
	memmove(&out->segments[at + 1], &out->segments[at], (out->segment_count - at) * sizeof(out->segments[0]));
	out->segments[at] = (struct elf_segment){ ph->p_paddr, ph->p_offset, ph->p_filesz, ph->p_memsz };
	out->segment_count++;
	return 0;
}

/* Walks the notes of one PT_NOTE segment looking for Xen's PHYS32_ENTRY. */
static int scan_notes(struct elf_kernel *out, unsigned index, const struct elf64_phdr *ph,
		      const uint8_t *img, uint64_t size, struct cl_error *err)
{
	uint64_t end;
	if (__builtin_add_overflow(ph->p_offset, ph->p_filesz, &end) || end > size)
		return cl_fail(err, "ELF: PT_NOTE %u at offset 0x%llx + 0x%llx runs past the module's %llu bytes",
			       index, (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz,
			       (unsigned long long)size);
	if (ph->p_align & (ph->p_align - 1)) /* gABI: 0, 1 or a power of two */
		return cl_fail(err, "ELF: PT_NOTE %u p_align %llu is not a power of two", index,
			       (unsigned long long)ph->p_align);
	uint64_t align = ph->p_align == NOTE_ALIGN_WIDE ? NOTE_ALIGN_WIDE : NOTE_ALIGN;
	uint64_t off = ph->p_offset;
	while (end - off >= sizeof(struct elf64_nhdr)) {
		struct elf64_nhdr n;
		memcpy(&n, img + off, sizeof(n));
		uint64_t name_off = off + sizeof(n);
		/* The descriptor, and then the next note, start at the next multiple
		 * of the alignment counted from this note's start. */
		uint64_t desc_rel = (sizeof(n) + (uint64_t)n.n_namesz + align - 1) & ~(align - 1);
		uint64_t desc_len = ((uint64_t)n.n_descsz + align - 1) & ~(align - 1);
		uint64_t desc_off = off + desc_rel;
		if (desc_rel > end - off || desc_len > end - desc_off)
			return cl_fail(err, "ELF: note at offset 0x%llx (namesz %u, descsz %u) runs past its PT_NOTE",
				       (unsigned long long)off, n.n_namesz, n.n_descsz);
		if (n.n_type == XEN_ELFNOTE_PHYS32_ENTRY && n.n_namesz == sizeof(XEN_ELFNOTE_OWNER) &&
		    memcmp(img + name_off, XEN_ELFNOTE_OWNER, sizeof(XEN_ELFNOTE_OWNER)) == 0) {
			uint64_t entry = 0;
			if (n.n_descsz != 4 && n.n_descsz != 8)
				return cl_fail(err, "ELF: Xen PHYS32_ENTRY note has descsz %u (expected 4 or 8)", n.n_descsz);
			memcpy(&entry, img + desc_off, n.n_descsz);
			if (entry >> 32)
				return cl_fail(err, "ELF: PVH entry 0x%llx is above 4 GiB", (unsigned long long)entry);
			out->has_pvh_entry = true;
			out->pvh_entry = (uint32_t)entry;
		}
		off = desc_off + desc_len;
	}
	return 0;
}

static bool inside_loaded_bytes(const struct elf_kernel *k, uint64_t addr)
{
	for (size_t i = 0; i < k->segment_count; i++)
		if (addr >= k->segments[i].paddr && addr - k->segments[i].paddr < k->segments[i].filesz)
			return true;
	return false;
}

int elf_parse(const uint8_t *img, uint64_t size, struct elf_kernel *out, struct cl_error *err)
{
	memset(out, 0, sizeof(*out));
	struct elf64_ehdr h;
	if (size < sizeof(h))
		return cl_fail(err, "ELF: module of %llu bytes is shorter than the 64-byte ELF header",
			       (unsigned long long)size);
	memcpy(&h, img, sizeof(h));
	if (memcmp(h.e_ident, ELF_MAGIC, 4) != 0)
		return cl_fail(err, "ELF: magic %02x %02x %02x %02x is not 7f 45 4c 46", h.e_ident[0], h.e_ident[1],
			       h.e_ident[2], h.e_ident[3]);
	if (check_header(&h, size, err))
		return -1;
	for (unsigned i = 0; i < h.e_phnum; i++) {
		struct elf64_phdr ph;
		memcpy(&ph, img + h.e_phoff + (uint64_t)i * h.e_phentsize, sizeof(ph));
		int rc = 0;
		if (ph.p_type == PT_LOAD)
			rc = add_segment(out, i, &ph, size, err);
		else if (ph.p_type == PT_NOTE)
			rc = scan_notes(out, i, &ph, img, size, err);
		if (rc)
			return rc;
	}
	if (out->segment_count == 0)
		return cl_fail(err, "ELF: no PT_LOAD segment with memory");
	out->entry = h.e_entry;
	if (!inside_loaded_bytes(out, out->entry))
		return cl_fail(err, "ELF: e_entry 0x%llx is outside every PT_LOAD's file bytes",
			       (unsigned long long)out->entry);
	if (out->has_pvh_entry && !inside_loaded_bytes(out, out->pvh_entry))
		return cl_fail(err, "ELF: PVH entry 0x%x is outside every PT_LOAD's file bytes", out->pvh_entry);
	out->image = img;
	out->image_size = size;
	return 0;
}
