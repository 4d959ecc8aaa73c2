/* chainloader.efi's inputs from GRUB's linux/initrd commands: the newc:
 * initrd split (boot/efi_stub/newc.c) over archives laid out as GRUB 2.06
 * and 2.12 write them (grub-core/loader/linux.c), the command line split and
 * GRUB 2.12's UTF-16 LoadOptions (boot/efi_stub/cmdline.c), and the decision
 * over both (boot/efi_stub/inputs.c). */
#include "cmocka_all.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/efi_stub/cmdline.h"
#include "boot/efi_stub/inputs.h"
#include "boot/efi_stub/newc.h"

#define ARCHIVE_MAX 8192u

struct archive {
	uint8_t buf[ARCHIVE_MAX];
	size_t len;
	bool nul; /* names with their NUL, as GRUB 2.12 writes them */
};

static void pad4(struct archive *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* One member: header, name, padding, bytes, padding. */
static void member(struct archive *a, const char *name, unsigned mode, const void *data, size_t size)
{
	size_t namesize = strlen(name) + a->nul;
	uint32_t f[NEWC_FIELD_COUNT] = { [NEWC_MODE] = mode, [NEWC_NLINK] = 1, [NEWC_FILESIZE] = (uint32_t)size,
					 [NEWC_NAMESIZE] = (uint32_t)namesize };
	char head[NEWC_HEADER_SIZE + 8];
	memcpy(head, "070701", 6);
	for (unsigned i = 0; i < NEWC_FIELD_COUNT; i++)
		(void)snprintf(head + 6 + 8 * i, 9, "%08x", (unsigned)f[i]);
	memcpy(a->buf + a->len, head, NEWC_HEADER_SIZE);
	a->len += NEWC_HEADER_SIZE;
	memcpy(a->buf + a->len, name, namesize); /* with the NUL when nul */
	a->len += namesize;
	pad4(a);
	memcpy(a->buf + a->len, data, size);
	a->len += size;
	pad4(a);
}

static const char kernel_bytes[] = "MZ...a kernel of an odd size";
static size_t kernel_header; /* where grub_archive put the kernel's header */
static const char initrd_bytes[] = "the plain initrd.img";

/* initrd newc:boot/vmlinuz:/boot/vmlinuz newc:etc/x.conf:/x.conf /boot/initrd.img */
static void grub_archive(struct archive *a, bool nul, bool extra)
{
	memset(a, 0, sizeof(*a));
	a->nul = nul;
	member(a, "boot", 040777, "", 0); /* GRUB's directory entry for the path */
	kernel_header = a->len;
	member(a, "boot/vmlinuz", 0100777, kernel_bytes, sizeof(kernel_bytes));
	if (extra) {
		member(a, "etc", 040777, "", 0);
		member(a, "etc/x.conf", 0100777, "k=v\n", 4);
	}
	member(a, NEWC_TRAILER, 0, "", 0);
	memcpy(a->buf + a->len, initrd_bytes, sizeof(initrd_bytes));
	a->len += sizeof(initrd_bytes);
}

static struct archive a;
static struct newc_split s;

static void splits_grub_2_06_and_2_12_archives(void **state)
{
	(void)state;
	struct cl_error err;
	for (int nul = 0; nul <= 1; nul++) {
		grub_archive(&a, nul, false);
		assert_int_equal(newc_split(a.buf, a.len, &s, &err), 0);
		assert_int_equal(s.kernel.name_len, 12);
		assert_memory_equal(s.kernel.name, "boot/vmlinuz", 12);
		assert_int_equal(s.kernel.size, sizeof(kernel_bytes));
		assert_memory_equal(a.buf + s.kernel.data, kernel_bytes, sizeof(kernel_bytes));
		assert_int_equal(s.kernel.data % 4, 0);
		assert_int_equal(s.extra_count, 0);
		assert_int_equal(s.names_terminated, nul);
		assert_int_equal(a.len - s.rest, sizeof(initrd_bytes));
		assert_memory_equal(a.buf + s.rest, initrd_bytes, sizeof(initrd_bytes));
		/* After the kernel: the trailer, then the plain file. */
		assert_memory_equal(a.buf + s.after_kernel, "070701", 6);
	}
}

static void keeps_the_members_after_the_kernel(void **state)
{
	(void)state;
	struct cl_error err;
	grub_archive(&a, true, true);
	assert_int_equal(newc_split(a.buf, a.len, &s, &err), 0);
	assert_int_equal(s.extra_count, 2);
	assert_memory_equal(s.extra[0].name, "etc", 3);
	assert_int_equal(s.extra[0].mode & NEWC_MODE_TYPE, NEWC_MODE_DIR);
	assert_memory_equal(s.extra[1].name, "etc/x.conf", 10);
	assert_int_equal(s.extra[1].size, 4);
	assert_memory_equal(a.buf + s.extra[1].data, "k=v\n", 4);
	assert_memory_equal(a.buf + s.rest, initrd_bytes, sizeof(initrd_bytes));
}

static void an_archive_of_newc_members_only(void **state)
{
	(void)state; /* initrd newc:vmlinuz:/boot/vmlinuz, no plain file: rest is the end */
	struct cl_error err;
	memset(&a, 0, sizeof(a));
	member(&a, "vmlinuz", 0100644, kernel_bytes, sizeof(kernel_bytes));
	member(&a, NEWC_TRAILER, 0, "", 0);
	assert_int_equal(newc_split(a.buf, a.len, &s, &err), 0);
	assert_int_equal(s.rest, a.len);
}

struct bad_case {
	const char *name;
	void (*corrupt)(struct archive *a);
	const char *message; /* the stable prefix */
};

static void no_newc(struct archive *x) { memcpy(x->buf, "\x1f\x8b\x08\x00", 4); }
static void bad_magic(struct archive *x) { x->buf[kernel_header + 5] = '2'; } /* 070702: crc cpio */
static void bad_hex(struct archive *x) { x->buf[6 + 8 * NEWC_FILESIZE + 3] = 'g'; } /* first member's size */
static void no_trailer(struct archive *x)
{
	memset(x, 0, sizeof(*x));
	member(x, "vmlinuz", 0100644, kernel_bytes, sizeof(kernel_bytes));
}

static void kernel_past_end(struct archive *x) { memcpy(x->buf + kernel_header + 6 + 8 * NEWC_FILESIZE, "00100000", 8); }
static void name_past_end(struct archive *x) { memcpy(x->buf + 6 + 8 * NEWC_NAMESIZE, "00100000", 8); }
static void name_zero(struct archive *x) { memcpy(x->buf + 6 + 8 * NEWC_NAMESIZE, "00000000", 8); }
static void symlink_first(struct archive *x) { memcpy(x->buf + 6 + 8 * NEWC_MODE, "0000a1ff", 8); }
static void kernel_is_dir(struct archive *x) { memcpy(x->buf + kernel_header + 6 + 8 * NEWC_MODE, "000041ff", 8); }

static void empty_kernel(struct archive *x)
{
	memset(x, 0, sizeof(*x));
	member(x, "vmlinuz", 0100644, "", 0);
	member(x, NEWC_TRAILER, 0, "", 0);
}

static void nul_in_name(struct archive *x) { x->buf[kernel_header + NEWC_HEADER_SIZE + 4] = '\0'; } /* "boot\0vmlinuz" */

static const struct bad_case bad_cases[] = {
	{ "not newc", no_newc, "initrd: does not start with a newc: member" },
	{ "crc magic", bad_magic, "initrd: cpio magic 30 37 30 37 30 32 at offset 0x74 is not newc's" },
	{ "hex", bad_hex, "initrd: cpio c_filesize at offset 0x36 is not 8 hex digits" },
	{ "no trailer", no_trailer, "initrd: no TRAILER!!! after the newc: members" },
	{ "kernel past end", kernel_past_end, "initrd: cpio member 'boot/vmlinuz' of 1048576 bytes at offset 0x74 runs past" },
	{ "name past end", name_past_end, "initrd: cpio c_namesize 1048576 at offset 0x0" },
	{ "name size 0", name_zero, "initrd: cpio c_namesize 0 at offset 0x0" },
	{ "symlink", symlink_first, "initrd: cpio member 'boot' at offset 0x0 has mode 0xa1ff" },
	{ "no kernel", kernel_is_dir, "initrd: the newc: members end (TRAILER!!! at offset 0x" },
	{ "empty kernel", empty_kernel, "initrd: the kernel member 'vmlinuz' is empty" },
	{ "NUL in name", nul_in_name, "initrd: cpio name at offset 0xe2 is empty or holds a NUL" },
};

static void each_bad_framing_has_its_own_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct cl_error err = { "" };
		grub_archive(&a, false, false);
		c->corrupt(&a);
		print_message("case %s\n", c->name);
		assert_int_equal(newc_split(a.buf, a.len, &s, &err), -1);
		if (strncmp(err.msg, c->message, strlen(c->message)) != 0)
			fail_msg("%s: '%s' does not start with '%s'", c->name, err.msg, c->message);
	}
}

