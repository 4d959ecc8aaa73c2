#include "e820_build.h"

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

static void sort_u64(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) { /* insertion sort: n <= 1024 and usually sorted */
		uint64_t x = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

void e820_build(const struct mmap_entry *in, size_t n, struct e820_table *out)
{
	static uint64_t bounds[2 * E820_BUILD_MAX_INPUT];
	size_t nb = 0;
	if (n > E820_BUILD_MAX_INPUT)
		n = E820_BUILD_MAX_INPUT; /* callers never pass more */
	for (size_t i = 0; i < n; i++) {
		if (in[i].end <= in[i].start)
			continue;
		bounds[nb++] = in[i].start;
		bounds[nb++] = in[i].end;
	}
	sort_u64(bounds, nb);

	out->count = 0;
	out->overflow = false;
	for (size_t b = 0; b + 1 < nb; b++) {
		uint64_t lo = bounds[b], hi = bounds[b + 1];
		if (lo == hi)
			continue;
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

struct mmap_entry *e820_input_scratch(void)
{
	static struct mmap_entry scratch[E820_BUILD_MAX_INPUT];
	return scratch;
}

void e820_mark(struct e820_table *t, uint64_t start, uint64_t end, uint32_t type)
{
	struct mmap_entry *in = e820_input_scratch();
	size_t n = 0;
	for (size_t i = 0; i < t->count && n + 1 < E820_BUILD_MAX_INPUT; i++)
		in[n++] = (struct mmap_entry){ t->entry[i].addr, t->entry[i].addr + t->entry[i].size, t->entry[i].type };
	in[n++] = (struct mmap_entry){ start, end, type };
	e820_build(in, n, t);
}
