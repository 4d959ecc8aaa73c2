#include "loader/plan/e820_build.h"

uint32_t e820_normalise_type(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RAM:
	case E820_TYPE_RESERVED:
	case E820_TYPE_ACPI:
	case E820_TYPE_NVS:
	case E820_TYPE_UNUSABLE:
	case E820_TYPE_PMEM:
	case E820_TYPE_PRAM:
		return type;
	default:
		return E820_TYPE_RESERVED;
	}
}

/* Higher wins where ranges overlap: never hand out as RAM what anyone says is not. */
static int type_rank(uint32_t type)
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

const char *e820_type_name(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RAM:
		return "usable";
	case E820_TYPE_RESERVED:
		return "reserved";
	case E820_TYPE_ACPI:
		return "ACPI data";
	case E820_TYPE_NVS:
		return "ACPI NVS";
	case E820_TYPE_UNUSABLE:
		return "unusable";
	case E820_TYPE_PMEM:
		return "persistent";
	case E820_TYPE_PRAM:
		return "persistent (type 12)";
	default:
		return "unknown";
	}
}

/* The smallest entry boundary (start or end) above `at`; false when there is none. */
static bool next_bound(const struct mmap_entry *in, size_t n, uint64_t at, uint64_t *out)
{
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		if (in[i].end <= in[i].start)
			continue;
		const uint64_t b[2] = { in[i].start, in[i].end };
		for (int k = 0; k < 2; k++)
			if (b[k] > at && (!found || b[k] < *out)) {
				*out = b[k];
				found = true;
			}
	}
	return found;
}

void e820_build(const struct mmap_entry *in, size_t n, struct e820_table *out)
{
	out->count = 0;
	out->overflow = false;
	if (n > E820_BUILD_MAX_INPUT)
		n = E820_BUILD_MAX_INPUT; /* callers never pass more */
	/* Sweep the boundaries in order, no table of them: O(n^2) for n <= 1024,
	 * cheap next to everything else, and no 16 KiB array in the image. */
	uint64_t lo = 0, hi = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++)
		if (in[i].end > in[i].start && (!any || in[i].start < lo)) {
			lo = in[i].start;
			any = true;
		}
	for (; any && next_bound(in, n, lo, &hi); lo = hi) {
		int best = -1;
		uint32_t type = 0;
		for (size_t i = 0; i < n; i++) {
			if (in[i].start <= lo && hi <= in[i].end) {
				uint32_t t = e820_normalise_type(in[i].type);
				if (type_rank(t) > best) {
					best = type_rank(t);
					type = t;
				}
			}
		}
		if (best < 0)
			continue; /* a hole between entries */
		struct boot_e820_entry *prev = out->count ? &out->entry[out->count - 1] : NULL;
		if (prev && prev->type == type && prev->addr + prev->size == lo) {
			prev->size += hi - lo;
			continue;
		}
		if (out->count == E820_TABLE_MAX) {
			out->overflow = true;
			return;
		}
		out->entry[out->count++] = (struct boot_e820_entry){ lo, hi - lo, type };
	}
}

void e820_mark(struct e820_table *t, struct mmap_entry *scratch, uint64_t start, uint64_t end, uint32_t type)
{
	size_t n = 0;
	for (size_t i = 0; i < t->count && n + 1 < E820_BUILD_MAX_INPUT; i++)
		scratch[n++] = (struct mmap_entry){ t->entry[i].addr, t->entry[i].addr + t->entry[i].size,
						    t->entry[i].type };
	scratch[n++] = (struct mmap_entry){ start, end, type };
	e820_build(scratch, n, t);
}
