/* The multiboot2 way in on UEFI (arch/x86_64/efi_entry.S): GRUB has left the
 * boot services running (the header's tags 7 and 9). The multiboot2
 * information becomes the boot_info, then the shared UEFI tail (boot/uefi.c)
 * collects, exits the boot services and boots. Every error halts: there is
 * no caller to return to. */
#include "abi/multiboot2.h"
#include "arch.h"
#include "boot/top.h"
#include "boot/uefi.h"
#include "boot_info.h"
#include "console.h"
#include "workspace.h"

#define FOUR_GIB 0x100000000ull

void efi_main(uint32_t magic, uint32_t mbi_addr);

void efi_main(uint32_t magic, uint32_t mbi_addr)
{
	struct cl_error err;
	vga_disable(); /* UEFI: no VGA text screen */
	console_init();
	if (magic != MB2_BOOTLOADER_MAGIC)
		fail_if(cl_fail(&err, "not started by a multiboot2 loader: EAX 0x%x, expected 0x%x", magic,
				MB2_BOOTLOADER_MAGIC),
			&err);
	const void *mbi = (const void *)(uintptr_t)mbi_addr;
	struct mb2_efi_handles handles;
	struct efi_env env;
	fail_if(mb2_efi_handles(mbi, mbi_addr, FOUR_GIB - mbi_addr, &handles, &err), &err);
	fail_if(efi_env_init(&env, handles.system_table, handles.image_handle, &err), &err);

	uint64_t workspace;
	fail_if(uefi_workspace_alloc(&env, &workspace, &err), &err);
	struct workspace_data *ws = (struct workspace_data *)(uintptr_t)(workspace + WORKSPACE_DATA);
	fail_if(mb2_parse(mbi, mbi_addr, FOUR_GIB - mbi_addr, &ws->info, &err), &err);
	fail_if(uefi_start_console(&env, workspace, &err), &err);
	fail_if(uefi_collect_and_boot(&env, workspace, &err), &err);
}
