/* The boot plan's invariants, checked from the outside on a finished plan:
 * what every plan must satisfy whatever its format and entry. Used by the unit
 * tests (on every plan they make), the boot-plan fuzzer and chainloader-check;
 * the loader itself does not link it. A copy's source is mapped to physical
 * memory as the loader sees it: module bytes and the multiboot2 information
 * (in->mbi_data) to where GRUB put them, the plan to the workspace, anything
 * else by its address (identity-mapped). Every message starts "invariant: ".
 *
 * Checked: the copy list ends with the kernel copies; no copy destination
 * overlaps another, a source a later copy still reads, or (before the kernel
 * copies) a kernel destination; every destination, the kernel's
 * [load, load + init_size) and the trampoline are usable RAM at or above
 * 1 MiB (but for the real-mode entry's: its area below the EBDA in free RAM
 * clear of every input, and its header); handoff data, command line and
 * trampoline lie below 4 GiB, and for the 32-bit and PVH entries kernel,
 * entry and initrd too; the initrd respects initrd_addr_max unless the 64-bit
 * entry may load it above 4 GiB; an initrd left in place is overwritten by
 * nothing; the trampoline is clear of every source, destination and input;
 * the zero page or hvm_start_info points where the plan says; the e820 map
 * the kernel gets shows its own destinations and the initrd as usable RAM,
 * and the RSDP copy as reserved; the EFI memory map and the RSDP copy are
 * copied below 4 GiB; an RNG seed node lies outside the kernel's range and
 * every copy, linked last in the setup_data chain (none for PVH); a kept
 * range is overlapped by nothing the plan writes; a map used in place is what
 * efi_info points at; and the KASLR rule (boot_plan_check_kaslr). */
#include <string.h>

#include "boot_plan.h"
#include "firmware/tables.h"
#include "loader/plan/parts.h"
#include "trampoline.h"

#define ONE_MIB 0x100000ull

#define CHECK(cond, ...)                                         \
	do {                                                     \
		if (!(cond))                                     \
			return cl_fail(err, "invariant: " __VA_ARGS__); \
	} while (0)
#define TRY(call)                \
	do {                     \
		if (call)        \
			return -1; \
	} while (0)

struct span {
	uint64_t start, end;
};

static bool span_overlap(struct span a, struct span b)
{
	return a.start < a.end && b.start < b.end && a.start < b.end && b.start < a.end;
}

/* The i-th entry of the maps the firmware gave (GRUB's, then the EFI map's
 * descriptors as e820 types): what "usable RAM" is judged by. */
static bool firmware_map_entry(const struct boot_info *bi, size_t i, struct mmap_entry *out)
{
	if (i < bi->mmap_count) {
		*out = bi->mmap[i];
		return true;
	}
	struct efi_memory_descriptor d;
	if (!efi_mmap_desc(bi, (uint32_t)(i - bi->mmap_count), &d))
		return false;
	*out = (struct mmap_entry){ d.physical_start, d.physical_start + (d.number_of_pages << EFI_PAGE_SHIFT),
				    efi_type_to_e820(d.type) };
	return true;
}

/* Is [start, end) usable RAM by the firmware's maps: covered by RAM entries
 * with no gap, and touched by no entry of another type? */
static bool in_usable_ram(const struct boot_info *bi, uint64_t start, uint64_t end)
{
	struct mmap_entry m;
	if (start >= end)
		return true;
	for (size_t i = 0; firmware_map_entry(bi, i, &m); i++)
		if (m.type != E820_TYPE_RAM && span_overlap((struct span){ m.start, m.end }, (struct span){ start, end }))
			return false;
	uint64_t at = start;
	bool progress = true;
	while (at < end && progress) {
		progress = false;
		for (size_t i = 0; firmware_map_entry(bi, i, &m); i++)
			if (m.type == E820_TYPE_RAM && m.start <= at && at < m.end) {
				at = m.end;
				progress = true;
			}
	}
	return at >= end;
}

/* Is [start, end) usable RAM in the e820 table the kernel is given? */
static bool e820_is_ram(const struct boot_plan *p, uint64_t start, uint64_t end)
{
	uint64_t at = start;
	for (size_t i = 0; i < p->e820.count && at < end; i++) {
		const struct boot_e820_entry *e = &p->e820.entry[i];
		if (e->addr <= at && at < e->addr + e->size) {
			if (e->type != E820_TYPE_RAM)
				return false;
			at = e->addr + e->size;
		}
	}
	return at >= end;
}

