/* The RNG seed a loader hands the kernel: a SETUP_RNG_SEED node in the
 * setup_data chain (boot_params.hdr.setup_data), or on UEFI the
 * LINUX_EFI_RANDOM_SEED table in the EFI system table's configuration
 * tables, as Linux's EFI stub installs it. probe.rng says which one (or
 * none) to expect. The probe runs before anything could wipe a seed (the
 * kernel zeroes both once mixed in), so it sees the bytes; it prints only
 * their CRC-32, for the host to compare two boots. */
#include "handoff.h"
#include "fwrules.h"
#include "pagewalk.h"

#define FOUR_GIB 0x100000000ull

/* What a 32-bit entry (paging off) or the probe's identity map reaches. */
static uint64_t read_limit(void)
{
	uint64_t limit = paging_identity_limit();
	return entry_is64() || limit < FOUR_GIB ? limit : FOUR_GIB;
}

static bool reachable(uint64_t addr, uint64_t size)
{
	return addr + size >= addr && addr + size <= read_limit();
}

static const char *rng_word(enum probe_rng r)
{
	switch (r) {
	case RNG_SETUP: return "setup";
	case RNG_EFI: return "efi";
	case RNG_NONE: return "none";
	default: return "unchecked";
	}
}

static void print_seed_crc(const uint8_t *p, uint64_t n)
{
	pr("PROBE: INFO rng seed crc32 0x%08x\n", crc32(p, n));
}

/* ---- SETUP_RNG_SEED ---- */

static void setup_rng_checks(struct handoff *h)
{
	const struct probe_params *p = &h->params;
	struct setup_data_walk w;
	char why[200] = "";
	uint64_t first = h->bp->hdr.setup_data;
	bool ok = setup_data_walk(first, read_limit(), &w, why, sizeof why);
	pr("PROBE: INFO setup_data 0x%lx: %u nodes, %u SETUP_RNG_SEED\n", first, w.nodes, w.rng_nodes);
	for (unsigned i = 0; i < w.nodes; i++) {
		const struct setup_data *n = (const void *)(uintptr_t)w.start[i];
		pr("PROBE: INFO setup_data node %u [0x%lx, 0x%lx) type %u len %u\n", i, w.start[i], w.end[i],
		   n->type, n->len);
	}
	check("setup_data", ok, "%s", why);
	if (!ok) {
		if (p->rng == RNG_SETUP)
			check("rng.setup", false, "the setup_data chain is unusable");
		return;
	}
	if (w.rng_nodes) {
		const uint8_t *seed = (const uint8_t *)(uintptr_t)(w.rng_addr + sizeof(struct setup_data));
		pr("PROBE: INFO SETUP_RNG_SEED at 0x%lx, %u bytes\n", w.rng_addr, w.rng_len);
		print_seed_crc(seed, w.rng_len);
		handoff_add_obj(h, "setup_data (SETUP_RNG_SEED)", w.rng_addr, sizeof(struct setup_data) + w.rng_len);
	}
	if (p->rng == RNG_UNCHECKED)
		return;
	if (p->rng != RNG_SETUP) {
		check("rng.setup.absent", w.rng_nodes == 0, "%u SETUP_RNG_SEED nodes, first at 0x%lx; probe.rng=%s",
		      w.rng_nodes, w.rng_addr, rng_word(p->rng));
		return;
	}
	ok = false;
	if (w.rng_nodes != 1)
		fmt(why, sizeof why, "%u SETUP_RNG_SEED nodes in the chain, want 1", w.rng_nodes);
	else if (w.rng_len != SETUP_RNG_SEED_LEN)
		fmt(why, sizeof why, "SETUP_RNG_SEED at 0x%lx: len %u, want %u", w.rng_addr, w.rng_len,
		    SETUP_RNG_SEED_LEN);
	else
		ok = rng_seed_bytes_ok((const uint8_t *)(uintptr_t)(w.rng_addr + sizeof(struct setup_data)),
				       w.rng_len, why, sizeof why);
	check("rng.setup", ok, "%s", why);
}

/* ---- LINUX_EFI_RANDOM_SEED ---- */

/* The table at addr: its header readable, its size believable, its bytes readable. */
static bool efi_seed_readable(uint64_t addr, uint32_t *size, char *why, size_t why_size)
{
	if (!addr || !reachable(addr, EFI_RNG_SEED_HDR)) {
		fmt(why, why_size, "LINUX_EFI_RANDOM_SEED at 0x%lx unreadable", addr);
		return false;
	}
	*size = *(const volatile uint32_t *)(uintptr_t)addr;
	if (!efi_rng_seed_size_ok(*size, why, why_size))
		return false;
	if (!reachable(addr + EFI_RNG_SEED_HDR, *size)) {
		fmt(why, why_size, "LINUX_EFI_RANDOM_SEED at 0x%lx: its %u bytes unreadable", addr, *size);
		return false;
	}
	return true;
}

