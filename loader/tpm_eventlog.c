/* TPM event log sizes, as Linux's EFI stub computes them (include/tpm_eventlog.h). */
#include "tpm_eventlog.h"

#include <stdbool.h>
#include <string.h>

const uint8_t LINUX_EFI_TPM_EVENT_TABLE_GUID[EFI_GUID_SIZE] = { 0xb0, 0x9c, 0x79, 0xb7, 0xa2, 0xec, 0x43, 0x49,
								 0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa };
const uint8_t EFI_TCG2_FINAL_EVENTS_TABLE_GUID[EFI_GUID_SIZE] = { 0x96, 0xd0, 0x2e, 0x1e, 0xe2, 0x30, 0x54, 0x42,
								   0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25 };
const uint8_t EFI_TCG2_PROTOCOL_GUID[EFI_GUID_SIZE] = { 0x6c, 0x76, 0x7f, 0x60, 0x55, 0x74, 0xbe, 0x42,
							 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f };

#define ERR_PREFIX "TPM event log: "

/* [off, off + len) lies inside [0, avail). Written so that nothing can wrap. */
static bool fits(size_t avail, uint64_t off, uint64_t len)
{
	return off <= avail && len <= avail - off;
}

static uint16_t read16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t read32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The TCG_PCR_EVENT header at p, its event inside avail. */
static int read_pcr_event(const uint8_t *p, size_t avail, struct tcg_pcr_event *h, struct cl_error *err)
{
	memset(h, 0, sizeof(*h));
	if (avail < sizeof(*h))
		return cl_fail(err, ERR_PREFIX "TCG_PCR_EVENT of %llu bytes ends inside its %u-byte header",
			       (unsigned long long)avail, (unsigned)sizeof(*h));
	memcpy(h, p, sizeof(*h));
	if (h->event_size > avail - sizeof(*h))
		return cl_fail(err, ERR_PREFIX "TCG_PCR_EVENT (PCR %u, type 0x%x) event_size %u runs past the %llu bytes available",
			       h->pcr_index, h->event_type, h->event_size, (unsigned long long)(avail - sizeof(*h)));
	return 0;
}

/* Linux checks the first event is a log header before trusting its algorithm list. */
static int check_spec_id_header(const struct tcg_pcr_event *h, struct cl_error *err)
{
	if (h->pcr_index != 0 || h->event_type != TCG_EV_NO_ACTION)
		return cl_fail(err, ERR_PREFIX "first event has PCR %u, type 0x%x (a spec ID event has PCR 0, type EV_NO_ACTION 0x%x)",
			       h->pcr_index, h->event_type, TCG_EV_NO_ACTION);
	if (!all_zero(h->digest, sizeof(h->digest)))
		return cl_fail(err, ERR_PREFIX "first event's SHA-1 digest is not zero (not a spec ID event)");
	return 0;
}

