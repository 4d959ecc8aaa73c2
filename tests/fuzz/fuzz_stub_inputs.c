/* libFuzzer harness: chainloader.efi's whole input decision from GRUB
 * (boot/efi_stub/inputs.c, stub_inputs_split: the command line split, the
 * newc: split, and which bytes go to the kernel as its initrd), and GRUB
 * 2.12's UTF-16 LoadOptions converted to the text it splits
 * (stub_cmdline_from_utf16).
 *
 * The input: a 16-bit little-endian length L, L bytes of command line, then
 * GRUB's initrd (the archive, then the plain files) to the end. The command
 * line is split as text up to its first NUL (the handover entry's ASCII from
 * boot_params), and its bytes read as UTF-16LE units (the PE entry's
 * LoadOptions, GRUB 2.12) are converted, checked against a reference
 * decoder, and the result split with the initrd again.
 *
 * Checked: the result against the parts it is made of, run on their own
 * (a refusal is the command line's, else the archive's, else the one GRUB
 * 2.06 case, each with its own message); the kernel and its initrd inside
 * the buffer, in order, the initrd running to the end, starting past the
 * kernel on GRUB 2.12 and past the TRAILER!!! on 2.06; the kernel's command
 * line the original's tail, byte for byte; the UTF-8 of the conversion
 * exactly the reference's, its refusals exactly where the reference refuses. */
#include <string.h>

#include "boot/efi_stub/cmdline.h"
#include "boot/efi_stub/inputs.h"
#include "boot/efi_stub/newc.h"
#include "fuzz_common.h"

static struct stub_inputs in;
static struct newc_split ref_split;

/* The decision checked against newc_split and stub_cmdline_split run alone
 * on their own copies. line: NUL-terminated, len bytes. */
static void check_split(const uint8_t *img, size_t size, const char *line, size_t len)
{
	char *copy = malloc(len + 1), *alone = malloc(len + 1);
	if (!copy || !alone) {
		free(copy);
		free(alone);
		return;
	}
	memcpy(copy, line, len + 1);
	memcpy(alone, line, len + 1);
	struct cl_error err = { "" }, cl_err = { "" }, newc_err = { "" };
	struct stub_cmdline ref_cl;
	int rc = stub_inputs_split(copy, img, size, &in, &err);
	int cl_rc = stub_cmdline_split(alone, &ref_cl, &cl_err);
	int newc_rc = size ? newc_split(img, size, &ref_split, &newc_err) : -1;
	FUZZ_TRACE("inputs: rc %d (%s), cmdline %d, newc %d\n", rc, err.msg, cl_rc, newc_rc);
	if (size == 0) {
		FUZZ_CHECK(rc == -1 && strncmp(err.msg, "initrd: GRUB passed none;", 25) == 0, "no initrd: '%s'", err.msg);
		goto out;
	}
	if (cl_rc) {
		FUZZ_CHECK(rc == -1 && strcmp(err.msg, cl_err.msg) == 0, "'%s', the command line's is '%s'", err.msg,
			   cl_err.msg);
		goto out;
	}
	if (newc_rc) {
		FUZZ_CHECK(rc == -1 && strcmp(err.msg, newc_err.msg) == 0, "'%s', the archive's is '%s'", err.msg,
			   newc_err.msg);
		goto out;
	}
	bool lost_members = !ref_split.names_terminated && ref_split.extra_count > 0;
	if (lost_members) {
		char want[CL_ERROR_MSG_MAX];
		(void)snprintf(want, sizeof(want), "initrd: %zu newc: member%s after the kernel's, and GRUB wrote",
			       ref_split.extra_count, ref_split.extra_count == 1 ? "" : "s");
		FUZZ_CHECK(rc == -1 && strncmp(err.msg, want, strlen(want)) == 0, "2.06 extras: '%s'", err.msg);
		goto out;
	}
	FUZZ_CHECK(rc == 0, "refused '%s' what both parts accept", err.msg);
	/* The same split as the parts' own. */
	FUZZ_CHECK(memcmp(&in.newc, &ref_split, sizeof(ref_split)) == 0, "newc split differs");
	FUZZ_CHECK(in.cmdline.options - copy == ref_cl.options - alone && in.cmdline.kernel - copy == ref_cl.kernel - alone,
		   "command line split differs");
	FUZZ_CHECK(strcmp(in.cmdline.kernel, line + (in.cmdline.kernel - copy)) == 0, "kernel line is not the tail");
	/* The kernel: the first regular member, non-empty, inside the buffer. */
	FUZZ_CHECK(in.kernel == ref_split.kernel.data && in.kernel_size == ref_split.kernel.size, "kernel range");
	FUZZ_CHECK(in.kernel_size > 0 && in.kernel < size && in.kernel_size <= size - in.kernel, "kernel outside");
	FUZZ_CHECK((ref_split.kernel.mode & NEWC_MODE_TYPE) == NEWC_MODE_FILE, "kernel mode 0x%x", ref_split.kernel.mode);
	/* Its initrd: after it, to the end; where depends on the GRUB that wrote the names. */
	FUZZ_CHECK(in.initrd >= in.kernel + in.kernel_size && in.initrd <= size && in.initrd + in.initrd_size == size,
		   "initrd [%llu, +%llu) in %zu", (unsigned long long)in.initrd, (unsigned long long)in.initrd_size, size);
	bool with_extras = ref_split.names_terminated && ref_split.extra_count > 0;
	if (with_extras)
		FUZZ_CHECK(in.initrd == ref_split.after_kernel, "2.12 with extra members: initrd not right after the kernel");
	else
		FUZZ_CHECK(in.initrd == ref_split.rest, "no extra members: initrd not the plain files");
	/* With extra members (2.12) what the kernel gets starts with a newc header (theirs). */
	if (with_extras)
		FUZZ_CHECK(in.initrd_size >= NEWC_HEADER_SIZE && memcmp(img + in.initrd, "070701", 6) == 0,
			   "2.12: initrd does not start with the archive's rest");
out:
	free(copy);
	free(alone);
}

