#include "pvh_info.h"

#include <string.h>

uint64_t pvh_handoff_size(const struct e820_table *e820)
{
	return offsetof(struct pvh_handoff, memmap) + e820->count * sizeof(struct hvm_memmap_table_entry);
}

void pvh_handoff_build(struct pvh_handoff *h, uint64_t at, const struct pvh_inputs *in)
{
	memset(h, 0, (size_t)pvh_handoff_size(in->e820));
	h->info.magic = HVM_START_MAGIC_VALUE;
	h->info.version = HVM_START_INFO_VERSION;
	h->info.cmdline_paddr = in->cmdline_addr;
	h->info.rsdp_paddr = in->rsdp_addr;
	if (in->initrd_size) {
		h->info.nr_modules = 1;
		h->info.modlist_paddr = at + offsetof(struct pvh_handoff, module);
		h->module.paddr = in->initrd_addr;
		h->module.size = in->initrd_size;
	}
	h->info.memmap_paddr = at + offsetof(struct pvh_handoff, memmap);
	h->info.memmap_entries = (uint32_t)in->e820->count;
	for (size_t i = 0; i < in->e820->count; i++) {
		const struct boot_e820_entry *e = &in->e820->entry[i];
		h->memmap[i] = (struct hvm_memmap_table_entry){ e->addr, e->size, e->type, 0 };
	}
}
