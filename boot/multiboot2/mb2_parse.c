/* Multiboot2 information -> struct boot_info, checking every length before use. */
#include <stdbool.h>
#include <string.h>

#include "abi/multiboot2.h"
#include "boot_info.h"

#define ALIGN_UP8(x) (((x) + 7u) & ~(uint64_t)7u)

/* A NUL must end the string inside its tag. */
static const char *tag_string(const uint8_t *tag, uint32_t tag_size, uint32_t offset)
{
	if (tag_size <= offset)
		return NULL;
	if (!memchr(tag + offset, '\0', tag_size - offset))
		return NULL;
	return (const char *)(tag + offset);
}

static int parse_mmap(const uint8_t *tag, uint32_t size, struct boot_info *out,
		      struct cl_error *err)
{
	if (size < sizeof(struct mb2_tag_mmap))
		return cl_fail(err, "multiboot2: memory map tag size %u is below %u", size,
			       (unsigned)sizeof(struct mb2_tag_mmap));
	struct mb2_tag_mmap hdr;
	memcpy(&hdr, tag, sizeof(hdr));
	if (hdr.entry_size < sizeof(struct mb2_mmap_entry) || hdr.entry_size % 8)
		return cl_fail(err, "multiboot2: memory map entry_size %u (need a multiple of 8, >= %u)",
			       hdr.entry_size, (unsigned)sizeof(struct mb2_mmap_entry));
	uint32_t n = (size - (uint32_t)sizeof(hdr)) / hdr.entry_size;
	for (uint32_t i = 0; i < n; i++) {
		struct mb2_mmap_entry e;
		memcpy(&e, tag + sizeof(hdr) + (size_t)i * hdr.entry_size, sizeof(e));
		if (e.length == 0)
			continue;
		uint64_t end;
		if (__builtin_add_overflow(e.base_addr, e.length, &end))
			return cl_fail(err, "multiboot2: memory map entry %u base 0x%llx + length 0x%llx overflows",
				       i, (unsigned long long)e.base_addr, (unsigned long long)e.length);
		if (out->mmap_count == BOOT_INFO_MAX_MMAP)
			return cl_fail(err, "multiboot2: more than %u memory map entries",
				       BOOT_INFO_MAX_MMAP);
		out->mmap[out->mmap_count++] = (struct mmap_entry){ e.base_addr, end, e.type };
	}
	return 0;
}

static int parse_module(const uint8_t *tag, uint32_t size, struct boot_info *out,
			struct cl_error *err)
{
	unsigned index = (unsigned)out->module_count + 1;
	if (size < sizeof(struct mb2_tag_module) + 1)
		return cl_fail(err, "multiboot2: module %u tag size %u is below %u", index, size,
			       (unsigned)sizeof(struct mb2_tag_module) + 1);
	struct mb2_tag_module m;
	memcpy(&m, tag, sizeof(m));
	const char *s = tag_string(tag, size, offsetof(struct mb2_tag_module, string));
	if (!s)
		return cl_fail(err, "multiboot2: module %u string is not NUL-terminated in its tag", index);
	if (m.mod_start >= m.mod_end)
		return cl_fail(err, "multiboot2: module %u is empty or inverted: mod_start 0x%x, mod_end 0x%x",
			       index, m.mod_start, m.mod_end);
	if (out->module_count == BOOT_INFO_MAX_MODULES)
		return cl_fail(err, "multiboot2: more than %u modules", BOOT_INFO_MAX_MODULES);
	/* Physical memory is identity-mapped while the loader runs. */
	out->modules[out->module_count++] =
		(struct boot_module){ m.mod_start, m.mod_end, (const uint8_t *)(uintptr_t)m.mod_start, s };
	return 0;
}

