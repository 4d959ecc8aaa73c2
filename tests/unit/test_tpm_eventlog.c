#include "cmocka_all.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "abi/efi.h"
#include "builders.h"
#include "firmware/tpm_eventlog.h"

/* PFP event types the test logs use */
#define EV_SEPARATOR 0x4u
#define EV_S_CRTM_VERSION 0x8u
#define EV_EFI_VARIABLE_DRIVER_CONFIG 0x80000001u
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u
#define EV_EFI_ACTION 0x80000007u
#define EV_EFI_PLATFORM_FIRMWARE_BLOB 0x80000008u

#define LOG_CAP 8192
/* Where the firmware's log lies (any address: the parser reads through a pointer). */
#define LOG_ADDR 0x7e5f6000ull

/* A log being built, entry by entry; start[] records where each entry begins. */
struct log {
	uint8_t b[LOG_CAP];
	size_t len;
	size_t start[32];
	size_t entries;
};

static void emit(struct log *l, const void *p, size_t n)
{
	assert_true(l->len + n <= LOG_CAP);
	memcpy(l->b + l->len, p, n);
	l->len += n;
}

static void emit16(struct log *l, uint16_t v) { put16(l->b + l->len, v); l->len += 2; }
static void emit32(struct log *l, uint32_t v) { put32(l->b + l->len, v); l->len += 4; }

static void begin_entry(struct log *l)
{
	assert_true(l->entries < 32);
	l->start[l->entries++] = l->len;
}

static const struct tcg_spec_id_alg banks3[] = { { TPM_ALG_SHA1, 20 }, { TPM_ALG_SHA256, 32 }, { TPM_ALG_SHA384, 48 } };
static const struct tcg_spec_id_alg banks2[] = { { TPM_ALG_SHA1, 20 }, { TPM_ALG_SHA256, 32 } };

/* The spec ID event as EDK2 writes it: PCR 0, EV_NO_ACTION, zero digest, spec 2.0 errata 0, UINT64. */
static void add_spec_id(struct log *l, const struct tcg_spec_id_alg *algs, uint32_t n, uint8_t vendor_size)
{
	uint8_t zero[20] = { 0 };
	begin_entry(l);
	emit32(l, 0);
	emit32(l, TCG_EV_NO_ACTION);
	emit(l, zero, sizeof(zero));
	emit32(l, 28 + 4 * n + 1 + vendor_size);
	emit(l, "Spec ID Event03", 16);
	emit32(l, 0); /* platformClass: client */
	const uint8_t version[4] = { 0, 2, 0, 2 };
	emit(l, version, sizeof(version));
	emit32(l, n);
	for (uint32_t i = 0; i < n; i++) {
		emit16(l, algs[i].algorithm_id);
		emit16(l, algs[i].digest_size);
	}
	emit(l, &vendor_size, 1);
	for (unsigned i = 0; i < vendor_size; i++)
		emit(l, "v", 1);
}

/* A TCG_PCR_EVENT2 with one digest per bank, in the banks' order. */
static void add_event2(struct log *l, uint32_t pcr, uint32_t type, const struct tcg_spec_id_alg *algs, uint32_t n,
		       const void *data, uint32_t size)
{
	begin_entry(l);
	emit32(l, pcr);
	emit32(l, type);
	emit32(l, n);
	for (uint32_t i = 0; i < n; i++) {
		emit16(l, algs[i].algorithm_id);
		for (unsigned j = 0; j < algs[i].digest_size; j++)
			emit(l, &(uint8_t){ (uint8_t)(pcr * 16 + j) }, 1);
	}
	emit32(l, size);
	emit(l, data, size);
}

static void add_event1(struct log *l, uint32_t pcr, uint32_t type, const void *data, uint32_t size)
{
	uint8_t digest[20];
	memset(digest, (int)(0xA0 + pcr), sizeof(digest));
	begin_entry(l);
	emit32(l, pcr);
	emit32(l, type);
	emit(l, digest, sizeof(digest));
	emit32(l, size);
	emit(l, data, size);
}

