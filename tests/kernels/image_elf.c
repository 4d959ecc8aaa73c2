/* probe.elf: did each PT_LOAD segment land at its p_paddr, is the bss
 * zero, and (64-bit entry) are the segments mapped 1:1? */
#include "handoff.h"

struct marker {
	uint64_t self; /* link address of the marker */
	uint64_t magic;
};

#define TEXT_MAGIC 0x31544e4d54584554ull /* entry_elf.S */
#define DATA_MAGIC 0x31544e4d41544144ull

extern const struct marker elf_text_marker, elf_data_marker;
extern const uint64_t elf_link_entry64, elf_link_pvh;
extern const uint8_t elf_zerocheck[], __zerocheck_end[];
extern const char __text_start[], __text_end[], __data_start[], __image_end[];

/* The probe runs on its own identity map, so reading at the link address
 * reads the physical memory at that address. */
static bool marker_ok(const char *name, const struct marker *m, uint64_t magic)
{
	const volatile struct marker *at = (const volatile struct marker *)(uintptr_t)m->self;
	return check(name, (uintptr_t)m == m->self && at->magic == magic,
		     "marker linked at 0x%lx runs at 0x%lx, holds 0x%lx there", m->self, (uint64_t)(uintptr_t)m,
		     at->magic);
}

static void check_bss(void)
{
	uint64_t n = (uint64_t)(__zerocheck_end - elf_zerocheck), nonzero = 0, first = 0;
	for (uint64_t i = 0; i < n; i++)
		if (elf_zerocheck[i] && !nonzero++)
			first = i;
	check("elf.bss", n >= 0x10000 && !nonzero, "%lu of %lu bytes nonzero, first at 0x%lx", nonzero, n,
	      (uint64_t)(uintptr_t)elf_zerocheck + first);
}

void image_checks(const struct handoff *h)
{
	(void)h;
	uint64_t link = probe_state.kind == ENTRY_PVH ? elf_link_pvh : elf_link_entry64;
	check("elf.entry", probe_state.entry == link, "entered at 0x%lx, linked at 0x%lx", probe_state.entry,
	      link);
	marker_ok("elf.segment.text", &elf_text_marker, TEXT_MAGIC);
	marker_ok("elf.segment.data", &elf_data_marker, DATA_MAGIC);
	check_bss();
	uint64_t t = (uint64_t)(uintptr_t)__text_start, d = (uint64_t)(uintptr_t)__data_start;
	check_mapped("elf.text.mapped", t, (uint64_t)(uintptr_t)__text_end - t, false);
	check_mapped("elf.data.mapped", d, (uint64_t)(uintptr_t)__image_end - d, true);
}

size_t image_ranges(struct named_range *out, size_t max)
{
	if (max < 2)
		return 0;
	uint64_t t = (uint64_t)(uintptr_t)__text_start, d = (uint64_t)(uintptr_t)__data_start;
	out[0] = (struct named_range){ "elf.text", t, (uint64_t)(uintptr_t)__text_end - t };
	out[1] = (struct named_range){ "elf.data", d, (uint64_t)(uintptr_t)__image_end - d };
	return 2;
}