/* Does [start, end) touch usable RAM in that table? */
static bool e820_any_ram(const struct boot_plan *p, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < p->e820.count; i++) {
		const struct boot_e820_entry *e = &p->e820.entry[i];
		if (e->type == E820_TYPE_RAM &&
		    span_overlap((struct span){ e->addr, e->addr + e->size }, (struct span){ start, end }))
			return true;
	}
	return false;
}

/* Is p inside [base, base + len]? *off: how far in. */
static bool host_in(const void *p, const void *base, size_t len, size_t *off)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;
	if (a < b || a - b > len)
		return false;
	*off = a - b;
	return true;
}

/* The physical bytes a copy reads (see the top of this file). */
static int source_of(const struct plan_inputs *in, const struct boot_plan *p, const struct copy_step *c, struct span *s,
		     struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	size_t off;
	*s = (struct span){ 0, 0 };
	if (c->len == 0)
		return 0;
	for (size_t i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];
		if (host_in(c->src, m->data, m->end - m->start, &off)) {
			CHECK(off + c->len <= m->end - m->start, "copy %s reads past module %lu", c->what, i);
			*s = (struct span){ m->start + off, m->start + off + c->len };
			return 0;
		}
	}
	if (in->mbi_data && host_in(c->src, in->mbi_data, bi->mbi.end - bi->mbi.start, &off)) {
		CHECK(bi->mbi.start + off + c->len <= bi->mbi.end, "copy %s reads past the information", c->what);
		*s = (struct span){ bi->mbi.start + off, bi->mbi.start + off + c->len };
		return 0;
	}
	if (host_in(c->src, p, sizeof(*p), &off)) {
		CHECK(off + c->len <= sizeof(*p), "copy %s reads past the plan", c->what);
		*s = (struct span){ in->workspace.start, in->workspace.end }; /* the plan lives in the workspace */
		return 0;
	}
	*s = (struct span){ (uintptr_t)c->src, (uintptr_t)c->src + c->len }; /* identity-mapped: the staged kernel module */
	return 0;
}

/* The kernel's own copies, by the names the formats give them. */
static bool is_kernel_copy(const struct copy_step *c)
{
	return !strcmp(c->what, "kernel") || !strcmp(c->what, "ELF PT_LOAD");
}

/* s (if not empty): at or above 1 MiB and usable RAM by the firmware's maps. */
static int check_in_ram(const struct plan_inputs *in, struct span s, const char *what, struct cl_error *err)
{
	if (s.start == s.end)
		return 0;
	CHECK(s.start >= ONE_MIB && s.start < s.end, "%s [0x%llx, 0x%llx) below 1 MiB or wrapping", what,
		   (unsigned long long)s.start, (unsigned long long)s.end);
	CHECK(in_usable_ram(in->info, s.start, s.end), "%s [0x%llx, 0x%llx) is not usable RAM",
		   what, (unsigned long long)s.start, (unsigned long long)s.end);
	return 0;
}


/* What the checks of one plan share. */
struct view {
	size_t kfirst;                    /* the first kernel copy */
	struct span src[PLAN_MAX_COPIES]; /* what each copy reads */
	struct span dst[PLAN_MAX_COPIES]; /* what it writes, zeroes included */
	struct span tramp, kernel;        /* the trampoline; the kernel's range */
	uint64_t hsize;                   /* the handoff data's bytes */
	uint64_t isize;                   /* the initrd's bytes */
};

/* The RNG seed node: where it is wanted, outside the kernel and every copy, linked last. */
static int check_rng_seed(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			  struct cl_error *err)
{
	struct span seed = { p->rng_seed_addr, p->rng_seed_addr + sizeof(p->rng_seed) };
	bool want_seed = in->rng_seed && p->kernel_entry != &entry_pvh && p->kernel_entry != &entry_16;
	CHECK(want_seed == (p->rng_seed_addr != 0), "RNG seed node 0x%llx (%s entry, seed %s)",
		   (unsigned long long)p->rng_seed_addr, boot_plan_entry_name(p), in->rng_seed ? "given" : "none");
	if (want_seed) {
		/* A bzImage decompresses over all of [load, load + init_size); an ELF
		 * v->kernel writes only its segments. */
		bool over_kernel = p->format == &bzimage_format && span_overlap(seed, v->kernel);
		for (size_t f = 0; f < p->fixed_count; f++)
			over_kernel |= span_overlap(seed, (struct span){ p->fixed[f].start, p->fixed[f].end });
		CHECK(!over_kernel && seed.end <= FOUR_GIB && seed.start >= ONE_MIB,
			   "RNG seed node [0x%llx, 0x%llx)", (unsigned long long)seed.start, (unsigned long long)seed.end);
		uint64_t last = p->e820_ext_addr ? p->e820_ext.hdr.next : p->setup_data;
		CHECK(last == p->rng_seed_addr && p->rng_seed.hdr.type == SETUP_RNG_SEED &&
				   p->rng_seed.hdr.len == RNG_SEED_SIZE && p->rng_seed.hdr.next == 0 &&
				   !memcmp(p->rng_seed.seed, in->rng_seed, RNG_SEED_SIZE),
			   "setup_data chain: SETUP_RNG_SEED not linked last as given");
		TRY(check_in_ram(in, seed, "RNG seed node", err));
	}
	for (size_t i = 0; i < p->copy_count; i++) {
		const struct copy_step *c = &p->copies[i];
		struct span d = { c->dst, c->dst + c->len + c->zero_len };
		CHECK(!want_seed || !span_overlap(d, seed), "copy %lu (%s) over the RNG seed node", i, c->what);
	}
	return 0;
}

