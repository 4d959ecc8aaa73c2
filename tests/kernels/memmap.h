/* The memory map the loader handed over (e820 table or PVH memmap),
 * copied into one form so the checks need not care which. */
#ifndef PROBE_MEMMAP_H
#define PROBE_MEMMAP_H

#include "probe.h"

#define MEMMAP_MAX 256

struct mem_range {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* e820 types: E820_TYPE_RAM etc. (include/abi/e820.h) */
};

struct memmap {
	size_t count;
	struct mem_range e[MEMMAP_MAX];
};

/* Sorted by address, no overlaps, no empty entries; else why says where. */
bool memmap_sane(const struct memmap *m, char *why, size_t why_size);

/* Is [addr, addr + size) covered by usable RAM (adjacent RAM entries count
 * as one range)? size 0 is never in RAM. */
bool memmap_is_ram(const struct memmap *m, uint64_t addr, uint64_t size);

/* Is [addr, addr + size) covered by entries whose type t has bit (1 << t)
 * set in types (adjacent entries count as one range)? size 0: never. */
bool memmap_is_types(const struct memmap *m, uint64_t addr, uint64_t size, uint32_t types);
#define MEMMAP_TYPE_BIT(t) (1u << (t))

/* Does any byte of [addr, addr + size) lie in usable RAM? */
bool memmap_touches_ram(const struct memmap *m, uint64_t addr, uint64_t size);

uint64_t memmap_ram_total(const struct memmap *m);

/* The highest end of usable RAM below limit (RAM crossing limit ends at limit). */
uint64_t memmap_ram_top_below(const struct memmap *m, uint64_t limit);

/* One "PROBE: INFO memmap ..." line per entry. */
void memmap_print(const struct memmap *m);

#endif
