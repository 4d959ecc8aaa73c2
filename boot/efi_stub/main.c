/* chainloader.efi's way in (boot/efi_stub/entry.S): GRUB's `linux` starts it
 * like a kernel's EFI stub, by the handover entry (GRUB 2.06 linuxefi, with
 * boot_params) or by the PE entry (GRUB 2.12, with LoadOptions and a
 * LoadFile2 initrd):
 *   linux  /boot/chainloader.efi [loader options] -- <kernel command line>
 *   initrd newc:vmlinuz:/boot/vmlinuz-VERSION /boot/initrd.img-VERSION ...
 * The first newc: member is the kernel (boot/efi_stub/newc.h), the rest the
 * kernel's initrd, in place. Under Secure Boot shim verifies the kernel's
 * bytes before anything that cannot be undone; the command line and the
 * initrd are measured into PCR 9 as Linux's stub measures them; then the
 * shared UEFI tail (boot/uefi.c) boots the kernel as module 1 of a boot_info.
 * Every error before ExitBootServices frees what was allocated, prints its
 * "chainloader: error:" line and returns an EFI status to GRUB, whose
 * `boot` then fails and whose fallback entry can run. */
#include <string.h>

#include "abi/tpm_log.h"
#include "abi/zeropage.h"
#include "arch.h"
#include "boot/efi_stub/cmdline.h"
#include "boot/efi_stub/inputs.h"
#include "boot/uefi.h"
#include "boot_info.h"
#include "console.h"
#include "firmware/efi_services.h"
#include "firmware/secure_boot.h"
#include "workspace.h"

efi_status_t efi_stub_main(efi_handle_t image, struct efi_system_table *st, struct boot_params *bp);
extern uint64_t efi_moved_from; /* entry.S */
extern char efi_pm_start[];

/* What this way in has allocated, and what GRUB handed it. */
struct stub {
	struct efi_env env;
	uint64_t workspace;
	uint64_t initrd_alloc; /* the LoadFile2 copy (PE entry), 0 when the buffer is GRUB's */
	const uint8_t *initrd; /* GRUB's initrd: the newc: members, then the plain files */
	uint64_t initrd_size;
	efi_status_t status;   /* what to return with the error */
};

static struct workspace_data *ws_of(const struct stub *s)
{
	return (struct workspace_data *)(uintptr_t)(s->workspace + WORKSPACE_DATA);
}

static int fail_status(struct stub *s, efi_status_t status)
{
	s->status = status;
	return -1;
}

/* GRUB 2.06 linuxefi: the command line and the initrd in the boot_params it filled. */
static int handover_inputs(struct stub *s, const struct boot_params *bp, struct cl_error *err)
{
	uint64_t cmdline = bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr << 32;
	uint64_t initrd = bp->hdr.ramdisk_image | (uint64_t)bp->ext_ramdisk_image << 32;
	uint64_t size = bp->hdr.ramdisk_size | (uint64_t)bp->ext_ramdisk_size << 32;
	char *out = ws_of(s)->stub_cmdline;
	if (!cmdline)
		return cl_fail(err, "command line: GRUB's boot_params at 0x%llx has none (cmd_line_ptr 0)",
			       (unsigned long long)(uintptr_t)bp);
	const char *in = (const char *)(uintptr_t)cmdline;
	size_t len = strnlen(in, STUB_CMDLINE_MAX);
	if (len == STUB_CMDLINE_MAX)
		return cl_fail(err, "command line at 0x%llx: longer than the %u bytes chainloader.efi takes",
			       (unsigned long long)cmdline, STUB_CMDLINE_MAX - 1);
	memcpy(out, in, len + 1);
	if (!initrd || !size)
		return 0; /* none: stub_inputs_split says so */
	if (initrd + size < initrd)
		return cl_fail(err, "initrd: GRUB's [0x%llx, +0x%llx) wraps around", (unsigned long long)initrd,
			       (unsigned long long)size);
	s->initrd = (const uint8_t *)(uintptr_t)initrd;
	s->initrd_size = size;
	return 0;
}