/* The UEFI entry's handoff: kept ranges overlapped by nothing the plan writes,
 * the map used in place, secure_boot as given. */
static int check_firmware_handoff(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
				  struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	for (size_t i = 0; i < p->copy_count; i++) {
		const struct copy_step *c = &p->copies[i];
		struct span d = { c->dst, c->dst + c->len + c->zero_len };
		for (size_t k = 0; k < in->kept_count; k++)
			CHECK(!span_overlap(d, (struct span){ in->kept[k].range.start, in->kept[k].range.end }),
				   "copy %lu (%s) [0x%llx, 0x%llx) over kept %s", i, c->what, (unsigned long long)d.start,
				   (unsigned long long)d.end, in->kept[k].what);
	}
	for (size_t k = 0; k < in->kept_count; k++) {
		struct span kept = { in->kept[k].range.start, in->kept[k].range.end };
		CHECK(p->format != &bzimage_format || !span_overlap(v->kernel, kept), "kernel range over kept %s",
			   in->kept[k].what);
		for (size_t f = 0; f < p->fixed_count; f++)
			CHECK(!span_overlap(kept, (struct span){ p->fixed[f].start, p->fixed[f].end }),
				   "fixed destination over kept %s", in->kept[k].what);
	}
	if (in->efi_mmap_in_place && p->efi.efi_loader_signature)
		CHECK((p->efi.efi_memmap | (uint64_t)p->efi.efi_memmap_hi << 32) == (uintptr_t)bi->efi_mmap,
			   "efi_info does not point at the map used in place");
	if (p->kernel_entry != &entry_pvh && p->kernel_entry != &entry_16)
		CHECK(p->params.secure_boot == in->secure_boot, "secure_boot %u, given %u",
			   p->params.secure_boot, in->secure_boot);
	return 0;
}

/* s inside one RAM entry of GRUB's map below 1 MiB, touching no other type. */
static bool in_low_ram(const struct boot_info *bi, struct span s)
{
	for (size_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type != 1 && s.start < bi->mmap[i].end && bi->mmap[i].start < s.end)
			return false;
	for (size_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == 1 && bi->mmap[i].start <= s.start && s.end <= bi->mmap[i].end)
			return true;
	return false;
}

/* The real-mode entry: the area below the EBDA in free RAM, clear of every
 * input; the part, its header and the command line inside it; the header's
 * fields as boot.rst asks; the protected-mode part at 1 MiB. */
