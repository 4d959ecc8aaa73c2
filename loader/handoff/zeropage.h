/* Builds the Linux zero page (boot_params). */
#ifndef CHAINLOADER_ZEROPAGE_H
#define CHAINLOADER_ZEROPAGE_H

#include "abi/zeropage.h"
#include "loader/format/bzimage.h"
#include "loader/plan/e820_build.h"

/* The header fields a kernel without a setup_header of its own (an ELF vmlinux) gets. */
#define SYNTH_BOOT_PROTOCOL BOOT_PROTOCOL(2, 15)
#define SYNTH_CMDLINE_SIZE 2047u /* Linux's COMMAND_LINE_SIZE (2048) minus the NUL */

struct zeropage_inputs {
	const struct bzimage *bzimage; /* its header is copied; NULL: a minimal header is synthesised */
	uint64_t code32_start;         /* the 32-bit entry as placed (bzImage), else 0 */
	uint64_t cmdline_addr;
	uint64_t initrd_addr;          /* 0 and size 0 when there is none */
	uint64_t initrd_size;
	const struct e820_table *e820;    /* the first 128 entries go into the zero page */
	uint64_t setup_data;              /* the e820 extension node (see e820_ext_build), or 0 */
	const struct screen_info *screen; /* the console GRUB left (text or framebuffer), or NULL */
	uint64_t acpi_rsdp;               /* 0 when unknown */
	const struct efi_info *efi;       /* NULL on BIOS */
	uint8_t secure_boot;              /* boot_params.secure_boot: 0 unset (the kernel finds out itself) */
};

/* Zeroes bp, copies the image's setup_header [0x1F1, header_end) or synthesises
 * one, and fills the loader's fields. */
int zeropage_build(struct boot_params *bp, const struct zeropage_inputs *in, struct cl_error *err);

/* The e820 entries beyond the zero page's 128 as a SETUP_E820_EXT node. */
struct e820_ext_node {
	struct setup_data hdr;
	struct boot_e820_entry entry[E820_TABLE_MAX - E820_MAX_ENTRIES_ZEROPAGE];
} __attribute__((packed));

/* A SETUP_RNG_SEED node: the seed the kernel mixes into its RNG before anything
 * else runs, and then zeroes in place. */
#define RNG_SEED_SIZE 32u
struct rng_seed_node {
	struct setup_data hdr;
	uint8_t seed[RNG_SEED_SIZE];
} __attribute__((packed));
_Static_assert(sizeof(struct rng_seed_node) == 16 + RNG_SEED_SIZE, "rng seed node");

/* Fills node with the entries after the 128th; returns its size in bytes, 0 if none are left. */
uint64_t e820_ext_build(struct e820_ext_node *node, const struct e820_table *e820);

#endif
