/* Rules for what the firmware told the loader and the loader passed on:
 * the ACPI RSDP, the EFI memory map, the framebuffer in screen_info, the
 * setup_data chain, the RNG seeds (SETUP_RNG_SEED, the EFI
 * LINUX_EFI_RANDOM_SEED configuration table), and where what the kernel
 * reads late lies against the EFI map (KASLR).
 * Pure functions (no hardware, no output): the host unit tests run them. */
#ifndef PROBE_FWRULES_H
#define PROBE_FWRULES_H

#include "probe.h"
#include "abi/zeropage.h"
#include "memmap.h"

/* ---- ACPI RSDP (ACPI 6.x, 5.2.5.3) ---- */
#define RSDP_V1_LEN 20   /* ACPI 1.0: signature .. RsdtAddress, covered by Checksum */
#define RSDP_V2_LEN 36   /* revision >= 2: + Length, XsdtAddress, ExtendedChecksum */
#define RSDP_MAX_LEN 4096 /* a Length beyond this is not believed */
#define RSDP_REVISION_OFF 15
#define RSDP_LENGTH_OFF 20

/* p points at avail readable bytes. Valid: "RSD PTR ", the 20 bytes sum to
 * 0, and for revision >= 2 Length is in [36, avail] and its Length bytes
 * sum to 0. *len gets the bytes the RSDP covers (20, or Length). */
bool rsdp_valid(const uint8_t *p, uint64_t avail, uint32_t *len, char *why, size_t why_size);

/* ---- EFI memory map (UEFI 2.x, EFI_MEMORY_DESCRIPTOR) ---- */
#define EFI_MEMDESC_MIN 40
#define EFI_MEMORY_TYPES 16 /* EfiReservedMemoryType .. EfiUnacceptedMemoryType */
#define EFI_CONVENTIONAL_MEMORY 7
#define EFI_PAGE_SHIFT 12

struct efi_memdesc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t num_pages;
	uint64_t attribute;
} __attribute__((packed)); /* packed: the map's copy need not be 8-byte aligned */
_Static_assert(sizeof(struct efi_memdesc) == EFI_MEMDESC_MIN, "EFI memory descriptor");

/* efi_memdesc_size >= 40 and a multiple of 8; efi_memmap_size a nonzero
 * multiple of it. */
bool efi_memmap_shape_ok(uint64_t size, uint32_t desc_size, char *why, size_t why_size);

/* Every descriptor (in any order): type < 16, NumberOfPages > 0,
 * PhysicalStart 4 KiB aligned, the range not wrapping. Needs the shape ok. */
bool efi_memmap_descs_ok(const uint8_t *map, uint64_t size, uint32_t desc_size, char *why,
			 size_t why_size);

/* Does the e820 map agree with the EFI map? Every EfiConventionalMemory
 * range is e820 usable RAM, and no range the kernel must keep (reserved,
 * runtime services, unusable, ACPI reclaim and NVS, MMIO, PAL code,
 * persistent memory) is. Boot-services and loader memory may be either. */
bool efi_memmap_agrees(const uint8_t *map, uint64_t size, uint32_t desc_size, const struct memmap *e820,
		       char *why, size_t why_size);

/* ---- the framebuffer in screen_info ---- */
#define LFB_VLFB_UNIT 0x10000u /* VIDEO_TYPE_VLFB counts lfb_size in 64 KiB */

/* lfb_base, with ext_lfb_base when VIDEO_CAPABILITY_64BIT_BASE is set. */
uint64_t lfb_base(const struct screen_info *si);
/* lfb_size in bytes: as is for EFI, times 64 KiB for VLFB. */
uint64_t lfb_bytes(const struct screen_info *si, bool efi);

/* lfb_width, lfb_height, lfb_depth nonzero; lfb_linelength >= width times
 * the bytes per pixel. */
bool lfb_mode_ok(const struct screen_info *si, char *why, size_t why_size);
/* With B = lfb_linelength * lfb_height: EFI: lfb_size in [B, B rounded up
 * to 64 KiB] bytes (GRUB rounds, chainloader does not); VLFB: lfb_size ==
 * B / 64 KiB rounded up. */
bool lfb_size_ok(const struct screen_info *si, bool efi, char *why, size_t why_size);
/* Red, green and blue sizes nonzero; every field (reserved too, when its
 * size is nonzero) within lfb_depth bits; no two fields share a bit. */
bool lfb_colours_ok(const struct screen_info *si, char *why, size_t why_size);

/* ---- the setup_data chain (boot.rst, protocol 2.09+: hdr.setup_data) ---- */
#define SETUP_DATA_NODES_MAX 32 /* a longer chain is taken for a loop or garbage */
#define SETUP_RNG_SEED_LEN 32   /* what a loader passes (Linux's own EFI stub: 32 too) */

struct setup_data_walk {
	unsigned nodes;     /* nodes in the chain */
	unsigned rng_nodes; /* of them SETUP_RNG_SEED */
	uint64_t rng_addr;  /* the first SETUP_RNG_SEED node's header, or 0 */
	uint32_t rng_len;   /* its len */
	uint64_t start[SETUP_DATA_NODES_MAX], end[SETUP_DATA_NODES_MAX]; /* [header, end of data) */
};

/* Walk the chain from first (0: empty). Every node, header and data, must
 * lie below limit without wrapping (the probe reads nothing else), overlap
 * no earlier node (so no loop: a node seen again overlaps itself), and
 * there are at most SETUP_DATA_NODES_MAX nodes. Nodes are read at their
 * physical address (the host tests pass host pointers). */
bool setup_data_walk(uint64_t first, uint64_t limit, struct setup_data_walk *w, char *why, size_t why_size);

