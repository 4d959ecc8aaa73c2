/* The boot plan: every check done and every address chosen before anything is written. */
#ifndef CHAINLOADER_BOOT_PLAN_H
#define CHAINLOADER_BOOT_PLAN_H

#include "boot/options.h"
#include "boot_info.h"
#include "loader/format/bzimage.h"
#include "loader/format/elf.h"
#include "loader/handoff/pvh.h"
#include "loader/handoff/realmode.h"
#include "loader/handoff/zeropage.h"
#include "loader/plan/e820_build.h"
#include "loader/plan/planner.h"

#define PLAN_MAX_COPIES (ELF_MAX_SEGMENTS + BOOT_INFO_MAX_MODULES + 8)
#define PLAN_MAX_EFI_FIXED_RAM 128
#define BOOT_PARAMS_ALIGN 4096u
#define CMDLINE_ALIGN 16u
#define INITRD_ALIGN 4096u
#define BOUNCE_ALIGN 4096u
#define PVH_INFO_ALIGN 4096u
#define SETUP_DATA_ALIGN 4096u /* the kernel reserves setup_data by whole pages */
#define INITRD_JOIN_ALIGN 4u /* initrds joined into one initramfs start 4-byte aligned */

/* The parts a plan is made of (loader/plan/parts.h): opaque outside loader/. */
struct image_format;
struct kernel_entry;
struct tramp_entry;

/* Where a part writes its verbose report (boot/top.c: the console at `verbose`). */
typedef void report_fn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct copy_step {
	const char *what;
	uint64_t dst;      /* physical destination */
	const void *src;
	uint64_t len;      /* bytes copied from src */
	uint64_t zero_len; /* bytes zeroed after them */
};

struct boot_plan {
	struct e820_table e820;
	struct mmap_entry e820_scratch[E820_BUILD_MAX_INPUT]; /* the maps before e820_build */
	struct planner planner;
	const struct image_format *format;        /* one of image_formats[] */
	const struct kernel_entry *kernel_entry; /* how it is entered (loader/handoff/) */
	union {                    /* the format's own state, read by its file only (and the real-mode entry's, a bzImage's) */
		struct {
			struct bzimage bzimage;
			bool entry32_fallback; /* entry=auto chose the 32-bit entry: no XLF_KERNEL_64 */
			bool entry16_fallback; /* entry=auto chose the real-mode entry: protocol < 2.10 or code32_start 0 */
		};
		struct elf_kernel elf;
	};
	uint64_t entry;            /* the address jumped to */
	uint64_t handoff_data;     /* boot_params, hvm_start_info for PVH, the real-mode part's X for 16 */
	uint64_t kernel_load;      /* bzImage: where the protected-mode part goes */
	struct mem_range kernel_range; /* bzImage: [load, load + init_size); ELF: lowest to highest PT_LOAD */
	size_t fixed_count;        /* destinations the image fixes (ELF segments, non-relocatable bzImage) */
	struct mem_range fixed[ELF_MAX_SEGMENTS];
	const uint8_t *kernel_bytes; /* the kernel module, or its copy out of a fixed destination's way */
	bool kernel_bounced;
	uint64_t cmdline_addr;
	uint64_t cmdline_len;      /* excluding the NUL */
	struct mem_range initrd;   /* final place of the (joined) initramfs; empty when there is none */
	size_t initrd_count;       /* initrd modules joined into it */
	bool initrd_moved;
	uint64_t rng_seed_addr;    /* the SETUP_RNG_SEED node, or 0: written by boot_plan_commit_seed, not copied */
	struct rng_seed_node rng_seed;
	uint64_t acpi_rsdp;        /* what the kernel is told (the firmware's, or our copy of GRUB's) */
	bool acpi_rsdp_copied;
	struct efi_info efi;       /* efi_loader_signature 0 on BIOS */
	/* RAM the EFI map hands over as loader or boot-services memory: usable to
	 * Linux, but never where its decompressor puts a randomised kernel
	 * (it picks EfiConventionalMemory only). What the kernel reads after
	 * decompressing and that is not in the decompressor's avoid list goes here. */
	size_t efi_fixed_ram_count;
	struct mem_range efi_fixed_ram[PLAN_MAX_EFI_FIXED_RAM];
	union {                    /* the kernel entry's own data, built by its file (loader/handoff/) */
		struct {           /* the zero page entries (64, 32); params alone for the real-mode one (16) */
			struct boot_params params;     /* copied to handoff_data (64/32); the real-mode part's header (16) */
			uint64_t setup_data;           /* the first setup_data node (SETUP_E820_EXT, then SETUP_RNG_SEED), or 0 */
			uint64_t e820_ext_addr;        /* the SETUP_E820_EXT node, or 0 */
			struct e820_ext_node e820_ext; /* copied to e820_ext_addr */
		};
		struct pvh_handoff pvh; /* copied to handoff_data (PVH) */
	};
	uint64_t trampoline;       /* TRAMPOLINE_SIZE bytes below 4 GiB, clear of every destination */
	size_t copy_count;         /* executed in order: staging first, kernel last */
	struct copy_step copies[PLAN_MAX_COPIES];
};