/* GRUB 2.12 by the PE entry: LoadOptions and the LoadFile2 initrd. */
static int pe_inputs(struct stub *s, struct cl_error *err)
{
	const uint16_t *options = NULL;
	uint64_t units = 0;
	if (efi_image_load_options(&s->env, &options, &units, err) ||
	    stub_cmdline_from_utf16(options, units, ws_of(s)->stub_cmdline, STUB_CMDLINE_MAX, err))
		return -1;
	uint64_t addr = 0, size = 0;
	int rc = efi_load_file2_initrd(&s->env, &addr, &size, err);
	if (rc)
		return rc < 0 ? -1 : 0; /* 1, none: stub_inputs_split says so */
	s->initrd_alloc = addr;
	s->initrd = (const uint8_t *)(uintptr_t)addr;
	s->initrd_size = size;
	return 0;
}

/* The kernel as module 1 and what follows it as module 2 (the kernel's
 * initrd), as stub_inputs_split decides (boot/efi_stub/inputs.h). */
static int split_inputs(struct stub *s, struct cl_error *err)
{
	struct boot_info *bi = &ws_of(s)->info;
	struct stub_inputs in;
	if (stub_inputs_split(ws_of(s)->stub_cmdline, s->initrd, s->initrd_size, &in, err))
		return -1;
	uint64_t base = (uintptr_t)s->initrd;
	bi->loader_cmdline = in.cmdline.options;
	bi->modules[0] = (struct boot_module){ base + in.kernel, base + in.kernel + in.kernel_size, s->initrd + in.kernel,
					       in.cmdline.kernel };
	bi->module_count = 1;
	if (in.initrd_size)
		bi->modules[bi->module_count++] = (struct boot_module){ base + in.initrd, base + in.initrd + in.initrd_size,
									s->initrd + in.initrd, "" };
	return 0;
}

static const char *status_name(efi_status_t s)
{
	switch (s) {
	case EFI_SECURITY_VIOLATION:
		return "EFI_SECURITY_VIOLATION";
	case EFI_ACCESS_DENIED:
		return "EFI_ACCESS_DENIED";
	case EFI_UNSUPPORTED:
		return "EFI_UNSUPPORTED";
	case EFI_INVALID_PARAMETER:
		return "EFI_INVALID_PARAMETER";
	case EFI_LOAD_ERROR:
		return "EFI_LOAD_ERROR";
	default:
		return "an error";
	}
}

/* Under Secure Boot the kernel runs only if shim accepts its bytes. */
static int verify_kernel(struct stub *s, struct cl_error *err)
{
	const struct boot_module *k = &ws_of(s)->info.modules[0];
	uint64_t size = k->end - k->start;
	struct secure_boot_vars v;
	efi_secure_boot_vars(&s->env, &v);
	if (!secure_boot_firmware_enforces(&v)) {
		console_printf(LOG_VERBOSE, "secure boot: not enforced by the firmware: the kernel is not verified\n");
		return 0;
	}
	struct shim_lock_protocol *shim = efi_shim_lock(&s->env);
	if (!shim) {
		cl_fail(err, "Secure Boot is on (SecureBoot=1, SetupMode=0) and shim's SHIM_LOCK protocol is not there to verify the kernel (%llu bytes): start chainloader.efi through shim and its GRUB",
			(unsigned long long)size);
		return fail_status(s, EFI_SECURITY_VIOLATION);
	}
	efi_status_t st = efi_shim_verify(shim, k->data, size);
	if (st != EFI_SUCCESS) {
		cl_fail(err, "shim refused the kernel (%llu bytes at 0x%llx): SHIM_LOCK Verify returned EFI status 0x%llx (%s); it is not started",
			(unsigned long long)size, (unsigned long long)k->start, (unsigned long long)st, status_name(st));
		return fail_status(s, st);
	}
	console_printf(LOG_NORMAL, "chainloader: secure boot: the kernel (%llu bytes) verified by shim (SHIM_LOCK Verify)\n",
		       (unsigned long long)size);
	return 0;
}

