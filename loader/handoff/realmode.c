/* The real-mode boot protocol's low-memory decisions (loader/handoff/realmode.h):
 * where the real-mode part goes, whether the BIOS is still there to serve it,
 * and the header fields the loader fills in. */
#include "loader/handoff/realmode.h"

#include <string.h>

#include "abi/multiboot2.h"
#include "loader/plan/parts.h"

#define LOW_MEMORY_END 0x100000u
#define CMDLINE_PTR_FIELD BOOT_PROTOCOL(2, 2)
#define HEAP_FIELD BOOT_PROTOCOL(2, 1)
#define HEAP_END_PTR (RM_HEAP_END - 0x200) /* boot.rst: the heap's end, minus 0x200 */

uint64_t real_mode_limit(const struct bios_low_memory *bios)
{
	return bios->ebda && bios->ebda < RM_BIOS_AREA ? bios->ebda : RM_BIOS_AREA;
}

static uint64_t vector_linear(uint32_t v)
{
	return ((uint64_t)(v >> 16) << 4) + (v & 0xFFFF);
}

/* Inside one available entry of the memory map, and in no entry of another
 * type (where entries overlap, anything else wins). */
static bool in_free_ram(const struct boot_info *bi, struct mem_range r)
{
	bool inside = false;
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct mmap_entry *m = &bi->mmap[i];
		struct mem_range e = { m->start, m->end };
		if (m->type != MB2_MEMORY_AVAILABLE && mem_range_overlaps(r, e))
			return false;
		inside |= m->type == MB2_MEMORY_AVAILABLE && m->start <= r.start && r.end <= m->end;
	}
	return inside;
}

int real_mode_check_vectors(const struct boot_info *bi, const struct bios_low_memory *bios, struct cl_error *err)
{
	const uint32_t vec[2] = { bios->int13, bios->int15 };
	for (unsigned i = 0; i < 2; i++) {
		uint64_t at = vector_linear(vec[i]);
		/* The BIOS area, the EBDA, or a handler GRUB reserved (its cutmem and
		 * drivemap hooks live in low memory the map marks reserved). */
		if (at >= LOW_MEMORY_END ||
		    (at < real_mode_limit(bios) && in_free_ram(bi, (struct mem_range){ at, at + 1 })))
			return cl_fail(err, "entry=16: int %xh points to %04x:%04x, neither the BIOS area [0x%llx, 0x100000) nor memory the map reserves: no BIOS to run the real-mode code",
				       i ? 0x15 : 0x13, vec[i] >> 16, vec[i] & 0xFFFF,
				       (unsigned long long)real_mode_limit(bios));
	}
	return 0;
}

static bool area_fits(const struct boot_info *bi, struct mem_range r, const struct mem_range *avoid, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (mem_range_overlaps(r, avoid[i]))
			return false;
	return in_free_ram(bi, r);
}

int real_mode_base(const struct boot_info *bi, const struct bios_low_memory *bios, uint16_t version,
		   const struct mem_range *avoid, size_t avoid_count, uint64_t *base, struct cl_error *err)
{
	uint64_t limit = real_mode_limit(bios);
	bool old = version < CMDLINE_PTR_FIELD;
	_Static_assert(RM_OLD_BASE == RM_HIGHEST_BASE, "the search starts where old protocols must be");
	for (uint64_t x = RM_HIGHEST_BASE; x >= RM_LOWEST_BASE; x -= RM_BASE_ALIGN) {
		struct mem_range r = { x, x + RM_AREA_SIZE };
		if (r.end <= limit && area_fits(bi, r, avoid, avoid_count)) {
			*base = x;
			return 0;
		}
		if (old)
			break;
	}
	if (old)
		return cl_fail(err, "entry=16: boot protocol %u.%02u needs its real-mode part at 0x%x (command line by cl_magic), but [0x%x, 0x%x) is not free RAM below 0x%llx",
			       version >> 8, version & 0xff, RM_OLD_BASE, RM_OLD_BASE, RM_OLD_BASE + RM_AREA_SIZE,
			       (unsigned long long)limit);
	return cl_fail(err, "entry=16: no room for the real-mode part: 0x%x bytes of free RAM within [0x%x, 0x%llx), clear of the multiboot2 information and the modules",
		       RM_AREA_SIZE, RM_LOWEST_BASE, (unsigned long long)limit);
}