/* Memory the loader leaves for the kernel to read (firmware allocations made
 * on the UEFI path): nothing may be placed over it. */
struct kept_range {
	struct mem_range range;
	const char *what;
};
#define PLAN_MAX_KEPT 4

struct plan_inputs {
	const struct boot_info *info;
	enum entry_mode entry;
	struct mem_range loader;          /* the loader image */
	struct mem_range workspace;       /* its stack, boot page tables and state; may be empty */
	const struct screen_info *screen; /* or NULL */
	uint64_t acpi_rsdp;               /* the firmware's RSDP, 0 if not found */
	const uint8_t *rng_seed;          /* RNG_SEED_SIZE bytes for a SETUP_RNG_SEED node, or NULL */
	uint8_t secure_boot;              /* boot_params.secure_boot */
	size_t kept_count;
	struct kept_range kept[PLAN_MAX_KEPT];
	/* The EFI memory map already lies where the kernel may read it (memory
	 * the firmware gave the loader as EfiLoaderData, listed in kept): efi_info
	 * points at it instead of at a copy. */
	bool efi_mmap_in_place;
	struct bios_low_memory bios;      /* for the real-mode entry; present is false on UEFI */
	/* Where the multiboot2 information's bytes are, when that is not at
	 * info->mbi (host tools and tests); NULL in the loader. Read only by
	 * boot_plan_check_invariants, to tell what a copy reads. */
	const void *mbi_data;
};

int boot_plan_make(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err);

/* Bytes the plan copies, and bytes the kernel finds in place (kernel image,
 * initrd, command line, handoff data), whether copied or left where they were. */
uint64_t boot_plan_bytes_copied(const struct boot_plan *plan);
uint64_t boot_plan_bytes_placed(const struct boot_plan *plan);

/* The plan's format and entry, by name; the handoff data's name ("boot_params", ...). */
const char *boot_plan_format_name(const struct boot_plan *plan);
const char *boot_plan_entry_name(const struct boot_plan *plan);
const char *boot_plan_data_name(const struct boot_plan *plan);
/* The format's and then the entry's own verbose lines. */
void boot_plan_report(const struct boot_plan *plan, report_fn *out);
/* How the trampoline enters the kernel (the entry's own description). */
const struct tramp_entry *boot_plan_tramp_entry(const struct boot_plan *plan);

/* The KASLR invariant: every range the plan has the kernel read after its
 * decompressor ran — the EFI memory map, the RSDP copy, the kept firmware
 * allocations — lies outside every EfiConventionalMemory descriptor of the
 * EFI map the kernel is handed (the decompressor picks its randomised
 * destination among those and avoids only its own image, the initrd, the
 * command line, boot_params and setup_data). Without an EFI map: 0. Fails
 * naming the range and the descriptor. The planner keeps it by allocating
 * those ranges in loader or boot-services RAM (efi_fixed_ram); the unit tests
 * and the boot-plan fuzzer run this check on every plan they make. */
int boot_plan_check_kaslr(const struct plan_inputs *in, const struct boot_plan *plan, struct cl_error *err);

/* Every invariant a finished plan must keep (loader/plan/invariants.c, which
 * lists them), the KASLR rule included: 0, or -1 with a message starting
 * "invariant: ". For the unit tests, the fuzzer and chainloader-check. */
int boot_plan_check_invariants(const struct plan_inputs *in, const struct boot_plan *plan, struct cl_error *err);

/* Writes the SETUP_RNG_SEED node to its place (free memory no copy touches) and
 * wipes the plan's own copy of the seed: the kernel's node is then the only one. */
void boot_plan_commit_seed(struct boot_plan *plan);

#endif
