/* bzImage header checks, per Documentation/arch/x86/boot.rst. */
#include "loader/format/bzimage.h"

#include <string.h>

#include "abi/zeropage.h"

#define JUMP_SHORT_OPCODE 0xEBu
#define HEADER_MIN_END (SH_OFF(init_size) + 4) /* protocol 2.10 reaches init_size */
#define HEADER_MIN_END_OLD (SH_OFF(ramdisk_size) + 4) /* older: through the 2.00 fields */
#define SYSSIZE_TRUSTED BOOT_PROTOCOL(2, 4)  /* before, syssize's upper half is unusable */
#define RELOCATABLE_FIELDS BOOT_PROTOCOL(2, 5)
#define INITRD_ADDR_MAX_FIELD BOOT_PROTOCOL(2, 3)
#define INITRD_ADDR_MAX_OLD 0x37FFFFFFu      /* boot.rst: the limit before 2.03 */
#define CMDLINE_SIZE_FIELD BOOT_PROTOCOL(2, 6)
#define CMDLINE_SIZE_OLD 255u
#define HEADER_MAX_END 0x290u                  /* the zero page's room for the header */

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

bool bzimage_probe(const uint8_t *image, uint64_t size)
{
	/* Either magic will do: bzimage_parse then says what is wrong with the other. */
	return (size >= SH_OFF(boot_flag) + 2 && rd16(image + SH_OFF(boot_flag)) == BOOT_FLAG_MAGIC) ||
	       (size >= SH_OFF(header) + 4 && rd32(image + SH_OFF(header)) == SETUP_HEADER_MAGIC);
}

static bool is_power_of_two(uint32_t v) { return v && !(v & (v - 1)); }