static int check_real_mode(const struct plan_inputs *in, const struct boot_plan *p, const char *cmdline,
			   struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	const struct bzimage *k = &p->bzimage;
	uint64_t x = p->handoff_data;
	struct span area = { x, x + RM_AREA_SIZE };
	CHECK(in->bios.present && x % RM_BASE_ALIGN == 0 && x >= RM_LOWEST_BASE && x <= RM_HIGHEST_BASE &&
			   area.end <= 0x9FC00 && in_low_ram(bi, area),
		   "real-mode area [0x%llx, 0x%llx)", (unsigned long long)area.start, (unsigned long long)area.end);
	CHECK(k->version >= 0x0202 || x == RM_OLD_BASE, "protocol %x: X 0x%llx", k->version, (unsigned long long)x);
	CHECK(!span_overlap(area, (struct span){ bi->mbi.start, bi->mbi.end }) &&
			   !span_overlap(area, (struct span){ in->loader.start, in->loader.end }) &&
			   !span_overlap(area, (struct span){ in->workspace.start, in->workspace.end }),
		   "real-mode area over the information or the loader");
	for (size_t m = 0; m < bi->module_count; m++)
		CHECK(!span_overlap(area, (struct span){ bi->modules[m].start, bi->modules[m].end }),
			   "real-mode area over module %lu", m);
	CHECK(p->entry == x + RM_ENTRY_OFFSET && k->setup_size <= RM_SETUP_MAX, "real-mode entry");
	CHECK(p->kernel_load == 0x100000 && p->kernel_range.start == 0x100000 &&
			   p->kernel_range.end >= 0x100000 + k->pm_size, "real-mode kernel range");
	CHECK(p->cmdline_addr == x + RM_CMDLINE && p->cmdline_len < RM_CMDLINE_ROOM &&
			   p->cmdline_len <= k->cmdline_size && p->cmdline_len == strlen(cmdline), "real-mode command line");
	for (size_t i = 0; i < p->copy_count; i++) {
		const struct copy_step *c = &p->copies[i];
		struct span d = { c->dst, c->dst + c->len + c->zero_len };
		if (d.end <= ONE_MIB)
			CHECK(d.start >= area.start && d.end <= x + RM_STUB, "copy %lu (%s) below 1 MiB outside the area",
				   i, c->what);
	}
	const struct setup_header *h = &p->params.hdr;
	CHECK(h->type_of_loader == 0xFF && h->ramdisk_image == p->initrd.start &&
			   h->ramdisk_size == p->initrd.end - p->initrd.start &&
			   !memcmp((const uint8_t *)&p->params + 0x24, k->image + 0x24, 0x1F1 + 16 - 0x24),
		   "real-mode header");
	if (k->version >= 0x0202)
		CHECK(h->cmd_line_ptr == x + RM_CMDLINE && !memcmp(&p->params, k->image, 0x24), "cmd_line_ptr");
	else
		CHECK(p->params.screen_info.cl_magic == RM_CL_MAGIC && p->params.screen_info.cl_offset == RM_CMDLINE,
			   "cl_magic");
	if (k->version >= 0x0201)
		CHECK((h->loadflags & CAN_USE_HEAP) && h->heap_end_ptr == RM_HEAP_END - 0x200, "heap");
	return 0;
}


/* The kernel copies come last. */
static int check_copy_order(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			    struct cl_error *err)
{
	(void)in;
	size_t n = p->copy_count;
	size_t kfirst = n, kcount = p->format == &bzimage_format ? 1 : p->elf.segment_count;
	for (size_t i = 0; i < n; i++)
		if (is_kernel_copy(&p->copies[i]) && kfirst == n)
			kfirst = i;
	CHECK(kfirst < n && kfirst + kcount == n, "kernel copies from %lu, %lu of %lu copies", kfirst, kcount, n);
	for (size_t i = kfirst; i < n; i++)
		CHECK(is_kernel_copy(&p->copies[i]), "copy %lu (%s) after the kernel copies", i, p->copies[i].what);
	v->kfirst = kfirst;
	return 0;
}

/* Each copy: in RAM, clear of the trampoline, of the kernel's destinations
 * before the kernel copies, of every other copy's destination and of the
 * sources later copies read. */
static int check_copies(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			struct cl_error *err)
{
	size_t n = p->copy_count;
	struct span *dst = v->dst;
	for (size_t i = 0; i < n; i++) {
		const struct copy_step *c = &p->copies[i];
		TRY(source_of(in, p, c, &v->src[i], err));
		dst[i] = (struct span){ c->dst, c->dst + c->len + c->zero_len };
		CHECK(dst[i].end >= dst[i].start, "copy %lu (%s) wraps", i, c->what);
		if (!(p->kernel_entry == &entry_16 && dst[i].end <= ONE_MIB)) /* check_real_mode: below 1 MiB */
			TRY(check_in_ram(in, dst[i], c->what, err));
		CHECK(!span_overlap(dst[i], v->tramp) && !span_overlap(v->src[i], v->tramp),
			   "copy %lu (%s) touches the trampoline", i, c->what);
		for (size_t f = 0; f < p->fixed_count && i < v->kfirst; f++)
			CHECK(!span_overlap(dst[i], (struct span){ p->fixed[f].start, p->fixed[f].end }),
				   "copy %lu (%s) [0x%llx, 0x%llx) before the kernel copies lands in fixed destination %lu",
				   i, c->what, (unsigned long long)dst[i].start, (unsigned long long)dst[i].end, f);
		if (p->format == &bzimage_format && i < v->kfirst)
			CHECK(!span_overlap(dst[i], v->kernel), "copy %lu (%s) lands in [load, load + init_size)", i, c->what);
	}
	return 0;
}