static void truncation_at_every_length_fails_cleanly(void **state)
{
	(void)state;
	struct cl_error err;
	grub_archive(&a, true, true);
	size_t whole_newc = a.len - sizeof(initrd_bytes); /* up to the trailer's end */
	for (size_t n = 0; n < whole_newc; n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan catches any over-read */
		memcpy(copy, a.buf, n);
		assert_int_equal(newc_split(copy, n, &s, &err), -1);
		free(copy);
	}
}

static void splits_the_command_line(void **state)
{
	(void)state;
	struct stub_cmdline c;
	struct cl_error err;
	char line[] = "BOOT_IMAGE=/boot/chainloader.efi verbose entry=64 -- root=/dev/vda ro \"cl.quoted=a b\" --x";
	assert_int_equal(stub_cmdline_split(line, &c, &err), 0);
	assert_string_equal(c.boot_image, "/boot/chainloader.efi");
	assert_string_equal(c.options, "verbose entry=64 ");
	assert_string_equal(c.kernel, "root=/dev/vda ro \"cl.quoted=a b\" --x");

	char bare[] = "BOOT_IMAGE=(hd0,gpt2)/chainloader.efi --";
	assert_int_equal(stub_cmdline_split(bare, &c, &err), 0);
	assert_string_equal(c.boot_image, "(hd0,gpt2)/chainloader.efi");
	assert_string_equal(c.options, "");
	assert_string_equal(c.kernel, "");

	char no_boot_image[] = "quiet --  two  spaces kept";
	assert_int_equal(stub_cmdline_split(no_boot_image, &c, &err), 0);
	assert_string_equal(c.boot_image, "");
	assert_string_equal(c.options, "quiet ");
	assert_string_equal(c.kernel, " two  spaces kept"); /* only the blank ending "--" goes */

	char first_only[] = "BOOT_IMAGE=/x -- a -- b"; /* the first lone "--" splits */
	assert_int_equal(stub_cmdline_split(first_only, &c, &err), 0);
	assert_string_equal(c.kernel, "a -- b");
}

