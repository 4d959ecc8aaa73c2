/* Nothing the loader placed may overlap anything else it placed, the
 * kernel's own memory included. */
#include "handoff.h"

#define LAYOUT_MAX (HANDOFF_OBJS_MAX + 4)

static bool overlap(const struct named_range *a, const struct named_range *b)
{
	return a->addr < b->addr + b->size && b->addr < a->addr + a->size;
}

void layout_checks(const struct handoff *h)
{
	struct named_range r[LAYOUT_MAX];
	size_t n = image_ranges(r, LAYOUT_MAX);
	for (size_t i = 0; i < h->nobjs && n < LAYOUT_MAX; i++)
		r[n++] = h->objs[i];
	for (size_t i = 0; i < n; i++)
		pr("PROBE: INFO layout %s [0x%lx, 0x%lx)\n", r[i].name, r[i].addr, r[i].addr + r[i].size);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (overlap(&r[i], &r[j])) {
				check("layout.overlap", false, "%s [0x%lx, 0x%lx) overlaps %s [0x%lx, 0x%lx)",
				      r[i].name, r[i].addr, r[i].addr + r[i].size, r[j].name, r[j].addr,
				      r[j].addr + r[j].size);
				return;
			}
	check("layout.overlap", true, "-");
}