/* No two copies write the same bytes (but the real-mode header over its part),
 * and none overwrites what a later copy reads (but the staged kernel's). */
static int check_copy_overlaps(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			       struct cl_error *err)
{
	(void)in;
	size_t n = p->copy_count;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			if (i == j)
				continue;
			/* The real-mode header is written over the part's own, after it. */
			bool header = !strcmp(p->copies[i].what, "real-mode part") &&
				      !strcmp(p->copies[j].what, "real-mode header") && j > i &&
				      v->dst[j].start >= v->dst[i].start && v->dst[j].end <= v->dst[i].end;
			bool header_rev = !strcmp(p->copies[j].what, "real-mode part") &&
					  !strcmp(p->copies[i].what, "real-mode header") && i > j;
			CHECK(header || header_rev || !span_overlap(v->dst[i], v->dst[j]),
				   "copies %lu (%s) and %lu (%s) write the same bytes", i, p->copies[i].what, j,
				   p->copies[j].what);
			/* A later copy may read only what the staging copy of the kernel module wrote. */
			bool staged = !strcmp(p->copies[i].what, "kernel module (staged)") &&
				      is_kernel_copy(&p->copies[j]) && v->src[j].start >= p->copies[i].dst &&
				      v->src[j].end <= p->copies[i].dst + p->copies[i].len;
			if (j > i && !staged)
				CHECK(!span_overlap(v->dst[i], v->src[j]),
					   "copy %lu (%s) -> [0x%llx, 0x%llx) overwrites the source [0x%llx, 0x%llx) of later copy %lu (%s)",
					   i, p->copies[i].what, (unsigned long long)v->dst[i].start,
					   (unsigned long long)v->dst[i].end, (unsigned long long)v->src[j].start,
					   (unsigned long long)v->src[j].end, j, p->copies[j].what);
		}
	}
	return 0;
}

/* The trampoline: aligned, RAM, below 4 GiB, clear of every input and destination. */
static int check_trampoline(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			    struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	CHECK(p->trampoline % TRAMPOLINE_PAGE == 0 && v->tramp.end <= FOUR_GIB, "trampoline at 0x%llx",
		   (unsigned long long)p->trampoline);
	TRY(check_in_ram(in, v->tramp, "trampoline", err));
	CHECK(!span_overlap(v->tramp, (struct span){ in->loader.start, in->loader.end }) &&
		      !span_overlap(v->tramp, (struct span){ in->workspace.start, in->workspace.end }) &&
			   !span_overlap(v->tramp, (struct span){ bi->mbi.start, bi->mbi.end }),
		   "trampoline over the loader or the information");
	for (size_t i = 0; i < bi->module_count; i++)
		CHECK(!span_overlap(v->tramp, (struct span){ bi->modules[i].start, bi->modules[i].end }),
			   "trampoline over module %lu", i);
	for (size_t f = 0; f < p->fixed_count; f++)
		CHECK(!span_overlap(v->tramp, (struct span){ p->fixed[f].start, p->fixed[f].end }),
			   "trampoline in fixed destination %lu", f);
	return 0;
}

/* A bzImage: [load, load + init_size) in RAM where its header allows, its
 * entry, its one copy (the real-mode entry: check_real_mode). */
static int check_bzimage_kernel(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
				struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	const char *cmdline = in->info->modules[0].string;
	const struct bzimage *k = &p->bzimage;
	if (p->kernel_entry == &entry_16)
		TRY(check_real_mode(in, p, cmdline, err));
	else
		CHECK(v->kernel.start == p->kernel_load && v->kernel.end == p->kernel_load + k->init_size,
			   "kernel_range");
	TRY(check_in_ram(in, v->kernel, "kernel [load, load + init_size)", err));
	CHECK(!span_overlap(v->tramp, v->kernel), "trampoline in [load, load + init_size)");
	if (p->kernel_entry == &entry_16)
		; /* at 1 MiB: check_real_mode */
	else if (k->relocatable)
		CHECK(p->kernel_load % k->alignment == 0 && p->kernel_load >= k->pref_address,
			   "relocatable kernel at 0x%llx (alignment 0x%x, pref_address 0x%llx)",
			   (unsigned long long)p->kernel_load, k->alignment, (unsigned long long)k->pref_address);
	else
		CHECK(p->kernel_load == k->pref_address, "fixed kernel at 0x%llx", (unsigned long long)p->kernel_load);
	if (p->kernel_entry != &entry_16)
		CHECK(p->entry == p->kernel_load + (p->kernel_entry == &entry_64 ? 0x200 : k->code32_offset),
			   "entry 0x%llx", (unsigned long long)p->entry);
	const struct copy_step *c = &p->copies[v->kfirst];
	CHECK(c->dst == p->kernel_load && c->len == k->pm_size, "kernel copy");
	uint64_t kmod = p->kernel_bounced ? (uintptr_t)p->kernel_bytes : bi->modules[0].start;
	CHECK(v->src[v->kfirst].start == kmod + k->pm_offset, "kernel copy source");
	return 0;
}

