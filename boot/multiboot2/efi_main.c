/* The UEFI path (arch/x86_64/efi_entry.S): GRUB has left the boot services
 * running, so chainloader collects what only they can tell — the TPM event
 * log, the secure-boot state, an RNG seed, the GOP framebuffer — hands it on
 * the way Linux's own EFI stub does, exits the boot services itself, and then
 * boots as on BIOS (boot/top.c) from the final EFI memory map. */
#include <string.h>

#include "abi/multiboot2.h"
#include "arch.h"
#include "boot/top.h"
#include "boot_info.h"
#include "console.h"
#include "firmware/efi_services.h"
#include "firmware/secure_boot.h"
#include "firmware/tpm_eventlog.h"
#include "workspace.h"

#define FOUR_GIB 0x100000000ull
#define PAGE_BYTES 4096ull

__attribute__((noreturn)) void efi_enter_workspace(uint64_t pml4, uint64_t stack_top, void (*fn)(void *), void *arg);
void efi_main(uint32_t magic, uint32_t mbi_addr);

static void keep(struct efi_collected *fw, struct mem_range r, const char *what)
{
	/* Whole pages: a pool allocation shares its pages with nothing we place. */
	r.start &= ~(PAGE_BYTES - 1);
	r.end = (r.end + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
	fw->kept[fw->kept_count++] = (struct kept_range){ r, what };
}

/* GRUB passes a framebuffer only when its video drivers are loaded; the
 * firmware's GOP has one either way. */
static void find_framebuffer(const struct efi_env *env, struct boot_info *bi, const char **note)
{
	*note = NULL;
	if (bi->has_framebuffer)
		return;
	struct boot_framebuffer fb;
	if (efi_gop_framebuffer(env, &fb, note)) {
		bi->has_framebuffer = true;
		bi->framebuffer = fb;
	}
}

static void collect_tpm_log(const struct efi_env *env, struct efi_collected *fw)
{
	struct cl_error err;
	struct efi_tpm_log log;
	const char *why = NULL;
	int rc = efi_tpm_log_install(env, &log, &why, &err);
	fail_if(rc < 0, &err);
	if (rc == 2) {
		console_printf(LOG_NORMAL, "chainloader: warning: the firmware's TPM event log is not handed on: %s\n",
			       err.msg);
		return;
	}
	if (rc > 0) {
		console_printf(LOG_VERBOSE, "TPM event log: note: %s; the kernel gets none\n", why);
		return;
	}
	keep(fw, log.table, "TPM event log (LINUX_EFI_TPM_EVENT_LOG table)");
	console_printf(LOG_VERBOSE, "TPM event log: %llu bytes (%s format, %llu bytes of final events already in it) as LINUX_EFI_TPM_EVENT_LOG at [0x%llx, 0x%llx)\n",
		       (unsigned long long)log.log_size, log.format == EFI_TCG2_EVENT_LOG_FORMAT_TCG_2 ? "crypto-agile" : "SHA-1",
		       (unsigned long long)log.final_preboot, (unsigned long long)log.table.start,
		       (unsigned long long)log.table.end);
}

static void collect_rng_seed(const struct efi_env *env)
{
	struct cl_error err;
	struct efi_rng_seed seed;
	int rc = efi_rng_seed_install(env, &seed, &err);
	fail_if(rc < 0, &err);
	if (rc > 0)
		console_printf(LOG_VERBOSE, "RNG seed: note: no EFI_RNG_PROTOCOL nor RDSEED/RDRAND; the kernel gets none\n");
	else
		console_printf(LOG_VERBOSE, "RNG seed: %u bytes from %s as LINUX_EFI_RANDOM_SEED at [0x%llx, 0x%llx)\n",
			       seed.size, seed.source, (unsigned long long)seed.table.start,
			       (unsigned long long)seed.table.end);
}

/* On the workspace's stack: arg is the workspace. */
static void efi_continue(void *arg)
{
	uint64_t workspace = (uintptr_t)arg;
	struct workspace_data *ws = (struct workspace_data *)(uintptr_t)(workspace + WORKSPACE_DATA);
	loader_boot(ws, (struct mem_range){ workspace, workspace + WORKSPACE_SIZE }, &ws->efi_opt, &ws->efi_fw);
}

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

	/* The workspace from the firmware (EfiLoaderData below 4 GiB), so that
	 * nothing the firmware still uses lies there. */
	uint64_t workspace;
	fail_if(efi_alloc_pages_low(&env, WORKSPACE_SIZE, "loader's workspace", &workspace, &err), &err);
	struct workspace_data *ws = (struct workspace_data *)(uintptr_t)(workspace + WORKSPACE_DATA);
	struct boot_info *bi = &ws->info;
	fail_if(mb2_parse(mbi, mbi_addr, FOUR_GIB - mbi_addr, bi, &err), &err);
	const char *gop_note;
	find_framebuffer(&env, bi, &gop_note);
	struct efi_collected *fw = &ws->efi_fw;
	loader_start_console(ws, &ws->efi_opt);
	console_printf(LOG_VERBOSE, "UEFI: boot services kept by GRUB; collecting what Linux's EFI stub would\n");
	if (gop_note)
		console_printf(LOG_VERBOSE, "framebuffer: note: GRUB passed none and %s\n", gop_note);

	fw->secure_boot = efi_secure_boot_mode(&env);
	console_printf(LOG_VERBOSE, "secure boot: %s (boot_params.secure_boot = %u)\n",
		       secure_boot_name(fw->secure_boot), fw->secure_boot);
	collect_tpm_log(&env, fw);
	collect_rng_seed(&env);

	/* Last allocation: the buffer of the final memory map, which efi_info then
	 * points at where it is. Then no firmware call but the exit itself. */
	struct efi_final_map map;
	fail_if(efi_memory_map_alloc(&env, &map, &err), &err);
	keep(fw, (struct mem_range){ (uintptr_t)map.buf, (uintptr_t)map.buf + map.capacity }, "EFI memory map");
	fail_if(efi_exit_boot_services(&env, &map, &err), &err);

	/* The boot services are gone: from here on the final map is the one source. */
	__asm__ volatile("cli");
	bi->efi_boot_services = false;
	bi->efi_mmap = map.buf;
	bi->efi_mmap_size = (uint32_t)map.size;
	bi->efi_desc_size = (uint32_t)map.desc_size;
	bi->efi_desc_version = map.desc_version;
	bi->mmap_count = 0; /* GRUB's tag 6 predates the loader's own allocations */
	fw->efi_mmap_in_place = true;
	console_printf(LOG_VERBOSE, "UEFI: ExitBootServices done (%u call%s), final map %llu bytes\n", map.tries,
		       map.tries == 1 ? "" : "s", (unsigned long long)map.size);

	/* Leave the firmware's page tables, GDT and stack: they lie in boot-services
	 * memory, which the plan may now hand out. */
	paging_identity_4g(workspace);
	efi_enter_workspace(workspace + WORKSPACE_PML4, workspace + WORKSPACE_STACK_TOP, efi_continue,
			    (void *)(uintptr_t)workspace);
}