int bzimage_parse(const uint8_t *img, uint64_t size, struct bzimage *out, struct cl_error *err)
{
	memset(out, 0, sizeof(*out));
	if (size < SH_OFF(header) + 4)
		return cl_fail(err, "bzImage: module of %llu bytes ends before the setup header (needs %u)",
			       (unsigned long long)size, (unsigned)SH_OFF(header) + 4);
	uint16_t boot_flag = rd16(img + SH_OFF(boot_flag));
	if (boot_flag != BOOT_FLAG_MAGIC)
		return cl_fail(err, "bzImage: boot_flag 0x%x at 0x1fe, expected 0xaa55", boot_flag);
	uint32_t magic = rd32(img + SH_OFF(header));
	if (magic != SETUP_HEADER_MAGIC)
		return cl_fail(err, "bzImage: header 0x%x at 0x202 is not \"HdrS\" (boot protocol < 2.00)", magic);
	if (size < SH_OFF(version) + 2)
		return cl_fail(err, "bzImage: module of %llu bytes ends inside the setup header",
			       (unsigned long long)size);
	out->version = rd16(img + SH_OFF(version));
	if (out->version < BOOT_PROTOCOL(2, 0))
		return cl_fail(err, "bzImage: boot protocol %u.%02u with a \"HdrS\" header (which 2.00 introduced)",
			       out->version >> 8, out->version & 0xff);
	bool modern = out->version >= BOOT_PROTOCOL_MIN;

	uint8_t jump_opcode = img[SH_OFF(jump)];
	uint8_t jump_disp = img[SH_OFF(jump) + 1];
	if (jump_opcode != JUMP_SHORT_OPCODE)
		return cl_fail(err, "bzImage: jump 0x%x 0x%x at 0x200 is not a short jump (0xeb)", jump_opcode, jump_disp);
	out->header_end = SETUP_JUMP_OFFSET + 2 + jump_disp;
	uint32_t min_end = modern ? HEADER_MIN_END : HEADER_MIN_END_OLD;
	if (out->header_end < min_end || out->header_end > HEADER_MAX_END)
		return cl_fail(err, "bzImage: jump 0x%x 0x%x at 0x200 ends the header at 0x%x, outside [0x%x, 0x%x]",
			       jump_opcode, jump_disp, out->header_end, min_end, HEADER_MAX_END);
	if (size < out->header_end)
		return cl_fail(err, "bzImage: setup header ends at 0x%x, module has %llu bytes",
			       out->header_end, (unsigned long long)size);

	uint32_t sects = img[SH_OFF(setup_sects)];
	if (sects == 0)
		sects = SETUP_SECTS_DEFAULT;
	out->setup_size = (sects + 1) * SECTOR_SIZE;
	if (out->setup_size >= size)
		return cl_fail(err, "bzImage: setup_sects %u needs %u bytes, module has %llu", sects,
			       out->setup_size, (unsigned long long)size);

	uint32_t syssize = rd32(img + SH_OFF(syssize));
	uint64_t declared = (uint64_t)syssize * SYSSIZE_UNIT;
	uint64_t available = size - out->setup_size;
	/* The file may be longer (a signature appended by sbsign) but not shorter than
	 * syssize says, give or take the rounding up to 16 bytes (memtest86+ is 8
	 * bytes short of its last paragraph). */
	if (out->version < SYSSIZE_TRUSTED) {
		declared = available; /* memdisk (2.03) says 0: the rest of the file */
	} else if (syssize == 0 || declared > ((available + SYSSIZE_UNIT - 1) & ~(uint64_t)(SYSSIZE_UNIT - 1))) {
		return cl_fail(err, "bzImage: syssize %u (%llu bytes) does not fit the %llu bytes after the %u-byte setup",
			       syssize, (unsigned long long)declared, (unsigned long long)available, out->setup_size);
	}
	out->pm_offset = out->setup_size;
	out->pm_size = declared < available ? declared : available;

	out->loadflags = img[SH_OFF(loadflags)];
	if (!(out->loadflags & LOADED_HIGH))
		return cl_fail(err, "bzImage: loadflags 0x%x lack LOADED_HIGH (a zImage, not supported)",
			       out->loadflags);
	if (out->version >= BOOT_PROTOCOL_MIN_64)
		out->xloadflags = rd16(img + SH_OFF(xloadflags));
	out->has_entry64 = (out->xloadflags & XLF_KERNEL_64) != 0;
	out->code32_start = rd32(img + SH_OFF(code32_start));
	if (out->version >= RELOCATABLE_FIELDS) {
		out->relocatable = img[SH_OFF(relocatable_kernel)] != 0;
		out->alignment = rd32(img + SH_OFF(kernel_alignment));
	}
	if (modern) {
		out->pref_address = rd64(img + SH_OFF(pref_address));
		out->init_size = rd32(img + SH_OFF(init_size));
	}
	out->initrd_addr_max = out->version >= INITRD_ADDR_MAX_FIELD ? rd32(img + SH_OFF(initrd_addr_max))
								      : INITRD_ADDR_MAX_OLD;
	out->cmdline_size = out->version >= CMDLINE_SIZE_FIELD ? rd32(img + SH_OFF(cmdline_size)) : CMDLINE_SIZE_OLD;
	out->image = img;
	out->image_size = size;
	return 0;
}

int bzimage_check_protected(struct bzimage *k, struct cl_error *err)
{
	if (k->version < BOOT_PROTOCOL_MIN)
		return cl_fail(err, "bzImage: boot protocol %u.%02u is older than 2.10 (no init_size to place it safely)",
			       k->version >> 8, k->version & 0xff);
	if (k->code32_start < CODE32_START_DEFAULT || k->code32_start - CODE32_START_DEFAULT >= k->pm_size)
		return cl_fail(err, "bzImage: code32_start 0x%x is outside the protected-mode part [0x%x, 0x%llx)",
			       k->code32_start, CODE32_START_DEFAULT, (unsigned long long)(CODE32_START_DEFAULT + k->pm_size));
	k->code32_offset = k->code32_start - CODE32_START_DEFAULT;
	if (k->relocatable && !is_power_of_two(k->alignment))
		return cl_fail(err, "bzImage: kernel_alignment 0x%x is not a power of two", k->alignment);
	if (k->init_size < k->pm_size)
		return cl_fail(err, "bzImage: init_size 0x%llx is smaller than the protected-mode part 0x%llx",
			       (unsigned long long)k->init_size, (unsigned long long)k->pm_size);
	if (k->pref_address < 0x100000 || k->pref_address + k->init_size < k->pref_address)
		return cl_fail(err, "bzImage: pref_address 0x%llx with init_size 0x%llx is not a usable range",
			       (unsigned long long)k->pref_address, (unsigned long long)k->init_size);
	return 0;
}