/* The algorithm list and vendor info of the spec ID payload (event_size bytes at ev). */
static int parse_spec_id_payload(const uint8_t *ev, uint32_t event_size, struct tpm_log_digests *out,
				 struct cl_error *err)
{
	struct tcg_spec_id_event s;
	if (event_size < sizeof(s))
		return cl_fail(err, ERR_PREFIX "spec ID event_size %u is below the %u bytes of its fixed fields",
			       event_size, (unsigned)sizeof(s));
	memcpy(&s, ev, sizeof(s));
	if (memcmp(s.signature, TCG_SPEC_ID_SIGNATURE, TCG_SPEC_ID_SIGNATURE_SIZE) != 0)
		return cl_fail(err, ERR_PREFIX "spec ID signature is not \"%s\" (not a crypto-agile log)",
			       TCG_SPEC_ID_SIGNATURE);
	if (s.number_of_algorithms == 0 || s.number_of_algorithms > TPM_LOG_MAX_ALGS)
		return cl_fail(err, ERR_PREFIX "spec ID numberOfAlgorithms %u (need 1 to %u)", s.number_of_algorithms,
			       TPM_LOG_MAX_ALGS);
	/* Bounded by TPM_LOG_MAX_ALGS just above: no overflow. */
	uint32_t algs_bytes = s.number_of_algorithms * (uint32_t)sizeof(struct tcg_spec_id_alg);
	uint32_t vendor_size_at = (uint32_t)sizeof(s) + algs_bytes;
	if (!fits(event_size, vendor_size_at, TCG_SPEC_ID_VENDOR_INFO_SIZE_BYTES))
		return cl_fail(err, ERR_PREFIX "spec ID event_size %u ends inside its %u algorithms and vendorInfoSize (%u bytes)",
			       event_size, s.number_of_algorithms, vendor_size_at + TCG_SPEC_ID_VENDOR_INFO_SIZE_BYTES);
	uint8_t vendor_size = ev[vendor_size_at];
	if (!fits(event_size, vendor_size_at + TCG_SPEC_ID_VENDOR_INFO_SIZE_BYTES, vendor_size))
		return cl_fail(err, ERR_PREFIX "spec ID vendorInfoSize %u runs past event_size %u", vendor_size,
			       event_size);
	memcpy(out->algs, ev + sizeof(s), algs_bytes);
	out->count = s.number_of_algorithms;
	return 0;
}

int tpm_log_spec_id(const uint8_t *log, size_t avail, struct tpm_log_digests *out, struct cl_error *err)
{
	struct tcg_pcr_event h;
	memset(out, 0, sizeof(*out));
	if (read_pcr_event(log, avail, &h, err) || check_spec_id_header(&h, err) ||
	    parse_spec_id_payload(log + sizeof(h), h.event_size, out, err))
		return -1;
	out->first_event_size = sizeof(h) + (uint64_t)h.event_size;
	return 0;
}

/* The first entry of the spec ID list with that algorithm (Linux takes the first too), or NULL. */
static const struct tcg_spec_id_alg *find_alg(const struct tpm_log_digests *d, uint16_t alg_id)
{
	for (uint32_t i = 0; i < d->count && i < TPM_LOG_MAX_ALGS; i++)
		if (d->algs[i].algorithm_id == alg_id)
			return &d->algs[i];
	return NULL;
}

/* Past the digests of the event at ev: *off moves from the head's end to the event_size field. */
static int skip_digests(const uint8_t *ev, size_t avail, const struct tcg_pcr_event2_head *h,
			const struct tpm_log_digests *d, uint64_t *off, struct cl_error *err)
{
	for (uint32_t i = 0; i < h->digest_count; i++) {
		if (!fits(avail, *off, TCG_DIGEST_ALG_ID_BYTES))
			return cl_fail(err, ERR_PREFIX "event (PCR %u, type 0x%x) ends inside digest %u's algorithm ID (%llu bytes available)",
				       h->pcr_index, h->event_type, i, (unsigned long long)avail);
		uint16_t alg_id = read16(ev + *off);
		*off += TCG_DIGEST_ALG_ID_BYTES;
		const struct tcg_spec_id_alg *alg = find_alg(d, alg_id);
		if (!alg)
			return cl_fail(err, ERR_PREFIX "event (PCR %u, type 0x%x) digest %u has algorithm 0x%x, not in the spec ID event",
				       h->pcr_index, h->event_type, i, alg_id);
		if (!fits(avail, *off, alg->digest_size))
			return cl_fail(err, ERR_PREFIX "event (PCR %u, type 0x%x) digest %u (algorithm 0x%x, %u bytes) runs past the %llu bytes available",
				       h->pcr_index, h->event_type, i, alg_id, alg->digest_size, (unsigned long long)avail);
		*off += alg->digest_size;
	}
	return 0;
}

