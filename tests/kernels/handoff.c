/* Helpers shared by the checks of what the loader handed over. */
#include "handoff.h"
#include "pagewalk.h"

#define FOUR_GIB 0x100000000ull

void handoff_add_obj(struct handoff *h, const char *name, uint64_t addr, uint64_t size)
{
	if (h->nobjs < HANDOFF_OBJS_MAX && size)
		h->objs[h->nobjs++] = (struct named_range){ name, addr, size };
}

bool readable(uint64_t addr, uint64_t size)
{
	return addr + size >= addr && addr + size <= paging_identity_limit();
}

bool check_in_ram(const struct handoff *h, const char *name, uint64_t addr, uint64_t size)
{
	if (!entry_is64() && (addr + size > FOUR_GIB || addr + size < addr))
		return check(name, false, "[0x%lx, 0x%lx) not below 4 GiB for a 32-bit entry", addr,
			     addr + size);
	return check(name, memmap_is_ram(&h->map, addr, size), "[0x%lx, 0x%lx) not in usable RAM",
		     addr, addr + size);
}

void check_mapped(const char *name, uint64_t addr, uint64_t size, bool need_write)
{
	if (!entry_is64())
		return; /* paging was off: nothing to walk */
	char why[128];
	bool ok = entry_maps_identity(addr, size, need_write, why, sizeof why);
	check(name, ok, "[0x%lx, 0x%lx): %s", addr, addr + size, why);
}
