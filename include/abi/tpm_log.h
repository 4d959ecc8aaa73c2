/* The TPM event log's formats (TCG PC Client Platform Firmware Profile,
 * "PFP"; TCG EFI Protocol Specification) and Linux's table that carries a log
 * to the kernel (include/linux/efi.h). "Crypto agile"
 * (EFI_TCG2_EVENT_LOG_FORMAT_TCG_2): a SHA-1 style spec ID event, then
 * TCG_PCR_EVENT2 entries with one digest per PCR bank; the old SHA-1 only one
 * (EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2): TCG_PCR_EVENT entries. All fields are
 * little-endian and the entries are packed: nothing in a log is aligned. */
#ifndef CHAINLOADER_ABI_TPM_LOG_H
#define CHAINLOADER_ABI_TPM_LOG_H

#include <stddef.h>
#include <stdint.h>

/* EFI_TCG2_PROTOCOL.GetEventLog's EventLogFormat (TCG EFI Protocol Specification) */
#define EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2 1u
#define EFI_TCG2_EVENT_LOG_FORMAT_TCG_2 2u

/* Event types (PFP) the size rules depend on */
#define TCG_EV_PREBOOT_CERT 0u /* type 0 with event_size 0: not an event (Linux: size 0, i.e. invalid) */
#define TCG_EV_NO_ACTION 3u    /* the spec ID event's type */
#define TCG_EV_EVENT_TAG 6u    /* a TCG_PCClientTaggedEvent */

/* TCG_PCClientTaggedEvent (PC Client PFP 10.4.2), as Linux's EFI stub logs
 * its measurements (drivers/firmware/efi/libstub/efi-stub-helper.c): the
 * data is a NUL-terminated description. */
struct tcg_tagged_event {
	uint32_t tagged_event_id;
	uint32_t tagged_event_data_size;
	uint8_t tagged_event_data[];
};
_Static_assert(offsetof(struct tcg_tagged_event, tagged_event_data) == 8, "TCG_PCClientTaggedEvent");
#define LINUX_EFI_INITRD_EVENT_TAG_ID 0x8F3B22ECu       /* "Linux initrd", PCR 9 */
#define LINUX_EFI_LOAD_OPTIONS_EVENT_TAG_ID 0x8F3B22EDu /* "LOADED_IMAGE::LoadOptions", PCR 9 */
#define LINUX_EFI_STUB_PCR 9u

/* TPM_ALG_ID values (TCG Algorithm Registry) of the usual PCR banks */
#define TPM_ALG_SHA1 0x0004u
#define TPM_ALG_SHA256 0x000Bu
#define TPM_ALG_SHA384 0x000Cu
#define TPM_ALG_SHA512 0x000Du
#define TPM_ALG_SM3_256 0x0012u

#define TCG_SHA1_DIGEST_SIZE 20u

/* TCG_PCR_EVENT: every entry of a 1.2 log, and the first entry (the spec ID
 * event: PCR 0, EV_NO_ACTION, a zero digest) of a crypto-agile one. */
struct tcg_pcr_event {
	uint32_t pcr_index;
	uint32_t event_type;
	uint8_t digest[TCG_SHA1_DIGEST_SIZE];
	uint32_t event_size; /* bytes of event[] */
	uint8_t event[];
};
_Static_assert(offsetof(struct tcg_pcr_event, pcr_index) == 0, "TCG_PCR_EVENT.PCRIndex");
_Static_assert(offsetof(struct tcg_pcr_event, event_type) == 4, "TCG_PCR_EVENT.EventType");
_Static_assert(offsetof(struct tcg_pcr_event, digest) == 8, "TCG_PCR_EVENT.Digest");
_Static_assert(offsetof(struct tcg_pcr_event, event_size) == 28, "TCG_PCR_EVENT.EventSize");
_Static_assert(offsetof(struct tcg_pcr_event, event) == 32, "TCG_PCR_EVENT.Event");
_Static_assert(sizeof(struct tcg_pcr_event) == 32, "TCG_PCR_EVENT header");

/* TCG_EfiSpecIdEventAlgorithmSize: the digest size of one PCR bank. */
struct tcg_spec_id_alg {
	uint16_t algorithm_id; /* TPM_ALG_ID */
	uint16_t digest_size;  /* bytes */
};
_Static_assert(offsetof(struct tcg_spec_id_alg, algorithm_id) == 0, "algorithmId");
_Static_assert(offsetof(struct tcg_spec_id_alg, digest_size) == 2, "digestSize");
_Static_assert(sizeof(struct tcg_spec_id_alg) == 4, "TCG_EfiSpecIdEventAlgorithmSize");

/* The signature with its NUL: exactly the 16 bytes of signature[]. */
#define TCG_SPEC_ID_SIGNATURE "Spec ID Event03"
#define TCG_SPEC_ID_SIGNATURE_SIZE 16u
_Static_assert(sizeof(TCG_SPEC_ID_SIGNATURE) == TCG_SPEC_ID_SIGNATURE_SIZE, "Spec ID signature");

/* TCG_EfiSpecIDEvent, the spec ID event's payload, up to its algorithm list.
 * After the number_of_algorithms entries of digest_sizes[] come a uint8_t
 * vendorInfoSize and that many bytes of vendorInfo. */
