/* Physical memory planner: usable RAM minus every range still needed. */
#ifndef CHAINLOADER_PLANNER_H
#define CHAINLOADER_PLANNER_H

#include <stdbool.h>

#include "boot_info.h"
#include "loader/plan/e820_build.h"

#define PLANNER_MAX_RAM E820_TABLE_MAX
#define PLANNER_MAX_LIVE (BOOT_INFO_MAX_MODULES * 2 + 32) /* modules, the gaps between initrds, the rest */
#define PLANNER_LOW_LIMIT 0x100000u /* nothing is placed below 1 MiB (BIOS, real-mode areas) */

struct live_range {
	struct mem_range range;
	const char *what;
	bool movable; /* an input (module, multiboot2 information) that may be moved out of a fixed destination's way */
};

struct planner {
	size_t ram_count;
	struct mem_range ram[PLANNER_MAX_RAM]; /* usable RAM at or above 1 MiB, sorted */
	size_t live_count;
	struct live_range live[PLANNER_MAX_LIVE];
};

enum alloc_policy {
	ALLOC_LOWEST,  /* the lowest fitting address at or above min */
	ALLOC_HIGHEST, /* the highest fitting address below max_end */
};

struct alloc_request {
	const char *what;
	uint64_t size;
	uint64_t align; /* a power of two */
	uint64_t min;   /* lowest start */
	uint64_t max_end; /* highest end (exclusive) */
	enum alloc_policy policy;
	/* When set: the allocation must also lie inside one of these ranges
	 * (e.g. RAM that a randomising decompressor never picks). */
	const struct mem_range *within;
	size_t within_count;
	const char *within_what; /* what they are, for the error message */
};

void planner_init(struct planner *p, const struct e820_table *e820);

/* v rounded up to a (a power of two); sets *overflow if that passes 2^64, else leaves it. */
uint64_t planner_align_up(uint64_t v, uint64_t a, bool *overflow);

/* Marks a range as needed until the jump. Fails if the table is full. */
int planner_reserve(struct planner *p, struct mem_range r, const char *what, struct cl_error *err);
/* Marks an input as needed until it is consumed: a fixed destination may claim it,
 * and the caller then moves what it still needs out of the way first. */
int planner_reserve_movable(struct planner *p, struct mem_range r, const char *what, struct cl_error *err);

/* Is r inside one usable RAM range? */
bool planner_in_ram(const struct planner *p, struct mem_range r);

/* The first live range overlapping r, or NULL. */
const struct live_range *planner_conflict(const struct planner *p, struct mem_range r);

/* Claims `r` exactly, or fails naming what is in the way; movable inputs are not in the way. */
int planner_claim(struct planner *p, struct mem_range r, const char *what, struct cl_error *err);

/* Finds and reserves a range for the request; *addr receives its start. */
int planner_alloc(struct planner *p, const struct alloc_request *req, uint64_t *addr,
		  struct cl_error *err);

#endif
