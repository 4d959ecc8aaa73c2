/* The boot plan: every check done and every address chosen before anything is written. */
#ifndef CHAINLOADER_BOOT_PLAN_H
#define CHAINLOADER_BOOT_PLAN_H

#include "boot_info.h"
#include "bootparam.h"
#include "bzimage.h"
#include "e820_build.h"
#include "planner.h"

#define PLAN_MAX_COPIES 8
#define BOOT_PARAMS_ALIGN 4096u
#define CMDLINE_ALIGN 16u
#define INITRD_ALIGN 4096u

struct copy_step {
	const char *what;
	uint64_t dst;      /* physical destination */
	const void *src;
	uint64_t len;      /* bytes copied from src */
	uint64_t zero_len; /* bytes zeroed after them */
};

struct boot_plan {
	struct e820_table e820;
	struct planner planner;
	struct bzimage kernel;
	uint64_t kernel_load;      /* where the protected-mode part goes */
	struct mem_range kernel_range; /* [load, load + init_size) */
	uint64_t entry;            /* 64-bit entry point */
	uint64_t boot_params_addr;
	uint64_t cmdline_addr;
	uint64_t cmdline_len;      /* excluding the NUL */
	struct mem_range initrd;   /* final place; empty when there is none */
	bool initrd_moved;
	struct boot_params params; /* copied to boot_params_addr by the plan */
	size_t copy_count;
	struct copy_step copies[PLAN_MAX_COPIES];
};

struct plan_inputs {
	const struct boot_info *info;
	struct mem_range loader;          /* the loader image with its stack and page tables */
	const struct screen_info *screen; /* or NULL */
};

int boot_plan_make(const struct plan_inputs *in, struct boot_plan *plan, struct cl_error *err);

/* Bytes the plan copies (for the summary). */
uint64_t boot_plan_bytes_copied(const struct boot_plan *plan);

#endif
