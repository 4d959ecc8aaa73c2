/* libFuzzer harness: the e820 builder (loader/plan/e820_build.c) over an arbitrary
 * memory map. Input: entries of 8-byte start, 8-byte length, 4-byte type (as
 * multiboot2 gives them; a length that would wrap past 2^64 is clipped, as
 * mb2_parse refuses it), up to E820_BUILD_MAX_INPUT (GRUB's map and the EFI
 * map together). The output is checked point by point against the map itself;
 * a table that overflowed must be full and a correct prefix. */
#include <string.h>

#include "loader/plan/e820_build.h"
#include "fuzz_common.h"

static struct mmap_entry in[E820_BUILD_MAX_INPUT];
static struct e820_table out;

/* The type the map gives the byte at x, or -1 when no entry covers it. */
static int64_t type_at(size_t n, uint64_t x)
{
	int best = -1;
	uint32_t type = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i].start <= x && x < in[i].end && oracle_rank(in[i].type) > best) {
			best = oracle_rank(in[i].type);
			type = in[i].type;
		}
	}
	if (best < 0)
		return -1;
	return best == 5 ? E820_TYPE_RESERVED : type; /* unknown types become reserved */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	size_t n = 0;
	while (r.n && n < E820_BUILD_MAX_INPUT) {
		uint64_t start = take(&r, 8), len = take(&r, 8);
		uint32_t type = (uint32_t)take(&r, 4);
		if (type > 16 && type < 0x1000)
			type %= 16; /* mostly known types, some odd ones */
		uint64_t end = start + len < start ? UINT64_MAX : start + len;
		in[n++] = (struct mmap_entry){ start, end, type };
	}
	e820_build(in, n, &out);

	FUZZ_CHECK(out.count <= E820_TABLE_MAX && (!out.overflow || out.count == E820_TABLE_MAX), "count %zu, overflow %d",
		   out.count, out.overflow);
	/* Past the last entry of an overflowed table nothing is promised. */
	uint64_t covered_end = out.overflow ? out.entry[out.count - 1].addr + out.entry[out.count - 1].size : UINT64_MAX;
	for (size_t i = 0; i < out.count; i++) {
		const struct boot_e820_entry *e = &out.entry[i];
		uint64_t end = e->addr + e->size;
		FUZZ_CHECK(e->size > 0 && end > e->addr, "entry %zu empty or wrapping", i);
		FUZZ_CHECK(e820_normalise_type(e->type) == e->type, "entry %zu type %u", i, e->type);
		if (i) {
			const struct boot_e820_entry *p = &out.entry[i - 1];
			FUZZ_CHECK(p->addr + p->size <= e->addr, "entries %zu, %zu unsorted or overlapping", i - 1, i);
			FUZZ_CHECK(p->addr + p->size < e->addr || p->type != e->type, "entries %zu, %zu not merged",
				   i - 1, i);
		}
		/* The type is the map's at the first and last byte and at every input
		 * boundary inside (the only places it can change). */
		FUZZ_CHECK(type_at(n, e->addr) == e->type, "entry %zu [0x%llx, 0x%llx) type %u, map says %lld at its start",
			   i, (unsigned long long)e->addr, (unsigned long long)end, e->type,
			   (long long)type_at(n, e->addr));
		FUZZ_CHECK(type_at(n, end - 1) == e->type, "entry %zu type %u, map says %lld at its end", i, e->type,
			   (long long)type_at(n, end - 1));
		for (size_t j = 0; j < n; j++) {
			if (in[j].start > e->addr && in[j].start < end)
				FUZZ_CHECK(type_at(n, in[j].start) == e->type, "entry %zu changes type inside", i);
			if (in[j].end > e->addr && in[j].end < end)
				FUZZ_CHECK(type_at(n, in[j].end) == e->type, "entry %zu changes type inside", i);
		}
	}
	/* Nothing the map covers is missing: the first and last byte of every entry
	 * lie in some output entry. */
	for (size_t j = 0; j < n; j++) {
		if (in[j].start >= in[j].end)
			continue;
		uint64_t pts[2] = { in[j].start, in[j].end - 1 };
		for (int q = 0; q < 2; q++) {
			if (pts[q] >= covered_end)
				continue;
			bool covered = false;
			for (size_t i = 0; i < out.count && !covered; i++)
				covered = out.entry[i].addr <= pts[q] && pts[q] - out.entry[i].addr < out.entry[i].size;
			FUZZ_CHECK(covered, "map byte 0x%llx (entry %zu) missing from the table", (unsigned long long)pts[q], j);
		}
	}
	return 0;
}
