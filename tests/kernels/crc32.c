/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial and final
 * XOR 0xFFFFFFFF): the value zlib.crc32() gives on the host. */
#include "probe.h"

static uint32_t table[256]; /* built at first use: no initialised data to relocate */
static bool table_ready;

static void table_build(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
		table[i] = c;
	}
	table_ready = true;
}

uint32_t crc32(const void *p, uint64_t n)
{
	if (!table_ready)
		table_build();
	const uint8_t *b = p;
	uint32_t c = 0xFFFFFFFFu;
	for (uint64_t i = 0; i < n; i++)
		c = table[(c ^ b[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}