/* An ELF kernel: its segments are the fixed destinations, in RAM; its entry. */
static int check_elf_kernel(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			    struct cl_error *err)
{
	(void)v;
	const struct elf_kernel *e = &p->elf;
	CHECK(p->fixed_count == e->segment_count, "fixed_count");
	for (size_t i = 0; i < e->segment_count; i++) {
		CHECK(p->fixed[i].start == e->segments[i].paddr &&
				   p->fixed[i].end == e->segments[i].paddr + e->segments[i].memsz, "fixed %lu", i);
		TRY(check_in_ram(in, (struct span){ p->fixed[i].start, p->fixed[i].end }, "ELF PT_LOAD", err));
	}
	CHECK(p->entry == (p->kernel_entry == &entry_pvh ? e->pvh_entry : e->entry), "entry");
	return 0;
}

/* The kernel, by its format; below 4 GiB for the entries without paging. */
static int check_kernel(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			struct cl_error *err)
{
	TRY(p->format == &bzimage_format ? check_bzimage_kernel(in, p, v, err) : check_elf_kernel(in, p, v, err));
	if (p->kernel_entry != &entry_64)
		CHECK(p->entry < FOUR_GIB && v->kernel.end <= FOUR_GIB && p->initrd.end <= FOUR_GIB,
			   "%s entry: kernel [0x%llx, 0x%llx), entry 0x%llx, initrd end 0x%llx above 4 GiB",
			   boot_plan_entry_name(p), (unsigned long long)v->kernel.start, (unsigned long long)v->kernel.end,
			   (unsigned long long)p->entry, (unsigned long long)p->initrd.end);
	return 0;
}

/* Handoff data and command line. */
static int check_handoff_data(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			      struct cl_error *err)
{
	size_t n = p->copy_count;
	const char *cmdline = in->info->modules[0].string;
	uint64_t hsize;
	hsize = p->kernel_entry == &entry_pvh ? pvh_handoff_size(&p->e820)
			 : p->kernel_entry == &entry_16 ? p->bzimage.header_end
						      : sizeof(struct boot_params);
	CHECK(p->handoff_data + hsize <= FOUR_GIB && p->cmdline_addr + p->cmdline_len + 1 <= FOUR_GIB,
		   "handoff data 0x%llx or command line 0x%llx above 4 GiB", (unsigned long long)p->handoff_data,
		   (unsigned long long)p->cmdline_addr);
	CHECK(p->cmdline_len == strlen(cmdline), "cmdline_len");
	bool found_handoff = false, found_cmdline = false;
	for (size_t i = 0; i < n; i++) {
		found_handoff |= p->copies[i].dst == p->handoff_data && p->copies[i].len == hsize;
		found_cmdline |= p->copies[i].dst == p->cmdline_addr && p->copies[i].len == p->cmdline_len + 1 &&
				 !memcmp(p->copies[i].src, cmdline, p->cmdline_len + 1);
	}
	CHECK(found_handoff && found_cmdline, "no copy of the handoff data or the command line");
	v->hsize = hsize;
	return 0;
}

/* An initrd left where GRUB put it: overwritten by nothing. */
static int check_initrd_in_place(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
				 struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	size_t n = p->copy_count;
	CHECK(p->initrd.start == bi->modules[1].start &&
			   p->initrd.end == bi->modules[bi->module_count - 1].end, "initrd in place");
	for (size_t m = 1; m < bi->module_count; m++) {
		struct span mod = { bi->modules[m].start, bi->modules[m].end };
		for (size_t i = 0; i < n; i++)
			CHECK(!span_overlap(v->dst[i], mod), "copy %lu (%s) overwrites initrd module %lu left in place",
				   i, p->copies[i].what, m);
		if (p->format == &bzimage_format)
			CHECK(!span_overlap(mod, v->kernel), "initrd module %lu in [load, load + init_size)", m);
		for (size_t f = 0; f < p->fixed_count; f++)
			CHECK(!span_overlap(mod, (struct span){ p->fixed[f].start, p->fixed[f].end }),
				   "initrd module %lu in fixed destination %lu", m, f);
	}
	return 0;
}