int tpm_log_event2_size(const uint8_t *ev, size_t avail, const struct tpm_log_digests *d, uint64_t *size,
			struct cl_error *err)
{
	struct tcg_pcr_event2_head h;
	*size = 0;
	if (d->count == 0 || d->count > TPM_LOG_MAX_ALGS)
		return cl_fail(err, ERR_PREFIX "%u spec ID algorithms (need 1 to %u)", d->count, TPM_LOG_MAX_ALGS);
	if (avail < sizeof(h))
		return cl_fail(err, ERR_PREFIX "event of %llu bytes ends inside its %u-byte header",
			       (unsigned long long)avail, (unsigned)sizeof(h));
	memcpy(&h, ev, sizeof(h));
	/* Linux: "count != num_algs" makes the event malformed, more or fewer alike. */
	if (h.digest_count != d->count)
		return cl_fail(err, ERR_PREFIX "event (PCR %u, type 0x%x) has %u digests, the spec ID event lists %u algorithms",
			       h.pcr_index, h.event_type, h.digest_count, d->count);
	uint64_t off = sizeof(h);
	if (skip_digests(ev, avail, &h, d, &off, err))
		return -1;
	if (!fits(avail, off, TCG_EVENT_SIZE_BYTES))
		return cl_fail(err, ERR_PREFIX "event (PCR %u, type 0x%x) ends inside its event_size field (%llu bytes available)",
			       h.pcr_index, h.event_type, (unsigned long long)avail);
	uint32_t event_size = read32(ev + off);
	off += TCG_EVENT_SIZE_BYTES;
	if (h.event_type == TCG_EV_PREBOOT_CERT && event_size == 0)
		return cl_fail(err, ERR_PREFIX "event (PCR %u) has type 0 and event_size 0 (Linux takes it for the end of the log)",
			       h.pcr_index);
	if (!fits(avail, off, event_size))
		return cl_fail(err, ERR_PREFIX "event (PCR %u, type 0x%x) event_size %u runs past the %llu bytes available",
			       h.pcr_index, h.event_type, event_size, (unsigned long long)(avail - off));
	*size = off + event_size;
	return 0;
}

/* A lower error with where it happened in front (err may be NULL). */
static int fail_in(struct cl_error *err, const struct cl_error *inner, const char *where, uint64_t at)
{
	const char *detail = inner->msg;
	size_t prefix = sizeof(ERR_PREFIX) - 1;
	if (strlen(detail) >= prefix && memcmp(detail, ERR_PREFIX, prefix) == 0)
		detail += prefix;
	return cl_fail(err, ERR_PREFIX "%s %llu: %s", where, (unsigned long long)at, detail);
}

/* The last entry's size in a crypto-agile log: the spec ID event itself at
 * offset 0, else a TCG_PCR_EVENT2 past it. */
static int last_event2_size(const uint8_t *first, uint64_t offset, size_t avail, uint64_t *size, struct cl_error *err)
{
	struct tpm_log_digests d;
	if (tpm_log_spec_id(first, avail, &d, err))
		return -1;
	if (offset == 0) {
		*size = d.first_event_size;
		return 0;
	}
	if (offset < d.first_event_size)
		return cl_fail(err, ERR_PREFIX "last entry at offset %llu lies inside the %llu-byte spec ID event",
			       (unsigned long long)offset, (unsigned long long)d.first_event_size);
	struct cl_error inner;
	inner.msg[0] = '\0';
	if (tpm_log_event2_size(first + offset, avail - offset, &d, size, &inner))
		return fail_in(err, &inner, "last entry at offset", offset);
	return 0;
}

/* The last entry's size in a 1.2 log. */
static int last_event1_size(const uint8_t *first, uint64_t offset, size_t avail, uint64_t *size, struct cl_error *err)
{
	struct tcg_pcr_event h;
	struct cl_error inner;
	inner.msg[0] = '\0';
	if (read_pcr_event(first + offset, avail - offset, &h, &inner))
		return fail_in(err, &inner, "last entry at offset", offset);
	*size = sizeof(h) + (uint64_t)h.event_size;
	return 0;
}

