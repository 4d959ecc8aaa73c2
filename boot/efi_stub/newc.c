/* GRUB's newc: initrd split into kernel, members and plain files
 * (boot/efi_stub/newc.h). Every offset is checked against the buffer before
 * it is read; sizes come from 8-digit hex fields, so below 2^32 each, and
 * their sums stay far below 2^64. */
#include "boot/efi_stub/newc.h"

#include <string.h>

static const char newc_magic[6] = { '0', '7', '0', '7', '0', '1' };
static const char *const field_names[NEWC_FIELD_COUNT] = {
	"c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime", "c_filesize",
	"c_devmajor", "c_devminor", "c_rdevmajor", "c_rdevminor", "c_namesize", "c_check",
};

static uint64_t align4(uint64_t v)
{
	return (v + NEWC_ALIGN - 1) & ~(uint64_t)(NEWC_ALIGN - 1);
}

static int hex_field(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < 8; i++) {
		uint8_t c = p[i], d;
		if (c >= '0' && c <= '9')
			d = (uint8_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (uint8_t)((c | 0x20) - 'a' + 10);
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* One header and its name and data at `off`: m filled, *next past its padding. */
static int read_member(const uint8_t *buf, uint64_t size, uint64_t off, struct newc_member *m, uint64_t *next,
		       bool *terminated, struct cl_error *err)
{
	if (size - off < NEWC_HEADER_SIZE)
		return cl_fail(err, "initrd: cpio header at offset 0x%llx runs past the initrd's %llu bytes",
			       (unsigned long long)off, (unsigned long long)size);
	const uint8_t *h = buf + off;
	if (memcmp(h, newc_magic, sizeof(newc_magic)) != 0)
		return cl_fail(err, "initrd: cpio magic %02x %02x %02x %02x %02x %02x at offset 0x%llx is not newc's \"070701\"",
			       h[0], h[1], h[2], h[3], h[4], h[5], (unsigned long long)off);
	uint32_t f[NEWC_FIELD_COUNT];
	for (unsigned i = 0; i < NEWC_FIELD_COUNT; i++)
		if (hex_field(h + sizeof(newc_magic) + 8 * i, &f[i]))
			return cl_fail(err, "initrd: cpio %s at offset 0x%llx is not 8 hex digits", field_names[i],
				       (unsigned long long)(off + sizeof(newc_magic) + 8 * i));
	uint64_t name = off + NEWC_HEADER_SIZE, namesize = f[NEWC_NAMESIZE];
	if (namesize == 0 || namesize > size - name)
		return cl_fail(err, "initrd: cpio c_namesize %llu at offset 0x%llx: the name must fit the initrd's %llu bytes",
			       (unsigned long long)namesize, (unsigned long long)off, (unsigned long long)size);
	const char *n = (const char *)buf + name;
	bool nul = n[namesize - 1] == '\0';
	uint32_t len = (uint32_t)(namesize - nul);
	if (len == 0 || memchr(n, '\0', len))
		return cl_fail(err, "initrd: cpio name at offset 0x%llx is empty or holds a NUL", (unsigned long long)name);
	*terminated = *terminated && nul;
	uint64_t data = align4(name + namesize);
	if (data > size || f[NEWC_FILESIZE] > size - data)
		return cl_fail(err, "initrd: cpio member '%.*s' of %u bytes at offset 0x%llx runs past the initrd's %llu bytes",
			       (int)len, n, f[NEWC_FILESIZE], (unsigned long long)off, (unsigned long long)size);
	*m = (struct newc_member){ n, len, f[NEWC_MODE], off, data, f[NEWC_FILESIZE] };
	*next = align4(data + m->size);
	return 0;
}

static bool is_trailer(const struct newc_member *m)
{
	return m->name_len == sizeof(NEWC_TRAILER) - 1 && memcmp(m->name, NEWC_TRAILER, m->name_len) == 0;
}

int newc_split(const uint8_t *buf, uint64_t size, struct newc_split *out, struct cl_error *err)
{
	memset(out, 0, sizeof(*out));
	out->names_terminated = true;
	if (size < sizeof(newc_magic) || memcmp(buf, newc_magic, sizeof(newc_magic)) != 0)
		return cl_fail(err, "initrd: does not start with a newc: member (the kernel: initrd newc:vmlinuz:/boot/vmlinuz ...)");
	uint64_t off = 0, next = 0;
	struct newc_member m = { 0 };
	bool have_kernel = false;
	while (off < size) {
		if (read_member(buf, size, off, &m, &next, &out->names_terminated, err))
			return -1;
		uint32_t type = m.mode & NEWC_MODE_TYPE;
		if (is_trailer(&m)) {
			if (!have_kernel)
				return cl_fail(err, "initrd: the newc: members end (TRAILER!!! at offset 0x%llx) before a regular file: no kernel member",
					       (unsigned long long)off);
			out->rest = next < size ? next : size;
			return 0;
		}
		if (type != NEWC_MODE_DIR && type != NEWC_MODE_FILE)
			return cl_fail(err, "initrd: cpio member '%.*s' at offset 0x%llx has mode 0x%x: neither a file nor a directory",
				       (int)m.name_len, m.name, (unsigned long long)off, m.mode);
		if (!have_kernel && type == NEWC_MODE_FILE) {
			if (m.size == 0)
				return cl_fail(err, "initrd: the kernel member '%.*s' is empty", (int)m.name_len, m.name);
			out->kernel = m;
			out->after_kernel = next < size ? next : size;
			have_kernel = true;
		} else if (have_kernel) {
			if (out->extra_count == NEWC_MAX_EXTRA)
				return cl_fail(err, "initrd: more than %u newc: members after the kernel", NEWC_MAX_EXTRA);
			out->extra[out->extra_count++] = m;
		}
		off = next;
	}
	return cl_fail(err, "initrd: no TRAILER!!! after the newc: members (the archive ends at %llu bytes)",
		       (unsigned long long)size);
}