static const uint8_t firmware_blob[16] = { 0x00, 0x00, 0x82, 0xff, 0, 0, 0, 0, 0x00, 0x00, 0x0e, 0, 0, 0, 0, 0 };
/* UEFI_VARIABLE_DATA for SecureBoot = 0: GUID, name length 10, data length 1, name, data. */
static uint8_t secure_boot_var[16 + 8 + 8 + 20 + 1];
static const char exit_boot_services[] = "Exit Boot Services Invocation";
static const uint8_t separator[4] = { 0 };
static uint8_t image_load_event[0x40];

/* The shape of the log OVMF + GRUB leave: spec ID (SHA-1, SHA-256, SHA-384),
 * CRTM version, firmware blobs, Secure Boot variables, separators, GRUB's image. */
static void make_tcg2_log(struct log *l, const struct tcg_spec_id_alg *banks, uint32_t n)
{
	memset(l, 0, sizeof(*l));
	memset(image_load_event, 0x5a, sizeof(image_load_event));
	put64(secure_boot_var + 16, 10);
	put64(secure_boot_var + 24, 1);
	add_spec_id(l, banks, n, 0);
	add_event2(l, 0, EV_S_CRTM_VERSION, banks, n, u"1.0", 8);
	add_event2(l, 0, EV_EFI_PLATFORM_FIRMWARE_BLOB, banks, n, firmware_blob, sizeof(firmware_blob));
	add_event2(l, 7, EV_EFI_VARIABLE_DRIVER_CONFIG, banks, n, secure_boot_var, sizeof(secure_boot_var));
	for (uint32_t pcr = 0; pcr < 8; pcr++)
		add_event2(l, pcr, EV_SEPARATOR, banks, n, separator, sizeof(separator));
	add_event2(l, 4, EV_EFI_BOOT_SERVICES_APPLICATION, banks, n, image_load_event, sizeof(image_load_event));
	add_event2(l, 5, EV_EFI_ACTION, banks, n, exit_boot_services, sizeof(exit_boot_services) - 1);
}

static size_t entry_size(const struct log *l, size_t i)
{
	return (i + 1 < l->entries ? l->start[i + 1] : l->len) - l->start[i];
}

static uint64_t last_addr(const struct log *l)
{
	return LOG_ADDR + l->start[l->entries - 1];
}

static uint8_t *exact_copy(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1); /* exact size: ASan catches any over-read */
	memcpy(c, p, n);
	return c;
}

/* EFI_GUID {d1, d2, d3, {d4}} in memory order, written independently of the loader's tables. */
static void guid_bytes(uint8_t out[16], uint32_t d1, uint16_t d2, uint16_t d3, const uint8_t d4[8])
{
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(d1 >> (8 * i));
	out[4] = (uint8_t)d2;
	out[5] = (uint8_t)(d2 >> 8);
	out[6] = (uint8_t)d3;
	out[7] = (uint8_t)(d3 >> 8);
	memcpy(out + 8, d4, 8);
}

static void guids_in_efi_memory_order(void **state)
{
	(void)state;
	uint8_t g[16];
	guid_bytes(g, 0xb7799cb0, 0xeca2, 0x4943, (const uint8_t[8]){ 0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa });
	assert_memory_equal(&(struct efi_guid)LINUX_EFI_TPM_EVENT_TABLE_GUID, g, 16);
	guid_bytes(g, 0x1e2ed096, 0x30e2, 0x4254, (const uint8_t[8]){ 0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25 });
	assert_memory_equal(&(struct efi_guid)EFI_TCG2_FINAL_EVENTS_TABLE_GUID, g, 16);
	guid_bytes(g, 0x607f766c, 0x7455, 0x42be, (const uint8_t[8]){ 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f });
	assert_memory_equal(&(struct efi_guid)EFI_TCG2_PROTOCOL_GUID, g, 16);
	/* The encoder itself, against the ACPI 2.0 table GUID's bytes as OVMF's configuration table holds them. */
	guid_bytes(g, 0x8868e871, 0xe4f1, 0x11d3, (const uint8_t[8]){ 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 });
	assert_memory_equal(g, ((const uint8_t[16]){ 0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11, 0xbc, 0x22, 0x00,
						     0x80, 0xc7, 0x3c, 0x88, 0x81 }),
			    16);
	assert_memory_equal(&(struct efi_guid)EFI_ACPI_20_TABLE_GUID, g, 16);
	guid_bytes(g, 0xeb9d2d30, 0x2d88, 0x11d3, (const uint8_t[8]){ 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d });
	assert_memory_equal(&(struct efi_guid)EFI_ACPI_TABLE_GUID, g, 16);
}

