/* boot_params.secure_boot as Linux's EFI stub decides it (firmware/secure_boot.h). */
#include "firmware/secure_boot.h"

#include <stdbool.h>

const uint16_t EFI_SECURE_BOOT_VAR_NAME[11] = u"SecureBoot";
const uint16_t EFI_SETUP_MODE_VAR_NAME[10] = u"SetupMode";
const uint16_t SHIM_MOK_SB_STATE_VAR_NAME[13] = u"MokSBStateRT";

/* Linux's efi_get_secureboot_mode: SetupMode's read status is not checked (its byte starts at 0). */
bool secure_boot_firmware_enforces(const struct secure_boot_vars *v)
{
	uint8_t setup_mode = v->setup_mode.status == EFI_VAR_FOUND ? v->setup_mode.value : 0;
	return v->secure_boot.status == EFI_VAR_FOUND && v->secure_boot.value != EFI_SECURE_BOOT_OFF &&
	       setup_mode != EFI_SETUP_MODE_SETUP;
}

/* Shim's insecure mode, honoured only from a volatile MokSBStateRT; a failed read is "secure". */
static bool shim_insecure(const struct efi_var_byte *mok)
{
	return mok->status == EFI_VAR_FOUND && !(mok->attributes & EFI_VARIABLE_NON_VOLATILE) &&
	       mok->value == SHIM_MOK_SB_STATE_INSECURE;
}

uint8_t secure_boot_mode(const struct secure_boot_vars *v)
{
	if (v->secure_boot.status == EFI_VAR_NOT_FOUND)
		return SECURE_BOOT_DISABLED;
	if (v->secure_boot.status != EFI_VAR_FOUND)
		return SECURE_BOOT_UNKNOWN;
	if (!secure_boot_firmware_enforces(v) || shim_insecure(&v->moksb_state))
		return SECURE_BOOT_DISABLED;
	return SECURE_BOOT_ENABLED;
}

const char *secure_boot_name(uint8_t mode)
{
	switch (mode) {
	case SECURE_BOOT_UNSET:
		return "unset";
	case SECURE_BOOT_UNKNOWN:
		return "unknown";
	case SECURE_BOOT_DISABLED:
		return "disabled";
	case SECURE_BOOT_ENABLED:
		return "enabled";
	default:
		return "invalid";
	}
}