static void a_command_line_without_the_separator(void **state)
{
	(void)state;
	struct stub_cmdline c;
	struct cl_error err;
	static const char *const bad[] = { "BOOT_IMAGE=/boot/chainloader.efi root=/dev/vda", "", "--verbose",
					   "verbose --- root=/dev/vda", "BOOT_IMAGE=/x--" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[128];
		(void)snprintf(line, sizeof(line), "%s", bad[i]);
		assert_int_equal(stub_cmdline_split(line, &c, &err), -1);
		assert_string_equal(err.msg, "command line: no \"--\" between the loader options and the kernel's "
					     "(linux /boot/chainloader.efi [options] -- <kernel command line>)");
	}
}

/* stub_cmdline_from_utf16 on `units` units of in, into out[cap]: its status and message. */
static int from_utf16(const uint16_t *in, uint64_t units, char *out, size_t cap, struct cl_error *err)
{
	memset(out, 'X', cap);
	err->msg[0] = '\0';
	return stub_cmdline_from_utf16(in, units, out, cap, err);
}

static void converts_ascii_and_stops_at_the_first_zero(void **state)
{
	(void)state;
	char out[64];
	struct cl_error err;
	/* GRUB 2.12: (strlen + 1) units, the NUL among them. */
	static const uint16_t line[] = { 'a', ' ', '-', '-', ' ', 'b', 0 };
	assert_int_equal(from_utf16(line, 7, out, sizeof(out), &err), 0);
	assert_string_equal(out, "a -- b");
	/* Without the NUL unit: all of them. */
	assert_int_equal(from_utf16(line, 6, out, sizeof(out), &err), 0);
	assert_string_equal(out, "a -- b");
	/* Units after the first 0 are not read: no error from the lone surrogate there. */
	static const uint16_t stop[] = { 'o', 'k', 0, 0xD800, 'x' };
	assert_int_equal(from_utf16(stop, 5, out, sizeof(out), &err), 0);
	assert_string_equal(out, "ok");
	/* No units, or no options at all. */
	assert_int_equal(from_utf16(NULL, 0, out, sizeof(out), &err), 0);
	assert_string_equal(out, "");
}