/* The bytes of a seed: some, not all zero, not all one value. */
bool rng_seed_bytes_ok(const uint8_t *p, uint64_t n, char *why, size_t why_size);

/* ---- EFI configuration tables (UEFI 2.x, EFI_CONFIGURATION_TABLE) ---- */
#define EFI_SYSTAB_TABLES_OFF 104 /* EFI_SYSTEM_TABLE, 64-bit: NumberOfTableEntries */
#define EFI_SYSTAB_CONFIG_OFF 112 /* ConfigurationTable */
#define EFI_CONFIG_TABLES_MAX 1024 /* more is not believed */
/* LINUX_EFI_RANDOM_SEED_TABLE (Linux include/linux/efi.h): struct { u32 size; u8 bits[]; }. */
#define EFI_RNG_SEED_HDR 4
#define EFI_RNG_SEED_MIN 32   /* Linux's stub passes EFI_RANDOM_SEED_SIZE = 32 bytes */
#define EFI_RNG_SEED_MAX 1024 /* Linux reads at most SZ_1K of it (efi_config_parse_tables) */

struct guid {
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
};
_Static_assert(sizeof(struct guid) == 16, "EFI_GUID");

struct efi_config_entry { /* 64-bit firmware */
	struct guid guid;
	uint64_t table;
};
_Static_assert(sizeof(struct efi_config_entry) == 24, "EFI_CONFIGURATION_TABLE");

/* 1ce1e5bc-7ceb-42f2-81e5-8aadf180f57b */
#define LINUX_EFI_RANDOM_SEED_GUID                                                  \
	{ 0x1ce1e5bc, 0x7ceb, 0x42f2, { 0x81, 0xe5, 0x8a, 0xad, 0xf1, 0x80, 0xf5, 0x7b } }

bool guid_equal(const struct guid *a, const struct guid *b);

/* How many of the n entries carry guid; *table gets the first one's
 * table address (0 if none). */
unsigned efi_config_find(const struct efi_config_entry *t, uint64_t n, const struct guid *guid,
			 uint64_t *table);

/* The size field of a LINUX_EFI_RANDOM_SEED table: in [32, 1024]. */
bool efi_rng_seed_size_ok(uint32_t size, char *why, size_t why_size);

/* b7799cb0-eca2-4943-9667-1fae07b747fa (Linux: LINUX_EFI_TPM_EVENT_LOG_GUID) */
#define LINUX_EFI_TPM_EVENT_LOG_GUID                                                \
	{ 0xb7799cb0, 0xeca2, 0x4943, { 0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa } }
/* struct linux_efi_tpm_eventlog { u32 size; u32 final_events_preboot_size;
 * u8 version; u8 log[]; }: Linux maps sizeof (12, padded) + size bytes. */
#define EFI_TPM_LOG_HDR 12
#define EFI_TPM_LOG_MAX (16u << 20) /* a longer log is not believed */

/* The size field of a LINUX_EFI_TPM_EVENT_LOG table: at most 16 MiB. */
bool efi_tpm_log_size_ok(uint32_t size, char *why, size_t why_size);

/* ---- KASLR: what the kernel reads late, against the EFI map it gets ---- */
/* With efi_info, Linux's decompressor (arch/x86/boot/compressed/kaslr.c,
 * process_efi_entries) picks its randomised destination among the map's
 * EfiConventionalMemory descriptors, avoiding only its own image, the initrd,
 * the command line, boot_params and the setup_data chain. Anything else the
 * kernel reads later must lie outside every such descriptor. */

/* "EfiConventionalMemory" etc. (UEFI 2.x names), "type >= 16" beyond. */
const char *efi_type_name(uint32_t type);

/* Bit t set for the type t (< 32) of every descriptor that overlaps
 * [addr, addr + len). Needs the map's shape ok. */
uint32_t efi_memmap_types_touched(const uint8_t *map, uint64_t size, uint32_t desc_size, uint64_t addr,
				  uint64_t len);

/* Is every byte of [addr, addr + len) in some descriptor whose type t has
 * bit (1 << t) set in types (descriptors in any order)? len 0: never. */
bool efi_memmap_covered(const uint8_t *map, uint64_t size, uint32_t desc_size, uint64_t addr, uint64_t len,
			uint32_t types);

/* The rule: [addr, addr + len) overlaps no EfiConventionalMemory
 * descriptor (len 0: true). Else why names the range (what) and the first
 * such descriptor (index, range), and *desc gets its index. */
bool efi_kaslr_range_ok(const uint8_t *map, uint64_t size, uint32_t desc_size, const char *what, uint64_t addr,
			uint64_t len, uint64_t *desc, char *why, size_t why_size);

/* Firmware's own memory, where its ACPI tables live: reserved, runtime
 * services code and data, ACPI reclaim, ACPI NVS. */
#define EFI_FIRMWARE_TABLE_TYPES                                                    \
	((1u << 0) | (1u << 5) | (1u << 6) | (1u << 9) | (1u << 10))

/* The RSDP at addr (len bytes): the firmware's own table when wholly in
 * EFI_FIRMWARE_TABLE_TYPES memory (*firmware set; nothing more asked),
 * else a copy, under efi_kaslr_range_ok. */
bool efi_kaslr_rsdp_ok(const uint8_t *map, uint64_t size, uint32_t desc_size, uint64_t addr, uint64_t len,
		       bool *firmware, char *why, size_t why_size);

/* The bytes of the RSDP at p (RSDP_V2_LEN readable) the rule covers: its
 * Length when revision >= 2 and Length is in [36, 4096], else 36. */
uint32_t rsdp_kaslr_len(const uint8_t *p);

#endif
