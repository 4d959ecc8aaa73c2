/* The hvm_start_info a PVH entry got in EBX: magic, version, memory map,
 * and where it says the command line and the first module (the initrd)
 * are. */
#include "handoff.h"

#define PVH_MEMMAP_MIN 2

void pvh_gather(struct handoff *h, uint64_t ptr)
{
	if (!check("pvh.pointer", ptr && readable(ptr, sizeof(struct hvm_start_info)), "EBX = 0x%lx", ptr))
		return;
	const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)ptr;
	h->si = si;
	bool magic = check("pvh.magic", si->magic == HVM_START_MAGIC_VALUE, "magic 0x%x", si->magic);
	bool version = check("pvh.version", si->version >= 1, "version %u < 1 (no memory map)", si->version);
	pr("PROBE: INFO start_info flags 0x%x nr_modules %u modlist 0x%lx cmdline 0x%lx rsdp 0x%lx memmap 0x%lx entries %u\n",
	   si->flags, si->nr_modules, si->modlist_paddr, si->cmdline_paddr, si->rsdp_paddr,
	   si->memmap_paddr, si->memmap_entries);
	handoff_add_obj(h, "start_info", ptr, sizeof *si);
	if (!magic || !version)
		return;

	uint64_t n = si->memmap_entries;
	uint64_t table_size = n * sizeof(struct hvm_memmap_table_entry);
	char why[160] = "";
	bool ok = n >= PVH_MEMMAP_MIN && n <= MEMMAP_MAX && readable(si->memmap_paddr, table_size);
	if (!ok)
		fmt(why, sizeof why, "memmap_entries %lu at 0x%lx (want %u..%u entries)", n,
		    si->memmap_paddr, PVH_MEMMAP_MIN, MEMMAP_MAX);
	if (ok) {
		const struct hvm_memmap_table_entry *t = (const void *)(uintptr_t)si->memmap_paddr;
		for (uint64_t i = 0; i < n; i++)
			h->map.e[i] = (struct mem_range){ t[i].addr, t[i].size, t[i].type };
		h->map.count = n;
		ok = memmap_sane(&h->map, why, sizeof why);
		handoff_add_obj(h, "memmap", si->memmap_paddr, table_size);
	}
	check("pvh.memmap", ok, "%s", why);
	memmap_print(&h->map);
	check_in_ram(h, "pvh.startinfo.ram", ptr, sizeof *si);
	if (ok)
		check_in_ram(h, "pvh.memmap.ram", si->memmap_paddr, table_size);

	h->usable = true;
	h->cmdline_addr = si->cmdline_paddr;
	h->cmdline_max = ELF_CMDLINE_MAX;
	if (si->nr_modules && readable(si->modlist_paddr, sizeof(struct hvm_modlist_entry))) {
		const struct hvm_modlist_entry *m = (const void *)(uintptr_t)si->modlist_paddr;
		uint64_t list_size = si->nr_modules * sizeof(struct hvm_modlist_entry);
		h->initrd_present = true;
		h->initrd_addr = m->paddr;
		h->initrd_size = m->size;
		check_in_ram(h, "pvh.modlist.ram", si->modlist_paddr, list_size);
		handoff_add_obj(h, "modlist", si->modlist_paddr, list_size);
	}
}