static void efi_rng_checks(struct handoff *h)
{
	const struct probe_params *p = &h->params;
	if (!h->efi_systab) {
		pr("PROBE: INFO rng: no EFI system table (or it failed efi.systab); no configuration tables\n");
		if (p->rng == RNG_EFI)
			check("rng.efi", false, "no valid EFI system table to find LINUX_EFI_RANDOM_SEED in");
		return;
	}
	const uint8_t *st = (const uint8_t *)(uintptr_t)h->efi_systab;
	uint64_t n = *(const uint64_t *)(const void *)(st + EFI_SYSTAB_TABLES_OFF);
	uint64_t array = *(const uint64_t *)(const void *)(st + EFI_SYSTAB_CONFIG_OFF);
	char why[200] = "";
	bool ok = n <= EFI_CONFIG_TABLES_MAX && reachable(array, n * sizeof(struct efi_config_entry));
	if (!ok)
		fmt(why, sizeof why, "NumberOfTableEntries %lu at 0x%lx unreadable (at most %u believed)", n, array,
		    EFI_CONFIG_TABLES_MAX);
	check("efi.config_tables", ok, "%s", why);
	if (!ok) {
		if (p->rng == RNG_EFI)
			check("rng.efi", false, "the configuration tables are unusable");
		return;
	}
	const struct efi_config_entry *t = (const void *)(uintptr_t)array;
	for (uint64_t i = 0; i < n; i++) {
		struct guid g = t[i].guid;
		pr("PROBE: INFO efi config table %lu: %08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x at 0x%lx\n", i,
		   g.d1, g.d2, g.d3, g.d4[0], g.d4[1], g.d4[2], g.d4[3], g.d4[4], g.d4[5], g.d4[6], g.d4[7],
		   t[i].table);
	}
	static const struct guid seed_guid = LINUX_EFI_RANDOM_SEED_GUID;
	uint64_t table;
	unsigned found = efi_config_find(t, n, &seed_guid, &table);
	if (p->rng != RNG_EFI) {
		if (p->rng != RNG_UNCHECKED)
			check("rng.efi.absent", found == 0, "LINUX_EFI_RANDOM_SEED at 0x%lx; probe.rng=%s", table,
			      rng_word(p->rng));
		if (!found)
			return;
	}
	uint32_t size = 0;
	ok = found == 1 && efi_seed_readable(table, &size, why, sizeof why);
	if (found != 1)
		fmt(why, sizeof why, "%u LINUX_EFI_RANDOM_SEED tables, want 1", found);
	if (ok) {
		const uint8_t *bits = (const uint8_t *)(uintptr_t)(table + EFI_RNG_SEED_HDR);
		pr("PROBE: INFO LINUX_EFI_RANDOM_SEED at 0x%lx, %u bytes\n", table, size);
		print_seed_crc(bits, size);
		handoff_add_obj(h, "LINUX_EFI_RANDOM_SEED", table, EFI_RNG_SEED_HDR + size);
		if (p->rng == RNG_EFI)
			ok = rng_seed_bytes_ok(bits, size, why, sizeof why);
	}
	if (p->rng != RNG_EFI)
		return;
	check("rng.efi", ok, "%s", why);
	if (ok) /* Linux's stub puts it in EfiACPIReclaimMemory: not RAM the kernel hands out */
		check("rng.efi.reserved", !memmap_touches_ram(&h->map, table, EFI_RNG_SEED_HDR + size),
		      "[0x%lx, 0x%lx) is e820 usable RAM", table, table + EFI_RNG_SEED_HDR + size);
}

void rng_checks(struct handoff *h)
{
	const struct probe_params *p = &h->params;
	pr("PROBE: INFO probe.rng=%s\n", rng_word(p->rng));
	if (!h->bp) {
		/* hvm_start_info has no field for a seed, nor for the EFI system table. */
		if (p->rng != RNG_UNCHECKED)
			check("rng.pvh", p->rng == RNG_NONE, "start_info has no field for an RNG seed; probe.rng=%s",
			      rng_word(p->rng));
		return;
	}
	setup_rng_checks(h);
	efi_rng_checks(h);
}
