/* The identity map the kernel is entered with: all RAM, 2 MiB pages, in memory
 * the planner keeps clear of every destination (start32.S's tables live in the
 * loader's workspace, which a kernel's destination may overwrite). */
#include <string.h>

#include "arch.h"
#include "workspace.h"
#include "x86.h"

#define GIB (1ull << 30)
#define FOUR_GIB (4ull << 30)

_Static_assert(WORKSPACE_PDPT == WORKSPACE_PML4 + PAGE_SIZE && WORKSPACE_PD == WORKSPACE_PDPT + PAGE_SIZE,
	       "the workspace's boot tables have the layout write_identity_map writes");

/* [PML4][PDPT][one page directory per GiB] at base: [0, gib_count GiB) identity-mapped. */
static void write_identity_map(uint64_t base, uint64_t gib_count)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)base;
	uint64_t *pdpt = pml4 + PT_ENTRIES;
	memset(pml4, 0, 2 * PAGE_SIZE);
	pml4[0] = (base + PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
	for (uint64_t g = 0; g < gib_count; g++) {
		uint64_t pd_addr = base + (2 + g) * PAGE_SIZE;
		uint64_t *pd = (uint64_t *)(uintptr_t)pd_addr;
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			pd[i] = (g * GIB + ((uint64_t)i << LARGE_PAGE_SHIFT)) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
		pdpt[g] = pd_addr | PTE_PRESENT | PTE_WRITE;
	}
}

int paging_build(uint64_t end, struct planner *pl, struct cl_error *err)
{
	uint64_t gib_count = end / GIB + (end % GIB != 0);
	if (gib_count < BOOT_MAPPED_GIB)
		gib_count = BOOT_MAPPED_GIB; /* MMIO below 4 GiB stays reachable */
	if (gib_count > PT_ENTRIES)
		gib_count = PT_ENTRIES; /* one PDPT: 512 GiB */
	/* Below 4 GiB, where we can write it now. */
	uint64_t base;
	struct alloc_request req = { .what = "page tables", .size = (2 + gib_count) * PAGE_SIZE, .align = PAGE_SIZE,
				     .min = PLANNER_LOW_LIMIT, .max_end = FOUR_GIB, .policy = ALLOC_HIGHEST };
	if (planner_alloc(pl, &req, &base, err))
		return -1;
	write_identity_map(base, gib_count);
	__asm__ volatile("mov %0, %%cr3" : : "r"(base) : "memory");
	return 0;
}

void paging_identity_4g(uint64_t workspace)
{
	write_identity_map(workspace + WORKSPACE_PML4, BOOT_MAPPED_GIB);
}
