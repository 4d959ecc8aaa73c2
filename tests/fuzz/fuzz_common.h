/* Shared by the libFuzzer harnesses: a little-endian reader over the input,
 * a failure macro that aborts (libFuzzer records the input as a crash), and
 * the reference ("oracle") helpers the invariants are checked against. The
 * oracles are written independently of the loader code they check. */
#ifndef CHAINLOADER_FUZZ_COMMON_H
#define CHAINLOADER_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "boot_info.h"
#include "abi/e820.h"

/* An invariant does not hold: say which, and abort so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)                                                             \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, \
				#cond);                                                   \
			fprintf(stderr, __VA_ARGS__);                                     \
			fputc('\n', stderr);                                              \
			abort();                                                          \
		}                                                                         \
	} while (0)

/* FUZZ_TRACE=1 in the environment: print what the harness does (to debug a
 * saved input: FUZZ_TRACE=1 build/fuzz/fuzz_planner FILE). */
static inline bool fuzz_tracing(void)
{
	static int on = -1;
	if (on < 0)
		on = getenv("FUZZ_TRACE") != NULL;
	return on;
}
#define FUZZ_TRACE(...)                               \
	do {                                          \
		if (fuzz_tracing())                   \
			fprintf(stderr, __VA_ARGS__); \
	} while (0)

struct reader {
	const uint8_t *p;
	size_t n;
};

/* The next `bytes` bytes as a little-endian number; zeros past the end. */
static inline uint64_t take(struct reader *r, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		if (r->n) {
			v |= (uint64_t)r->p[0] << (8 * i);
			r->p++;
			r->n--;
		}
	}
	return v;
}

static inline bool ranges_overlap(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end)
{
	return a_start < a_end && b_start < b_end && a_start < b_end && b_start < a_end;
}

/* Rank of a raw firmware type where entries overlap (higher wins): the loader's
 * documented order, reserved > unusable > NVS > PMEM/PRAM > ACPI > RAM, unknown
 * types counting as reserved. */
static inline int oracle_rank(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RAM:
		return 0;
	case E820_TYPE_ACPI:
		return 1;
	case E820_TYPE_PMEM:
	case E820_TYPE_PRAM:
		return 2;
	case E820_TYPE_NVS:
		return 3;
	case E820_TYPE_UNUSABLE:
		return 4;
	default:
		return 5;
	}
}

/* Is [start, end) usable RAM by the raw map: covered by RAM entries with no gap,
 * and touched by no entry of another type? (Linear in n per covering step.) */
static inline bool oracle_is_ram(const struct mmap_entry *m, size_t n, uint64_t start, uint64_t end)
{
	if (start >= end)
		return true;
	for (size_t i = 0; i < n; i++)
		if (m[i].type != E820_TYPE_RAM && ranges_overlap(m[i].start, m[i].end, start, end))
			return false;
	uint64_t at = start;
	bool progress = true;
	while (at < end && progress) {
		progress = false;
		for (size_t i = 0; i < n; i++) {
			if (m[i].type == E820_TYPE_RAM && m[i].start <= at && at < m[i].end) {
				at = m[i].end;
				progress = true;
			}
		}
	}
	return at >= end;
}

#endif
