#include "cmocka_all.h"

#include "loader/plan/e820_build.h"

static struct e820_table t;

#define E(s, e, ty) { (s), (e), (ty) }

static void assert_entry(size_t i, uint64_t start, uint64_t end, uint32_t type)
{
	assert_true(i < t.count);
	assert_int_equal(t.entry[i].addr, start);
	assert_int_equal(t.entry[i].addr + t.entry[i].size, end);
	assert_int_equal(t.entry[i].type, type);
}

static void passes_a_clean_qemu_map_through(void **state)
{
	(void)state;
	const struct mmap_entry in[] = {
		E(0x0, 0x9fc00, 1), E(0x9fc00, 0xa0000, 2), E(0xf0000, 0x100000, 2),
		E(0x100000, 0x1ffe0000, 1), E(0x1ffe0000, 0x20000000, 2), E(0xfffc0000, 0x100000000, 2),
	};
	e820_build(in, 6, &t);
	assert_int_equal(t.count, 6);
	assert_entry(0, 0x0, 0x9fc00, E820_TYPE_RAM);
	assert_entry(3, 0x100000, 0x1ffe0000, E820_TYPE_RAM);
	assert_entry(5, 0xfffc0000, 0x100000000, E820_TYPE_RESERVED);
}

static void sorts_and_merges_adjacent_ranges_of_one_type(void **state)
{
	(void)state;
	const struct mmap_entry in[] = {
		E(0x200000, 0x300000, 1), E(0x100000, 0x200000, 1), E(0x0, 0x1000, 2), E(0x300000, 0x400000, 3),
	};
	e820_build(in, 4, &t);
	assert_int_equal(t.count, 3);
	assert_entry(0, 0x0, 0x1000, E820_TYPE_RESERVED);
	assert_entry(1, 0x100000, 0x300000, E820_TYPE_RAM); /* two entries merged */
	assert_entry(2, 0x300000, 0x400000, E820_TYPE_ACPI);
}

static void overlaps_resolve_to_the_most_restrictive_type(void **state)
{
	(void)state;
	/* RAM with a reserved hole punched by an overlapping entry, and ACPI over NVS. */
	const struct mmap_entry in[] = {
		E(0x100000, 0x1000000, 1), E(0x400000, 0x500000, 2), E(0x2000000, 0x3000000, 3),
		E(0x2800000, 0x3800000, 4),
	};
	e820_build(in, 4, &t);
	assert_int_equal(t.count, 5);
	assert_entry(0, 0x100000, 0x400000, E820_TYPE_RAM);
	assert_entry(1, 0x400000, 0x500000, E820_TYPE_RESERVED);
	assert_entry(2, 0x500000, 0x1000000, E820_TYPE_RAM);
	assert_entry(3, 0x2000000, 0x2800000, E820_TYPE_ACPI);
	assert_entry(4, 0x2800000, 0x3800000, E820_TYPE_NVS);
}

static void unknown_types_become_reserved_and_holes_stay_holes(void **state)
{
	(void)state;
	const struct mmap_entry in[] = {
		E(0x100000, 0x200000, 1), E(0x200000, 0x300000, 0xf00d), E(0x300000, 0x400000, 0),
		E(0x500000, 0x600000, 1), E(0x600000, 0x700000, 5), E(0x700000, 0x800000, 12),
	};
	e820_build(in, 6, &t);
	assert_int_equal(t.count, 5);
	assert_entry(0, 0x100000, 0x200000, E820_TYPE_RAM);
	assert_entry(1, 0x200000, 0x400000, E820_TYPE_RESERVED); /* 0xf00d and 0 merged */
	assert_entry(2, 0x500000, 0x600000, E820_TYPE_RAM);      /* after a hole */
	assert_entry(3, 0x600000, 0x700000, E820_TYPE_UNUSABLE);
	assert_entry(4, 0x700000, 0x800000, E820_TYPE_PRAM);
	assert_int_equal(e820_normalise_type(7), E820_TYPE_PMEM);
	assert_int_equal(e820_normalise_type(6), E820_TYPE_RESERVED);
}

static void output_is_sorted_disjoint_and_merged_for_many_random_maps(void **state)
{
	(void)state;
	static struct mmap_entry in[BOOT_INFO_MAX_MMAP];
	uint64_t seed = 12345;
	for (int round = 0; round < 200; round++) {
		size_t n = 1 + (size_t)(round * 7 % BOOT_INFO_MAX_MMAP);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			uint64_t start = (seed >> 20) & 0xfffff000;
			uint64_t len = ((seed >> 8) & 0xfff) * 0x1000;
			in[i] = (struct mmap_entry){ start, start + len, (uint32_t)(seed >> 60) };
		}
		e820_build(in, n, &t);
		assert_true(t.count <= E820_TABLE_MAX);
		for (size_t i = 0; i < t.count; i++) {
			assert_true(t.entry[i].size > 0);
			/* Every output byte is covered by an input entry of a type that maps to it. */
			uint64_t a = t.entry[i].addr;
			int covered = 0;
			for (size_t j = 0; j < n; j++)
				if (in[j].start <= a && a < in[j].end && e820_normalise_type(in[j].type) == t.entry[i].type)
					covered = 1;
			assert_true(covered);
			if (i) {
				const struct boot_e820_entry *p = &t.entry[i - 1];
				assert_true(p->addr + p->size <= t.entry[i].addr);
				assert_false(p->addr + p->size == t.entry[i].addr && p->type == t.entry[i].type);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passes_a_clean_qemu_map_through),
		cmocka_unit_test(sorts_and_merges_adjacent_ranges_of_one_type),
		cmocka_unit_test(overlaps_resolve_to_the_most_restrictive_type),
		cmocka_unit_test(unknown_types_become_reserved_and_holes_stay_holes),
		cmocka_unit_test(output_is_sorted_disjoint_and_merged_for_many_random_maps),
	};
	return cmocka_run_group_tests_name("e820", tests, NULL, NULL);
}
