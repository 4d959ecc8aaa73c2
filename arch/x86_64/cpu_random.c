/* Random bytes from the CPU (RDSEED, else RDRAND) for the kernel's RNG seed
 * when the firmware offers none (BIOS, or UEFI without EFI_RNG_PROTOCOL). */
#include <string.h>

#include "arch.h"

#define CPUID_1_ECX_RDRAND (1u << 30)
#define CPUID_7_EBX_RDSEED (1u << 18)
/* Intel's guidance: RDRAND fails only transiently, 10 retries are plenty;
 * RDSEED may run dry for longer under load. */
#define RDRAND_RETRIES 10
#define RDSEED_RETRIES 100

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static bool rdseed64(uint64_t *v)
{
	for (int i = 0; i < RDSEED_RETRIES; i++) {
		uint8_t ok;
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
		if (ok)
			return true;
	}
	return false;
}

static bool rdrand64(uint64_t *v)
{
	for (int i = 0; i < RDRAND_RETRIES; i++) {
		uint8_t ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
		if (ok)
			return true;
	}
	return false;
}

static bool fill_with(bool (*step)(uint64_t *), uint8_t *buf, size_t len)
{
	for (size_t off = 0; off < len; off += sizeof(uint64_t)) {
		uint64_t v;
		if (!step(&v))
			return false;
		size_t n = len - off < sizeof(v) ? len - off : sizeof(v);
		memcpy(buf + off, &v, n);
		wipe(&v, sizeof(v));
	}
	return true;
}

const char *cpu_random_fill(uint8_t *buf, size_t len)
{
	uint32_t a, b, c, d, max;
	cpuid(0, 0, &max, &b, &c, &d);
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		if ((b & CPUID_7_EBX_RDSEED) && fill_with(rdseed64, buf, len))
			return "RDSEED";
	}
	cpuid(1, 0, &a, &b, &c, &d);
	if ((c & CPUID_1_ECX_RDRAND) && fill_with(rdrand64, buf, len))
		return "RDRAND";
	wipe(buf, len);
	return NULL;
}

void wipe(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory"); /* the stores must happen */
}
