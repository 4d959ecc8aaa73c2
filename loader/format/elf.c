/* The ELF64 vmlinux format in the boot plan (loader/plan/parts.h): PT_LOAD
 * segments at p_paddr, e_entry in 64-bit mode or the PVH note's entry. */
#include "loader/plan/parts.h"

#include "loader/handoff/zeropage.h" /* SYNTH_CMDLINE_SIZE */

static int elf_parse_module(const struct boot_module *kmod, struct boot_plan *plan, struct cl_error *err)
{
	return elf_parse(kmod->data, kmod->end - kmod->start, &plan->elf, err);
}

static int elf_choose_entry(enum entry_mode mode, bool bios, struct boot_plan *plan, struct cl_error *err)
{
	(void)bios;
	switch (mode) {
	case ENTRY_32:
		return cl_fail(err, "entry=32 is the bzImage 32-bit entry; for an ELF kernel use entry=64 or entry=pvh");
	case ENTRY_16:
		return cl_fail(err, "entry=16 is the bzImage real-mode entry; for an ELF kernel use entry=64 or entry=pvh");
	case ENTRY_PVH:
		if (!plan->elf.has_pvh_entry)
			return cl_fail(err, "entry=pvh: the ELF kernel has no XEN_ELFNOTE_PHYS32_ENTRY note (type 18, owner \"Xen\")");
		plan->kernel_entry = &entry_pvh;
		return 0;
	default:
		plan->kernel_entry = &entry_64;
		return 0;
	}
}

static int elf_place(struct boot_plan *plan, struct cl_error *err)
{
	const struct elf_kernel *e = &plan->elf;
	for (size_t i = 0; i < e->segment_count; i++) {
		const struct elf_segment *s = &e->segments[i];
		if (plan_claim_fixed(plan, (struct mem_range){ s->paddr, s->paddr + s->memsz }, "ELF PT_LOAD", err))
			return -1;
	}
	const struct elf_segment *last = &e->segments[e->segment_count - 1];
	plan->kernel_range = (struct mem_range){ e->segments[0].paddr, last->paddr + last->memsz };
	plan->entry = plan->kernel_entry == &entry_pvh ? e->pvh_entry : e->entry;
	return 0;
}

/* Segments copied straight from the module, highest destination first, are
 * safe when no segment's destination covers the file bytes of a segment copied
 * after it (a segment over its own bytes is a memmove). */
static bool elf_copies_in_place(const struct boot_plan *plan, const struct boot_module *kmod)
{
	const struct elf_kernel *e = &plan->elf;
	for (size_t k = e->segment_count; k-- > 0;) {
		const struct elf_segment *s = &e->segments[k];
		struct mem_range dst = { s->paddr, s->paddr + s->memsz };
		for (size_t j = 0; j < k; j++) {
			const struct elf_segment *t = &e->segments[j];
			struct mem_range src = { kmod->start + t->offset, kmod->start + t->offset + t->filesz };
			if (mem_range_overlaps(dst, src))
				return false;
		}
	}
	return true;
}

/* Highest destination first: the order elf_copies_in_place relies on. */
static int elf_add_copies(struct boot_plan *plan, struct cl_error *err)
{
	for (size_t i = plan->elf.segment_count; i-- > 0;) {
		const struct elf_segment *s = &plan->elf.segments[i];
		if (plan_add_copy(plan, (struct copy_step){ "ELF PT_LOAD", s->paddr, plan->kernel_bytes + s->offset,
							    s->filesz, s->memsz - s->filesz },
				  err))
			return -1;
	}
	return 0;
}

static uint64_t elf_initrd_limit(const struct boot_plan *plan)
{
	(void)plan;
	return UINT64_MAX; /* 64-bit Linux reads ext_ramdisk_image; the entry may cap it */
}

static uint32_t elf_cmdline_max(const struct boot_plan *plan)
{
	(void)plan;
	return SYNTH_CMDLINE_SIZE;
}

static uint64_t elf_bytes(const struct boot_plan *plan)
{
	uint64_t n = 0;
	for (size_t i = 0; i < plan->elf.segment_count; i++)
		n += plan->elf.segments[i].filesz;
	return n;
}

static void elf_report(const struct boot_plan *p, report_fn *out)
{
	const struct elf_kernel *e = &p->elf;
	out("ELF: e_entry 0x%llx, %llu PT_LOAD, PVH entry %s0x%x\n", (unsigned long long)e->entry,
	    (unsigned long long)e->segment_count, e->has_pvh_entry ? "" : "(none) ", e->pvh_entry);
	for (size_t i = 0; i < e->segment_count; i++) {
		const struct elf_segment *s = &e->segments[i];
		out("  PT_LOAD [0x%llx, 0x%llx) filesz 0x%llx from offset 0x%llx\n", (unsigned long long)s->paddr,
		    (unsigned long long)(s->paddr + s->memsz), (unsigned long long)s->filesz,
		    (unsigned long long)s->offset);
	}
}

const struct image_format elf_format = {
	.name = "ELF",
	.probe = elf_probe,
	.parse = elf_parse_module,
	.choose_entry = elf_choose_entry,
	.place = elf_place,
	.copies_in_place = elf_copies_in_place,
	.add_copies = elf_add_copies,
	.initrd_limit = elf_initrd_limit,
	.cmdline_max = elf_cmdline_max,
	.bytes = elf_bytes,
	.report = elf_report,
};
