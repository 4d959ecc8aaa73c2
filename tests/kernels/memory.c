/* Does the memory map describe the RAM QEMU was given (probe.mem_mib=N)?
 * With S = probe.mem_slack_mib (default 2):
 *   mem.total: all usable RAM, below and above 4 GiB, is within
 *              [N - 2S, N] MiB (the 640K-1M hole and the firmware's
 *              reservations take a little);
 *   mem.top:   for N <= 2048, the highest end of usable RAM below 4 GiB
 *              is within [N - S, N] MiB. Above 2 GiB QEMU splits RAM
 *              around the PCI hole at a machine-dependent point (2 GiB
 *              q35, 3 GiB pc), so only that top >= 2048 - S MiB is
 *              checked, and mem.total covers the rest. */
#include "handoff.h"

#define MIB (1ull << 20)
#define FOUR_GIB (4096 * MIB)
#define SPLIT_SAFE_MIB 2048 /* at most this much RAM stays below the PCI hole on any QEMU machine */

void memory_checks(const struct handoff *h)
{
	const struct probe_params *p = &h->params;
	uint64_t total = memmap_ram_total(&h->map);
	uint64_t top = memmap_ram_top_below(&h->map, FOUR_GIB);
	pr("PROBE: INFO memory usable total %lu KiB, top below 4 GiB 0x%lx, probe.mem_mib %lu\n",
	   total >> 10, top, p->mem_mib);
	if (!p->mem_set) {
		check("mem.total", false, "probe.mem_mib missing");
		return;
	}
	uint64_t n = p->mem_mib * MIB, slack = p->mem_slack_mib * MIB;
	check("mem.total", total <= n && total + 2 * slack >= n,
	      "usable RAM %lu KiB, expected %lu KiB - at most %lu KiB", total >> 10, n >> 10,
	      (2 * slack) >> 10);
	if (p->mem_mib <= SPLIT_SAFE_MIB)
		check("mem.top", top <= n && top + slack >= n,
		      "top of RAM below 4 GiB 0x%lx, expected 0x%lx - at most %lu KiB", top, n, slack >> 10);
	else
		check("mem.top", top + slack >= SPLIT_SAFE_MIB * MIB && top <= FOUR_GIB,
		      "top of RAM below 4 GiB 0x%lx, expected at least 0x%llx", top,
		      SPLIT_SAFE_MIB * MIB - slack);
}