/* A joined initrd: the modules copied back to back, in order, 4-byte aligned. */
static int check_initrd_joined(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			       struct cl_error *err)
{
	(void)v;
	const struct boot_info *bi = in->info;
	uint64_t at = p->initrd.start;
	size_t m = 1;
	for (size_t i = 0; i < p->copy_count; i++) {
		if (strcmp(p->copies[i].what, "initrd") != 0)
			continue;
		CHECK(m < bi->module_count && p->copies[i].dst == at &&
				   p->copies[i].len == bi->modules[m].end - bi->modules[m].start &&
				   p->copies[i].src == bi->modules[m].data, "initrd copy %lu", m);
		at += p->copies[i].len + p->copies[i].zero_len;
		m++;
	}
	CHECK(m == bi->module_count && at == p->initrd.end, "joined initrd");
	return 0;
}

/* The initrd: below initrd_addr_max where the kernel needs it, in place or joined. */
static int check_initrd(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			struct cl_error *err)
{
	const struct boot_info *bi = in->info;
	uint64_t isize;
	isize = p->initrd.end - p->initrd.start;
	CHECK(p->initrd.end >= p->initrd.start && p->initrd_count == bi->module_count - 1, "initrd");
	if (isize && p->format == &bzimage_format &&
	    !(p->kernel_entry == &entry_64 && (p->bzimage.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G)))
		CHECK(p->initrd.end - 1 <= p->bzimage.initrd_addr_max,
			   "initrd [0x%llx, 0x%llx) beyond initrd_addr_max 0x%x (%s entry, xloadflags 0x%x)",
			   (unsigned long long)p->initrd.start, (unsigned long long)p->initrd.end,
			   p->bzimage.initrd_addr_max, boot_plan_entry_name(p), p->bzimage.xloadflags);
	v->isize = isize;
	if (bi->module_count > 1 && !p->initrd_moved)
		TRY(check_initrd_in_place(in, p, v, err));
	if (p->initrd_moved)
		TRY(check_initrd_joined(in, p, v, err));
	return 0;
}

