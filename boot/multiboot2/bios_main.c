/* The BIOS way in (arch/x86_64/start32.S, after GRUB's multiboot2 handoff):
 * the multiboot2 information becomes the neutral boot_info, then the shared
 * top (boot/top.c) boots. */
#include <stdint.h>

#include "boot/top.h"
#include "console.h"
#include "workspace.h"

#define FOUR_GIB 0x100000000ull

void loader_main(uint32_t magic, uint32_t mbi_addr, uint32_t workspace);

/* The BIOS path (start32.S): GRUB has exited whatever firmware services there were. */
void loader_main(uint32_t magic, uint32_t mbi_addr, uint32_t workspace)
{
	struct cl_error err;
	console_init();
	(void)magic; /* start32.S has checked it */
	struct workspace_data *ws = (struct workspace_data *)(uintptr_t)(workspace + WORKSPACE_DATA);

	/* Below 4 GiB everything is mapped, so the information may extend to there. */
	fail_if(mb2_parse((const void *)(uintptr_t)mbi_addr, mbi_addr, FOUR_GIB - mbi_addr, &ws->info, &err), &err);
	struct loader_options opt;
	fail_if(loader_start_console(ws, &opt, &err), &err);
	loader_boot(ws, (struct mem_range){ workspace, (uint64_t)workspace + WORKSPACE_SIZE }, &opt, NULL);
}
