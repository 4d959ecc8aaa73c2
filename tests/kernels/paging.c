/* The probe's own page tables: an identity map of [0, 64 GiB) in 2 MiB
 * pages. Every entry switches to them first, so reading what the loader
 * handed over (wherever it lies) cannot fault; the loader's own tables
 * are still checked, by walking them (pagewalk.c) from the CR3 at entry. */
#include "probe.h"
#include "cpu_bits.h"

#define IDMAP_GIB 64

static uint64_t pml5[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pml4[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pdpt[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pd[IDMAP_GIB][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

void paging_init(void)
{
	/* The tables are written through the loader's mapping, which covers
	 * the probe's image 1:1 (the protocols promise it), so a table's
	 * address is also its physical address. */
	for (uint64_t g = 0; g < IDMAP_GIB; g++) {
		pdpt[g] = (uint64_t)(uintptr_t)pd[g] | PTE_PRESENT | PTE_WRITE;
		for (uint64_t e = 0; e < PT_ENTRIES; e++)
			pd[g][e] = (g << 30) | (e << LARGE_PAGE_SHIFT) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
	}
	pml4[0] = (uint64_t)(uintptr_t)pdpt | PTE_PRESENT | PTE_WRITE;
	uint64_t root = (uint64_t)(uintptr_t)pml4;
	/* Long mode cannot leave 5-level paging: give a loader that chose it a
	 * fifth level on top. */
	if (read_cr4() & CR4_LA57_BIT) {
		pml5[0] = root | PTE_PRESENT | PTE_WRITE;
		root = (uint64_t)(uintptr_t)pml5;
	}
	__asm__ volatile("mov %0, %%cr3" : : "r"(root) : "memory");
}

uint64_t paging_identity_limit(void)
{
	return (uint64_t)IDMAP_GIB << 30;
}
