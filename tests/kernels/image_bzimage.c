/* probe.bzImage: the header the loader copied into boot_params, where the
 * kernel was loaded (alignment, RAM, 1:1 mapping of init_size), and the
 * initrd's address limit. */
#include "handoff.h"
#include "bzimage_layout.h"

#define FOUR_GIB 0x100000000ull

extern const char startup_32[];

static uint64_t load_address(void)
{
	return (uint64_t)(uintptr_t)startup_32; /* RIP-relative: where the image runs */
}

static void check_header(const struct setup_header *hdr)
{
	/* Fields a loader reads but must not change (kernel_alignment it may
	 * lower, but not below 1 << min_alignment). */
	bool ok = hdr->setup_sects == BZ_SETUP_SECTS && hdr->version == BZ_VERSION &&
		  hdr->relocatable_kernel == BZ_RELOCATABLE && hdr->min_alignment == BZ_MIN_ALIGNMENT &&
		  hdr->xloadflags == BZ_XLOADFLAGS && hdr->cmdline_size == BZ_CMDLINE_SIZE &&
		  hdr->pref_address == BZ_PREF_ADDRESS && hdr->init_size == BZ_INIT_SIZE &&
		  hdr->initrd_addr_max == BZ_INITRD_ADDR_MAX && (hdr->loadflags & LOADED_HIGH) &&
		  hdr->kernel_alignment >= (1u << BZ_MIN_ALIGNMENT) &&
		  !(hdr->kernel_alignment & (hdr->kernel_alignment - 1));
	check("bz.header", ok,
	      "setup_sects %u version 0x%x relocatable %u min_alignment %u xloadflags 0x%x cmdline_size %u "
	      "pref_address 0x%lx init_size 0x%x initrd_addr_max 0x%x loadflags 0x%x kernel_alignment 0x%x",
	      hdr->setup_sects, hdr->version, hdr->relocatable_kernel, hdr->min_alignment, hdr->xloadflags,
	      hdr->cmdline_size, hdr->pref_address, hdr->init_size, hdr->initrd_addr_max, hdr->loadflags,
	      hdr->kernel_alignment);
}

void image_checks(const struct handoff *h)
{
	const struct setup_header *hdr = &h->bp->hdr;
	uint64_t load = load_address();
	uint64_t entry_off = probe_state.kind == ENTRY_BZIMAGE64 ? KERNEL_ENTRY64_OFFSET : 0;
	pr("PROBE: INFO bzimage load 0x%lx code32_start 0x%x kernel_alignment 0x%x\n", load,
	   hdr->code32_start, hdr->kernel_alignment);
	check_header(hdr);
	check("bz.entry", probe_state.entry == load + entry_off, "entered at 0x%lx, load 0x%lx + 0x%lx",
	      probe_state.entry, load, entry_off);
	uint64_t align = hdr->kernel_alignment;
	check("bz.load.align", align && !(load % align) && !(load % BZ_KERNEL_ALIGNMENT),
	      "load 0x%lx, kernel_alignment 0x%lx (built 0x%x)", load, align, BZ_KERNEL_ALIGNMENT);
	/* The whole init_size is the kernel's, from the load address on. */
	check_in_ram(h, "bz.load.ram", load, BZ_INIT_SIZE);
	check_mapped("bz.load.mapped", load, BZ_INIT_SIZE, true);
	if (h->initrd_present && h->initrd_size) {
		uint64_t last = h->initrd_addr + h->initrd_size - 1;
		bool above_ok = probe_state.kind == ENTRY_BZIMAGE64 && (hdr->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G);
		check("bz.initrd.addr_max", last <= hdr->initrd_addr_max || (above_ok && last >= FOUR_GIB),
		      "initrd ends at 0x%lx, initrd_addr_max 0x%x", last, hdr->initrd_addr_max);
	}
}

size_t image_ranges(struct named_range *out, size_t max)
{
	if (max < 1)
		return 0;
	out[0] = (struct named_range){ "kernel", load_address(), BZ_INIT_SIZE };
	return 1;
}
