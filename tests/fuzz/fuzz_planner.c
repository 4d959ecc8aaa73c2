/* libFuzzer harness: the placement planner (loader/plan/planner.c).
 *
 * Input: a flags byte (bit 0: addresses and sizes are raw 64-bit values, else
 * 32-bit page numbers), a count byte and that many memory map entries (start,
 * length, type byte), then operations until the input ends, each an opcode
 * byte: reserve, reserve_movable, claim (a range), or alloc (size, alignment
 * exponent, min, max_end, policy).
 *
 * Every result is compared with a brute-force reference: the lowest (or
 * highest) aligned start inside the window and usable RAM at or above 1 MiB
 * (judged from the raw map, not the planner's tables) that overlaps no live
 * range. A successful allocation must be exactly that one, a failure must
 * mean there is none; a claim must succeed exactly when the range is RAM,
 * above 1 MiB and clear of every live range that is not movable. */
#include <string.h>

#include "loader/plan/e820_build.h"
#include "fuzz_common.h"
#include "loader/plan/planner.h"

#define MAX_MAP 16
#define MAX_OPS 64

static struct mmap_entry map[MAX_MAP];
static size_t map_n;
static struct e820_table e820;
static struct planner pl;
static bool raw;

static uint64_t addr(struct reader *r)
{
	return raw ? take(r, 8) : take(r, 4) << 12;
}

static struct mem_range range(struct reader *r)
{
	uint64_t start = addr(r), len = addr(r);
	return (struct mem_range){ start, start + len < start ? UINT64_MAX : start + len };
}

static bool is_free(uint64_t a, uint64_t size, const struct alloc_request *q)
{
	uint64_t end;
	if (a % q->align || a < q->min || a < PLANNER_LOW_LIMIT || __builtin_add_overflow(a, size, &end) ||
	    end > q->max_end)
		return false;
	for (size_t i = 0; i < pl.live_count; i++)
		if (ranges_overlap(pl.live[i].range.start, pl.live[i].range.end, a, end))
			return false;
	return oracle_is_ram(map, map_n, a, end);
}

static void consider(uint64_t a, const struct alloc_request *q, bool *found, uint64_t *best)
{
	if (!is_free(a, q->size, q))
		return;
	if (!*found || (q->policy == ALLOC_LOWEST ? a < *best : a > *best))
		*best = a;
	*found = true;
}

static uint64_t up(uint64_t v, uint64_t a, bool *ok)
{
	uint64_t r;
	*ok = !__builtin_add_overflow(v, a - 1, &r);
	return r & ~(a - 1);
}

/* The reference answer: candidates are the aligned values next to every
 * boundary there is (window, 1 MiB, map entries, live ranges). */
static bool reference(const struct alloc_request *q, uint64_t *best)
{
	bool found = false, ok;
	uint64_t bounds[2 * MAX_MAP + 2 * PLANNER_MAX_LIVE + 3];
	size_t nb = 0;
	bounds[nb++] = q->min;
	bounds[nb++] = q->max_end;
	bounds[nb++] = PLANNER_LOW_LIMIT;
	for (size_t i = 0; i < map_n; i++) {
		bounds[nb++] = map[i].start;
		bounds[nb++] = map[i].end;
	}
	for (size_t i = 0; i < pl.live_count; i++) {
		bounds[nb++] = pl.live[i].range.start;
		bounds[nb++] = pl.live[i].range.end;
	}
	for (size_t i = 0; i < nb; i++) {
		if (q->policy == ALLOC_LOWEST) {
			uint64_t a = up(bounds[i], q->align, &ok);
			if (ok)
				consider(a, q, &found, best);
		} else if (bounds[i] >= q->size) {
			consider((bounds[i] - q->size) & ~(q->align - 1), q, &found, best);
		}
	}
	return found;
}