static int parse_framebuffer(const uint8_t *tag, uint32_t size, struct boot_info *out, struct cl_error *err)
{
	struct mb2_tag_framebuffer fb;
	if (size < offsetof(struct mb2_tag_framebuffer, red_pos))
		return cl_fail(err, "multiboot2: framebuffer tag size %u is below %u", size,
			       (unsigned)offsetof(struct mb2_tag_framebuffer, red_pos));
	memset(&fb, 0, sizeof(fb));
	memcpy(&fb, tag, size < sizeof(fb) ? size : sizeof(fb));
	/* Only a linear RGB framebuffer is of use (EGA text is the VGA console). */
	if (fb.type != MB2_FRAMEBUFFER_TYPE_RGB || size < sizeof(fb))
		return 0;
	uint64_t bytes;
	if (!fb.width || !fb.height || !fb.bpp || fb.pitch < (uint64_t)fb.width * ((fb.bpp + 7u) / 8u) ||
	    __builtin_mul_overflow((uint64_t)fb.pitch, fb.height, &bytes) || fb.addr + bytes < fb.addr)
		return cl_fail(err, "multiboot2: framebuffer %ux%u, %u bpp, pitch %u at 0x%llx is not consistent",
			       fb.width, fb.height, fb.bpp, fb.pitch, (unsigned long long)fb.addr);
	out->has_framebuffer = true;
	out->framebuffer = (struct boot_framebuffer){ fb.addr, fb.pitch, fb.width, fb.height, fb.bpp,
						      fb.red_pos, fb.red_size, fb.green_pos, fb.green_size,
						      fb.blue_pos, fb.blue_size };
	return 0;
}

static int parse_efi_mmap(const uint8_t *tag, uint32_t size, struct boot_info *out, struct cl_error *err)
{
	struct mb2_tag_efi_mmap h;
	if (size < sizeof(h))
		return cl_fail(err, "multiboot2: EFI memory map tag size %u is below %u", size, (unsigned)sizeof(h));
	memcpy(&h, tag, sizeof(h));
	/* An EFI memory descriptor is 40 bytes at least; firmware may make it longer. */
	if (h.descr_size < 40 || h.descr_size % 8)
		return cl_fail(err, "multiboot2: EFI memory descriptor size %u (need a multiple of 8, >= 40)",
			       h.descr_size);
	out->efi_mmap = tag + sizeof(h);
	out->efi_mmap_size = (size - (uint32_t)sizeof(h)) / h.descr_size * h.descr_size;
	out->efi_desc_size = h.descr_size;
	out->efi_desc_version = h.descr_vers;
	return 0;
}

static void parse_acpi(const uint8_t *tag, uint32_t size, uint32_t type, struct boot_info *out)
{
	/* A copy of the RSDP: 20 bytes (ACPI 1.0) or its length field (2.0+). Prefer the new one. */
	if (size < sizeof(struct mb2_tag) + 20 || (out->acpi_rsdp && type == MB2_TAG_ACPI_OLD))
		return;
	out->acpi_rsdp = tag + sizeof(struct mb2_tag);
	out->acpi_rsdp_size = size - (uint32_t)sizeof(struct mb2_tag);
}

/* Calls visit for every tag before the end tag, each inside total_size; stops at
 * the first visit that fails. */
typedef int (*tag_visitor)(void *ctx, uint32_t type, const uint8_t *tag, uint32_t size, struct cl_error *err);

static int walk_tags(const uint8_t *base, uint64_t mbi_phys, size_t avail, uint32_t *total_out,
		     tag_visitor visit, void *ctx, struct cl_error *err)
{
	if (mbi_phys % MB2_INFO_ALIGN)
		return cl_fail(err, "multiboot2: information at 0x%llx is not 8-byte aligned",
			       (unsigned long long)mbi_phys);
	if (avail < sizeof(struct mb2_info_header))
		return cl_fail(err, "multiboot2: information needs 8 bytes, %llu available",
			       (unsigned long long)avail);
	struct mb2_info_header hdr;
	memcpy(&hdr, base, sizeof(hdr));
	uint32_t total = hdr.total_size;
	if (total < sizeof(hdr) + sizeof(struct mb2_tag) || total > avail)
		return cl_fail(err, "multiboot2: total_size %u outside [%u, %llu]", total,
			       (unsigned)(sizeof(hdr) + sizeof(struct mb2_tag)), (unsigned long long)avail);
	*total_out = total;
	for (uint64_t off = sizeof(hdr);;) {
		if (off + sizeof(struct mb2_tag) > total)
			return cl_fail(err, "multiboot2: tag at offset %llu runs past total_size %u (no end tag)",
				       (unsigned long long)off, total);
		struct mb2_tag tag;
		memcpy(&tag, base + off, sizeof(tag));
		if (tag.size < sizeof(tag) || off + tag.size > total)
			return cl_fail(err, "multiboot2: tag type %u at offset %llu has size %u, outside total_size %u",
				       tag.type, (unsigned long long)off, tag.size, total);
		if (tag.type == MB2_TAG_END)
			return 0;
		if (visit(ctx, tag.type, base + off, tag.size, err))
			return -1;
		off = ALIGN_UP8(off + tag.size); /* off + size <= total < 2^32: no overflow */
	}
}