static void converts_the_bmp_and_surrogate_pairs_to_utf8(void **state)
{
	(void)state;
	char out[64];
	struct cl_error err;
	/* é (2 bytes), € (3 bytes), U+FFFF (3 bytes), then U+1F600 and U+10FFFF (4 bytes each). */
	static const uint16_t line[] = { 0x00E9, 0x20AC, 0xFFFF, 0xD83D, 0xDE00, 0xDBFF, 0xDFFF, 0 };
	assert_int_equal(from_utf16(line, 8, out, sizeof(out), &err), 0);
	assert_string_equal(out, "\xC3\xA9\xE2\x82\xAC\xEF\xBF\xBF\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
	static const uint16_t edges[] = { 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0 };
	assert_int_equal(from_utf16(edges, 7, out, sizeof(out), &err), 0);
	assert_string_equal(out, "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80");
}

static void refuses_lone_surrogates(void **state)
{
	(void)state;
	char out[64];
	struct cl_error err;
	static const uint16_t high_then_ascii[] = { 'a', 0xD83D, 'b', 0 };
	assert_int_equal(from_utf16(high_then_ascii, 4, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "command line: UTF-16 high surrogate 0xd83d at unit 1 without its low one");
	static const uint16_t high_last[] = { 'a', 'b', 0xDBFF }; /* the units end after it */
	assert_int_equal(from_utf16(high_last, 3, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "command line: UTF-16 high surrogate 0xdbff at unit 2 without its low one");
	static const uint16_t high_then_nul[] = { 0xD800, 0 };
	assert_int_equal(from_utf16(high_then_nul, 2, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "command line: UTF-16 high surrogate 0xd800 at unit 0 without its low one");
	static const uint16_t two_highs[] = { 0xD800, 0xD800, 0xDC00, 0 };
	assert_int_equal(from_utf16(two_highs, 4, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "command line: UTF-16 high surrogate 0xd800 at unit 0 without its low one");
	static const uint16_t low_first[] = { 'x', 0xDE00, 0 };
	assert_int_equal(from_utf16(low_first, 3, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "command line: UTF-16 low surrogate 0xde00 at unit 1 without a high one");
	static const uint16_t pair_then_low[] = { 0xD83D, 0xDE00, 0xDFFF, 0 };
	assert_int_equal(from_utf16(pair_then_low, 4, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "command line: UTF-16 low surrogate 0xdfff at unit 2 without a high one");
}

static void refuses_a_line_that_does_not_fit(void **state)
{
	(void)state;
	struct cl_error err;
	static uint16_t line[STUB_CMDLINE_MAX + 1];
	static char out[STUB_CMDLINE_MAX];
	for (size_t i = 0; i < STUB_CMDLINE_MAX; i++)
		line[i] = 'x';
	/* 4095 characters and the NUL fit exactly. */
	line[STUB_CMDLINE_MAX - 1] = 0;
	assert_int_equal(from_utf16(line, STUB_CMDLINE_MAX, out, sizeof(out), &err), 0);
	assert_int_equal(strlen(out), STUB_CMDLINE_MAX - 1);
	/* 4096 do not. */
	line[STUB_CMDLINE_MAX - 1] = 'x';
	line[STUB_CMDLINE_MAX] = 0;
	assert_int_equal(from_utf16(line, STUB_CMDLINE_MAX + 1, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "command line: longer than the 4095 bytes chainloader.efi takes (4097 UTF-16 units)");
	/* A character whose UTF-8 would cross the end: é at bytes 4094..4095. */
	line[STUB_CMDLINE_MAX - 2] = 0x00E9;
	line[STUB_CMDLINE_MAX - 1] = 0;
	assert_int_equal(from_utf16(line, STUB_CMDLINE_MAX, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "command line: longer than the 4095 bytes chainloader.efi takes (4096 UTF-16 units)");
	/* A 4-byte character where only 3 bytes are left. */
	char small[4];
	static const uint16_t emoji[] = { 0xD83D, 0xDE00, 0 };
	assert_int_equal(from_utf16(emoji, 3, small, sizeof(small), &err), -1);
	assert_string_equal(err.msg, "command line: longer than the 3 bytes chainloader.efi takes (3 UTF-16 units)");
	char five[5];
	assert_int_equal(from_utf16(emoji, 3, five, sizeof(five), &err), 0);
	assert_string_equal(five, "\xF0\x9F\x98\x80");
	assert_int_equal(stub_cmdline_from_utf16(emoji, 3, five, 0, &err), -1);
	assert_string_equal(err.msg, "command line: no room for it");
}

/* stub_inputs_split over a copy of `line` and the archive in an exact-size buffer. */
static int inputs(const char *line, const struct archive *x, struct stub_inputs *in, struct cl_error *err)
{
	char copy[256];
	(void)snprintf(copy, sizeof(copy), "%s", line);
	uint8_t *buf = malloc(x->len ? x->len : 1);
	memcpy(buf, x->buf, x->len);
	err->msg[0] = '\0';
	int rc = stub_inputs_split(copy, buf, x->len, in, err);
	if (rc == 0) { /* the strings point into copy: check them here */
		assert_string_equal(in->cmdline.options, "verbose ");
		assert_string_equal(in->cmdline.kernel, "root=/dev/vda ro");
	}
	free(buf);
	return rc;
}

static const char good_line[] = "BOOT_IMAGE=/boot/chainloader.efi verbose -- root=/dev/vda ro";

static void inputs_on_grub_2_12_take_the_rest_of_the_archive(void **state)
{
	(void)state;
	struct stub_inputs in;
	struct cl_error err;
	for (int extra = 0; extra <= 1; extra++) {
		grub_archive(&a, true, extra);
		assert_int_equal(inputs(good_line, &a, &in, &err), 0);
		assert_int_equal(in.kernel, (kernel_header + NEWC_HEADER_SIZE + 13 + 3) & ~3u); /* past "boot/vmlinuz\0", padded */
		assert_int_equal(in.kernel_size, sizeof(kernel_bytes));
		assert_memory_equal(a.buf + in.kernel, kernel_bytes, sizeof(kernel_bytes));
		assert_int_equal(in.initrd + in.initrd_size, a.len);
		assert_int_equal(in.newc.extra_count, extra ? 2 : 0);
		if (extra) { /* the extras, the trailer, then the plain file */
			assert_int_equal(in.initrd, in.newc.after_kernel);
			assert_memory_equal(a.buf + in.initrd, "070701", 6);
		} else { /* the plain file alone, as GRUB's own linux hands it */
			assert_int_equal(in.initrd, in.newc.rest);
			assert_int_equal(in.initrd_size, sizeof(initrd_bytes));
			assert_memory_equal(a.buf + in.initrd, initrd_bytes, sizeof(initrd_bytes));
		}
	}
}

static void inputs_on_grub_2_06_take_the_plain_files(void **state)
{
	(void)state;
	struct stub_inputs in;
	struct cl_error err;
	grub_archive(&a, false, false);
	assert_int_equal(inputs(good_line, &a, &in, &err), 0);
	assert_int_equal(in.kernel, (kernel_header + NEWC_HEADER_SIZE + 12 + 3) & ~3u); /* past "boot/vmlinuz", padded */
	assert_int_equal(in.kernel_size, sizeof(kernel_bytes));
	assert_int_equal(in.initrd, in.newc.rest);
	assert_int_equal(in.initrd_size, sizeof(initrd_bytes));
	assert_memory_equal(a.buf + in.initrd, initrd_bytes, sizeof(initrd_bytes));
	/* newc: members only: no initrd for the kernel. */
	memset(&a, 0, sizeof(a));
	member(&a, "vmlinuz", 0100644, kernel_bytes, sizeof(kernel_bytes));
	member(&a, NEWC_TRAILER, 0, "", 0);
	assert_int_equal(inputs(good_line, &a, &in, &err), 0);
	assert_int_equal(in.initrd, a.len);
	assert_int_equal(in.initrd_size, 0);
}

static void inputs_refuse_each_way_with_its_message(void **state)
{
	(void)state;
	struct stub_inputs in;
	struct cl_error err;
	grub_archive(&a, false, true); /* GRUB 2.06 with a newc: member after the kernel's */
	assert_int_equal(inputs(good_line, &a, &in, &err), -1);
	assert_string_equal(err.msg, "initrd: 2 newc: members after the kernel's, and GRUB wrote their names without the NUL "
				     "Linux needs (GRUB 2.06): pass other files as plain initrd paths");
	memset(&a, 0, sizeof(a));
	member(&a, "vmlinuz", 0100644, kernel_bytes, sizeof(kernel_bytes));
	member(&a, "x.conf", 0100644, "k=v\n", 4);
	member(&a, NEWC_TRAILER, 0, "", 0);
	assert_int_equal(inputs(good_line, &a, &in, &err), -1);
	assert_string_equal(err.msg, "initrd: 1 newc: member after the kernel's, and GRUB wrote their names without the NUL "
				     "Linux needs (GRUB 2.06): pass other files as plain initrd paths");
	/* The command line is checked first. */
	grub_archive(&a, true, false);
	a.buf[0] = 'x';
	assert_int_equal(inputs("BOOT_IMAGE=/boot/chainloader.efi root=/dev/vda", &a, &in, &err), -1);
	assert_string_equal(err.msg, "command line: no \"--\" between the loader options and the kernel's "
				     "(linux /boot/chainloader.efi [options] -- <kernel command line>)");
	assert_int_equal(inputs(good_line, &a, &in, &err), -1);
	assert_string_equal(err.msg, "initrd: does not start with a newc: member (the kernel: initrd newc:vmlinuz:/boot/vmlinuz ...)");
	/* No initrd at all. */
	char line[] = "BOOT_IMAGE=/x --";
	assert_int_equal(stub_inputs_split(line, NULL, 0, &in, &err), -1);
	assert_string_equal(err.msg, "initrd: GRUB passed none; chainloader.efi takes the kernel from it: initrd "
				     "newc:vmlinuz:/boot/vmlinuz-VERSION [/boot/initrd.img-VERSION]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(splits_grub_2_06_and_2_12_archives),
		cmocka_unit_test(keeps_the_members_after_the_kernel),
		cmocka_unit_test(an_archive_of_newc_members_only),
		cmocka_unit_test(each_bad_framing_has_its_own_message),
		cmocka_unit_test(truncation_at_every_length_fails_cleanly),
		cmocka_unit_test(splits_the_command_line),
		cmocka_unit_test(a_command_line_without_the_separator),
		cmocka_unit_test(converts_ascii_and_stops_at_the_first_zero),
		cmocka_unit_test(converts_the_bmp_and_surrogate_pairs_to_utf8),
		cmocka_unit_test(refuses_lone_surrogates),
		cmocka_unit_test(refuses_a_line_that_does_not_fit),
		cmocka_unit_test(inputs_on_grub_2_12_take_the_rest_of_the_archive),
		cmocka_unit_test(inputs_on_grub_2_06_take_the_plain_files),
		cmocka_unit_test(inputs_refuse_each_way_with_its_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