void real_mode_header(struct boot_params *head, const struct bzimage *k, uint64_t base, uint64_t initrd,
		      uint64_t initrd_size)
{
	memset(head, 0, sizeof(*head));
	memcpy(head, k->image, k->header_end);
	struct setup_header *h = &head->hdr;
	h->type_of_loader = LOADER_TYPE_UNDEFINED;
	if (k->version >= HEAP_FIELD) {
		h->loadflags |= CAN_USE_HEAP;
		h->heap_end_ptr = HEAP_END_PTR;
	}
	if (k->version >= CMDLINE_PTR_FIELD) {
		h->cmd_line_ptr = (uint32_t)(base + RM_CMDLINE);
	} else {
		head->screen_info.cl_magic = RM_CL_MAGIC;
		head->screen_info.cl_offset = RM_CMDLINE;
		h->setup_move_size = RM_CMDLINE + RM_CMDLINE_ROOM;
	}
	h->ramdisk_image = (uint32_t)initrd;
	h->ramdisk_size = (uint32_t)initrd_size;
}

/* The real-mode entry (boot.rst, "Loading the rest of the kernel", "Running
 * the kernel"; loader/handoff/realmode.h): the real-mode part in low memory with its
 * heap, command line and header filled in; the arch side leaves long mode for
 * real mode. No zero page: the kernel's setup code asks the BIOS. */
/* The real-mode part's area below 1 MiB, checked against the memory map and
 * everything GRUB put in memory (the planner handles only memory above). */
static int rm_place(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	const struct bzimage *k = &plan->bzimage;
	if (k->setup_size > RM_SETUP_MAX)
		return cl_fail(err, "entry=16: the real-mode part is %u bytes (setup_sects %u), more than the 0x%x below its heap",
			       k->setup_size, k->setup_size / SECTOR_SIZE - 1, RM_SETUP_MAX);
	if (real_mode_check_vectors(bi, &in->bios, err))
		return -1;
	struct mem_range avoid[BOOT_INFO_MAX_MODULES + 3] = { bi->mbi, in->loader, in->workspace };
	size_t n = 3;
	for (size_t i = 0; i < bi->module_count; i++)
		avoid[n++] = (struct mem_range){ bi->modules[i].start, bi->modules[i].end };
	if (real_mode_base(bi, &in->bios, k->version, avoid, n, &plan->handoff_data, err))
		return -1;
	plan->entry = plan->handoff_data + RM_ENTRY_OFFSET;
	return 0;
}

static int rm_place_cmdline(struct boot_plan *plan, struct cl_error *err)
{
	if (plan->cmdline_len >= RM_CMDLINE_ROOM)
		return cl_fail(err, "entry=16: the kernel command line is %llu bytes, the real-mode area has room for %u",
			       (unsigned long long)plan->cmdline_len, RM_CMDLINE_ROOM - 1);
	plan->cmdline_addr = plan->handoff_data + RM_CMDLINE;
	return 0;
}

/* The real-mode part, its heap zeroed, then its header as filled in. */
static int rm_build(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	(void)in;
	const struct bzimage *k = &plan->bzimage;
	real_mode_header(&plan->params, k, plan->handoff_data, plan->initrd.start, plan->initrd.end - plan->initrd.start);
	return plan_add_copy(plan, (struct copy_step){ "real-mode part", plan->handoff_data, plan->kernel_bytes,
						       k->setup_size, RM_HEAP_END - k->setup_size }, err) ||
	       plan_add_copy(plan, (struct copy_step){ "real-mode header", plan->handoff_data, &plan->params,
						       k->header_end, 0 }, err);
}

static void rm_report(const struct boot_plan *p, report_fn *out)
{
	out("real mode: the %u-byte real-mode part at 0x%llx, its heap and stack to +0x%x\n", p->bzimage.setup_size,
	    (unsigned long long)p->handoff_data, RM_HEAP_END);
}

static uint64_t rm_size(const struct boot_plan *plan)
{
	return plan->bzimage.setup_size;
}

const struct kernel_entry entry_16 = {
	.name = "16-bit",
	.data_name = "real-mode part",
	.paging_off = true,
	.tramp = { .kind = TRAMP_KIND_PROTECTED32, .real16_stub = true },
	.place = rm_place,
	.place_cmdline = rm_place_cmdline,
	.build = rm_build,
	.data_size = rm_size,
	.report = rm_report,
};
