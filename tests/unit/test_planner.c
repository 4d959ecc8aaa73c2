#include "cmocka_all.h"

#include <string.h>

#include "loader/plan/planner.h"

static struct planner pl;
static struct e820_table t;

#define MIB (1ull << 20)

static void init_ram(uint64_t end)
{
	t.count = 3;
	t.entry[0] = (struct boot_e820_entry){ 0, 0x9fc00, E820_TYPE_RAM };
	t.entry[1] = (struct boot_e820_entry){ 0xf0000, 0x10000, E820_TYPE_RESERVED };
	t.entry[2] = (struct boot_e820_entry){ MIB, end - MIB, E820_TYPE_RAM };
	planner_init(&pl, &t);
}

static void never_hands_out_the_first_mebibyte(void **state)
{
	(void)state;
	init_ram(512 * MIB);
	assert_int_equal(pl.ram_count, 1);
	assert_int_equal(pl.ram[0].start, MIB);
	uint64_t a;
	struct cl_error err;
	struct alloc_request r = { "x", 0x1000, 0x1000, 0, UINT64_MAX, ALLOC_LOWEST, NULL, 0, NULL };
	assert_int_equal(planner_alloc(&pl, &r, &a, &err), 0);
	assert_int_equal(a, MIB);
}

static void lowest_steps_past_live_ranges_keeping_alignment(void **state)
{
	(void)state;
	struct cl_error err;
	uint64_t a;
	init_ram(512 * MIB);
	assert_int_equal(planner_reserve(&pl, (struct mem_range){ MIB, 9 * MIB + 0x1234 }, "modules", &err), 0);
	assert_int_equal(planner_reserve(&pl, (struct mem_range){ 16 * MIB, 17 * MIB }, "other", &err), 0);
	struct alloc_request r = { "kernel", 64 * MIB, 2 * MIB, 0, UINT64_MAX, ALLOC_LOWEST, NULL, 0, NULL };
	assert_int_equal(planner_alloc(&pl, &r, &a, &err), 0);
	assert_int_equal(a, 18 * MIB); /* 10 MiB would overlap "other" */
	r.size = 4 * MIB;
	r.what = "small";
	assert_int_equal(planner_alloc(&pl, &r, &a, &err), 0);
	assert_int_equal(a, 10 * MIB); /* the gap between the modules and "other" */
}

static void highest_stays_below_the_limit_and_live_ranges(void **state)
{
	(void)state;
	struct cl_error err;
	uint64_t a;
	init_ram(512 * MIB);
	assert_int_equal(planner_reserve(&pl, (struct mem_range){ 500 * MIB, 512 * MIB }, "top", &err), 0);
	struct alloc_request r = { "initrd", 100 * MIB + 5, 0x1000, MIB, 511 * MIB, ALLOC_HIGHEST, NULL, 0, NULL };
	assert_int_equal(planner_alloc(&pl, &r, &a, &err), 0);
	assert_int_equal(a, (500 * MIB - (100 * MIB + 5)) & ~0xfffull);
	assert_true(a + r.size <= 500 * MIB);
}

static void reports_when_nothing_fits(void **state)
{
	(void)state;
	struct cl_error err;
	uint64_t a;
	init_ram(64 * MIB);
	struct alloc_request r = { "kernel", 64 * MIB, 2 * MIB, 16 * MIB, UINT64_MAX, ALLOC_LOWEST, NULL, 0, NULL };
	assert_int_equal(planner_alloc(&pl, &r, &a, &err), -1);
	assert_string_equal(err.msg, "no room for kernel: 0x4000000 bytes aligned to 0x200000 within [0x1000000, 0xffffffffffffffff) of usable RAM");
	r.policy = ALLOC_HIGHEST;
	assert_int_equal(planner_alloc(&pl, &r, &a, &err), -1);
	r.align = 3;
	assert_int_equal(planner_alloc(&pl, &r, &a, &err), -1);
	assert_string_equal(err.msg, "planner: bad request for kernel: size 0x4000000 align 0x3");
}

static void claim_names_what_is_in_the_way(void **state)
{
	(void)state;
	struct cl_error err;
	init_ram(512 * MIB);
	assert_int_equal(planner_reserve(&pl, (struct mem_range){ 0x100000, 0x11f000 }, "chainloader", &err), 0);
	assert_int_equal(planner_claim(&pl, (struct mem_range){ 0x100000, 0x16b000 }, "kernel", &err), -1);
	assert_string_equal(err.msg, "kernel needs [0x100000, 0x16b000), which overlaps chainloader [0x100000, 0x11f000)");
	assert_int_equal(planner_claim(&pl, (struct mem_range){ 500 * MIB, 600 * MIB }, "kernel", &err), -1);
	assert_string_equal(err.msg, "kernel needs [0x1f400000, 0x25800000), which is not usable RAM");
	assert_int_equal(planner_claim(&pl, (struct mem_range){ 16 * MIB, 80 * MIB }, "kernel", &err), 0);
	assert_non_null(planner_conflict(&pl, (struct mem_range){ 80 * MIB - 1, 80 * MIB }));
	assert_null(planner_conflict(&pl, (struct mem_range){ 80 * MIB, 81 * MIB })); /* half-open */
}

static void random_allocations_never_overlap_live_ranges(void **state)
{
	(void)state;
	uint64_t seed = 99;
	for (int round = 0; round < 300; round++) {
		init_ram(((uint64_t)(round % 40) + 8) * 64 * MIB);
		struct cl_error err;
		for (int i = 0; i < 8; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			uint64_t s = MIB + ((seed >> 24) % (256 * MIB));
			planner_reserve(&pl, (struct mem_range){ s, s + ((seed >> 8) & 0xffffff) + 1 }, "live", &err);
		}
		for (int i = 0; i < 6; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			struct alloc_request r = { "alloc", ((seed >> 30) & 0x3ffffff) + 1, 1ull << ((seed >> 10) % 22),
						   (seed >> 40) % (64 * MIB), UINT64_MAX - (seed % 3) * (UINT64_MAX / 2),
						   (seed & 1) ? ALLOC_LOWEST : ALLOC_HIGHEST, NULL, 0, NULL };
			size_t before = pl.live_count;
			uint64_t a;
			if (planner_alloc(&pl, &r, &a, &err))
				continue;
			assert_int_equal(a % r.align, 0);
			assert_true(a >= r.min && a + r.size <= r.max_end);
			assert_true(planner_in_ram(&pl, (struct mem_range){ a, a + r.size }));
			for (size_t j = 0; j < before; j++)
				assert_false(pl.live[j].range.start < a + r.size && a < pl.live[j].range.end);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(never_hands_out_the_first_mebibyte),
		cmocka_unit_test(lowest_steps_past_live_ranges_keeping_alignment),
		cmocka_unit_test(highest_stays_below_the_limit_and_live_ranges),
		cmocka_unit_test(reports_when_nothing_fits),
		cmocka_unit_test(claim_names_what_is_in_the_way),
		cmocka_unit_test(random_allocations_never_overlap_live_ranges),
	};
	return cmocka_run_group_tests_name("planner", tests, NULL, NULL);
}
