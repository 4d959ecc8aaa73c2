/* Initrd placement: the initrd modules become one initramfs, used where GRUB
 * put them when they already lie back to back within the kernel's limit, else
 * joined in one allocation. */
#include "loader/plan/parts.h"

/* One past the highest address the initrd's last byte may have. */
static uint64_t initrd_limit(const struct boot_plan *plan)
{
	uint64_t limit = plan->format->initrd_limit(plan);
	if (plan->kernel_entry->paging_off && limit > FOUR_GIB)
		limit = FOUR_GIB; /* 32-bit addresses only */
	return limit;
}

/* Several initrd modules become one initramfs: back to back, each start 4-byte
 * aligned, zeros between them (the kernel's unpacker skips zero padding). */
static bool initrds_usable_in_place(const struct boot_plan *plan, const struct boot_module *m, size_t n)
{
	uint64_t limit = initrd_limit(plan);
	for (size_t i = 0; i < n; i++) {
		struct mem_range here = { m[i].start, m[i].end };
		if (m[i].end > limit || m[i].start % INITRD_JOIN_ALIGN || plan_overlaps_fixed(plan, here))
			return false;
		if (i + 1 == n)
			break;
		if (m[i + 1].start < m[i].end)
			return false; /* out of order */
		struct mem_range gap = { m[i].end, m[i + 1].start };
		if (gap.start == gap.end)
			continue;
		/* The gap is zeroed: nothing else may live there. */
		for (size_t j = 0; j < plan->planner.live_count; j++) {
			const struct live_range *l = &plan->planner.live[j];
			if (mem_range_overlaps(l->range, gap))
				return false;
		}
		if (!planner_in_ram(&plan->planner, gap))
			return false;
	}
	return true;
}

/* In place: no copy, the gaps between the modules zeroed. */
static int keep_initrds(struct boot_plan *plan, const struct boot_module *m, size_t n, struct cl_error *err)
{
	plan->initrd = (struct mem_range){ m[0].start, m[n - 1].end };
	for (size_t i = 0; i + 1 < n; i++) {
		struct mem_range gap = { m[i].end, m[i + 1].start };
		if (gap.start == gap.end)
			continue;
		if (planner_reserve(&plan->planner, gap, "initrd padding", err) ||
		    plan_add_copy(plan, (struct copy_step){ "initrd padding", gap.start, NULL, 0, gap.end - gap.start }, err))
			return -1;
	}
	return 0;
}

/* Joined: one allocation below the limit, each module copied 4-byte aligned. */
static int join_initrds(struct boot_plan *plan, const struct boot_module *m, size_t n, struct cl_error *err)
{
	uint64_t total = 0;
	bool overflow = false;
	for (size_t i = 0; i < n; i++)
		total = planner_align_up(total, INITRD_JOIN_ALIGN, &overflow) + (m[i].end - m[i].start);
	uint64_t addr;
	if (plan_alloc(plan, "initrd", overflow ? UINT64_MAX : total, INITRD_ALIGN, initrd_limit(plan), &addr, err))
		return -1; /* past 2^64 bytes in all: no room, as for any size too large */
	plan->initrd = (struct mem_range){ addr, addr + total };
	plan->initrd_moved = true;
	uint64_t at = addr;
	for (size_t i = 0; i < n; i++) {
		uint64_t size = m[i].end - m[i].start;
		uint64_t pad = i + 1 < n ? planner_align_up(size, INITRD_JOIN_ALIGN, &overflow) - size : 0;
		if (plan_add_copy(plan, (struct copy_step){ "initrd", at, m[i].data, size, pad }, err))
			return -1;
		at += size + pad;
	}
	return 0;
}

int plan_place_initrds(struct boot_plan *plan, const struct boot_module *m, size_t n, struct cl_error *err)
{
	plan->initrd_count = n;
	if (n == 0)
		return 0;
	return initrds_usable_in_place(plan, m, n) ? keep_initrds(plan, m, n, err) : join_initrds(plan, m, n, err);
}