static bool clear_of_fixed(struct mem_range r)
{
	for (size_t i = 0; i < pl.live_count; i++)
		if (!pl.live[i].movable && ranges_overlap(pl.live[i].range.start, pl.live[i].range.end, r.start, r.end))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	raw = take(&r, 1) & 1;
	map_n = take(&r, 1) % (MAX_MAP + 1);
	for (size_t i = 0; i < map_n; i++) {
		struct mem_range m = range(&r);
		uint32_t type = (uint32_t)take(&r, 1) % 8;
		map[i] = (struct mmap_entry){ m.start, m.end, type == 0 ? E820_TYPE_RAM : type };
		FUZZ_TRACE("map [0x%llx, 0x%llx) type %u\n", (unsigned long long)m.start, (unsigned long long)m.end,
			   map[i].type);
	}
	e820_build(map, map_n, &e820);
	planner_init(&pl, &e820);
	for (size_t i = 0; i < pl.ram_count; i++)
		FUZZ_TRACE("planner ram [0x%llx, 0x%llx)\n", (unsigned long long)pl.ram[i].start,
			   (unsigned long long)pl.ram[i].end);

	struct cl_error err;
	for (int op = 0; op < MAX_OPS && r.n; op++) {
		uint8_t code = (uint8_t)take(&r, 1);
		size_t before = pl.live_count;
		bool full = before == PLANNER_MAX_LIVE;
		switch (code % 4) {
		case 0:
		case 1: {
			struct mem_range m = range(&r);
			if (m.start >= m.end)
				continue; /* the loader never keeps an empty range (the planner takes one as a point) */
			int rc = code % 4 ? planner_reserve_movable(&pl, m, "movable", &err)
					  : planner_reserve(&pl, m, "reserved", &err);
			FUZZ_TRACE("reserve%s [0x%llx, 0x%llx): %d\n", code % 4 ? "_movable" : "",
				   (unsigned long long)m.start, (unsigned long long)m.end, rc);
			FUZZ_CHECK((rc == 0) == !full, "reserve rc %d with %zu live", rc, before);
			break;
		}
		case 2: {
			struct mem_range m = range(&r);
			if (m.start >= m.end)
				continue; /* nor claims one */
			bool want = !full && m.start >= PLANNER_LOW_LIMIT && oracle_is_ram(map, map_n, m.start, m.end) &&
				    clear_of_fixed(m);
			int rc = planner_claim(&pl, m, "claimed", &err);
			FUZZ_TRACE("claim [0x%llx, 0x%llx): %d\n", (unsigned long long)m.start, (unsigned long long)m.end, rc);
			FUZZ_CHECK((rc == 0) == want, "claim [0x%llx, 0x%llx): rc %d, reference says %s (%s)",
				   (unsigned long long)m.start, (unsigned long long)m.end, rc, want ? "free" : "not free",
				   rc ? err.msg : "");
			break;
		}
		default: {
			uint8_t a = (uint8_t)take(&r, 1);
			struct alloc_request q = { "allocated", 0, 0, 0, 0, ALLOC_LOWEST, NULL, 0, NULL };
			q.size = raw ? take(&r, 8) : take(&r, 3) << (a & 0x80 ? 12 : 0);
			q.align = (a & 0x40) && raw ? take(&r, 8) : (uint64_t)1 << (a & 0x3f);
			q.min = addr(&r);
			q.max_end = a & 0x20 ? UINT64_MAX : addr(&r);
			q.policy = take(&r, 1) & 1 ? ALLOC_HIGHEST : ALLOC_LOWEST;
			bool bad = !q.size || !q.align || (q.align & (q.align - 1));
			uint64_t want = 0, got = 0;
			bool exists = !bad && reference(&q, &want);
			int rc = planner_alloc(&pl, &q, &got, &err);
			FUZZ_TRACE("alloc 0x%llx align 0x%llx [0x%llx, 0x%llx) %s: %d at 0x%llx\n", (unsigned long long)q.size,
				   (unsigned long long)q.align, (unsigned long long)q.min, (unsigned long long)q.max_end,
				   q.policy == ALLOC_LOWEST ? "lowest" : "highest", rc, (unsigned long long)got);
			FUZZ_CHECK((rc == 0) == (exists && !full),
				   "alloc 0x%llx align 0x%llx in [0x%llx, 0x%llx) %s: rc %d (%s), reference %s 0x%llx",
				   (unsigned long long)q.size, (unsigned long long)q.align, (unsigned long long)q.min,
				   (unsigned long long)q.max_end, q.policy == ALLOC_LOWEST ? "lowest" : "highest", rc,
				   rc ? err.msg : "", exists ? "finds" : "finds none", (unsigned long long)want);
			if (rc)
				break;
			/* The invariants themselves, then the exact answer. */
			FUZZ_CHECK(got % q.align == 0 && got >= q.min && got >= PLANNER_LOW_LIMIT && got + q.size > got &&
					   got + q.size <= q.max_end, "allocation 0x%llx outside its request", (unsigned long long)got);
			FUZZ_CHECK(oracle_is_ram(map, map_n, got, got + q.size), "allocation 0x%llx not in usable RAM",
				   (unsigned long long)got);
			for (size_t i = 0; i < before; i++)
				FUZZ_CHECK(!ranges_overlap(pl.live[i].range.start, pl.live[i].range.end, got, got + q.size),
					   "allocation 0x%llx overlaps live range %zu", (unsigned long long)got, i);
			FUZZ_CHECK(got == want, "allocation at 0x%llx, the %s fit is 0x%llx", (unsigned long long)got,
				   q.policy == ALLOC_LOWEST ? "lowest" : "highest", (unsigned long long)want);
			FUZZ_CHECK(pl.live_count == before + 1 && pl.live[before].range.start == got &&
					   pl.live[before].range.end == got + q.size && !pl.live[before].movable,
				   "allocation not recorded as live");
			break;
		}
		}
	}
	return 0;
}
