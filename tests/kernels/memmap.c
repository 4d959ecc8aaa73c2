/* Questions about the handed-over memory map. */
#include "memmap.h"
#include "abi/e820.h"

bool memmap_sane(const struct memmap *m, char *why, size_t why_size)
{
	for (size_t i = 0; i < m->count; i++) {
		const struct mem_range *e = &m->e[i];
		if (e->size == 0) {
			fmt(why, why_size, "entry %zu at 0x%lx has size 0", i, e->addr);
			return false;
		}
		if (e->addr + e->size < e->addr) {
			fmt(why, why_size, "entry %zu at 0x%lx wraps", i, e->addr);
			return false;
		}
		if (i == 0)
			continue;
		const struct mem_range *p = &m->e[i - 1];
		if (e->addr < p->addr) {
			fmt(why, why_size, "entry %zu at 0x%lx before entry %zu at 0x%lx", i, e->addr,
			    i - 1, p->addr);
			return false;
		}
		if (e->addr < p->addr + p->size) {
			fmt(why, why_size, "entry %zu [0x%lx,0x%lx) overlaps entry %zu [0x%lx,0x%lx)", i,
			    e->addr, e->addr + e->size, i - 1, p->addr, p->addr + p->size);
			return false;
		}
	}
	return true;
}

/* The entry of one of the types holding byte a, or NULL. */
static const struct mem_range *typed_at(const struct memmap *m, uint64_t a, uint32_t types)
{
	for (size_t i = 0; i < m->count; i++) {
		const struct mem_range *e = &m->e[i];
		if (e->type < 32 && (types & MEMMAP_TYPE_BIT(e->type)) && a >= e->addr && a - e->addr < e->size)
			return e;
	}
	return NULL;
}

bool memmap_is_types(const struct memmap *m, uint64_t addr, uint64_t size, uint32_t types)
{
	uint64_t end = addr + size;
	if (size == 0 || end < addr)
		return false;
	for (uint64_t a = addr; a < end;) {
		const struct mem_range *e = typed_at(m, a, types);
		if (!e)
			return false;
		a = e->addr + e->size;
		if (a == 0) /* the entry ends at the top of the address space */
			break;
	}
	return true;
}

bool memmap_is_ram(const struct memmap *m, uint64_t addr, uint64_t size)
{
	return memmap_is_types(m, addr, size, MEMMAP_TYPE_BIT(E820_TYPE_RAM));
}

bool memmap_touches_ram(const struct memmap *m, uint64_t addr, uint64_t size)
{
	if (size == 0)
		return false;
	uint64_t last = addr + size - 1 < addr ? UINT64_MAX : addr + size - 1;
	for (size_t i = 0; i < m->count; i++) {
		const struct mem_range *e = &m->e[i];
		if (e->type != E820_TYPE_RAM || e->size == 0)
			continue;
		uint64_t e_last = e->addr + e->size - 1 < e->addr ? UINT64_MAX : e->addr + e->size - 1;
		if (e->addr <= last && addr <= e_last)
			return true;
	}
	return false;
}

uint64_t memmap_ram_total(const struct memmap *m)
{
	uint64_t t = 0;
	for (size_t i = 0; i < m->count; i++)
		if (m->e[i].type == E820_TYPE_RAM)
			t += m->e[i].size;
	return t;
}

uint64_t memmap_ram_top_below(const struct memmap *m, uint64_t limit)
{
	uint64_t top = 0;
	for (size_t i = 0; i < m->count; i++) {
		const struct mem_range *e = &m->e[i];
		if (e->type != E820_TYPE_RAM || e->addr >= limit)
			continue;
		uint64_t end = e->addr + e->size;
		if (end > limit)
			end = limit;
		if (end > top)
			top = end;
	}
	return top;
}

void memmap_print(const struct memmap *m)
{
	for (size_t i = 0; i < m->count; i++)
		pr("PROBE: INFO memmap %zu: [0x%lx, 0x%lx) type %u\n", i, m->e[i].addr,
		   m->e[i].addr + m->e[i].size, m->e[i].type);
}
