/* What the firmware told the loader, as the loader passed it on: the EFI
 * system table and memory map (boot_params.efi_info), the secure-boot state
 * (boot_params.secure_boot), the ACPI RSDP (boot_params.acpi_rsdp_addr or
 * start_info.rsdp_paddr) and the framebuffer (boot_params.screen_info).
 * probe.firmware, probe.secure_boot, probe.rsdp and probe.fb say what to
 * expect. */
#include "handoff.h"
#include "fwrules.h"
#include "abi/e820.h"
#include "pagewalk.h"

#define FOUR_GIB 0x100000000ull
#define EFI_SYSTAB_SIGNATURE 0x5453595320494249ull /* "IBI SYST" */
#define EFI_SYSTAB_SIZE 120                        /* EFI_SYSTEM_TABLE, 64-bit */
#define EFI_HDR_MAX 4096
#define BIOS_AREA_START 0xE0000ull                 /* where Linux scans for the RSDP */
#define BIOS_AREA_END 0x100000ull
#define GRUB_VIDEO_TEXT 0x01 /* GRUB's GRUB_VIDEO_LINUX_TYPE_TEXT: VGA text */
_Static_assert(offsetof(struct boot_params, secure_boot) == 0x1EC, "boot_params.secure_boot");

struct efi_table_header {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};

/* A 32-bit entry runs with paging off: it reaches nothing at or above 4 GiB. */
static bool reachable(uint64_t addr, uint64_t size)
{
	return readable(addr, size) && (entry_is64() || addr + size <= FOUR_GIB);
}

/* ---- EFI ---- */

/* The CRC32 of an EFI table header, taken with its own CRC field zeroed. */
static uint32_t efi_header_crc(const struct efi_table_header *t, uint32_t hsize)
{
	static uint8_t copy[EFI_HDR_MAX];
	for (uint32_t i = 0; i < hsize; i++)
		copy[i] = ((const volatile uint8_t *)t)[i];
	for (uint32_t i = offsetof(struct efi_table_header, crc32); i < offsetof(struct efi_table_header, reserved); i++)
		copy[i] = 0;
	return crc32(copy, hsize);
}

static void efi_systab_checks(struct handoff *h, uint64_t systab)
{
	char why[160] = "";
	const struct efi_table_header *t = (const void *)(uintptr_t)systab;
	if (!systab || !reachable(systab, EFI_SYSTAB_SIZE)) {
		check("efi.systab", false, "efi_systab 0x%lx unreadable%s", systab,
		      entry_is64() ? "" : " (a 32-bit entry needs it below 4 GiB)");
		return;
	}
	uint32_t hsize = t->header_size;
	bool crc_ok = false;
	if (hsize >= sizeof *t && hsize <= EFI_HDR_MAX && readable(systab, hsize)) {
		uint32_t crc = efi_header_crc(t, hsize);
		crc_ok = crc == t->crc32;
		pr("PROBE: INFO efi system table at 0x%lx: signature 0x%lx revision 0x%x header_size %u crc32 0x%x (computed 0x%x)\n",
		   systab, t->signature, t->revision, hsize, t->crc32, crc);
	}
	bool ok = false;
	if (t->signature != EFI_SYSTAB_SIGNATURE)
		fmt(why, sizeof why, "at 0x%lx: signature 0x%lx, want 0x%llx (\"IBI SYST\")", systab,
		    t->signature, EFI_SYSTAB_SIGNATURE);
	else if (hsize < EFI_SYSTAB_SIZE || hsize > EFI_HDR_MAX)
		fmt(why, sizeof why, "at 0x%lx: HeaderSize %u not in [%u, %u]", systab, hsize, EFI_SYSTAB_SIZE,
		    EFI_HDR_MAX);
	else if (!crc_ok)
		fmt(why, sizeof why, "at 0x%lx: header CRC32 0x%x does not match", systab, t->crc32);
	else if (!memmap_is_types(&h->map, systab, hsize,
				  MEMMAP_TYPE_BIT(E820_TYPE_RAM) | MEMMAP_TYPE_BIT(E820_TYPE_RESERVED)))
		fmt(why, sizeof why, "[0x%lx, 0x%lx) not in e820 RAM or reserved memory", systab, systab + hsize);
	else
		ok = true;
	check("efi.systab", ok, "%s", why);
	if (!ok)
		return;
	check_mapped("efi.systab.mapped", systab, hsize, false);
	h->efi_systab = systab;
}

