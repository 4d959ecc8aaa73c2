/* chainloader.efi's inputs from GRUB's linux/initrd commands: the newc:
 * initrd split (boot/efi_stub/newc.c) over archives laid out as GRUB 2.06
 * and 2.12 write them (grub-core/loader/linux.c), and the command line split
 * (boot/efi_stub/cmdline.c). */
#include "cmocka_all.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/efi_stub/cmdline.h"
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
