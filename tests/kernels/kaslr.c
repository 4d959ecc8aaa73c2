/* KASLR-safe placement (probe.kaslr=1). With efi_info, Linux's decompressor
 * picks its randomised destination among the EfiConventionalMemory
 * descriptors of efi_info's map, avoiding only its own image, the initrd,
 * the command line, boot_params and the setup_data chain. What else the
 * kernel reads later - the EFI memory map itself, an RSDP the loader copied,
 * the LINUX_EFI_TPM_EVENT_LOG and LINUX_EFI_RANDOM_SEED configuration
 * tables - must then lie outside every such descriptor, or the kernel may
 * decompress itself over it. The rules are in fwrules.c. */
#include "handoff.h"
#include "fwrules.h"
#include "pagewalk.h"

#define FOUR_GIB 0x100000000ull
#define PAGE 0x1000ull

/* What a 32-bit entry (paging off) or the probe's identity map reaches. */
static bool reachable(uint64_t addr, uint64_t size)
{
	uint64_t limit = paging_identity_limit();
	if (!entry_is64() && limit > FOUR_GIB)
		limit = FOUR_GIB;
	return addr + size >= addr && addr + size <= limit;
}

struct efi_map {
	const uint8_t *p;
	uint64_t size;
	uint32_t desc_size;
};

/* The EFI types of the descriptors [addr, addr + len) touches, by name. */
static void types_text(const struct efi_map *m, uint64_t addr, uint64_t len, char *buf, size_t size)
{
	uint32_t types = efi_memmap_types_touched(m->p, m->size, m->desc_size, addr, len);
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t t = 0; t < 32 && n + 1 < size; t++)
		if (types & (1u << t))
			n += fmt(buf + n, size - n, "%s%s (%u)", n ? " + " : "", efi_type_name(t), t);
	if (!types)
		fmt(buf, size, "no descriptor");
}

/* One check: [addr, addr + len) outside every conventional descriptor. */
static void range_check(const struct efi_map *m, const char *name, const char *what, uint64_t addr, uint64_t len)
{
	char types[200], why[240] = "";
	uint64_t desc;
	types_text(m, addr, len, types, sizeof types);
	pr("PROBE: INFO kaslr %s [0x%lx, 0x%lx) in %s\n", what, addr, addr + len, types);
	check(name, efi_kaslr_range_ok(m->p, m->size, m->desc_size, what, addr, len, &desc, why, sizeof why), "%s",
	      why);
}

/* (a) the map's own pages. */
static void memmap_check(const struct efi_map *m, uint64_t map)
{
	uint64_t start = map & ~(PAGE - 1), end = (map + m->size + PAGE - 1) & ~(PAGE - 1);
	range_check(m, "kaslr.memmap", "EFI memory map (its pages)", start, end - start);
}

/* (b) the RSDP, unless it is the firmware's own table in the firmware's memory. */
static void rsdp_check(const struct handoff *h, const struct efi_map *m)
{
	uint64_t addr = h->bp->hdr.version >= BOOT_PROTOCOL_RSDP ? h->bp->acpi_rsdp_addr : 0;
	if (!addr) {
		pr("PROBE: INFO kaslr: no acpi_rsdp_addr handed over; the kernel finds the RSDP itself\n");
		return;
	}
	if (!reachable(addr, RSDP_V2_LEN)) {
		check("kaslr.rsdp", false, "acpi_rsdp_addr 0x%lx unreadable", addr);
		return;
	}
	uint32_t len = rsdp_kaslr_len((const uint8_t *)(uintptr_t)addr);
	char types[200], why[240] = "";
	bool firmware = false;
	types_text(m, addr, len, types, sizeof types);
	bool ok = efi_kaslr_rsdp_ok(m->p, m->size, m->desc_size, addr, len, &firmware, why, sizeof why);
	pr("PROBE: INFO kaslr ACPI RSDP [0x%lx, 0x%lx) in %s: %s\n", addr, addr + len, types,
	   firmware ? "the firmware's own memory" : "not the firmware's memory (a copy?)");
	check("kaslr.rsdp", ok, "%s", why);
}

/* (c) one Linux configuration table: its header, then size bytes (the RNG
 * seed: at most the 1 KiB Linux reads of it). */