static void efi_memmap_checks(struct handoff *h, const struct efi_info *e)
{
	uint64_t map = e->efi_memmap | (uint64_t)e->efi_memmap_hi << 32;
	uint64_t size = e->efi_memmap_size;
	char why[200] = "";
	bool ok = efi_memmap_shape_ok(size, e->efi_memdesc_size, why, sizeof why);
	if (ok && (!map || !reachable(map, size))) {
		ok = false;
		fmt(why, sizeof why, "efi_memmap 0x%lx (%lu bytes) unreadable", map, size);
	}
	const uint8_t *p = (const uint8_t *)(uintptr_t)map;
	if (ok) {
		for (uint64_t i = 0; i < size / e->efi_memdesc_size; i++) {
			const struct efi_memdesc *d = (const void *)(p + i * e->efi_memdesc_size);
			pr("PROBE: INFO efi memmap %lu: [0x%lx, 0x%lx) type %u attr 0x%lx\n", i, d->phys_start,
			   d->phys_start + (d->num_pages << EFI_PAGE_SHIFT), d->type, d->attribute);
		}
		ok = efi_memmap_descs_ok(p, size, e->efi_memdesc_size, why, sizeof why);
	}
	check("efi.memmap", ok, "%s", why);
	if (!ok)
		return;
	/* The kernel reads the copy late: it must lie in RAM nobody else was
	 * given (layout.overlap checks the rest). */
	check_in_ram(h, "efi.memmap.ram", map, size);
	check_mapped("efi.memmap.mapped", map, size, false);
	handoff_add_obj(h, "efi_memmap", map, size);
	h->efi_memmap = map;
	h->efi_memmap_size = size;
	h->efi_memdesc_size = e->efi_memdesc_size;
	check("efi.e820", efi_memmap_agrees(p, size, e->efi_memdesc_size, &h->map, why, sizeof why), "%s", why);
}

static void efi_checks(struct handoff *h)
{
	if (!h->bp) {
		pr("PROBE: INFO efi: start_info has no EFI fields; probe.firmware not checked\n");
		return;
	}
	const struct efi_info *e = &h->bp->efi_info;
	pr("PROBE: INFO efi_info signature 0x%x systab 0x%x hi 0x%x memmap 0x%x hi 0x%x size %u desc_size %u desc_version %u\n",
	   e->efi_loader_signature, e->efi_systab, e->efi_systab_hi, e->efi_memmap, e->efi_memmap_hi,
	   e->efi_memmap_size, e->efi_memdesc_size, e->efi_memdesc_version);
	if (h->params.firmware == FW_BIOS) {
		const uint8_t *b = (const uint8_t *)e;
		size_t nonzero = 0;
		for (size_t i = 0; i < sizeof *e; i++)
			nonzero += b[i] != 0;
		check("efi.none", nonzero == 0, "%zu bytes of efi_info nonzero on BIOS", nonzero);
		return;
	}
	uint32_t sig = e->efi_loader_signature;
	check("efi.signature", sig == EFI64_LOADER_SIGNATURE, "efi_loader_signature 0x%x, want 0x%x (\"EL64\")",
	      sig, EFI64_LOADER_SIGNATURE);
	efi_systab_checks(h, e->efi_systab | (uint64_t)e->efi_systab_hi << 32);
	efi_memmap_checks(h, e);
}

/* boot_params.secure_boot (0x1EC): 0 unset, 1 unknown, 2 disabled, 3 enabled,
 * as Linux's EFI stub sets it (the kernel finds out itself only when 0). */
static void secure_boot_check(const struct handoff *h)
{
	if (!h->bp) {
		pr("PROBE: INFO secure_boot: start_info has no such field; probe.secure_boot not checked\n");
		return;
	}
	uint8_t got = h->bp->secure_boot;
	pr("PROBE: INFO boot_params.secure_boot %u\n", got);
	if (h->params.secure_boot_set)
		check("bp.secure_boot", got == h->params.secure_boot, "secure_boot %u, expected %u", got,
		      h->params.secure_boot);
}

/* ---- ACPI ---- */

