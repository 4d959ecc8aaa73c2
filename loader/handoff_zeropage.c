/* The zero page (boot_params) and its setup_data chain: what the 64-bit and
 * 32-bit entries hand the kernel (loader/handoff_64.c, handoff_32.c). */
#include <string.h>

#include "plan_parts.h"

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

int plan_build_zero_page(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err)
{
	if (place_setup_data(in, plan, err))
		return -1;
	if (plan_alloc(plan, "boot_params", sizeof(struct boot_params), BOOT_PARAMS_ALIGN, FOUR_GIB,
		       &plan->handoff_data, err))
		return -1;
	struct zeropage_inputs zp = {
		.bzimage = plan->format == KERNEL_BZIMAGE ? &plan->bzimage : NULL,
		.code32_start = plan->handoff == HANDOFF_32 ? plan->entry : 0,
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

uint64_t plan_zero_page_size(const struct boot_plan *plan)
{
	uint64_t n = sizeof(struct boot_params);
	if (plan->e820_ext_addr)
		n += sizeof(plan->e820_ext.hdr) + plan->e820_ext.hdr.len;
	if (plan->rng_seed_addr)
		n += sizeof(plan->rng_seed);
	return n;
}
