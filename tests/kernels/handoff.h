/* What the loader handed over, gathered from boot_params or from
 * hvm_start_info into one view, and the checks common to both. */
#ifndef PROBE_HANDOFF_H
#define PROBE_HANDOFF_H

#include "probe.h"
#include "abi/zeropage.h"
#include "abi/pvh.h"
#include "memmap.h"
#include "params.h"

#define ELF_CMDLINE_MAX 2048 /* ELF/PVH kernels have no cmdline_size: the probe's own limit */
#define HANDOFF_OBJS_MAX 10

struct named_range {
	const char *name;
	uint64_t addr, size;
};

struct handoff {
	const struct boot_params *bp;   /* bzImage and ELF 64-bit entries */
	const struct hvm_start_info *si; /* PVH entry */
	bool usable;                    /* the structure passed its magic checks */
	struct memmap map;

	uint64_t cmdline_addr;
	uint64_t cmdline_max;           /* longest allowed, NUL excluded */
	uint64_t cmdline_len;
	bool cmdline_terminated;

	bool initrd_present;
	uint64_t initrd_addr, initrd_size;

	struct probe_params params;

	uint64_t efi_systab;            /* the EFI system table once efi.systab passed, else 0 */
	uint64_t efi_memmap;            /* efi_info's map once efi.memmap passed, else 0 */
	uint64_t efi_memmap_size;
	uint32_t efi_memdesc_size;

	/* What the loader placed in memory, for the overlap check. */
	struct named_range objs[HANDOFF_OBJS_MAX];
	size_t nobjs;
};

void handoff_add_obj(struct handoff *h, const char *name, uint64_t addr, uint64_t size);

/* bootparams.c / pvh.c: fill h from the structure at the pointer register
 * and check that structure. */
void bootparams_gather(struct handoff *h, uint64_t ptr);
void pvh_gather(struct handoff *h, uint64_t ptr);
void bootparams_loader_check(const struct handoff *h);

/* Can the probe read [addr, addr + size) at all (its identity map)? */
bool readable(uint64_t addr, uint64_t size);

/* "<what>.ram": in usable RAM (and below 4 GiB after a 32-bit entry). */
bool check_in_ram(const struct handoff *h, const char *name, uint64_t addr, uint64_t size);
/* "<what>.mapped": 1:1 in the loader's page tables; 64-bit entries only. */
void check_mapped(const char *name, uint64_t addr, uint64_t size, bool need_write);

/* cpu.c, cmdline.c, memory.c, initrd.c, layout.c */
void cpu_print_state(void);
void cpu_checks(void);
void cmdline_gather(struct handoff *h);
void cmdline_checks(struct handoff *h);
void memory_checks(const struct handoff *h);
void initrd_checks(struct handoff *h);
void layout_checks(const struct handoff *h);
/* firmware.c: efi_info, secure_boot, the ACPI RSDP, screen_info (adds efi_memmap and
 * rsdp to objs; sets efi_systab). */
void firmware_checks(struct handoff *h);
/* rng.c: the setup_data chain and the RNG seeds (after firmware_checks; adds the seeds to objs). */
void rng_checks(struct handoff *h);
/* kaslr.c: with probe.kaslr=1, what the kernel reads late against the EFI map's
 * conventional memory (after firmware_checks: needs efi_memmap and efi_systab). */
void kaslr_checks(const struct handoff *h);

/* image_elf.c or image_bzimage.c: one of them per probe image. */
void image_checks(const struct handoff *h);
size_t image_ranges(struct named_range *out, size_t max);

#endif