/* The reference: UTF-16 units (up to the first 0) to UTF-8 in out[cap]:
 * 0, or -1 with the message stub_cmdline_from_utf16 documents. */
static int ref_utf8(const uint16_t *u, size_t units, char *out, size_t cap, char *msg, size_t msg_cap)
{
	size_t n = 0;
	for (size_t i = 0; i < units && u[i]; i++) {
		uint32_t cp = u[i];
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (i + 1 < units && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
				cp = 0x10000 + (((cp & 0x3FF) << 10) | (u[i + 1] & 0x3FF));
				i++;
			} else {
				(void)snprintf(msg, msg_cap, "command line: UTF-16 high surrogate 0x%x at unit %zu without its low one",
					       cp, i);
				return -1;
			}
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			(void)snprintf(msg, msg_cap, "command line: UTF-16 low surrogate 0x%x at unit %zu without a high one", cp, i);
			return -1;
		}
		uint8_t b[4];
		size_t len;
		if (cp <= 0x7F) {
			b[0] = (uint8_t)cp, len = 1;
		} else if (cp <= 0x7FF) {
			b[0] = (uint8_t)(0xC0 + (cp >> 6)), b[1] = (uint8_t)(0x80 + cp % 64), len = 2;
		} else if (cp <= 0xFFFF) {
			b[0] = (uint8_t)(0xE0 + (cp >> 12)), b[1] = (uint8_t)(0x80 + (cp >> 6) % 64),
			b[2] = (uint8_t)(0x80 + cp % 64), len = 3;
		} else {
			b[0] = (uint8_t)(0xF0 + (cp >> 18)), b[1] = (uint8_t)(0x80 + (cp >> 12) % 64),
			b[2] = (uint8_t)(0x80 + (cp >> 6) % 64), b[3] = (uint8_t)(0x80 + cp % 64), len = 4;
		}
		if (n + len + 1 > cap) {
			(void)snprintf(msg, msg_cap, "command line: longer than the %zu bytes chainloader.efi takes (%zu UTF-16 units)",
				       cap - 1, units);
			return -1;
		}
		memcpy(out + n, b, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}

/* LoadOptions from the text's bytes; converted into each capacity against the reference. */
static void check_utf16(const uint8_t *img, size_t size, const uint8_t *text, size_t len)
{
	size_t units = len / 2;
	uint16_t *u = malloc(units ? units * 2 : 1); /* exact size: ASan sees any overread */
	if (!u)
		return;
	for (size_t i = 0; i < units; i++)
		u[i] = (uint16_t)(text[2 * i] | text[2 * i + 1] << 8);
	static const size_t caps[] = { 1, 2, 5, 64, STUB_CMDLINE_MAX };
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		size_t cap = caps[c];
		char *out = malloc(cap), *want = malloc(cap);
		char want_msg[CL_ERROR_MSG_MAX] = "";
		struct cl_error err = { "" };
		if (!out || !want) {
			free(out);
			free(want);
			break;
		}
		int rc = stub_cmdline_from_utf16(u, units, out, cap, &err);
		int want_rc = ref_utf8(u, units, want, cap, want_msg, sizeof(want_msg));
		FUZZ_CHECK(rc == want_rc, "cap %zu: rc %d, the reference %d ('%s' / '%s')", cap, rc, want_rc, err.msg, want_msg);
		if (rc)
			FUZZ_CHECK(strcmp(err.msg, want_msg) == 0, "cap %zu: '%s', the reference '%s'", cap, err.msg, want_msg);
		else
			FUZZ_CHECK(strcmp(out, want) == 0, "cap %zu: UTF-8 differs from the reference", cap);
		/* The PE entry's path: the converted line split with the initrd. */
		if (rc == 0 && cap == STUB_CMDLINE_MAX)
			check_split(img, size, out, strlen(out));
		free(out);
		free(want);
	}
	free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	size_t field = (size_t)take(&r, 2);
	if (field > r.n)
		field = r.n;
	const uint8_t *text = r.p;
	size_t archive = r.n - field;
	uint8_t *img = malloc(archive ? archive : 1); /* exact size: ASan sees any overread */
	char *line = malloc(field + 1);
	if (img && line) {
		memcpy(img, text + field, archive);
		memcpy(line, text, field);
		line[field] = '\0'; /* the handover's text: up to its first NUL */
		check_split(img, archive, line, strlen(line));
		check_utf16(img, archive, text, field);
	}
	free(line);
	free(img);
	return 0;
}
