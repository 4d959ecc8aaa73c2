/* Translate addresses through the loader's 4- or 5-level page tables,
 * with 4 KiB, 2 MiB and 1 GiB pages. The tables are read at their
 * physical addresses through the probe's own identity map. */
#include "pagewalk.h"
#include "cpu_bits.h"

struct walk {
	bool present;
	bool writable;  /* writable at every level */
	uint64_t pa;
	uint64_t page_end; /* virtual end of the page holding va */
	uint64_t bad_table; /* nonzero: a table lies beyond the probe's identity map */
};

static void walk(uint64_t cr3, bool la57, uint64_t va, struct walk *w)
{
	int levels = la57 ? 5 : 4;
	uint64_t table = cr3 & PTE_ADDR_MASK;
	*w = (struct walk){ .writable = true };
	for (int level = levels; level >= 1; level--) {
		unsigned shift = 12 + PT_LEVEL_BITS * (unsigned)(level - 1);
		if (table + PAGE_SIZE > paging_identity_limit()) {
			w->bad_table = table;
			return;
		}
		uint64_t e = ((const volatile uint64_t *)(uintptr_t)table)[(va >> shift) & (PT_ENTRIES - 1)];
		if (!(e & PTE_PRESENT))
			return;
		if (!(e & PTE_WRITE))
			w->writable = false;
		/* PS marks a leaf at the PDPT (1 GiB) and PD (2 MiB) levels. */
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_LARGE))) {
			uint64_t page = 1ull << shift;
			w->present = true;
			w->pa = (e & PTE_ADDR_MASK & ~(page - 1)) | (va & (page - 1));
			w->page_end = (va & ~(page - 1)) + page;
			return;
		}
		table = e & PTE_ADDR_MASK;
	}
}

bool pt_identity(uint64_t cr3, bool la57, uint64_t addr, uint64_t size, bool need_write,
		 char *why, size_t why_size)
{
	uint64_t end = addr + size;
	if (end < addr) {
		fmt(why, why_size, "range 0x%lx+0x%lx wraps", addr, size);
		return false;
	}
	for (uint64_t va = addr; va < end;) {
		struct walk w;
		walk(cr3, la57, va, &w);
		if (w.bad_table) {
			fmt(why, why_size, "page table at 0x%lx beyond the probe's map", w.bad_table);
			return false;
		}
		if (!w.present) {
			fmt(why, why_size, "0x%lx not mapped", va);
			return false;
		}
		if (w.pa != va) {
			fmt(why, why_size, "0x%lx maps to 0x%lx", va, w.pa);
			return false;
		}
		if (need_write && !w.writable) {
			fmt(why, why_size, "0x%lx read-only", va);
			return false;
		}
		va = w.page_end;
		if (va == 0) /* wrapped at the top of the address space */
			break;
	}
	return true;
}

bool entry_maps_identity(uint64_t addr, uint64_t size, bool need_write, char *why, size_t why_size)
{
	return pt_identity(probe_state.cr3, probe_state.cr4 & CR4_LA57_BIT, addr, size, need_write,
			   why, why_size);
}
