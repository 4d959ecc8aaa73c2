/* What the BIOS left below 1 MiB that the real-mode entry relies on: the int 13h
 * and 15h vectors and the EBDA's address (loader/handoff/realmode.h). BIOS path only. */
#include "arch.h"

/* GCC takes a fixed low address for a null-based array; hide its origin. */
static const volatile void *low(uintptr_t addr)
{
	__asm__("" : "+r"(addr));
	return (const volatile void *)addr;
}

void bios_low_memory_read(struct bios_low_memory *out)
{
	out->present = true;
	out->int13 = *(const volatile uint32_t *)low(IVT_INT13);
	out->int15 = *(const volatile uint32_t *)low(IVT_INT15);
	out->ebda = (uint64_t)*(const volatile uint16_t *)low(BDA_EBDA_SEGMENT) << 4;
}
