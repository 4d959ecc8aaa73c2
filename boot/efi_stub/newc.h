/* The initrd GRUB's `linux`/`initrd` commands hand chainloader.efi:
 * `initrd newc:vmlinuz:/boot/vmlinuz /boot/initrd.img` makes GRUB
 * (grub-core/loader/linux.c) write a cpio "newc" archive — a directory entry
 * for each path component of a member's name, the member, and after the last
 * newc: member a TRAILER!!! entry — followed by the plain files, each 4-byte
 * aligned. GRUB 2.06 writes each name without its NUL (namesize is strlen),
 * 2.12 with it. The first regular file is the kernel; what follows it goes to
 * the kernel as its initrd. Pure C: host-tested and fuzzed. */
#ifndef CHAINLOADER_NEWC_H
#define CHAINLOADER_NEWC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A newc header: "070701" and 13 fields of 8 hex digits (SVR4 cpio, as in
 * the kernel's Documentation/driver-api/early-userspace/buffer-format.rst). */
#define NEWC_HEADER_SIZE 110u
#define NEWC_FIELD_COUNT 13u
#define NEWC_ALIGN 4u
#define NEWC_TRAILER "TRAILER!!!"
#define NEWC_MAX_EXTRA 16u

/* The fields, in header order. */
enum newc_field {
	NEWC_INO, NEWC_MODE, NEWC_UID, NEWC_GID, NEWC_NLINK, NEWC_MTIME, NEWC_FILESIZE,
	NEWC_DEVMAJOR, NEWC_DEVMINOR, NEWC_RDEVMAJOR, NEWC_RDEVMINOR, NEWC_NAMESIZE, NEWC_CHECK,
};

#define NEWC_MODE_TYPE 0170000u
#define NEWC_MODE_DIR 0040000u
#define NEWC_MODE_FILE 0100000u

struct newc_member {
	const char *name;     /* inside the archive; not NUL-terminated in GRUB 2.06's */
	uint32_t name_len;    /* without a NUL */
	uint32_t mode;
	uint64_t header;      /* offset of its header */
	uint64_t data, size;  /* offset and length of its bytes */
};

struct newc_split {
	struct newc_member kernel;  /* the first regular file */
	uint64_t after_kernel;      /* past the kernel's bytes and their padding */
	size_t extra_count;         /* members after the kernel, before the trailer */
	struct newc_member extra[NEWC_MAX_EXTRA];
	bool names_terminated;      /* every name had its NUL (GRUB 2.12): the archive
				     * from after_kernel on is one the kernel can read */
	uint64_t rest;              /* past the TRAILER!!! entry: the plain files */
};

/* Splits the initrd [buf, buf + size) into the kernel member, the newc
 * members after it, and the plain files after the trailer. Fails, naming the
 * offset and the values, on any framing the archive GRUB writes cannot have. */
int newc_split(const uint8_t *buf, uint64_t size, struct newc_split *out, struct cl_error *err);

#endif