int tpm_log_size(uint32_t format, const uint8_t *first, uint64_t first_addr, uint64_t last_addr, size_t avail,
		 uint64_t *size, struct cl_error *err)
{
	*size = 0;
	if (format != EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2 && format != EFI_TCG2_EVENT_LOG_FORMAT_TCG_2)
		return cl_fail(err, ERR_PREFIX "format %u is neither TCG 1.2 (%u) nor TCG 2 (%u)", format,
			       EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2, EFI_TCG2_EVENT_LOG_FORMAT_TCG_2);
	if (last_addr == 0)
		return 0;
	if (last_addr < first_addr)
		return cl_fail(err, ERR_PREFIX "last entry at 0x%llx lies below the log's start 0x%llx",
			       (unsigned long long)last_addr, (unsigned long long)first_addr);
	uint64_t offset = last_addr - first_addr;
	if (offset >= avail)
		return cl_fail(err, ERR_PREFIX "last entry at 0x%llx is %llu bytes into the log, past the %llu bytes available",
			       (unsigned long long)last_addr, (unsigned long long)offset, (unsigned long long)avail);
	uint64_t last_size = 0, total;
	int rc = format == EFI_TCG2_EVENT_LOG_FORMAT_TCG_2 ? last_event2_size(first, offset, avail, &last_size, err)
							  : last_event1_size(first, offset, avail, &last_size, err);
	if (rc)
		return -1;
	if (__builtin_add_overflow(offset, last_size, &total) || total > avail)
		return cl_fail(err, ERR_PREFIX "last entry at offset %llu of %llu bytes runs past the %llu bytes available",
			       (unsigned long long)offset, (unsigned long long)last_size, (unsigned long long)avail);
	if (total > UINT32_MAX)
		return cl_fail(err, ERR_PREFIX "%llu bytes do not fit linux_efi_tpm_eventlog.size (32 bits)",
			       (unsigned long long)total);
	*size = total;
	return 0;
}

int tpm_final_events_preboot_size(const uint8_t *table, size_t avail, const struct tpm_log_digests *d,
				  uint64_t *size, struct cl_error *err)
{
	struct efi_tcg2_final_events_table t;
	*size = 0;
	if (avail < sizeof(t))
		return cl_fail(err, ERR_PREFIX "final events table of %llu bytes ends inside its %u-byte header",
			       (unsigned long long)avail, (unsigned)sizeof(t));
	memcpy(&t, table, sizeof(t));
	/* Each event takes at least its head, so the loop ends with avail even for a lying count. */
	uint64_t off = sizeof(t);
	for (uint64_t i = 0; i < t.number_of_events; i++) {
		struct cl_error inner;
		inner.msg[0] = '\0';
		uint64_t event_size, next;
		if (tpm_log_event2_size(table + off, avail - off, d, &event_size, &inner))
			return fail_in(err, &inner, "final events table, event", i);
		if (__builtin_add_overflow(off, event_size, &next) || next > avail)
			return cl_fail(err, ERR_PREFIX "final events table, event %llu runs past %llu bytes",
				       (unsigned long long)i, (unsigned long long)avail);
		off = next;
	}
	uint64_t bytes = off - sizeof(t);
	if (bytes > UINT32_MAX)
		return cl_fail(err, ERR_PREFIX "final events of %llu bytes do not fit final_events_preboot_size (32 bits)",
			       (unsigned long long)bytes);
	*size = bytes;
	return 0;
}

uint64_t tpm_eventlog_table_size(uint64_t log_size)
{
	if (log_size > UINT32_MAX)
		return UINT64_MAX;
	return sizeof(struct linux_efi_tpm_eventlog) + log_size;
}

void tpm_eventlog_table_fill(struct linux_efi_tpm_eventlog *t, uint32_t version, const uint8_t *log,
			     uint32_t log_size, uint32_t final_preboot)
{
	/* Through a byte pointer: the table is larger than the struct (its log). */
	memset((uint8_t *)t, 0, (size_t)tpm_eventlog_table_size(log_size));
	t->size = log_size;
	t->final_events_preboot_size = final_preboot;
	t->version = (uint8_t)version;
	if (log_size)
		memcpy(t->log, log, log_size);
}
