/* libFuzzer harness: the ELF64 kernel checks with their notes (loader/format/elf_header.c).
 * The input is the kernel module. */
#include <string.h>

#include "abi/elf64.h"
#include "loader/format/elf.h"
#include "fuzz_common.h"

static struct elf_kernel k;

static bool in_file_bytes(uint64_t addr)
{
	for (size_t i = 0; i < k.segment_count; i++)
		if (addr >= k.segments[i].paddr && addr - k.segments[i].paddr < k.segments[i].filesz)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *img = malloc(size ? size : 1); /* exact size: ASan sees any overread */
	if (!img)
		return 0;
	if (size)
		memcpy(img, data, size);
	struct cl_error err;
	bool probed = elf_probe(img, size);
	int rc = elf_parse(img, size, &k, &err);
	if (rc == 0) {
		FUZZ_CHECK(probed, "parsed, yet elf_probe says no");
		FUZZ_CHECK(k.image == img && k.image_size == size, "image");
		FUZZ_CHECK(k.segment_count >= 1 && k.segment_count <= ELF_MAX_SEGMENTS, "segment_count %zu",
			   k.segment_count);
		for (size_t i = 0; i < k.segment_count; i++) {
			const struct elf_segment *s = &k.segments[i];
			FUZZ_CHECK(s->memsz > 0 && s->filesz <= s->memsz, "segment %zu sizes", i);
			FUZZ_CHECK(s->offset <= size && s->filesz <= size - s->offset, "segment %zu outside the file", i);
			FUZZ_CHECK(s->paddr + s->memsz > s->paddr, "segment %zu wraps", i);
			if (i)
				FUZZ_CHECK(k.segments[i - 1].paddr + k.segments[i - 1].memsz <= s->paddr,
					   "segments %zu and %zu unsorted or overlapping", i - 1, i);
		}
		FUZZ_CHECK(in_file_bytes(k.entry), "e_entry 0x%llx outside the file bytes", (unsigned long long)k.entry);
		FUZZ_CHECK(!k.has_pvh_entry || in_file_bytes(k.pvh_entry), "PVH entry 0x%x", k.pvh_entry);
		/* Every PT_LOAD with memory in the headers is one of the segments. */
		struct elf64_ehdr h;
		memcpy(&h, img, sizeof(h));
		size_t loads = 0;
		for (unsigned i = 0; i < h.e_phnum; i++) {
			struct elf64_phdr ph;
			memcpy(&ph, img + h.e_phoff + (uint64_t)i * h.e_phentsize, sizeof(ph));
			if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
				continue;
			loads++;
			bool found = false;
			for (size_t j = 0; j < k.segment_count; j++)
				found |= k.segments[j].paddr == ph.p_paddr && k.segments[j].memsz == ph.p_memsz &&
					 k.segments[j].offset == ph.p_offset && k.segments[j].filesz == ph.p_filesz;
			FUZZ_CHECK(found, "PT_LOAD %u missing from the segments", i);
		}
		FUZZ_CHECK(loads == k.segment_count, "%zu PT_LOAD, %zu segments", loads, k.segment_count);
	} else {
		FUZZ_CHECK(strncmp(err.msg, "ELF: ", 5) == 0, "error without the prefix: '%s'", err.msg);
	}
	free(img);
	return 0;
}
