#include "loader/plan/planner.h"

#include <string.h>

void planner_init(struct planner *p, const struct e820_table *e820)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < e820->count; i++) {
		const struct boot_e820_entry *e = &e820->entry[i];
		if (e->type != E820_TYPE_RAM)
			continue;
		uint64_t start = e->addr < PLANNER_LOW_LIMIT ? PLANNER_LOW_LIMIT : e->addr;
		uint64_t end = e->addr + e->size;
		if (start < end) /* the e820 table is sorted and merged, so ram[] is too */
			p->ram[p->ram_count++] = (struct mem_range){ start, end };
	}
}

static int add_live(struct planner *p, struct mem_range r, const char *what, bool movable,
		    struct cl_error *err)
{
	if (p->live_count == PLANNER_MAX_LIVE)
		return cl_fail(err, "planner: more than %u ranges to keep (adding %s)", PLANNER_MAX_LIVE, what);
	p->live[p->live_count++] = (struct live_range){ r, what, movable };
	return 0;
}

int planner_reserve(struct planner *p, struct mem_range r, const char *what, struct cl_error *err)
{
	return add_live(p, r, what, false, err);
}

int planner_reserve_movable(struct planner *p, struct mem_range r, const char *what, struct cl_error *err)
{
	return add_live(p, r, what, true, err);
}

bool planner_in_ram(const struct planner *p, struct mem_range r)
{
	for (size_t i = 0; i < p->ram_count; i++)
		if (p->ram[i].start <= r.start && r.end <= p->ram[i].end)
			return true;
	return false;
}

const struct live_range *planner_conflict(const struct planner *p, struct mem_range r)
{
	for (size_t i = 0; i < p->live_count; i++)
		if (mem_range_overlaps(p->live[i].range, r))
			return &p->live[i];
	return NULL;
}

int planner_claim(struct planner *p, struct mem_range r, const char *what, struct cl_error *err)
{
	if (r.start < PLANNER_LOW_LIMIT)
		return cl_fail(err, "%s needs [0x%llx, 0x%llx), below 1 MiB (real-mode and BIOS memory), which chainloader does not load to",
			       what, (unsigned long long)r.start, (unsigned long long)r.end);
	if (!planner_in_ram(p, r))
		return cl_fail(err, "%s needs [0x%llx, 0x%llx), which is not usable RAM", what,
			       (unsigned long long)r.start, (unsigned long long)r.end);
	for (size_t i = 0; i < p->live_count; i++) {
		const struct live_range *c = &p->live[i];
		if (!c->movable && mem_range_overlaps(c->range, r))
			return cl_fail(err, "%s needs [0x%llx, 0x%llx), which overlaps %s [0x%llx, 0x%llx)", what,
				       (unsigned long long)r.start, (unsigned long long)r.end, c->what,
				       (unsigned long long)c->range.start, (unsigned long long)c->range.end);
	}
	return planner_reserve(p, r, what, err);
}

uint64_t planner_align_up(uint64_t v, uint64_t a, bool *overflow)
{
	uint64_t r;
	*overflow = __builtin_add_overflow(v, a - 1, &r) || *overflow;
	return r & ~(a - 1);
}

/* Lowest fit inside window [lo, hi): step past each live range in the way. */
static bool fit_lowest(const struct planner *p, uint64_t lo, uint64_t hi, uint64_t size,
		       uint64_t align, uint64_t *out)
{
	bool overflow = false;
	uint64_t a = planner_align_up(lo, align, &overflow);
	while (!overflow && a <= hi && size <= hi - a) {
		const struct live_range *c = planner_conflict(p, (struct mem_range){ a, a + size });
		if (!c) {
			*out = a;
			return true;
		}
		a = planner_align_up(c->range.end, align, &overflow);
	}
	return false;
}

/* Highest fit inside window [lo, hi): step below each live range in the way. */
static bool fit_highest(const struct planner *p, uint64_t lo, uint64_t hi, uint64_t size,
			uint64_t align, uint64_t *out)
{
	if (hi < lo || hi - lo < size)
		return false;
	uint64_t a = (hi - size) & ~(align - 1);
	while (a >= lo) {
		const struct live_range *c = planner_conflict(p, (struct mem_range){ a, a + size });
		if (!c) {
			*out = a;
			return true;
		}
		if (c->range.start < size + lo)
			return false;
		a = (c->range.start - size) & ~(align - 1);
	}
	return false;
}

/* The best fit by the request's policy in [lo, hi), if any beats *best. */
static void fit_window(const struct planner *p, const struct alloc_request *req, uint64_t lo, uint64_t hi,
		       bool *found, uint64_t *best)
{
	if (lo < req->min)
		lo = req->min;
	if (hi > req->max_end)
		hi = req->max_end;
	uint64_t a;
	if (lo >= hi || !(req->policy == ALLOC_LOWEST ? fit_lowest(p, lo, hi, req->size, req->align, &a)
						    : fit_highest(p, lo, hi, req->size, req->align, &a)))
		return;
	if (!*found || (req->policy == ALLOC_LOWEST ? a < *best : a > *best))
		*best = a;
	*found = true;
}

int planner_alloc(struct planner *p, const struct alloc_request *req, uint64_t *addr,
		  struct cl_error *err)
{
	if (!req->size || !req->align || (req->align & (req->align - 1)))
		return cl_fail(err, "planner: bad request for %s: size 0x%llx align 0x%llx", req->what,
			       (unsigned long long)req->size, (unsigned long long)req->align);
	bool found = false;
	for (size_t k = 0; k < p->ram_count && !(found && !req->within); k++) {
		size_t i = req->policy == ALLOC_LOWEST ? k : p->ram_count - 1 - k;
		struct mem_range ram = p->ram[i];
		if (!req->within) {
			fit_window(p, req, ram.start, ram.end, &found, addr);
			continue;
		}
		for (size_t w = 0; w < req->within_count; w++) {
			const struct mem_range *in = &req->within[w];
			fit_window(p, req, in->start > ram.start ? in->start : ram.start,
				   in->end < ram.end ? in->end : ram.end, &found, addr);
		}
	}
	if (found)
		return planner_reserve(p, (struct mem_range){ *addr, *addr + req->size }, req->what, err);
	return cl_fail(err, "no room for %s: 0x%llx bytes aligned to 0x%llx within [0x%llx, 0x%llx) of usable RAM%s%s",
		       req->what, (unsigned long long)req->size, (unsigned long long)req->align,
		       (unsigned long long)req->min, (unsigned long long)req->max_end, req->within ? " in " : "",
		       req->within ? req->within_what : "");
}
