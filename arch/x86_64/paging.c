/* Extends start32.S's identity map past 4 GiB so that all RAM is reachable. */
#include "arch.h"
#include "x86.h"

#define GIB (1ull << 30)
#define FOUR_GIB (4ull << 30)

extern uint64_t boot_pdpt[PT_ENTRIES];

int paging_cover(uint64_t end, struct planner *pl, struct cl_error *err)
{
	uint64_t gib_count = end / GIB + (end % GIB != 0);
	if (gib_count > PT_ENTRIES)
		gib_count = PT_ENTRIES; /* one PDPT: 512 GiB */
	if (gib_count <= BOOT_MAPPED_GIB)
		return 0;
	/* One page directory per GiB, all in one block below 4 GiB (already mapped). */
	uint64_t pds;
	struct alloc_request req = { "page tables", (gib_count - BOOT_MAPPED_GIB) * PAGE_SIZE,
				     PAGE_SIZE, PLANNER_LOW_LIMIT, FOUR_GIB, ALLOC_HIGHEST };
	if (planner_alloc(pl, &req, &pds, err))
		return -1;
	for (uint64_t g = BOOT_MAPPED_GIB; g < gib_count; g++) {
		uint64_t pd_addr = pds + (g - BOOT_MAPPED_GIB) * PAGE_SIZE;
		uint64_t *pd = (uint64_t *)(uintptr_t)pd_addr;
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			pd[i] = (g * GIB + ((uint64_t)i << LARGE_PAGE_SHIFT)) |
				PTE_PRESENT | PTE_WRITE | PTE_LARGE;
		boot_pdpt[g] = pd_addr | PTE_PRESENT | PTE_WRITE;
	}
	/* Reload CR3: no stale "not present" translation may stay in the TLB. */
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3) : : "memory");
	return 0;
}
