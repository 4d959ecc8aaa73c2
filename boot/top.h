/* The shared top every way in calls once it has a boot_info (boot/top.c):
 * loader_main (multiboot2 on BIOS, boot/multiboot2/bios_main.c), and through
 * the shared UEFI tail (boot/uefi.c) efi_main (multiboot2 on UEFI,
 * boot/multiboot2/efi_main.c) and efi_stub_main (chainloader.efi,
 * boot/efi_stub/main.c). */
#ifndef CHAINLOADER_BOOT_TOP_H
#define CHAINLOADER_BOOT_TOP_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/options.h"
#include "boot_plan.h"
#include "error.h"
#include "workspace.h"

/* Prints err's message as "chainloader: error: ..." and halts, if rc is non-zero. */
void fail_if(int rc, const struct cl_error *err);

/* The loader options from ws->info, the console level and framebuffer console,
 * the banner. Fails only on a loader option it does not know. */
int loader_start_console(struct workspace_data *ws, struct loader_options *opt, struct cl_error *err);

/* Plans, reports and boots the kernel described by ws->info; fw is NULL on
 * BIOS. Runs on the workspace's stack and page tables. */
__attribute__((noreturn)) void loader_boot(struct workspace_data *ws, struct mem_range workspace,
					   const struct loader_options *opt, const struct efi_collected *fw);

#endif
