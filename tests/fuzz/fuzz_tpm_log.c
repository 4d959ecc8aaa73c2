/* libFuzzer harness: the TPM event log sizes (firmware/tpm_eventlog.c) over
 * random logs and final events tables, against a reference written here.
 *
 * Input:
 *   u8  flags      bit 0: the 1.2 format (else crypto agile); bit 1: EventLogLastEntry 0 (empty log)
 *   u16 last       the last entry's offset in the log
 *   u16 log_len    bytes of log that follow (capped by what the input holds)
 *   log_len bytes  the log (read at LOG_ADDR)
 *   the rest       the EFI_TCG2_FINAL_EVENTS_TABLE
 * Each part is copied into a buffer of exactly its size, so ASan sees any read
 * past `avail`. Checked: each function succeeds exactly when the reference
 * does, with the reference's size; every message starts "TPM event log: ";
 * Linux's table is the header and the log, byte for byte. */
#include <string.h>

#include "fuzz_common.h"
#include "firmware/tpm_eventlog.h"

#define LOG_ADDR 0x7e5f6000ull
#define FLAG_TCG_1_2 1u
#define FLAG_EMPTY 2u

static uint32_t le(const uint8_t *p, unsigned bytes)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* The spec ID event as the PFP spells it out; 0 when it is not one. */
struct ref_spec {
	uint32_t count;
	uint16_t alg[TPM_LOG_MAX_ALGS];
	uint16_t size[TPM_LOG_MAX_ALGS];
	uint64_t bytes;
};

static bool ref_spec_id(const uint8_t *p, size_t n, struct ref_spec *s)
{
	memset(s, 0, sizeof(*s));
	if (n < 32 || le(p, 4) != 0 || le(p + 4, 4) != 3)
		return false;
	for (int i = 8; i < 28; i++)
		if (p[i])
			return false;
	uint64_t ev_size = le(p + 28, 4);
	if (ev_size > n - 32 || ev_size < 28 || memcmp(p + 32, "Spec ID Event03", 16) != 0)
		return false;
	const uint8_t *e = p + 32;
	uint32_t count = le(e + 24, 4);
	if (count < 1 || count > 8 || 28 + 4 * (uint64_t)count + 1 > ev_size)
		return false;
	if (28 + 4 * (uint64_t)count + 1 + e[28 + 4 * count] > ev_size)
		return false;
	for (uint32_t i = 0; i < count; i++) {
		s->alg[i] = (uint16_t)le(e + 28 + 4 * i, 2);
		s->size[i] = (uint16_t)le(e + 30 + 4 * i, 2);
	}
	s->count = count;
	s->bytes = 32 + ev_size;
	return true;
}

/* The size of a TCG_PCR_EVENT2 as Linux's __calc_tpm2_event_size measures it,
 * plus the bounds; 0 when it is refused. */
static uint64_t ref_event2(const uint8_t *p, size_t n, const struct ref_spec *s)
{
	if (n < 12 || le(p + 8, 4) != s->count)
		return 0;
	uint64_t at = 12;
	for (uint32_t i = 0; i < s->count; i++) {
		if (n - at < 2)
			return 0;
		uint16_t alg = (uint16_t)le(p + at, 2);
		at += 2;
		uint32_t j = 0;
		while (j < s->count && s->alg[j] != alg)
			j++;
		if (j == s->count || n - at < s->size[j])
			return 0;
		at += s->size[j];
	}
	if (n - at < 4)
		return 0;
	uint32_t ev_size = le(p + at, 4);
	at += 4;
	if ((le(p + 4, 4) == 0 && ev_size == 0) || n - at < ev_size)
		return 0;
	return at + ev_size;
}

/* The log's size by the reference; false when refused. */
static bool ref_log_size(bool tcg12, bool empty, uint16_t last, const uint8_t *log, size_t n, uint64_t *size)
{
	*size = 0;
	if (empty)
		return true;
	if (last >= n)
		return false;
	uint64_t entry;
	if (tcg12) {
		if (n - last < 32 || le(log + last + 28, 4) > n - last - 32)
			return false;
		entry = 32 + (uint64_t)le(log + last + 28, 4);
	} else {
		struct ref_spec s;
		if (!ref_spec_id(log, n, &s) || (last && last < s.bytes))
			return false;
		entry = last ? ref_event2(log + last, n - last, &s) : s.bytes;
		if (!entry)
			return false;
	}
	*size = last + entry;
	return true;
}

static void check_prefix(const struct cl_error *err)
{
	FUZZ_CHECK(strncmp(err->msg, "TPM event log: ", 15) == 0, "error without the prefix: '%s'", err->msg);
}

