/* Rules for the ACPI RSDP, the EFI memory map, the framebuffer, the
 * setup_data chain and the RNG seeds a loader passes on (fwrules.h). */
#include "fwrules.h"
#include "abi/e820.h"

/* ---- ACPI RSDP ---- */

static uint8_t sum8(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

bool rsdp_valid(const uint8_t *p, uint64_t avail, uint32_t *len, char *why, size_t why_size)
{
	static const char sig[8] = "RSD PTR ";
	*len = RSDP_V1_LEN;
	if (avail < RSDP_V1_LEN) {
		fmt(why, why_size, "only %lu bytes readable", avail);
		return false;
	}
	for (int i = 0; i < 8; i++)
		if (p[i] != (uint8_t)sig[i]) {
			fmt(why, why_size, "no \"RSD PTR \" signature (%02x %02x %02x %02x ...)", p[0], p[1],
			    p[2], p[3]);
			return false;
		}
	uint8_t s = sum8(p, RSDP_V1_LEN);
	if (s) {
		fmt(why, why_size, "ACPI 1.0 checksum: the 20 bytes sum to 0x%02x", s);
		return false;
	}
	uint8_t rev = p[RSDP_REVISION_OFF];
	if (rev < 2)
		return true;
	if (avail < RSDP_V2_LEN) {
		fmt(why, why_size, "revision %u, but only %lu bytes readable", rev, avail);
		return false;
	}
	uint32_t length = (uint32_t)p[RSDP_LENGTH_OFF] | (uint32_t)p[RSDP_LENGTH_OFF + 1] << 8 |
			  (uint32_t)p[RSDP_LENGTH_OFF + 2] << 16 | (uint32_t)p[RSDP_LENGTH_OFF + 3] << 24;
	if (length < RSDP_V2_LEN || length > avail) {
		fmt(why, why_size, "revision %u, Length %u not in [%u, %lu]", rev, length, RSDP_V2_LEN, avail);
		return false;
	}
	*len = length;
	s = sum8(p, length);
	if (s) {
		fmt(why, why_size, "revision %u: extended checksum over %u bytes sums to 0x%02x", rev, length, s);
		return false;
	}
	return true;
}

/* ---- EFI memory map ---- */

enum {
	EFI_RESERVED = 0,
	EFI_RUNTIME_CODE = 5,
	EFI_RUNTIME_DATA = 6,
	EFI_UNUSABLE = 8,
	EFI_ACPI_RECLAIM = 9,
	EFI_ACPI_NVS = 10,
	EFI_MMIO = 11,
	EFI_MMIO_PORT = 12,
	EFI_PAL_CODE = 13,
	EFI_PERSISTENT = 14,
};

/* Memory the kernel must not take as RAM. */
#define EFI_KEEP_TYPES                                                                        \
	((1u << EFI_RESERVED) | (1u << EFI_RUNTIME_CODE) | (1u << EFI_RUNTIME_DATA) |          \
	 (1u << EFI_UNUSABLE) | (1u << EFI_ACPI_RECLAIM) | (1u << EFI_ACPI_NVS) | (1u << EFI_MMIO) | \
	 (1u << EFI_MMIO_PORT) | (1u << EFI_PAL_CODE) | (1u << EFI_PERSISTENT))

bool efi_memmap_shape_ok(uint64_t size, uint32_t desc_size, char *why, size_t why_size)
{
	if (desc_size < EFI_MEMDESC_MIN || desc_size % 8) {
		fmt(why, why_size, "efi_memdesc_size %u (want a multiple of 8, >= %u)", desc_size,
		    EFI_MEMDESC_MIN);
		return false;
	}
	if (size == 0 || size % desc_size) {
		fmt(why, why_size, "efi_memmap_size %lu not a nonzero multiple of %u", size, desc_size);
		return false;
	}
	return true;
}

static const struct efi_memdesc *desc_at(const uint8_t *map, uint64_t i, uint32_t desc_size)
{
	return (const struct efi_memdesc *)(const void *)(map + i * desc_size);
}

bool efi_memmap_descs_ok(const uint8_t *map, uint64_t size, uint32_t desc_size, char *why,
			 size_t why_size)
{
	uint64_t n = size / desc_size;
	for (uint64_t i = 0; i < n; i++) {
		const struct efi_memdesc *d = desc_at(map, i, desc_size);
		uint64_t start = d->phys_start, pages = d->num_pages;
		const char *bad = d->type >= EFI_MEMORY_TYPES ? "type >= 16"
				: pages == 0 ? "NumberOfPages 0"
				: (start & ((1u << EFI_PAGE_SHIFT) - 1)) ? "PhysicalStart not 4 KiB aligned"
				: (pages > (UINT64_MAX >> EFI_PAGE_SHIFT) ||
				   start + (pages << EFI_PAGE_SHIFT) - 1 < start) ? "range wraps"
				: NULL;
		if (bad) {
			fmt(why, why_size, "descriptor %lu: %s (type %u, start 0x%lx, %lu pages)", i, bad, d->type,
			    start, pages);
			return false;
		}
	}
	return true;
}

bool efi_memmap_agrees(const uint8_t *map, uint64_t size, uint32_t desc_size, const struct memmap *e820,
		       char *why, size_t why_size)
{
	uint64_t n = size / desc_size;
	for (uint64_t i = 0; i < n; i++) {
		const struct efi_memdesc *d = desc_at(map, i, desc_size);
		uint64_t start = d->phys_start, bytes = d->num_pages << EFI_PAGE_SHIFT;
		if (d->type == EFI_CONVENTIONAL_MEMORY && !memmap_is_ram(e820, start, bytes)) {
			fmt(why, why_size, "descriptor %lu: conventional memory [0x%lx, 0x%lx) not e820 RAM", i,
			    start, start + bytes);
			return false;
		}
		if (d->type < EFI_MEMORY_TYPES && (EFI_KEEP_TYPES & (1u << d->type)) &&
		    memmap_touches_ram(e820, start, bytes)) {
			fmt(why, why_size, "descriptor %lu: type %u [0x%lx, 0x%lx) is e820 RAM", i, d->type, start,
			    start + bytes);
			return false;
		}
	}
	return true;
}

/* ---- the framebuffer in screen_info ---- */

uint64_t lfb_base(const struct screen_info *si)
{
	uint64_t b = si->lfb_base;
	if (si->capabilities & VIDEO_CAPABILITY_64BIT_BASE)
		b |= (uint64_t)si->ext_lfb_base << 32;
	return b;
}

uint64_t lfb_bytes(const struct screen_info *si, bool efi)
{
	return efi ? si->lfb_size : (uint64_t)si->lfb_size * LFB_VLFB_UNIT;
}

bool lfb_mode_ok(const struct screen_info *si, char *why, size_t why_size)
{
	uint64_t row = (uint64_t)si->lfb_width * ((si->lfb_depth + 7u) / 8u);
	if (!si->lfb_width || !si->lfb_height || !si->lfb_depth) {
		fmt(why, why_size, "%ux%u, %u bpp: zero", si->lfb_width, si->lfb_height, si->lfb_depth);
		return false;
	}
	if (si->lfb_linelength < row) {
		fmt(why, why_size, "lfb_linelength %u < %u pixels * %u bytes", si->lfb_linelength,
		    si->lfb_width, (si->lfb_depth + 7u) / 8u);
		return false;
	}
	return true;
}

bool lfb_size_ok(const struct screen_info *si, bool efi, char *why, size_t why_size)
{
	uint64_t need = (uint64_t)si->lfb_linelength * si->lfb_height;
	uint64_t up = (need + LFB_VLFB_UNIT - 1) / LFB_VLFB_UNIT;
	bool ok = efi ? si->lfb_size >= need && si->lfb_size <= up * LFB_VLFB_UNIT : si->lfb_size == up;
	if (!ok) {
		if (efi)
			fmt(why, why_size, "lfb_size %u bytes, want %lu..%lu (lfb_linelength %u * height %u)",
			    si->lfb_size, need, up * LFB_VLFB_UNIT, si->lfb_linelength, si->lfb_height);
		else
			fmt(why, why_size, "lfb_size %u (64 KiB units), want %lu (lfb_linelength %u * height %u)",
			    si->lfb_size, up, si->lfb_linelength, si->lfb_height);
	}
	return ok;
}

bool lfb_colours_ok(const struct screen_info *si, char *why, size_t why_size)
{
	static const char names[4][6] = { "red", "green", "blue", "rsvd" };
	const uint8_t pos[4] = { si->red_pos, si->green_pos, si->blue_pos, si->rsvd_pos };
	const uint8_t size[4] = { si->red_size, si->green_size, si->blue_size, si->rsvd_size };
	uint64_t used = 0;
	for (int i = 0; i < 4; i++) {
		unsigned end = (unsigned)pos[i] + size[i];
		if (size[i] == 0 && i < 3) {
			fmt(why, why_size, "%s size 0", names[i]);
			return false;
		}
		if (size[i] == 0)
			continue;
		if (end > si->lfb_depth || end > 64) {
			fmt(why, why_size, "%s bits [%u, %u) beyond depth %u", names[i], pos[i], end, si->lfb_depth);
			return false;
		}
		uint64_t mask = (size[i] == 64 ? UINT64_MAX : ((1ull << size[i]) - 1)) << pos[i];
		if (used & mask) {
			fmt(why, why_size, "%s bits [%u, %u) overlap another field", names[i], pos[i], end);
			return false;
		}
		used |= mask;
	}
	return true;
}

/* ---- the setup_data chain ---- */

static bool below(uint64_t addr, uint64_t size, uint64_t limit)
{
	return addr + size >= addr && addr + size <= limit;
}

bool setup_data_walk(uint64_t first, uint64_t limit, struct setup_data_walk *w, char *why, size_t why_size)
{
	*w = (struct setup_data_walk){ 0 };
	for (uint64_t addr = first; addr;) {
		unsigned i = w->nodes;
		if (i == SETUP_DATA_NODES_MAX) {
			fmt(why, why_size, "more than %u nodes (node %u at 0x%lx): a loop?", SETUP_DATA_NODES_MAX, i,
			    addr);
			return false;
		}
		if (!below(addr, sizeof(struct setup_data), limit)) {
			fmt(why, why_size, "node %u at 0x%lx: header unreadable", i, addr);
			return false;
		}
		const volatile struct setup_data *n = (const volatile struct setup_data *)(uintptr_t)addr;
		uint64_t next = n->next;
		uint32_t type = n->type, len = n->len;
		uint64_t end = addr + sizeof(struct setup_data) + len;
		if (!below(addr + sizeof(struct setup_data), len, limit)) {
			fmt(why, why_size, "node %u at 0x%lx (type %u): its %u bytes of data unreadable", i, addr,
			    type, len);
			return false;
		}
		for (unsigned j = 0; j < i; j++)
			if (addr < w->end[j] && w->start[j] < end) {
				fmt(why, why_size, "node %u [0x%lx, 0x%lx) (type %u) overlaps node %u [0x%lx, 0x%lx)%s", i,
				    addr, end, type, j, w->start[j], w->end[j], addr == w->start[j] ? ": a loop" : "");
				return false;
			}
		w->start[i] = addr;
		w->end[i] = end;
		w->nodes++;
		if (type == SETUP_RNG_SEED) {
			if (!w->rng_nodes) {
				w->rng_addr = addr;
				w->rng_len = len;
			}
			w->rng_nodes++;
		}
		addr = next;
	}
	return true;
}

bool rng_seed_bytes_ok(const uint8_t *p, uint64_t n, char *why, size_t why_size)
{
	if (n == 0) {
		fmt(why, why_size, "no bytes");
		return false;
	}
	bool equal = true;
	for (uint64_t i = 1; i < n && equal; i++)
		equal = p[i] == p[0];
	if (equal)
		fmt(why, why_size, "all %lu bytes are 0x%02x", n, p[0]);
	return !equal;
}

/* ---- EFI configuration tables ---- */

bool guid_equal(const struct guid *a, const struct guid *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
	for (size_t i = 0; i < sizeof *a; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

unsigned efi_config_find(const struct efi_config_entry *t, uint64_t n, const struct guid *guid,
			 uint64_t *table)
{
	unsigned found = 0;
	*table = 0;
	for (uint64_t i = 0; i < n; i++) {
		struct guid g = t[i].guid;
		if (!guid_equal(&g, guid))
			continue;
		if (!found)
			*table = t[i].table;
		found++;
	}
	return found;
}

bool efi_rng_seed_size_ok(uint32_t size, char *why, size_t why_size)
{
	bool ok = size >= EFI_RNG_SEED_MIN && size <= EFI_RNG_SEED_MAX;
	if (!ok)
		fmt(why, why_size, "size %u not in [%u, %u]", size, EFI_RNG_SEED_MIN, EFI_RNG_SEED_MAX);
	return ok;
}

bool efi_tpm_log_size_ok(uint32_t size, char *why, size_t why_size)
{
	bool ok = size <= EFI_TPM_LOG_MAX;
	if (!ok)
		fmt(why, why_size, "size %u beyond %u", size, EFI_TPM_LOG_MAX);
	return ok;
}

/* ---- KASLR ---- */

const char *efi_type_name(uint32_t type)
{
	switch (type) {
	case 0: return "EfiReservedMemoryType";
	case 1: return "EfiLoaderCode";
	case 2: return "EfiLoaderData";
	case 3: return "EfiBootServicesCode";
	case 4: return "EfiBootServicesData";
	case 5: return "EfiRuntimeServicesCode";
	case 6: return "EfiRuntimeServicesData";
	case 7: return "EfiConventionalMemory";
	case 8: return "EfiUnusableMemory";
	case 9: return "EfiACPIReclaimMemory";
	case 10: return "EfiACPIMemoryNVS";
	case 11: return "EfiMemoryMappedIO";
	case 12: return "EfiMemoryMappedIOPortSpace";
	case 13: return "EfiPalCode";
	case 14: return "EfiPersistentMemory";
	case 15: return "EfiUnacceptedMemoryType";
	default: return "type >= 16";
	}
}

/* [start, end) of a descriptor that passed efi_memmap_descs_ok; a wrapping
 * one (not checked) is cut at the top. */
static void desc_bounds(const struct efi_memdesc *d, uint64_t *start, uint64_t *end)
{
	*start = d->phys_start;
	uint64_t pages = d->num_pages;
	*end = pages > (UINT64_MAX >> EFI_PAGE_SHIFT) || *start + (pages << EFI_PAGE_SHIFT) < *start
		       ? UINT64_MAX
		       : *start + (pages << EFI_PAGE_SHIFT);
}

/* [addr, addr + len), cut at the top of the address space. */
static uint64_t range_end(uint64_t addr, uint64_t len)
{
	return addr + len < addr ? UINT64_MAX : addr + len;
}

uint32_t efi_memmap_types_touched(const uint8_t *map, uint64_t size, uint32_t desc_size, uint64_t addr,
				  uint64_t len)
{
	uint32_t types = 0;
	uint64_t end = range_end(addr, len);
	for (uint64_t i = 0; i < size / desc_size; i++) {
		const struct efi_memdesc *d = desc_at(map, i, desc_size);
		uint64_t s, e;
		desc_bounds(d, &s, &e);
		if (d->type < 32 && addr < e && s < end)
			types |= 1u << d->type;
	}
	return types;
}

bool efi_memmap_covered(const uint8_t *map, uint64_t size, uint32_t desc_size, uint64_t addr, uint64_t len,
			uint32_t types)
{
	uint64_t end = range_end(addr, len);
	if (len == 0)
		return false;
	/* Move the cursor to the end of a descriptor holding it, until past the
	 * range; none holding it: a gap. The cursor grows every round. */
	for (uint64_t at = addr; at < end;) {
		uint64_t next = at;
		for (uint64_t i = 0; i < size / desc_size && next == at; i++) {
			const struct efi_memdesc *d = desc_at(map, i, desc_size);
			uint64_t s, e;
			desc_bounds(d, &s, &e);
			if (d->type < 32 && (types & (1u << d->type)) && s <= at && at < e)
				next = e;
		}
		if (next == at)
			return false;
		at = next;
	}
	return true;
}

bool efi_kaslr_range_ok(const uint8_t *map, uint64_t size, uint32_t desc_size, const char *what, uint64_t addr,
			uint64_t len, uint64_t *desc, char *why, size_t why_size)
{
	uint64_t end = range_end(addr, len);
	for (uint64_t i = 0; len && i < size / desc_size; i++) {
		const struct efi_memdesc *d = desc_at(map, i, desc_size);
		uint64_t s, e;
		desc_bounds(d, &s, &e);
		if (d->type != EFI_CONVENTIONAL_MEMORY || addr >= e || s >= end)
			continue;
		*desc = i;
		fmt(why, why_size, "%s [0x%lx, 0x%lx) overlaps descriptor %lu, EfiConventionalMemory [0x%lx, 0x%lx): "
		    "a KASLR destination", what, addr, end, i, s, e);
		return false;
	}
	return true;
}

bool efi_kaslr_rsdp_ok(const uint8_t *map, uint64_t size, uint32_t desc_size, uint64_t addr, uint64_t len,
		       bool *firmware, char *why, size_t why_size)
{
	uint64_t desc;
	*firmware = efi_memmap_covered(map, size, desc_size, addr, len, EFI_FIRMWARE_TABLE_TYPES);
	return *firmware || efi_kaslr_range_ok(map, size, desc_size, "ACPI RSDP (not in the firmware's memory)",
					       addr, len, &desc, why, why_size);
}

uint32_t rsdp_kaslr_len(const uint8_t *p)
{
	uint32_t length = (uint32_t)p[RSDP_LENGTH_OFF] | (uint32_t)p[RSDP_LENGTH_OFF + 1] << 8 |
			  (uint32_t)p[RSDP_LENGTH_OFF + 2] << 16 | (uint32_t)p[RSDP_LENGTH_OFF + 3] << 24;
	return p[RSDP_REVISION_OFF] >= 2 && length >= RSDP_V2_LEN && length <= RSDP_MAX_LEN ? length : RSDP_V2_LEN;
}