static void spec_id_lists_the_banks(void **state)
{
	(void)state;
	static struct log l;
	make_tcg2_log(&l, banks3, 3);
	struct tpm_log_digests d;
	struct cl_error err;
	assert_int_equal(tpm_log_spec_id(l.b, l.len, &d, &err), 0);
	assert_int_equal(d.count, 3);
	assert_int_equal(d.algs[0].algorithm_id, TPM_ALG_SHA1);
	assert_int_equal(d.algs[0].digest_size, 20);
	assert_int_equal(d.algs[1].algorithm_id, TPM_ALG_SHA256);
	assert_int_equal(d.algs[1].digest_size, 32);
	assert_int_equal(d.algs[2].algorithm_id, TPM_ALG_SHA384);
	assert_int_equal(d.algs[2].digest_size, 48);
	assert_int_equal(d.first_event_size, 32 + 28 + 3 * 4 + 1); /* 73: header, fixed fields, banks, vendorInfoSize */
	/* Vendor info counts too; exactly the event's bytes are enough. */
	memset(&l, 0, sizeof(l));
	add_spec_id(&l, banks2, 2, 7);
	assert_int_equal(l.len, 32 + 28 + 8 + 1 + 7);
	uint8_t *c = exact_copy(l.b, l.len);
	assert_int_equal(tpm_log_spec_id(c, l.len, &d, &err), 0);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.first_event_size, 76);
	free(c);
}

static void event2_sizes_byte_for_byte(void **state)
{
	(void)state;
	static struct log l;
	make_tcg2_log(&l, banks3, 3);
	struct tpm_log_digests d;
	struct cl_error err;
	assert_int_equal(tpm_log_spec_id(l.b, l.len, &d, &err), 0);
	/* Head 12, digests (2 + 20) + (2 + 32) + (2 + 48), event_size 4: 122 bytes and the event. */
	const uint64_t expect[] = { 122 + 8, 122 + 16, 122 + 53, 126, 126, 126, 126, 126, 126, 126, 126, 122 + 64, 122 + 29 };
	assert_int_equal(l.entries, 1 + sizeof(expect) / sizeof(expect[0]));
	for (size_t i = 1; i < l.entries; i++) {
		uint64_t size;
		assert_int_equal(tpm_log_event2_size(l.b + l.start[i], l.len - l.start[i], &d, &size, &err), 0);
		assert_int_equal(size, expect[i - 1]);
		assert_int_equal(size, entry_size(&l, i));
		/* Exactly its own bytes readable: enough; one fewer: refused, at every length. */
		for (size_t n = 0; n <= size; n++) {
			uint8_t *c = exact_copy(l.b + l.start[i], n);
			assert_int_equal(tpm_log_event2_size(c, n, &d, &size, &err), n == entry_size(&l, i) ? 0 : -1);
			free(c);
		}
	}
	/* Digest sizes from a spec ID event that was never parsed: refused, as Linux refuses num_algs 0. */
	const struct tpm_log_digests none = { 0 };
	uint64_t size;
	assert_int_equal(tpm_log_event2_size(l.b + l.start[1], l.len - l.start[1], &none, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: event at offset 0: spec ID numberOfAlgorithms 0 (need 1 to 8)");
}

static void log_size_from_the_last_entry(void **state)
{
	(void)state;
	static struct log l;
	make_tcg2_log(&l, banks3, 3);
	struct cl_error err;
	uint64_t size = 1;
	for (size_t i = 0; i < l.entries; i++) {
		assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, LOG_ADDR, LOG_ADDR + l.start[i], l.len,
					      &size, &err), 0);
		assert_int_equal(size, l.start[i] + entry_size(&l, i));
	}
	assert_int_equal(size, l.len); /* the last entry ends the log */
	assert_int_equal(l.len, 73 + 130 + 138 + 175 + 8 * 126 + 186 + 151);
	/* The spec ID event alone: that event (Linux's stub would misread it as an
	 * EVENT2 with count 0 and compute 0). */
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, LOG_ADDR, LOG_ADDR, 73, &size, &err), 0);
	assert_int_equal(size, 73);
	/* EventLogLastEntry 0: an empty log, 0 bytes, nothing read. */
	size = 1;
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, NULL, LOG_ADDR, 0, 0, &size, &err), 0);
	assert_int_equal(size, 0);
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2, NULL, LOG_ADDR, 0, 0, &size, &err), 0);
	assert_int_equal(size, 0);
	/* Two banks: other digest sizes, the same walk. */
	make_tcg2_log(&l, banks2, 2);
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, LOG_ADDR, last_addr(&l), l.len, &size, &err),
			 0);
	assert_int_equal(size, l.len);
	assert_int_equal(entry_size(&l, 1), 12 + 22 + 34 + 4 + 8);
}

