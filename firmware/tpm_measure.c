/* Measurements into the TPM as Linux's EFI stub makes them
 * (efi_measure_tagged_event, drivers/firmware/efi/libstub/efi-stub-helper.c):
 * EFI_TCG2_PROTOCOL.HashLogExtendEvent into PCR 9 with an EV_EVENT_TAG event
 * whose data is a TCG_PCClientTaggedEvent holding a NUL-terminated description. */
#include <string.h>

#include "abi/tpm_log.h"
#include "firmware/efi_services.h"

#define DESCRIPTION_MAX 64u

int efi_tpm_measure_tagged(const struct efi_env *env, uint32_t tag_id, const char *description, const void *data,
			   uint64_t size, struct cl_error *err)
{
	static const struct efi_guid tcg2_guid = EFI_TCG2_PROTOCOL_GUID;
	struct efi_tcg2_protocol *tcg2 = NULL;
	if (env->st->boot_services->locate_protocol(&tcg2_guid, NULL, (void **)&tcg2) != EFI_SUCCESS || !tcg2)
		return 1;
	size_t desc_size = strlen(description) + 1;
	if (desc_size > DESCRIPTION_MAX)
		return cl_fail(err, "TPM: the event description '%s' is longer than %u bytes", description,
			       DESCRIPTION_MAX);
	/* EFI_TCG2_EVENT, then the tagged event and its description, packed. */
	uint8_t buf[sizeof(struct efi_tcg2_event) + sizeof(struct tcg_tagged_event) + DESCRIPTION_MAX];
	struct efi_tcg2_event *ev = (struct efi_tcg2_event *)buf;
	struct tcg_tagged_event tagged = { tag_id, (uint32_t)desc_size };
	uint32_t total = (uint32_t)(sizeof(*ev) + sizeof(tagged) + desc_size);
	ev->size = total;
	ev->header = (struct efi_tcg2_event_header){ sizeof(struct efi_tcg2_event_header),
						     EFI_TCG2_EVENT_HEADER_VERSION, LINUX_EFI_STUB_PCR,
						     TCG_EV_EVENT_TAG };
	memcpy(ev->event, &tagged, sizeof(tagged));
	memcpy(ev->event + sizeof(tagged), description, desc_size);
	efi_status_t s = tcg2->hash_log_extend_event(tcg2, 0, (uintptr_t)data, size, ev);
	if (s != EFI_SUCCESS)
		return cl_fail(err, "TPM: HashLogExtendEvent of '%s' (%llu bytes) into PCR %u failed: EFI status 0x%llx",
			       description, (unsigned long long)size, LINUX_EFI_STUB_PCR, (unsigned long long)s);
	return 0;
}
