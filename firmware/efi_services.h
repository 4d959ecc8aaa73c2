/* The thin layer over the UEFI boot services (firmware/efi_services.c):
 * each function makes the firmware calls of one job and leaves every decision
 * on the bytes to the pure code in loader/ (tpm_eventlog, secure_boot, gop).
 * Only boot/multiboot2/efi_main.c calls it, before ExitBootServices. */
#ifndef CHAINLOADER_EFI_SERVICES_H
#define CHAINLOADER_EFI_SERVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/efi.h"
#include "boot_info.h"
#include "error.h"

struct efi_env {
	struct efi_system_table *st;
	efi_handle_t image;
};

/* Checks the system table's signature and that boot services are there. */
int efi_env_init(struct efi_env *env, uint64_t system_table, uint64_t image_handle, struct cl_error *err);

/* Whole pages of EfiLoaderData below 4 GiB, zeroed. */
int efi_alloc_pages_low(const struct efi_env *env, uint64_t bytes, const char *what, uint64_t *addr,
			struct cl_error *err);
/* Gives back what efi_alloc_pages_low (or efi_load_file2_initrd) allocated: a way
 * in that returns to GRUB leaves nothing behind. */
void efi_free_pages(const struct efi_env *env, uint64_t addr, uint64_t bytes);

/* ---- chainloader.efi's PE entry (firmware/efi_image.c) ---- */

/* The image's LoadOptions (UTF-16 as GRUB 2.12 sets them): *units 16-bit
 * code units at *options, 0 when there are none. */
int efi_image_load_options(const struct efi_env *env, const uint16_t **options, uint64_t *units,
			   struct cl_error *err);
/* The initrd the loader offers by EFI_LOAD_FILE2_PROTOCOL on the
 * LINUX_EFI_INITRD_MEDIA_GUID device path, read into EfiLoaderData pages below
 * 4 GiB. 1 when no such device path exists; 0 with *addr and *size set. */
int efi_load_file2_initrd(const struct efi_env *env, uint64_t *addr, uint64_t *size, struct cl_error *err);

/* ---- chainloader.efi's chain of trust (firmware/shim_lock.c, firmware/tpm_measure.c) ---- */

/* Shim's SHIM_LOCK protocol, or NULL when shim did not install it. */
struct shim_lock_protocol *efi_shim_lock(const struct efi_env *env);
/* SHIM_LOCK.Verify over [buf, buf + size): EFI_SUCCESS when shim accepts the
 * image (signed by db, shim's vendor certificate or MokList, and not revoked). */
efi_status_t efi_shim_verify(struct shim_lock_protocol *shim, const void *buf, uint64_t size);

/* Extends PCR 9 with [data, data + size) and logs it as Linux's EFI stub
 * does: an EV_EVENT_TAG event with tag_id and the description (its NUL
 * included). 1 when there is no EFI_TCG2_PROTOCOL (no TPM): nothing measured. */
int efi_tpm_measure_tagged(const struct efi_env *env, uint32_t tag_id, const char *description, const void *data,
			   uint64_t size, struct cl_error *err);

/* The value the UEFI configuration table holds for guid, or NULL. */
void *efi_config_table(const struct efi_env *env, const struct efi_guid *guid);

/* boot_params.secure_boot as Linux's stub would set it (SecureBoot, SetupMode,
 * shim's MokSBState read through GetVariable). */
uint8_t efi_secure_boot_mode(const struct efi_env *env);
struct secure_boot_vars;
/* The variables that decision reads (firmware/secure_boot.h). */
void efi_secure_boot_vars(const struct efi_env *env, struct secure_boot_vars *v);

/* The TCG2 event log handed to Linux as its LINUX_EFI_TPM_EVENT_LOG table. */
struct efi_tpm_log {
	uint32_t format;           /* EFI_TCG2_EVENT_LOG_FORMAT_TCG_2 or _TCG_1_2 */
	uint64_t log_size;         /* bytes of events copied */
	uint64_t final_preboot;    /* bytes of the final-events table already in the log */
	struct mem_range table;    /* the installed table (EfiACPIReclaimMemory): the kernel reads it */
};
/* 0: installed; 1: no EFI_TCG2_PROTOCOL or no log (*why says which); 2: the
 * firmware's log is malformed (err says how; the boot goes on without it, as
 * with Linux's stub); -1: an EFI call failed (err). */
int efi_tpm_log_install(const struct efi_env *env, struct efi_tpm_log *out, const char **why, struct cl_error *err);

/* An RNG seed handed to Linux as its LINUX_EFI_RANDOM_SEED table (EfiACPIReclaimMemory,
 * which the kernel wipes once it has mixed the bits in). */
struct efi_rng_seed {
	const char *source;     /* "EFI_RNG_PROTOCOL", "RDSEED" or "RDRAND" */
	uint32_t size;          /* seed bytes in the table, with an earlier loader's seed appended */
	struct mem_range table;
};
/* 0: installed; 1: no source of randomness at all; -1: error. */
int efi_rng_seed_install(const struct efi_env *env, struct efi_rng_seed *out, struct cl_error *err);

/* The current mode of the first EFI_GRAPHICS_OUTPUT_PROTOCOL as a linear
 * framebuffer; false (and *why) when there is none or it is BLT-only. */
bool efi_gop_framebuffer(const struct efi_env *env, struct boot_framebuffer *fb, const char **why);

/* The final EFI memory map, in a buffer allocated once (with slack for the
 * allocations that follow it) before the boot services end. */
struct efi_final_map {
	uint8_t *buf;
	uint64_t capacity;
	uint64_t size;
	uint64_t desc_size;
	uint32_t desc_version;
	unsigned tries; /* ExitBootServices calls it took */
};
int efi_memory_map_alloc(const struct efi_env *env, struct efi_final_map *m, struct cl_error *err);
/* GetMemoryMap + ExitBootServices, again with a fresh map while the firmware
 * reports a stale map key (UEFI 2.10, 7.4.6). Nothing but these two calls
 * happens in between, so nothing prints. */
int efi_exit_boot_services(const struct efi_env *env, struct efi_final_map *m, struct cl_error *err);

#endif