struct tcg_spec_id_event {
	uint8_t signature[TCG_SPEC_ID_SIGNATURE_SIZE];
	uint32_t platform_class;
	uint8_t spec_version_minor;
	uint8_t spec_version_major;
	uint8_t spec_errata;
	uint8_t uintn_size; /* 1: UINT32, 2: UINT64 */
	uint32_t number_of_algorithms;
	struct tcg_spec_id_alg digest_sizes[];
};
_Static_assert(offsetof(struct tcg_spec_id_event, signature) == 0, "signature");
_Static_assert(offsetof(struct tcg_spec_id_event, platform_class) == 16, "platformClass");
_Static_assert(offsetof(struct tcg_spec_id_event, spec_version_minor) == 20, "specVersionMinor");
_Static_assert(offsetof(struct tcg_spec_id_event, spec_version_major) == 21, "specVersionMajor");
_Static_assert(offsetof(struct tcg_spec_id_event, spec_errata) == 22, "specErrata");
_Static_assert(offsetof(struct tcg_spec_id_event, uintn_size) == 23, "uintnSize");
_Static_assert(offsetof(struct tcg_spec_id_event, number_of_algorithms) == 24, "numberOfAlgorithms");
_Static_assert(offsetof(struct tcg_spec_id_event, digest_sizes) == 28, "digestSizes");
_Static_assert(sizeof(struct tcg_spec_id_event) == 28, "TCG_EfiSpecIDEvent fixed part");
#define TCG_SPEC_ID_VENDOR_INFO_SIZE_BYTES 1u /* the uint8_t vendorInfoSize */

/* TCG_PCR_EVENT2 up to its digests. Then digest_count TPMT_HA entries (a
 * uint16_t hashAlg and that bank's digest, its size from the spec ID event),
 * a uint32_t event_size and event_size bytes of event. */
struct tcg_pcr_event2_head {
	uint32_t pcr_index;
	uint32_t event_type;
	uint32_t digest_count; /* TPML_DIGEST_VALUES.count */
};
_Static_assert(offsetof(struct tcg_pcr_event2_head, pcr_index) == 0, "TCG_PCR_EVENT2.PCRIndex");
_Static_assert(offsetof(struct tcg_pcr_event2_head, event_type) == 4, "TCG_PCR_EVENT2.EventType");
_Static_assert(offsetof(struct tcg_pcr_event2_head, digest_count) == 8, "TCG_PCR_EVENT2.Digests.count");
_Static_assert(sizeof(struct tcg_pcr_event2_head) == 12, "TCG_PCR_EVENT2 head");
#define TCG_DIGEST_ALG_ID_BYTES sizeof(uint16_t)  /* TPMT_HA.hashAlg */
#define TCG_EVENT_SIZE_BYTES sizeof(uint32_t)     /* TCG_PCR_EVENT2.EventSize */

/* EFI_TCG2_FINAL_EVENTS_TABLE (configuration table EFI_TCG2_FINAL_EVENTS_TABLE_GUID):
 * the TCG_PCR_EVENT2 entries logged since GetEventLog was first called. */
struct efi_tcg2_final_events_table {
	uint64_t version; /* EFI_TCG2_FINAL_EVENTS_TABLE_VERSION */
	uint64_t number_of_events;
	uint8_t events[];
};
_Static_assert(offsetof(struct efi_tcg2_final_events_table, version) == 0, "Version");
_Static_assert(offsetof(struct efi_tcg2_final_events_table, number_of_events) == 8, "NumberOfEvents");
_Static_assert(offsetof(struct efi_tcg2_final_events_table, events) == 16, "Event");
_Static_assert(sizeof(struct efi_tcg2_final_events_table) == 16, "EFI_TCG2_FINAL_EVENTS_TABLE header");
#define EFI_TCG2_FINAL_EVENTS_TABLE_VERSION 1u

/* Linux's table (include/linux/efi.h), as the kernel reads it: not packed, so
 * log[] starts at offset 9 and sizeof is 12; Linux allocates sizeof + size
 * bytes, the last 3 of them zero. */
struct linux_efi_tpm_eventlog {
	uint32_t size;                      /* bytes of log[] */
	uint32_t final_events_preboot_size; /* bytes of the final events table's events at copy time */
	uint8_t version;                    /* EFI_TCG2_EVENT_LOG_FORMAT_* */
	uint8_t log[];
};
_Static_assert(offsetof(struct linux_efi_tpm_eventlog, size) == 0, "linux_efi_tpm_eventlog.size");
_Static_assert(offsetof(struct linux_efi_tpm_eventlog, final_events_preboot_size) == 4,
	       "linux_efi_tpm_eventlog.final_events_preboot_size");
_Static_assert(offsetof(struct linux_efi_tpm_eventlog, version) == 8, "linux_efi_tpm_eventlog.version");
_Static_assert(offsetof(struct linux_efi_tpm_eventlog, log) == 9, "linux_efi_tpm_eventlog.log");
_Static_assert(sizeof(struct linux_efi_tpm_eventlog) == 12, "linux_efi_tpm_eventlog");

#endif
