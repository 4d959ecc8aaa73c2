/*
 * insns_plugin.c: a QEMU TCG plugin for make bench ("instructions" part).
 *
 * Counts the guest instructions a boot executes, by the virtual address of
 * the code, and the translation blocks QEMU translated, and notes both
 * counts at the first translation of code in the kernel's half of the
 * address space (the kernel proper starts). Unlike wall time under TCG,
 * which moves by +-10 % with the host's load, these counts repeat to a
 * fraction of a percent: they say whether two ways of booting make the
 * guest do different work.
 *
 * QEMU 7.2 (Debian 12) plugin API, version 1; the few declarations used are
 * written here, as Debian ships no qemu-plugin.h. Loaded with
 *   -plugin build/bench/insns_plugin.so,out=FILE
 * and writes FILE when QEMU exits (the test init ends QEMU through
 * isa-debug-exit): one line per region, "name insns tbs insns_before tbs_before".
 * Counts are per translation block executed in full (a block left early by
 * an exception counts whole); one vCPU, so the inline adds do not race.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*atexit_cb)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, atexit_cb cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define KERNEL_HALF 0xffff800000000000ull
#define MIB (1024ull * 1024)

/* [start, end) of each region; the kernel's half last. */
static const struct region {
	const char *name;
	uint64_t start, end;
} regions[] = {
	{"below-1MiB", 0, 1 * MIB},
	{"1MiB-2MiB", 1 * MIB, 2 * MIB},
	{"2MiB-16MiB", 2 * MIB, 16 * MIB},
	{"16MiB-256MiB", 16 * MIB, 256 * MIB},
	{"256MiB-4GiB", 256 * MIB, 4096 * MIB},
	{"above-4GiB", 4096 * MIB, KERNEL_HALF},
	{"kernel-half", KERNEL_HALF, UINT64_MAX},
};
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

static uint64_t insns[NREGIONS], tbs[NREGIONS];
static uint64_t insns_before[NREGIONS], tbs_before[NREGIONS];
static int kernel_seen;
static char out_path[4096];

static size_t region_of(uint64_t vaddr)
{
	for (size_t i = 0; i + 1 < NREGIONS; i++)
		if (vaddr < regions[i].end)
			return i;
	return NREGIONS - 1;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t r = region_of(qemu_plugin_tb_vaddr(tb));
	if (r == NREGIONS - 1 && !kernel_seen) {
		kernel_seen = 1;
		memcpy(insns_before, insns, sizeof(insns));
		memcpy(tbs_before, tbs, sizeof(tbs));
	}
	tbs[r]++;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insns[r],
						 qemu_plugin_tb_n_insns(tb));
}

static void write_counts(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	FILE *f = fopen(out_path, "w");
	if (!f)
		return;
	if (!kernel_seen) { /* the kernel never ran: everything was before it */
		memcpy(insns_before, insns, sizeof(insns));
		memcpy(tbs_before, tbs, sizeof(tbs));
	}
	for (size_t i = 0; i < NREGIONS; i++)
		fprintf(f, "%s %llu %llu %llu %llu\n", regions[i].name, (unsigned long long)insns[i],
			(unsigned long long)tbs[i], (unsigned long long)insns_before[i],
			(unsigned long long)tbs_before[i]);
	fclose(f);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const void *info,
							       int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "out=", 4) == 0 && strlen(argv[i] + 4) < sizeof(out_path))
			strcpy(out_path, argv[i] + 4);
	if (!out_path[0]) {
		fprintf(stderr, "insns_plugin: give out=FILE\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, write_counts, NULL);
	return 0;
}
