/* The boot plan's parts: one per kernel format (loader/format_bzimage.c,
 * format_elf.c) and one per handoff (loader/handoff_64.c, handoff_32.c,
 * handoff_16.c, handoff_pvh.c), behind the two interfaces below, as iPXE
 * gives each image type one struct image_type. loader/plan/boot_plan.c, the
 * planner and the trampoline know neither formats nor entries: they call
 * these and place what is common (initrds, EFI map, RSDP, trampoline).
 * Internal to loader/. */
#ifndef CHAINLOADER_PLAN_PARTS_H
#define CHAINLOADER_PLAN_PARTS_H

#include "boot_plan.h"

#define FOUR_GIB 0x100000000ull

/* What boot_plan_make asks of an image format. */
struct image_format {
	const char *name; /* "bzImage", "ELF" */
	int (*parse)(const struct boot_module *kmod, struct boot_plan *plan, struct cl_error *err);
	/* The loader option's entry mode, on a BIOS or not: plan->handoff, or why none. */
	int (*choose_entry)(enum entry_mode mode, bool bios, struct boot_plan *plan, struct cl_error *err);
	/* Claims the kernel's destinations; sets kernel_load, kernel_range and entry. */
	int (*place)(struct boot_plan *plan, struct cl_error *err);
	/* The module's bytes can be copied from where GRUB put it, in add_copies's order. */
	bool (*copies_in_place)(const struct boot_plan *plan, const struct boot_module *kmod);
	int (*add_copies)(struct boot_plan *plan, struct cl_error *err); /* last: the kernel's own */
	uint64_t (*initrd_limit)(const struct boot_plan *plan);          /* one past the initrd's last byte */
	uint32_t (*cmdline_max)(const struct boot_plan *plan);           /* characters, the NUL aside */
	uint64_t (*bytes)(const struct boot_plan *plan);                 /* kernel bytes placed */
};

/* What boot_plan_make asks of a handoff (how the kernel is entered). */
struct handoff {
	const char *name;   /* "64-bit", "32-bit", "16-bit", "PVH" */
	bool paging_off;    /* the kernel starts without paging: all it reads below 4 GiB */
	/* Room of its own, after the kernel's destinations (the real-mode area); may be NULL. */
	int (*place)(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err);
	/* plan->cmdline_addr for plan->cmdline_len + 1 bytes. */
	int (*place_cmdline)(struct boot_plan *plan, struct cl_error *err);
	/* The data the kernel is handed (zero page, start_info, real-mode header) as copies. */
	int (*build)(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err);
	uint64_t (*data_size)(const struct boot_plan *plan); /* its bytes, for the summary */
};

extern const struct image_format bzimage_format, elf_format;
extern const struct handoff handoff_64, handoff_32, handoff_16, handoff_pvh;
const struct handoff *handoff_of(enum handoff_kind kind);

/* Steps every part may take. */
int plan_add_copy(struct boot_plan *plan, struct copy_step step, struct cl_error *err);
/* The highest aligned fit in usable RAM from 1 MiB below max_end. */
int plan_alloc(struct boot_plan *plan, const char *what, uint64_t size, uint64_t align, uint64_t max_end,
	       uint64_t *addr, struct cl_error *err);
/* A destination the image fixes: claimed before anything is allocated. */
int plan_claim_fixed(struct boot_plan *plan, struct mem_range r, const char *what, struct cl_error *err);
/* The command line anywhere below 4 GiB (every entry but the real-mode one). */
int plan_alloc_cmdline(struct boot_plan *plan, struct cl_error *err);
/* The zero page and its setup_data chain: the 64-bit and 32-bit entries' data. */
int plan_build_zero_page(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err);
uint64_t plan_zero_page_size(const struct boot_plan *plan);

#endif
