/* The shared UEFI tail of the ways in (boot/uefi.h): GRUB has left the boot
 * services running, so chainloader collects what only they can tell — the
 * TPM event log, the secure-boot state, an RNG seed, the GOP framebuffer —
 * hands it on the way Linux's own EFI stub does, exits the boot services
 * itself, and then boots as on BIOS (boot/top.c) from the final EFI memory map. */
#include "boot/uefi.h"

#include <string.h>

#include "arch.h"
#include "boot/top.h"
#include "boot_info.h"
#include "console.h"
#include "firmware/secure_boot.h"
#include "firmware/tpm_eventlog.h"
#include "workspace.h"

#define PAGE_BYTES 4096ull

__attribute__((noreturn)) void efi_enter_workspace(uint64_t pml4, uint64_t stack_top, void (*fn)(void *), void *arg);

static struct workspace_data *data_of(uint64_t workspace)
{
	return (struct workspace_data *)(uintptr_t)(workspace + WORKSPACE_DATA);
}

static void keep(struct efi_collected *fw, struct mem_range r, const char *what)
{
	/* Whole pages: a pool allocation shares its pages with nothing we place. */
	r.start &= ~(PAGE_BYTES - 1);
	r.end = (r.end + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
	fw->kept[fw->kept_count++] = (struct kept_range){ r, what };
}

int uefi_workspace_alloc(const struct efi_env *env, uint64_t *workspace, struct cl_error *err)
{
	/* From the firmware, so that nothing the firmware still uses lies there. */
	return efi_alloc_pages_low(env, WORKSPACE_SIZE, "loader's workspace", workspace, err);
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

int uefi_start_console(const struct efi_env *env, uint64_t workspace, struct cl_error *err)
{
	struct workspace_data *ws = data_of(workspace);
	const char *gop_note;
	find_framebuffer(env, &ws->info, &gop_note);
	if (loader_start_console(ws, &ws->efi_opt, err))
		return -1;
	console_printf(LOG_VERBOSE, "UEFI: boot services kept by GRUB; collecting what Linux's EFI stub would\n");
	if (gop_note)
		console_printf(LOG_VERBOSE, "framebuffer: note: GRUB passed none and %s\n", gop_note);
	return 0;
}

static int collect_tpm_log(const struct efi_env *env, struct efi_collected *fw, struct cl_error *err)
{
	struct efi_tpm_log log;
	const char *why = NULL;
	int rc = efi_tpm_log_install(env, &log, &why, err);
	if (rc < 0)
		return -1;
	if (rc == 2) {
		console_printf(LOG_NORMAL, "chainloader: warning: the firmware's TPM event log is not handed on: %s\n",
			       err->msg);
		return 0;
	}
	if (rc > 0) {
		console_printf(LOG_VERBOSE, "TPM event log: note: %s; the kernel gets none\n", why);
		return 0;
	}
	keep(fw, log.table, "TPM event log (LINUX_EFI_TPM_EVENT_LOG table)");
	console_printf(LOG_VERBOSE, "TPM event log: %llu bytes (%s format, %llu bytes of final events already in it) as LINUX_EFI_TPM_EVENT_LOG at [0x%llx, 0x%llx)\n",
		       (unsigned long long)log.log_size, log.format == EFI_TCG2_EVENT_LOG_FORMAT_TCG_2 ? "crypto-agile" : "SHA-1",
		       (unsigned long long)log.final_preboot, (unsigned long long)log.table.start,
		       (unsigned long long)log.table.end);
	return 0;
}

static int collect_rng_seed(const struct efi_env *env, struct cl_error *err)
{
	struct efi_rng_seed seed;
	int rc = efi_rng_seed_install(env, &seed, err);
	if (rc < 0)
		return -1;
	if (rc > 0)
		console_printf(LOG_VERBOSE, "RNG seed: note: no EFI_RNG_PROTOCOL nor RDSEED/RDRAND; the kernel gets none\n");
	else
		console_printf(LOG_VERBOSE, "RNG seed: %u bytes from %s as LINUX_EFI_RANDOM_SEED at [0x%llx, 0x%llx)\n",
			       seed.size, seed.source, (unsigned long long)seed.table.start,
			       (unsigned long long)seed.table.end);
	return 0;
}

/* On the workspace's stack: arg is the workspace. */
static void continue_in_workspace(void *arg)
{
	uint64_t workspace = (uintptr_t)arg;
	struct workspace_data *ws = data_of(workspace);
	loader_boot(ws, (struct mem_range){ workspace, workspace + WORKSPACE_SIZE }, &ws->efi_opt, &ws->efi_fw);
}

int uefi_collect_and_boot(const struct efi_env *env, uint64_t workspace, struct cl_error *err)
{
	struct workspace_data *ws = data_of(workspace);
	struct boot_info *bi = &ws->info;
	struct efi_collected *fw = &ws->efi_fw;
	fw->secure_boot = efi_secure_boot_mode(env);
	console_printf(LOG_VERBOSE, "secure boot: %s (boot_params.secure_boot = %u)\n",
		       secure_boot_name(fw->secure_boot), fw->secure_boot);
	if (collect_tpm_log(env, fw, err) || collect_rng_seed(env, err))
		return -1;

	/* Last allocation: the buffer of the final memory map, which efi_info then
	 * points at where it is. Then no firmware call but the exit itself. */
	struct efi_final_map map;
	if (efi_memory_map_alloc(env, &map, err))
		return -1;
	keep(fw, (struct mem_range){ (uintptr_t)map.buf, (uintptr_t)map.buf + map.capacity }, "EFI memory map");
	/* The exit may have begun to tear the boot services down when it fails:
	 * no return to GRUB from here on. */
	fail_if(efi_exit_boot_services(env, &map, err), err);

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
	efi_enter_workspace(workspace + WORKSPACE_PML4, workspace + WORKSPACE_STACK_TOP, continue_in_workspace,
			    (void *)(uintptr_t)workspace);
}