static void table_check(const struct efi_map *m, const char *name, const char *what, uint64_t addr, bool tpm)
{
	uint32_t hdr = tpm ? EFI_TPM_LOG_HDR : EFI_RNG_SEED_HDR;
	if (!addr || !reachable(addr, hdr)) {
		check(name, false, "%s at 0x%lx: header unreadable", what, addr);
		return;
	}
	uint32_t size = *(const volatile uint32_t *)(uintptr_t)addr;
	char why[240] = "";
	if (tpm && !efi_tpm_log_size_ok(size, why, sizeof why)) {
		check(name, false, "%s at 0x%lx: %s", what, addr, why);
		return;
	}
	if (!tpm && size > EFI_RNG_SEED_MAX)
		size = EFI_RNG_SEED_MAX;
	if (!reachable(addr, (uint64_t)hdr + size)) {
		check(name, false, "%s at 0x%lx: its %u bytes unreadable", what, addr, size);
		return;
	}
	range_check(m, name, what, addr, (uint64_t)hdr + size);
}

static void config_table_checks(const struct handoff *h, const struct efi_map *m)
{
	if (!h->efi_systab) {
		pr("PROBE: INFO kaslr: no valid EFI system table (efi.systab): configuration tables not checked\n");
		return;
	}
	const uint8_t *st = (const uint8_t *)(uintptr_t)h->efi_systab;
	uint64_t n = *(const uint64_t *)(const void *)(st + EFI_SYSTAB_TABLES_OFF);
	uint64_t array = *(const uint64_t *)(const void *)(st + EFI_SYSTAB_CONFIG_OFF);
	if (n > EFI_CONFIG_TABLES_MAX || !reachable(array, n * sizeof(struct efi_config_entry))) {
		pr("PROBE: INFO kaslr: configuration tables unreadable (efi.config_tables): not checked\n");
		return;
	}
	static const struct guid tpm_guid = LINUX_EFI_TPM_EVENT_LOG_GUID, seed_guid = LINUX_EFI_RANDOM_SEED_GUID;
	const struct efi_config_entry *t = (const void *)(uintptr_t)array;
	unsigned tpm = 0, seed = 0;
	for (uint64_t i = 0; i < n; i++) {
		struct guid g = t[i].guid;
		if (guid_equal(&g, &tpm_guid)) {
			tpm++;
			table_check(m, "kaslr.tpm_log", "LINUX_EFI_TPM_EVENT_LOG table", t[i].table, true);
		} else if (guid_equal(&g, &seed_guid)) {
			seed++;
			table_check(m, "kaslr.rng_seed", "LINUX_EFI_RANDOM_SEED table", t[i].table, false);
		}
	}
	if (!tpm)
		pr("PROBE: INFO kaslr: no LINUX_EFI_TPM_EVENT_LOG table\n");
	if (!seed)
		pr("PROBE: INFO kaslr: no LINUX_EFI_RANDOM_SEED table\n");
}

/* (d) setup_data: the decompressor avoids every node, so where they lie is
 * only reported; the chain must be readable. */
static void setup_data_info(const struct handoff *h, const struct efi_map *m)
{
	uint64_t limit = paging_identity_limit();
	if (!entry_is64() && limit > FOUR_GIB)
		limit = FOUR_GIB;
	struct setup_data_walk w;
	char why[200] = "", types[200];
	bool ok = setup_data_walk(h->bp->hdr.setup_data, limit, &w, why, sizeof why);
	for (unsigned i = 0; i < w.nodes; i++) {
		const struct setup_data *n = (const void *)(uintptr_t)w.start[i];
		types_text(m, w.start[i], w.end[i] - w.start[i], types, sizeof types);
		pr("PROBE: INFO kaslr setup_data node %u [0x%lx, 0x%lx) type %u in %s (the decompressor avoids it)\n", i,
		   w.start[i], w.end[i], n->type, types);
	}
	check("kaslr.setup_data", ok, "%s", why);
}

void kaslr_checks(const struct handoff *h)
{
	if (!h->params.kaslr)
		return;
	if (!h->bp) {
		pr("PROBE: INFO kaslr: start_info has no EFI memory map, and the PVH entry runs no decompressor: not checked\n");
		return;
	}
	if (!h->efi_memmap) {
		check("kaslr.memmap", false, "no valid EFI memory map in efi_info (efi.memmap): probe.kaslr=1 needs one");
		return;
	}
	const struct efi_map m = { (const uint8_t *)(uintptr_t)h->efi_memmap, h->efi_memmap_size, h->efi_memdesc_size };
	uint64_t conv = 0, pages = 0;
	for (uint64_t i = 0; i < m.size / m.desc_size; i++) {
		const struct efi_memdesc *d = (const void *)(m.p + i * m.desc_size);
		if (d->type == EFI_CONVENTIONAL_MEMORY) {
			conv++;
			pages += d->num_pages;
		}
	}
	pr("PROBE: INFO kaslr: %lu descriptors, %lu EfiConventionalMemory (%lu KiB) the decompressor may choose from\n",
	   m.size / m.desc_size, conv, pages * 4);
	memmap_check(&m, h->efi_memmap);
	rsdp_check(h, &m);
	config_table_checks(h, &m);
	setup_data_info(h, &m);
}
