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

enum { EAX, EBX, ECX, EDX };

/* The register `reg` of CPUID leaf `leaf`, subleaf 0. */
static uint32_t cpuid(uint32_t leaf, int reg)
{
	uint32_t r[4];
	__asm__ volatile("cpuid" : "=a"(r[EAX]), "=b"(r[EBX]), "=c"(r[ECX]), "=d"(r[EDX]) : "a"(leaf), "c"(0));
	return r[reg];
}

/* One attempt each: true when the CPU delivered *out (carry set). */
static bool rdseed_once(uint64_t *out)
{
	uint64_t v;
	uint8_t ok;
	__asm__ volatile("rdseed %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
	*out = v;
	return ok;
}

static bool rdrand_once(uint64_t *out)
{
	uint64_t v;
	uint8_t ok;
	__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
	*out = v;
	return ok;
}

static bool fill_with(bool (*once)(uint64_t *), int tries, uint8_t *buf, size_t len)
{
	for (size_t off = 0; off < len; off += sizeof(uint64_t)) {
		uint64_t v = 0;
		int t = 0;
		while (!once(&v))
			if (++t == tries)
				return false;
		size_t n = len - off < sizeof(v) ? len - off : sizeof(v);
		memcpy(buf + off, &v, n);
		wipe(&v, sizeof(v));
	}
	return true;
}

const char *cpu_random_fill(uint8_t *buf, size_t len)
{
	if (cpuid(0, EAX) >= 7 && (cpuid(7, EBX) & CPUID_7_EBX_RDSEED) &&
	    fill_with(rdseed_once, RDSEED_RETRIES, buf, len))
		return "RDSEED";
	if ((cpuid(1, ECX) & CPUID_1_ECX_RDRAND) && fill_with(rdrand_once, RDRAND_RETRIES, buf, len))
		return "RDRAND";
	wipe(buf, len);
	return NULL;
}

void wipe(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory"); /* the stores must happen */
}
