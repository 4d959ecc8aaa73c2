/* The probe.* parameters a test puts on the kernel command line
 * (README.md lists them). */
#ifndef PROBE_PARAMS_H
#define PROBE_PARAMS_H

#include "probe.h"

#define LOADER_DEFAULT 0xFF     /* chainloader: "undefined loader" */
#define LOADER_GRUB 0x72        /* GRUB 2's type_of_loader */
#define MEM_SLACK_MIB_DEFAULT 2

enum probe_firmware { FW_BIOS, FW_UEFI };        /* probe.firmware */
enum probe_fb { FB_NONE, FB_VLFB, FB_EFI };       /* probe.fb */
enum probe_rsdp { RSDP_PASSED, RSDP_NONE };       /* probe.rsdp */
/* probe.rng: the RNG seed a loader passes (RNG_UNCHECKED: the argument absent) */
enum probe_rng { RNG_UNCHECKED, RNG_SETUP, RNG_EFI, RNG_NONE };
#define SECURE_BOOT_MAX 3 /* boot_params.secure_boot: 0 unset, 1 unknown, 2 disabled, 3 enabled */

struct probe_params {
	bool mem_set, initrd_size_set, initrd_crc_set;
	uint64_t mem_mib;
	uint64_t initrd_size;
	uint32_t initrd_crc;
	uint64_t loader;        /* expected boot_params type_of_loader */
	uint64_t mem_slack_mib; /* tolerance of the memory checks */
	uint64_t fault;         /* 1: fault on purpose (tests the exception report) */
	enum probe_firmware firmware; /* what booted: efi_info expected or all zero */
	enum probe_fb fb;       /* the console screen_info describes */
	enum probe_rsdp rsdp;   /* is the loader expected to pass the ACPI RSDP */
	enum probe_rng rng;     /* which RNG seed the loader is expected to pass */
	bool secure_boot_set;   /* probe.secure_boot given: boot_params.secure_boot checked */
	uint8_t secure_boot;
	uint64_t kaslr;         /* 1: the kaslr checks (what the kernel reads late, against the EFI map) */
	char problem[96];       /* first malformed or unknown probe.* argument */
};

void params_parse(const char *s, size_t n, struct probe_params *p);

/* The "params" check: all probe.* arguments known and well formed, the
 * required ones present. */
void params_check(const struct probe_params *p);

#endif