/* What the kernel reads. */
static int check_what_the_kernel_reads(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
				       struct cl_error *err)
{
	(void)in;
	if (p->kernel_entry == &entry_pvh) {
		const struct hvm_start_info *s = &p->pvh.info;
		CHECK(s->magic == HVM_START_MAGIC_VALUE && s->cmdline_paddr == p->cmdline_addr &&
				   s->memmap_entries == p->e820.count &&
				   s->memmap_paddr == p->handoff_data + offsetof(struct pvh_handoff, memmap) &&
				   s->nr_modules == (v->isize ? 1u : 0u),
			   "hvm_start_info");
		if (v->isize)
			CHECK(p->pvh.module.paddr == p->initrd.start && p->pvh.module.size == v->isize, "PVH module");
	} else if (p->kernel_entry != &entry_16) {
		const struct boot_params *bp = &p->params;
		CHECK((bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32) == p->cmdline_addr &&
				   (bp->hdr.ramdisk_image | (uint64_t)bp->ext_ramdisk_image << 32) == p->initrd.start &&
				   (bp->hdr.ramdisk_size | (uint64_t)bp->ext_ramdisk_size << 32) == v->isize,
			   "boot_params pointers");
		size_t in_page = p->e820.count < 128 ? p->e820.count : 128;
		CHECK(bp->e820_entries == in_page && bp->hdr.setup_data == p->setup_data, "boot_params e820");
		CHECK((p->e820.count > 128) == (p->e820_ext_addr != 0) &&
				   p->setup_data == (p->e820_ext_addr ? p->e820_ext_addr : p->rng_seed_addr),
			   "SETUP_E820_EXT");
		if (p->kernel_entry == &entry_32)
			CHECK(bp->hdr.code32_start == p->entry, "code32_start");
		if (p->format == &bzimage_format && !(p->bzimage.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
			CHECK(p->handoff_data + v->hsize <= FOUR_GIB && p->cmdline_addr < FOUR_GIB &&
					   p->initrd.end <= FOUR_GIB && p->setup_data < FOUR_GIB,
				   "above 4 GiB without XLF_CAN_BE_LOADED_ABOVE_4G");
		CHECK(bp->acpi_rsdp_addr == p->acpi_rsdp || p->format == &bzimage_format,
			   "acpi_rsdp_addr 0x%llx, plan 0x%llx", (unsigned long long)bp->acpi_rsdp_addr,
			   (unsigned long long)p->acpi_rsdp);
	}
	return 0;
}

/* The memory map the kernel gets: its own destinations and the initrd are
 * usable RAM (else Linux treats them as firmware's), the RSDP copy is not. */
static int check_e820_given(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			    struct cl_error *err)
{
	(void)in;
	if (p->format == &bzimage_format)
		CHECK(e820_is_ram(p, v->kernel.start, v->kernel.end), "e820 given to the kernel: [load, load + init_size) [0x%llx, 0x%llx) not all usable",
			   (unsigned long long)v->kernel.start, (unsigned long long)v->kernel.end);
	for (size_t f = 0; f < p->fixed_count; f++)
		CHECK(e820_is_ram(p, p->fixed[f].start, p->fixed[f].end),
			   "e820 given to the kernel: fixed destination [0x%llx, 0x%llx) not all usable",
			   (unsigned long long)p->fixed[f].start, (unsigned long long)p->fixed[f].end);
	CHECK(e820_is_ram(p, p->initrd.start, p->initrd.end),
		   "e820 given to the kernel: initrd [0x%llx, 0x%llx) not all usable (RSDP copy at 0x%llx)",
		   (unsigned long long)p->initrd.start, (unsigned long long)p->initrd.end,
		   (unsigned long long)p->acpi_rsdp);
	return 0;
}

/* EFI memory map and RSDP copies. */
static int check_firmware_copies(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
				 struct cl_error *err)
{
	(void)v;
	const struct boot_info *bi = in->info;
	bool efi_copy = false, rsdp_copy = false;
	for (size_t i = 0; i < p->copy_count; i++) {
		const struct copy_step *c = &p->copies[i];
		if (!strcmp(c->what, "EFI memory map")) {
			efi_copy = true;
			CHECK(c->len == bi->efi_mmap_size && c->src == bi->efi_mmap && c->dst + c->len <= FOUR_GIB &&
					   c->dst % 4096 == 0, "EFI memory map copy");
			if (p->kernel_entry != &entry_pvh)
				CHECK(p->params.efi_info.efi_memmap == c->dst && p->params.efi_info.efi_memmap_hi == 0 &&
						   p->params.efi_info.efi_memmap_size == c->len &&
						   p->params.efi_info.efi_memdesc_size == bi->efi_desc_size,
					   "efi_info");
		}
		if (!strcmp(c->what, "ACPI RSDP (copy)")) {
			rsdp_copy = true;
			CHECK(c->dst == p->acpi_rsdp && c->len == bi->acpi_rsdp_size && c->src == bi->acpi_rsdp &&
					   c->dst + c->len <= FOUR_GIB, "RSDP copy");
			CHECK(!e820_any_ram(p, c->dst, c->dst + c->len), "e820: the RSDP copy [0x%llx, +%lu) is usable RAM",
				   (unsigned long long)c->dst, (size_t)c->len);
		}
	}
	CHECK(efi_copy == (bi->efi_system_table && bi->efi_mmap && !in->efi_mmap_in_place),
		   "EFI memory map copied: %d", efi_copy);
	CHECK(rsdp_copy == p->acpi_rsdp_copied, "RSDP copied: %d", rsdp_copy);
	if (p->kernel_entry == &entry_pvh)
		CHECK(p->pvh.info.rsdp_paddr == p->acpi_rsdp, "PVH rsdp_paddr");
	return 0;
}

/* The checks, in order: check_copy_order sets kfirst, check_copies src and
 * dst, check_handoff_data hsize, check_initrd isize, for those after them. */
static int (*const checks[])(const struct plan_inputs *in, const struct boot_plan *p, struct view *v,
			     struct cl_error *err) = {
	check_copy_order, check_rng_seed, check_firmware_handoff, check_copies, check_copy_overlaps,
	check_trampoline, check_kernel, check_handoff_data, check_initrd, check_what_the_kernel_reads,
	check_e820_given, check_firmware_copies,
};

int boot_plan_check_invariants(const struct plan_inputs *in, const struct boot_plan *p, struct cl_error *err)
{
	struct view v = { .tramp = { p->trampoline, p->trampoline + TRAMPOLINE_SIZE },
			  .kernel = { p->kernel_range.start, p->kernel_range.end } };
	CHECK(p->copy_count <= PLAN_MAX_COPIES, "%lu copies", p->copy_count);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (checks[i](in, p, &v, err))
			return -1;
	return boot_plan_check_kaslr(in, p, err); /* the KASLR rule (loader/plan/kaslr.c) */
}

