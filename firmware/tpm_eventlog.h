/* The TPM event log the firmware keeps (EFI_TCG2_PROTOCOL.GetEventLog), sized
 * and wrapped the way Linux's EFI stub hands it to the kernel
 * (drivers/firmware/efi/libstub/tpm.c): a LINUX_EFI_TPM_EVENT_TABLE_GUID
 * configuration table holding struct linux_efi_tpm_eventlog.
 *
 * Formats: TCG PC Client Platform Firmware Profile (PFP), "crypto agile"
 * (EFI_TCG2_EVENT_LOG_FORMAT_TCG_2: a SHA-1 style spec ID event, then
 * TCG_PCR_EVENT2 entries with one digest per PCR bank) and the old SHA-1 only
 * one (EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2: TCG_PCR_EVENT entries). All fields
 * are little-endian and the entries are packed: nothing in a log is aligned,
 * so every field is read with memcpy. Every function reads only [p, p + avail)
 * and fails, with a message starting "TPM event log: ", on anything that does
 * not fit or that Linux's __calc_tpm2_event_size (include/linux/tpm_eventlog.h)
 * refuses. */
#ifndef CHAINLOADER_TPM_EVENTLOG_H
#define CHAINLOADER_TPM_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "abi/tpm_log.h"
#include "error.h"

/* PCR banks a log may list: firmware today has at most five (SHA-1, SHA-256,
 * SHA-384, SHA-512, SM3-256). */
#define TPM_LOG_MAX_ALGS 8u

/* What the spec ID event says, which the size of every later entry needs. */
struct tpm_log_digests {
	uint32_t count; /* 1 .. TPM_LOG_MAX_ALGS */
	struct tcg_spec_id_alg algs[TPM_LOG_MAX_ALGS];
	uint64_t first_event_size; /* bytes of the spec ID event, header included */
};

/* Parses the spec ID event at the start of a crypto-agile log (avail bytes
 * readable at log). */
int tpm_log_spec_id(const uint8_t *log, size_t avail, struct tpm_log_digests *out, struct cl_error *err);

/* The size in bytes of the TCG_PCR_EVENT2 at ev (avail bytes readable): its
 * digest count must equal the spec ID event's algorithm count and each
 * digest's algorithm be one it lists (as Linux requires); type 0 with an
 * empty event is refused (Linux's end-of-log marker). */
int tpm_log_event2_size(const uint8_t *ev, size_t avail, const struct tpm_log_digests *d, uint64_t *size,
			struct cl_error *err);

/* The log's size from GetEventLog's EventLogLocation (first, first_addr) and
 * EventLogLastEntry (last_addr), avail bytes being readable at first: 0 when
 * last_addr is 0 (empty log; Linux installs its table all the same), else
 * last_addr - first_addr + the last entry's size (TCG_2: a TCG_PCR_EVENT2, or
 * the spec ID event itself when last_addr == first_addr; TCG_1_2: a
 * TCG_PCR_EVENT). The whole log must lie within avail and fit the u32
 * linux_efi_tpm_eventlog.size. */
int tpm_log_size(uint32_t format, const uint8_t *first, uint64_t first_addr, uint64_t last_addr, size_t avail,
		 uint64_t *size, struct cl_error *err);

/* The bytes taken by the final events table's number_of_events entries
 * (avail bytes readable at table; d from the main log's spec ID event):
 * Linux's final_events_preboot_size, 0 for an empty table. Only for a TCG_2
 * log: with TCG_1_2 Linux does not read the table and stores 0. */
int tpm_final_events_preboot_size(const uint8_t *table, size_t avail, const struct tpm_log_digests *d,
				  uint64_t *size, struct cl_error *err);

/* Bytes to allocate for Linux's table holding a log of log_size bytes
 * (sizeof(struct linux_efi_tpm_eventlog) + log_size, as Linux allocates it);
 * UINT64_MAX, which no allocation satisfies, when log_size exceeds the u32 size
 * field (tpm_log_size never returns such a size). */
uint64_t tpm_eventlog_table_size(uint64_t log_size);

/* Builds Linux's table in t (tpm_eventlog_table_size(log_size) bytes), every
 * byte of it written: the fields, a copy of the log and the struct's 3 bytes
 * of tail padding after it, zeroed. */
void tpm_eventlog_table_fill(struct linux_efi_tpm_eventlog *t, uint32_t version, const uint8_t *log,
			     uint32_t log_size, uint32_t final_preboot);

#endif