static int read_u64_tag(const uint8_t *t, uint32_t size, const char *what, uint64_t *out, struct cl_error *err)
{
	if (size < sizeof(struct mb2_tag) + sizeof(uint64_t))
		return cl_fail(err, "multiboot2: %s tag size %u is below 16", what, size);
	memcpy(out, t + sizeof(struct mb2_tag), sizeof(uint64_t));
	return 0;
}

static int parse_tag(void *ctx, uint32_t type, const uint8_t *t, uint32_t size, struct cl_error *err)
{
	struct boot_info *out = ctx;
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_BOOT_LOADER_NAME: {
		const char *s = tag_string(t, size, offsetof(struct mb2_tag_string, string));
		if (!s)
			return cl_fail(err, "multiboot2: tag type %u string is not NUL-terminated", type);
		if (type == MB2_TAG_CMDLINE)
			out->loader_cmdline = s;
		else
			out->loader_name = s;
		return 0;
	}
	case MB2_TAG_MODULE:
		return parse_module(t, size, out, err);
	case MB2_TAG_MMAP:
		return parse_mmap(t, size, out, err);
	case MB2_TAG_FRAMEBUFFER:
		return parse_framebuffer(t, size, out, err);
	case MB2_TAG_EFI64:
		return read_u64_tag(t, size, "EFI64", &out->efi_system_table, err);
	case MB2_TAG_EFI64_IH:
		return read_u64_tag(t, size, "EFI64 image handle", &out->efi_image_handle, err);
	case MB2_TAG_EFI_MMAP:
		return parse_efi_mmap(t, size, out, err);
	case MB2_TAG_EFI_BS:
		out->efi_boot_services = true;
		return 0;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		parse_acpi(t, size, type, out);
		return 0;
	case MB2_TAG_SMBIOS:
		/* major, minor, 6 reserved bytes, then the entry point copy */
		if (size >= sizeof(struct mb2_tag) + 8) {
			out->smbios_major = t[sizeof(struct mb2_tag)];
			out->smbios_minor = t[sizeof(struct mb2_tag) + 1];
		}
		return 0;
	default:
		return 0; /* tags we do not use yet */
	}
}

int mb2_parse(const void *mbi, uint64_t mbi_phys, size_t avail, struct boot_info *out,
	      struct cl_error *err)
{
	memset(out, 0, sizeof(*out));
	uint32_t total;
	if (walk_tags(mbi, mbi_phys, avail, &total, parse_tag, out, err))
		return -1;
	out->mbi = (struct mem_range){ mbi_phys, mbi_phys + total };
	/* With the boot services kept GRUB passes no memory map: the UEFI entry
	 * takes the final one from the firmware itself. */
	if (out->mmap_count == 0 && !out->efi_boot_services)
		return cl_fail(err, "multiboot2: no memory map tag (type %u)", MB2_TAG_MMAP);
	return 0;
}

static int efi_handles_tag(void *ctx, uint32_t type, const uint8_t *t, uint32_t size, struct cl_error *err)
{
	struct mb2_efi_handles *h = ctx;
	if (type == MB2_TAG_EFI64)
		return read_u64_tag(t, size, "EFI64", &h->system_table, err);
	if (type == MB2_TAG_EFI64_IH)
		return read_u64_tag(t, size, "EFI64 image handle", &h->image_handle, err);
	return 0;
}

int mb2_efi_handles(const void *mbi, uint64_t mbi_phys, size_t avail, struct mb2_efi_handles *out,
		    struct cl_error *err)
{
	uint32_t total;
	*out = (struct mb2_efi_handles){ 0, 0 };
	return walk_tags(mbi, mbi_phys, avail, &total, efi_handles_tag, out, err);
}
