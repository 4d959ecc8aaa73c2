/* The initrd: where the loader says it is, that it is the file the test
 * passed (probe.initrd_size, probe.initrd_crc32), and where it lies. */
#include "handoff.h"

void initrd_checks(struct handoff *h)
{
	const struct probe_params *p = &h->params;
	pr("PROBE: INFO initrd at 0x%lx size %lu\n", h->initrd_addr, h->initrd_size);
	if (!p->initrd_size_set) {
		check("initrd.size", false, "probe.initrd_size missing");
		return;
	}
	if (p->initrd_size == 0) { /* the test gave no initrd: none may be reported */
		check("initrd.none", !h->initrd_present, "loader reports one at 0x%lx size %lu",
		      h->initrd_addr, h->initrd_size);
		return;
	}
	if (!check("initrd.size", h->initrd_present && h->initrd_size == p->initrd_size,
		   "size %lu at 0x%lx, expected %lu", h->initrd_size, h->initrd_addr, p->initrd_size))
		return;
	bool in_ram = check_in_ram(h, "initrd.ram", h->initrd_addr, h->initrd_size);
	check_mapped("initrd.mapped", h->initrd_addr, h->initrd_size, false);
	handoff_add_obj(h, "initrd", h->initrd_addr, h->initrd_size);
	if (!in_ram || !readable(h->initrd_addr, h->initrd_size)) {
		check("initrd.crc32", false, "not read: not in RAM");
		return;
	}
	uint32_t c = crc32((const void *)(uintptr_t)h->initrd_addr, h->initrd_size);
	check("initrd.crc32", p->initrd_crc_set && c == p->initrd_crc, "crc32 %08x, expected %08x", c,
	      p->initrd_crc);
}