/* PCR 9, as Linux's stub measures on GRUB 2.12's path: the initrd the kernel
 * gets and its command line (both as tagged events). GRUB has measured the
 * files it read, the kernel's among them. */
static int measure(struct stub *s, struct cl_error *err)
{
	const struct boot_info *bi = &ws_of(s)->info;
	const char *cmdline = bi->modules[0].string;
	int rc = efi_tpm_measure_tagged(&s->env, LINUX_EFI_LOAD_OPTIONS_EVENT_TAG_ID, "LOADED_IMAGE::LoadOptions",
					cmdline, strlen(cmdline), err);
	if (rc > 0) {
		console_printf(LOG_VERBOSE, "TPM: note: no EFI_TCG2_PROTOCOL: nothing measured\n");
		return 0;
	}
	if (rc < 0)
		return -1;
	uint64_t initrd_bytes = 0;
	if (bi->module_count > 1) {
		const struct boot_module *m = &bi->modules[1];
		initrd_bytes = m->end - m->start;
		if (efi_tpm_measure_tagged(&s->env, LINUX_EFI_INITRD_EVENT_TAG_ID, "Linux initrd", m->data,
					   initrd_bytes, err))
			return -1;
	}
	console_printf(LOG_VERBOSE, "TPM: measured into PCR %u the kernel's command line (%llu bytes) and its initrd (%llu bytes)\n",
		       LINUX_EFI_STUB_PCR, (unsigned long long)strlen(cmdline), (unsigned long long)initrd_bytes);
	return 0;
}

static int run(struct stub *s, efi_handle_t image, struct efi_system_table *st, struct boot_params *bp,
	       struct cl_error *err)
{
	if (efi_env_init(&s->env, (uintptr_t)st, (uintptr_t)image, err) ||
	    uefi_workspace_alloc(&s->env, &s->workspace, err))
		return -1;
	struct boot_info *bi = &ws_of(s)->info;
	bi->way_in = bp ? "EFI handover from GRUB" : "EFI PE entry from GRUB";
	bi->efi_system_table = (uintptr_t)st;
	bi->efi_image_handle = (uintptr_t)image;
	bi->efi_boot_services = true;
	if ((bp ? handover_inputs(s, bp, err) : pe_inputs(s, err)) || split_inputs(s, err) ||
	    uefi_start_console(&s->env, s->workspace, err))
		return -1;
	if (efi_moved_from)
		console_printf(LOG_VERBOSE, "chainloader.efi: loaded at 0x%llx, above 2 GiB: runs from a copy at 0x%llx\n",
			       (unsigned long long)efi_moved_from, (unsigned long long)(uintptr_t)efi_pm_start);
	const struct boot_module *k = &bi->modules[0];
	console_printf(LOG_VERBOSE, "chainloader.efi: GRUB's initrd [0x%llx, 0x%llx)%s: the kernel %llu bytes at 0x%llx, its initrd %llu bytes in place\n",
		       (unsigned long long)(uintptr_t)s->initrd, (unsigned long long)((uintptr_t)s->initrd + s->initrd_size),
		       s->initrd_alloc ? " (read by LoadFile2)" : "", (unsigned long long)(k->end - k->start),
		       (unsigned long long)k->start,
		       (unsigned long long)(bi->module_count > 1 ? bi->modules[1].end - bi->modules[1].start : 0));
	if (verify_kernel(s, err) || measure(s, err))
		return -1;
	return uefi_collect_and_boot(&s->env, s->workspace, err);
}

efi_status_t efi_stub_main(efi_handle_t image, struct efi_system_table *st, struct boot_params *bp)
{
	struct cl_error err;
	struct stub s = { .status = EFI_LOAD_ERROR };
	vga_disable(); /* UEFI: no VGA text screen */
	console_init();
	run(&s, image, st, bp, &err);
	/* Only an error comes back: give GRUB its memory and the reason. */
	console_error(err.msg);
	if (s.workspace) {
		efi_free_pages(&s.env, s.initrd_alloc, s.initrd_size);
		efi_free_pages(&s.env, s.workspace, WORKSPACE_SIZE);
	}
	return s.status;
}
