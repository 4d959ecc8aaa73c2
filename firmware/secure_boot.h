/* boot_params.secure_boot, decided from the UEFI variables exactly as Linux's
 * EFI stub decides it: efi_get_secureboot() (drivers/firmware/efi/libstub/
 * secureboot.c) over efi_get_secureboot_mode() (include/linux/efi.h).
 *
 *   SecureBoot not found                         -> disabled
 *   SecureBoot unreadable (any other error)      -> unknown
 *   SecureBoot == 0, or SetupMode == 1           -> disabled
 *     (a SetupMode that cannot be read counts as 0: user mode)
 *   shim's MokSBStateRT == 1 and the variable
 *     NOT non-volatile                           -> disabled (shim's insecure mode)
 *   otherwise                                    -> enabled
 *
 * Linux reads each variable into a 1-byte buffer: the EFI side must do the
 * same (a larger variable then gives EFI_BUFFER_TOO_SMALL, an error here too).
 * MokSBStateRT is the volatile copy shim makes of MokSBState; one that is
 * non-volatile was not made by shim this boot (it could have been planted from
 * the OS), hence the attribute check. Linux reads neither AuditMode nor
 * DeployedMode (checked against the current include/linux/efi.h and
 * secureboot.c), so neither is asked for here. */
#ifndef CHAINLOADER_SECURE_BOOT_H
#define CHAINLOADER_SECURE_BOOT_H

#include <stdbool.h>
#include <stdint.h>

/* boot_params.secure_boot (Linux's enum efi_secureboot_mode) */
#define SECURE_BOOT_UNSET 0u    /* the stub finds out itself; the kernel proper reads "unset" */
#define SECURE_BOOT_UNKNOWN 1u
#define SECURE_BOOT_DISABLED 2u
#define SECURE_BOOT_ENABLED 3u

/* The variables' values that matter (UEFI spec 3.3; shim's MokVars.txt) */
#define EFI_SECURE_BOOT_OFF 0u     /* SecureBoot: 1 when the platform enforces signatures */
#define EFI_SETUP_MODE_SETUP 1u    /* SetupMode: 1 while no platform key is enrolled */
#define SHIM_MOK_SB_STATE_INSECURE 1u /* MokSBStateRT: 1 when the user turned shim's checks off */

/* GetVariable attributes (UEFI spec) */
#define EFI_VARIABLE_NON_VOLATILE 0x00000001u
#define EFI_VARIABLE_BOOTSERVICE_ACCESS 0x00000002u
#define EFI_VARIABLE_RUNTIME_ACCESS 0x00000004u

/* How a GetVariable call ended */
enum efi_var_status {
	EFI_VAR_FOUND,     /* EFI_SUCCESS, with 1 byte read */
	EFI_VAR_NOT_FOUND, /* EFI_NOT_FOUND */
	EFI_VAR_ERROR,     /* any other status (EFI_BUFFER_TOO_SMALL included), or 0 bytes read */
};

/* What GetVariable returned for one 1-byte variable. */
struct efi_var_byte {
	enum efi_var_status status;
	uint8_t value;       /* read only when EFI_VAR_FOUND */
	uint32_t attributes; /* read only when EFI_VAR_FOUND; only MokSBStateRT's matter */
};

struct secure_boot_vars {
	struct efi_var_byte secure_boot; /* L"SecureBoot", EFI_GLOBAL_VARIABLE_GUID */
	struct efi_var_byte setup_mode;  /* L"SetupMode", EFI_GLOBAL_VARIABLE_GUID */
	struct efi_var_byte moksb_state; /* L"MokSBStateRT", EFI_SHIM_LOCK_GUID */
};

/* The platform enforces signatures: SecureBoot == 1 and SetupMode == 0 (a
 * SetupMode that cannot be read counts as 0). chainloader.efi then verifies
 * the kernel through shim. */
bool secure_boot_firmware_enforces(const struct secure_boot_vars *v);

/* SECURE_BOOT_UNKNOWN, _DISABLED or _ENABLED, as Linux's stub would store it. */
uint8_t secure_boot_mode(const struct secure_boot_vars *v);

/* "unset", "unknown", "disabled", "enabled", or "invalid" for other values. */
const char *secure_boot_name(uint8_t mode);

/* Variable names, UCS-2 with the terminating 0 (as GetVariable takes them) */
extern const uint16_t EFI_SECURE_BOOT_VAR_NAME[11];   /* "SecureBoot" */
extern const uint16_t EFI_SETUP_MODE_VAR_NAME[10];    /* "SetupMode" */
/* "MokSBStateRT": Linux reads it since commit 5f56a74cc0a6 (2022, backported
 * to stable 4.19+); older kernels read the non-volatile "MokSBState". */
extern const uint16_t SHIM_MOK_SB_STATE_VAR_NAME[13];

#endif