static void acpi_checks(struct handoff *h)
{
	uint64_t addr;
	const char *field;
	if (h->si) {
		addr = h->si->rsdp_paddr;
		field = "start_info.rsdp_paddr";
	} else {
		uint16_t version = h->bp->hdr.version;
		addr = h->bp->acpi_rsdp_addr;
		field = "acpi_rsdp_addr";
		pr("PROBE: INFO acpi_rsdp_addr 0x%lx, boot protocol 0x%x\n", addr, version);
		if (version < BOOT_PROTOCOL_RSDP) {
			field = "acpi_rsdp_addr (protocol < 2.14: does not count)";
			addr = 0;
		}
	}
	if (h->params.rsdp == RSDP_NONE) {
		check("acpi.rsdp.none", addr == 0, "%s = 0x%lx, probe.rsdp=none", field, addr);
		return;
	}
	char why[160] = "";
	uint32_t len = RSDP_V1_LEN;
	bool ok = false;
	if (!addr)
		fmt(why, sizeof why, "%s is 0", field);
	else if (!reachable(addr, RSDP_V1_LEN))
		fmt(why, sizeof why, "%s 0x%lx unreadable", field, addr);
	else
		ok = true;
	if (ok) {
		uint64_t avail = paging_identity_limit() - addr;
		if (avail > RSDP_MAX_LEN)
			avail = RSDP_MAX_LEN;
		const uint8_t *p = (const uint8_t *)(uintptr_t)addr;
		ok = rsdp_valid(p, avail, &len, why, sizeof why);
		char oem[7];
		for (int i = 0; i < 6; i++)
			oem[i] = (char)(p[9 + i] >= 0x20 && p[9 + i] < 0x7f ? p[9 + i] : '.');
		oem[6] = '\0';
		pr("PROBE: INFO rsdp at 0x%lx: revision %u oem '%s' length %u\n", addr, p[RSDP_REVISION_OFF], oem,
		   len);
	}
	check("acpi.rsdp", ok, "%s", why);
	if (!ok)
		return;
	bool bios_area = addr >= BIOS_AREA_START && addr + len <= BIOS_AREA_END;
	check("acpi.rsdp.reserved", bios_area || !memmap_touches_ram(&h->map, addr, len),
	      "[0x%lx, 0x%lx) is e820 usable RAM, outside 0xe0000-0xfffff", addr, addr + len);
	handoff_add_obj(h, "rsdp", addr, len);
}

/* ---- framebuffer ---- */

static void fb_checks(const struct handoff *h)
{
	const struct probe_params *p = &h->params;
	if (!h->bp) {
		pr("PROBE: INFO fb: start_info has no screen_info; probe.fb not checked\n");
		return;
	}
	const struct screen_info *si = &h->bp->screen_info;
	pr("PROBE: INFO screen_info isVGA 0x%x mode 0x%x width %u height %u depth %u linelength %u base 0x%x ext 0x%x caps 0x%x size %u\n",
	   si->orig_video_isVGA, si->orig_video_mode, si->lfb_width, si->lfb_height, si->lfb_depth,
	   si->lfb_linelength, si->lfb_base, si->ext_lfb_base, si->capabilities, si->lfb_size);
	pr("PROBE: INFO screen_info red %u@%u green %u@%u blue %u@%u rsvd %u@%u pages %u\n", si->red_size,
	   si->red_pos, si->green_size, si->green_pos, si->blue_size, si->blue_pos, si->rsvd_size, si->rsvd_pos,
	   si->pages);
	uint8_t type = si->orig_video_isVGA;
	if (p->fb == FB_NONE) {
		bool grub = p->loader == LOADER_GRUB;
		check("fb.none", type == 0 || type == VIDEO_TYPE_VGAC || (grub && type == GRUB_VIDEO_TEXT),
		      "orig_video_isVGA 0x%x, want 0 or 0x%x (VGA text)%s", type, VIDEO_TYPE_VGAC,
		      grub ? " or 0x1 (GRUB's text)" : "");
		return;
	}
	bool efi = p->fb == FB_EFI;
	uint8_t want = efi ? VIDEO_TYPE_EFI : VIDEO_TYPE_VLFB;
	if (!check("fb.type", type == want, "orig_video_isVGA 0x%x, want 0x%x", type, want))
		return;
	char why[160] = "";
	check("fb.mode", lfb_mode_ok(si, why, sizeof why), "%s", why);
	check("fb.size", lfb_size_ok(si, efi, why, sizeof why), "%s", why);
	check("fb.colours", lfb_colours_ok(si, why, sizeof why), "%s", why);
	uint64_t base = lfb_base(si), bytes = lfb_bytes(si, efi);
	bool stray_ext = si->ext_lfb_base && !(si->capabilities & VIDEO_CAPABILITY_64BIT_BASE);
	const char *why_base = !base ? "zero"
			     : stray_ext ? "ext_lfb_base set without VIDEO_CAPABILITY_64BIT_BASE"
			     : "overlaps e820 usable RAM";
	check("fb.base", base && !stray_ext && !memmap_touches_ram(&h->map, base, bytes ? bytes : 1),
	      "base 0x%lx, %lu bytes: %s", base, bytes, why_base);
}

void firmware_checks(struct handoff *h)
{
	efi_checks(h);
	secure_boot_check(h);
	acpi_checks(h);
	fb_checks(h);
}
