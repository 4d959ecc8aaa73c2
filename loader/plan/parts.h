/* The boot plan's parts, as iPXE gives each image type one struct image_type:
 * the image formats (loader/format/, one file each, listed in the table of
 * loader/format/formats.c) and the kernel entries (loader/handoff/). The plan
 * (loader/plan/) calls these and places what is common (initrds, EFI map,
 * RSDP, trampoline); it never asks which format or entry it has. Internal to
 * loader/. */
#ifndef CHAINLOADER_PLAN_PARTS_H
#define CHAINLOADER_PLAN_PARTS_H

#include "boot_plan.h"
#include "loader/format/formats.h"
#include "trampoline.h"

#define FOUR_GIB 0x100000000ull

/* What boot_plan_make asks of an image format. */
struct image_format {
	const char *name; /* "bzImage", "ELF": the banner's word */
	/* The module's first bytes are this format's (its magic); nothing else is checked. */
	bool (*probe)(const uint8_t *data, uint64_t size);
	int (*parse)(const struct boot_module *kmod, struct boot_plan *plan, struct cl_error *err);
	/* The loader option's entry mode, on a BIOS or not: plan->kernel_entry, or why none. */
	int (*choose_entry)(enum entry_mode mode, bool bios, struct boot_plan *plan, struct cl_error *err);
	/* Claims the kernel's destinations; sets kernel_load, kernel_range and entry. */
	int (*place)(struct boot_plan *plan, struct cl_error *err);
	/* The module's bytes can be copied from where GRUB put it, in add_copies's order. */
	bool (*copies_in_place)(const struct boot_plan *plan, const struct boot_module *kmod);
	int (*add_copies)(struct boot_plan *plan, struct cl_error *err); /* last: the kernel's own */
	uint64_t (*initrd_limit)(const struct boot_plan *plan);          /* one past the initrd's last byte */
	uint32_t (*cmdline_max)(const struct boot_plan *plan);           /* characters, the NUL aside */
	uint64_t (*bytes)(const struct boot_plan *plan);                 /* kernel bytes placed */
	/* The image's setup_header for the zero page; NULL: the zero page gets a synthesised one. */
	const struct bzimage *(*setup_header)(const struct boot_plan *plan);
	void (*report)(const struct boot_plan *plan, report_fn *out); /* its verbose lines */
};

/* What boot_plan_make asks of a kernel entry (how the kernel is entered). */
struct kernel_entry {
	const char *name;      /* "64-bit", "32-bit", "16-bit", "PVH" */
	const char *data_name; /* what handoff_data holds: "boot_params", "hvm_start_info", "real-mode part" */
	bool paging_off;       /* the kernel starts without paging: all it reads below 4 GiB */
	struct tramp_entry tramp;
	/* Room of its own, after the kernel's destinations (the real-mode area); may be NULL. */
	int (*place)(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err);
	/* plan->cmdline_addr for plan->cmdline_len + 1 bytes. */
	int (*place_cmdline)(struct boot_plan *plan, struct cl_error *err);
	/* The data the kernel is handed (zero page, start_info, real-mode header) as copies. */
	int (*build)(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err);
	uint64_t (*data_size)(const struct boot_plan *plan); /* its bytes, for the summary */
	void (*report)(const struct boot_plan *plan, report_fn *out); /* its verbose lines; may be NULL */
};

/* The formats boot_plan_make probes, in order, NULL-terminated (loader/format/formats.c). */
extern const struct image_format *const image_formats[];
/* The entries by name: for the formats that choose one, and for the checks
 * (invariants.c, the tests) that compare with one; the formats by name are in
 * loader/format/formats.h. */
extern const struct kernel_entry entry_64, entry_32, entry_16, entry_pvh;

/* Steps every part may take. */
int plan_add_copy(struct boot_plan *plan, struct copy_step step, struct cl_error *err);
/* The highest aligned fit in usable RAM from 1 MiB below max_end. */
int plan_alloc(struct boot_plan *plan, const char *what, uint64_t size, uint64_t align, uint64_t max_end,
	       uint64_t *addr, struct cl_error *err);
/* A destination the image fixes: claimed before anything is allocated. */
int plan_claim_fixed(struct boot_plan *plan, struct mem_range r, const char *what, struct cl_error *err);
/* The command line anywhere below 4 GiB (every entry but the real-mode one). */
int plan_alloc_cmdline(struct boot_plan *plan, struct cl_error *err);
/* Does r overlap a destination the image fixes? */
bool plan_overlaps_fixed(const struct boot_plan *plan, struct mem_range r);

/* The plan's own steps in files of their own. */
/* loader/plan/initrd.c: needs the kernel's destinations; sets initrd, initrd_count, initrd_moved. */
int plan_place_initrds(struct boot_plan *plan, const struct boot_module *m, size_t n, struct cl_error *err);
/* loader/plan/kaslr.c: needs the EFI map; sets efi_fixed_ram (loader and
 * boot-services RAM, never a KASLR destination). */
void plan_collect_efi_fixed_ram(const struct boot_info *bi, struct boot_plan *plan);
/* As plan_alloc below 4 GiB, for what the kernel reads after decompressing:
 * with an EFI map, only inside efi_fixed_ram (boot_plan_check_kaslr). */
int plan_alloc_kaslr_safe(const struct boot_info *bi, struct boot_plan *plan, const char *what, uint64_t size,
			  uint64_t align, uint64_t *addr, struct cl_error *err);

#endif