static void truncated_log_at_every_length(void **state)
{
	(void)state;
	static struct log l;
	make_tcg2_log(&l, banks3, 3);
	struct cl_error err;
	uint64_t size;
	for (size_t n = 0; n <= l.len; n++) {
		uint8_t *c = exact_copy(l.b, n);
		int rc = tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, c, LOG_ADDR, last_addr(&l), n, &size, &err);
		assert_int_equal(rc, n == l.len ? 0 : -1);
		if (rc)
			assert_memory_equal(err.msg, "TPM event log: ", 15);
		struct tpm_log_digests d;
		assert_int_equal(tpm_log_spec_id(c, n, &d, &err), n >= 73 ? 0 : -1);
		free(c);
	}
}

struct bad_case {
	const char *name;
	size_t entry;  /* the entry the corruption is in */
	size_t offset; /* from its start */
	int width;
	uint64_t value;
	const char *message;
};

/* Offsets inside the spec ID event and inside the last EVENT2 of the three-bank log. */
#define SPEC(field) (offsetof(struct tcg_pcr_event, event) + offsetof(struct tcg_spec_id_event, field))
#define HEAD(field) offsetof(struct tcg_pcr_event, field)
#define EV2(field) offsetof(struct tcg_pcr_event2_head, field)
#define EV2_ALG(i) (12u + ((i) == 0 ? 0u : (i) == 1 ? 22u : 56u)) /* digest i's alg ID */
#define EV2_EVENT_SIZE (12u + 22u + 34u + 50u)
#define LAST 13 /* the EV_EFI_ACTION event */

