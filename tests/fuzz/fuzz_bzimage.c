/* libFuzzer harness: the bzImage header checks (loader/format/bzimage_header.c: those of
 * every entry, then the protected-mode entries') and, for an accepted header,
 * the zero page built from it (loader/handoff/zeropage.c). The input is the kernel module. */
#include <string.h>

#include "loader/handoff/zeropage.h"
#include "loader/format/bzimage.h"
#include "fuzz_common.h"

static struct bzimage k;
static struct boot_params bp;
static struct e820_table e820;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *img = malloc(size ? size : 1); /* exact size: ASan sees any overread */
	if (!img)
		return 0;
	if (size)
		memcpy(img, data, size);
	struct cl_error err;
	bool probed = bzimage_probe(img, size);
	int rc = bzimage_parse(img, size, &k, &err);
	if (rc == 0) { /* what every entry may rely on (the real-mode one needs no more) */
		FUZZ_CHECK(probed, "parsed, yet bzimage_probe says no");
		FUZZ_CHECK(k.image == img && k.image_size == size, "image");
		FUZZ_CHECK(k.version >= 0x0200, "protocol 0x%x", k.version);
		FUZZ_CHECK(k.header_end >= SH_OFF(ramdisk_size) + 4 && k.header_end <= 0x290 && k.header_end <= size &&
				   (k.version < BOOT_PROTOCOL_MIN || k.header_end >= SH_OFF(init_size) + 4),
			   "header_end 0x%x", k.header_end);
		FUZZ_CHECK(k.setup_size % SECTOR_SIZE == 0 && k.setup_size < size, "setup_size 0x%x", k.setup_size);
		FUZZ_CHECK(k.pm_offset == k.setup_size && k.pm_size > 0 && k.pm_offset + k.pm_size <= size,
			   "protected-mode part [0x%llx, +0x%llx) of %zu", (unsigned long long)k.pm_offset,
			   (unsigned long long)k.pm_size, size);
		FUZZ_CHECK(k.loadflags & LOADED_HIGH, "loadflags");
		FUZZ_CHECK(k.cmdline_size == (k.version >= 0x0206 ? k.cmdline_size : 255u), "cmdline_size");
		rc = bzimage_check_protected(&k, &err);
	}
	if (rc == 0) { /* the 64-bit and 32-bit entries' */
		FUZZ_CHECK(k.version >= BOOT_PROTOCOL_MIN, "protocol 0x%x", k.version);
		FUZZ_CHECK(k.code32_offset < k.pm_size, "code32_offset 0x%x", k.code32_offset);
		FUZZ_CHECK(!k.relocatable || (k.alignment && !(k.alignment & (k.alignment - 1))),
			   "alignment 0x%x", k.alignment);
		FUZZ_CHECK(k.init_size >= k.pm_size, "init_size");
		FUZZ_CHECK(k.pref_address >= 0x100000 && k.pref_address + k.init_size >= k.pref_address,
			   "pref_address");
		FUZZ_CHECK(k.loadflags & LOADED_HIGH, "loadflags");
		FUZZ_CHECK(!k.has_entry64 || k.version >= BOOT_PROTOCOL_MIN_64, "entry64 on an old protocol");

		/* The zero page copies [0x1F1, header_end) of the image. */
		e820.count = 2;
		e820.entry[0] = (struct boot_e820_entry){ 0, 0x9fc00, E820_TYPE_RAM };
		e820.entry[1] = (struct boot_e820_entry){ 0x100000, 0x1ff00000, E820_TYPE_RAM };
		struct zeropage_inputs zp = { .bzimage = &k, .code32_start = 0x1000000 + k.code32_offset,
					      .cmdline_addr = 0x20000, .initrd_addr = 0x3000000,
					      .initrd_size = 0x1000, .e820 = &e820 };
		if (zeropage_build(&bp, &zp, &err) == 0) {
			FUZZ_CHECK(memcmp((uint8_t *)&bp + SH_OFF(boot_flag), img + SH_OFF(boot_flag), 2) == 0,
				   "boot_flag not copied");
			FUZZ_CHECK(bp.hdr.type_of_loader == LOADER_TYPE_UNDEFINED, "type_of_loader");
			FUZZ_CHECK(bp.hdr.cmd_line_ptr == 0x20000 && bp.hdr.ramdisk_image == 0x3000000 &&
					   bp.hdr.ramdisk_size == 0x1000, "pointers");
			FUZZ_CHECK(bp.e820_entries == 2, "e820_entries");
			for (size_t off = k.header_end; off < 0x290; off++)
				FUZZ_CHECK(((uint8_t *)&bp)[off] == 0 || (off >= SH_OFF(cmd_line_ptr) && off < SH_OFF(cmd_line_ptr) + 4) ||
						   (off >= SH_OFF(ramdisk_image) && off < SH_OFF(ramdisk_size) + 4) ||
						   off == SH_OFF(type_of_loader) || (off >= SH_OFF(code32_start) && off < SH_OFF(code32_start) + 4) ||
						   (off >= SH_OFF(setup_data) && off < SH_OFF(setup_data) + 8),
					   "zero page byte 0x%zx past the header is 0x%x", off, ((uint8_t *)&bp)[off]);
		}
	} else {
		FUZZ_CHECK(strncmp(err.msg, "bzImage: ", 9) == 0, "error without the prefix: '%s'", err.msg);
	}
	free(img);
	return 0;
}
