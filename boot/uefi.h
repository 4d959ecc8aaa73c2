/* What every UEFI way in does once its struct boot_info is in the workspace
 * (boot/uefi.c): chainloader.elf by multiboot2 with the boot services kept
 * (boot/multiboot2/efi_main.c) and chainloader.efi from GRUB's `linux`
 * (boot/efi_stub/main.c). Each returns an error only while the boot services
 * still run, so that a way in that can return to GRUB does. */
#ifndef CHAINLOADER_BOOT_UEFI_H
#define CHAINLOADER_BOOT_UEFI_H

#include <stdint.h>

#include "error.h"
#include "firmware/efi_services.h"

/* The workspace (EfiLoaderData below 4 GiB, zeroed): ws->info is the way in's to fill. */
int uefi_workspace_alloc(const struct efi_env *env, uint64_t *workspace, struct cl_error *err);

/* The framebuffer from the GOP when GRUB passed none, then the loader
 * options from ws->info, the console level and the banner. */
int uefi_start_console(const struct efi_env *env, uint64_t workspace, struct cl_error *err);

/* Collects what Linux's EFI stub would (secure-boot state, TPM event log, RNG
 * seed), exits the boot services, and boots from the final memory map in the
 * workspace. Returns only with an error from before ExitBootServices. */
int uefi_collect_and_boot(const struct efi_env *env, uint64_t workspace, struct cl_error *err);

#endif