static const struct bad_case bad_cases[] = {
	{ "spec ID PCR", 0, HEAD(pcr_index), 4, 1,
	  "TPM event log: event at offset 0 (PCR 1, type 0x3): not a spec ID event (PCR 0, type 0x3, zero digest)" },
	{ "spec ID type", 0, HEAD(event_type), 4, EV_S_CRTM_VERSION,
	  "TPM event log: event at offset 0 (PCR 0, type 0x8): not a spec ID event (PCR 0, type 0x3, zero digest)" },
	{ "spec ID digest", 0, HEAD(digest) + 19, 1, 1,
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): not a spec ID event (PCR 0, type 0x3, zero digest)" },
	{ "spec ID event_size huge", 0, HEAD(event_size), 4, 0xffffffff,
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): event (4294967295 bytes at +32) runs past the 1861 bytes available" },
	{ "spec ID event_size short", 0, HEAD(event_size), 4, 27,
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): TCG_EfiSpecIDEvent (28 bytes at +32) runs past the 59 bytes available" },
	{ "spec ID event_size without vendorInfoSize", 0, HEAD(event_size), 4, 28 + 12,
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): digestSizes, vendorInfoSize (13 bytes at +60) runs past the 72 bytes available" },
	{ "signature", 0, SPEC(signature) + 14, 1, '2',
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): spec ID signature is not \"Spec ID Event03\"" },
	{ "signature NUL", 0, SPEC(signature) + 15, 1, ' ',
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): spec ID signature is not \"Spec ID Event03\"" },
	{ "no algorithms", 0, SPEC(number_of_algorithms), 4, 0,
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): spec ID numberOfAlgorithms 0 (need 1 to 8)" },
	{ "9 algorithms", 0, SPEC(number_of_algorithms), 4, 9,
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): spec ID numberOfAlgorithms 9 (need 1 to 8)" },
	{ "algorithms overflow", 0, SPEC(number_of_algorithms), 4, 0xffffffff,
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): spec ID numberOfAlgorithms 4294967295 (need 1 to 8)" },
	{ "more algorithms than the event holds", 0, SPEC(number_of_algorithms), 4, 4,
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): digestSizes, vendorInfoSize (17 bytes at +60) runs past the 73 bytes available" },
	{ "vendorInfoSize", 0, SPEC(digest_sizes) + 12, 1, 1,
	  "TPM event log: event at offset 0 (PCR 0, type 0x3): vendorInfo (1 bytes at +73) runs past the 73 bytes available" },
	{ "fewer digests", LAST, EV2(digest_count), 4, 2,
	  "TPM event log: event at offset 1710 (PCR 5, type 0x80000007): digests.count 2 is not numberOfAlgorithms 3" },
	{ "more digests", LAST, EV2(digest_count), 4, 4,
	  "TPM event log: event at offset 1710 (PCR 5, type 0x80000007): digests.count 4 is not numberOfAlgorithms 3" },
	{ "digest count overflow", LAST, EV2(digest_count), 4, 0xffffffff,
	  "TPM event log: event at offset 1710 (PCR 5, type 0x80000007): digests.count 4294967295 is not numberOfAlgorithms 3" },
	{ "unknown algorithm", LAST, EV2_ALG(1), 2, TPM_ALG_SHA512,
	  "TPM event log: event at offset 1710 (PCR 5, type 0x80000007): digest 1 hashAlg 0xd is not in digestSizes" },
	{ "SM3 not in the list", LAST, EV2_ALG(2), 2, TPM_ALG_SM3_256,
	  "TPM event log: event at offset 1710 (PCR 5, type 0x80000007): digest 2 hashAlg 0x12 is not in digestSizes" },
	{ "larger digest first", LAST, EV2_ALG(0), 2, TPM_ALG_SHA384,
	  "TPM event log: event at offset 1710 (PCR 5, type 0x80000007): digest 1 hashAlg 0x6b6a is not in digestSizes" },
	{ "event_size past the end", LAST, EV2_EVENT_SIZE, 4, 30,
	  "TPM event log: event at offset 1710 (PCR 5, type 0x80000007): event (30 bytes at +122) runs past the 151 bytes available" },
	{ "event_size overflow", LAST, EV2_EVENT_SIZE, 4, 0xffffffff,
	  "TPM event log: event at offset 1710 (PCR 5, type 0x80000007): event (4294967295 bytes at +122) runs past the 151 bytes available" },
	{ "type 0, size 0", LAST, EV2(event_type), 4, TCG_EV_PREBOOT_CERT,
	  NULL /* set below: needs two fields */ },
};

static void corrupt(uint8_t *p, int width, uint64_t value)
{
	if (width == 1)
		*p = (uint8_t)value;
	else if (width == 2)
		put16(p, (uint16_t)value);
	else
		put32(p, (uint32_t)value);
}

static void each_corruption_has_its_own_message(void **state)
{
	(void)state;
	static struct log l;
	make_tcg2_log(&l, banks3, 3);
	assert_int_equal(l.start[LAST], 1710);
	assert_int_equal(entry_size(&l, LAST), 151);
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		uint8_t *copy = exact_copy(l.b, l.len);
		corrupt(copy + l.start[c->entry] + c->offset, c->width, c->value);
		const char *message = c->message;
		if (!message) { /* type 0 and an empty event */
			corrupt(copy + l.start[LAST] + EV2_EVENT_SIZE, 4, 0);
			message = "TPM event log: event at offset 1710 (PCR 5, type 0x0): type 0 with event_size 0 (Linux: end of log)";
		}
		struct cl_error err = { "" };
		uint64_t size = 1;
		print_message("case %s\n", c->name);
		assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, copy, LOG_ADDR, last_addr(&l), l.len, &size,
					      &err), -1);
		assert_string_equal(err.msg, message);
		assert_int_equal(size, 0);
		free(copy);
	}
}

