/* The zero page (boot_params, include/abi/zeropage.h): its builder, its
 * setup_data chain in the plan, and the two entries that hand it over (64-bit,
 * 32-bit). */
#include "loader/handoff/zeropage.h"

#include <string.h>

#include "loader/plan/parts.h"

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

/* The zero page (boot_params) and its setup_data chain in the plan: what the
 * 64-bit and 32-bit entries hand the kernel, and those two entries. */

/* setup_data nodes outside [load, load + init_size) (the allocations avoid it),
 * chained SETUP_E820_EXT -> SETUP_RNG_SEED. The seed node is not a copy step:
 * boot_plan_commit_seed writes it, so that no second copy of the seed is left
 * behind in the loader's memory. */
static int place_setup_data(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	if (in->rng_seed) {
		if (plan_alloc(plan, "setup_data (SETUP_RNG_SEED)", sizeof(plan->rng_seed), SETUP_DATA_ALIGN, FOUR_GIB,
			       &plan->rng_seed_addr, err))
			return -1;
		plan->rng_seed.hdr = (struct setup_data){ 0, SETUP_RNG_SEED, RNG_SEED_SIZE };
		memcpy(plan->rng_seed.seed, in->rng_seed, RNG_SEED_SIZE);
	}
	uint64_t ext_size = e820_ext_build(&plan->e820_ext, &plan->e820);
	if (ext_size) {
		plan->e820_ext.hdr.next = plan->rng_seed_addr;
		if (plan_alloc(plan, "setup_data (SETUP_E820_EXT)", ext_size, SETUP_DATA_ALIGN, FOUR_GIB,
			       &plan->e820_ext_addr, err) ||
		    plan_add_copy(plan, (struct copy_step){ "setup_data (SETUP_E820_EXT)", plan->e820_ext_addr,
							    &plan->e820_ext, ext_size, 0 },
				  err))
			return -1;
	}
	plan->setup_data = plan->e820_ext_addr ? plan->e820_ext_addr : plan->rng_seed_addr;
	return 0;
}

void boot_plan_commit_seed(struct boot_plan *plan)
{
	if (!plan->rng_seed_addr)
		return;
	volatile uint8_t *dst = (volatile uint8_t *)(uintptr_t)plan->rng_seed_addr;
	volatile uint8_t *src = (volatile uint8_t *)&plan->rng_seed;
	for (size_t i = 0; i < sizeof(plan->rng_seed); i++) /* volatile: neither store may be dropped */
		dst[i] = src[i];
	for (size_t i = 0; i < RNG_SEED_SIZE; i++)
		src[offsetof(struct rng_seed_node, seed) + i] = 0;
}

/* Needs the plan placed but for its handoff data; sets setup_data, handoff_data
 * (the zero page) and their copies. */
static int build_zero_page(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	if (place_setup_data(in, plan, err))
		return -1;
	if (plan_alloc(plan, "boot_params", sizeof(struct boot_params), BOOT_PARAMS_ALIGN, FOUR_GIB,
		       &plan->handoff_data, err))
		return -1;
	struct zeropage_inputs zp = {
		.bzimage = plan->format->setup_header ? plan->format->setup_header(plan) : NULL,
		.code32_start = plan->kernel_entry == &entry_32 ? plan->entry : 0,
		.cmdline_addr = plan->cmdline_addr,
		.initrd_addr = plan->initrd.start,
		.initrd_size = plan->initrd.end - plan->initrd.start,
		.e820 = &plan->e820,
		.setup_data = plan->setup_data,
		.screen = in->screen,
		.acpi_rsdp = plan->acpi_rsdp,
		.efi = plan->efi.efi_loader_signature ? &plan->efi : NULL,
		.secure_boot = in->secure_boot,
	};
	if (zeropage_build(&plan->params, &zp, err))
		return -1;
	return plan_add_copy(plan, (struct copy_step){ "boot_params", plan->handoff_data, &plan->params,
						       sizeof(plan->params), 0 },
			     err);
}

static uint64_t zero_page_size(const struct boot_plan *plan)
{
	uint64_t n = sizeof(struct boot_params);
	if (plan->e820_ext_addr)
		n += sizeof(plan->e820_ext.hdr) + plan->e820_ext.hdr.len;
	if (plan->rng_seed_addr)
		n += sizeof(plan->rng_seed);
	return n;
}

/* The 64-bit entry (boot.rst, "64-bit Boot Protocol"): paging on, RSI = the
 * zero page; the command line, initrd and zero page may lie above 4 GiB when
 * the kernel says so (XLF_CAN_BE_LOADED_ABOVE_4G, in loader/format/bzimage.c). */
const struct kernel_entry entry_64 = {
	.name = "64-bit",
	.data_name = "boot_params",
	.paging_off = false,
	.tramp = { .kind = TRAMP_KIND_64 },
	.place_cmdline = plan_alloc_cmdline,
	.build = build_zero_page,
	.data_size = zero_page_size,
};

/* The 32-bit entry (boot.rst, "32-bit Boot Protocol"): protected mode, paging
 * off, ESI = the zero page; everything the kernel reads below 4 GiB. */
const struct kernel_entry entry_32 = {
	.name = "32-bit",
	.data_name = "boot_params",
	.paging_off = true,
	.tramp = { .kind = TRAMP_KIND_PROTECTED32 },
	.place_cmdline = plan_alloc_cmdline,
	.build = build_zero_page,
	.data_size = zero_page_size,
};
