/* The RSDP on a BIOS machine: in the first KiB of the EBDA, or in 0xE0000-0xFFFFF
 * (ACPI spec, "Finding the RSDP on IA-PC Systems"). */
#include "arch.h"
#include "firmware/tables.h"

#define BDA_EBDA_SEGMENT 0x40E
#define EBDA_SCAN_BYTES 1024
#define BIOS_AREA_START 0xE0000
#define BIOS_AREA_END 0x100000

uint64_t acpi_find_rsdp_bios(void)
{
	/* GCC takes a fixed low address for a null-based array; hide its origin. */
	uintptr_t bda = BDA_EBDA_SEGMENT;
	__asm__("" : "+r"(bda));
	uint16_t segment = *(const volatile uint16_t *)bda;
	uint64_t ebda = (uint64_t)segment << 4;
	const uint8_t *p = NULL;
	if (ebda >= 0x80000 && ebda < 0xA0000) /* anything else is not an EBDA */
		p = acpi_scan_for_rsdp((const uint8_t *)(uintptr_t)ebda, EBDA_SCAN_BYTES);
	if (!p)
		p = acpi_scan_for_rsdp((const uint8_t *)(uintptr_t)BIOS_AREA_START, BIOS_AREA_END - BIOS_AREA_START);
	return (uint64_t)(uintptr_t)p;
}
