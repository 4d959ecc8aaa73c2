#include "zeropage.h"

#include <string.h>

#define ONE_MIB 0x100000u

/* What Linux reads from the header when there is no image header to copy. */
static void synthesise_header(struct setup_header *h)
{
	h->boot_flag = BOOT_FLAG_MAGIC;
	h->header = SETUP_HEADER_MAGIC;
	h->version = SYNTH_BOOT_PROTOCOL;
	h->loadflags = LOADED_HIGH;
	h->cmdline_size = SYNTH_CMDLINE_SIZE;
	h->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
}

int zeropage_build(struct boot_params *bp, const struct zeropage_inputs *in, struct cl_error *err)
{
	const struct bzimage *k = in->bzimage;
	if (in->e820->count > E820_MAX_ENTRIES_ZEROPAGE && !in->setup_data)
		return cl_fail(err, "e820: %llu entries exceed the zero page's %u slots and no SETUP_E820_EXT node was given",
			       (unsigned long long)in->e820->count, E820_MAX_ENTRIES_ZEROPAGE);

	memset(bp, 0, sizeof(*bp));
	struct setup_header *h = &bp->hdr;
	if (k) {
		/* Only the header the image declares: the bytes after it must stay zero
		 * (the sentinel at 0x1EF stays 0 as well, so the kernel keeps our fields). */
		memcpy((uint8_t *)bp + SETUP_HEADER_OFFSET, k->image + SETUP_HEADER_OFFSET,
		       k->header_end - SETUP_HEADER_OFFSET);
		/* No real-mode setup code runs: no heap to offer, nothing else to ask. */
		h->loadflags = (uint8_t)(k->loadflags & ~(CAN_USE_HEAP | QUIET_FLAG | KEEP_SEGMENTS));
		h->heap_end_ptr = 0;
		if (in->code32_start)
			h->code32_start = (uint32_t)in->code32_start;
	} else {
		synthesise_header(h);
	}
	bool above_4g_ok = (h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) != 0;
	if ((in->cmdline_addr >> 32 || (in->initrd_addr + in->initrd_size) >> 32) && !above_4g_ok)
		return cl_fail(err, "zero page: command line 0x%llx or initrd 0x%llx above 4 GiB, kernel lacks XLF_CAN_BE_LOADED_ABOVE_4G",
			       (unsigned long long)in->cmdline_addr, (unsigned long long)in->initrd_addr);

	if (in->screen)
		bp->screen_info = *in->screen;
	if (in->efi)
		bp->efi_info = *in->efi;
	bp->secure_boot = in->secure_boot;
	if (h->version >= BOOT_PROTOCOL_RSDP)
		bp->acpi_rsdp_addr = in->acpi_rsdp;
	h->type_of_loader = LOADER_TYPE_UNDEFINED;
	h->cmd_line_ptr = (uint32_t)in->cmdline_addr;
	bp->ext_cmd_line_ptr = (uint32_t)(in->cmdline_addr >> 32);
	h->ramdisk_image = (uint32_t)in->initrd_addr;
	bp->ext_ramdisk_image = (uint32_t)(in->initrd_addr >> 32);
	h->ramdisk_size = (uint32_t)in->initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(in->initrd_size >> 32);

	size_t in_page = in->e820->count < E820_MAX_ENTRIES_ZEROPAGE ? in->e820->count : E820_MAX_ENTRIES_ZEROPAGE;
	bp->e820_entries = (uint8_t)in_page;
	memcpy(bp->e820_table, in->e820->entry, in_page * sizeof(struct boot_e820_entry));
	h->setup_data = in->setup_data;

	/* alt_mem_k: KiB of RAM from 1 MiB on in the range holding 1 MiB (legacy). */
	for (size_t i = 0; i < in->e820->count; i++) {
		const struct boot_e820_entry *e = &in->e820->entry[i];
		if (e->type == E820_TYPE_RAM && e->addr <= ONE_MIB && e->addr + e->size > ONE_MIB) {
			uint64_t kib = (e->addr + e->size - ONE_MIB) >> 10;
			bp->alt_mem_k = kib > UINT32_MAX ? UINT32_MAX : (uint32_t)kib;
		}
	}
	return 0;
}

uint64_t e820_ext_build(struct e820_ext_node *node, const struct e820_table *e820)
{
	if (e820->count <= E820_MAX_ENTRIES_ZEROPAGE)
		return 0;
	size_t extra = e820->count - E820_MAX_ENTRIES_ZEROPAGE;
	node->hdr = (struct setup_data){ 0, SETUP_E820_EXT, (uint32_t)(extra * sizeof(struct boot_e820_entry)) };
	memcpy(node->entry, &e820->entry[E820_MAX_ENTRIES_ZEROPAGE], extra * sizeof(struct boot_e820_entry));
	return sizeof(node->hdr) + node->hdr.len;
}
