/* Walk the page tables the loader handed over (CR3 at entry). */
#ifndef PROBE_PAGEWALK_H
#define PROBE_PAGEWALK_H

#include "probe.h"

/* Is [addr, addr + size) mapped 1:1 (and writable if need_write) by the
 * tables at cr3? On failure, why holds the first offending page. */
bool pt_identity(uint64_t cr3, bool la57, uint64_t addr, uint64_t size, bool need_write,
		 char *why, size_t why_size);

/* pt_identity for the tables at entry (CR3, CR4.LA57 from probe_state). */
bool entry_maps_identity(uint64_t addr, uint64_t size, bool need_write, char *why, size_t why_size);

/* paging.c: the end of the probe's own identity map. */
uint64_t paging_identity_limit(void);

#endif