static void lying_addresses(void **state)
{
	(void)state;
	static struct log l;
	make_tcg2_log(&l, banks3, 3);
	struct cl_error err;
	uint64_t size;
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, LOG_ADDR, LOG_ADDR - 1, l.len, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: last entry 0x7e5f5fff is outside the 1861 bytes at 0x7e5f6000");
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, LOG_ADDR, LOG_ADDR + l.len, l.len, &size, &err),
			 -1);
	assert_string_equal(err.msg, "TPM event log: last entry 0x7e5f6745 is outside the 1861 bytes at 0x7e5f6000");
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, LOG_ADDR, UINT64_MAX, l.len, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: last entry 0xffffffffffffffff is outside the 1861 bytes at 0x7e5f6000");
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, LOG_ADDR, LOG_ADDR + 40, l.len, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: event at offset 40: inside the 73-byte spec ID event");
	/* Between two events: the bytes there are read as an event and refused. */
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, LOG_ADDR, last_addr(&l) + 4, l.len, &size,
				      &err), -1);
	assert_string_equal(err.msg, "TPM event log: event at offset 1714 (PCR 2147483655, type 0x3): digests.count 1364197380 is not numberOfAlgorithms 3");
	assert_int_equal(tpm_log_size(3, l.b, LOG_ADDR, last_addr(&l), l.len, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: format 3 is not 1 (TCG 1.2) or 2 (TCG 2)");
	assert_int_equal(tpm_log_size(0, l.b, LOG_ADDR, 0, l.len, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: format 0 is not 1 (TCG 1.2) or 2 (TCG 2)");
}

/* A spec ID digest size near its 16-bit limit: refused by the bounds, not wrapped. */
static void huge_digest_size(void **state)
{
	(void)state;
	static struct log l;
	const struct tcg_spec_id_alg odd[] = { { TPM_ALG_SHA256, 0xffff } };
	memset(&l, 0, sizeof(l));
	add_spec_id(&l, odd, 1, 0);
	begin_entry(&l);
	emit32(&l, 0);
	emit32(&l, EV_SEPARATOR);
	emit32(&l, 1);
	emit16(&l, TPM_ALG_SHA256);
	emit(&l, "abcd", 4);
	struct cl_error err;
	uint64_t size;
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, LOG_ADDR, last_addr(&l), l.len, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: event at offset 65 (PCR 0, type 0x4): digest (65535 bytes at +14) runs past the 18 bytes available");
}

static void one_point_two_log(void **state)
{
	(void)state;
	static struct log l;
	memset(&l, 0, sizeof(l));
	add_event1(&l, 0, EV_S_CRTM_VERSION, u"1.0", 8);
	add_event1(&l, 4, EV_EFI_BOOT_SERVICES_APPLICATION, image_load_event, sizeof(image_load_event));
	add_event1(&l, 5, EV_EFI_ACTION, exit_boot_services, sizeof(exit_boot_services) - 1);
	add_event1(&l, 7, EV_SEPARATOR, separator, 0);
	assert_int_equal(l.len, 4 * 32 + 8 + 64 + 29);
	struct cl_error err;
	uint64_t size = 0;
	for (size_t i = 0; i < l.entries; i++) {
		assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2, l.b, LOG_ADDR, LOG_ADDR + l.start[i], l.len,
					      &size, &err), 0);
		assert_int_equal(size, l.start[i] + entry_size(&l, i));
	}
	assert_int_equal(size, l.len);
	/* 1.2: the first entry is an ordinary event, not a spec ID event. */
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2, l.b, LOG_ADDR, LOG_ADDR, l.len, &size, &err), 0);
	assert_int_equal(size, 40);
	for (size_t n = 0; n <= l.len; n++) {
		uint8_t *c = exact_copy(l.b, n);
		int rc = tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2, c, LOG_ADDR, LOG_ADDR + l.start[2], n, &size, &err);
		assert_int_equal(rc, n >= l.start[3] ? 0 : -1);
		free(c);
	}
	uint8_t *c = exact_copy(l.b, l.len);
	put32(c + l.start[2] + 28, 62);
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2, c, LOG_ADDR, LOG_ADDR + l.start[2], l.len, &size,
				      &err), -1);
	assert_string_equal(err.msg, "TPM event log: event at offset 136 (PCR 5, type 0x80000007): event (62 bytes at +32) runs past the 93 bytes available");
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2, c, LOG_ADDR, LOG_ADDR + l.start[3] + 8, l.len,
				      &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: event at offset 205: header (32 bytes at +0) runs past the 24 bytes available");
	free(c);
}