static void check_spec_and_events(const uint8_t *log, size_t n, const struct tpm_log_digests *d, bool ok,
				  const struct cl_error *err)
{
	struct ref_spec s;
	bool ref = ref_spec_id(log, n, &s);
	FUZZ_CHECK(ok == ref, "spec ID: loader %d, reference %d (%s)", ok, ref, ok ? "" : err->msg);
	if (!ok) {
		check_prefix(err);
		return;
	}
	FUZZ_CHECK(d->count == s.count && d->first_event_size == s.bytes, "spec ID count %u/%u, size %llu/%llu",
		   d->count, s.count, (unsigned long long)d->first_event_size, (unsigned long long)s.bytes);
	for (uint32_t i = 0; i < s.count; i++)
		FUZZ_CHECK(d->algs[i].algorithm_id == s.alg[i] && d->algs[i].digest_size == s.size[i], "bank %u", i);
	/* Walk the events after it, each against the reference. */
	for (uint64_t off = s.bytes; off < n;) {
		struct cl_error e;
		uint64_t size = 1;
		int rc = tpm_log_event2_size(log + off, n - off, d, &size, &e);
		uint64_t want = ref_event2(log + off, n - off, &s);
		FUZZ_CHECK((rc == 0) == (want != 0), "event at %llu: loader %d, reference %llu (%s)",
			   (unsigned long long)off, rc, (unsigned long long)want, rc ? e.msg : "");
		if (rc) {
			check_prefix(&e);
			FUZZ_CHECK(size == 0, "size %llu on failure", (unsigned long long)size);
			break;
		}
		FUZZ_CHECK(size == want && size <= n - off, "event at %llu: %llu bytes, reference %llu",
			   (unsigned long long)off, (unsigned long long)size, (unsigned long long)want);
		off += size;
	}
}

static void check_final_table(const uint8_t *t, size_t n, const struct tpm_log_digests *d)
{
	struct ref_spec s = { d->count, { 0 }, { 0 }, 0 };
	for (uint32_t i = 0; i < d->count; i++) {
		s.alg[i] = d->algs[i].algorithm_id;
		s.size[i] = d->algs[i].digest_size;
	}
	bool ref = n >= 16;
	uint64_t off = 16, count = ref ? (uint64_t)le(t + 8, 4) | (uint64_t)le(t + 12, 4) << 32 : 0;
	for (uint64_t i = 0; ref && i < count; i++) {
		uint64_t size = ref_event2(t + off, n - off, &s);
		ref = size != 0;
		off += size;
	}
	struct cl_error err;
	uint64_t size = 1;
	int rc = tpm_final_events_preboot_size(t, n, d, &size, &err);
	FUZZ_CHECK((rc == 0) == ref, "final events: loader %d, reference %d (%s)", rc, ref, rc ? err.msg : "");
	if (rc)
		check_prefix(&err);
	else
		FUZZ_CHECK(size == off - 16, "final events: %llu bytes, reference %llu", (unsigned long long)size,
			   (unsigned long long)(off - 16));
}

static void check_linux_table(uint32_t format, const uint8_t *log, uint64_t size)
{
	uint64_t table_size = tpm_eventlog_table_size(size);
	FUZZ_CHECK(table_size == 12 + size, "table size %llu for %llu", (unsigned long long)table_size,
		   (unsigned long long)size);
	uint8_t *t = malloc(table_size); /* exact size: ASan sees any write past it */
	if (!t)
		return;
	tpm_eventlog_table_fill((struct linux_efi_tpm_eventlog *)t, format, log, (uint32_t)size, 7);
	FUZZ_CHECK(le(t, 4) == size && le(t + 4, 4) == 7 && t[8] == format, "table header");
	FUZZ_CHECK(size == 0 || memcmp(t + 9, log, size) == 0, "table log bytes");
	FUZZ_CHECK(t[9 + size] == 0 && t[10 + size] == 0 && t[11 + size] == 0, "table padding");
	free(t);
}

static uint8_t *exact_copy(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	if (c && n)
		memcpy(c, p, n);
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	unsigned flags = (unsigned)take(&r, 1);
	uint16_t last = (uint16_t)take(&r, 2);
	size_t log_len = (size_t)take(&r, 2);
	if (log_len > r.n)
		log_len = r.n;
	uint8_t *log = exact_copy(r.p, log_len);
	uint8_t *table = exact_copy(r.p + log_len, r.n - log_len);
	if (!log || !table) {
		free(log);
		free(table);
		return 0;
	}
	size_t table_len = r.n - log_len;
	bool tcg12 = flags & FLAG_TCG_1_2, empty = flags & FLAG_EMPTY;
	uint32_t format = tcg12 ? EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2 : EFI_TCG2_EVENT_LOG_FORMAT_TCG_2;

	struct tpm_log_digests d;
	struct cl_error err;
	bool spec_ok = tpm_log_spec_id(log, log_len, &d, &err) == 0;
	check_spec_and_events(log, log_len, &d, spec_ok, &err);
	if (spec_ok)
		check_final_table(table, table_len, &d);

	uint64_t log_size = 1, want;
	int rc = tpm_log_size(format, log, LOG_ADDR, empty ? 0 : LOG_ADDR + last, log_len, &log_size, &err);
	bool ref = ref_log_size(tcg12, empty, last, log, log_len, &want);
	FUZZ_TRACE("format %u last %u log %zu table %zu: rc %d size %llu\n", format, last, log_len, table_len, rc,
		   (unsigned long long)log_size);
	FUZZ_CHECK((rc == 0) == ref, "log size: loader %d, reference %d (%s)", rc, ref, rc ? err.msg : "");
	if (rc) {
		check_prefix(&err);
		FUZZ_CHECK(log_size == 0, "size %llu on failure", (unsigned long long)log_size);
	} else {
		FUZZ_CHECK(log_size == want && log_size <= log_len, "log size %llu, reference %llu, %zu bytes",
			   (unsigned long long)log_size, (unsigned long long)want, log_len);
		check_linux_table(format, log, log_size);
	}
	free(log);
	free(table);
	return 0;
}
