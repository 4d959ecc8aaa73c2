/* Shim's SHIM_LOCK protocol (firmware/efi_services.h): the one verifier of a
 * kernel under Secure Boot that knows what shim knows — db and dbx, shim's
 * vendor certificate, MokList and MokListX, and SBAT revocations. */
#include "firmware/efi_services.h"

struct shim_lock_protocol *efi_shim_lock(const struct efi_env *env)
{
	static const struct efi_guid guid = EFI_SHIM_LOCK_GUID;
	struct shim_lock_protocol *shim = NULL;
	if (env->st->boot_services->locate_protocol(&guid, NULL, (void **)&shim) != EFI_SUCCESS)
		return NULL;
	return shim && shim->verify ? shim : NULL;
}

efi_status_t efi_shim_verify(struct shim_lock_protocol *shim, const void *buf, uint64_t size)
{
	if (size > UINT32_MAX)
		return EFI_INVALID_PARAMETER; /* Verify takes a 32-bit size */
	return shim->verify((void *)(uintptr_t)buf, (uint32_t)size);
}
