/* TPM event log sizes, as Linux's EFI stub computes them (firmware/tpm_eventlog.h). */
#include "firmware/tpm_eventlog.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "lib/printf.h"

#define ERR_PREFIX "TPM event log: "

/* An entry being read, with a cursor, and where its messages say it is:
 * "TPM event log: <where> <at> (PCR p, type 0xt): <reason>", the PCR and type
 * once its header is read (the cursor past 0: every entry starts with its
 * header, PCR index and event type first). */
struct ev {
	const uint8_t *p;
	size_t avail; /* bytes readable at p */
	uint64_t off; /* the cursor: bytes of the entry taken so far, its header first */
	uint64_t at;  /* p's offset in the log or table */
	const char *where; /* "event at offset" (in the log), "final events table at offset" */
	struct cl_error *err;
};

static uint16_t read16(const uint8_t *p)
{
	uint16_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t read32(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t read64(const uint8_t *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

/* The PCR index and event type: the first fields of every entry's header. */
static uint32_t pcr_of(const uint8_t *head)
{
	return read32(head + offsetof(struct tcg_pcr_event, pcr_index));
}

static uint32_t type_of(const uint8_t *head)
{
	return read32(head + offsetof(struct tcg_pcr_event, event_type));
}

/* An entry at offset 0 of the log. */
static __attribute__((noinline)) void ev_init(struct ev *e, const uint8_t *p, size_t avail, struct cl_error *err)
{
	*e = (struct ev){ p, avail, 0, 0, "event at offset", err };
}

/* On to the entry delta bytes further (delta <= avail), cursor at its start. */
static __attribute__((noinline)) void ev_skip(struct ev *e, uint64_t delta)
{
	e->p += delta;
	e->avail -= delta;
	e->at += delta;
	e->off = 0;
}

/* Fills e->err (if any) with the entry's place and the reason. */
static void ev_fail(const struct ev *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ev_fail(const struct ev *e, const char *fmt, ...)
{
	struct cl_error *err = e->err;
	if (!err)
		return;
	/* At most 15 + 28 + 1 + 20 + 34 + 2 characters before the reason. */
	size_t n = e->off ? fmt_format(err->msg, sizeof(err->msg), ERR_PREFIX "%s %llu (PCR %u, type 0x%x): ",
					e->where, (unsigned long long)e->at, pcr_of(e->p), type_of(e->p))
			   : fmt_format(err->msg, sizeof(err->msg), ERR_PREFIX "%s %llu: ", e->where,
					(unsigned long long)e->at);
	va_list ap;
	va_start(ap, fmt);
	fmt_vformat(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
}

/* The entry's next len bytes (at the cursor, which moves past them), if they
 * lie inside its first e->avail bytes; else NULL. Written so that nothing can wrap. */
static const uint8_t *take(struct ev *e, uint64_t len, const char *field)
{
	uint64_t off = e->off;
	if (off <= e->avail && len <= e->avail - off) {
		e->off = off + len;
		return e->p + off;
	}
	ev_fail(e, "%s (%llu bytes at +%llu) runs past the %llu bytes available", field, (unsigned long long)len,
		(unsigned long long)off, (unsigned long long)e->avail);
	return NULL;
}

/* The TCG_PCR_EVENT at e, its event inside avail: the cursor at its end. */
static int take_pcr_event(struct ev *e)
{
	if (!take(e, sizeof(struct tcg_pcr_event), "header") ||
	    !take(e, read32(e->p + offsetof(struct tcg_pcr_event, event_size)), "event"))
		return -1;
	return 0;
}

/* A spec ID event's algorithm count, as Linux bounds it (and algs[] holds it). */
static __attribute__((noinline)) int check_alg_count(const struct ev *e, uint32_t n)
{
	if (n >= 1 && n <= TPM_LOG_MAX_ALGS)
		return 0;
	_Static_assert(TPM_LOG_MAX_ALGS == 8, "the message's bound");
	ev_fail(e, "spec ID numberOfAlgorithms %u (need 1 to 8)", n);
	return -1;
}

static int spec_id(struct ev *e, struct tpm_log_digests *out)
{
	memset(out, 0, sizeof(*out));
	if (take_pcr_event(e))
		return -1;
	const uint8_t *h = e->p;
	/* Linux checks the first event is a log header before trusting its algorithm list. */
	const uint8_t *digest = h + offsetof(struct tcg_pcr_event, digest);
	_Static_assert(TCG_SHA1_DIGEST_SIZE == 8 + 8 + 4, "the digest read as three words");
	if (pcr_of(h) != 0 || type_of(h) != TCG_EV_NO_ACTION ||
	    (read64(digest) | read64(digest + 8) | read32(digest + 16)) != 0) {
		ev_fail(e, "not a spec ID event (PCR 0, type 0x3, zero digest)");
		return -1;
	}
	/* The payload, within the event (which lies inside avail). */
	size_t avail = e->avail;
	e->avail = e->off;
	e->off = sizeof(struct tcg_pcr_event);
	const uint8_t *s = take(e, sizeof(struct tcg_spec_id_event), "TCG_EfiSpecIDEvent");
	if (!s)
		return -1;
	if (memcmp(s, TCG_SPEC_ID_SIGNATURE, TCG_SPEC_ID_SIGNATURE_SIZE) != 0) {
		ev_fail(e, "spec ID signature is not \"%s\"", TCG_SPEC_ID_SIGNATURE);
		return -1;
	}
	uint32_t n = read32(s + offsetof(struct tcg_spec_id_event, number_of_algorithms));
	if (check_alg_count(e, n))
		return -1;
	/* Bounded by TPM_LOG_MAX_ALGS just above: no overflow. */
	uint32_t algs_bytes = n * (uint32_t)sizeof(struct tcg_spec_id_alg);
	const uint8_t *algs = take(e, algs_bytes + TCG_SPEC_ID_VENDOR_INFO_SIZE_BYTES, "digestSizes, vendorInfoSize");
	if (!algs || !take(e, algs[algs_bytes], "vendorInfo"))
		return -1;
	memcpy(out->algs, algs, algs_bytes);
	out->count = n;
	out->first_event_size = e->off = e->avail;
	e->avail = avail;
	return 0;
}

int tpm_log_spec_id(const uint8_t *log, size_t avail, struct tpm_log_digests *out, struct cl_error *err)
{
	struct ev e;
	ev_init(&e, log, avail, err);
	return spec_id(&e, out);
}

/* The first entry of the spec ID list with that algorithm (Linux takes the first too), or NULL. */
static const struct tcg_spec_id_alg *find_alg(const struct tpm_log_digests *d, uint16_t alg_id)
{
	for (uint32_t i = 0; i < d->count && i < TPM_LOG_MAX_ALGS; i++)
		if (d->algs[i].algorithm_id == alg_id)
			return &d->algs[i];
	return NULL;
}

/* The TCG_PCR_EVENT2 at e: the cursor at its end. */
static int take_event2(struct ev *e, const struct tpm_log_digests *d)
{
	if (check_alg_count(e, d->count))
		return -1;
	if (!take(e, sizeof(struct tcg_pcr_event2_head), "header"))
		return -1;
	const uint8_t *h = e->p;
	/* Linux: "count != num_algs" makes the event malformed, more or fewer alike. */
	uint32_t count = read32(h + offsetof(struct tcg_pcr_event2_head, digest_count));
	if (count != d->count) {
		ev_fail(e, "digests.count %u is not numberOfAlgorithms %u", count, d->count);
		return -1;
	}
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *a = take(e, TCG_DIGEST_ALG_ID_BYTES, "hashAlg");
		if (!a)
			return -1;
		const struct tcg_spec_id_alg *alg = find_alg(d, read16(a));
		if (!alg) {
			ev_fail(e, "digest %u hashAlg 0x%x is not in digestSizes", i, read16(a));
			return -1;
		}
		if (!take(e, alg->digest_size, "digest"))
			return -1;
	}
	const uint8_t *s = take(e, TCG_EVENT_SIZE_BYTES, "event_size");
	if (!s)
		return -1;
	uint32_t event_size = read32(s);
	if (type_of(h) == TCG_EV_PREBOOT_CERT && event_size == 0) {
		ev_fail(e, "type 0 with event_size 0 (Linux: end of log)");
		return -1;
	}
	return take(e, event_size, "event") ? 0 : -1;
}

int tpm_log_event2_size(const uint8_t *ev, size_t avail, const struct tpm_log_digests *d, uint64_t *size,
			struct cl_error *err)
{
	struct ev e;
	ev_init(&e, ev, avail, err);
	int rc = take_event2(&e, d);
	*size = rc ? 0 : e.off;
	return rc;
}

/* The entry at e ends at the cursor, inside avail (checked again: nothing
 * wraps); on to the next one. */
static int next(struct ev *e)
{
	uint64_t bytes = e->off;
	e->off = 0;
	if (!take(e, bytes, "entry"))
		return -1;
	ev_skip(e, bytes);
	return 0;
}

/* A size for a u32 field of Linux's table. */
static int fit32(uint64_t bytes, const char *field, uint64_t *size, struct cl_error *err)
{
	if (bytes > UINT32_MAX) {
		cl_fail(err, ERR_PREFIX "%llu bytes do not fit the 32-bit %s", (unsigned long long)bytes, field);
		return -1;
	}
	*size = bytes;
	return 0;
}

int tpm_log_size(uint32_t format, const uint8_t *first, uint64_t first_addr, uint64_t last_addr, size_t avail,
		 uint64_t *size, struct cl_error *err)
{
	*size = 0;
	if (format != EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2 && format != EFI_TCG2_EVENT_LOG_FORMAT_TCG_2) {
		cl_fail(err, ERR_PREFIX "format %u is not 1 (TCG 1.2) or 2 (TCG 2)", format);
		return -1;
	}
	if (last_addr == 0)
		return 0;
	uint64_t offset = last_addr - first_addr;
	if (last_addr < first_addr || offset >= avail) {
		cl_fail(err, ERR_PREFIX "last entry 0x%llx is outside the %llu bytes at 0x%llx",
			(unsigned long long)last_addr, (unsigned long long)avail, (unsigned long long)first_addr);
		return -1;
	}
	struct ev e;
	ev_init(&e, first, avail, err);
	if (format == EFI_TCG2_EVENT_LOG_FORMAT_TCG_2) {
		/* The spec ID event itself at offset 0, else a TCG_PCR_EVENT2 past it. */
		struct tpm_log_digests d;
		if (spec_id(&e, &d))
			return -1;
		if (offset) {
			ev_skip(&e, offset);
			if (offset < d.first_event_size) {
				ev_fail(&e, "inside the %llu-byte spec ID event",
					(unsigned long long)d.first_event_size);
				return -1;
			}
			if (take_event2(&e, &d))
				return -1;
		}
	} else {
		ev_skip(&e, offset);
		if (take_pcr_event(&e))
			return -1;
	}
	if (next(&e))
		return -1;
	return fit32(e.at, "linux_efi_tpm_eventlog.size", size, err);
}

int tpm_final_events_preboot_size(const uint8_t *table, size_t avail, const struct tpm_log_digests *d,
				  uint64_t *size, struct cl_error *err)
{
	struct ev e;
	*size = 0;
	ev_init(&e, table, avail, err);
	e.where = "final events table at offset";
	const uint8_t *t = take(&e, sizeof(struct efi_tcg2_final_events_table), "header");
	if (!t || next(&e))
		return -1;
	/* Each event takes at least its head, so the loop ends with avail even for a lying count. */
	uint64_t count = read64(t + offsetof(struct efi_tcg2_final_events_table, number_of_events));
	for (uint64_t i = 0; i < count; i++)
		if (take_event2(&e, d) || next(&e))
			return -1;
	return fit32(e.at - sizeof(struct efi_tcg2_final_events_table), "final_events_preboot_size", size, err);
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
	t->size = log_size;
	t->final_events_preboot_size = final_preboot;
	t->version = (uint8_t)version;
	if (log_size)
		memcpy(t->log, log, log_size);
	/* The struct's tail padding, past the log: every byte of the table is written. */
	__builtin_memset(t->log + log_size, 0, sizeof(*t) - offsetof(struct linux_efi_tpm_eventlog, log));
}
