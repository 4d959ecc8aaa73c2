/* The zero page (struct boot_params) a bzImage or ELF 64-bit entry got in
 * RSI/ESI: its magic numbers, loader id and e820 table, and where it
 * says the command line and initrd are. */
#include "handoff.h"

#define BOOT_PARAMS_SIZE 4096
#define E820_MIN_ENTRIES 2 /* at least low memory and high memory */

static void copy_e820(struct handoff *h, const struct boot_params *bp)
{
	size_t n = bp->e820_entries;
	if (n > E820_MAX_ENTRIES_ZEROPAGE)
		n = E820_MAX_ENTRIES_ZEROPAGE;
	for (size_t i = 0; i < n; i++)
		h->map.e[i] = (struct mem_range){ bp->e820_table[i].addr, bp->e820_table[i].size,
						  bp->e820_table[i].type };
	h->map.count = n;
}

void bootparams_gather(struct handoff *h, uint64_t ptr)
{
	if (!check("bp.pointer", ptr && readable(ptr, BOOT_PARAMS_SIZE), "RSI/ESI = 0x%lx", ptr))
		return;
	const struct boot_params *bp = (const struct boot_params *)(uintptr_t)ptr;
	h->bp = bp;

	bool magic = check("bp.magic", bp->hdr.header == SETUP_HEADER_MAGIC, "header 0x%x, want 0x%x",
			   bp->hdr.header, SETUP_HEADER_MAGIC);
	check("bp.version", bp->hdr.version >= BOOT_PROTOCOL_MIN_64, "version 0x%x < 0x%x",
	      bp->hdr.version, BOOT_PROTOCOL_MIN_64);

	copy_e820(h, bp);
	char why[160] = "";
	bool count_ok = bp->e820_entries >= E820_MIN_ENTRIES && bp->e820_entries <= E820_MAX_ENTRIES_ZEROPAGE;
	if (!count_ok)
		fmt(why, sizeof why, "e820_entries %u not in [%u, %u]", bp->e820_entries,
		    E820_MIN_ENTRIES, E820_MAX_ENTRIES_ZEROPAGE);
	check("bp.e820", count_ok && memmap_sane(&h->map, why, sizeof why), "%s", why);
	memmap_print(&h->map);

	check_in_ram(h, "bp.zeropage.ram", ptr, BOOT_PARAMS_SIZE);
	check_mapped("bp.zeropage.mapped", ptr, BOOT_PARAMS_SIZE, false);
	handoff_add_obj(h, "boot_params", ptr, BOOT_PARAMS_SIZE);

	h->usable = magic;
	h->cmdline_addr = bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32;
	h->cmdline_max = probe_state.kind == ENTRY_ELF64 ? ELF_CMDLINE_MAX : bp->hdr.cmdline_size;
	h->initrd_addr = bp->hdr.ramdisk_image | (uint64_t)bp->ext_ramdisk_image << 32;
	h->initrd_size = bp->hdr.ramdisk_size | (uint64_t)bp->ext_ramdisk_size << 32;
	h->initrd_present = h->initrd_addr || h->initrd_size;
}

/* After the command line is parsed: what to expect depends on probe.loader. */
void bootparams_loader_check(const struct handoff *h)
{
	if (!h->bp)
		return;
	const struct setup_header *hdr = &h->bp->hdr;
	check("bp.loader", hdr->type_of_loader == h->params.loader, "type_of_loader 0x%x, expected 0x%lx",
	      hdr->type_of_loader, h->params.loader);
	/* GRUB 2 (type 0x72) zeroes 0x1FE-0x1FF, which it still knows by the
	 * legacy names ps_mouse and padding10; any other loader must copy
	 * boot_flag along with the rest of the header. */
	bool grub = h->params.loader == LOADER_GRUB;
	check("bp.boot_flag", hdr->boot_flag == BOOT_FLAG_MAGIC || (grub && hdr->boot_flag == 0),
	      "boot_flag 0x%x, want 0x%x%s", hdr->boot_flag, BOOT_FLAG_MAGIC, grub ? " or 0 (GRUB)" : "");
}