/* Sparse anonymous memory: only the pages touched are ever backed. */
#define SPARSE_BYTES ((1ull << 32) + 0x10000)

static void sizes_beyond_32_bits(void **state)
{
	(void)state;
	uint8_t *big = mmap(NULL, SPARSE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(big != MAP_FAILED);
	struct cl_error err;
	uint64_t size;
	/* A 1.2 log whose last entry lies 4 GiB in: too long for linux_efi_tpm_eventlog.size. */
	put32(big + (1ull << 32) + 28, 4);
	assert_int_equal(tpm_log_size(EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2, big, LOG_ADDR, LOG_ADDR + (1ull << 32),
				      SPARSE_BYTES, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: 4294967332 bytes do not fit the 32-bit linux_efi_tpm_eventlog.size");
	/* Final events whose event bytes reach past 4 GiB (only the heads are read). */
	static struct log l;
	memset(&l, 0, sizeof(l));
	add_spec_id(&l, banks2, 2, 0);
	struct tpm_log_digests d;
	assert_int_equal(tpm_log_spec_id(l.b, l.len, &d, &err), 0);
	put64(big + 8, 2);
	uint8_t *ev = big + 16;
	for (int i = 0; i < 2; i++) {
		put32(ev + 4, EV_EFI_ACTION);
		put32(ev + 8, 2);
		put16(ev + 12, TPM_ALG_SHA1);
		put16(ev + 34, TPM_ALG_SHA256);
		put32(ev + 68, 0x80000000u);
		ev += 72 + 0x80000000ull;
	}
	assert_int_equal(tpm_final_events_preboot_size(big, SPARSE_BYTES, &d, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: 4294967440 bytes do not fit the 32-bit final_events_preboot_size");
	munmap(big, SPARSE_BYTES);
}

/* An EFI_TCG2_FINAL_EVENTS_TABLE holding n of the log's events (after the spec ID event). */
static size_t make_final_table(uint8_t *t, const struct log *l, uint64_t n)
{
	put64(t, EFI_TCG2_FINAL_EVENTS_TABLE_VERSION);
	put64(t + 8, n);
	size_t len = 16;
	for (uint64_t i = 0; i < n; i++) {
		memcpy(t + len, l->b + l->start[1 + i], entry_size(l, 1 + i));
		len += entry_size(l, 1 + i);
	}
	return len;
}

static void final_events_table(void **state)
{
	(void)state;
	static struct log l;
	make_tcg2_log(&l, banks3, 3);
	struct tpm_log_digests d;
	struct cl_error err;
	assert_int_equal(tpm_log_spec_id(l.b, l.len, &d, &err), 0);
	static uint8_t t[LOG_CAP];
	uint64_t size = 1;
	const uint64_t expect[] = { 0, 130, 0, 130 + 138 + 175 };
	for (uint64_t n = 0; n <= 3; n += n ? 2 : 1) { /* 0, 1, 3 events */
		size_t len = make_final_table(t, &l, n);
		uint8_t *c = exact_copy(t, len);
		assert_int_equal(tpm_final_events_preboot_size(c, len, &d, &size, &err), 0);
		assert_int_equal(size, expect[n]);
		assert_int_equal(size, len - 16);
		free(c);
		/* Truncated at every length: refused. */
		for (size_t k = 0; k < len; k++) {
			c = exact_copy(t, k);
			assert_int_equal(tpm_final_events_preboot_size(c, k, &d, &size, &err), -1);
			assert_memory_equal(err.msg, "TPM event log: ", 15);
			free(c);
		}
	}
	/* Events after number_of_events are not counted (logged after the copy). */
	size_t len = make_final_table(t, &l, 3);
	put64(t + 8, 2);
	assert_int_equal(tpm_final_events_preboot_size(t, len, &d, &size, &err), 0);
	assert_int_equal(size, 130 + 138);
	/* A count above what the table holds. */
	put64(t + 8, 4);
	assert_int_equal(tpm_final_events_preboot_size(t, len, &d, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: final events table at offset 459: header (12 bytes at +0) runs past the 0 bytes available");
	put64(t + 8, UINT64_MAX);
	assert_int_equal(tpm_final_events_preboot_size(t, len, &d, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: final events table at offset 459: header (12 bytes at +0) runs past the 0 bytes available");
	/* A bad event inside. */
	put64(t + 8, 3);
	put16(t + 16 + 130 + EV2_ALG(1), 0x0099);
	assert_int_equal(tpm_final_events_preboot_size(t, len, &d, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: final events table at offset 146 (PCR 0, type 0x80000008): digest 1 hashAlg 0x99 is not in digestSizes");
	assert_int_equal(tpm_final_events_preboot_size(t, 15, &d, &size, &err), -1);
	assert_string_equal(err.msg, "TPM event log: final events table at offset 0: header (16 bytes at +0) runs past the 15 bytes available");
}

static void linux_table_byte_for_byte(void **state)
{
	(void)state;
	assert_int_equal(tpm_eventlog_table_size(0), 12);
	assert_int_equal(tpm_eventlog_table_size(1861), 12 + 1861);
	assert_int_equal(tpm_eventlog_table_size(UINT32_MAX), 12ull + UINT32_MAX);
	assert_int_equal(tpm_eventlog_table_size(1ull << 32), UINT64_MAX);
	assert_int_equal(tpm_eventlog_table_size(UINT64_MAX), UINT64_MAX);
	static struct log l;
	make_tcg2_log(&l, banks3, 3);
	_Alignas(8) static uint8_t buf[LOG_CAP + 64]; /* aligned as AllocatePool's memory is */
	memset(buf, 0xAA, sizeof(buf));
	struct linux_efi_tpm_eventlog *t = (struct linux_efi_tpm_eventlog *)buf;
	tpm_eventlog_table_fill(t, EFI_TCG2_EVENT_LOG_FORMAT_TCG_2, l.b, (uint32_t)l.len, 443);
	const uint8_t head[9] = { 0x45, 0x07, 0, 0, 0xbb, 0x01, 0, 0, 2 }; /* 1861, 443, version 2 */
	assert_memory_equal(buf, head, 9);
	assert_memory_equal(buf + 9, l.b, l.len);
	for (size_t i = 9 + l.len; i < 12 + l.len; i++)
		assert_int_equal(buf[i], 0); /* the struct's tail padding, zeroed as Linux does */
	for (size_t i = 12 + l.len; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xAA); /* nothing written past the table */
	/* An empty log: the header alone. */
	memset(buf, 0xAA, sizeof(buf));
	tpm_eventlog_table_fill(t, EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2, NULL, 0, 0);
	assert_memory_equal(buf, ((const uint8_t[12]){ 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 }), 12);
	assert_int_equal(buf[12], 0xAA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guids_in_efi_memory_order),
		cmocka_unit_test(spec_id_lists_the_banks),
		cmocka_unit_test(event2_sizes_byte_for_byte),
		cmocka_unit_test(log_size_from_the_last_entry),
		cmocka_unit_test(truncated_log_at_every_length),
		cmocka_unit_test(each_corruption_has_its_own_message),
		cmocka_unit_test(lying_addresses),
		cmocka_unit_test(huge_digest_size),
		cmocka_unit_test(one_point_two_log),
		cmocka_unit_test(sizes_beyond_32_bits),
		cmocka_unit_test(final_events_table),
		cmocka_unit_test(linux_table_byte_for_byte),
	};
	return cmocka_run_group_tests_name("tpm_eventlog", tests, NULL, NULL);
}
